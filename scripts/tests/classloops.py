"""Plain-loop formulations of the class-index losses: one Python float at a
time over explicit (n, c, d...) indices, compared with the reference's
output on the small golden cases."""

import itertools
import math

import numpy as np

from helpers import as_float64, declared
from reference import core, decode_call, evaluate_case


def positions(x_shape):
    """(class-dim position, [index tuples without the class]) of an input."""
    if len(x_shape) == 1:
        return [()]
    rest = [x_shape[0]] + list(x_shape[2:])
    return list(itertools.product(*[range(n) for n in rest]))


def at(x, pos, c):
    """x[n, c, d...] (or x[c] unbatched) for a position (n, d...)."""
    if x.ndim == 1:
        return float(x[c])
    return float(x[(pos[0], c) + tuple(pos[1:])])


def log_softmax_loop(x, pos, C):
    vals = [at(x, pos, c) for c in range(C)]
    m = max(vals)
    total = 0.0
    for v in vals:
        total += math.exp(v - m)
    return [v - m - math.log(total) for v in vals]


def reduce_loop(values, reduction, denominator, out_shape):
    if reduction == "none":
        return np.array(values, dtype=np.float64).reshape(out_shape)
    total = 0.0
    for v in values:
        total += v
    if reduction == "sum":
        return total
    return total / denominator if denominator else math.nan


def check(loss, forward, max_elements=64, select=lambda c: True):
    """forward(call) -> expected output by loops; compares with the
    reference on each small finite value case of `loss`."""
    problems = []
    checked = 0
    for d in declared(loss):
        c = d.case
        if "error" in c["expected"] or not select(c):
            continue
        if any(int(np.prod(v["shape"])) > max_elements for v in c["inputs"].values() if isinstance(v, dict)):
            continue
        call = decode_call(as_float64(c))
        x = call.inputs["input"].value
        if x.size == 0 or not np.all(np.isfinite(x)):
            continue
        want = np.asarray(forward(call), dtype=np.float64)
        got = core.decode_tensor(evaluate_case(as_float64(c))["output"]).value
        if want.shape != got.shape or not np.allclose(got, want, rtol=1e-11, atol=1e-12, equal_nan=True):
            problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
        checked += 1
    if checked == 0:
        problems.append(f"{loss}: no case checked")
    return problems, checked

"""Plain-loop formulations for elementwise losses: the forward computed one
Python float at a time (broadcasting by index arithmetic), compared with the
reference's output on the small golden cases."""

import itertools
import math

import numpy as np

from helpers import as_float64, declared
from reference import core, decode_call, evaluate_case


def _broadcast_index(idx, shape):
    lead = len(idx) - len(shape)
    return tuple(0 if shape[k] == 1 else idx[lead + k] for k in range(len(shape)))


def loop_elementwise(x, t, elem):
    """elem(x_i, t_i) over the broadcast of x and t, by explicit loops."""
    out_shape = []
    for k in range(max(x.ndim, t.ndim)):
        dims = [s[-1 - k] for s in (x.shape, t.shape) if k < len(s)]
        big = [d for d in dims if d != 1]
        out_shape.insert(0, big[0] if big else 1)
    out = np.empty(out_shape)
    for idx in itertools.product(*[range(n) for n in out_shape]):
        out[idx] = elem(float(x[_broadcast_index(idx, x.shape)]), float(t[_broadcast_index(idx, t.shape)]))
    return out


def reduce_loop(values, reduction):
    flat = [float(v) for v in values.ravel()]
    if reduction == "none":
        return values
    total = 0.0
    for v in flat:
        total += v
    if reduction == "sum":
        return total
    return total / len(flat) if flat else math.nan


def check_against_loop(loss, elem, max_elements=64, options_elem=None):
    """Compare the reference output with the loop formulation on each small
    value case of `loss`. `elem(x, t)` or, with `options_elem`,
    `options_elem(options)(x, t)`. Returns a list of problems."""
    problems = []
    checked = 0
    for d in declared(loss):
        c = d.case
        if "error" in c["expected"]:
            continue
        if any(int(np.prod(v["shape"])) > max_elements for v in c["inputs"].values() if isinstance(v, dict)):
            continue
        call = decode_call(as_float64(c))
        f = options_elem(call.options) if options_elem else elem
        with np.errstate(all="ignore"):
            vals = loop_elementwise(call.inputs["input"].value, call.inputs["target"].value, f)
        want = reduce_loop(vals, call.reduction)
        got = core.decode_tensor(evaluate_case(as_float64(c))["output"]).value
        want = np.asarray(want, dtype=np.float64)
        if want.shape != got.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True):
            problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
        checked += 1
    if checked == 0:
        problems.append(f"{loss}: no case checked")
    return problems

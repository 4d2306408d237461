"""Plain-loop machinery for the binary/logistic losses' reference tests:
one Python float at a time, broadcasting by index arithmetic."""

import itertools
import math

import numpy as np

from helpers import as_float64, declared
from loops import _broadcast_index
from reference import core, decode_call, evaluate_case


def at(a, idx):
    """Element of `a` read at broadcast index `idx` (a may be smaller)."""
    return float(a[_broadcast_index(idx, a.shape)])


def indices(shape):
    return itertools.product(*[range(n) for n in shape])


def loop_shape(*shapes):
    out = []
    for k in range(max(len(s) for s in shapes)):
        dims = [s[-1 - k] for s in shapes if k < len(s)]
        big = [d for d in dims if d != 1]
        out.insert(0, big[0] if big else 1)
    return tuple(out)


def total(values):
    s = 0.0
    for v in values:
        s += v
    return s


def reduce_loop(per, shape, reduction):
    """per: dict index -> value over `shape`."""
    if reduction == "none":
        out = np.empty(shape)
        for idx, v in per.items():
            out[idx] = v
        return out
    s = total(per.values())
    if reduction == "sum":
        return np.array(s)
    return np.array(s / len(per) if per else math.nan)


def log_or_ninf(v):
    return math.log(v) if v > 0 else -math.inf


def check(loss, forward, max_elements=64, rtol=1e-10, skip=None):
    """forward(call) -> the loss output by loops, compared with the
    reference on every small value case. Returns the problems."""
    problems = []
    checked = 0
    for d in declared(loss):
        c = d.case
        if "error" in c["expected"] or (skip and skip(c)):
            continue
        if any(int(np.prod(v["shape"])) > max_elements for v in c["inputs"].values() if isinstance(v, dict)):
            continue
        c64 = as_float64(c)
        call = decode_call(c64)
        want = np.asarray(forward(call), dtype=np.float64)
        got = core.decode_tensor(evaluate_case(c64)["output"]).value
        if want.shape != got.shape or not np.allclose(got, want, rtol=rtol, atol=1e-12, equal_nan=True):
            problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
        checked += 1
    if checked == 0:
        problems.append(f"{loss}: no case checked")
    return problems


def run(case):
    """Evaluate a case dict with the reference: (output, {name: grad}) as
    float64 arrays, or the error dict."""
    r = evaluate_case(case)
    if "error" in r:
        return r["error"], None
    grads = {k: core.decode_tensor(v).value for k, v in r.get("grads", {}).items()}
    return core.decode_tensor(r["output"]).value, grads

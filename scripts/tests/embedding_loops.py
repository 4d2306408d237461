"""Plain-loop formulations of the embedding losses (CosineEmbedding and the
triplet losses): every sum, norm and hinge computed one Python float at a
time, with broadcasting by index arithmetic. Compared with the reference's
output on the small golden cases."""

import itertools
import math

import numpy as np

from helpers import as_float64, declared
from loops import reduce_loop
from reference import core, decode_call, evaluate_case


def bshape(*shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for k in range(rank):
        dims = [s[len(s) - rank + k] for s in shapes if len(s) - rank + k >= 0]
        big = [d for d in dims if d != 1]
        out.append(big[0] if big else 1)
    return tuple(out)


def at(a, idx):
    """a read at index idx of a broadcast shape (trailing alignment)."""
    lead = len(idx) - a.ndim
    return float(a[tuple(0 if a.shape[k] == 1 else idx[lead + k] for k in range(a.ndim))])


def indices(shape):
    return itertools.product(*[range(n) for n in shape])


def check_cases(loss, loop, max_elements=64):
    """loop(call) -> unreduced values (ndarray); compares reduce_loop of it
    with the reference output on every small value case."""
    problems = []
    checked = 0
    for d in declared(loss):
        c = d.case
        if "error" in c["expected"]:
            continue
        if any(int(np.prod(v["shape"])) > max_elements for v in c["inputs"].values() if isinstance(v, dict)):
            continue
        call = decode_call(as_float64(c))
        with np.errstate(all="ignore"):
            want = np.asarray(reduce_loop(loop(call), call.reduction), dtype=np.float64)
        got = core.decode_tensor(evaluate_case(as_float64(c))["output"]).value
        if want.shape != got.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True):
            problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
        checked += 1
    if checked == 0:
        problems.append(f"{loss}: no case checked")
    return problems


def vector_pairs(x1, x2, reduce_dim):
    """For each index of the broadcast shape without `reduce_dim`, the two
    vectors (lists of floats) along that dim."""
    full = bshape(x1.shape, x2.shape)
    if not full:
        yield (), [at(x1, ())], [at(x2, ())]
        return
    rd = reduce_dim % len(full)
    outer = full[:rd] + full[rd + 1:]
    for o in indices(outer):
        v1, v2 = [], []
        for j in range(full[rd]):
            idx = o[:rd] + (j,) + o[rd:]
            v1.append(at(x1, idx))
            v2.append(at(x2, idx))
        yield o, v1, v2


def dist_loop(x1, x2, fn, reduce_dim=-1):
    full = bshape(x1.shape, x2.shape)
    outer = full[:reduce_dim % len(full)] + full[reduce_dim % len(full) + 1:] if full else ()
    out = np.empty(outer)
    for o, v1, v2 in vector_pairs(x1, x2, reduce_dim):
        out[o] = fn(v1, v2)
    return out


def p_norm(v, p):
    if p == 0:
        return float(sum(1 for x in v if x != 0))
    if math.isinf(p):
        return max(abs(x) for x in v) if p > 0 else min(abs(x) for x in v)
    total = 0.0
    for x in v:
        total += abs(x) ** p if x != 0 or p > 0 else math.inf
    return total ** (1.0 / p) if total != math.inf else (0.0 if p < 0 else math.inf)


def triplet_loop(call, fn, reduce_dim=-1):
    a = call.inputs["anchor"].value
    p = call.inputs["positive"].value
    n = call.inputs["negative"].value
    d_ap = dist_loop(a, p, fn, reduce_dim)
    d_an = dist_loop(a, n, fn, reduce_dim)
    d_pn = dist_loop(p, n, fn, reduce_dim) if call.option("swap") else None
    shape = bshape(d_ap.shape, d_an.shape)
    out = np.empty(shape)
    for idx in indices(shape):
        neg = at(d_an, idx)
        if d_pn is not None:
            neg = min(neg, at(d_pn, idx))
        out[idx] = max(call.option("margin") + at(d_ap, idx) - neg, 0.0)
    return out

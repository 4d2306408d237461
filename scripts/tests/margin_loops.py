"""Shared by the tests of the hinge-family references: run a plain-loop
forward over each small declared value case and compare."""

import math

import numpy as np

from helpers import as_float64, declared
from reference import core, decode_call, evaluate_case


def reduce_rows(rows, reduction, out_shape):
    if reduction == "none":
        return np.array(rows, dtype=np.float64).reshape(out_shape)
    total = 0.0
    for v in rows:
        total += v
    if reduction == "sum":
        return np.array(total)
    return np.array(total / len(rows) if rows else math.nan)


def check_cases(loss, loop, max_elements=64):
    """loop(call) -> expected output (float64 array). Returns problems."""
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
            want = np.asarray(loop(call), dtype=np.float64)
        got = core.decode_tensor(evaluate_case(as_float64(c))["output"]).value
        if want.shape != got.shape or not np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True):
            problems.append(f"{c['id']}: reference {got.ravel()[:4]} loop {want.ravel()[:4]}")
        checked += 1
    if checked == 0:
        problems.append(f"{loss}: no case checked")
    return problems


def hinge(z):
    """max(0, z) with NaN counted as an inactive hinge (0)."""
    return z if z > 0 else 0.0

#!/usr/bin/env python3
"""A planted faulty backend: reductions accumulated in the half dtype.

    python3 scripts/backends/half_accumulate_backend.py < cases.jsonl

It answers like the NumPy reference, except that a `mean` or `sum` of a half
case is recomputed the way a kernel without a float accumulator does it:
the unreduced values rounded to the dtype, then summed left to right with
every partial sum rounded to the dtype (numpy's float16 cumulative sum;
bfloat16 by rounding each partial sum), the mean divided in the dtype.
Stagnation follows: once the partial sum is large, small terms vanish.
scripts/half_judge.py must fail it where sums are long (the tolerance
model's point); float32/float64 cases are answered unchanged.
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from exec_adapter import serve  # noqa: E402
from numpy_backend import evaluate  # noqa: E402
from reference import core, evaluate_case, libm  # noqa: E402


def half_sum(values, dtype):
    """Left-to-right sum with each partial sum rounded to the dtype."""
    v = core.round_to(dtype, np.asarray(values, dtype=np.float64).ravel())
    if dtype == "float16":
        with np.errstate(over="ignore", invalid="ignore"):
            return float(np.cumsum(v.astype(np.float16), dtype=np.float16)[-1]) if v.size else 0.0
    s = 0.0
    for x in v.tolist():
        s = core.round_half_scalar(dtype, s + x)
    return s


def answer(case):
    result = evaluate(case)
    dtype = case.get("dtype")
    opts = dict(case.get("options") or {})
    if dtype not in core.HALF_DTYPES or "error" in result or result["output"]["shape"]:
        return result
    reduction = opts.get("reduction", "mean")
    if opts.get("size_average") is not None or opts.get("reduce") is not None or reduction not in ("mean", "sum"):
        return result
    opts["reduction"] = "none"
    unreduced = evaluate_case(dict(case, options=opts, grad_wrt=[]))
    if "error" in unreduced:
        return result
    vals = [float(x.text) if isinstance(x, core.Raw) else float(x) for x in unreduced["output"]["data"]]
    if len(vals) < 2:
        return result
    if reduction == "mean":
        # Only where the mean is the plain one (not CrossEntropy's weighted
        # mean, CTC's per-length mean, ...): the fault planted is the sum.
        ref = float(result["output"]["data"][0])
        plain = core.round_half_scalar(dtype, libm.fsum(vals) / len(vals))
        if not (ref == plain or abs(ref - plain) <= 2 * core.UNIT_ROUNDOFF[dtype] * abs(ref)):
            return result
    s = half_sum(vals, dtype)
    if reduction == "mean":
        s = core.round_half_scalar(dtype, s / len(vals))
    result["output"]["data"] = [core.number(s, dtype)]
    return json.loads(core.dumps(result))


def main():
    serve(answer)


if __name__ == "__main__":
    main()

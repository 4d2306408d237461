"""PoissonNLLLoss(log_input=True, full=False, eps=1e-8): input and target
broadcast both ways.

    log_input:      exp(x) - t x          d/dx = exp(x) - t          d/dt = -x
    not log_input:  x - t log(x + eps)    d/dx = 1 - t / (x + eps)   d/dt = -log(x + eps)

full adds the Stirling term s(t) = t log t - t + 0.5 log(2 pi t) where
t > 1 (0 elsewhere, t == 1 included; a NaN target is not masked). s has no
x gradient; its t gradient is log t + 1/(2t) where t > 1, and, through
PyTorch's masked_fill (a zero cotangent times the derivative of
t log t and log(2 pi t)), 0 where 0 < t <= 1 but NaN where t <= 0 (0 * inf,
0 * NaN) and at t = +inf (inf / inf in log's backward).

No domain checks: negative x with log_input off gives NaN. eps is not
validated. 'elementwise_mean' is refused.
"""

import math

import numpy as np

from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward
from .difference import declare_regression_cases, random_shapes


def evaluate(c):
    x = c.inputs["input"].value
    t = c.inputs["target"].value
    shape = broadcast_shapes(x.shape, t.shape, what="input and target")
    xb = np.broadcast_to(x, shape).astype(np.float64)
    tb = np.broadcast_to(t, shape).astype(np.float64)
    log_input, full = c.options["log_input"], c.options["full"]
    eps = float(c.round(c.options["eps"]))  # PyTorch adds eps in the tensor's dtype
    if log_input:
        ex = libm.exp(xb)
        values = ex - tb * xb
        dx = ex - tb
        dt = -xb
    else:
        lx = libm.log(xb + eps)
        values = xb - tb * lx
        dx = 1.0 - tb / (xb + eps)
        dt = -lx
    if full:
        big = tb > 1  # False for NaN: a NaN target still poisons the value below
        masked = ~(tb <= 1)  # where PyTorch keeps the term (t > 1 or NaN)
        ts = np.where(masked, tb, 2.0)  # a harmless stand-in where masked out
        lt = libm.log(ts)
        stirling = ts * lt - ts + 0.5 * libm.log(2.0 * math.pi * ts)
        values = values + np.where(masked, stirling, 0.0)
        ds = np.where(big, lt + 0.5 / ts, np.nan)
        ds = np.where(big & np.isinf(tb), np.nan, ds)
        ds = np.where(~masked & (tb > 0), 0.0, ds)  # 0 < t <= 1: no gradient
        dt = dt + ds
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, shape)
        return {"input": sum_to_shape(ge * dx, x.shape), "target": sum_to_shape(ge * dt, t.shape)}

    return out, vjp


def _edges(point, dtype):
    """Targets 0, 1 and > 1 (and between), x at 0 (log(eps) when log_input
    is off) and negative; all exact in float32."""
    if point.get("log_input", True):
        x = np.array([0.0, -1.5, 0.5, 0.0, 1.25, -0.25, 2.0])
    else:
        x = np.array([0.0, 0.0, 0.5, 1.0, 1.25, 0.0, 3.0])
    t = np.array([0.0, 1.0, 1.0, 0.0, 2.0, 3.0, 0.5])
    return [("targets_0_1_2", x, t)]


def cases(b):
    # Positive inputs suit both log_input settings; targets are counts-like.
    declare_regression_cases(b, edges=_edges, lo=0.05, hi=3.0, target_range=(0.0, 4.0))
    io = ("input", "target")
    for dtype in b.dtypes:
        rng = b.rng(f"{b.loss}/{dtype}/extra")
        # log_input with negative inputs (log-rates).
        for full in (False, True):
            x = b.uniform(rng, (3, 4), -3.0, 1.0, dtype)
            t = b.uniform(rng, (3, 4), 0.0, 5.0, dtype)
            b.add(f"none/log_input=true/full={str(full).lower()}/negative_input", dtype,
                  {"reduction": "none", "log_input": True, "full": full}, {"input": x, "target": t}, io)
        # log_input off: a negative input gives NaN (no domain check); eps = 0
        # at x = 0 gives -inf logs.
        x = np.array([-0.5, 0.0, 0.0, 1.0])
        t = np.array([1.0, 0.0, 2.0, 1.0])
        b.add("none/log_input=false/eps=0/zero_and_negative_input", dtype,
              {"reduction": "none", "log_input": False, "eps": 0.0}, {"input": x, "target": t}, io, smooth=False)
        b.add("none/log_input=false/negative_input", dtype,
              {"reduction": "none", "log_input": False}, {"input": x, "target": t}, io, smooth=False)
        # full with targets at and around the mask, negative and NaN targets.
        x = np.array([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
        t = np.array([-1.0, 0.0, 0.5, 1.0, 1.5, 2.0, np.nan])
        for li in (True, False):
            b.add(f"none/full=true/log_input={str(li).lower()}/mask_targets", dtype,
                  {"reduction": "none", "full": True, "log_input": li}, {"input": x, "target": t}, io,
                  smooth=False)
        # Broadcasting with full and log_input off.
        x = b.uniform(rng, (3, 1), 0.1, 3.0, dtype)
        t = b.uniform(rng, (1, 4), 0.0, 4.0, dtype)
        b.add("sum/log_input=false/full=true/broadcast=3x1-1x4", dtype,
              {"reduction": "sum", "log_input": False, "full": True}, {"input": x, "target": t}, io)
        # Overflow: exp(x) is inf past 88.7 (float32) / 709.8 (float64).
        x = np.array([100.0, 800.0, -800.0])
        t = np.array([1.0, 2.0, 1.0])
        b.add("none/log_input=true/overflow", dtype, {"reduction": "none"}, {"input": x, "target": t}, io,
              smooth=False)


def random_case(rng, dtype):
    from .cases import Builder

    xs, ts = random_shapes(rng)
    log_input = rng.random() < 0.5
    options = {"reduction": rng.choice(["none", "mean", "sum"]), "log_input": log_input,
               "full": rng.random() < 0.5}
    if rng.random() < 0.5:
        options["eps"] = rng.choice([1e-8, 0.5, round(rng.uniform(1e-6, 1.0), 6)])
    lo, hi = (-3.0, 2.0) if log_input else (0.05, 4.0)
    t = Builder.uniform(rng, ts, 0.0, 6.0, dtype)
    if rng.random() < 0.5:  # counts: integers, so 0 and 1 occur
        t = np.asarray(np.floor(t))  # np.floor of a 0-d array is a NumPy scalar
    return {"options": options,
            "inputs": {"input": Builder.uniform(rng, xs, lo, hi, dtype), "target": t},
            "grad_wrt": ["input", "target"]}

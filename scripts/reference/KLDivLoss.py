"""KLDivLoss: the pointwise KL divergence with the input x in log space.

log_target=False: xlogy(t, t) - t * x (0 * log 0 = 0; t < 0 gives NaN);
d/dx = -t; d/dt = xlogy(t != 0, t) + t / t - x (PyTorch's xlogy backward:
NaN at t == 0 and t == inf).
log_target=True: exp(t) * (t - x); d/dx = -exp(t); d/dt = exp(t) * (t - x) + exp(t).
Input and target broadcast both ways. `mean` = sum / numel of the broadcast
output, `batchmean` = sum / input.size(0) (the plain sum for a 0-d input).
"""

import numpy as np

from . import libm
from .broadcast import broadcast_shapes, sum_to_shape
from .class_indexing import fsum


def evaluate(c):
    x = c.inputs["input"].value
    t = c.inputs["target"].value
    log_target = bool(c.options["log_target"])
    shape = broadcast_shapes(x.shape, t.shape, what="input and target")
    xb = np.broadcast_to(x, shape).astype(np.float64)
    tb = np.broadcast_to(t, shape).astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        if log_target:
            et = libm.exp(tb)
            vals = et * (tb - xb)
        else:
            tlogt = np.where(tb == 0, 0.0, tb * libm.log(tb))
            vals = tlogt - tb * xb
    n = vals.size
    red = c.reduction
    if red == "none":
        out = vals
        denom = 1.0
    else:
        s = fsum(vals)
        if red == "sum":
            denom = 1.0
        elif red == "mean":
            denom = float(n)
        else:  # batchmean
            denom = float(x.shape[0]) if x.ndim else 1.0
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.array(np.float64(s) / np.float64(denom))

    def vjp(g):
        g = np.asarray(g, dtype=np.float64)
        if red == "none":
            ge = np.broadcast_to(g, shape).astype(np.float64)
        else:
            scale = float(g.reshape(-1)[0])
            with np.errstate(invalid="ignore", divide="ignore"):
                ge = np.full(shape, np.float64(scale) / np.float64(denom))
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            if log_target:
                gx = -(ge * et)
                gt = ge * et * (tb - xb) + ge * et
            else:
                gx = -(ge * tb)
                xlogy_mask = np.where(tb != 0, libm.log(tb), 0.0)
                gt = ge * xlogy_mask + ge * tb / tb - ge * xb
        return {"input": _sum_to(gx, x.shape), "target": _sum_to(gt, t.shape)}

    def half_terms(g):
        """Magnitudes of the terms: t log t and t x in the values, log t,
        1 and x in the target's gradient (times exp(t) with log_target),
        which cancel (docs/HALF_PRECISION.md)."""
        g = np.asarray(g, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            if red == "none":
                ge = np.abs(np.broadcast_to(g, shape))
            else:
                ge = np.full(shape, abs(np.float64(g.reshape(-1)[0]) / np.float64(denom)))
            if log_target:
                mag = et * (np.abs(tb) + np.abs(xb))
                per = ge * et * (np.abs(tb) + 1.0 + np.abs(xb))
            else:
                mag = np.abs(tlogt) + np.abs(tb * xb)
                per = ge * (np.abs(np.where(tb != 0, libm.log(tb), 0.0)) + 1.0 + np.abs(xb))
        return {"values": mag, "grads": {"target": _sum_to(per, t.shape)}}

    vjp.half_terms = half_terms
    return out, vjp


def _sum_to(a, shape):
    """sum_to_shape, tolerating +inf and -inf in one sum (NaN)."""
    a = np.asarray(a, dtype=np.float64)
    finite = np.isfinite(a)
    if finite.all():
        return sum_to_shape(a, shape)
    exact = sum_to_shape(np.where(finite, a, 0.0), shape)
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + k for k, n in enumerate(shape) if n == 1 and a.shape[lead + k] != 1)
    # Only non-finite elements: their sum is +-inf, NaN or 0 in any order.
    special = np.sum(np.where(finite, 0.0, a), axis=axes).reshape(shape)
    return np.where(special == 0, exact, special)


def cases(b):
    from .difference import point_name, shape_name

    def target(rng, shape, dtype, log_target):
        if log_target:
            return b.uniform(rng, shape, -3.0, 0.5, dtype)
        return b.uniform(rng, shape, 0.05, 1.0, dtype)

    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            lt = point["log_target"]
            for shape in ((), (1,), (2, 3, 4)):
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                x = b.uniform(rng, shape, -3.0, 0.5, dtype)
                t = target(rng, shape, dtype, lt)
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, b.options_for(point),
                      {"input": x, "target": t}, ("input", "target"))
            # Broadcasting both ways; batchmean divides by input.size(0).
            rng = b.rng(f"{b.loss}/{dtype}/{pname}/broadcast")
            for xs, ts in (((1, 3), (2, 3)), ((2, 3), (3,)), ((), (2, 2))):
                x = b.uniform(rng, xs, -3.0, 0.5, dtype)
                t = target(rng, ts, dtype, lt)
                b.add(f"{pname}/broadcast={shape_name(xs)}-{shape_name(ts)}", dtype, b.options_for(point),
                      {"input": x, "target": t}, ("input", "target"))
        rng = b.rng(f"{b.loss}/{dtype}/extra")
        # Zeros in a probability target: 0 * log 0 = 0; the target's gradient is NaN there.
        x = b.uniform(rng, (2, 4), -3.0, 0.0, dtype)
        t = np.array([[0.0, 0.5, 0.5, 0.0], [0.25, 0.0, 0.75, 0.0]])
        for red in ("none", "sum", "batchmean"):
            b.add(f"{red}/target_zeros", dtype, {"reduction": red}, {"input": x, "target": t},
                  ("input", "target"), smooth=False)
            b.add(f"{red}/target_zeros/input_only", dtype, {"reduction": red}, {"input": x, "target": t},
                  ("input",))
        # Edge values: t == 0 with x == -inf (NaN), t < 0 (NaN), t == inf, x == +inf.
        xe = np.array([-1.0, -np.inf, -0.5, 0.25, -2.0, np.inf, np.nan])
        te = np.array([0.0, 0.0, -0.25, 0.5, np.inf, 0.5, 0.5])
        for lt in (False, True):
            b.add(f"none/edge_values/log_target={str(lt).lower()}", dtype, {"reduction": "none", "log_target": lt},
                  {"input": xe, "target": te}, ("input", "target"), smooth=False)
        # Log-target zeros: exp(0) = 1, nothing special.
        b.add("sum/log_target=true/target_zeros", dtype, {"reduction": "sum", "log_target": True},
              {"input": x, "target": t}, ("input", "target"))
        # Empty.
        for red in ("none", "mean", "sum", "batchmean"):
            b.add(f"{red}/empty", dtype, {"reduction": red},
                  {"input": np.zeros((0, 3)), "target": np.zeros((0, 3))}, ("input", "target"))
        # Large.
        rng = b.rng(f"{b.loss}/{dtype}/large")
        xl = b.uniform(rng, (25, 40), -4.0, 0.0, dtype)
        tl = b.uniform(rng, (25, 40), 0.0, 1.0, dtype)
        b.add("batchmean/shape=25x40", dtype, {"reduction": "batchmean"}, {"input": xl, "target": tl},
              ("input", "target"))
        # Deprecated arguments override reduction (batchmean included).
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        xd = b.uniform(rng, (2, 3), -3.0, 0.0, dtype)
        td = b.uniform(rng, (2, 3), 0.05, 1.0, dtype)
        pair = {"input": xd, "target": td}
        b.reduction_cases(dtype, {}, pair, ("input", "target"), bad=("foo", "Mean"), error_grad_wrt=("input",))
        # Errors.
        b.error("error/shape=2x3-2x2", dtype, {}, {"input": xd, "target": td[:, :2]}, "shape_mismatch", ("input",))
        for lt in (False, True):
            b.error(f"error/target_dtype=int64/log_target={str(lt).lower()}", dtype, {"log_target": lt},
                    {"input": xd, "target": np.ones((2, 3), dtype=np.int64)}, "dtype_mismatch", ("input",))


def random_case(rng, dtype):
    from .cases import Builder as B
    from .difference import random_shapes

    xs, ts = random_shapes(rng)
    lt = rng.random() < 0.5
    options = {"reduction": rng.choice(["none", "mean", "sum", "batchmean"]), "log_target": lt}
    x = B.uniform(rng, xs, -4.0, 0.5, dtype)
    t = B.uniform(rng, ts, -4.0, 0.5, dtype) if lt else B.uniform(rng, ts, 0.01, 1.0, dtype)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input", "target"]}

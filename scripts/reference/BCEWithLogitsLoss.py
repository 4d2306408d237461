"""BCEWithLogitsLoss: w ((1 - t) x - (1 + (pw - 1) t) log sigmoid(x)).

log sigmoid(x) = min(x, 0) - log1p(exp(-|x|)) is finite for every finite x,
so logits of +-100, +-1000 give exact answers. The form is PyTorch's own,
literally, so its non-finite results match: x = +inf with t = 1 gives
0 * inf = NaN; x = -inf gives NaN for every t ((1 - t)(-inf) + inf, or
0 * -inf at t = 1).

weight and pos_weight broadcast to the input without enlarging it (PyTorch
multiplies them in place); pos_weight therefore broadcasts against the
*last* dimension (#27936). The target is not range checked; its shape must
equal the input's. Weighted `mean` divides by numel, not by the weights
(#54843).

d/dx = g w ((pw t + 1 - t) sigmoid(x) - pw t)   (pw = 1 when absent)
d/dt = g w (log sigmoid(-x) - pw log sigmoid(x)) with pos_weight, else
       g w (-x)  (PyTorch's two forms; they differ at x = -inf with pw = 1).
"""

import numpy as np

from . import core
from . import libm
from .reduction import reduce_backward, reduce_forward
from .logistic import declare_common, option_to, point_name, shape_name


def evaluate(c):
    x = c.inputs["input"].value
    t = c.inputs["target"].value
    if t.shape != x.shape:
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {list(t.shape)} must be the same as the input's shape {list(x.shape)}",
        )
    pw = option_to(c, "pos_weight", x.shape)
    w = option_to(c, "weight", x.shape)
    ls = libm.log_sigmoid(x)
    if pw is not None:
        log_weight = (pw - 1.0) * t + 1.0
        values = (1.0 - t) * x - log_weight * ls
    else:
        values = (1.0 - t) * x - ls
    if w is not None:
        values = values * w
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, x.shape)
        if w is not None:
            ge = ge * w
        s = libm.sigmoid(x)
        if pw is not None:
            pt = pw * t
            dx = (pt + 1.0 - t) * s - pt
            dt = libm.log_sigmoid(-x) - pw * ls
        else:
            dx = s - t
            dt = -x
        return {"input": ge * dx, "target": ge * dt}

    def half_terms(g):
        """Magnitudes of the terms PyTorch's formula adds, which cancel where
        the loss or a gradient is small (docs/HALF_PRECISION.md)."""
        ge = np.abs(reduce_backward(g, c.reduction, x.shape))
        aw = np.abs(w) if w is not None else 1.0
        s = libm.sigmoid(x)
        if pw is not None:
            vals = np.abs((1.0 - t) * x) + np.abs(log_weight * ls)
            pt = np.abs(pw * t)
            dx = (pt + np.abs(1.0 - t)) * s + pt
            dt = np.abs(libm.log_sigmoid(-x)) + np.abs(pw * ls)
        else:
            vals = np.abs((1.0 - t) * x) + np.abs(ls)
            dx = s + np.abs(t)
            dt = np.abs(x)
        return {"values": aw * vals, "grads": {"input": ge * aw * dx, "target": ge * aw * dt}}

    vjp.half_terms = half_terms
    return out, vjp


GRAD = ("input", "target")
# input shape, weight shape, pos_weight shape (on the last dimension).
SHAPES = (((), (), ()), ((1,), (1,), (1,)), ((2, 3, 4), (3, 1), (4,)))


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            for xs, ws, ps in SHAPES:
                rng = b.rng(f"BCEWithLogitsLoss/{dtype}/{pname}/{xs}")
                x = b.uniform(rng, xs, -4.0, 4.0, dtype)
                t = b.uniform(rng, xs, 0.0, 1.0, dtype)
                extra = {}
                if point["weight"]:
                    extra["weight"] = b.uniform(rng, ws, 0.0, 2.0, dtype)
                if point["pos_weight"]:
                    extra["pos_weight"] = b.uniform(rng, ps, 0.25, 3.0, dtype)
                b.add(f"{pname}/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, GRAD)
            if point["reduction"] in ("none", "sum"):
                extra = {}
                if point["weight"]:
                    extra["weight"] = np.array([0.5, 2.0, 1.5])
                if point["pos_weight"]:
                    extra["pos_weight"] = np.array([3.0, 0.5, 2.0])
                opts = b.options_for(point, **extra)
                # Large finite logits: the stable form is exact; (4, 3).
                x = np.array([[100.0, -100.0, 1000.0], [-1000.0, 1e30, -1e30],
                              [100.0, -100.0, 40.0], [-40.0, 1000.0, -1000.0]])
                t = np.array([[1.0, 0.0, 0.0], [1.0, 0.5, 0.5], [0.0, 1.0, 1.0], [0.0, 1.0, 0.0]])
                b.add(f"{pname}/edge=logits_100_and_beyond", dtype, opts, {"input": x, "target": t}, GRAD,
                      smooth=False)
                x = np.array([[np.inf, -np.inf, np.inf], [-np.inf, np.inf, -np.inf], [np.nan, 0.0, np.inf]])
                t = np.array([[1.0, 0.0, 0.0], [1.0, 0.5, 0.5], [0.5, 0.5, 2.0]])
                b.add(f"{pname}/edge=nonfinite_logits", dtype, opts, {"input": x, "target": t}, GRAD,
                      smooth=False)
        # pos_weight broadcast on the last dimension (#27936): (N, C), (C), (N, C, L).
        rng = b.rng(f"BCEWithLogitsLoss/{dtype}/pos_weight")
        for red, xs, ps in (("mean", (4, 3), (3,)), ("none", (3,), (3,)), ("sum", (2, 3, 5), (5,)),
                            ("none", (2, 3, 5), (3, 1)), ("mean", (2, 3, 5), (1, 5)), ("sum", (2, 3, 5), (2, 3, 5)),
                            ("mean", (4, 3), (1,))):
            x = b.uniform(rng, xs, -3.0, 3.0, dtype)
            t = b.uniform(rng, xs, 0.0, 1.0, dtype)
            pw = b.uniform(rng, ps, 0.25, 4.0, dtype)
            b.add(f"{red}/pos_weight_shape={shape_name(ps)}/input_shape={shape_name(xs)}", dtype,
                  {"reduction": red, "pos_weight": pw}, {"input": x, "target": t}, GRAD)
        # weight broadcasting, and the weighted mean that divides by numel (#54843).
        for red, ws in (("mean", (4,)), ("none", (2, 1, 1)), ("sum", (3, 4)), ("mean", (1, 3, 1)),
                        ("mean", (2, 3, 4))):
            x = b.uniform(rng, (2, 3, 4), -3.0, 3.0, dtype)
            t = b.uniform(rng, (2, 3, 4), 0.0, 1.0, dtype)
            w = b.uniform(rng, ws, 0.0, 3.0, dtype)
            b.add(f"{red}/weight_shape={shape_name(ws)}", dtype, {"reduction": red, "weight": w},
                  {"input": x, "target": t}, GRAD)
        x = np.array([0.5, -1.25, 2.0, 0.0])
        t = np.array([1.0, 0.0, 0.5, 1.0])
        b.add("mean/weight/divides_by_numel_54843", dtype, {"reduction": "mean", "weight": np.array([4.0, 0.0, 0.0, 0.0])},
              {"input": x, "target": t}, GRAD)
        # Targets are not range checked.
        b.add("none/target_out_of_range", dtype, {"reduction": "none", "pos_weight": np.array([2.0])},
              {"input": np.array([0.5, -1.0, 2.0, 3.0]), "target": np.array([-1.0, 2.5, -0.5, 7.0])}, GRAD)
        rng = b.rng(f"BCEWithLogitsLoss/{dtype}/hard")
        x = b.uniform(rng, (3, 5), -6.0, 6.0, dtype)
        t = np.array([float(rng.randrange(2)) for _ in range(15)]).reshape(3, 5)
        b.add("sum/hard_targets/pos_weight", dtype, {"reduction": "sum", "pos_weight": b.uniform(rng, (5,), 0.5, 3.0, dtype)},
              {"input": x, "target": t}, GRAD)
        rng = b.rng(f"BCEWithLogitsLoss/{dtype}/large")
        x = b.uniform(rng, (1200,), -8.0, 8.0, dtype)
        t = b.uniform(rng, (1200,), 0.0, 1.0, dtype)
        b.add("mean/shape=1200", dtype, {"reduction": "mean"}, {"input": x, "target": t}, ("input",))

        rng = b.rng(f"BCEWithLogitsLoss/{dtype}/common")
        pair = {"input": b.uniform(rng, (2, 3), -3.0, 3.0, dtype), "target": b.uniform(rng, (2, 3), 0.0, 1.0, dtype)}
        declare_common(b, dtype, {}, pair, GRAD, {"input": np.zeros((0,)), "target": np.zeros((0,))})

        # Refusals.
        x = np.zeros((2, 3, 4))
        b.error("error/target_shape=3x4-2x3x4", dtype, {}, {"input": x, "target": np.zeros((3, 4))},
                "shape_mismatch", GRAD)
        b.error("error/target_shape=1-3", dtype, {}, {"input": np.zeros(3), "target": np.zeros(1)},
                "shape_mismatch", GRAD)
        for name in ("weight", "pos_weight"):
            for ws in ((3,), (5,), (1, 2, 3, 4), (2, 3, 1, 1)):
                b.error(f"error/{name}_shape={shape_name(ws)}-2x3x4", dtype, {name: np.ones(ws)},
                        {"input": x, "target": x}, "shape_mismatch", GRAD)
        b.error("error/pos_weight_shape=3-input=2x3x5_27936", dtype, {"pos_weight": np.ones(3)},
                {"input": np.zeros((2, 3, 5)), "target": np.zeros((2, 3, 5))}, "shape_mismatch", GRAD)
        b.error("error/target_dtype=int64", dtype, {}, {"input": np.zeros(3), "target": np.ones(3, dtype=np.int64)},
                "dtype_mismatch", GRAD)


def random_case(rng, dtype):
    from .logistic import random_fitting_shape, random_reduction, random_shape
    from .cases import Builder

    shape = random_shape(rng)
    scale = rng.choice((1.0, 4.0, 30.0))
    x = Builder.uniform(rng, shape, -scale, scale, dtype)
    t = Builder.uniform(rng, shape, 0.0, 1.0, dtype)
    options = {"reduction": random_reduction(rng)}
    if rng.random() < 0.5:
        options["weight"] = Builder.uniform(rng, random_fitting_shape(rng, shape), 0.0, 2.0, dtype)
    if rng.random() < 0.5:
        options["pos_weight"] = Builder.uniform(rng, random_fitting_shape(rng, shape), 0.1, 4.0, dtype)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input", "target"]}

"""BCELoss: -w (t max(log x, -100) + (1 - t) max(log(1 - x), -100)).

x and t must lie in [0, 1] (NaN is outside), t has x's shape, and weight
broadcasts to x without enlarging it.

d/dx = g w (x - t) / max(x (1 - x), eps) with eps = float32(1e-12), the
clamp PyTorch applies to the denominator (so x in {0, 1} gives a finite
gradient of about 1e12 where t differs from x, and 0 where it equals it).
d/dt = g w (log(1 - x) - log x), with no clamp: +inf at x == 0, -inf at
x == 1 (NaN where g w == 0 there).
"""

import numpy as np

from . import core
from . import libm
from .broadcast import broadcast_shapes
from .reduction import reduce_backward, reduce_forward
from .logistic import declare_common, fits, option_to, point_name, shape_name

LOG_FLOOR = -100.0


def evaluate(c):
    x = c.inputs["input"].value
    t = c.inputs["target"].value
    if t.shape != x.shape:
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {list(t.shape)} differs from the input's shape {list(x.shape)} "
            "(BCELoss needs them equal)",
        )
    w_opt = c.options.get("weight")
    if w_opt is not None:
        # PyTorch first expands weight to broadcast(target, weight) ...
        broadcast_shapes(t.shape, w_opt.shape, what="target and weight")
    # ... then checks every element, input before target, in order.
    for xi, ti in zip(x.ravel().tolist(), t.ravel().tolist()):
        if not 0.0 <= xi <= 1.0:
            raise core.LossError("value_out_of_domain",
                                 f"input: every element must lie in [0, 1], found {xi!r}")
        if not 0.0 <= ti <= 1.0:
            raise core.LossError("value_out_of_domain",
                                 f"target: every element must lie in [0, 1], found {ti!r}")
    # ... and only then multiplies the weight in place (no enlarging).
    w = option_to(c, "weight", x.shape)
    log_x = np.maximum(libm.log(x), LOG_FLOOR)
    log_1mx = np.maximum(libm.log1p(-x), LOG_FLOOR)
    values = -(t * log_x + (1.0 - t) * log_1mx)
    if w is not None:
        values = values * w
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, x.shape)
        if w is not None:
            ge = ge * w
        # eps in the case dtype, as PyTorch clamps (0 in float16).
        denom = np.maximum(x * (1.0 - x), float(c.round(core.EPS_1E12)))
        return {"input": ge * (x - t) / denom,
                "target": ge * (libm.log1p(-x) - libm.log(x))}

    return out, vjp


SHAPES = (((), ()), ((1,), (1,)), ((2, 3, 4), (3, 4)))
GRAD = ("input", "target")


def edge_values(dtype):
    """Inputs at the bounds, at both clamps (log at -100 and the gradient's
    denominator at eps) and just off them; all exact in the case dtype."""
    x = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0,
         2.0 ** -40, 2.0 ** -40,   # x (1 - x) below eps: denominator clamped
         2.0 ** -36, 2.0 ** -36]   # above eps
    t = [0.0, 1.0, 0.5, 0.0, 1.0, 0.5, 0.25, 1.0, 0.0, 1.0]
    if dtype == "float64":
        x += [1e-300, 1e-40, 1.0 - 2.0 ** -45, 1.0 - 2.0 ** -30]  # log clamped / not; 1 - x clamped / not
        t += [1.0, 1.0, 0.0, 0.0]
    else:
        x += [2.0 ** -149, 2.0 ** -140, 1.0 - 2.0 ** -24]  # log(x) = -103.3 (clamped), -97.0 (not)
        t += [1.0, 1.0, 0.0]
    return np.array(x), np.array(t)


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            for xs, ws in SHAPES:
                rng = b.rng(f"BCELoss/{dtype}/{pname}/{xs}")
                x = b.uniform(rng, xs, 0.02, 0.98, dtype)
                t = b.uniform(rng, xs, 0.0, 1.0, dtype)  # soft targets
                extra = {"weight": b.uniform(rng, ws, 0.0, 2.0, dtype)} if point["weight"] else {}
                b.add(f"{pname}/shape={shape_name(xs)}", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, GRAD)
            if point["reduction"] in ("none", "sum"):
                x, t = edge_values(dtype)
                rng = b.rng(f"BCELoss/{dtype}/{pname}/edge")
                extra = {"weight": b.uniform(rng, x.shape, 0.5, 2.0, dtype)} if point["weight"] else {}
                b.add(f"{pname}/edge=bounds_and_clamps", dtype, b.options_for(point, **extra),
                      {"input": x, "target": t}, GRAD, smooth=False)
        rng = b.rng(f"BCELoss/{dtype}/hard")
        x = b.uniform(rng, (3, 5), 0.02, 0.98, dtype)
        t = np.array([float(rng.randrange(2)) for _ in range(15)]).reshape(3, 5)
        # Targets on the domain bounds: finite differences in t would leave [0, 1].
        b.add("mean/hard_targets", dtype, {"reduction": "mean"}, {"input": x, "target": t}, GRAD, smooth=False)
        # weight broadcasting onto a (2, 3, 4) input.
        rng = b.rng(f"BCELoss/{dtype}/weight")
        for k, ws in enumerate(((4,), (3, 1), (1,), (), (2, 1, 1), (1, 3, 4), (2, 3, 4))):
            red = ("none", "mean", "sum")[k % 3]
            x = b.uniform(rng, (2, 3, 4), 0.02, 0.98, dtype)
            t = b.uniform(rng, (2, 3, 4), 0.0, 1.0, dtype)
            w = b.uniform(rng, ws, 0.0, 2.0, dtype)
            b.add(f"{red}/weight_shape={shape_name(ws)}", dtype, {"reduction": red, "weight": w},
                  {"input": x, "target": t}, GRAD)
        x = b.uniform(rng, (2, 3), 0.02, 0.98, dtype)
        t = b.uniform(rng, (2, 3), 0.0, 1.0, dtype)
        w = np.array([[0.0, -1.5, 2.0], [1.0, 0.0, -0.25]])
        b.add("sum/weight=zero_and_negative", dtype, {"reduction": "sum", "weight": w}, {"input": x, "target": t},
              GRAD)
        rng = b.rng(f"BCELoss/{dtype}/large")
        x = b.uniform(rng, (1200,), 0.001, 0.999, dtype)
        t = b.uniform(rng, (1200,), 0.0, 1.0, dtype)
        b.add("mean/shape=1200", dtype, {"reduction": "mean"}, {"input": x, "target": t}, ("input",))

        rng = b.rng(f"BCELoss/{dtype}/common")
        pair = {"input": b.uniform(rng, (2, 3), 0.02, 0.98, dtype), "target": b.uniform(rng, (2, 3), 0.0, 1.0, dtype)}
        declare_common(b, dtype, {}, pair, GRAD, {"input": np.zeros((0,)), "target": np.zeros((0,))})
        b.add("sum/empty/weight", dtype, {"reduction": "sum", "weight": np.array([2.0])},
              {"input": np.zeros((0, 3)), "target": np.zeros((0, 3))}, GRAD)

        # Refusals.
        ok_t = np.array([0.5, 0.25, 0.75])
        for label, x, t in (("input=1.5", [0.5, 1.5, 0.5], ok_t), ("input=-0.5", [0.5, 0.5, -0.5], ok_t),
                            ("input=nan", [0.5, np.nan, 0.5], ok_t), ("input=inf", [np.inf, 0.5, 0.5], ok_t),
                            ("target=1.5", [0.5, 0.5, 0.5], [0.5, 1.5, 0.5]),
                            ("target=-0.25", [0.5, 0.5, 0.5], [-0.25, 0.5, 0.5]),
                            ("target=nan", [0.5, 0.5, 0.5], [0.5, 0.5, np.nan])):
            b.error(f"error/{label}", dtype, {}, {"input": np.array(x), "target": np.array(t)},
                    "value_out_of_domain", GRAD)
        half = np.full(3, 0.5)
        b.error("error/target_shape=1x3-3", dtype, {}, {"input": half, "target": np.full((1, 3), 0.5)},
                "shape_mismatch", GRAD)
        b.error("error/target_shape=1-3", dtype, {}, {"input": half, "target": np.full((1,), 0.5)},
                "shape_mismatch", GRAD)
        b.error("error/target_shape=3-2x3", dtype, {}, {"input": np.full((2, 3), 0.5), "target": half},
                "shape_mismatch", GRAD)
        b.error("error/weight_shape=2x3-enlarges-3", dtype, {"weight": np.ones((2, 3))},
                {"input": half, "target": half}, "shape_mismatch", GRAD)
        b.error("error/weight_shape=5-3", dtype, {"weight": np.ones(5)}, {"input": half, "target": half},
                "shape_mismatch", GRAD)
        b.error("error/weight_shape=3x1-2x3", dtype, {"weight": np.ones((3, 1))},
                {"input": np.full((2, 3), 0.5), "target": np.full((2, 3), 0.5)}, "shape_mismatch", GRAD)
        b.error("error/target_dtype=int64", dtype, {}, {"input": half, "target": np.ones(3, dtype=np.int64)},
                "dtype_mismatch", GRAD)


def random_case(rng, dtype):
    from .logistic import random_fitting_shape, random_reduction, random_shape
    from .cases import Builder

    shape = random_shape(rng)
    x = Builder.uniform(rng, shape, 0.005, 0.995, dtype)
    if rng.random() < 0.25:
        t = np.array([float(rng.randrange(2)) for _ in range(x.size)]).reshape(shape)
    else:
        t = Builder.uniform(rng, shape, 0.0, 1.0, dtype)
    options = {"reduction": random_reduction(rng)}
    if rng.random() < 0.5:
        options["weight"] = Builder.uniform(rng, random_fitting_shape(rng, shape), 0.0, 2.0, dtype)
    return {"options": options, "inputs": {"input": x, "target": t}, "grad_wrt": ["input", "target"]}

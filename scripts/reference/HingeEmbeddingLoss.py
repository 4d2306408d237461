"""HingeEmbeddingLoss: (t != 1 ? max(0, margin - x) : 0) + (t != -1 ? x : 0).

input and target broadcast both ways. A target of 0, 2, NaN, ... (neither 1
nor -1) gets both terms. The target may be a floating tensor of the case
dtype or int64; it gets no gradient. d/dx = (t != -1) - (t != 1 and
margin - x > 0): the hinge contributes nothing at its kink x == margin nor
where margin - x is NaN.
"""

import numpy as np

from . import core
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward
from .hinge import hinge_mask, point_name, shape_name


def _target(c):
    t = c.inputs["target"]
    if t.dtype not in ("int64", c.dtype):
        raise core.LossError(
            "dtype_mismatch",
            f"inputs.target: dtype {t.dtype}, expected {c.dtype} (the case dtype) or int64")
    return t.value.astype(np.float64)


def evaluate(c):
    if "target" in c.grad_wrt:
        # PyTorch's target is not part of the autograd graph (autograd.grad
        # refuses it unless allow_unused); LossCheck refuses the request.
        raise core.LossError("invalid_option",
                             "grad_wrt: HingeEmbeddingLoss gives no gradient for 'target' (it is a label)")
    x = c.inputs["input"].value
    t = _target(c)
    shape = broadcast_shapes(x.shape, t.shape, what="input and target")
    X = np.broadcast_to(x, shape)
    T = np.broadcast_to(t, shape)
    margin = float(c.options["margin"])
    slack = margin - X
    hinge_term = np.where(T != 1, np.maximum(slack, 0.0), 0.0)
    linear_term = np.where(T != -1, X, 0.0)
    out = reduce_forward(hinge_term + linear_term, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, shape)
        slope = (T != -1).astype(np.float64) - ((T != 1) & hinge_mask(slack)).astype(np.float64)
        return {"input": sum_to_shape(ge * slope, x.shape)}

    return out, vjp


SHAPES = ((), (1,), (3, 4))


def _targets(rng, shape, values=(-1.0, 1.0)):
    n = int(np.prod(shape)) if len(shape) else 1
    return np.array([rng.choice(values) for _ in range(n)]).reshape(shape)


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = point_name(point)
            m = point["margin"]
            for shape in SHAPES:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                x = b.uniform(rng, shape, -1, 3, dtype)
                # Keep away from the kink x == margin for the smooth cases.
                x = np.where(np.abs(x - m) < 1e-3, x + 0.01, x)
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, opts,
                      {"input": x, "target": _targets(rng, shape, (-1.0, 1.0, 0.0))}, ("input",))
            if point["reduction"] in ("none", "sum"):
                # The kink x == margin for every target value, and both
                # sides of it.
                x = np.array([m, m, m, m - 0.25, m + 0.25, m - 0.25, m + 0.25, m - 0.25])
                t = np.array([-1.0, 0.0, 1.0, -1.0, -1.0, 0.0, 0.0, 1.0])
                b.add(f"{pname}/edge=kink", dtype, opts, {"input": x, "target": t}, ("input",), smooth=False)
        base = {"margin": 1.0}
        # Targets other than +-1 get both terms (0, 2, -0.5, NaN); int64 targets.
        rng = b.rng(f"{b.loss}/{dtype}/targets")
        x = b.uniform(rng, (6,), -1, 3, dtype)
        b.add("none/target=other-values", dtype, dict(base, reduction="none"),
              {"input": x, "target": np.array([0.0, 2.0, -0.5, np.nan, -2.0, 1.0])}, ("input",))
        b.add("sum/target=int64", dtype, dict(base, reduction="sum"),
              {"input": x, "target": np.array([-1, 1, 0, 2, -1, 1], dtype=np.int64)}, ("input",))
        # margin 0 and a negative margin.
        for m in (0.0, -0.5):
            rng = b.rng(f"{b.loss}/{dtype}/margin={m}")
            x = b.uniform(rng, (2, 3), -2, 2, dtype)
            b.add(f"none/margin={m}", dtype, dict(base, reduction="none", margin=m),
                  {"input": x, "target": _targets(rng, (2, 3), (-1.0, 1.0, 0.0))}, ("input",))
        for red, xs, ts in (("none", (3, 1), (1, 4)), ("sum", (4,), (3, 4)), ("mean", (2, 3, 4), (4,)),
                            ("none", (), (2, 2))):
            rng = b.rng(f"{b.loss}/{dtype}/broadcast/{xs}/{ts}")
            b.add(f"{red}/broadcast={shape_name(xs)}-{shape_name(ts)}", dtype, dict(base, reduction=red),
                  {"input": b.uniform(rng, xs, -1, 3, dtype), "target": _targets(rng, ts, (-1.0, 1.0, 0.0))},
                  ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/large")
        b.add("mean/shape=1200", dtype, dict(base, reduction="mean"),
              {"input": b.uniform(rng, (1200,), -1, 3, dtype), "target": _targets(rng, (1200,))}, ("input",))
        x = np.array([np.nan, np.nan, np.nan, np.inf, np.inf, -np.inf, -np.inf, 0.5])
        t = np.array([-1.0, 1.0, 0.0, -1.0, 1.0, -1.0, 0.0, np.nan])
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, dict(base, reduction=red), {"input": x, "target": t}, ("input",),
                  smooth=False)
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty", dtype, dict(base, reduction=red),
                  {"input": np.zeros((0,)), "target": np.zeros((0,))}, ("input",))
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        pair = {"input": b.uniform(rng, (2, 3), -1, 3, dtype), "target": _targets(rng, (2, 3))}
        b.reduction_cases(dtype, base, pair, ("input",))
        b.error("error/shape=3-4", dtype, base, {"input": np.zeros(3), "target": np.ones(4)}, "shape_mismatch",
                ("input",))
        b.error("error/shape=2x3-3x2", dtype, base, {"input": np.zeros((2, 3)), "target": np.ones((3, 2))},
                "shape_mismatch", ("input",))


def random_case(rng, dtype):
    from .cases import Builder
    from .difference import random_shapes

    xs, ts = random_shapes(rng)
    n = int(np.prod(ts)) if ts else 1
    return {
        "options": {"reduction": rng.choice(["none", "mean", "sum"]),
                    "margin": rng.choice([1.0, 0.5, 2.0, round(rng.uniform(-1, 3), 3)])},
        "inputs": {"input": Builder.uniform(rng, xs, -1, 3, dtype),
                   "target": np.array([rng.choice((-1.0, 1.0, 1.0, -1.0, 0.0)) for _ in range(n)]).reshape(ts)},
        "grad_wrt": ["input"],
    }

"""MarginRankingLoss: max(0, -y * (x1 - x2) + margin), elementwise.

input1, input2 and target must have the same number of dimensions (else
shape_mismatch); their shapes then broadcast. The target is not validated.
With z = -y * (x1 - x2) + margin and the active set A = {z > 0} (not at the
kink z == 0, not where z is NaN), the VJPs are, for cotangent g:
    d/dx1 = -y * g[A],   d/dx2 = y * g[A],   d/dy = -(x1 - x2) * g[A]
where g[A] is g on A and 0 elsewhere; products are IEEE (0 * inf = NaN), as
in PyTorch's autograd. Each is summed back to its input's shape.
"""

import numpy as np

from . import core
from .broadcast import broadcast_shapes, sum_to_shape
from .reduction import reduce_backward, reduce_forward
from .hinge import hinge_mask, point_name, shape_name

NAMES = ("input1", "input2", "target")


def evaluate(c):
    x1, x2, y = (c.inputs[n].value for n in NAMES)
    if not (x1.ndim == x2.ndim == y.ndim):
        raise core.LossError(
            "shape_mismatch",
            "input1, input2, target: all must have the same number of dimensions, got shapes "
            f"{list(x1.shape)}, {list(x2.shape)} and {list(y.shape)}")
    shape = broadcast_shapes(x1.shape, x2.shape, y.shape, what="input1, input2 and target")
    a, b, t = (np.broadcast_to(v, shape) for v in (x1, x2, y))
    margin = float(c.options["margin"])
    d = a - b
    z = -t * d + margin
    values = np.maximum(z, 0.0)  # NaN stays NaN
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, shape)
        gz = np.where(hinge_mask(z), ge, 0.0)
        return {
            "input1": sum_to_shape(-t * gz, x1.shape),
            "input2": sum_to_shape(t * gz, x2.shape),
            "target": sum_to_shape(-d * gz, y.shape),
        }

    return out, vjp


SHAPES = ((), (1,), (3, 4))
GRAD = NAMES


def _inputs(x1, x2, y):
    return {"input1": np.asarray(x1, dtype=np.float64), "input2": np.asarray(x2, dtype=np.float64),
            "target": np.asarray(y, dtype=np.float64)}


def _signs(rng, shape):
    n = int(np.prod(shape)) if len(shape) else 1
    return np.array([rng.choice((-1.0, 1.0)) for _ in range(n)]).reshape(shape)


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            opts = b.options_for(point)
            pname = point_name(point)
            for shape in SHAPES:
                rng = b.rng(f"{b.loss}/{dtype}/{pname}/{shape}")
                x1 = b.uniform(rng, shape, -2, 2, dtype)
                x2 = b.uniform(rng, shape, -2, 2, dtype)
                b.add(f"{pname}/shape={shape_name(shape)}", dtype, opts, _inputs(x1, x2, _signs(rng, shape)), GRAD)
            if point["reduction"] in ("none", "sum"):
                # Ties x1 == x2 (the kink when margin is 0), exact kinks
                # z == 0 for margin 0.5, active and inactive hinges.
                x1 = np.array([1.5, -0.25, 0.75, 1.0, 0.5, 2.0, -1.0, 0.0])
                x2 = np.array([1.5, -0.25, 0.25, 0.5, 1.0, 2.0, 1.0, 0.0])
                y = np.array([1.0, -1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0])
                b.add(f"{pname}/edge=kinks", dtype, opts, _inputs(x1, x2, y), GRAD, smooth=False)
        base = {"margin": 0.5}
        # Targets are not validated: any real value scales the hinge.
        rng = b.rng(f"{b.loss}/{dtype}/real-targets")
        b.add("none/target=real", dtype, dict(base, reduction="none"),
              _inputs(b.uniform(rng, (6,), -2, 2, dtype), b.uniform(rng, (6,), -2, 2, dtype),
                      np.array([0.0, 0.5, -2.0, 3.0, -0.25, 1.5])), GRAD)
        # Broadcasting after the rank check.
        for red, s1, s2, sy in (("none", (3, 1), (1, 4), (1, 1)), ("sum", (2, 3), (2, 3), (1, 3)),
                                ("mean", (1, 4), (3, 4), (3, 1)), ("none", (1,), (1,), (5,))):
            rng = b.rng(f"{b.loss}/{dtype}/broadcast/{s1}/{s2}/{sy}")
            b.add(f"{red}/broadcast={shape_name(s1)}-{shape_name(s2)}-{shape_name(sy)}", dtype,
                  dict(base, reduction=red),
                  _inputs(b.uniform(rng, s1, -2, 2, dtype), b.uniform(rng, s2, -2, 2, dtype), _signs(rng, sy)),
                  GRAD)
        rng = b.rng(f"{b.loss}/{dtype}/large")
        b.add("mean/shape=1200", dtype, dict(base, reduction="mean"),
              _inputs(b.uniform(rng, (1200,), -2, 2, dtype), b.uniform(rng, (1200,), -2, 2, dtype),
                      _signs(rng, (1200,))), GRAD)
        # NaN and inf: NaN loss where z is NaN, no input gradient there;
        # IEEE products make the target's gradient NaN at 0 * inf.
        x1 = np.array([np.nan, 1.0, np.inf, -np.inf, np.inf, 2.0, 1.0])
        x2 = np.array([0.0, np.nan, 0.0, 0.0, np.inf, 1.0, 0.5])
        y = np.array([1.0, 1.0, 1.0, 1.0, 1.0, np.nan, 0.0])
        for red in ("none", "sum"):
            b.add(f"{red}/nonfinite", dtype, dict(base, reduction=red), _inputs(x1, x2, y), GRAD, smooth=False)
        for red in ("none", "mean", "sum"):
            b.add(f"{red}/empty", dtype, dict(base, reduction=red),
                  _inputs(np.zeros((0,)), np.zeros((0,)), np.zeros((0,))), GRAD)
        rng = b.rng(f"{b.loss}/{dtype}/deprecated")
        pair = _inputs(b.uniform(rng, (2, 3), -2, 2, dtype), b.uniform(rng, (2, 3), -2, 2, dtype),
                       _signs(rng, (2, 3)))
        b.reduction_cases(dtype, base, pair, GRAD)
        # Errors.
        b.error("error/rank=1-2-1", dtype, base, _inputs(np.zeros(3), np.zeros((1, 3)), np.ones(3)),
                "shape_mismatch", GRAD)
        b.error("error/rank=1-1-2", dtype, base, _inputs(np.zeros(3), np.zeros(3), np.ones((1, 3))),
                "shape_mismatch", GRAD)
        b.error("error/rank=0-1-1", dtype, base, _inputs(np.zeros(()), np.zeros(1), np.ones(1)),
                "shape_mismatch", GRAD)
        b.error("error/shape=3-4-3", dtype, base, _inputs(np.zeros(3), np.zeros(4), np.ones(3)),
                "shape_mismatch", GRAD)
        b.error("error/target_dtype=int64", dtype, base,
                {"input1": np.zeros(3), "input2": np.zeros(3), "target": np.ones(3, dtype=np.int64)},
                "dtype_mismatch", GRAD)


def random_case(rng, dtype):
    from .cases import Builder

    rank = rng.randint(0, 3)
    full = tuple(rng.randint(1, 4) for _ in range(rank))

    def sub():
        return tuple(1 if rng.random() < 0.3 else n for n in full)

    s1, s2, sy = sub(), sub(), sub()
    n = int(np.prod(sy)) if sy else 1
    if rng.random() < 0.5:
        y = np.array([rng.choice((-1.0, 1.0)) for _ in range(n)]).reshape(sy)
    else:
        y = Builder.uniform(rng, sy, -2, 2, dtype)
    return {
        "options": {"reduction": rng.choice(["none", "mean", "sum"]),
                    "margin": rng.choice([0.0, 0.5, 1.0, round(rng.uniform(-1, 2), 3)])},
        "inputs": {"input1": Builder.uniform(rng, s1, -2, 2, dtype),
                   "input2": Builder.uniform(rng, s2, -2, 2, dtype), "target": y},
        "grad_wrt": list(NAMES),
    }

"""SoftMarginLoss: log(1 + exp(-t x)), elementwise.

Deliberately NOT stabilised, to match PyTorch, which evaluates
log1p(exp(-t x)) literally: once exp overflows (-t x > 709.78 in float64,
> 88.72 in float32) the loss is +inf and the gradient
-t exp(-t x) / (1 + exp(-t x)) is inf/inf = NaN. To reproduce the float32
overflow, exp's result is rounded to the case dtype before it is used.

The target broadcasts to the input without enlarging it (PyTorch computes
(-input).mul_(target) in place); an int64 target is promoted. The target
gets no gradient: PyTorch refuses a target that requires grad, so a case
asking for one is an error (invalid_option).
"""

import numpy as np

from . import core
from . import libm
from .reduction import reduce_backward, reduce_forward
from .logistic import declare_common, fits, point_name, shape_name, signs, target_values


def evaluate(c):
    if "target" in c.grad_wrt:
        raise core.LossError(
            "invalid_option",
            "grad_wrt: SoftMarginLoss is not differentiable with respect to 'target' "
            "(expected grad_wrt to name only 'input')",
        )
    x = c.inputs["input"].value
    t = target_values(c)
    if not fits(t.shape, x.shape):
        raise core.LossError(
            "shape_mismatch",
            f"target: shape {list(t.shape)} does not broadcast to the input's shape {list(x.shape)} "
            "(the target broadcasts to the input, not the other way)",
        )
    t = np.broadcast_to(t, x.shape)
    z = c.round(libm.exp(-t * x))  # overflows to inf as PyTorch's exp does in the case dtype
    values = libm.log1p(z)
    out = reduce_forward(values, c.reduction)

    def vjp(g):
        ge = reduce_backward(g, c.reduction, x.shape)
        return {"input": ge * (-t * z / (1.0 + z))}

    return out, vjp


GRAD = ("input",)
SHAPES = ((), (1,), (2, 3, 4))


def cases(b):
    for dtype in b.dtypes:
        for point in b.grid():
            pname = point_name(point)
            opts = b.options_for(point)
            for xs in SHAPES:
                rng = b.rng(f"SoftMarginLoss/{dtype}/{pname}/{xs}")
                x = b.uniform(rng, xs, -3.0, 3.0, dtype)
                b.add(f"{pname}/shape={shape_name(xs)}", dtype, opts, {"input": x, "target": signs(rng, xs)}, GRAD)
            if point["reduction"] in ("none", "sum"):
                # exp(-t x) overflows: +inf loss, NaN gradient (float64 beyond 709.78,
                # float32 beyond 88.72). All values exact in float32.
                x = np.array([800.0, -800.0, 709.0, 710.0, 88.0, 89.0, 50.0, -1000.0, 0.0])
                t = np.array([-1.0, 1.0, -1.0, -1.0, -1.0, -1.0, 1.0, -1.0, 0.0])
                b.add(f"{pname}/edge=exp_overflow", dtype, opts, {"input": x, "target": t}, GRAD, smooth=False)
                x = np.array([np.inf, -np.inf, np.nan, 1.0, np.inf, -np.inf])
                t = np.array([1.0, 1.0, 1.0, np.nan, -1.0, 0.5])
                b.add(f"{pname}/edge=nonfinite", dtype, opts, {"input": x, "target": t}, GRAD, smooth=False)
        rng = b.rng(f"SoftMarginLoss/{dtype}/real_targets")
        b.add("none/real_valued_targets", dtype, {"reduction": "none"},
              {"input": b.uniform(rng, (3, 4), -3.0, 3.0, dtype), "target": b.uniform(rng, (3, 4), -2.0, 2.0, dtype)},
              GRAD)
        for red, xs, ts in (("none", (3, 4), (4,)), ("mean", (3, 4), (3, 1)), ("sum", (3,), ()),
                            ("mean", (2, 3, 4), (1, 3, 1))):
            b.add(f"{red}/broadcast={shape_name(xs)}-{shape_name(ts)}", dtype, {"reduction": red},
                  {"input": b.uniform(rng, xs, -3.0, 3.0, dtype), "target": signs(rng, ts)}, GRAD)
        b.add("mean/target_dtype=int64", dtype, {"reduction": "mean"},
              {"input": b.uniform(rng, (2, 3), -3.0, 3.0, dtype),
               "target": np.array([[1, -1, 1], [-1, -1, 1]], dtype=np.int64)}, GRAD)
        rng = b.rng(f"SoftMarginLoss/{dtype}/large")
        b.add("mean/shape=1200", dtype, {"reduction": "mean"},
              {"input": b.uniform(rng, (1200,), -4.0, 4.0, dtype), "target": signs(rng, (1200,))}, GRAD)

        rng = b.rng(f"SoftMarginLoss/{dtype}/common")
        pair = {"input": b.uniform(rng, (2, 3), -3.0, 3.0, dtype), "target": signs(rng, (2, 3))}
        declare_common(b, dtype, {}, pair, GRAD, {"input": np.zeros((0,)), "target": np.zeros((0,))})

        # Refusals.
        b.error("error/grad_wrt=target", dtype, {}, pair, "invalid_option", ("input", "target"))
        b.error("error/grad_wrt=target_only", dtype, {"reduction": "none"}, pair, "invalid_option", ("target",))
        for xs, ts in (((3, 1), (1, 4)), ((4,), (3, 4)), ((3,), (4,)), ((), (3,)), ((3, 1), (3, 4))):
            b.error(f"error/broadcast={shape_name(xs)}-{shape_name(ts)}", dtype, {},
                    {"input": np.zeros(xs), "target": np.ones(ts)}, "shape_mismatch", GRAD)


def random_case(rng, dtype):
    from .logistic import random_fitting_shape, random_reduction, random_shape
    from .cases import Builder

    shape = random_shape(rng)
    scale = rng.choice((1.0, 3.0, 20.0))
    x = Builder.uniform(rng, shape, -scale, scale, dtype)
    ts = shape if rng.random() < 0.6 else random_fitting_shape(rng, shape)
    if rng.random() < 0.7:
        t = signs(rng, ts)
    else:
        t = Builder.uniform(rng, ts, -2.0, 2.0, dtype)
    return {"options": {"reduction": random_reduction(rng)}, "inputs": {"input": x, "target": t},
            "grad_wrt": ["input"]}

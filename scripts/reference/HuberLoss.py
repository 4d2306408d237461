"""HuberLoss(delta=1): with z = |x - t|, 0.5 z^2 where z < delta, else
delta (z - 0.5 delta); input and target broadcast both ways.

d/dx = d where z < delta, else delta * sign(d) (so exactly +-delta at
z == delta: the linear branch); 0 at a tie; NaN where d is NaN.
d/dt = -d/dx. delta <= 0 (and NaN) is invalid_option, as in PyTorch
(`TORCH_CHECK(delta > 0)`).
"""

import numpy as np

from . import core
from . import golden
from .difference import declare_regression_cases, elementwise, random_regression_case


def check_delta(delta):
    if not delta > 0:
        raise core.LossError("invalid_option", f"delta: {delta!r} is not allowed (expected delta > 0)")


def evaluate(c):
    delta = c.options["delta"]
    check_delta(delta)

    def loss(d):
        z = np.abs(d)
        return np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))

    def dloss(d):
        # np.sign(NaN) is NaN: the gradient at a NaN difference is NaN.
        return np.where(np.abs(d) < delta, d, delta * np.sign(d))

    return elementwise(c, loss, dloss)


def kink_edges(point, dtype):
    """Ties (d == 0) and |d| == delta exactly on both sides, all exact in float32."""
    delta = point.get("delta", 1.0)
    x = np.array([0.0, 1.5, 0.25 + delta, -1.0, 2.0, -0.5])
    t = np.array([0.0, 1.5, 0.25, -1.0 + delta, 2.0 + delta, -0.5])
    return [("tie_and_delta", x, t)]


def cases(b):
    declare_regression_cases(b, edges=kink_edges)
    for dtype in b.dtypes:
        pair = {"input": np.array([0.5, -1.0, 3.0]), "target": np.array([0.0, 0.25, -1.0])}
        for label, delta in (("0", 0.0), ("-1", -1.0), ("nan", "nan")):
            b.error(f"error/delta={label}", dtype, {"reduction": "mean", "delta": delta}, pair,
                    "invalid_option", ("input", "target"))
        # A tiny and a huge delta: all-linear and all-quadratic.
        rng = b.rng(f"{b.loss}/{dtype}/extreme_delta")
        for delta in (1e-3, 1e3):
            x = b.uniform(rng, (2, 3), -2.0, 2.0, dtype)
            t = b.uniform(rng, (2, 3), -2.0, 2.0, dtype)
            b.add(f"sum/delta={delta}", dtype, {"reduction": "sum", "delta": delta}, {"input": x, "target": t},
                  ("input", "target"))


def random_case(rng, dtype):
    def extra(r):
        return {"delta": r.choice([1.0, round(r.uniform(0.05, 3.0), 4)])}

    return random_regression_case(rng, dtype, golden.spec()["loss_specs"]["HuberLoss"], extra=extra)

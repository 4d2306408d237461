"""SmoothL1Loss(beta=1): with z = |x - t|, 0.5 z^2 / beta where z < beta,
else z - 0.5 beta; beta == 0 is exactly L1 (value and gradient).
Input and target broadcast both ways.

d/dx = d / beta where z < beta, else sign(d) (+-1 at z == beta); 0 at a
tie. Where d is NaN the gradient is NaN for beta > 0 and 0 for beta == 0
(L1's sign). d/dt = -d/dx. beta < 0 (and NaN) is invalid_option
(`TORCH_CHECK(beta >= 0)`).
"""

import numpy as np

from . import core
from . import golden
from .difference import declare_regression_cases, elementwise, random_regression_case


def evaluate(c):
    beta = c.options["beta"]
    if not beta >= 0:
        raise core.LossError("invalid_option", f"beta: {beta!r} is not allowed (expected beta >= 0)")
    if beta == 0:
        return elementwise(c, np.abs, lambda d: np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0)))

    def loss(d):
        z = np.abs(d)
        # PyTorch's order of operations: 0.5 * z * z / beta.
        return np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)

    def dloss(d):
        return np.where(np.abs(d) < beta, d / beta, np.sign(d))

    return elementwise(c, loss, dloss)


def kink_edges(point, dtype):
    """Ties (d == 0) and |d| == beta exactly on both sides (exact in float32)."""
    beta = point.get("beta", 1.0)
    x = np.array([0.0, 1.5, 0.25 + beta, -1.0, 2.0, -0.5])
    t = np.array([0.0, 1.5, 0.25, -1.0 + beta, 2.0 + beta, -0.5])
    return [("tie_and_beta", x, t)]


def cases(b):
    declare_regression_cases(b, edges=kink_edges)
    for dtype in b.dtypes:
        pair = {"input": np.array([0.5, -1.0, 3.0]), "target": np.array([0.0, 0.25, -1.0])}
        for label, beta in (("-1", -1.0), ("-0.5", -0.5), ("nan", "nan")):
            b.error(f"error/beta={label}", dtype, {"reduction": "mean", "beta": beta}, pair,
                    "invalid_option", ("input", "target"))
        # beta = 0 with NaN differences: gradient 0 there, as L1 (PyTorch
        # issue #96813 was the GPU gradient at beta = 0).
        x = np.array([np.nan, 1.0, 0.5, -2.0])
        t = np.array([0.5, np.nan, 0.5, 1.0])
        b.add("none/beta=0.0/nan_and_tie", dtype, {"reduction": "none", "beta": 0.0}, {"input": x, "target": t},
              ("input", "target"), smooth=False)
        # Deprecated arguments with a non-default beta.
        rng = b.rng(f"{b.loss}/{dtype}/deprecated_beta")
        x = b.uniform(rng, (3, 2), -2.0, 2.0, dtype)
        t = b.uniform(rng, (3, 2), -2.0, 2.0, dtype)
        b.add("deprecated/size_average=false/beta=0.5", dtype, {"size_average": False, "beta": 0.5},
              {"input": x, "target": t}, ("input", "target"))


def random_case(rng, dtype):
    def extra(r):
        return {"beta": r.choice([0.0, 1.0, round(r.uniform(0.05, 3.0), 4)])}

    return random_regression_case(rng, dtype, golden.spec()["loss_specs"]["SmoothL1Loss"], extra=extra)

"""L1Loss: |x - t|, elementwise, input and target broadcast both ways.

d/dx = sign(x - t) (0 at x == t and where x - t is NaN); d/dt = -d/dx.
"""

import numpy as np

from . import golden
from .difference import declare_regression_cases, elementwise, random_regression_case, tie_edges


def evaluate(c):
    def loss(d):
        return np.abs(d)

    def dloss(d):
        # sign with 0 at a tie and 0 (not NaN) where the difference is NaN.
        return np.where(d > 0, 1.0, np.where(d < 0, -1.0, 0.0))

    return elementwise(c, loss, dloss)


def cases(b):
    declare_regression_cases(b, edges=tie_edges)


def random_case(rng, dtype):
    return random_regression_case(rng, dtype, golden.spec()["loss_specs"]["L1Loss"])

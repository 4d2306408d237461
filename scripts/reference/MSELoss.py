"""MSELoss: (x - t)^2, elementwise, input and target broadcast both ways.

d/dx = 2(x - t); d/dt = -d/dx. NaN and inf propagate (inf - inf is NaN).
"""

from . import golden
from .difference import declare_regression_cases, elementwise, random_regression_case, tie_edges


def evaluate(c):
    def loss(d):
        return d * d

    def dloss(d):
        return 2.0 * d

    return elementwise(c, loss, dloss)


def cases(b):
    # MSE has no kink; ties (d == 0) still make a useful edge: value and
    # gradient exactly 0.
    declare_regression_cases(b, edges=tie_edges)


def random_case(rng, dtype):
    return random_regression_case(rng, dtype, golden.spec()["loss_specs"]["MSELoss"])

"""Broadcasting, forward (shapes) and backward (exact sums down to a shape)."""

from __future__ import annotations

import numpy as np

from .core import LossError
from .libm import fsum_axis


def broadcast_shapes(*shapes, what="inputs"):
    try:
        return tuple(np.broadcast_shapes(*[tuple(s) for s in shapes]))
    except ValueError:
        raise LossError(
            "shape_mismatch",
            f"{what}: shapes {' and '.join(str(list(s)) for s in shapes)} "
            "cannot be broadcast together",
        )


def sum_to_shape(a, shape):
    """Reverse of broadcasting: exact sums of `a` down to `shape`."""
    a = np.asarray(a, dtype=np.float64)
    shape = tuple(shape)
    lead = a.ndim - len(shape)
    for _ in range(lead):
        a = fsum_axis(a, 0)
    for axis, n in enumerate(shape):
        if n == 1 and a.shape[axis] != 1:
            a = np.expand_dims(fsum_axis(a, axis), axis)
    return a.reshape(shape)

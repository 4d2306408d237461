"""MultiLabelSoftMarginLoss's NumPy reference against a plain loop
formulation: for each output index, a loop over the class axis."""

import math
import unittest

from binary_loops import at, check, indices, loop_shape, reduce_loop


def log_sigmoid(v):
    if math.isnan(v):
        return math.nan
    if v == -math.inf:
        return -math.inf
    return -math.log1p(math.exp(-v)) if v >= 0 else v - math.log1p(math.exp(v))


def mlsm_loop(call):
    x = call.inputs["input"].value
    t = call.inputs["target"].value.astype(float)
    w = call.options["weight"]
    shapes = [x.shape, t.shape] + ([w.shape] if w is not None else [])
    full = loop_shape(*shapes)
    axis = x.ndim - 1
    out_shape = full[:axis] + full[axis + 1:]
    n_classes = x.shape[-1]
    per = {}
    for o in indices(out_shape):
        s = 0.0
        for k in range(full[axis]):
            idx = o[:axis] + (k,) + o[axis:]
            xi, ti = at(x, idx), at(t, idx)
            wi = at(w.value, idx) if w is not None else 1.0
            s += -wi * (ti * log_sigmoid(xi) + (1.0 - ti) * log_sigmoid(-xi))
        per[o] = s / n_classes if n_classes else math.nan
    return reduce_loop(per, out_shape, call.reduction)


class MultiLabelSoftMarginLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check("MultiLabelSoftMarginLoss", mlsm_loop, rtol=1e-10), [])


if __name__ == "__main__":
    unittest.main()

"""SoftMarginLoss's NumPy reference against a plain loop formulation."""

import math
import unittest

from binary_loops import at, check, indices, reduce_loop, run


def soft_margin_loop(call):
    x = call.inputs["input"].value
    t = call.inputs["target"].value.astype(float)
    per = {}
    for idx in indices(x.shape):
        z = -at(t, idx) * float(x[idx])
        if math.isnan(z):
            per[idx] = math.nan
            continue
        try:
            per[idx] = math.log(1.0 + math.exp(z)) if z < 30 else z + math.log1p(math.exp(-z))
        except OverflowError:
            per[idx] = math.inf  # PyTorch's unstabilised form overflows
        if z > 709.782712893384:
            per[idx] = math.inf
    return reduce_loop(per, x.shape, call.reduction)


class SoftMarginLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check("SoftMarginLoss", soft_margin_loop, rtol=1e-9), [])

    def test_target_gradient_refused(self):
        case = {"loss": "SoftMarginLoss", "dtype": "float64", "options": {},
                "inputs": {"input": {"dtype": "float64", "shape": [1], "data": [0.5]},
                           "target": {"dtype": "float64", "shape": [1], "data": [1.0]}},
                "grad_wrt": ["target"]}
        err, _ = run(case)
        self.assertEqual(err["kind"], "invalid_option")


if __name__ == "__main__":
    unittest.main()

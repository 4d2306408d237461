"""BCELoss's NumPy reference against a plain loop formulation."""

import math
import unittest

from binary_loops import at, check, indices, log_or_ninf, reduce_loop, run


def bce_loop(call):
    x = call.inputs["input"].value
    t = call.inputs["target"].value
    w = call.options["weight"]
    per = {}
    for idx in indices(x.shape):
        xi, ti = float(x[idx]), float(t[idx])
        wi = at(w.value, idx) if w is not None else 1.0
        # log(1 - x) directly here (the reference uses log1p(-x)).
        per[idx] = -wi * (ti * max(log_or_ninf(xi), -100.0) + (1.0 - ti) * max(log_or_ninf(1.0 - xi), -100.0))
    return reduce_loop(per, x.shape, call.reduction)


class BCELossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check("BCELoss", bce_loop), [])

    def test_clamps(self):
        case = {"loss": "BCELoss", "dtype": "float64", "options": {"reduction": "none"},
                "inputs": {"input": {"dtype": "float64", "shape": [4], "data": [0.0, 1.0, 1e-300, 2.0 ** -40]},
                           "target": {"dtype": "float64", "shape": [4], "data": [1.0, 0.0, 1.0, 1.0]}},
                "grad_wrt": ["input", "target"]}
        out, grads = run(case)
        self.assertEqual(out[:3].tolist(), [100.0, 100.0, 100.0])
        eps = 9.999999960041972e-13
        gx = grads["input"]
        self.assertEqual(gx[0], -1.0 / eps)
        self.assertEqual(gx[1], 1.0 / eps)
        self.assertAlmostEqual(gx[3] * eps / (2.0 ** -40 - 1.0), 1.0, places=12)
        self.assertEqual(grads["target"][:2].tolist(), [math.inf, -math.inf])
        self.assertAlmostEqual(grads["target"][2], 300 * math.log(10), places=9)


if __name__ == "__main__":
    unittest.main()

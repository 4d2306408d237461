"""HuberLoss's NumPy reference against a plain loop formulation, and its
gradient at the kinks."""

import math
import unittest

import numpy as np

from helpers import declared
from loops import check_against_loop
from reference import core, evaluate_case


def huber_elem(delta):
    def f(x, t):
        z = abs(x - t)
        if math.isnan(z) or math.isinf(z):
            return z
        if z > 1e8 * delta:  # the form below cancels to 0 there
            return delta * (z - 0.5 * delta)
        # The piecewise definition written as quadratic minus the excess.
        q = 0.5 * z * z
        if z >= delta:
            q -= 0.5 * (z - delta) ** 2
        return q

    return f


def case(delta, x, t, reduction="sum"):
    return {"loss": "HuberLoss", "dtype": "float64", "options": {"reduction": reduction, "delta": delta},
            "inputs": {"input": core.encode_tensor(np.array(x), "float64"),
                       "target": core.encode_tensor(np.array(t), "float64")},
            "grad_wrt": ["input", "target"]}


def grads(result, name):
    return core.decode_tensor(result["grads"][name]).value.ravel().tolist()


class HuberLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        problems = check_against_loop("HuberLoss", None, options_elem=lambda o: huber_elem(o["delta"]))
        self.assertEqual(problems, [])

    def test_gradient_at_kinks(self):
        # |d| == delta takes the linear branch (delta * sign); a tie gives 0.
        r = evaluate_case(case(0.5, [0.75, -0.5, 1.0, 0.3], [0.25, 0.0, 1.0, 0.1]))
        self.assertEqual(grads(r, "input"), [0.5, -0.5, 0.0, 0.3 - 0.1])
        self.assertEqual(grads(r, "target"), [-0.5, 0.5, 0.0, -(0.3 - 0.1)])

    def test_nan_difference_gives_nan_gradient(self):
        r = evaluate_case(case(1.0, [math.nan], [0.0]))
        self.assertTrue(math.isnan(grads(r, "input")[0]))

    def test_delta_must_be_positive(self):
        for delta in (0.0, -2.0, "nan"):
            r = evaluate_case(case(delta, [1.0], [0.0]))
            self.assertEqual(r.get("error", {}).get("kind"), "invalid_option", delta)
            self.assertIn("delta", r["error"]["message"])

    def test_every_grid_delta_has_a_kink_case(self):
        ids = [d.case["id"] for d in declared("HuberLoss")]
        for delta in (1.0, 0.5, 2.0):
            self.assertIn(f"HuberLoss/float32/none/delta={delta}/edge=tie_and_delta", ids)


if __name__ == "__main__":
    unittest.main()

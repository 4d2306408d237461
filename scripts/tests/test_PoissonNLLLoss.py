"""PoissonNLLLoss's NumPy reference against a plain loop formulation, and
the target gradient of the Stirling term."""

import json
import math
import unittest

import numpy as np

from loops import check_against_loop
from reference import core, evaluate_case


def poisson_elem(options):
    log_input, full = options["log_input"], options["full"]
    eps = options["eps"]

    def f(x, t):
        if log_input:
            # -log of the Poisson likelihood without log t!: rate exp(x).
            try:
                rate = math.exp(x)
            except OverflowError:
                rate = math.inf
            v = rate - t * x
        else:
            s = x + eps
            v = x - t * (math.log(s) if s > 0 else (-math.inf if s == 0 else math.nan))
        if full and not t <= 1:
            # Stirling's approximation of log t! (t > 1 only).
            v += t * math.log(t) - t + 0.5 * math.log(2 * math.pi * t) if math.isfinite(t) else math.nan
        return v

    return f


def run(options, x, t):
    c = {"loss": "PoissonNLLLoss", "dtype": "float64", "options": dict(options, reduction="none"),
         "inputs": {"input": core.encode_tensor(np.array(x), "float64"),
                    "target": core.encode_tensor(np.array(t), "float64")},
         "grad_wrt": ["input", "target"]}
    r = evaluate_case(json.loads(core.dumps(c)))
    return {k: core.decode_tensor(v).value.tolist() for k, v in r["grads"].items()}


class PoissonNLLLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        # float32 cases were rounded to float32 inputs but are checked in
        # float64 with float64 eps: the loop uses the same eps.
        self.assertEqual(check_against_loop("PoissonNLLLoss", None, options_elem=poisson_elem), [])

    def test_stirling_target_gradient(self):
        x = 0.5
        ts = [-1.0, 0.0, 0.5, 1.0, 1.5, 3.0]
        g = run({"full": True}, [x] * len(ts), ts)
        want = [math.nan, math.nan, -x, -x, -x + math.log(1.5) + 1 / 3.0, -x + math.log(3.0) + 1 / 6.0]
        for a, b in zip(g["target"], want):
            if math.isnan(b):
                self.assertTrue(math.isnan(a))
            else:
                self.assertAlmostEqual(a, b, places=14)
        # The Stirling term has no input gradient.
        self.assertEqual(g["input"], run({"full": False}, [x] * len(ts), ts)["input"])

    def test_log_input_off_gradients(self):
        g = run({"log_input": False, "eps": 0.5}, [1.5, 0.0], [2.0, 0.0])
        self.assertAlmostEqual(g["input"][0], 1 - 2.0 / 2.0, places=15)
        self.assertAlmostEqual(g["input"][1], 1.0, places=15)
        self.assertAlmostEqual(g["target"][0], -math.log(2.0), places=15)
        self.assertAlmostEqual(g["target"][1], -math.log(0.5), places=15)

    def test_elementwise_mean_refused(self):
        c = {"loss": "PoissonNLLLoss", "dtype": "float64", "options": {"reduction": "elementwise_mean"},
             "inputs": {"input": core.encode_tensor(np.array([1.0]), "float64"),
                        "target": core.encode_tensor(np.array([0.0]), "float64")}}
        r = evaluate_case(json.loads(core.dumps(c)))
        self.assertEqual(r["error"]["kind"], "invalid_option")


if __name__ == "__main__":
    unittest.main()

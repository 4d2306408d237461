"""SmoothL1Loss's NumPy reference against a loop formulation, and its
identities with Huber and L1."""

import math
import random
import unittest

import numpy as np

from loops import check_against_loop
from reference import core, evaluate_case


def smooth_l1_elem(beta):
    def f(x, t):
        z = abs(x - t)
        if beta == 0:
            return z
        if z < beta:
            return z * z / (2 * beta)
        return z - beta / 2

    return f


def run(loss, options, x, t):
    c = {"loss": loss, "dtype": "float64", "options": options,
         "inputs": {"input": core.encode_tensor(np.array(x), "float64"),
                    "target": core.encode_tensor(np.array(t), "float64")},
         "grad_wrt": ["input", "target"],
         "grad_output": core.encode_tensor(np.linspace(-1, 1, len(x)), "float64")}
    r = evaluate_case(json_plain(c))
    return (vals(r["output"]), vals(r["grads"]["input"]), vals(r["grads"]["target"]))


def vals(t):
    return core.decode_tensor(t).value.ravel().tolist()


def json_plain(c):
    import json

    return json.loads(core.dumps(c))


class SmoothL1LossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        problems = check_against_loop("SmoothL1Loss", None, options_elem=lambda o: smooth_l1_elem(o["beta"]))
        self.assertEqual(problems, [])

    def test_times_beta_is_huber(self):
        rng = random.Random(3)
        for beta in (0.25, 1.0, 3.0):
            x = [rng.uniform(-4, 4) for _ in range(20)]
            t = [rng.uniform(-4, 4) for _ in range(20)]
            s, sgx, sgt = run("SmoothL1Loss", {"reduction": "none", "beta": beta}, x, t)
            h, hgx, hgt = run("HuberLoss", {"reduction": "none", "delta": beta}, x, t)
            for a, b in zip(s, h):
                self.assertAlmostEqual(a * beta, b, delta=1e-12 * max(1, abs(b)))
            for a, b in zip(sgx + sgt, hgx + hgt):
                self.assertAlmostEqual(a * beta, b, delta=1e-12 * max(1, abs(b)))

    def test_beta_zero_is_l1(self):
        x = [0.5, -1.0, 2.0, 0.25, math.nan, 1.0]
        t = [0.0, -1.0, -1.0, 0.75, 0.0, math.nan]
        s = run("SmoothL1Loss", {"reduction": "none", "beta": 0.0}, x, t)
        l1 = run("L1Loss", {"reduction": "none"}, x, t)
        self.assertEqual(str(s), str(l1))

    def test_negative_beta_refused(self):
        c = {"loss": "SmoothL1Loss", "dtype": "float64", "options": {"beta": -0.5},
             "inputs": {"input": core.encode_tensor(np.array([1.0]), "float64"),
                        "target": core.encode_tensor(np.array([0.0]), "float64")}}
        r = evaluate_case(json_plain(c))
        self.assertEqual(r["error"]["kind"], "invalid_option")


if __name__ == "__main__":
    unittest.main()

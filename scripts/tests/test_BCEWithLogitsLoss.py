"""BCEWithLogitsLoss's NumPy reference against a plain loop formulation
(probability space: sigmoid first, then logs; only moderate logits)."""

import math
import unittest

from binary_loops import at, check, indices, reduce_loop, run


def bcel_loop(call):
    x = call.inputs["input"].value
    t = call.inputs["target"].value
    w = call.options["weight"]
    pw = call.options["pos_weight"]
    per = {}
    for idx in indices(x.shape):
        xi, ti = float(x[idx]), float(t[idx])
        wi = at(w.value, idx) if w is not None else 1.0
        pi = at(pw.value, idx) if pw is not None else 1.0
        p = 1.0 / (1.0 + math.exp(-xi))
        per[idx] = -wi * (pi * ti * math.log(p) + (1.0 - ti) * math.log(1.0 - p))
    return reduce_loop(per, x.shape, call.reduction)


def extreme(c):
    from reference import core
    x = core.decode_tensor(c["inputs"]["input"]).value
    return not (abs(x) <= 20).all()


class BCEWithLogitsLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check("BCEWithLogitsLoss", bcel_loop, rtol=1e-9, skip=extreme), [])

    def test_large_logits_are_exact(self):
        case = {"loss": "BCEWithLogitsLoss", "dtype": "float64", "options": {"reduction": "none"},
                "inputs": {"input": {"dtype": "float64", "shape": [4], "data": [1000.0, -1000.0, 100.0, -100.0]},
                           "target": {"dtype": "float64", "shape": [4], "data": [0.0, 1.0, 1.0, 0.0]}}}
        out, _ = run(case)
        self.assertEqual(out[:2].tolist(), [1000.0, 1000.0])
        self.assertAlmostEqual(out[2] / math.exp(-100.0), 1.0, places=12)


if __name__ == "__main__":
    unittest.main()

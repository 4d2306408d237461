"""NLLLoss's NumPy reference against a plain loop formulation."""

import math
import unittest

import numpy as np

from classloops import at, check, positions, reduce_loop
from helpers import declared
from reference import core, evaluate_case
from helpers import as_float64


def nll_loop(call):
    x = call.inputs["input"].value
    t = call.inputs["target"].value.reshape(-1)
    w = call.options["weight"]
    w = None if w is None else w.value
    ii = call.options["ignore_index"]
    values, denom = [], 0.0
    for k, pos in enumerate(positions(x.shape)):
        cls = int(t[k])
        if cls == ii:
            values.append(0.0)
            continue
        wc = 1.0 if w is None else float(w[cls])
        values.append(-wc * at(x, pos, cls))
        denom += wc
    out_shape = () if x.ndim == 1 else call.inputs["target"].shape
    return reduce_loop(values, call.reduction, denom, out_shape)


class NLLLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        problems, checked = check("NLLLoss", nll_loop)
        self.assertEqual(problems, [])
        self.assertGreater(checked, 50)

    def test_all_ignored_mean_is_nan_with_zero_gradient(self):
        checked = 0
        for d in declared("NLLLoss"):
            if "/mean/all_ignored" in d.case["id"]:
                exp = d.case["expected"]
                self.assertTrue(np.isnan(core.decode_tensor(exp["output"]).value))
                self.assertTrue(np.all(core.decode_tensor(exp["grads"]["input"]).value == 0))
                checked += 1
        self.assertEqual(checked, 8)  # two in each of the four dtypes


if __name__ == "__main__":
    unittest.main()

"""KLDivLoss's NumPy reference against a plain loop formulation."""

import math
import unittest

import numpy as np

from loops import loop_elementwise, reduce_loop as _unused  # noqa: F401
from helpers import as_float64, declared
from reference import core, decode_call, evaluate_case
from reference import libm  # noqa: E402


def kl_elem(log_target):
    def f(x, t):
        if log_target:
            return math.exp(t) * (t - x)
        if t == 0:
            return 0.0 - t * x
        if t < 0:
            return math.nan
        return t * math.log(t) - t * x
    return f


class KLDivLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        checked = 0
        for d in declared("KLDivLoss"):
            c = d.case
            if "error" in c["expected"]:
                continue
            call = decode_call(as_float64(c))
            x, t = call.inputs["input"].value, call.inputs["target"].value
            if x.size > 64 or t.size > 64 or not (np.all(np.isfinite(x)) and np.all(np.isfinite(t))):
                continue
            vals = loop_elementwise(x, t, kl_elem(call.options["log_target"]))
            total = 0.0
            for v in vals.ravel():
                total += float(v)
            red = call.reduction
            if red == "none":
                want = vals
            elif red == "sum":
                want = total
            elif red == "mean":
                want = total / vals.size if vals.size else math.nan
            else:
                n = x.shape[0] if x.ndim else 1
                want = total / n if n else math.nan
            got = core.decode_tensor(evaluate_case(as_float64(c))["output"]).value
            want = np.asarray(want, dtype=np.float64)
            self.assertEqual(want.shape, got.shape, c["id"])
            self.assertTrue(np.allclose(got, want, rtol=1e-11, atol=1e-12, equal_nan=True), c["id"])
            checked += 1
        self.assertGreater(checked, 50)

    def test_log_target_agrees_with_probabilities(self):
        """KLDiv(log_target=True, log q) == KLDiv(log_target=False, q)."""
        checked = 0
        for d in declared("KLDivLoss"):
            c = as_float64(d.case)
            if "error" in d.case["expected"] or c["options"].get("log_target", False):
                continue
            t = core.decode_tensor(c["inputs"]["target"]).value
            if not np.all(t > 0) or not np.all(np.isfinite(t)):
                continue
            lc = dict(c, grad_wrt=["input"], options=dict(c["options"], log_target=True))
            lc["inputs"] = dict(c["inputs"], target=core.encode_tensor(libm.log(t), "float64"))
            pc = dict(c, grad_wrt=["input"])
            a, b = evaluate_case(pc), evaluate_case(lc)
            for k in ("output",):
                self.assertTrue(np.allclose(core.decode_tensor(a[k]).value, core.decode_tensor(b[k]).value,
                                            rtol=1e-12, atol=1e-13, equal_nan=True), c["id"])
            ga = core.decode_tensor(a["grads"]["input"]).value
            gb = core.decode_tensor(b["grads"]["input"]).value
            self.assertTrue(np.allclose(ga, gb, rtol=1e-12, atol=1e-13, equal_nan=True), c["id"])
            checked += 1
        self.assertGreater(checked, 20)


if __name__ == "__main__":
    unittest.main()

"""The half-precision goldens and their tolerance model
(docs/HALF_PRECISION.md): the element rule, the shape of the bounds, the
expected values rounded once, and a planted half-accumulating kernel that
the model must reject."""

import json
import math
import os
import sys
import unittest

import numpy as np

from helpers import as_float64, core  # noqa: F401  (puts scripts/ on the path)
from reference import evaluate_case, golden
from reference.half import judge_tensor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "backends"))
sys.path.insert(0, os.path.dirname(HERE))

import half_accumulate_backend  # noqa: E402
from half_judge import judge  # noqa: E402


def half_goldens(loss):
    with open(os.path.join(golden.GOLDEN_DIR, f"{loss}.jsonl")) as f:
        return [c for c in map(json.loads, f) if c["dtype"] in core.HALF_DTYPES]


def vals(t):
    return [float(x) for x in t["data"]]


class RuleTests(unittest.TestCase):
    def test_non_finite_values(self):
        nan, inf = math.nan, math.inf
        self.assertEqual(judge_tensor([nan], [nan], 0.0, [0.0])[0], [])
        self.assertEqual(judge_tensor([1.0], [nan], 0.0, [inf])[0], [0])
        self.assertEqual(judge_tensor([nan], [1.0], 0.0, [inf])[0], [0])
        self.assertEqual(judge_tensor([inf], [inf], 0.0, [0.0])[0], [])
        self.assertEqual(judge_tensor([-inf], [inf], 0.0, [0.0])[0], [0])
        self.assertEqual(judge_tensor([65504.0], [inf], 0.0, [0.0])[0], [0])

    def test_bound_is_atol_element_plus_rtol(self):
        # |a - e| = 0.5: atol 0.3 + rtol 0.1 * |2| = 0.5 passes, 0.49 does not.
        self.assertEqual(judge_tensor([2.5], [2.0], 0.1, [0.3])[0], [])
        self.assertEqual(judge_tensor([2.5], [2.0], 0.1, [0.29])[0], [0])
        # Each element has its own bound.
        self.assertEqual(judge_tensor([1.0, 1.0], [0.0, 0.0], 0.0, [1.0, 0.5])[0], [1])

    def test_infinite_bound_accepts_all_but_nan(self):
        self.assertEqual(judge_tensor([math.inf, -7.0], [3.0, 3.0], 0.0, [math.inf, math.inf])[0], [])


class GoldenTests(unittest.TestCase):
    def test_bounds_are_shaped_like_their_fields(self):
        checked = 0
        for loss in ("L1Loss", "CrossEntropyLoss", "TripletMarginLoss", "CTCLoss", "KLDivLoss"):
            for c in half_goldens(loss):
                if "error" in c["expected"]:
                    self.assertNotIn("tolerance", c, c["id"])
                    continue
                tol = c["tolerance"]
                self.assertEqual(tol["rtol"], 2 * core.UNIT_ROUNDOFF[c["dtype"]])
                ae = tol["atol_elements"]
                fields = [(c["expected"]["output"], ae["output"])]
                fields += [(g, ae["grads"][n]) for n, g in c["expected"].get("grads", {}).items()]
                self.assertEqual(sorted(ae["grads"]), sorted(c["expected"].get("grads", {})), c["id"])
                for e, t in fields:
                    self.assertEqual(t["shape"], e["shape"], c["id"])
                    self.assertEqual(t["dtype"], "float64")
                    for x, b in zip(vals(e), vals(t)):
                        self.assertTrue(b >= 0, c["id"])
                        if not math.isfinite(x):
                            # Unused (only the same inf or NaN passes): 0, or
                            # inf where only the rounding overflows.
                            self.assertIn(b, (0.0, math.inf), c["id"])
                checked += 1
        self.assertGreater(checked, 300)

    def test_expected_is_the_exact_answer_rounded_once(self):
        # Losses without constants taken in the case dtype: the float64
        # answer on the exact half inputs, rounded to the dtype, must be the
        # golden value bit for bit.
        checked = 0
        for loss in ("L1Loss", "MSELoss", "NLLLoss", "CrossEntropyLoss", "MarginRankingLoss"):
            for c in half_goldens(loss):
                if "error" in c["expected"]:
                    continue
                r = evaluate_case(as_float64(c))
                self.assertNotIn("error", r, c["id"])
                got = core.round_to(c["dtype"], core.decode_tensor(json.loads(core.dumps(r["output"]))).value)
                want = core.decode_tensor(c["expected"]["output"]).value
                same = (got == want) | (np.isnan(got) & np.isnan(want))
                self.assertTrue(bool(np.all(same)), c["id"])
                checked += 1
        self.assertGreater(checked, 200)

    def test_every_loss_has_half_values_and_errors(self):
        for loss in golden.spec()["loss_specs"]:
            cases = half_goldens(loss)
            for dtype in core.HALF_DTYPES:
                mine = [c for c in cases if c["dtype"] == dtype]
                self.assertTrue(any("error" in c["expected"] for c in mine), (loss, dtype))
                self.assertTrue(any("grads" in c["expected"] for c in mine), (loss, dtype))
                self.assertTrue(any("/half_edge=" in c["id"] for c in mine), (loss, dtype))


class PlantedKernelTests(unittest.TestCase):
    def test_half_accumulation_fails_long_sums(self):
        for dtype in core.HALF_DTYPES:
            c = next(c for c in half_goldens("L1Loss") if c["id"] == f"L1Loss/{dtype}/sum/half_edge=long_4096")
            status, why = judge(c, half_accumulate_backend.answer(c))
            self.assertEqual(status, "fail", why)

    def test_the_expected_answer_and_one_ulp_pass(self):
        c = next(c for c in half_goldens("L1Loss") if c["id"] == "L1Loss/float16/sum/half_edge=long_4096")
        self.assertEqual(judge(c, c["expected"])[0], "pass")
        e = float(c["expected"]["output"]["data"][0])
        up = float(np.nextafter(np.float16(e), np.float16(np.inf)))
        moved = json.loads(json.dumps(c["expected"]))
        moved["output"]["data"] = [up]
        self.assertEqual(judge(c, moved)[0], "pass")
        bound = float(c["tolerance"]["atol_elements"]["output"]["data"][0]) + c["tolerance"]["rtol"] * e
        moved["output"]["data"] = [e + 2 * bound]
        self.assertEqual(judge(c, moved)[0], "fail")


if __name__ == "__main__":
    unittest.main()

"""The pieces the exec backends share (scripts/backends/exec_adapter.py):
torch.nn's reduction rules, case tensors, error kinds and the eval loop,
the loop checked on the NumPy and half-accumulating backends as scripts."""

import json
import os
import subprocess
import sys
import unittest

import numpy as np

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(SCRIPTS, "backends"))

import exec_adapter as ea  # noqa: E402

L1_CASE = {
    "id": "c1", "loss": "L1Loss", "dtype": "float64",
    "options": {"reduction": "sum"},
    "inputs": {"input": {"dtype": "float64", "shape": [2], "data": [1, 4]},
               "target": {"dtype": "float64", "shape": [2],
                          "data": [2, 2]}}}


class ReductionTests(unittest.TestCase):
    def test_the_deprecated_pair_resolves_as_torch_nn_does(self):
        # torch.nn._reduction.legacy_get_string: reduce=False wins, then
        # size_average=False means sum, else mean.
        cases = [({"reduce": False, "size_average": True}, "none"),
                 ({"size_average": False}, "sum"),
                 ({"size_average": True, "reduction": "sum"}, "mean"),
                 ({"reduce": True}, "mean")]
        for opts, want in cases:
            self.assertEqual(ea.reduction("L1Loss", opts), want, opts)

    def test_losses_without_the_deprecated_pair_refuse_it(self):
        with self.assertRaises(ea.Refused) as cm:
            ea.reduction("HuberLoss", {"reduce": False})
        self.assertEqual(cm.exception.kind, "invalid_option")

    def test_elementwise_mean_and_batchmean(self):
        self.assertEqual(
            ea.reduction("L1Loss", {"reduction": "elementwise_mean"}), "mean")
        with self.assertRaises(ea.Refused):
            ea.reduction("GaussianNLLLoss",
                         {"reduction": "elementwise_mean"})
        self.assertEqual(
            ea.reduction("KLDivLoss", {"reduction": "batchmean"}),
            "batchmean")
        with self.assertRaises(ea.Refused):
            ea.reduction("L1Loss", {"reduction": "batchmean"})


class TensorAndKindTests(unittest.TestCase):
    def test_non_finite_strings_become_floats(self):
        a = ea.array({"dtype": "float32", "shape": [2, 2],
                      "data": [1, "nan", "-inf", 2.5]})
        self.assertEqual(a.dtype, np.float32)
        self.assertEqual(a.shape, (2, 2))
        self.assertTrue(np.isnan(a[0, 1]))
        self.assertEqual(a[1, 0], -np.inf)
        self.assertEqual(ea.option("inf", ea.array), float("inf"))
        self.assertEqual(ea.option("mean", ea.array), "mean")

    def test_num_writes_non_finite_values_as_strings(self):
        self.assertEqual([ea.num(x) for x in (float("nan"), -float("inf"))],
                         ["nan", "-inf"])
        self.assertEqual(ea.num(0.5), 0.5)

    def test_the_first_matching_rule_gives_the_kind(self):
        rules = [(r"shape", "shape_mismatch"), (r"dtype", "dtype_mismatch")]
        self.assertEqual(ea.kind_of(ValueError("bad dtype and shape"), rules),
                         "shape_mismatch")
        self.assertEqual(ea.kind_of(TypeError("dtype"), rules),
                         "dtype_mismatch")
        self.assertEqual(ea.kind_of(ValueError("other"), rules),
                         "invalid_option")

    def test_adapted_answers(self):
        def evaluate(case):
            raise {"u": ea.Unsupported("no such form"),
                   "r": ea.Refused("invalid_option", "refused"),
                   "x": ValueError("bad shape")}[case["id"]]
        rules = [(r"shape", "shape_mismatch")]
        self.assertEqual(ea.answer_adapted({"id": "u"}, evaluate, rules),
                         {"id": "u", "unsupported": "no such form"})
        self.assertEqual(
            ea.answer_adapted({"id": "r"}, evaluate, rules)["error"]["kind"],
            "invalid_option")
        self.assertEqual(
            ea.answer_adapted({"id": "x"}, evaluate, rules)["error"],
            {"kind": "shape_mismatch", "message": "ValueError: bad shape"})


class LoopTests(unittest.TestCase):
    def run_backend(self, name, text):
        out = subprocess.run(
            [sys.executable, os.path.join(SCRIPTS, "backends", name)],
            input=text, capture_output=True, text=True, cwd="/")
        self.assertEqual(out.returncode, 0, out.stderr)
        return [json.loads(line) for line in out.stdout.splitlines()]

    def test_each_backend_answers_line_by_line(self):
        text = json.dumps(L1_CASE) + "\n\nnot json\n"
        for name in ("numpy_backend.py", "half_accumulate_backend.py"):
            got = self.run_backend(name, text)
            self.assertEqual(len(got), 2, (name, got))  # blank line skipped
            self.assertEqual(got[0]["id"], "c1")
            self.assertEqual(got[0]["output"]["data"], [3.0])  # |1-2|+|4-2|
            self.assertEqual(got[1]["id"], "")
            self.assertEqual(got[1]["error"]["kind"], "invalid_option")


if __name__ == "__main__":
    unittest.main()

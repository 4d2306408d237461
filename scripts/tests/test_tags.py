"""Case tags: the vocabulary used equals the documented one, and the
derived tags are right on hand-picked cases."""

import os
import re
import unittest

import numpy as np

from helpers import declared
from reference import implemented
from reference import golden  # noqa: E402
from reference import tags as case_tags
from reference.cases import Builder

DOC = os.path.join(golden.ROOT, "docs", "TAGS.md")


def documented():
    """The tags of docs/TAGS.md's table, in its order."""
    with open(DOC, encoding="utf-8") as f:
        return [m.group(1) for m in re.finditer(r"^\| `([a-z_]+)` \|", f.read(), re.M)]


def golden_cases():
    for loss in implemented():
        for d in declared(loss):
            yield d.case


class VocabularyTests(unittest.TestCase):
    def test_documented_equals_spec_list(self):
        self.assertEqual(documented(), list(case_tags.vocabulary()))

    def test_used_equals_documented(self):
        used = set()
        for c in golden_cases():
            used |= set(c.get("tags", []))
        self.assertEqual(sorted(used), sorted(documented()))

    def test_tags_are_ordered_last_and_never_empty(self):
        order = {t: i for i, t in enumerate(case_tags.vocabulary())}
        for c in golden_cases():
            if "tags" not in c:
                continue
            with self.subTest(case=c["id"]):
                self.assertTrue(c["tags"])
                self.assertEqual(list(c)[-1], "tags")
                self.assertEqual(c["tags"], sorted(c["tags"], key=order.__getitem__))

    def test_unknown_declared_tag_is_refused(self):
        b = Builder("L1Loss")
        x = np.array([1.0, 2.0])
        with self.assertRaises(ValueError):
            b.add("mean/x", "float64", {}, {"input": x, "target": x}, ("input",), tags=("non_finite",))


class DerivedTagTests(unittest.TestCase):
    def tags_of(self, loss, cid):
        for d in declared(loss):
            if d.case["id"] == f"{loss}/{cid}":
                return d.case.get("tags", [])
        self.fail(f"no case {loss}/{cid}")

    def test_plain_case_has_no_tags(self):
        self.assertEqual(self.tags_of("L1Loss", "float64/mean/shape=2x3x4"), [])

    def test_broadcast_and_zero_dim(self):
        self.assertEqual(self.tags_of("HingeEmbeddingLoss", "float64/none/broadcast=0d-2x2"),
                         ["zero_dim", "broadcast"])
        self.assertEqual(self.tags_of("L1Loss", "float64/none/broadcast=3x1-1x4"), ["broadcast"])

    def test_empty_mean_is_empty_and_non_finite(self):
        # Mean over zero elements is NaN.
        self.assertEqual(self.tags_of("HingeEmbeddingLoss", "float32/mean/empty"), ["non_finite", "empty"])
        self.assertEqual(self.tags_of("HingeEmbeddingLoss", "float32/sum/empty"), ["empty"])

    def test_stricter_than_pytorch(self):
        self.assertEqual(self.tags_of("L1Loss", "float64/error/target_dtype=int64"),
                         ["error", "stricter_than_pytorch"])
        self.assertEqual(self.tags_of("CTCLoss", "float32/error/label=C"), ["error", "stricter_than_pytorch"])
        self.assertIn("stricter_than_pytorch", self.tags_of("MultiMarginLoss", "float64/sum/empty-batch"))
        self.assertNotIn("stricter_than_pytorch", self.tags_of("MultiMarginLoss", "float64/none/empty-batch"))
        # A PyTorch refusal of a float target where int64 is required.
        self.assertEqual(self.tags_of("NLLLoss", "float64/error/target_dtype=float"), ["error"])

    def test_deprecated_args(self):
        for d in declared("HingeEmbeddingLoss"):
            opts = d.case["options"]
            dep = "size_average" in opts or "reduce" in opts
            with self.subTest(case=d.case["id"]):
                self.assertEqual("deprecated_args" in d.case.get("tags", []), dep)

    def test_non_smooth_and_non_finite(self):
        self.assertIn("non_smooth", self.tags_of("HingeEmbeddingLoss", "float64/none/margin=1.0/edge=kink"))
        self.assertEqual(self.tags_of("HingeEmbeddingLoss", "float64/none/nonfinite"),
                         ["non_finite", "non_smooth"])

    def test_derive_on_a_synthetic_case(self):
        spec = golden.spec()["loss_specs"]["L1Loss"]
        t = {"dtype": "float64", "shape": [0, 2], "data": []}
        case = {"id": "L1Loss/float64/x", "dtype": "float64", "options": {"reduce": False},
                "inputs": {"input": t, "target": {"dtype": "float64", "shape": [2], "data": ["inf", 1.0]}},
                "expected": {"output": {"dtype": "float64", "shape": [0, 2], "data": []}}}
        self.assertEqual(case_tags.derive(case, spec, smooth=True),
                         {"empty", "broadcast", "non_finite", "deprecated_args"})


if __name__ == "__main__":
    unittest.main()

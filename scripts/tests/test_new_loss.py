"""scripts/new_loss.py: what it refuses, and its edits of the shared files
(the end-to-end check, build included, is scripts/ci_new_loss_check.sh)."""

import json
import os
import re
import sys
import unittest

import helpers  # noqa: F401 (puts scripts/ on sys.path)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import new_loss  # noqa: E402
from reference import golden, losses  # noqa: E402


class NewLossTests(unittest.TestCase):
    def test_refuses_bad_and_existing_names(self):
        for bad in ("fooLoss", "Foo", "Foo-Loss", "FooLoss; rm", ""):
            with self.subTest(name=bad), self.assertRaises(new_loss.ScaffoldError):
                new_loss.plan(bad)
        with self.assertRaises(new_loss.ScaffoldError) as ctx:
            new_loss.plan("L1Loss")
        self.assertIn("L1Loss", str(ctx.exception))

    def test_plan_names_every_per_loss_file(self):
        files, edits = new_loss.plan("ZZPlanLoss")
        self.assertEqual(sorted(edits), ["Sources/LossCheckHarness/Backend.swift", "golden/benchmark.json",
                                         "golden/spec.json"])
        for pattern in ("golden/spec/{}.json", "scripts/reference/{}.py", "scripts/tests/test_{}.py",
                        "Sources/LossCheck/Losses/{}.swift", "Sources/LossCheckHarness/Adapters/{}+Adapter.swift",
                        "Tests/LossCheckTests/{}Tests.swift", "docs/losses/{}.md"):
            self.assertIn(pattern.format("ZZPlanLoss"), files)
        spec = json.loads(files["golden/spec/ZZPlanLoss.json"])
        self.assertEqual(spec["loss"], "ZZPlanLoss")

    def test_spec_list_gains_the_name_last_and_keeps_its_layout(self):
        text = open(os.path.join(golden.GOLDEN_DIR, "spec.json"), encoding="utf-8").read()
        new = new_loss.with_loss_listed(text, "ZZPlanLoss")
        self.assertEqual(json.loads(new)["losses"], losses() + ["ZZPlanLoss"])
        # Only the list changed, and no line grew past 80 columns.
        self.assertEqual(re.sub(r'"losses": \[.*?\]', "", new, flags=re.S),
                         re.sub(r'"losses": \[.*?\]', "", text, flags=re.S))
        block = re.search(r'"losses": \[(.*?)\]', new, re.S).group(1)
        self.assertTrue(all(len(line) <= 80 for line in block.splitlines()))

    def test_benchmark_row_is_appended(self):
        text = open(os.path.join(golden.GOLDEN_DIR, "benchmark.json"), encoding="utf-8").read()
        rows = json.loads(new_loss.with_benchmark_row(text, "ZZPlanLoss"))["rows"]
        self.assertEqual([r["loss"] for r in rows], losses() + ["ZZPlanLoss"])
        self.assertEqual(rows[-1]["wrt"], ["input"])

    def test_adapter_entry_goes_in_the_table(self):
        text = open(os.path.join(golden.ROOT, "Sources/LossCheckHarness/Backend.swift"), encoding="utf-8").read()
        new = new_loss.with_adapter_entry(text, "ZZPlanLoss")
        entry = '    "ZZPlanLoss": entry(ZZPlanLossAdapter()),\n' + new_loss.ADAPTER_MARKER
        self.assertIn(entry, new)
        with self.assertRaises(new_loss.ScaffoldError):
            new_loss.with_adapter_entry(text.replace(new_loss.ADAPTER_MARKER, ""), "ZZPlanLoss")


if __name__ == "__main__":
    unittest.main()

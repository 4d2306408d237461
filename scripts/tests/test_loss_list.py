"""golden/spec.json's "losses" list against the NumPy side's files."""

import os
import unittest

import helpers  # noqa: F401 (puts scripts/ on sys.path)
from reference import golden, losses


def stems(directory, prefix="", suffix=".py"):
    return {
        f[len(prefix):-len(suffix)]
        for f in os.listdir(directory)
        if f.startswith(prefix) and f.endswith(suffix) and f[len(prefix):-len(suffix)].endswith("Loss")
    }


class LossListTests(unittest.TestCase):
    def test_list_matches_spec_files_modules_and_tests(self):
        listed = losses()
        self.assertEqual(len(listed), len(set(listed)))
        here = os.path.dirname(os.path.abspath(__file__))
        self.assertEqual(set(golden.spec()["loss_specs"]), set(listed))
        self.assertEqual(stems(os.path.join(os.path.dirname(here), "reference")), set(listed))
        self.assertEqual(stems(here, prefix="test_"), set(listed))


if __name__ == "__main__":
    unittest.main()

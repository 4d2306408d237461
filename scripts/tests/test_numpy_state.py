"""Importing the NumPy reference leaves numpy's error state alone (it runs
embedded in other processes, whose numpy settings are their own)."""

import os
import subprocess
import sys
import unittest

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = """
import numpy as np
before = np.geterr()
import reference, reference.cases, reference.tags
from reference import evaluate_case
evaluate_case({"id": "x", "loss": "L1Loss", "dtype": "float64", "options": {"reduction": "mean"},
               "inputs": {"input": {"dtype": "float64", "shape": [0], "data": []},
                          "target": {"dtype": "float64", "shape": [0], "data": []}}})
assert np.geterr() == before, (before, np.geterr())
print("same")
"""


class NumpyStateTests(unittest.TestCase):
    def test_import_and_evaluate_keep_the_error_state(self):
        out = subprocess.run([sys.executable, "-c", PROBE], cwd=SCRIPTS, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), "same")


if __name__ == "__main__":
    unittest.main()

"""Every NumPy VJP against central finite differences.

Runs over every golden case the loss modules declare as smooth (no input at
a kink, clamp or discontinuity) with at most 64 elements per input.
"""

import unittest

import numpy as np

from helpers import declared, fd_problems
from reference import core, implemented


class GradientTests(unittest.TestCase):
    def test_vjps_match_finite_differences(self):
        for loss in implemented():
            with self.subTest(loss=loss):
                checked = 0
                problems = []
                for d in declared(loss):
                    c = d.case
                    if not d.smooth or not c["grad_wrt"]:
                        continue
                    # Half cases run the same VJPs on coarser inputs; at the
                    # half edges (values near 1e38, subnormals) a central
                    # difference in float64 has no digits left.
                    if c["dtype"] in core.HALF_DTYPES:
                        continue
                    if any(int(np.prod(c["inputs"][n]["shape"])) > 64 for n in c["grad_wrt"]):
                        continue
                    problems += fd_problems(c)
                    checked += 1
                self.assertGreater(checked, 0, f"{loss}: no smooth case was checked")
                self.assertEqual(problems, [])


if __name__ == "__main__":
    unittest.main()

"""L1Loss's NumPy reference against a plain loop formulation."""

import unittest

from helpers import declared
from loops import check_against_loop


def l1_elem(x, t):
    return abs(x - t)


class L1LossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_against_loop("L1Loss", l1_elem), [])


if __name__ == "__main__":
    unittest.main()

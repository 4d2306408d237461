"""MSELoss's NumPy reference against a plain loop formulation."""

import unittest

from loops import check_against_loop


def mse_elem(x, t):
    d = x - t
    return d * d


class MSELossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_against_loop("MSELoss", mse_elem), [])


if __name__ == "__main__":
    unittest.main()

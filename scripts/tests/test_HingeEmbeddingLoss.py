"""HingeEmbeddingLoss's NumPy reference against a plain loop formulation."""

import math
import unittest

from loops import check_against_loop


def options_elem(options):
    m = options["margin"]

    def elem(x, t):
        if t == 1:
            return x
        if t == -1:
            return math.nan if math.isnan(x) else max(0.0, m - x)
        # Any other target (0, 2, NaN, ...): both terms.
        return (math.nan if math.isnan(x) else max(0.0, m - x)) + x

    return elem


class HingeEmbeddingLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_against_loop("HingeEmbeddingLoss", None, options_elem=options_elem), [])


if __name__ == "__main__":
    unittest.main()

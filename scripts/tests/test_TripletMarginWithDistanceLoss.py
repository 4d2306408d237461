"""TripletMarginWithDistanceLoss's NumPy reference against a plain loop
formulation of each named distance."""

import math
import unittest

from embedding_loops import check_cases, p_norm, triplet_loop


def cosine(u, v):
    n1 = max(math.sqrt(sum(x * x for x in u)), 1e-8)
    n2 = max(math.sqrt(sum(y * y for y in v)), 1e-8)
    return 1.0 - sum((x / n1) * (y / n2) for x, y in zip(u, v))


def loop(call):
    name = call.option("distance_function")
    if name == "cosine_distance":
        return triplet_loop(call, cosine, reduce_dim=1)
    if name == "l_infinity":
        return triplet_loop(call, lambda u, v: max(abs(x - y) for x, y in zip(u, v)))
    return triplet_loop(call, lambda u, v: p_norm([x - y + 1e-6 for x, y in zip(u, v)], 2.0))


class TripletMarginWithDistanceLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("TripletMarginWithDistanceLoss", loop), [])


if __name__ == "__main__":
    unittest.main()

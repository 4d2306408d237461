"""TripletMarginLoss's NumPy reference against a plain loop formulation."""

import unittest

import numpy as np

from embedding_loops import check_cases, p_norm, triplet_loop
from helpers import as_float64, declared
from reference import core, decode_call, module


def loop(call):
    p = call.option("p")
    eps = call.option("eps")
    return triplet_loop(call, lambda u, v: p_norm([x - y + eps for x, y in zip(u, v)], p))


class TripletMarginLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("TripletMarginLoss", loop), [])

    def test_swap_tie_splits_the_gradient(self):
        # At a == p with swap, d(a, n) == d(p, n): negative's gradient is
        # the same as without swap (both branches give it), while anchor's
        # d_neg part is halved and the other half goes to positive.
        cases = {d.case["id"]: d.case for d in declared("TripletMarginLoss")}
        for p in ("1.0", "2.0", "3.0"):
            on = as_float64(cases[f"TripletMarginLoss/float64/none/anchor=positive/p={p}/swap=true"])
            off = as_float64(cases[f"TripletMarginLoss/float64/none/anchor=positive/p={p}/swap=false"])
            g = core.decode_tensor(on["grad_output"]).value
            r_on = module("TripletMarginLoss").evaluate(decode_call(on))[1](g)
            r_off = module("TripletMarginLoss").evaluate(decode_call(off))[1](g)
            np.testing.assert_allclose(r_on["negative"], r_off["negative"], rtol=1e-12, atol=1e-12)
            total_on = r_on["anchor"] + r_on["positive"]
            total_off = r_off["anchor"] + r_off["positive"]
            np.testing.assert_allclose(total_on, total_off, rtol=1e-12, atol=1e-12)
            self.assertFalse(np.allclose(r_on["anchor"], r_off["anchor"]))

    def test_hinge_has_zero_gradient(self):
        c = next(d.case for d in declared("TripletMarginLoss")
                 if d.case["id"] == "TripletMarginLoss/float64/none/hinge=0/p=1/eps=0")
        out, vjp = module("TripletMarginLoss").evaluate(decode_call(as_float64(c)))
        self.assertEqual(list(out), [0.0, 0.0])
        for g in vjp(np.ones(2)).values():
            self.assertTrue(np.all(g == 0))


if __name__ == "__main__":
    unittest.main()

"""MultiMarginLoss's NumPy reference against a plain loop formulation."""

import unittest

from margin_loops import check_cases, hinge, reduce_rows


def loop(call):
    x = call.inputs["input"].value
    y = call.inputs["target"].value
    C = x.shape[-1] if x.ndim else 1
    xs = x.reshape(-1, C)
    ys = y.reshape(-1)
    w = call.options["weight"]
    p = call.options["p"]
    m = call.options["margin"]
    rows = []
    for i in range(xs.shape[0]):
        t = int(ys[i])
        total = 0.0
        for j in range(C):
            if j != t:
                z = hinge(m - float(xs[i, t]) + float(xs[i, j]))
                if z > 0:
                    total += (z if p == 1 else z * z) * (1.0 if w is None else float(w.value[t]))
        rows.append(total / C)
    return reduce_rows(rows, call.reduction, tuple(y.shape))


class MultiMarginLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("MultiMarginLoss", loop), [])


if __name__ == "__main__":
    unittest.main()

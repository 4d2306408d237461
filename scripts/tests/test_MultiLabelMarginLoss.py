"""MultiLabelMarginLoss's NumPy reference against a plain loop formulation."""

import unittest

import numpy as np

from margin_loops import check_cases, hinge, reduce_rows


def loop(call):
    x = call.inputs["input"].value
    y = call.inputs["target"].value
    batched = x.ndim == 2
    C = x.shape[-1] if x.ndim else 1
    xs = x.reshape(-1, C)
    ys = y.reshape(-1, C)
    rows = []
    for i in range(xs.shape[0]):
        targets = []
        for v in ys[i]:
            if v == -1:
                break
            targets.append(int(v))
        total = 0.0
        for j in targets:  # duplicates counted once per occurrence
            for k in range(C):
                if k not in targets:
                    total += hinge(1.0 - float(xs[i, j]) + float(xs[i, k]))
        rows.append(total / C)
    return reduce_rows(rows, call.reduction, (len(rows),) if batched else ())


class MultiLabelMarginLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("MultiLabelMarginLoss", loop), [])


if __name__ == "__main__":
    unittest.main()

"""CosineEmbeddingLoss's NumPy reference against a plain loop formulation."""

import math
import unittest

import numpy as np

from embedding_loops import at, bshape, check_cases, indices
from reference import core


def loop(call):
    x1 = call.inputs["input1"].value
    x2 = call.inputs["input2"].value
    t = call.inputs["target"].value.astype(np.float64)
    margin = call.option("margin")
    eps = core.EPS_1E12
    if t.ndim == 0:  # one pair of vectors
        x1, x2 = x1[None], x2[None]
    rows = bshape(x1.shape[:1], x2.shape[:1])[0]
    d = bshape(x1.shape[1:], x2.shape[1:])[0]
    cos = []
    for i in range(rows):
        r1 = x1[0 if x1.shape[0] == 1 else i]
        r2 = x2[0 if x2.shape[0] == 1 else i]
        dot = sum(float(r1[0 if len(r1) == 1 else j]) * float(r2[0 if len(r2) == 1 else j]) for j in range(d))
        s1 = sum(float(v) * float(v) for v in r1) + eps
        s2 = sum(float(v) * float(v) for v in r2) + eps
        cos.append(dot / math.sqrt(s1 * s2))
    cos = np.array(cos) if t.ndim else np.array(cos[0])
    shape = bshape(cos.shape, t.shape)
    out = np.zeros(shape)
    for idx in indices(shape):
        c, y = at(cos, idx), at(t, idx)
        out[idx] = 1 - c if y == 1 else (max(c - margin, 0.0) if y == -1 else 0.0)
    return out


class CosineEmbeddingLossTests(unittest.TestCase):
    def test_forward_matches_loop(self):
        self.assertEqual(check_cases("CosineEmbeddingLoss", loop), [])


if __name__ == "__main__":
    unittest.main()

"""float16 and bfloat16 in the NumPy reference: rounding, encoding, decoding.

The rounding under test (core.round_half) scales by the quantum and calls
np.rint. It is checked against two independent formulations: an exact one
(bisection in the sorted table of every value of the dtype, distances
compared as fractions, ties to the even bit pattern) and, for float16,
numpy's own C conversion from float64.
"""

import bisect
import math
import random
import unittest
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction

import numpy as np

from helpers import core  # noqa: F401  (puts scripts/ on the path)
from reference import LossError


def all_values(dtype):
    """Every bit pattern of the dtype, as float64, indexed by pattern."""
    bits = np.arange(65536, dtype=np.uint32)
    if dtype == "float16":
        return bits.astype(np.uint16).view(np.float16).astype(np.float64)
    return (bits << 16).astype(np.uint32).view(np.float32).astype(np.float64)


class Table:
    """The finite non-negative values of a dtype, sorted, with their bit
    patterns: the exact rounding is a bisection here."""

    def __init__(self, dtype):
        vals = all_values(dtype)
        pairs = sorted(
            (float(v), b) for b, v in enumerate(vals.tolist())
            if math.isfinite(v) and math.copysign(1.0, v) > 0
        )
        self.values = [v for v, _ in pairs]
        self.bits = [b for _, b in pairs]
        top, below = self.values[-1], self.values[-2]
        # Past the largest value, the next (virtual) value is top + ulp(top);
        # the midpoint rounds to it (even), i.e. to infinity.
        self.overflow = Fraction(top) + (Fraction(top) - Fraction(below)) / 2

    def round(self, x):
        if math.isnan(x):
            return math.nan
        if x < 0:
            return -self.round(-x) if x != 0 else x
        if x == 0:
            return x
        if math.isinf(x) or Fraction(x) >= self.overflow:
            return math.inf
        i = bisect.bisect_left(self.values, x)
        if i < len(self.values) and self.values[i] == x:
            return x
        lo, hi = i - 1, i
        if hi == len(self.values):
            return self.values[lo]
        dlo = Fraction(x) - Fraction(self.values[lo])
        dhi = Fraction(self.values[hi]) - Fraction(x)
        if dlo != dhi:
            return self.values[lo] if dlo < dhi else self.values[hi]
        return self.values[lo] if self.bits[lo] % 2 == 0 else self.values[hi]


def boundary_points(table, rng, n_random):
    """Every value, every midpoint between neighbours, the doubles just
    either side of each midpoint and of the overflow threshold, and random
    doubles over the whole range (with their negatives)."""
    pts = []
    vals = table.values
    for a, b in zip(vals, vals[1:]):
        m = (a + b) / 2  # exact: one more bit than the dtype
        pts += [a, m, math.nextafter(m, -math.inf), math.nextafter(m, math.inf)]
    t = float(table.overflow)
    pts += [vals[-1], t, math.nextafter(t, 0), math.nextafter(t, math.inf), 1e300, 5e-324]
    top = math.log2(vals[-1])
    low = math.log2(vals[1]) - 2
    for _ in range(n_random):
        pts.append(2.0 ** rng.uniform(low, top + 1) * rng.uniform(1, 2))
    return pts + [-p for p in pts]


class RoundingTests(unittest.TestCase):
    def check_dtype(self, dtype):
        table = Table(dtype)
        pts = boundary_points(table, random.Random(dtype), 20000)
        got = core.round_half(dtype, np.array(pts)).tolist()
        bad = [(p, g, table.round(p)) for p, g in zip(pts, got)
               if not (g == table.round(p) and math.copysign(1, g) == math.copysign(1, table.round(p)))]
        self.assertEqual(bad[:5], [])
        self.assertGreater(len(pts), 4 * 60000)

    def test_float16_against_exact_rounding(self):
        self.check_dtype("float16")

    def test_bfloat16_against_exact_rounding(self):
        self.check_dtype("bfloat16")

    def test_scalar_rounding_matches_array_rounding(self):
        for dtype in core.HALF_DTYPES:
            pts = boundary_points(Table(dtype), random.Random(3), 2000)
            arr = core.round_half(dtype, np.array(pts)).tolist()
            sca = [core.round_half_scalar(dtype, p) for p in pts]
            self.assertEqual(sca, arr)

    def test_float16_against_numpy_conversion(self):
        table = Table("float16")
        pts = np.array(boundary_points(table, random.Random(7), 20000))
        with np.errstate(over="ignore"):
            theirs = pts.astype(np.float16).astype(np.float64)
        mine = core.round_half("float16", pts)
        self.assertTrue(np.array_equal(theirs, mine))

    def test_bfloat16_not_double_rounded_through_float32(self):
        # 1 + 2^-8 + 2^-40: float32 rounds it to 1 + 2^-8 (a bfloat16 tie,
        # which goes to even, 1); directly it is above the tie: 1 + 2^-7.
        x = 1.0 + 2.0 ** -8 + 2.0 ** -40
        self.assertEqual(float(core.round_half("bfloat16", x)), 1.0 + 2.0 ** -7)

    def test_special_values(self):
        for dtype in core.HALF_DTYPES:
            r = core.round_half(dtype, np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, -1e-300]))
            self.assertTrue(math.isnan(r[0]))
            self.assertEqual(r[1:3].tolist(), [math.inf, -math.inf])
            self.assertEqual([math.copysign(1, v) for v in r[3:]], [1, -1, -1])
            self.assertEqual(r[3:].tolist(), [0.0, 0.0, 0.0])

    def test_every_pattern_round_trips(self):
        for dtype in core.HALF_DTYPES:
            vals = all_values(dtype)
            back = core.round_half(dtype, vals)
            same = (back == vals) | (np.isnan(back) & np.isnan(vals))
            self.assertTrue(bool(same.all()), dtype)
            self.assertTrue(np.array_equal(np.signbit(back), np.signbit(vals)))


def reads_back(s, v, dtype, table):
    """The decimal s rounds (exactly, and through a double) to v."""
    exact = Fraction(Decimal(s))
    if exact != 0 and table.round(abs(float(s))) != abs(v):
        return False
    # Exactly: s lies within v's rounding interval (the exact rounding of the
    # decimal, not only of its nearest double, is v).
    i = bisect.bisect_left(table.values, abs(v))
    a = Fraction(abs(v))
    lo = (a + Fraction(table.values[i - 1])) / 2 if i else Fraction(0)
    hi = (a + Fraction(table.values[i + 1])) / 2 if i + 1 < len(table.values) else table.overflow
    e = abs(exact)
    even = table.bits[i] % 2 == 0
    inside = lo < e < hi or (even and e in (lo, hi)) or e == a
    return inside and float(core.round_half(dtype, float(s))) == v


class EncodingTests(unittest.TestCase):
    def check_dtype(self, dtype):
        table = Table(dtype)
        bad = []
        for v in all_values(dtype).tolist():
            if not math.isfinite(v):
                continue
            s = core.half_repr(v, dtype)
            if not reads_back(s, v, dtype, table):
                bad.append((v, s, "does not read back"))
                continue
            if v == 0:
                continue
            n = len(Decimal(s).as_tuple().digits)
            if n > 1:
                exact = Decimal(v)
                for rounding in (ROUND_FLOOR, ROUND_CEILING):
                    d = Context(prec=n - 1, rounding=rounding).create_decimal(exact)
                    if reads_back(str(d), v, dtype, table):
                        bad.append((v, s, f"shorter {d} reads back"))
        self.assertEqual(bad[:5], [])

    def test_float16_shortest_decimals(self):
        self.check_dtype("float16")

    def test_bfloat16_shortest_decimals(self):
        self.check_dtype("bfloat16")

    def test_json_numbers(self):
        t = core.encode_tensor(np.array([0.1, 65504.0, -0.0, 2.0 ** -24, np.inf]), "float16")
        self.assertEqual(core.dumps(t),
                         '{"dtype":"float16","shape":[5],"data":[0.1,6.55e+04,-0,6e-08,"inf"]}')


class DecodingTests(unittest.TestCase):
    def test_values_are_rounded_to_the_dtype(self):
        t = core.decode_tensor({"dtype": "bfloat16", "shape": [2], "data": [0.1, 3.14]})
        self.assertEqual(t.value.tolist(), [0.10009765625, 3.140625])
        self.assertTrue(t.is_float)

    def test_beyond_range_is_refused(self):
        for dtype, x in (("float16", 65520.0), ("float16", -1e5), ("bfloat16", 3.4e38)):
            with self.assertRaises(LossError) as cm:
                core.decode_tensor({"dtype": dtype, "shape": [1], "data": [x]}, "inputs.input")
            self.assertEqual(cm.exception.kind, "dtype_mismatch")
            self.assertIn("inputs.input", cm.exception.message)
            self.assertIn(dtype, cm.exception.message)

    def test_largest_finite_is_accepted(self):
        t = core.decode_tensor({"dtype": "float16", "shape": [1], "data": [65519.0]})
        self.assertEqual(t.value.tolist(), [65504.0])


if __name__ == "__main__":
    unittest.main()

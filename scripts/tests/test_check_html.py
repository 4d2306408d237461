"""scripts/check_html.py's comparison of a page's DOM with its reports
(without a browser: the DOM here is written by hand in the page's form)."""

import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import check_html  # noqa: E402

REPORT = """{"losses": [{"loss": "L1Loss", "cases": 3, "passed": 1,
  "failed": 1, "skipped": 1, "worst_ratio": 2.5}],
 "cases": [
  {"id": "a", "loss": "L1Loss", "dtype": "float32",
   "options": {"reduction": "mean"}, "tags": ["broadcast"],
   "status": "passed"},
  {"id": "b\\u0001", "loss": "L1Loss", "dtype": "float32",
   "options": {"reduction": "sum"}, "tags": [], "status": "failed"},
  {"id": "c", "loss": "L1Loss", "dtype": "float64", "options": {},
   "tags": [], "status": "skipped"}]}"""


def cell(kind, name, value, p, f, s):
    return ('<td class="cell x" data-report="0" data-kind="%s" '
            'data-name="%s" data-value="%s" data-passed="%d" '
            'data-failed="%d" data-skipped="%d">%d / %d / %d</td>'
            % (kind, name, value, p, f, s, p, f, s))


def page(passed=1, shown_failed=1, failing=("b\\u0001",), extra=""):
    total = ('<tr><td class="n total" data-loss="L1Loss" data-report="0" '
             'data-passed="%d" data-failed="1" data-skipped="1">'
             '<span data-count="passed">%d</span></td><td>'
             '<span data-count="failed">%d</span></td><td>'
             '<span data-count="skipped">1</span></td></tr>'
             % (passed, passed, shown_failed))
    cells = "".join([
        cell("dtype", "dtype", "float32", 1, 1, 0),
        cell("dtype", "dtype", "float64", 0, 0, 1),
        cell("option", "reduction", "mean", 1, 0, 0),
        cell("option", "reduction", "sum", 0, 1, 0),
        cell("option", "reduction", "(not given)", 0, 0, 1),
        cell("tag", "tag", "broadcast", 1, 0, 0)])
    fails = "".join('<details class="failing-case" data-report="0" '
                    'data-id="%s"></details>' % i for i in failing)
    return ('<html><body><table>%s</table><div class="card" '
            'data-loss="L1Loss"><table><tr>%s</tr></table></div>%s%s'
            '</body></html>' % (total, cells, fails, extra))


def verdict(html):
    report = json.loads(REPORT, parse_float=check_html.Num,
                        parse_int=check_html.Num)
    dom = check_html.Dom()
    dom.feed(html)
    try:
        check_html.check([report], dom)
    except check_html.Failure as e:
        return str(e)
    return None


class CheckHtmlTests(unittest.TestCase):
    def test_agreeing_page_passes(self):
        self.assertIsNone(verdict(page()))

    def test_wrong_count_attribute_is_named(self):
        self.assertIn("L1Loss", verdict(page(passed=2)))

    def test_wrong_visible_count_is_named(self):
        self.assertIn("shows", verdict(page(shown_failed=0)))

    def test_missing_failing_case_is_found(self):
        self.assertIn("0 failing cases", verdict(page(failing=())))

    def test_script_element_fails(self):
        self.assertIn("<script>", verdict(page(extra="<script></script>")))

    def test_value_labels(self):
        N = check_html.Num
        self.assertEqual(check_html.value_label(N("1e-06")), "1e-06")
        self.assertEqual(check_html.value_label("mean"), "mean")
        self.assertEqual(check_html.value_label("nan"), "nan")
        self.assertEqual(check_html.value_label("2"), '"2"')
        self.assertEqual(check_html.value_label("true"), '"true"')
        self.assertEqual(check_html.value_label(True), "true")
        self.assertEqual(check_html.value_label(None), "null")
        self.assertEqual(check_html.value_label(
            {"dtype": "float32", "shape": [3], "data": [1, 2, 3]}), "tensor")


if __name__ == "__main__":
    unittest.main()

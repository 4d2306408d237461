#!/usr/bin/env python3
"""Checks a LossCheck scoreboard page in a real browser against its reports.

    python3 scripts/check_html.py REPORT.json [REPORT.json ...] PAGE.html
        [--screenshot OUT.png] [--chromium PATH] [--timeout SECONDS]

Loads PAGE.html in headless Chromium (Debian's `chromium`), takes the DOM
the browser built, and checks it against the JSON reports (in the order of
the page's columns, docs/REPORT_SCHEMA.md):

- per loss and report, the `data-passed`/`data-failed`/`data-skipped`
  attributes and the numbers shown equal the report's `losses` row, and the
  page shows no loss the report lacks;
- per report, one `failing-case` element for each failed case, by id;
- every cell of the loss x option-value matrix counts the cases having that
  dtype, option value or tag;
- the DOM holds no <script> element (text from a report is escaped, so
  none can appear).

Exit status: 0 when the page agrees, 1 with a message naming the first
disagreement, 2 when Chromium is missing or fails, or an input cannot be
read. --screenshot also writes a PNG of the page (1400x1800 window).
Standard library only; Python 3.9 or later.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser

BROWSERS = ["chromium", "chromium-browser", "google-chrome"]
NOT_GIVEN = "(not given)"
NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


class Num(str):
    """A JSON number, kept as its text (as the page shows it)."""


class Failure(Exception):
    """A disagreement between the page and a report."""


def load_report(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Num, parse_int=Num)


# ---- the grouping rules of the page (docs/SCOREBOARD_PAGE.md) ----

def json_string(s):
    """A string as LossCheck's JSON writer quotes it."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def value_label(v):
    """The matrix row label of an option value."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Num):
        return str(v)
    if isinstance(v, str):
        bare = v.strip(" \t\n\r")
        if (v in ("true", "false", "null") or NUMBER.fullmatch(bare)
                or v.startswith("(") or v == ""):
            return json_string(v)
        return v
    if isinstance(v, dict):
        return "tensor" if "dtype" in v and "shape" in v else "object"
    return "array"


def visible(s):
    """Text as the page shows it: control characters other than newline
    and tab as \\uXXXX."""
    return "".join(
        "\\u%04X" % ord(ch)
        if (ord(ch) < 0x20 and ch not in "\n\t") or 0x7F <= ord(ch) <= 0x9F
        else ch for ch in s)


def case_keys(case, names):
    keys = [("dtype", "dtype", case["dtype"])]
    options = case.get("options") or {}
    for name in names:
        if name in options:
            keys.append(("option", name, value_label(options[name])))
        else:
            keys.append(("option", name, NOT_GIVEN))
    for tag in sorted(set(case.get("tags") or [])):
        keys.append(("tag", "tag", tag))
    return keys


def expected_matrix(reports):
    """{(loss, kind, name, value, report): (passed, failed, skipped)}."""
    names = {}
    for r in reports:
        for c in r["cases"]:
            names.setdefault(c["loss"], set()).update(c.get("options") or {})
    out = {}
    index = {"passed": 0, "failed": 1, "skipped": 2}
    for k, r in enumerate(reports):
        for c in r["cases"]:
            for kind, name, value in case_keys(c, names[c["loss"]]):
                key = (visible(c["loss"]), kind, visible(name),
                       visible(value), k)
                counts = list(out.get(key, (0, 0, 0)))
                counts[index[c["status"]]] += 1
                out[key] = tuple(counts)
    return out


# ---- the DOM ----

class Dom(HTMLParser):
    """Collects the page's machine-checkable markers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.totals = []      # dicts of attributes, plus "shown"
        self.failing = []     # attributes of failing-case elements
        self.cells = []       # matrix cells, with the card's loss
        self.scripts = 0
        self.card_loss = None
        self.total = None
        self.count_kind = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "tr":
            self.total = None
        if tag == "div" and "card" in classes:
            self.card_loss = a.get("data-loss")
        if tag == "td" and "data-loss" in a and "data-report" in a:
            self.total = dict(a, shown={})
            self.totals.append(self.total)
        if "data-count" in a and self.total is not None:
            self.count_kind = a["data-count"]
            self.total["shown"][self.count_kind] = ""
        if "failing-case" in classes:
            self.failing.append(a)
        if tag == "td" and "cell" in classes and "data-kind" in a:
            self.cells.append(dict(a, loss=self.card_loss))

    def handle_endtag(self, tag):
        if tag == "span":
            self.count_kind = None

    def handle_data(self, data):
        if self.count_kind is not None and self.total is not None:
            self.total["shown"][self.count_kind] += data


def counts_of(a):
    return tuple(int(a.get("data-" + k, "-1"))
                 for k in ("passed", "failed", "skipped"))


def check(reports, dom):
    """Raises Failure naming the first disagreement."""
    if dom.scripts:
        raise Failure("the DOM holds %d <script> element(s); the page "
                      "has none, so report text was not escaped"
                      % dom.scripts)
    for k, r in enumerate(reports):
        cells = {}
        for t in dom.totals:
            if t.get("data-report") == str(k) and "data-passed" in t:
                cells[t["data-loss"]] = t
        for row in r["losses"]:
            loss = visible(row["loss"])
            want = (int(row["passed"]), int(row["failed"]),
                    int(row["skipped"]))
            t = cells.pop(loss, None)
            if t is None:
                raise Failure("report %d: loss %s has no totals cell on the "
                              "page" % (k + 1, loss))
            if counts_of(t) != want:
                raise Failure(
                    "report %d: %s: page says passed/failed/skipped %s, "
                    "the report %s" % (k + 1, loss, counts_of(t), want))
            shown = tuple(int(t["shown"].get(n, "-1").strip() or -1)
                          for n in ("passed", "failed", "skipped"))
            if shown != want:
                raise Failure(
                    "report %d: %s: the page shows passed/failed/skipped "
                    "%s, the report %s" % (k + 1, loss, shown, want))
        if cells:
            raise Failure("report %d: the page has totals for %s, which "
                          "the report lacks" % (k + 1, sorted(cells)[0]))
        want_ids = sorted(visible(c["id"]) for c in r["cases"]
                          if c["status"] == "failed")
        got_ids = sorted(a.get("data-id", "") for a in dom.failing
                         if a.get("data-report") == str(k))
        if len(got_ids) != len(want_ids):
            raise Failure("report %d: %d failing cases on the page, %d in "
                          "the report" % (k + 1, len(got_ids), len(want_ids)))
        for g, w in zip(got_ids, want_ids):
            if g != w:
                raise Failure("report %d: failing case %r on the page, %r "
                              "in the report" % (k + 1, g, w))
    want = {key: v for key, v in expected_matrix(reports).items()
            if v != (0, 0, 0)}
    got = {}
    for a in dom.cells:
        key = (a["loss"], a["data-kind"], a.get("data-name"),
               a.get("data-value"), int(a.get("data-report", "-1")))
        if counts_of(a) != (0, 0, 0):
            got[key] = counts_of(a)
    for key in sorted(set(want) | set(got), key=repr):
        if want.get(key) != got.get(key):
            loss, _, name, value, k = key
            raise Failure(
                "report %d: matrix %s %s=%s: page says passed/failed/"
                "skipped %s, the report %s" % (
                    k + 1, loss, name, value, got.get(key, (0, 0, 0)),
                    want.get(key, (0, 0, 0))))


# ---- the browser ----

def find_browser(given):
    if given:
        return given if os.path.exists(given) or shutil.which(given) else None
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser, page, extra, timeout):
    """Runs headless Chromium on the page; returns its standard output."""
    with tempfile.TemporaryDirectory(prefix="losscheck-chromium-") as home:
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run",
               "--user-data-dir=" + home] + extra + [
               "file://" + os.path.abspath(page)]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=timeout,
                               env=dict(os.environ, HOME=home))
        except subprocess.TimeoutExpired:
            raise RuntimeError("%s did not finish within %d s"
                               % (browser, timeout))
        except OSError as e:
            raise RuntimeError("cannot run %s: %s" % (browser, e))
        if p.returncode != 0:
            tail = p.stderr.decode("utf-8", "replace")[-800:]
            raise RuntimeError("%s exited with status %d: %s"
                               % (browser, p.returncode, tail))
        return p.stdout.decode("utf-8", "replace")


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Check a LossCheck scoreboard page in headless "
        "Chromium against its JSON reports.")
    ap.add_argument("files", nargs="+", metavar="FILE",
                    help="the reports (JSON), in column order, then the page")
    ap.add_argument("--screenshot", metavar="OUT.png",
                    help="also write a screenshot of the page")
    ap.add_argument("--chromium", metavar="PATH",
                    help="the browser (default: chromium on PATH)")
    ap.add_argument("--timeout", type=int, default=60,
                    help="seconds allowed for each browser run (60)")
    args = ap.parse_args(argv)
    if len(args.files) < 2:
        ap.error("give at least one report and the page")
    *report_paths, page = args.files
    try:
        reports = [load_report(p) for p in report_paths]
        for p, r in zip(report_paths, reports):
            for key in ("losses", "cases"):
                if not isinstance(r.get(key), list):
                    raise ValueError("%s: no %r list" % (p, key))
        if not os.path.isfile(page):
            raise ValueError("%s: no such page" % page)
    except (OSError, ValueError) as e:
        print("check_html: %s" % e, file=sys.stderr)
        return 2
    browser = find_browser(args.chromium)
    if browser is None:
        print("check_html: chromium not found (install Debian's chromium "
              "or pass --chromium PATH)", file=sys.stderr)
        return 2
    try:
        dom_text = run_browser(browser, page, ["--dump-dom"], args.timeout)
        if "<html" not in dom_text:
            raise RuntimeError("%s dumped no document" % browser)
        if args.screenshot:
            out = os.path.abspath(args.screenshot)
            if os.path.exists(out):
                os.remove(out)
            run_browser(browser, page, [
                "--hide-scrollbars", "--window-size=1400,1800",
                "--screenshot=" + out], args.timeout)
            if not os.path.isfile(out):
                raise RuntimeError("%s wrote no screenshot" % browser)
    except RuntimeError as e:
        print("check_html: %s" % e, file=sys.stderr)
        return 2
    dom = Dom()
    dom.feed(dom_text)
    dom.close()
    try:
        check(reports, dom)
    except Failure as e:
        print("check_html: %s: %s" % (page, e), file=sys.stderr)
        return 1
    cases = sum(len(r["cases"]) for r in reports)
    print("check_html: %s agrees with %d report(s): %d losses, %d cases, "
          "%d failing cases, %d matrix cells" % (
              page, len(reports), len(dom.totals), cases, len(dom.failing),
              len(dom.cells)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

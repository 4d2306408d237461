#!/usr/bin/env python3
"""Writes the hand-shaped JSON reports under Tests/Fixtures/reports/.

They follow docs/REPORT_SCHEMA.md and feed the HTML scoreboard's tests
(Tests/LossCheckTests/Harness/HTMLReportTests.swift) and
scripts/check_html.py. The cases are real golden cases (ids, dtypes,
options) of four losses; the outcomes are invented but shaped like what real
backends produce: a mostly conforming backend with a few wrong values, an
outcome mismatch and a crash, and a partial backend that answers
`unsupported` for a loss and an option it lacks. A third, tiny report
carries hostile text (markup, quotes, control characters) in its id,
options and messages.

Deterministic: the same goldens give the same bytes, under numpy-free
standard-library Python (3.9+).

    python3 scripts/make_report_fixtures.py [--out DIR]
"""
import argparse
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOSSES = ["L1Loss", "SmoothL1Loss", "CrossEntropyLoss", "KLDivLoss"]
VERSION = "0.2.0"


def golden_digest(golden):
    """SHA-256 over spec.json, spec/*.json and *.jsonl, sorted by name."""
    names = ["spec.json"]
    names += ["spec/" + n for n in sorted(os.listdir(os.path.join(golden,
                                                                 "spec")))]
    names += sorted(n for n in os.listdir(golden) if n.endswith(".jsonl"))
    h = hashlib.sha256()
    for name in sorted(names):
        with open(os.path.join(golden, name), "rb") as f:
            h.update(name.encode() + b"\0" + f.read() + b"\0")
    return "sha256:" + h.hexdigest()


def tags_of(case):
    """A plausible tag set derived from the id (goldens predate tags)."""
    cid, opts = case["id"], case.get("options", {})
    tags = []
    if "broadcast" in cid:
        tags.append("broadcast")
    if "size_average" in opts or "reduce" in opts:
        tags.append("deprecated_args")
    if "empty" in cid:
        tags.append("empty")
    if "nan" in cid or "inf" in cid:
        tags.append("non_finite")
    return tags


def load_cases(golden):
    """Every third golden case of each loss, in file order."""
    out = []
    for loss in LOSSES:
        with open(os.path.join(golden, loss + ".jsonl")) as f:
            lines = [json.loads(l) for l in f if l.strip()]
        out += lines[::3]
    return out


def out_shape(case):
    """The expected output's shape, or [] when an error is expected."""
    exp = case["expected"]
    if "output" in exp:
        return exp["output"]["shape"]
    return []


def count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def index_of(flat, shape):
    idx = []
    for d in reversed(shape):
        idx.append(flat % d if d else 0)
        flat //= d if d else 1
    return list(reversed(idx))


def fields_for(case, bad, k):
    """Per-field diagnostics; `bad` elements of `output` out of tolerance."""
    shape = out_shape(case)
    n = count(shape)
    fields = []
    names = ["output"] + ["grad." + g for g in case.get("grad_wrt", [])]
    for name in names:
        ratio = round(0.001 + (k % 17) * 0.013, 4)
        f = {"field": name, "shape": shape, "compared": n,
             "out_of_tolerance": 0, "worst_ratio": ratio}
        if name == "output" and bad:
            bad = min(bad, n)
            elems = []
            for j in range(min(bad, 6)):
                exp = round(0.5 + 0.125 * j, 6)
                act = round(exp + 0.25 / (j + 1), 6)
                elems.append({
                    "index": index_of((j * 7 + k) % n, shape),
                    "expected": exp, "actual": act,
                    "abs_error": round(act - exp, 6),
                    "rel_error": round((act - exp) / exp, 6),
                    "ulps": int((act - exp) * 2 ** 23)})
            f["out_of_tolerance"] = bad
            f["worst_ratio"] = 12.5 * (k % 5 + 1)
            f["worst"] = elems[0]
            f["others"] = elems[1:]
            ratio = f["worst_ratio"]
        fields.append(f)
    return fields


def expected_outcome(case):
    err = case["expected"].get("error")
    if err:
        return {"kind": "error", "error_kind": err["kind"],
                "message": err.get("message", "")}
    return {"kind": "value"}


def judged(case, status, k, *, bad=0, actual=None, problems=None,
           seconds=0.0012):
    exp = expected_outcome(case)
    c = {"id": case["id"], "loss": case["loss"], "dtype": case["dtype"],
         "options": case.get("options", {}), "tags": tags_of(case),
         "status": status, "expected": exp}
    if status == "skipped":
        c["actual"] = actual
        c["worst_ratio"] = None
        c["fields"] = []
        c["problems"] = []
    elif actual is not None:
        c["actual"] = actual
        c["worst_ratio"] = None
        c["fields"] = []
        c["problems"] = problems or []
    elif exp["kind"] == "error":
        c["actual"] = dict(exp)
        c["worst_ratio"] = None
        c["fields"] = []
        c["problems"] = []
    else:
        c["actual"] = {"kind": "value"}
        c["fields"] = fields_for(case, bad, k)
        c["worst_ratio"] = max(f["worst_ratio"] for f in c["fields"])
        c["problems"] = []
        for f in c["fields"]:
            if f["out_of_tolerance"]:
                w = f["worst"]
                c["problems"].append(
                    "%s: %d/%d out of tolerance; worst %s expected %r got %r"
                    % (f["field"], f["out_of_tolerance"], f["compared"],
                       w["index"], w["expected"], w["actual"]))
    c["seconds"] = round(seconds + (k % 7) * 0.0003, 4)
    return c


def summary(case):
    shape = out_shape(case)
    grads = ", ".join("%s %s" % (g, json.dumps(shape))
                      for g in case.get("grad_wrt", []))
    return "output %s = 0.4; grads %s" % (json.dumps(shape), grads)


def numpy_outcomes(cases):
    """A mostly conforming backend: four wrong values, one outcome mismatch
    each way, one crash."""
    out = []
    for k, case in enumerate(cases):
        cid, loss = case["id"], case["loss"]
        is_err = "error" in case["expected"]
        if (loss == "CrossEntropyLoss" and case["dtype"] == "float32"
                and "label_smoothing=0.2" in cid and "weight=true" in cid
                and not is_err and sum(
                    1 for c in out if c["status"] == "failed") < 4):
            out.append(judged(case, "failed", k, bad=3))
        elif loss == "KLDivLoss" and is_err and not any(
                c["loss"] == "KLDivLoss" and c["status"] == "failed"
                for c in out):
            a = {"kind": "value", "summary": summary(case)}
            out.append(judged(case, "failed", k, actual=a, problems=[
                "expected error %s, got a value"
                % case["expected"]["error"]["kind"]]))
        elif loss == "SmoothL1Loss" and not is_err and "beta=0.0" in cid \
                and not any(c["loss"] == "SmoothL1Loss"
                            and c["status"] == "failed" for c in out):
            a = {"kind": "error", "error_kind": "backend_crashed",
                 "message": "the backend exited with status 139 (SIGSEGV); "
                 "standard error ends:\nTraceback (most recent call last):\n"
                 "  File \"numpy_backend.py\", line 212, in smooth_l1\n"
                 "    out[mask] = d[mask] ** 2 / (2 * beta)\n"
                 "ZeroDivisionError: float division by zero"}
            out.append(judged(case, "failed", k, actual=a, problems=[
                "expected a value, got backend_crashed"]))
        else:
            out.append(judged(case, "passed", k))
    return out


def partial_outcomes(cases):
    """A backend without SmoothL1Loss and label smoothing, float32-accurate
    in float64 KLDivLoss."""
    out = []
    for k, case in enumerate(cases):
        cid, loss = case["id"], case["loss"]
        opts = case.get("options", {})
        is_err = "error" in case["expected"]
        if loss == "SmoothL1Loss":
            out.append(judged(case, "skipped", k, actual={
                "kind": "unsupported", "reason": "no smooth_l1 in jaxloss"}))
        elif loss == "CrossEntropyLoss" and opts.get("label_smoothing", 0.0):
            out.append(judged(case, "skipped", k, actual={
                "kind": "unsupported",
                "reason": "label_smoothing is not supported"}))
        elif loss == "KLDivLoss" and case["dtype"] == "float64" \
                and not is_err and count(out_shape(case)) > 0:
            out.append(judged(case, "failed", k, bad=2 + k % 4))
        elif loss == "L1Loss" and is_err:
            a = {"kind": "error", "error_kind": "shape_mismatch",
                 "message": "ValueError: operands could not be broadcast "
                 "together with shapes (2,3) (3,2)"}
            if expected_outcome(case).get("error_kind") == "shape_mismatch":
                out.append(judged(case, "passed", k))
            else:
                out.append(judged(case, "failed", k, actual=a, problems=[
                    "expected error %s, got shape_mismatch"
                    % case["expected"]["error"]["kind"]]))
        else:
            out.append(judged(case, "passed", k))
    return out


def report(backend, cases, digest, selection, seconds):
    losses = []
    for loss in LOSSES:
        mine = [c for c in cases if c["loss"] == loss]
        ratios = [c["worst_ratio"] for c in mine
                  if c["worst_ratio"] is not None]
        losses.append({
            "loss": loss, "cases": len(mine),
            "passed": sum(c["status"] == "passed" for c in mine),
            "failed": sum(c["status"] == "failed" for c in mine),
            "skipped": sum(c["status"] == "skipped" for c in mine),
            "worst_ratio": max(ratios) if ratios else None})
    totals = {"cases": len(cases),
              "passed": sum(c["status"] == "passed" for c in cases),
              "failed": sum(c["status"] == "failed" for c in cases),
              "skipped": sum(c["status"] == "skipped" for c in cases),
              "problems": 0}
    return {"report_schema": "losscheck-report/1",
            "losscheck_version": VERSION, "backend": backend,
            "golden_digest": digest, "selection": selection,
            "interrupted": False, "seconds": seconds, "totals": totals,
            "losses": losses, "problems": [], "cases": cases}


def selection(loss=None, shard=None):
    return {"loss": loss or [], "dtype": [], "filter": [], "exclude": [],
            "tag": [], "exclude_tag": [], "select_file": None,
            "shard": shard, "errors": "kind", "strict": False, "jobs": 2}


HOSTILE = "<script>alert('x')</script> & \"q\" \u0001\u007f"


def hostile_report(digest):
    """Markup and control characters where a report carries text."""
    case = {"id": "L1Loss/float64/" + HOSTILE, "loss": "L1Loss",
            "dtype": "float64",
            "options": {"reduction": "<b>sum</b>", HOSTILE: True},
            "tags": ["<i>tag</i>"], "status": "failed",
            "expected": {"kind": "value"},
            "actual": {"kind": "error", "error_kind": "<img src=x>",
                       "message": "boom " + HOSTILE + "\n</pre></details>"},
            "worst_ratio": None, "fields": [],
            "problems": ["expected a value, got " + HOSTILE],
            "seconds": 0.001}
    passed = {"id": "L1Loss/float64/ok", "loss": "L1Loss",
              "dtype": "float64", "options": {"reduction": "sum"},
              "tags": [], "status": "passed",
              "expected": {"kind": "value"}, "actual": {"kind": "value"},
              "worst_ratio": 0.25, "fields": [], "problems": [],
              "seconds": 0.001}
    r = report("exec:./evil " + HOSTILE, [case, passed], digest,
               selection(loss=["L1Loss"]), 0.01)
    r["losses"] = [l for l in r["losses"] if l["loss"] == "L1Loss"]
    r["problems"] = [{"kind": "golden_file",
                      "message": "golden/x.jsonl:1: " + HOSTILE}]
    r["totals"]["problems"] = 1
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "Tests", "Fixtures",
                                                  "reports"))
    args = ap.parse_args()
    golden = os.path.join(ROOT, "golden")
    digest = golden_digest(golden)
    cases = load_cases(golden)
    docs = {
        "numpy.json": report(
            "exec:python3 scripts/backends/numpy_backend.py",
            numpy_outcomes(cases), digest, selection(loss=LOSSES), 4.75),
        "partial.json": report(
            "exec:python3 adapters/jaxloss_backend.py",
            partial_outcomes(cases), digest, selection(loss=LOSSES), 9.5),
        "hostile.json": hostile_report(digest),
    }
    os.makedirs(args.out, exist_ok=True)
    for name, doc in docs.items():
        with open(os.path.join(args.out, name), "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        t = doc["totals"]
        print("%s: %d cases, %d passed, %d failed, %d skipped"
              % (name, t["cases"], t["passed"], t["failed"], t["skipped"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

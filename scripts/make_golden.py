#!/usr/bin/env python3
"""Write golden/<Loss>.jsonl from the NumPy reference and the spec.

    python3 scripts/make_golden.py              # (re)write every golden file
    python3 scripts/make_golden.py --loss L1Loss
    python3 scripts/make_golden.py --check      # exit 1 if golden/ is stale

Each golden file holds one case of CASE_SCHEMA.md per line, expected values
and tags (docs/TAGS.md) included. The output is byte-for-byte reproducible under numpy 1.24 and 2.x
(see reference/core.py for how).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from reference import core, implemented  # noqa: E402
from reference import golden  # noqa: E402
from reference.cases import build  # noqa: E402


def render(loss):
    b = build(loss)
    return "".join(core.dumps(d.case) + "\n" for d in b.declared)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="compare with golden/ instead of writing; exit 1 when stale")
    ap.add_argument("--loss", action="append", help="only this loss (repeatable)")
    args = ap.parse_args(argv)
    losses = args.loss or implemented()
    stale = []
    total = 0
    for loss in losses:
        text = render(loss)
        total += text.count("\n")
        path = os.path.join(golden.GOLDEN_DIR, f"{loss}.jsonl")
        if args.check:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    old = f.read()
            except OSError:
                old = None
            if old != text:
                stale.append(path)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
    if args.check and not args.loss:
        known = {f"{n}.jsonl" for n in losses}
        for name in sorted(os.listdir(golden.GOLDEN_DIR)):
            if name.endswith(".jsonl") and name not in known:
                stale.append(os.path.join(golden.GOLDEN_DIR, name) + " (no loss writes it)")
    if args.check:
        if stale:
            for p in stale:
                print(f"stale: {os.path.relpath(p, golden.ROOT)}", file=sys.stderr)
            print(f"golden/ is stale: {len(stale)} file(s); run python3 scripts/make_golden.py", file=sys.stderr)
            return 1
        print(f"golden/ is up to date: {len(losses)} losses, {total} cases")
        return 0
    print(f"wrote {total} cases for {len(losses)} losses")
    return 0


if __name__ == "__main__":
    sys.exit(main())

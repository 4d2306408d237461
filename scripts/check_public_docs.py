#!/usr/bin/env python3
"""Fails when a public declaration of the LossCheck library has no doc comment.

Usage: scripts/check_public_docs.py [DIR ...]   (default: Sources/LossCheck)

A declaration counts as public when its line starts (after attributes) with
`public` or `open`. It is documented when the nearest line above it that is
not an attribute (`@inlinable`, `@discardableResult`, ...) ends a `///`
comment or a `/** */` block. Exit status 0 when every one is documented, 1
otherwise (each undocumented declaration is listed as FILE:LINE: text).
"""

from __future__ import annotations

import os
import re
import sys

DECL = re.compile(r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:public|open)\s")
ATTRIBUTE = re.compile(r"^@\w+(?:\([^)]*\))?$")


def undocumented(path: str) -> tuple[int, list[str]]:
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    total, missing = 0, []
    for i, line in enumerate(lines):
        text = line.strip()
        if not DECL.match(text) or text.startswith(("public import", "public typealias _")):
            continue
        total += 1
        j = i - 1
        while j >= 0 and ATTRIBUTE.match(lines[j].strip()):
            j -= 1
        above = lines[j].strip() if j >= 0 else ""
        if not (above.startswith("///") or above.endswith("*/")):
            missing.append(f"{path}:{i + 1}: {text[:100]}")
    return total, missing


def main(argv: list[str]) -> int:
    roots = argv[1:] or ["Sources/LossCheck"]
    total, missing = 0, []
    for root in roots:
        for dirpath, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                if name.endswith(".swift"):
                    t, m = undocumented(os.path.join(dirpath, name))
                    total += t
                    missing += m
    for m in missing:
        print(m)
    print(f"{total - len(missing)} of {total} public declarations documented")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

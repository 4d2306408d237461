#!/usr/bin/env bash
# Scaffold a throw-away loss with scripts/new_loss.py in a temporary copy of
# the repository (the work tree's files that git tracks or would track), and
# check that it is complete: its goldens generate and are byte-reproducible, the
# NumPy tests pass, the package builds, `losscheck run --loss NAME` passes
# every one of its goldens, and the loss-list test finds nothing missing.
# Exits non-zero on the first failure; the copy is removed either way.
#
#   scripts/ci_new_loss_check.sh [NAME]        (default ZZTestLoss)
#
# Resolved Swift dependencies (Package.resolved, .build/checkouts and
# .build/repositories) are copied when present, so no network is needed
# where a build has already run.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
name="${1:-ZZTestLoss}"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/losscheck-new-loss.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$SECONDS

step() { printf '== %s (%ds)\n' "$*" "$((SECONDS - start))"; }

step "copy the repository to $tmp"
cd "$root"
git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C "$tmp"
if [ -f Package.resolved ]; then cp Package.resolved "$tmp/"; fi
if [ -d .build/checkouts ] && [ -d .build/repositories ]; then
  mkdir -p "$tmp/.build"
  cp -a .build/checkouts .build/repositories "$tmp/.build/"
  if [ -f .build/workspace-state.json ]; then
    cp .build/workspace-state.json "$tmp/.build/"
  fi
fi
cd "$tmp"

step "scripts/new_loss.py $name"
python3 scripts/new_loss.py "$name"

step "goldens"
python3 scripts/make_golden.py --loss "$name"
# The new loss's goldens only: the others are checked by .ci/run itself.
python3 scripts/make_golden.py --check --loss "$name"
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import numpy' 2>/dev/null; then
  /usr/bin/python3 scripts/make_golden.py --check --loss "$name"
fi
python3 scripts/make_error_table.py >/dev/null

step "NumPy reference tests"
python3 -m unittest discover -s scripts/tests -p "test_${name}.py"
python3 -m unittest discover -s scripts/tests -p "test_loss_list.py"

step "swift build --product losscheck"
swift build --product losscheck 2>&1 | tail -3

step "losscheck run --loss $name"
out="$(swift run -q losscheck run --loss "$name")"
printf '%s\n' "$out" | tail -3
# A run that checks nothing must not pass: insist on a positive count.
if ! printf '%s\n' "$out" | grep -Eq '^[1-9][0-9]* passed, 0 failed'; then
  echo "ci_new_loss_check: losscheck run did not pass $name's goldens" >&2
  exit 1
fi

step "swift test --filter LossListTests|${name}Tests"
swift test --filter "LossListTests|${name}Tests" 2>&1 | tail -3

step "done: $name scaffolded, generated, built and checked"

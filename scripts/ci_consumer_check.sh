#!/usr/bin/env bash
# A package of its own, in a temporary folder, that depends on LossCheck
# exactly as README.md's "Using the reference losses as a library" says
# (only the URL is replaced by a file:// clone of this repository's HEAD,
# on the branch the README names), builds with the Python trait off, and
# whose own `swift test` calls two losses and runs the whole golden corpus
# from LossCheck's resource bundle through the Swift reference.
#
# It fails when the README line does not resolve, the consumer does not
# build or its tests fail, or its build log shows native code generation
# (-target-cpu) or CPython (python3-embed, libpython): a dependent package
# must get neither. pkg-config is pointed at an empty folder, so that a
# build needing python3-embed cannot find it.
#
# Usage: scripts/ci_consumer_check.sh   (from anywhere in the repository)
set -euo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
here="$repo/scripts/consumer"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/losscheck-consumer.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

fail() { echo "ci_consumer_check: $*" >&2; exit 1; }

# The README's dependency line: the first `.package(url: ...)` line.
line=$(grep -m1 -E '^\.package\(url: "[^"]+"' "$repo/README.md") ||
  fail "README.md has no .package(url: ...) line"
url=$(sed -E 's/^\.package\(url: "([^"]+)".*/\1/' <<<"$line")
branch=$(sed -nE 's/.*branch: "([^"]+)".*/\1/p' <<<"$line")
[ -n "$branch" ] ||
  fail "the README line names no branch: (the clone needs one): $line"
echo "README: $line"

# A clone of HEAD (committed work only) on the README's branch.
git clone -q --no-checkout "$repo" "$tmp/LossCheck"
git -C "$tmp/LossCheck" checkout -q -B "$branch" "$(git -C "$repo" rev-parse HEAD)"
dep=${line/"\"$url\""/"\"file://$tmp/LossCheck\""}
[ "$dep" != "$line" ] || fail "could not replace the URL in: $line"

pkg="$tmp/Consumer"
mkdir -p "$pkg/Sources/Consumer" "$pkg/Tests/ConsumerTests"
cp "$here/Losses.swift" "$pkg/Sources/Consumer/"
cp "$here/ConsumerTests.swift" "$pkg/Tests/ConsumerTests/"
cat >"$pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription

let package = Package(
  name: "Consumer",
  dependencies: [
    $dep
  ],
  targets: [
    .target(
      name: "Consumer",
      dependencies: [.product(name: "LossCheck", package: "LossCheck")]),
    .testTarget(
      name: "ConsumerTests",
      dependencies: [
        "Consumer",
        .product(name: "LossCheckHarness", package: "LossCheck"),
      ]),
  ]
)
SWIFT

mkdir -p "$tmp/pkgconfig-empty"
run() {
  env -u LOSSCHECK_NATIVE PKG_CONFIG_PATH="$tmp/pkgconfig-empty" \
    PKG_CONFIG_LIBDIR=/nonexistent "$@"
}
start=$(date +%s)
( cd "$pkg" && run swift build -v --build-tests ) >"$tmp/build.log" 2>&1 || {
  tail -40 "$tmp/build.log" >&2
  fail "the consumer package does not build (log above)"
}
# The log must show the compiler's command lines, or the checks below
# would pass on a log that says nothing.
grep -q -- '-module-name LossCheck ' "$tmp/build.log" ||
  fail "the build log shows no compile command of the LossCheck module"
if grep -n -- '-target-cpu' "$tmp/build.log" | head -3 >&2; then
  fail "the consumer's build uses -target-cpu (native code generation)"
fi
if grep -n -i -E 'python3-embed|libpython|CPython' "$tmp/build.log" |
  head -3 >&2; then
  fail "the consumer's build involves CPython"
fi
( cd "$pkg" && run swift test ) >"$tmp/test.log" 2>&1 || {
  tail -40 "$tmp/test.log" >&2
  fail "the consumer's swift test failed (log above)"
}
grep -E '^consumer: ' "$tmp/test.log" || fail "the golden test did not run"
grep -E 'Test run with .* passed' "$tmp/test.log" ||
  fail "no passing swift-testing summary"
echo "ci_consumer_check: ok ($(($(date +%s) - start)) s build and test)"

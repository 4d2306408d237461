#!/usr/bin/env bash
# Builds .build-fuzz/losscheck-fuzz: the eval path and golden loader under
# libFuzzer with AddressSanitizer (docs/FUZZING.md).
#
# SwiftPM links every executable with `--defsym main=<module>_main`, which
# clashes with libFuzzer's own main, so this compiles with SwiftPM and then
# links the same objects again with swiftc, without that renaming.
set -euo pipefail
cd "$(dirname "$0")/.."
flags=(-c release --product losscheck-fuzz --scratch-path .build-fuzz
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DLOSSCHECK_LIBFUZZER)
swift build "${flags[@]}" >/tmp/losscheck-fuzz-build.log 2>&1 || true
# SwiftPM 6.3 can fail here with "unknown build description" when a stale
# cached description is left in the folder: remove it and build once more.
if grep -q "unknown build description" /tmp/losscheck-fuzz-build.log; then
  rm -f .build-fuzz/build.db .build-fuzz/*/release/description.json
  swift build "${flags[@]}" >/tmp/losscheck-fuzz-build.log 2>&1 || true
fi
bin=$(swift build "${flags[@]}" --show-bin-path)
list="$bin/losscheck-fuzz.product/Objects.LinkFileList"
if [ ! -f "$list" ]; then
  cat /tmp/losscheck-fuzz-build.log >&2
  exit 1
fi
swiftc -o .build-fuzz/losscheck-fuzz -emit-executable "@$list" -L "$bin" -lm \
  -sanitize=fuzzer,address -use-ld=lld
echo "built .build-fuzz/losscheck-fuzz"

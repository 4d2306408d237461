#!/bin/sh
# The commands that produced docs/SCOREBOARD.md: JAX/optax and Apple MLX
# (Linux CPU build) run over every golden case through their exec adapters.
#
#   sh scripts/backends/scoreboard.sh [OUTDIR]
#
# Needs network access to PyPI the first time (two venvs, about 400 MB;
# never used in CI). Writes OUTDIR/{jax,mlx}.{txt,json} (default
# /tmp/scoreboard), and OUTDIR/{jax,mlx}.losscheck.{txt,json} when
# losscheck is built, and prints the library versions. The judging is
# scripts/backends/scoreboard_driver.py (the Swift judge's rule, with
# `unsupported` answers counted as skipped).
set -eu
cd "$(dirname "$0")/../.."
out=${1:-/tmp/scoreboard}
mkdir -p "$out"

[ -x /root/jaxvenv/bin/python ] || {
  python3 -m venv /root/jaxvenv
  /root/jaxvenv/bin/pip install -q jax optax numpy
}
[ -x /root/mlxvenv/bin/python ] || {
  python3 -m venv /root/mlxvenv
  /root/mlxvenv/bin/pip install -q mlx mlx-cpu numpy
}
/root/jaxvenv/bin/pip list 2>/dev/null | grep -Ei '^(jax|jaxlib|optax|numpy) '
/root/mlxvenv/bin/pip list 2>/dev/null | grep -Ei '^(mlx|mlx-cpu|numpy) '

for lib in jax mlx; do
  python3 scripts/backends/scoreboard_driver.py \
    --backend "/root/${lib}venv/bin/python scripts/backends/${lib}_backend.py" \
    --json "$out/$lib.json" | tee "$out/$lib.txt"
done

# The same runs judged by LossCheck itself (skips need the harness's
# `unsupported` support): swift build -c release --product losscheck
if [ -x .build/release/losscheck ]; then
  for lib in jax mlx; do
    adapter="/root/${lib}venv/bin/python scripts/backends/${lib}_backend.py"
    .build/release/losscheck run --quiet --timeout 300 --jobs 2 \
      --backend "exec:$adapter" \
      --json "$out/$lib.losscheck.json" > "$out/$lib.losscheck.txt" || true
    tail -1 "$out/$lib.losscheck.txt"
  done
fi

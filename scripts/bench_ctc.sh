#!/bin/sh
# The CTCLoss row of BENCHMARK.md: the Swift reference (release build) and
# PyTorch CPU with one thread, run side by side, alternating, in one run.
#     scripts/bench_ctc.sh [TORCHPY] [ROUNDS]
# TORCHPY: a python with torch (default /root/torchvenv/bin/python).
set -e
cd "$(dirname "$0")/.."
TORCHPY=${1:-/root/torchvenv/bin/python}
ROUNDS=${2:-3}
swift build -c release --product ctc-bench >/dev/null
BIN=$(swift build -c release --show-bin-path)/ctc-bench
i=0
while [ $i -lt "$ROUNDS" ]; do
  printf 'swift:   '; "$BIN" 15 2>/dev/null
  printf 'pytorch: '; "$TORCHPY" - <<'PY'
import statistics, time
import torch, torch.nn.functional as F
torch.set_num_threads(1)
g = torch.Generator().manual_seed(0)
T, N, C, S = 200, 32, 40, 50
lp = torch.empty(T, N, C).uniform_(-2, 2, generator=g).log_softmax(2)
tg = torch.randint(1, C, (N, S), generator=g)
il = torch.full((N,), T, dtype=torch.long)
tl = torch.randint(30, 51, (N,), generator=g)
def once():
    x = lp.clone().requires_grad_(True)
    F.ctc_loss(x, tg, il, tl).backward()
for _ in range(3):
    once()
ts = []
for _ in range(15):
    t0 = time.perf_counter(); once(); ts.append(time.perf_counter() - t0)
print('{"CTCLoss": %r}' % statistics.median(ts))
PY
  i=$((i + 1))
done

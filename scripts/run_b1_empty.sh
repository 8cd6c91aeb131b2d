#!/usr/bin/env bash
# B1 as M1 left it: a fresh reader (every gate 0 - an adapter never trained) reading each
# item's episode on scenarios A-E (n = 8, seed 7), paired item by item with B0 for latency
# overhead and prediction equality -> reports/m1-episodic-adapter/. Memory is read and gated
# out, so every prediction must equal B0 without context.
set -euo pipefail
cd "$(dirname "$0")/.."
for scenario in A B C D E; do
  uv run harness --mode B1 --scenario "$scenario" -n 8 --seed 7 --split test --forms train --adapter none --batch-size 8 \
    --outdir reports/m1-episodic-adapter "$@"
done

#!/usr/bin/env bash
# B1 with empty memory on scenarios A-E (n = 8, seed 7), each paired item by item
# with B0 for latency overhead and prediction equality -> reports/m1-episodic-adapter/.
set -euo pipefail
cd "$(dirname "$0")/.."
for scenario in A B C D E; do
  uv run harness --mode B1 --scenario "$scenario" -n 8 --seed 7 --outdir reports/m1-episodic-adapter "$@"
done

#!/usr/bin/env bash
# B0 on scenarios A-E (n = 64, seed 7, test vocabulary, training's question forms) with the
# offline default model -> reports/baseline/.
# Scenario E also runs the long-context baseline beside B0.
set -euo pipefail
cd "$(dirname "$0")/.."
for scenario in A B C D E; do
  extra=()
  [ "$scenario" = E ] && extra=(--baseline long-context)
  uv run harness --mode B0 --scenario "$scenario" -n 64 --seed 7 --split test --forms train --batch-size 16 \
    --outdir reports/baseline "${extra[@]}" "$@"
done

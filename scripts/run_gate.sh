#!/usr/bin/env bash
# The write gate's committed report (issue 23): a test-vocabulary stream of N facts
# amid routine text (positives under 1% of candidates), calibration fitted on a
# training stream (train vocabulary, seed + 1), live B1 with the shipped reader for
# the gate and for write-all, random, surprise-only and novelty-only writes.
#
#   N=20 ROUTINE=79 OUT=reports/m3-gate bash scripts/run_gate.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}
ROUTINE=${ROUTINE:-79}
OUT=${OUT:-reports/m3-gate}
uv run harness --mode B1 --memory gated -n "$N" --seed 7 --split test --stream-routine "$ROUTINE" \
  --gate-rate 5 --recall-k 4 --batch-size 16 --max-new-tokens 16 --quiet --outdir "$OUT"
uv run python scripts/plot_gate.py "$OUT/A_B1_metrics.json"

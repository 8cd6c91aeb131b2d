#!/usr/bin/env bash
# Retention over replay cycles (issue 24): scenario A episodes arrive in CYCLES batches of
# N (seeds SEED, SEED+1, ...); each cycle trains the last cycle's LoRA on the new episodes
# plus as many replayed old ones (harness consolidate --cycles). After every cycle the
# FIRST cycle's episodes are asked closed book (B3, the scenario's own question wording,
# never a training row); scripts/plot_retention.py draws the forgetting curve.
#
#   N=20 CYCLES=6 OUT=reports/m4-consolidation/retention bash scripts/run_retention.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20}
CYCLES=${CYCLES:-6}
SEED=${SEED:-7}
OUT=${OUT:-reports/m4-consolidation/retention}
EXTRA=${EXTRA:-}
uv run harness consolidate --scenario A -n "$N" --seed "$SEED" --cycles "$CYCLES" --out "$OUT/lora" \
  --quiet $EXTRA
for cycle in $(seq 1 "$CYCLES"); do
  uv run harness --mode B3 --scenario A -n "$N" --seed "$SEED" --split dev --batch-size 16 \
    --max-new-tokens 16 --quiet --lora "$OUT/lora/cycle-$cycle" --outdir "$OUT/first-after-$cycle"
done
uv run python scripts/plot_retention.py "$OUT"

#!/usr/bin/env bash
# Scheduler vs shuffled replay order (issue 24): for each seed, the same scenario A
# episodes are consolidated twice - in the scheduler's order and in a seeded shuffle
# (the control) - and asked closed book (B3, the scenario's own wording, never a
# training row). scripts/compare_schedule.py pools the paired differences over seeds.
#
#   N=8 EPOCHS=10 SEEDS="7 8 9" OUT=reports/m4-consolidation/schedule bash scripts/run_schedule.sh
#   ORDERS=shuffled ...   one order only (two processes can share the seeds)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-8}
EPOCHS=${EPOCHS:-10}
SEEDS=${SEEDS:-7 8 9}
ORDERS=${ORDERS:-priority shuffled}
OUT=${OUT:-reports/m4-consolidation/schedule}
EXTRA=${EXTRA:-}
for seed in $SEEDS; do
  for order in $ORDERS; do
    run="$OUT/seed-$seed/$order"
    [ -f "$run/A_B3_metrics.json" ] && continue  # finished: a rerun continues the rest
    resume=()
    [ -f "$run/lora/checkpoint.pt" ] && resume=(--resume)  # a killed run goes on
    [ -f "$run/lora/adapter_model.safetensors" ] ||
      uv run harness consolidate --scenario A -n "$N" --seed "$seed" --epochs "$EPOCHS" \
        --order "$order" --out "$run/lora" --quiet "${resume[@]}" $EXTRA
    uv run harness --mode B3 --scenario A -n "$N" --seed "$seed" --split dev --batch-size 16 \
      --max-new-tokens 16 --quiet --lora "$run/lora" --outdir "$run"
  done
done
uv run python scripts/compare_schedule.py "$OUT"

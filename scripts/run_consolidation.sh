#!/usr/bin/env bash
# The CPU consolidation recipe and its reports (issue 24): a scenario's episodes
# (dev vocabulary; A unless SCENARIO says) consolidated into a LoRA, then asked closed
# book (B3), with memory (B2), about episodes never consolidated, and the drift panel
# on SQuAD.
#
#   N=100 OUT=reports/m4-consolidation bash scripts/run_consolidation.sh
#   N=20 EXTRA="--epochs 10 --kl-weight 0" OUT=... bash ...   an ablation of the 20 x 10 recipe
#   SCENARIO=B STEPS="consolidate b3 b2" ...   some steps only (of: consolidate b3 b2 unseen squad)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
SQUAD_N=${SQUAD_N:-100}  # the drift panel's SQuAD passages, whatever N is
UNSEEN_N=${UNSEEN_N:-100}  # never-consolidated episodes asked, whatever N is
SEED=${SEED:-7}
SCENARIO=${SCENARIO:-A}
STEPS=" ${STEPS:-consolidate b3 b2 unseen squad} "
OUT=${OUT:-reports/m4-consolidation}
EXTRA=${EXTRA:-}
LORA="$OUT/lora"
run() { [[ "$STEPS" == *" $1 "* ]]; }
common=(-n "$N" --seed "$SEED" --split dev --batch-size 16 --max-new-tokens 16 --quiet)

if run consolidate; then
  rm -rf "$OUT/store" "$LORA"
  uv run harness consolidate --scenario "$SCENARIO" -n "$N" --seed "$SEED" --store "$OUT/store" \
    --out "$LORA" $EXTRA
  rm -rf "$OUT/store"  # rebuilt from the seed in a second; not committed
fi
run b3 && uv run harness --mode B3 --scenario "$SCENARIO" "${common[@]}" --lora "$LORA" \
  --outdir "$OUT/$SCENARIO-B3"
run b2 && uv run harness --mode B2 --scenario "$SCENARIO" "${common[@]}" --lora "$LORA" \
  --outdir "$OUT/$SCENARIO-B2"
# Episodes never consolidated (another seed): does the LoRA invent knowledge?
run unseen && uv run harness --mode B3 --scenario "$SCENARIO" -n "$UNSEEN_N" --seed $((SEED + 1)) --split dev \
  --batch-size 16 --max-new-tokens 16 --quiet --lora "$LORA" --outdir "$OUT/$SCENARIO-B3-unseen"
# Drift: SQuAD dev passages the LoRA never saw - in-prompt reading and perplexity.
run squad && uv run harness --mode B3 --scenario squad -n "$SQUAD_N" --seed "$SEED" --split dev \
  --batch-size 8 --max-new-tokens 24 --quiet --lora "$LORA" --outdir "$OUT/squad-B3"
echo "done: $OUT"

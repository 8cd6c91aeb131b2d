#!/usr/bin/env bash
# Scenario A end to end through the episodic store, and beside the long-context baseline
# (test split, seed 7, training's question forms: the settings of the committed reports).
#   store-10k-recall-4/ and store-10k-recall-1/: every episode of the run plus 10,000 filler
#     episodes in the store, the top 4 (or top 1) recalls packed in rank order;
#   long-context/: the whole run's episodes in the prompt, newest 2,048 tokens (N_LONG items,
#     default 100: each prompt is ~2k tokens on a CPU).
# N items per store run (default 500); extra arguments go to every harness call.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-500}
common=(--mode B1 -n "$n" --seed 7 --split test --forms train --batch-size 32 --max-new-tokens 16 --quiet)
for k in 4 1; do
  uv run harness "${common[@]}" --scenario A --memory store --store-size 10000 --recall-k "$k" \
    --outdir "reports/m2-memory/store-10k-recall-$k" "$@"
done
long=(--mode B1 -n "${N_LONG:-100}" --seed 7 --split test --forms train --batch-size 16 --max-new-tokens 16 --quiet)
uv run harness "${long[@]}" --scenario A --baseline long-context --outdir reports/m2-memory/long-context "$@"

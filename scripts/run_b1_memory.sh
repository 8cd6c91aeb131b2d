#!/usr/bin/env bash
# B1 with the shipped reader on the held-out vocabulary (seed 7), memory only, beside the
# no-memory floor and the episode-in-prompt reference -> reports/m2-memory/.
#   scenarios A-E with the item's own episode in memory (oracle);
#   scenario A with three hard negatives in memory;
#   scenario A end to end through the episodic store (10k filler episodes, top 4 recalls packed);
#   scenario A beside the long-context baseline (the whole run's episodes in the prompt,
#   newest 2,048 tokens; N_LONG items, default 100: each prompt is ~2k tokens on a CPU).
# N items per run (default 500); extra arguments go to every harness call.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-500}
common=(--mode B1 -n "$n" --seed 7 --batch-size 32 --max-new-tokens 16 --quiet)
for scenario in A B C D E; do
  uv run harness "${common[@]}" --scenario "$scenario" --outdir reports/m2-memory "$@"
done
uv run harness "${common[@]}" --scenario A --negatives 3 --outdir reports/m2-memory/hard-negatives-3 "$@"
uv run harness "${common[@]}" --scenario A --memory store --store-size 10000 --recall-k 4 --outdir reports/m2-memory/store-10k-recall-4 "$@"
long=(--mode B1 -n "${N_LONG:-100}" --seed 7 --batch-size 16 --max-new-tokens 16 --quiet)
uv run harness "${long[@]}" --scenario A --baseline long-context --outdir reports/m2-memory/long-context "$@"

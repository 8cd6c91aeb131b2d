#!/usr/bin/env bash
# SQuAD end to end from the store (issue 21): every passage of the dev half in an
# episodic store (MiniLM keys), each question recalls its top K; the shipped reader
# answers from that memory, and RAG pastes the very same recalled passages into the
# prompt. Beside them: the floor, the oracle passage in the prompt (reference) and
# the rule parser. The report's memory_vs_rag holds F1, prompt tokens and latency.
#
#   N=200 K=1 OUT=reports/squad/store-recall-1 bash scripts/run_squad_store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200}
K=${K:-1}
OUT=${OUT:-reports/squad/store-recall-$K}
uv run harness --mode B1 --scenario squad --memory store --store-embedder minilm --recall-k "$K" \
  --baseline rag -n "$N" --seed 7 --split dev --batch-size 8 --max-new-tokens 24 --quiet --outdir "$OUT"

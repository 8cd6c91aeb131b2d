#!/usr/bin/env bash
# The committed B1 release figures: the shipped reader on the TEST split (seed 7; every run is
# logged in reports/TEST_LOG.md), memory only, beside the no-memory floor, the episode-in-prompt
# reference and the rule parser reading the same memory -> reports/m2-memory/.
#
#   A-E in held-out question forms, memory holding what a perfect store would recall
#     (B: the original fact and its update; D: the target among near-collisions;
#     E: four parts of the transcript)                               reports/m2-memory/
#   A in training's question forms (the forms split's other half)    train-forms/
#   A with slot values in held-out formats (each format in turn)     values-heldout/
#   A with the episode as a plain sentence / inside a paragraph      render-sentence/, render-paragraph/
#   A with extra fields (with, why) asked for                        fields-extra/
#   A with three hard negatives in memory                            hard-negatives-3/
#   SQuAD v1.1 dev's test half, the passage only in memory (24 tokens) squad/
#     (fetch the data once first: uv run python -m hei_nw.datasets.fetch)
#
# Run it from a clean checkout: each report records the commit and whether it was dirty.
# N items per run (default 500); ONLY=name runs one of the rows above (default: all);
# extra arguments go to every harness call.
# The store runs (store-10k-recall-1/4) and the long-context run are made by
# scripts/run_b1_store.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-500}
only=${ONLY:-all}
common=(--mode B1 -n "$n" --seed 7 --split test --batch-size 32 --max-new-tokens 16 --quiet)
out=reports/m2-memory

run() {  # name, harness arguments...
  local name=$1
  shift
  if [ "$only" = all ] || [ "$only" = "$name" ]; then
    echo "=== $name: harness ${common[*]} $*" >&2
    uv run harness "${common[@]}" "$@"
  fi
}

for scenario in A B C D E; do
  run "$scenario" --scenario "$scenario" --forms heldout --outdir "$out" "$@"
done
run train-forms --scenario A --forms train --outdir "$out/train-forms" "$@"
run values-heldout --scenario A --forms train --values heldout --outdir "$out/values-heldout" "$@"
run render-sentence --scenario A --forms train --render sentence --outdir "$out/render-sentence" "$@"
run render-paragraph --scenario A --forms train --render paragraph --outdir "$out/render-paragraph" "$@"
run fields-extra --scenario A --forms train --fields extra --outdir "$out/fields-extra" "$@"
run hard-negatives-3 --scenario A --forms heldout --negatives 3 --outdir "$out/hard-negatives-3" "$@"
run squad --scenario squad --max-new-tokens 24 --outdir "$out/squad" "$@"

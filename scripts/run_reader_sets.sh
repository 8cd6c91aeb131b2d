#!/usr/bin/env bash
# One reader over every template set of "Benchmarks that can fail" (issue 21's goal: the
# default reader keeps its template figures while it learns real text): A-E in held-out
# question forms, then scenario A in training forms with held-out value formats, plain
# sentences, paragraphs and extra fields. Each report holds the floor, the reference
# (episode in the prompt) and the rule parser beside the reader.
#
#   READER=path/to/reader SPLIT=dev N=100 OUT=reports/squad/readers/mixed-dev bash scripts/run_reader_sets.sh
#   SETS="A B" ...   only these sets (A B C D E values sentence paragraph fields)
set -euo pipefail
cd "$(dirname "$0")/.."
READER=${READER:-default}
SPLIT=${SPLIT:-dev}
N=${N:-100}
OUT=${OUT:?name the output folder}
SETS=${SETS:-"A B C D E values sentence paragraph fields"}
common=(--mode B1 -n "$N" --seed 7 --split "$SPLIT" --batch-size 32 --max-new-tokens 16 --quiet
  --adapter "$READER")
for set in $SETS; do
  case $set in
    A | B | C | D | E) extra=(--scenario "$set" --forms heldout) ;;
    values) extra=(--scenario A --forms train --values heldout) ;;
    sentence | paragraph) extra=(--scenario A --forms train --render "$set") ;;
    fields) extra=(--scenario A --forms train --fields extra) ;;
    *) echo "unknown set $set" >&2 && exit 2 ;;
  esac
  uv run harness "${common[@]}" "${extra[@]}" --outdir "$OUT/$set"
done
echo "done: $OUT"

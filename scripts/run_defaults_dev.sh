#!/usr/bin/env bash
# The API's measured defaults, re-derived on the dev split (issue: a shipped default was
# chosen on the test split). Scenario A end to end through the store, held-out question
# forms, 10,000 filler episodes, the top k recalls packed for k in $KS (default 1 2 4):
# reports/defaults-dev/store-10k-recall-<k>/. hei_nw.api.defaults names the winner.
#   N=200 bash scripts/run_defaults_dev.sh            # about 10 minutes a k on the 2-core CPU
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-200}
common=(--mode B1 -n "$n" --seed 7 --split dev --batch-size 32 --max-new-tokens 16 --quiet)
for k in ${KS:-1 2 4}; do
  uv run harness "${common[@]}" --scenario A --memory store --store-size 10000 --recall-k "$k" \
    --outdir "reports/defaults-dev/store-10k-recall-$k" "$@"
done

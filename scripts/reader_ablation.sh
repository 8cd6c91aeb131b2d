#!/usr/bin/env bash
# Reader recipes side by side: train each, pick one on a steering set, evaluate only the pick.
#
#   R0-baseline     the shipped recipe (preset smollm2, 450 steps), cue match off
#   R1-cue-match    the same with the copy head's cue match on
#   R2-cue-match-2x cue match on, twice the steps
#
# Steering set: the dev vocabulary (never the test one), seed 1007, held-out question forms,
# N_STEER items of A, B, C, D, E and of A with three hard negatives in memory. The pick is
# the highest mean B1 EM over those six runs (ties: the earlier, simpler recipe). That rule
# was fixed before any of these readers existed. Only the pick is then evaluated on the test
# split at N_TEST items, seed 7 (each run logged in reports/TEST_LOG.md).
# (The committed ablation, reports/m2-memory/ablation/, steered on the test vocabulary with
# seed 1007 and training's forms, before the dev split existed.)
#
# Runs anywhere; fast on a GPU (DEVICE=cuda; fp32 throughout, like the CPU):
#   DEVICE=cpu STEPS=4 N_STEER=4 N_TEST=4 bash scripts/reader_ablation.sh   # dry run
# HARNESS and PYTHON name the commands (default: uv run harness, uv run python); results go
# to $ABLATION_OUT (default runs/ablation).
set -euo pipefail
cd "$(dirname "$0")/.."
harness=(${HARNESS:-uv run harness})
python=(${PYTHON:-uv run python})
device=${DEVICE:-cuda}
out=${ABLATION_OUT:-runs/ablation}
steps=${STEPS:-450}
n_steer=${N_STEER:-200}
n_test=${N_TEST:-500}
jobs=${JOBS:-6}  # harness processes at once (a GPU has room; on a 2-core CPU use 1)
eval_n=(${EVAL_N:+--eval-n "$EVAL_N"})
mkdir -p "$out"

throttle() {  # wait until fewer than $jobs background jobs run
  while (($(jobs -rp | wc -l) >= jobs)); do sleep 1; done
}

train() {  # skipped when the reader is already saved (a rerun continues)
  local name=$1
  shift
  [[ -f "$out/$name/training_record.json" ]] && return 0
  "${harness[@]}" train --preset smollm2 --out "$out/$name" --device "$device" \
    --mixed-precision no --quiet "${eval_n[@]}" "$@" >"$out/$name.train.log" 2>&1
  echo "trained $name: $(tail -n 1 "$out/$name/train_log.jsonl" | cut -c1-120)"
}

evaluate() {  # reader, outdir, n, seed, split, scenario, extra harness arguments... (skipped if done)
  local reader=$1 dir=$2 n=$3 seed=$4 split=$5 scenario=$6
  shift 6
  [[ -f "$dir/${scenario}_B1_metrics.json" ]] && return 0
  "${harness[@]}" --mode B1 --scenario "$scenario" -n "$n" --seed "$seed" --split "$split" --forms heldout --batch-size 32 \
    --max-new-tokens 16 --device "$device" --dtype float32 --adapter "$reader" --quiet \
    --outdir "$dir" "$@" >"$dir/$scenario.log" 2>&1 || echo "failed: $dir $scenario $*"
}

suite() {  # reader, outdir, n, seed, split: A-E, then A with three hard negatives, in parallel
  local reader=$1 dir=$2 n=$3 seed=$4 split=$5
  mkdir -p "$dir" "$dir/hard-negatives-3"
  for scenario in A B C D E; do
    evaluate "$reader" "$dir" "$n" "$seed" "$split" "$scenario" &
    throttle
  done
  evaluate "$reader" "$dir/hard-negatives-3" "$n" "$seed" "$split" A --negatives 3 &
  throttle
}

recipes=(R0-baseline R1-cue-match R2-cue-match-2x)
# Convert the default model once before parallel runs share its cache.
"${python[@]}" -c "from hei_nw.models import load_model; load_model(device='cpu')" >/dev/null 2>&1
train R0-baseline --cue-match off --steps "$steps" &
train R1-cue-match --cue-match on --steps "$steps" &
train R2-cue-match-2x --cue-match on --steps $((2 * steps)) &
wait

for name in "${recipes[@]}"; do
  suite "$out/$name" "$out/steer/$name" "$n_steer" 1007 dev
done
wait

pick=$("${python[@]}" - "$out" "${recipes[@]}" <<'EOF'
import json, sys
from pathlib import Path

out, recipes = Path(sys.argv[1]), sys.argv[2:]
table = {}
for name in recipes:
    files = sorted((out / "steer" / name).glob("**/*_B1_metrics.json"))
    ems = {str(f.relative_to(out / "steer" / name)): json.loads(f.read_text())["metrics"]["em"]["mean"] for f in files}
    if len(ems) != 6:
        sys.exit(f"steering runs of {name} incomplete: {sorted(ems)}")
    table[name] = {"runs": ems, "mean_em": sum(ems.values()) / len(ems)}
best = max(recipes, key=lambda r: (table[r]["mean_em"], -recipes.index(r)))
(out / "steering.json").write_text(json.dumps({"rule": "highest mean B1 EM over A-E and A+3 hard negatives, dev split, seed 1007, held-out forms; ties: earlier recipe", "recipes": table, "pick": best}, indent=1))
for name in recipes:
    print(f"steer {name}: mean {table[name]['mean_em']:.3f} " + " ".join(f"{k.split('_')[0]}={v:.3f}" for k, v in table[name]["runs"].items()), file=sys.stderr)
print(best)
EOF
)
echo "pick: $pick"
suite "$out/$pick" "$out/test/$pick" "$n_test" 7 test
wait
echo "done: $out/test/$pick"

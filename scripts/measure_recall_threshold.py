"""Can recall's own score say "nothing in memory about that"? Measured on the dev split.

Scenario A, dev vocabulary, held-out question forms, episodes stored as sentences
(``--render sentence``, as users write notes) in one store of hashed keys: the first
half of the items is stored, so their questions are answerable; the second half's
questions ask about episodes never stored. For each threshold on the best hit's score:
the share of answerable questions kept (their right note still recalled first) and
the share of never-stored questions refused, with Wilson intervals. No model is
needed. Writes ``reports/defaults-dev/recall_threshold.json``.

    uv run python scripts/measure_recall_threshold.py      # n = 600 (300 + 300)
"""

from __future__ import annotations

import argparse

from bench_common import ROOT

from hei_nw.core import versions, write_json_atomic
from hei_nw.datasets import generate
from hei_nw.memory import EpisodeStore, HashingEmbedder
from hei_nw.metrics import wilson_interval

THRESHOLDS = (0.30, 0.35, 0.40, 0.45, 0.50, 0.55)
OUT = ROOT / "reports" / "defaults-dev" / "recall_threshold.json"


def rate(hits: int, n: int) -> dict[str, float]:
    low, high = wilson_interval(hits, n)
    return {"rate": hits / n, "ci_low": low, "ci_high": high, "n": n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=600, help="items (half stored, half not)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    records = generate("A", args.n, args.seed, split="dev", forms="heldout", render="sentence")
    stored, unseen = records[: args.n // 2], records[args.n // 2 :]
    store = EpisodeStore(HashingEmbedder(2048))
    ids = {r["id"]: store.write(None, r["context"]) for r in stored}
    answerable = [(store.recall(r["query"], 1)[0], ids[r["id"]]) for r in stored]
    never = [store.recall(r["query"], 1)[0].score for r in unseen]
    rows = []
    for threshold in THRESHOLDS:
        kept = sum(hit.score >= threshold and hit.id == right for hit, right in answerable)
        refused = sum(score < threshold for score in never)
        row = {
            "threshold": threshold,
            "answerable_kept": rate(kept, len(answerable)),
            "never_stored_refused": rate(refused, len(never)),
        }
        rows.append(row)
        print(
            f"threshold {threshold:.2f}: answerable kept {kept / len(answerable):.3f}, "
            f"never-stored refused {refused / len(never):.3f}"
        )
    no_threshold = sum(hit.id == right for hit, right in answerable) / len(answerable)
    record = {
        "what": "recall's best score as an 'I don't know' threshold",
        "split": "dev",
        "forms": "heldout",
        "render": "sentence",
        "seed": args.seed,
        "n_answerable": len(answerable),
        "n_never_stored": len(never),
        "p_at_1_without_threshold": no_threshold,
        "grid": rows,
        "versions": versions(),
    }
    write_json_atomic(OUT, record)
    print(f"P@1 without a threshold {no_threshold:.3f}; wrote {OUT}")


if __name__ == "__main__":
    main()

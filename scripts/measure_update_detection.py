"""Can a memory tell, unprompted, that a new note updates an old one? The rule of
``hei_nw.api.history.detected_update`` (update words + the nearest stored note at least
``similarity`` alike) measured on the dev sets, for several similarities:

* the hand-written notes (``hei_nw.datasets.notes``, in the order a user writes them):
  how many of the 12 changed facts link their update to the right old note, and how
  many links are wrong;
* scenario B (original + update, dev vocabulary, held-out forms): updates linked to
  their own original;
* scenario D (the asked event among near-collisions of other events): links made, all
  of them wrong (none of those notes updates another).

No model is needed. Writes ``reports/defaults-dev/update_detection.json``.

    uv run python scripts/measure_update_detection.py
"""

from __future__ import annotations

from typing import Any

from bench_common import ROOT

from hei_nw.api.history import detected_update
from hei_nw.core import versions, write_json_atomic
from hei_nw.datasets import generate
from hei_nw.datasets.notes import CHANGED, stored_notes
from hei_nw.memory import EpisodeStore, HashingEmbedder, render_text

SIMILARITIES = (0.3, 0.4, 0.5)
OUT = ROOT / "reports" / "defaults-dev" / "update_detection.json"


def links(texts: list[str], similarity: float) -> dict[str, str]:
    """Each text written in order -> the earlier text it was detected to update."""
    store = EpisodeStore(HashingEmbedder(2048))
    found: dict[str, str] = {}
    for text in texts:
        old = detected_update(text, store.nearest(text), similarity)
        if old is not None:
            found[text] = store.get(old).text
        store.write(None, text)
    return found


def scenario_texts(scenario: str) -> tuple[list[str], dict[str, str]]:
    """Every item's memory as notes, in order, and each update's own original (B)."""
    texts, truth = [], {}
    for record in generate(scenario, 300, 7, split="dev", forms="heldout"):
        notes = [m if isinstance(m, str) else render_text(m) for m in record["memory"]]
        texts += notes
        if scenario == "B":
            truth[notes[1]] = notes[0]
    return texts, truth


def main() -> None:
    notes = stored_notes()
    notes_truth = {item.notes[1]: item.notes[0] for item in CHANGED}
    b_texts, b_truth = scenario_texts("B")
    d_texts, _ = scenario_texts("D")
    grid = []
    for similarity in SIMILARITIES:
        row: dict[str, Any] = {"similarity": similarity}
        for name, texts, truth in (("notes", notes, notes_truth), ("B", b_texts, b_truth),
                                   ("D", d_texts, {})):  # fmt: skip
            found = links(texts, similarity)
            right = sum(truth.get(new) == old for new, old in found.items())
            row[name] = {"updates": len(truth), "linked_right": right,
                         "wrong_links": len(found) - right, "notes": len(texts)}  # fmt: skip
        grid.append(row)
        print(f"similarity {similarity:.1f}: " + "; ".join(
            f"{n} {row[n]['linked_right']}/{row[n]['updates']} right, {row[n]['wrong_links']} wrong"
            for n in ("notes", "B", "D")))  # fmt: skip
    write_json_atomic(OUT, {"what": "undeclared updates detected (update words + nearest note)",
                            "split": "dev", "grid": grid, "versions": versions()})  # fmt: skip
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

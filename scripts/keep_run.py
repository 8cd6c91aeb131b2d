"""Copy a consolidation run folder (scripts/run_consolidation.sh's OUT) into reports/, without
its weights: every report folder as it is, and of ``lora/`` the record and the adapter's
config plus a ``WEIGHTS.md`` naming the weights file by its SHA-256 and the command that
makes it again (the weights are tens of MB; the seed and the record reproduce them).

    uv run python scripts/keep_run.py /tmp/runs/abl-kl0 reports/m4-consolidation/ablation/kl0
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

KEPT = ("consolidation.json", "adapter_config.json")
WEIGHTS = "adapter_model.safetensors"


def weights_note(lora: Path) -> str:
    record = json.loads((lora / "consolidation.json").read_text(encoding="utf-8"))
    weights = lora / WEIGHTS
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()
    rows = ", ".join(f"{count} {kind}" for kind, count in record["rows"].items())
    git = record["provenance"].get("git", {})
    held = record.get("held_out_loss") or [0.0]
    return (
        "# The LoRA these reports were made with\n\n"
        f"`{WEIGHTS}` ({weights.stat().st_size / 1e6:.1f} MB, PEFT, rank "
        f"{record['config']['lora']['rank']}) is not committed: the command in "
        "`consolidation.json` makes it again from the same seed:\n\n"
        f"    {record['command']}\n\n"
        f"The reports beside this folder name it by the path it had when they were made "
        f"(`{lora}`). Its SHA-256 then:\n\n    {digest}\n\n"
        f"`consolidation.json` is its record: {len(record['episodes'])} episodes; rows by kind: "
        f"{rows}; {record['steps']} steps in {record['train_seconds']:.0f} s; the held-out "
        f"wording's loss after each epoch ({held[0]:.3f} -> {held[-1]:.3f}); the settings, "
        f"versions and commit ({str(git.get('commit', '?'))[:7]}"
        f"{', dirty' if git.get('dirty') else ''}).\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the run folder (holds lora/)")
    parser.add_argument("dest", type=Path, help="a new folder under reports/")
    args = parser.parse_args()
    lora = args.run / "lora"
    if not (lora / "consolidation.json").is_file() or not (lora / WEIGHTS).is_file():
        print(f"keep_run: {lora} holds no finished LoRA", file=sys.stderr)
        return 2
    if args.dest.exists():
        print(f"keep_run: {args.dest} exists; not overwriting", file=sys.stderr)
        return 2
    for folder in sorted(p for p in args.run.iterdir() if p.is_dir() and p.name != "lora"):
        if any(folder.glob("*_metrics.json")):
            shutil.copytree(folder, args.dest / folder.name)
    (args.dest / "lora").mkdir(parents=True)
    for name in KEPT:
        shutil.copy2(lora / name, args.dest / "lora" / name)
    (args.dest / "lora" / "WEIGHTS.md").write_text(weights_note(lora), encoding="utf-8")
    print(f"{args.dest}: " + ", ".join(sorted(p.name for p in args.dest.iterdir())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

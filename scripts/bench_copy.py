"""Copy benchmark: can a reader emit tokens it never saw in training?

Memories follow the packer's template; slot values are random strings of 1-3
word-piece tokens from one half of a token set at training time and from the
other half at test time (``hei_nw.train.examples.copy_examples``). The plain
reader (gated cross-attention adapters) and the copy head train side by side on
the same examples for the same steps; held-out exact copy is measured along the
way. Writes ``reports/bench/copy_path.json`` and ``copy_path.png`` (``--task
scenarios``: the same on A-E questions over the held-out scenario vocabulary,
``copy_path_scenarios.*``).

    uv run python scripts/bench_copy.py --steps 100 --batch-size 8
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench_common import BENCH_DIR, machine, write_result

from hei_nw.core import git_state
from hei_nw.train import preset, train

VARIANTS: dict[str, dict[str, Any]] = {
    # The M1 design, trained: four adapters reading each block's own memory states.
    "plain": {"read_layers": None, "copy": False},
    # The copy head alone, keyed and queried at block 10.
    "copy": {"read_layers": (), "copy": True},
}


def run_variant(name: str, args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    config = replace(
        preset("smollm2", str(folder / name)),
        task=args.task,
        steps=args.steps,
        batch_size=args.batch_size,
        eval_every=args.eval_every,
        eval_n=args.eval_n,
        checkpoint_every=args.steps,
        seed=args.seed,
        **VARIANTS[name],
    )
    began = time.monotonic()
    result = train(config, quiet=args.quiet)
    assert result is not None
    log = [
        json.loads(line) for line in (folder / name / "train_log.jsonl").read_text().splitlines()
    ]
    return {
        "config": config.as_dict(),
        "wall_s": time.monotonic() - began,
        "floor_em": result.floor_em,
        "final": result.held_out,
        "curve": [
            {"step": e["step"], "held_out_em": e["held_out_em"], "loss": e["loss"]}
            for e in log
            if "held_out_em" in e
        ],
        "loss": [e["loss"] for e in log],
    }


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (em_axis, loss_axis) = plt.subplots(1, 2, figsize=(10, 4))
    for name, result in results.items():
        steps = [0] + [p["step"] for p in result["curve"]]
        em_axis.plot(
            steps,
            [result["floor_em"]] + [p["held_out_em"] for p in result["curve"]],
            "o-",
            label=name,
        )
        loss_axis.plot(range(1, len(result["loss"]) + 1), result["loss"], label=name, alpha=0.7)
    em_axis.set(
        xlabel="step",
        ylabel="held-out exact copy",
        ylim=(0, 1),
        title="unseen tokens copied exactly",
    )
    loss_axis.set(xlabel="step", ylabel="cross-entropy per answer token", title="training loss")
    em_axis.legend()
    loss_axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", default="plain,copy", help="comma-separated: plain, copy")
    parser.add_argument(
        "--task",
        choices=("copy", "scenarios"),
        default="copy",
        help="copy: packer-template memories with split-token values (the mechanism); "
        "scenarios: A-E questions over the held-out scenario vocabulary",
    )
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--eval-every", type=int, default=25)
    parser.add_argument("--eval-n", type=int, default=48)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", default="runs/bench-copy", help="training folders")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--name", default=None, help="output name under reports/bench (default: from --task)"
    )
    args = parser.parse_args()
    code = git_state()  # at the start: the commit whose code the run executes
    results = {name: run_variant(name, args, Path(args.work)) for name in args.variants.split(",")}
    name = args.name or ("copy_path" if args.task == "copy" else "copy_path_scenarios")
    write_result(name, {"machine": machine(), "git": code, "variants": results})
    plot(results, BENCH_DIR / f"{name}.png")
    for name, result in results.items():
        print(
            f"{name:>6}: held-out exact copy {result['final']['em']:.3f} (n = {result['final']['n']}), "
            f"floor {result['floor_em']:.3f}, {result['wall_s'] / 60:.1f} min"
        )


if __name__ == "__main__":
    main()

"""``training_curves.png``: loss and held-out exact match over steps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


def plot_curves(log: Sequence[dict[str, Any]], path: Path, title: str) -> Path:
    """Write :func:`curves_figure` to ``path`` (PNG), atomically."""
    import matplotlib.pyplot as plt

    fig = curves_figure(log, title)
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
    return path


def curves_figure(log: Sequence[dict[str, Any]], title: str) -> Any:
    """Training loss (left axis) and held-out EM (right axis) against steps, one legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, loss_axis = plt.subplots(figsize=(7, 4))
    steps = [e["step"] for e in log]
    loss_axis.plot(steps, [e["loss"] for e in log], color="tab:blue", alpha=0.6, label="train loss")
    loss_axis.set_xlabel("step")
    loss_axis.set_ylabel("cross-entropy per answer token", color="tab:blue")
    em_axis = loss_axis.twinx()
    evaluated = [e for e in log if "held_out_em" in e]
    em_axis.plot(
        [e["step"] for e in evaluated],
        [e["held_out_em"] for e in evaluated],
        "o-",
        color="tab:red",
        label="held-out EM",
    )
    em_axis.set_ylabel("held-out exact match", color="tab:red")
    em_axis.set_ylim(0, 1)
    # One legend for both axes' lines (each axis only knows its own).
    lines = loss_axis.get_lines() + em_axis.get_lines()
    loss_axis.legend(lines, [line.get_label() for line in lines], loc="center right")
    loss_axis.set_title(title)
    fig.tight_layout()
    return fig

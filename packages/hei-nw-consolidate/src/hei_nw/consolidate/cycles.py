"""Consolidation in cycles: new episodes keep arriving, old ones are replayed.

Cycle ``k`` adds its newly arrived episodes to a :class:`ReplayQueue`, which picks
every episode not yet consolidated plus up to ``replay_share`` times as many old
ones (the least replayed, then the most salient, then the longest unreplayed); the
previous cycle's LoRA is trained further on that pick and saved in ``out/cycle-k``.
Asking the first cycle's episodes closed book with each cycle's LoRA gives the
forgetting curve.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hei_nw.consolidate.schedule import QueuedEpisode, ReplayQueue
from hei_nw.consolidate.worker import ConsolidationConfig, ConsolidationError, consolidate
from hei_nw.memory import Episode


def cycle_folder(out: str | Path, cycle: int) -> Path:
    """Where cycle ``cycle`` (1-based) saves its LoRA."""
    return Path(out) / f"cycle-{cycle}"


def consolidate_cycles(
    model: Any,
    tokenizer: Any,
    arrivals: Sequence[Sequence[Episode]],
    out: str | Path,
    config: ConsolidationConfig,
    generic_texts: Sequence[str] = (),
    record: dict[str, Any] | None = None,
    replay_share: float = 1.0,
    progress: bool = True,
) -> list[Path]:
    """One consolidation per entry of ``arrivals`` (the episodes new in that cycle), each
    starting from the previous cycle's LoRA; returns the cycles' LoRA folders.

    A cycle already saved (its folder holds a finished LoRA) is skipped, so a killed run
    continues where it stopped; the queue is rebuilt by replaying the same arrivals, so
    the replay picks are the same as in an uninterrupted run."""
    ids = [episode.id for new in arrivals for episode in new]
    if len(set(ids)) != len(ids):
        raise ConsolidationError("episode ids repeat across cycles: each arrival needs new ids")
    queue = ReplayQueue(replay_share=replay_share)
    by_id: dict[str, Episode] = {}
    folders: list[Path] = []
    for cycle, new in enumerate(arrivals, start=1):
        for episode in new:
            by_id[episode.id] = episode
            salience = float(episode.meta.get("salience", 0.0))
            queue.add(QueuedEpisode(episode.id, len(by_id), salience))
        picked = [by_id[item.episode_id] for item in queue.next_cycle()]
        folder = cycle_folder(out, cycle)
        if not (folder / "adapter_model.safetensors").is_file():
            new_ids = {episode.id for episode in new}
            cycle_record = {
                **(record or {}),
                "cycle": cycle,
                "new_episodes": sorted(new_ids),
                "replayed_episodes": [e.id for e in picked if e.id not in new_ids],
                "replay_share": replay_share,
                # what this LoRA may "know": every value consolidated so far
                "answers": sorted(
                    {str(v) for e in by_id.values() for v in e.trace.values() if str(v).strip()}
                ),
            }
            initial = folders[-1] if folders else None
            peft_model, _ = consolidate(
                model,
                tokenizer,
                picked,
                folder,
                config,
                generic_texts,
                cycle_record,
                resume=True,
                progress=progress,
                initial=initial,
            )
            model = peft_model.unload()  # the bare base again, for the next cycle's LoRA
        folders.append(folder)
    return folders


__all__ = ["consolidate_cycles", "cycle_folder"]

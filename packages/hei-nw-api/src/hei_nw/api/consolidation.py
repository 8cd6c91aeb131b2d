"""Consolidating a memory: its current episodes trained into a LoRA kept in its folder.

:func:`consolidate_memory` (``hei-nw consolidate``) runs replay (``hei_nw.consolidate``)
over the memory's current episodes - not superseded, not expired - and keeps the result
in ``<folder>/lora/``: PEFT's files, the consolidation record, and ``check.json``, the
store's own check of the LoRA on questions in wordings training never used (memory
alone, memory with the LoRA, the LoRA alone). ``ask`` reads with the LoRA on only where
that check says memory with it beats memory alone; ``ask(closed_book=True)`` answers
from the LoRA alone.

Work in progress lives in ``<folder>/lora-work/`` (a checkpoint every few steps and the
episodes it is for): running the command again resumes it, unless the episodes or the
settings changed, when it starts over. A finished LoRA replaces the old one by renames,
so a reader finds the old one or the new one, never half of one. Nothing here imports
torch until a consolidation runs (``hei-nw list`` stays quick).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hei_nw.api.checks import MemoryUsageError, check_question
from hei_nw.api.locks import FolderLock
from hei_nw.core import versions, write_json_atomic
from hei_nw.memory import Episode

if TYPE_CHECKING:
    from hei_nw.api.answers import Answer
    from hei_nw.api.engine import Engine
    from hei_nw.api.memory import Memory
    from hei_nw.consolidate import ConsolidationConfig

LORA, WORK, OLD = "lora", "lora-work", "lora-old"
"""The finished LoRA, the one being trained, and the old one during the swap."""
CHECK, PLAN, CHECKPOINT = "check.json", "plan.json", "checkpoint.pt"
CHECK_LIMIT = 48
"""Questions in the store's check (each episode's first, then the rest, in order): the
check answers each three ways, so it costs about as much as 150 asks."""


def memory_root(memory: Memory) -> Path:
    """The memory's folder; a database memory has none to keep weights in (one line)."""
    if not isinstance(memory.folder, Path):
        raise MemoryUsageError(
            f"{memory.folder} is a database memory: consolidation keeps its weights in a "
            "memory folder (move it with `hei-nw migrate` to consolidate it)"
        )
    return memory.folder


def current_episodes(memory: Memory) -> list[Episode]:
    """The episodes ``ask`` reads: live, not superseded, not expired; oldest first."""
    policy = memory.write_policy
    due = set(policy.expiry.due())
    return [
        e for e in memory.episodes() if policy.lineage.current(e.id) == e.id and e.id not in due
    ]


def finished_lora(memory: Memory) -> Path | None:
    """The memory's finished LoRA folder, if it has one."""
    if not isinstance(memory.folder, Path):
        return None
    folder = memory.folder / LORA
    if not (folder / CHECK).is_file() and (memory.folder / OLD / CHECK).is_file():
        folder = memory.folder / OLD  # a swap was cut short: the old one is whole
    return folder if (folder / CHECK).is_file() else None


def reading_lora(memory: Memory) -> Path | None:
    """The LoRA ``ask`` reads with: only where the store's check found memory with it
    better than memory alone (else the bare base, which the span reader was trained on)."""
    folder = finished_lora(memory)
    if folder is None:
        return None
    return folder if bool(_read_json(folder / CHECK).get("read_with_lora")) else None


def closed_book_answer(memory: Memory, question: str) -> Answer:
    """``question`` answered from the memory's consolidated LoRA alone, no episode read."""
    from hei_nw.api.answers import Answer

    folder = finished_lora(memory)
    if folder is None:
        raise MemoryUsageError(
            f"{memory.folder} has no consolidated weights: run `hei-nw consolidate` first"
        )
    question = check_question(question, memory.settings.max_question_chars).strip()
    began, engine = time.perf_counter(), memory.engine
    engine.check_question(question, memory.settings.max_question_tokens)
    generation = engine.answer_closed_book([question], folder)[0]
    return Answer(
        generation["text"],
        (),
        False,
        time.perf_counter() - began,
        generation["finish_reason"],
        reason="from the consolidated weights alone (closed book)",
    )


def consolidate_memory(
    memory: Memory,
    config: ConsolidationConfig | None = None,
    *,
    progress: bool = True,
    max_steps: int | None = None,
) -> dict[str, Any]:
    """Train the memory's current episodes into its LoRA (resuming unfinished work for
    the same episodes), check it, and put it in place. Returns the check (or, when
    ``max_steps`` stopped it early, ``{"finished": False, ...}``: call again)."""
    from hei_nw.consolidate import ConsolidationConfig, ConsolidationError

    config = config or ConsolidationConfig()
    root = memory_root(memory)
    episodes = current_episodes(memory)
    if not episodes:
        raise MemoryUsageError(f"nothing to consolidate: {root} holds no current episodes")
    lock = FolderLock(root / ".consolidating", 0.0)
    try:
        lock.acquire()
    except MemoryUsageError:
        raise MemoryUsageError(f"another consolidation of {root} is running") from None
    try:
        work = root / WORK
        outcome = _train(memory, episodes, work, config, progress, max_steps)
        if not outcome["finished"]:
            return outcome
        check = store_check(memory, memory.engine, work, episodes)
        write_json_atomic(work / CHECK, check)
        _swap_in(root)
        return check
    except ConsolidationError as exc:
        raise MemoryUsageError(str(exc)) from None
    finally:
        lock.release()


def _train(
    memory: Memory,
    episodes: list[Episode],
    work: Path,
    config: ConsolidationConfig,
    progress: bool,
    max_steps: int | None,
) -> dict[str, Any]:
    """Train ``episodes`` into a LoRA in ``work``, resuming there when the plan (the
    episode ids and the settings) is the one already begun; the base is restored after."""
    from hei_nw.api.prose import base_prose
    from hei_nw.consolidate import consolidate

    engine = memory.engine
    plan = {"episodes": [e.id for e in episodes], "config": asdict(config)}
    resume = (work / CHECKPOINT).is_file() and _read_json(work / PLAN) == plan
    if not resume:
        shutil.rmtree(work, ignore_errors=True)
        write_json_atomic(work / PLAN, plan)
    record = {
        "command": "hei-nw consolidate",
        "store": str(memory_root(memory)),
        "model": engine.loaded.model_id,
        "generic": {"source": "the base's own continuations of neutral openers"},
        "provenance": versions(),
    }
    with engine.consolidating():
        peft, outcome = consolidate(
            engine.loaded.model,
            engine.tokenizer,
            episodes,
            work,
            config,
            base_prose(engine),
            record,
            resume=resume,
            progress=progress,
            max_steps=max_steps,
        )
        peft.unload()  # the base's own layers back: the engine reads the base again
    return outcome


def store_check(
    memory: Memory, engine: Engine, lora: Path, episodes: list[Episode]
) -> dict[str, Any]:
    """The store's own check: held-out wordings of its episodes' questions answered by
    memory alone, memory with ``lora``, and ``lora`` alone; contains-match accuracy."""
    from hei_nw.api.answers import answer_together
    from hei_nw.consolidate import check_questions

    per_episode = [check_questions(e.trace, e.text) for e in episodes]
    firsts = [pairs[0] for pairs in per_episode if pairs]
    rest = [pair for pairs in per_episode for pair in pairs[1:]]
    pairs = (firsts + rest)[:CHECK_LIMIT]
    questions = [q for q, _ in pairs]
    asks = [(memory, q, None) for q in questions]
    alone = [a.text for a in answer_together(engine, asks, lora_of=lambda _: None)]
    both = [a.text for a in answer_together(engine, asks, lora_of=lambda _: lora)]
    closed = [g["text"] for g in engine.answer_closed_book(questions, lora)] if pairs else []

    def score(texts: list[str]) -> float:
        hits = [_contains(t, answer) for t, (_, answer) in zip(texts, pairs, strict=True)]
        return round(sum(hits) / len(hits), 4) if hits else 0.0

    memory_alone, with_lora = score(alone), score(both)
    return {
        "questions": len(pairs),
        "episodes": len(episodes),
        "memory": memory_alone,
        "memory_and_lora": with_lora,
        "lora_alone": score(closed),
        "read_with_lora": with_lora > memory_alone,
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
    }


def status_lines(memory: Memory) -> list[str]:
    """What ``hei-nw consolidate --status`` prints: what is consolidated and when, what
    came or went since, the check, and any unfinished work."""
    root = memory_root(memory)
    current = {e.id for e in current_episodes(memory)}
    lines = []
    folder = finished_lora(memory)
    if folder is None:
        lines.append(f"{root} has no consolidated weights yet ({len(current)} current episodes)")
    else:
        check = _read_json(folder / CHECK)
        done = set(_read_json(folder / "consolidation.json").get("episodes", []))
        reads = "memory with the LoRA" if check.get("read_with_lora") else "memory alone"
        lines += [
            f"consolidated: {len(done)} episodes, finished {check.get('finished_at')}",
            f"  check on {check.get('questions')} held-out questions: memory "
            f"{check.get('memory')}, memory + LoRA {check.get('memory_and_lora')}, LoRA alone "
            f"{check.get('lora_alone')} -> ask reads {reads}",
            f"new since: {len(current - done)} current episodes not in the weights",
            f"gone since: {len(done - current)} (superseded, forgotten or expired; still in "
            "the weights until the next run)",
        ]
    plan = _read_json(root / WORK / PLAN)
    if plan and (root / WORK / CHECKPOINT).is_file():
        when = time.strftime(
            "%Y-%m-%d %H:%M UTC", time.gmtime((root / WORK / CHECKPOINT).stat().st_mtime)
        )
        lines.append(
            f"unfinished: {len(plan['episodes'])} episodes, checkpoint of {when} "
            "(`hei-nw consolidate` continues it)"
        )
    return lines


def _swap_in(root: Path) -> None:
    """``lora-work`` becomes ``lora`` by renames; the old one is removed last."""
    shutil.rmtree(root / OLD, ignore_errors=True)
    if (root / LORA).exists():
        (root / LORA).rename(root / OLD)
    (root / WORK).rename(root / LORA)
    (root / LORA / PLAN).unlink(missing_ok=True)
    shutil.rmtree(root / OLD, ignore_errors=True)


def _contains(text: str, answer: str) -> bool:
    return " ".join(answer.lower().split()) in " ".join(text.lower().split())


def _read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}

"""How ``hei-nw`` shows things: what a write did, an answer as JSON, an episode as a
line or a JSON object."""

from __future__ import annotations

import json

from hei_nw.api.answers import Answer
from hei_nw.api.gating import Written
from hei_nw.memory import Episode


def report_written(written: Written, as_json: bool) -> None:
    """What ``remember`` did, in words or as one JSON object."""
    if as_json:
        record = {
            "id": written.id,
            "written": written.written,
            "existing_id": written.existing_id,
            "reason": written.reason,
            "redactions": written.redactions,
        }
        print(json.dumps(record))
        return
    removed = ", ".join(f"{n} {kind}" for kind, n in written.redactions.items())
    if written.written:
        print(f"remembered {written.id}" + (f" (redacted: {removed})" if removed else ""))
    elif written.existing_id is not None:
        print(f"already stored as {written.existing_id}: nothing written (a restatement of it)")
    else:
        print(f"not written: {written.reason}")


def answer_record(question: str, answer: Answer) -> dict[str, object]:
    used = [{"id": e.id, "score": e.score, "text": e.text} for e in answer.episodes]
    return {
        "question": question,
        "answer": answer.text if answer.known else None,
        "known": answer.known,
        "reason": answer.reason,
        "episodes": used,
        "superseded": list(answer.superseded),
        "memory_used": answer.memory_used,
        "latency_s": answer.latency_s,
    }


def short(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def as_dict(episode: Episode) -> dict[str, object]:
    return {"id": episode.id, "text": episode.text, "trace": episode.trace, "meta": episode.meta}


def summary_line(episode: Episode) -> str:
    pinned = "pinned " if episode.meta.get("pin") else ""
    when = str(episode.meta.get("written_at", ""))[:16]
    return f"{episode.id}  {when}  {pinned}{short(episode.text)}"

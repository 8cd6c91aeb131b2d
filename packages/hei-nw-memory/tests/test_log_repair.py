"""A crash at any byte of the last log record - before its newline too - leaves a store
that opens with the records that were whole and takes the next write."""

from __future__ import annotations

from pathlib import Path

from hei_nw.memory import EpisodeStore, HashingEmbedder


def test_every_crash_point_of_the_last_record_is_repaired(tmp_path: Path) -> None:
    base = tmp_path / "base"
    store = EpisodeStore(HashingEmbedder(64), base)
    for text in ("first note", "second note", "third note"):
        store.write(None, text)
    log = (base / "episodes.jsonl").read_bytes()
    last_start = log.rstrip(b"\n").rfind(b"\n") + 1
    for cut in range(last_start, len(log) + 1):
        folder = tmp_path / f"cut-{cut}"
        folder.mkdir()
        for file in base.iterdir():
            (folder / file.name).write_bytes(file.read_bytes())
        (folder / "episodes.jsonl").write_bytes(log[:cut])
        whole = 3 if cut >= len(log) - 1 else 2  # the record is whole without its newline
        reopened = EpisodeStore.load(folder, HashingEmbedder(64))
        assert len(reopened) == whole, cut
        reopened.write(None, "after the crash")
        again = EpisodeStore.load(folder, HashingEmbedder(64))
        assert len(again) == whole + 1, cut
        assert again.recall("after the crash", k=1)[0].text == "after the crash"

"""Recency among near-ties: an update is read before the note it changes, and a newer
note about something else is not."""

from __future__ import annotations

from hei_nw.memory import EpisodeStore, HashingEmbedder, prefer_recent


def test_the_newest_near_tie_about_the_same_thing_comes_first() -> None:
    embedder = HashingEmbedder(2048)
    store = EpisodeStore(embedder)
    old = store.write(None, "The van is parked in bay 101 on level 1.")
    store.write(None, "Lunch with Ana is on Friday at noon.")
    new = store.write(None, "The van is now parked in bay 214 on level 3.")
    hits = store.recall("Where is the van parked?", 3)
    assert {hits[0].id, hits[1].id} == {old, new}
    ordered = prefer_recent(hits, embedder, window=0.2, similarity=0.5)
    assert ordered[0].id == new and [h.rank for h in ordered] == [0, 1, 2]
    assert sorted(h.id for h in ordered) == sorted(h.id for h in hits)
    assert prefer_recent(hits, embedder, window=0.0, similarity=0.5) == hits


def test_a_newer_note_about_something_else_stays_behind() -> None:
    embedder = HashingEmbedder(2048)
    store = EpisodeStore(embedder)
    van = store.write(None, "The van is parked in bay 101 on level 1.")
    store.write(None, "The dentist moved my appointment to March 14 at 9 am.")
    hits = store.recall("Where is the van parked?", 2)
    assert prefer_recent(hits, embedder, window=1.0, similarity=0.5)[0].id == van

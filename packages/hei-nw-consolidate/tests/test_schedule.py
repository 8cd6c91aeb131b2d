"""Replay order: priority with spacing, the shuffled control, and the queue across cycles."""

from __future__ import annotations

import pytest

from hei_nw.consolidate.schedule import QueuedEpisode, ReplayQueue, Scheduler, overlap


def item(
    name: str, written: int, salience: float = 0.0, tokens: set[int] | None = None
) -> QueuedEpisode:
    return QueuedEpisode(name, written, salience, frozenset(tokens or {written}))


def test_salience_and_recency_set_the_order() -> None:
    items = [item("old", 0), item("new", 2), item("salient", 1, salience=5.0)]
    order = [i.episode_id for i in Scheduler().arrange(items)]
    assert order == ["salient", "new", "old"]


def test_overlapping_episodes_are_spaced_apart() -> None:
    twin_a = item("twin-a", 3, tokens={1, 2, 3, 4})
    twin_b = item("twin-b", 2, tokens={1, 2, 3, 5})
    other = item("other", 1, tokens={9, 10})
    assert overlap(twin_a, twin_b) == pytest.approx(3 / 5)
    order = [i.episode_id for i in Scheduler().arrange([twin_a, twin_b, other])]
    assert order == ["twin-a", "other", "twin-b"]
    unspaced = Scheduler(max_overlap=1.0).arrange([twin_a, twin_b, other])
    assert [i.episode_id for i in unspaced] == ["twin-a", "twin-b", "other"]


def test_shuffled_is_a_seeded_permutation_that_changes_by_cycle() -> None:
    items = [item(str(i), i) for i in range(20)]
    first = [i.episode_id for i in Scheduler(order="shuffled", seed=3).arrange(items, cycle=0)]
    again = [i.episode_id for i in Scheduler(order="shuffled", seed=3).arrange(items, cycle=0)]
    later = [i.episode_id for i in Scheduler(order="shuffled", seed=3).arrange(items, cycle=1)]
    assert first == again and sorted(first) == sorted(str(i) for i in range(20))
    assert first != later


def test_unknown_order_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown replay order"):
        Scheduler(order="random")


def test_the_queue_replays_new_episodes_and_a_share_of_old_ones() -> None:
    queue = ReplayQueue(replay_share=0.5)
    for i in range(4):
        queue.add(item(f"a{i}", i))
    assert {i.episode_id for i in queue.next_cycle()} == {"a0", "a1", "a2", "a3"}
    for i in range(4, 6):
        queue.add(item(f"b{i}", i))
    second = [i.episode_id for i in queue.next_cycle()]
    assert second[:2] == ["b4", "b5"] and len(second) == 3  # 2 new + 0.5 x 2 old
    assert len(queue.next_cycle()) == 6  # nothing new: everything is refreshed


def test_a_small_replay_share_goes_round_the_old_episodes() -> None:
    """Share 0.5, two new episodes a cycle: the oldest unreplayed episodes come before
    the last cycle's, so the first cycle's are all refreshed before any twice."""
    queue = ReplayQueue(replay_share=0.5)
    written = 0
    replayed: list[list[str]] = []
    for cycle in range(4):
        for _ in range(2):
            queue.add(item(f"c{cycle}-{written}", written))
            written += 1
        picked = queue.next_cycle()
        replayed.append([i.episode_id for i in picked if not i.episode_id.startswith(f"c{cycle}-")])
    assert replayed == [[], ["c0-0"], ["c0-1"], ["c1-2"]]

"""``/metrics`` needs no key, so it must not name tenants: one total by default, and
per-tenant counts only under labels salted by a secret each server draws."""

from __future__ import annotations

from hei_nw.server.metrics import Metrics
from hei_nw.server.tenants import tenant_tag


def rendered(metrics: Metrics) -> str:
    return metrics.render()[0].decode()


def test_episode_counts_are_one_total_by_default() -> None:
    metrics = Metrics()
    metrics.set_size("alice", 3)
    metrics.set_size("bob", 4)
    metrics.set_size("alice", 5)
    text = rendered(metrics)
    assert 'hei_nw_store_episodes{tenant="all"} 9.0' in text
    assert tenant_tag("alice") not in text and "alice" not in text


def test_per_tenant_labels_are_salted_per_server() -> None:
    first, second = Metrics(per_tenant=True), Metrics(per_tenant=True)
    first.set_size("alice", 2)
    text = rendered(first)
    assert f'hei_nw_store_episodes{{tenant="{first.label("alice")}"}} 2.0' in text
    assert tenant_tag("alice") not in text  # the public, unsalted tag cannot be confirmed
    assert first.label("alice") != second.label("alice")  # labels do not link servers


def test_the_queue_depth_is_read_at_each_scrape_and_batch_times_are_counted() -> None:
    metrics, waiting = Metrics(), [3]
    metrics.watch_queue(lambda: waiting[0])
    metrics.answered(0.4)
    metrics.answered(1.5)
    text = rendered(metrics)
    assert "hei_nw_ask_queue_depth 3.0" in text
    assert "hei_nw_batch_answer_seconds_count 2.0" in text
    waiting[0] = 0
    assert "hei_nw_ask_queue_depth 0.0" in rendered(metrics)

"""Prometheus metrics: requests and their latency by route, store sizes, refused writes."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """One registry per server (tests run several in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hei_nw_requests",
            "HTTP requests by method, route and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "hei_nw_request_seconds",
            "Request latency by route",
            ["route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.episodes = Gauge(
            "hei_nw_store_episodes",
            "Live episodes per tenant (by tenant tag)",
            ["tenant"],
            registry=self.registry,
        )
        self.batches = Histogram(
            "hei_nw_ask_batch_size",
            "Asks answered by one generate call",
            buckets=(1, 2, 4, 8, 16, 32),
            registry=self.registry,
        )
        self.refusals = Counter(
            "hei_nw_writes_refused",
            "Writes not stored, by reason",
            ["reason"],
            registry=self.registry,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def set_size(self, tenant_tag: str, size: int) -> None:
        self.episodes.labels(tenant_tag).set(size)

    def batch(self, size: int) -> None:
        self.batches.observe(size)

    def refused(self, reason: str) -> None:
        self.refusals.labels(reason).inc()

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

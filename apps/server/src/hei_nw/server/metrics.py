"""Prometheus metrics: requests and their latency by route, store sizes, refused writes.

``/metrics`` needs no key, so it names no tenant: episode counts are one total unless
the operator asks for them per tenant, and then each tenant is labelled by a hash
salted with a secret drawn when the server starts (a tenant's name cannot be confirmed
by hashing guesses, and labels do not link across restarts).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

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

    def __init__(self, per_tenant: bool = False) -> None:
        self.per_tenant = per_tenant
        self._salt = secrets.token_bytes(16)
        self._sizes: dict[str, int] = {}
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
            'Live episodes: all tenants (tenant="all"), or per salted tenant label',
            ["tenant"],
            registry=self.registry,
        )
        self.batches = Histogram(
            "hei_nw_ask_batch_size",
            "Asks answered by one generate call",
            buckets=(1, 2, 4, 8, 16, 32),
            registry=self.registry,
        )
        self.answering = Histogram(
            "hei_nw_batch_answer_seconds",
            "Seconds one batch of asks took: recall, packing and the generate call",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
            registry=self.registry,
        )
        self.queue = Gauge(
            "hei_nw_ask_queue_depth",
            "Asks waiting for the generator (not yet in a batch)",
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

    def label(self, tenant: str) -> str:
        """The tenant's label in this server's metrics: salted, so it names no one."""
        return hashlib.sha256(self._salt + tenant.encode()).hexdigest()[:8]

    def set_size(self, tenant: str, size: int) -> None:
        self._sizes[tenant] = size
        if self.per_tenant:
            self.episodes.labels(self.label(tenant)).set(size)
        else:
            self.episodes.labels("all").set(sum(self._sizes.values()))

    def batch(self, size: int) -> None:
        self.batches.observe(size)

    def answered(self, seconds: float) -> None:
        self.answering.observe(seconds)

    def watch_queue(self, waiting: Callable[[], int]) -> None:
        """Read the queue's depth at each scrape."""
        self.queue.set_function(waiting)

    def refused(self, reason: str) -> None:
        self.refusals.labels(reason).inc()

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST

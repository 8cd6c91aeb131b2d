"""The server's running state and what every request depends on: the settings, the
tenants' memories with the shared engine and batcher, the bearer key's tenant within its
rate, and the one-line refusals."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Header, Request

from hei_nw.api import DEFAULTS, Engine, Memory, MemorySettings, is_database_url
from hei_nw.server.batcher import AskBatcher
from hei_nw.server.limits import RateLimiter
from hei_nw.server.metrics import Metrics
from hei_nw.server.tenants import Tenants


@dataclass(frozen=True)
class ServerSettings:
    """What a server serves and the limits it keeps."""

    store: Path | str
    """A folder holding one memory folder per tenant, or a ``postgresql://`` URL: one
    database, each tenant's rows apart, shared by every replica serving it."""
    memory: MemorySettings = DEFAULTS
    max_body_bytes: int = 64 * 1024
    """A request body larger than this gets 413 (a note is a few kB)."""
    rate_per_s: float = 50.0
    """Requests a second per key, sustained; more get 429."""
    burst: int = 100
    """Requests a key may send at once before the rate applies."""
    max_batch: int = 16
    """Asks answered by one generate call at most."""
    ask_deadline_s: float = 60.0
    """An ask not answered within this long gets 503 with ``Retry-After`` instead of
    waiting on (a queued one is then dropped; a batch already generating finishes)."""
    stall_s: float = 30.0
    """``/healthz`` answers 503 while one batch of asks has been generating longer than this
    (a batch of 16 takes about 2 s on a 2-core CPU; a stuck generator holds every tenant)."""
    tenant_metrics: bool = False
    """Episode counts per tenant in ``/metrics`` (salted labels); off: one total."""


class Server:
    """Tenants' memories, the shared engine and batcher, the limits and the metrics."""

    def __init__(self, settings: ServerSettings, tenants: Tenants, engine: Engine) -> None:
        self.settings, self.tenants, self.engine = settings, tenants, engine
        self.metrics = Metrics(per_tenant=settings.tenant_metrics)
        self.batcher = AskBatcher(
            engine,
            settings.max_batch,
            on_batch=self.metrics.batch,
            on_answered=self.metrics.answered,
        )
        self.metrics.watch_queue(self.batcher.waiting)
        self.limiter = RateLimiter(settings.rate_per_s, settings.burst)
        self._memories: dict[str, Memory] = {}
        self._opening = threading.Lock()

    def memory(self, tenant: str) -> Memory:
        with self._opening:
            if tenant not in self._memories:
                store, settings = self.settings.store, self.settings.memory
                if isinstance(store, str) and is_database_url(store):
                    memory = Memory.open(
                        store, settings=settings, engine=self.engine, tenant=tenant
                    )
                else:
                    memory = Memory.open(
                        Path(store) / tenant, settings=settings, engine=self.engine
                    )
                self._memories[tenant] = memory
                self.metrics.set_size(tenant, len(memory))
            return self._memories[tenant]

    def close(self) -> None:
        self.batcher.close()
        for memory in self._memories.values():
            memory.close()


def server(request: Request) -> Server:
    """The running server (made at start-up, kept on the app's state)."""
    srv: Server = request.app.state.server
    return srv


ServerDep = Annotated[Server, Depends(server)]


def tenant(srv: ServerDep, authorization: Annotated[str | None, Header()] = None) -> str:
    """The tenant the bearer key opens (401 without one), within its rate (429 beyond)."""
    scheme, _, key = (authorization or "").partition(" ")
    name = srv.tenants.tenant_for(key.strip()) if scheme.lower() == "bearer" else None
    if name is None:
        raise RequestRefusedError(
            401,
            "missing or unknown API key (Authorization: Bearer KEY)",
            {"WWW-Authenticate": "Bearer"},
        )
    wait = srv.limiter.allow(name)
    if wait:
        raise RequestRefusedError(
            429, "too many requests for this key", {"Retry-After": str(max(1, round(wait)))}
        )
    return name


TenantDep = Annotated[str, Depends(tenant)]


class RequestRefusedError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str]) -> None:
        self.status, self.message, self.headers = status, message, headers

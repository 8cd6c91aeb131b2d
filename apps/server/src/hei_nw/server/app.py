"""The memory server: ``Memory`` over HTTP, one memory per tenant, one engine for all.

Routes (OpenAPI at ``/docs``): ``POST /v1/episodes``, ``GET /v1/episodes``,
``GET``/``DELETE /v1/episodes/{id}``, ``POST /v1/ask``, ``GET /healthz``,
``GET /metrics`` (Prometheus text). Every ``/v1`` request carries
``Authorization: Bearer KEY``; the key picks the tenant, and the tenant's
memory is a folder of its own under the server's store. Public episode ids are
``<tenant tag>.<episode id>``: another tenant's id is a 404, never its content.
Concurrent asks are answered together in one generate call (:mod:`.batcher`).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from hei_nw.api import (
    DEFAULTS,
    Engine,
    Episode,
    Memory,
    MemorySettings,
    MemoryUsageError,
    UnknownEpisodeError,
)
from hei_nw.server.batcher import AskBatcher
from hei_nw.server.errors import BodyLimit, error, install_error_handlers
from hei_nw.server.limits import RateLimiter
from hei_nw.server.metrics import Metrics
from hei_nw.server.tenants import Tenants, tenant_tag


@dataclass(frozen=True)
class ServerSettings:
    """What a server serves and the limits it keeps."""

    store: Path
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


class EpisodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    text: str = Field(min_length=1)
    pin: bool = False
    reward: float = 0.0
    redact: bool = True
    ttl: str | None = Field(default=None, description="forget it after this long, e.g. 7d")
    replaces: str | None = Field(default=None, description="the id of a note this one updates")


class AskIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    question: str = Field(min_length=1)
    k: int | None = Field(default=None, ge=1, le=16)


class Server:
    """Tenants' memories, the shared engine and batcher, the limits and the metrics."""

    def __init__(self, settings: ServerSettings, tenants: Tenants, engine: Engine) -> None:
        self.settings, self.tenants, self.engine = settings, tenants, engine
        self.metrics = Metrics(per_tenant=settings.tenant_metrics)
        self.batcher = AskBatcher(engine, settings.max_batch, on_batch=self.metrics.batch)
        self.limiter = RateLimiter(settings.rate_per_s, settings.burst)
        self._memories: dict[str, Memory] = {}
        self._opening = threading.Lock()

    def memory(self, tenant: str) -> Memory:
        with self._opening:
            if tenant not in self._memories:
                folder = self.settings.store / tenant
                memory = Memory.open(folder, settings=self.settings.memory, engine=self.engine)
                self._memories[tenant] = memory
                self.metrics.set_size(tenant, len(memory))
            return self._memories[tenant]

    def close(self) -> None:
        self.batcher.close()
        for memory in self._memories.values():
            memory.close()


def create_app(settings: ServerSettings, tenants: Tenants, engine: Engine | None = None) -> FastAPI:
    """The server's app; the engine (model and reader) loads at start-up unless given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = (
            engine if engine is not None else await asyncio.to_thread(Engine.load, settings.memory)
        )
        app.state.server = Server(settings, tenants, loaded)
        try:
            yield
        finally:
            app.state.server.close()

    app = FastAPI(title="HEI-NW memory server", version="1", lifespan=lifespan)
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)

    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        began = time.perf_counter()
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        if hasattr(request.app.state, "server"):
            request.app.state.server.metrics.observe(
                request.method, path, response.status_code, time.perf_counter() - began
            )
        return response

    @app.exception_handler(MemoryUsageError)
    async def unusable(request: Request, exc: MemoryUsageError) -> Response:
        status = 413 if "at most" in str(exc) else 422
        return error(status, str(exc))

    @app.get("/healthz")
    def healthz(srv: ServerDep) -> JSONResponse:
        busy = srv.batcher.busy_for()
        stalled = busy > srv.settings.stall_s
        body = {
            "status": "stalled" if stalled else "ok",
            "model": srv.engine.loaded.model_id,
            "tenants": len(srv.tenants.names()),
            "generating_for_s": round(busy, 3),
        }
        return JSONResponse(body, status_code=503 if stalled else 200)

    @app.get("/metrics")
    def metrics(srv: ServerDep) -> Response:
        body, content_type = srv.metrics.render()
        return Response(body, media_type=content_type)

    @app.post("/v1/episodes", status_code=201)
    def write(
        body: EpisodeIn, who: TenantDep, srv: ServerDep, response: Response
    ) -> dict[str, Any]:
        """201 with the new id; 200 with ``"written": false`` and the reason when the
        write gate refused it. A restatement of a stored episode (a client's retry, say)
        names the episode that holds it as ``existing_id``: a write is idempotent."""
        memory = srv.memory(who)
        written = memory.remember(
            body.text,
            pin=body.pin,
            reward=body.reward,
            redact_private=body.redact,
            source=f"key:{tenant_tag(who)}",
            ttl=body.ttl,
            replaces=None if body.replaces is None else _private(who, body.replaces),
        )
        srv.metrics.set_size(who, len(memory))
        if not written.written or written.id is None:
            srv.metrics.refused(written.reason.split(" of ")[0].split(" (")[0])
            response.status_code = 200
            existing = None if written.existing_id is None else _public(who, written.existing_id)
            reason = written.reason
            if existing is not None and written.existing_id is not None:
                reason = reason.replace(written.existing_id, existing)  # ids leave in public form
            return {"id": None, "written": False, "existing_id": existing, "reason": reason}
        return {
            "id": _public(who, written.id),
            "written": True,
            "reason": written.reason,
            "redactions": written.redactions,
        }

    @app.get("/v1/episodes")
    def listing(who: TenantDep, srv: ServerDep) -> dict[str, Any]:
        return {"episodes": [_episode(who, e) for e in srv.memory(who).episodes()]}

    @app.get("/v1/episodes/{episode_id}")
    def read(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
        return _episode(who, srv.memory(who).get(_private(who, episode_id)))

    @app.get("/v1/episodes/{episode_id}/history")
    def history(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
        """The notes that replaced one another, oldest first; the last is current."""
        line = srv.memory(who).history(_private(who, episode_id))
        return {"episodes": [_episode(who, e) for e in line], "current": _public(who, line[-1].id)}

    @app.delete("/v1/episodes/{episode_id}")
    def delete(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
        memory = srv.memory(who)
        memory.forget(_private(who, episode_id))
        srv.metrics.set_size(who, len(memory))
        return {"id": episode_id, "deleted": True}

    @app.post("/v1/ask")
    async def ask(body: AskIn, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
        memory = await asyncio.to_thread(srv.memory, who)
        waiting = srv.batcher.submit(memory, body.question, body.k)
        deadline = srv.settings.ask_deadline_s
        try:
            answer = await asyncio.wait_for(asyncio.wrap_future(waiting), deadline)
        except TimeoutError:  # an ask still queued is dropped (the batcher skips it)
            message = f"no answer within {deadline:g} s: the generator is busy; retry later"
            raise RequestRefusedError(503, message, {"Retry-After": "5"}) from None
        used = [
            {"id": _public(who, e.id), "text": e.text, "score": e.score} for e in answer.episodes
        ]
        return {
            "answer": answer.text if answer.known else None,
            "known": answer.known,
            "reason": answer.reason,
            "episodes": used,
            "superseded": [_public(who, i) for i in answer.superseded],
            "memory_used": answer.memory_used,
            "latency_s": answer.latency_s,
        }

    @app.exception_handler(UnknownEpisodeError)
    async def unknown(request: Request, exc: UnknownEpisodeError) -> Response:
        return error(404, f"no episode {request.path_params.get('episode_id', '')!r}")

    @app.exception_handler(RequestRefusedError)
    async def refused(request: Request, exc: RequestRefusedError) -> Response:
        return error(exc.status, exc.message, exc.headers)

    return app


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


def _public(tenant: str, episode_id: str) -> str:
    return f"{tenant_tag(tenant)}.{episode_id}"


def _private(tenant: str, public_id: str) -> str:
    """The store id inside a public id of this tenant; anything else is unknown (404)."""
    tag, _, episode_id = public_id.partition(".")
    if tag != tenant_tag(tenant) or not episode_id:
        raise UnknownEpisodeError(public_id)
    return episode_id


def _episode(tenant: str, episode: Episode) -> dict[str, Any]:
    meta = dict(episode.meta)
    if isinstance(meta.get("supersedes"), str):  # ids leave the server in public form
        meta["supersedes"] = _public(tenant, meta["supersedes"])
    return {"id": _public(tenant, episode.id), "text": episode.text, "meta": meta}

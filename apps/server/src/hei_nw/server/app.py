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
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response

from hei_nw.api import Engine, MemoryUsageError, StoreUnavailableError, UnknownEpisodeError
from hei_nw.server.errors import BodyLimit, error, install_error_handlers
from hei_nw.server.routes import router
from hei_nw.server.state import RequestRefusedError, Server, ServerSettings
from hei_nw.server.tenants import Tenants

__all__ = ["Server", "ServerSettings", "create_app"]


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

    @app.exception_handler(StoreUnavailableError)
    async def unavailable(request: Request, exc: StoreUnavailableError) -> Response:
        return error(503, str(exc), {"Retry-After": "5"})  # the database may come back

    @app.exception_handler(MemoryUsageError)
    async def unusable(request: Request, exc: MemoryUsageError) -> Response:
        status = 413 if "at most" in str(exc) else 422
        return error(status, str(exc))

    app.include_router(router)

    @app.exception_handler(UnknownEpisodeError)
    async def unknown(request: Request, exc: UnknownEpisodeError) -> Response:
        return error(404, f"no episode {request.path_params.get('episode_id', '')!r}")

    @app.exception_handler(RequestRefusedError)
    async def refused(request: Request, exc: RequestRefusedError) -> Response:
        return error(exc.status, exc.message, exc.headers)

    return app

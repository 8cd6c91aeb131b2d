"""The routes: health and metrics, and under ``/v1`` episodes (write, list, read,
history, delete) and asks. Public episode ids are ``<tenant tag>.<episode id>``: another
tenant's id is a 404, never its content."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from hei_nw.api import Episode, UnknownEpisodeError
from hei_nw.server.state import RequestRefusedError, ServerDep, TenantDep
from hei_nw.server.tenants import tenant_tag

router = APIRouter()


@router.get("/healthz")
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


@router.get("/metrics")
def metrics(srv: ServerDep) -> Response:
    body, content_type = srv.metrics.render()
    return Response(body, media_type=content_type)


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


@router.post("/v1/episodes", status_code=201)
def write(body: EpisodeIn, who: TenantDep, srv: ServerDep, response: Response) -> dict[str, Any]:
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


@router.get("/v1/episodes")
def listing(who: TenantDep, srv: ServerDep) -> dict[str, Any]:
    return {"episodes": [_episode(who, e) for e in srv.memory(who).episodes()]}


@router.get("/v1/episodes/{episode_id}")
def read(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
    return _episode(who, srv.memory(who).get(_private(who, episode_id)))


@router.get("/v1/episodes/{episode_id}/history")
def history(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
    """The notes that replaced one another, oldest first; the last is current."""
    line = srv.memory(who).history(_private(who, episode_id))
    return {"episodes": [_episode(who, e) for e in line], "current": _public(who, line[-1].id)}


@router.delete("/v1/episodes/{episode_id}")
def delete(episode_id: str, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
    memory = srv.memory(who)
    memory.forget(_private(who, episode_id))
    srv.metrics.set_size(who, len(memory))
    return {"id": episode_id, "deleted": True}


@router.post("/v1/ask")
async def ask(body: AskIn, who: TenantDep, srv: ServerDep) -> dict[str, Any]:
    memory = await asyncio.to_thread(srv.memory, who)
    waiting = srv.batcher.submit(memory, body.question, body.k)
    deadline = srv.settings.ask_deadline_s
    try:
        answer = await asyncio.wait_for(asyncio.wrap_future(waiting), deadline)
    except TimeoutError:  # an ask still queued is dropped (the batcher skips it)
        message = f"no answer within {deadline:g} s: the generator is busy; retry later"
        raise RequestRefusedError(503, message, {"Retry-After": "5"}) from None
    used = [{"id": _public(who, e.id), "text": e.text, "score": e.score} for e in answer.episodes]
    return {
        "answer": answer.text if answer.known else None,
        "known": answer.known,
        "reason": answer.reason,
        "episodes": used,
        "superseded": [_public(who, i) for i in answer.superseded],
        "memory_used": answer.memory_used,
        "latency_s": answer.latency_s,
    }


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

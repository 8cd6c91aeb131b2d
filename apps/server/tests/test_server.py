"""The memory server as a client meets it: a real uvicorn process on 127.0.0.1, HTTP
through httpx, a tiny random model with a fresh reader (the read path is the real
one; only the weights are small). Loops are bounded and stop by themselves."""

from __future__ import annotations

import signal
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from hei_nw.models.testing import save_tiny_model_and_reader
from hei_nw.server.process import ServerProcess

KEYS = {"alpha": "alpha-key-123", "beta": "beta-key-4567"}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return save_tiny_model_and_reader(tmp_path_factory.mktemp("tiny"))


class Running(ServerProcess):
    """A server process, and a client for each tenant."""

    def client(self, tenant: str | None = "alpha", key: str | None = None) -> httpx.Client:
        token = key if key is not None else KEYS.get(tenant or "", "")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def start(store: Path, tiny: tuple[Path, Path], *extra: str) -> Running:
    return Running(store, KEYS, "--model", str(tiny[0]), "--reader", str(tiny[1]), *extra)


def stop(running: Running, sig: int = signal.SIGTERM) -> None:
    running.kill() if sig == signal.SIGKILL else running.stop()


@pytest.fixture
def server(tmp_path: Path, tiny: tuple[Path, Path]) -> Iterator[Running]:
    running = start(tmp_path / "store", tiny)
    yield running
    stop(running)


def test_two_tenants_write_ask_read_forget_in_isolation(server: Running) -> None:
    alpha, beta = server.client("alpha"), server.client("beta")
    written = alpha.post(
        "/v1/episodes", json={"text": "The spare key is under the blue flowerpot."}
    )
    assert written.status_code == 201
    episode_id = written.json()["id"]
    asked = alpha.post("/v1/ask", json={"question": "Where is the spare key?"}).json()
    assert asked["memory_used"] and asked["episodes"][0]["id"] == episode_id
    assert isinstance(asked["answer"], str) and asked["known"] is True
    assert alpha.get(f"/v1/episodes/{episode_id}").json()["text"].startswith("The spare key")
    # The other tenant sees nothing of it: not in its list, not by id, not in its answers.
    assert beta.get("/v1/episodes").json() == {"episodes": []}
    other = beta.get(f"/v1/episodes/{episode_id}")
    assert other.status_code == 404 and "flowerpot" not in other.text
    assert beta.delete(f"/v1/episodes/{episode_id}").status_code == 404
    unknown = beta.post("/v1/ask", json={"question": "Where is the spare key?"}).json()
    assert unknown["episodes"] == [] and unknown["answer"] is None and unknown["known"] is False
    # A re-post (after an ask recalled it) is a restatement, not the system's own output.
    repeated = alpha.post(
        "/v1/episodes", json={"text": "the spare key is under the blue flowerpot"}
    )
    assert repeated.status_code == 200 and repeated.json()["written"] is False
    assert repeated.json()["existing_id"] == episode_id
    assert f"near-duplicate of {episode_id} " in repeated.json()["reason"]
    assert alpha.delete(f"/v1/episodes/{episode_id}").json() == {"id": episode_id, "deleted": True}
    assert alpha.get(f"/v1/episodes/{episode_id}").status_code == 404


def streamed(text: str) -> Iterator[bytes]:
    """A JSON episode sent in chunks, with no Content-Length (Transfer-Encoding: chunked)."""
    yield b'{"text": "'
    for start in range(0, len(text), 4096):
        yield text[start : start + 4096].encode()
    yield b'"}'


def test_bad_requests_get_the_right_status_and_one_json_line(server: Running) -> None:
    alpha = server.client("alpha")
    json_type = {"content-type": "application/json"}
    small = alpha.post("/v1/episodes", content=streamed("a streamed note"), headers=json_type)
    assert small.status_code == 201, small.text
    cases = [
        (alpha.post("/v1/episodes", content=streamed("a" * 70_000), headers=json_type), 413),
        (server.client(None).post("/v1/ask", json={"question": "x"}), 401),
        (server.client(key="not-a-real-key").get("/v1/episodes"), 401),
        (
            alpha.post(
                "/v1/ask", content=b'{"question":', headers={"content-type": "application/json"}
            ),
            422,
        ),
        (alpha.post("/v1/ask", json={"question": 5}), 422),
        (alpha.post("/v1/episodes", json={"text": "x", "colour": "red"}), 422),
        (alpha.post("/v1/episodes", json={"text": "x", "ttl": "soon"}), 422),
        (alpha.post("/v1/episodes", json={"text": "x", "ttl": "0d"}), 422),
        (alpha.post("/v1/episodes", json={"text": "a" * 70_000}), 413),
        (alpha.post("/v1/episodes", json={"text": "a" * 30_000}), 413),
        (alpha.get("/v1/nothing-here"), 404),
        (alpha.get("/v1/episodes/ffffffff.ep-00000009"), 404),
    ]
    for response, status in cases:
        assert response.status_code == status, response.text
        body = response.text
        assert "\n" not in body.strip() and "Traceback" not in body
        assert set(response.json()) == {"error"}
    assert alpha.get("/openapi.json").json()["info"]["title"] == "HEI-NW memory server"
    metrics = alpha.get("/metrics").text
    assert 'hei_nw_requests_total{method="POST",route="/v1/episodes",status="413"}' in metrics


def test_a_key_over_its_rate_gets_429(tmp_path: Path, tiny: tuple[Path, Path]) -> None:
    running = start(tmp_path / "store", tiny, "--rate-per-s", "1", "--burst", "3")
    try:
        alpha = running.client("alpha")
        codes = [alpha.get("/v1/episodes").status_code for _ in range(6)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        refused = alpha.get("/v1/episodes")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        assert running.client("beta").get("/v1/episodes").status_code == 200  # per key
    finally:
        stop(running)


def test_concurrent_clients_lose_and_duplicate_nothing(
    tmp_path: Path, tiny: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    running = start(tmp_path / "store", tiny)
    acknowledged: list[tuple[str, str]] = []
    latencies: dict[str, list[float]] = {"write": [], "ask": []}
    lock = threading.Lock()

    def client_run(n: int) -> None:
        tenant = "alpha" if n % 2 else "beta"
        with running.client(tenant) as client:
            for i in range(9):  # 16 clients x 9 requests, a third of them asks
                kind = "ask" if i % 3 == 2 else "write"
                began = time.perf_counter()
                if kind == "write":
                    reply = client.post("/v1/episodes", json={"text": f"client {n} note {i}"})
                    assert reply.status_code == 201, reply.text
                else:
                    reply = client.post(
                        "/v1/ask", json={"question": f"note {i - 1} of client {n}?"}
                    )
                    assert reply.status_code == 200, reply.text
                with lock:
                    latencies[kind].append(time.perf_counter() - began)
                    if kind == "write":
                        acknowledged.append((tenant, reply.json()["id"]))

    try:
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(client_run, range(16)))
        batches = running.client().get("/metrics").text
    finally:
        stop(running)
    assert len(acknowledged) == len(set(acknowledged)) == 16 * 6
    again = start(tmp_path / "store", tiny)  # count after a restart
    try:
        for tenant in KEYS:
            listed = {e["id"] for e in again.client(tenant).get("/v1/episodes").json()["episodes"]}
            assert listed == {i for t, i in acknowledged if t == tenant}
    finally:
        stop(again)
    # Several asks were answered by one generate call.
    assert 'hei_nw_ask_batch_size_bucket{le="1.0"}' in batches
    count = float(batches.split("hei_nw_ask_batch_size_count ")[1].split()[0])
    assert count < 16 * 3
    with capsys.disabled():
        for kind, values in latencies.items():
            p95 = statistics.quantiles(values, n=20)[-1]
            print(
                f"\n  {kind}: n = {len(values)}, p50 {statistics.median(values):.3f} s, p95 {p95:.3f} s"
            )


def test_kill_9_during_writes_loses_no_acknowledged_write(
    tmp_path: Path, tiny: tuple[Path, Path]
) -> None:
    running = start(tmp_path / "store", tiny)
    acknowledged: list[str] = []
    stop_writing = threading.Event()

    def writer(n: int) -> None:
        with running.client("alpha") as client:
            for i in range(400):
                if stop_writing.is_set():
                    return
                try:
                    reply = client.post("/v1/episodes", json={"text": f"writer {n} entry {i}"})
                except httpx.TransportError:
                    return  # the server died mid-request: not acknowledged
                if reply.status_code == 201:
                    acknowledged.append(reply.json()["id"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 60 and time.monotonic() < deadline:
        time.sleep(0.01)
    running.kill()
    stop_writing.set()
    for thread in threads:
        thread.join(timeout=30)
    assert len(acknowledged) >= 60
    again = start(tmp_path / "store", tiny)
    try:
        listed = [e["id"] for e in again.client("alpha").get("/v1/episodes").json()["episodes"]]
        assert set(acknowledged) <= set(listed)
        assert len(listed) == len(set(listed))
        # The store still takes writes after the crash.
        assert again.client("alpha").post("/v1/episodes", json={"text": "after"}).status_code == 201
    finally:
        stop(again)


def test_a_replacement_supersedes_with_history(server: Running) -> None:
    alpha, beta = server.client("alpha"), server.client("beta")
    old = alpha.post("/v1/episodes", json={"text": "The gym locker code is 4417."}).json()["id"]
    new = alpha.post(
        "/v1/episodes", json={"text": "The gym locker code changed to 9902.", "replaces": old}
    ).json()["id"]
    line = alpha.get(f"/v1/episodes/{new}/history").json()
    assert [e["id"] for e in line["episodes"]] == [old, new] and line["current"] == new
    assert line["episodes"][1]["meta"]["supersedes"] == old
    asked = alpha.post("/v1/ask", json={"question": "What is the gym locker code 4417?"}).json()
    assert [e["id"] for e in asked["episodes"]] == [new] and asked["superseded"] == [old]
    assert beta.get(f"/v1/episodes/{new}/history").status_code == 404
    missing = alpha.post("/v1/episodes", json={"text": "x", "replaces": "nope"})
    assert missing.status_code == 404


def test_a_bad_ask_fails_only_its_own_request(server: Running) -> None:
    """Asks of several tenants are batched; a blank or oversized question is refused
    before it joins a batch, so the asks batched beside it are answered."""
    server.client("alpha").post("/v1/episodes", json={"text": "The boat is at pier 9."})
    bad = [{"question": "   "}, {"question": "x" * 20_001}] * 3
    good = {"question": "Where is the boat?"}

    def ask(tenant: str, body: dict[str, str]) -> int:
        with server.client(tenant) as client:
            return client.post("/v1/ask", json=body).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        goods = [pool.submit(ask, "alpha", good) for _ in range(6)]
        bads = [pool.submit(ask, "beta", body) for body in bad]
    assert [f.result() for f in goods] == [200] * 6
    assert sorted({f.result() for f in bads}) == [413, 422]

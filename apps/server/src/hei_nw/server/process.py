"""A memory server in a child process: start it, wait until it answers, stop or kill it.

What the server's tests and its load benchmark use to run the real thing - a
uvicorn process on 127.0.0.1 - and what a program embedding the server can use too.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    """``python -m hei_nw.server`` on 127.0.0.1 with the keys given (``{tenant: key}``);
    ``store`` is a folder, or a ``postgresql://`` URL (then name the ``key_file``)."""

    def __init__(
        self,
        store: Path | str,
        keys: dict[str, str],
        *options: str,
        startup_s: float = 120.0,
        key_file: Path | None = None,
    ) -> None:
        if key_file is None:
            if not isinstance(store, Path):
                raise ValueError("a server on a database needs key_file= (where to write keys)")
            key_file = store.parent / f"{store.name}-keys.txt"
        key_file.write_text("".join(f"{key} {tenant}\n" for tenant, key in keys.items()))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable, "-m", "hei_nw.server", "--store", str(store),
            "--keys", str(key_file), "--port", str(self.port), *options,
        ]  # fmt: skip
        env = {**os.environ, "HF_HUB_OFFLINE": "1"}
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
        self._wait_until_healthy(startup_s)

    def _wait_until_healthy(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"the server exited during start-up: {err.strip()[-500:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"the server did not answer within {seconds:.0f} s")

    def stop(self) -> None:
        """Ask it to finish (SIGTERM: requests in flight complete, the index is saved)."""
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)

    def kill(self) -> None:
        """``kill -9``: no chance to finish anything."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=60)

"""Helpers for tests that start real servers on loopback: a free port, and a `chroma run` process that can be
stopped (gracefully or with SIGKILL) and started again on the same data folder and port.

Imported as `tests.processes` (the repository root is on sys.path under `python -m pytest`), never via conftest.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
            return resp.status == 200
    except OSError:
        return False


class ChromaProcess:
    """`chroma run --path DIR --host 127.0.0.1 --port P`; start() again after kill() reuses path and port."""

    def __init__(self, path: Path, port: int | None = None):
        self.path, self.port = Path(path), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = self.path.parent / f"chroma-{self.port}.log"

    def start(self, timeout: float = 90) -> ChromaProcess:
        exe = Path(sys.executable).parent / "chroma"
        if not exe.exists():
            pytest.fail(f"no `chroma` executable next to {sys.executable}: install chromadb into this environment")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + timeout
        while True:  # after a kill the port may stay held for a moment
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen([str(exe), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                              "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                             env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
            while not heartbeat(self.url) and self.proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if heartbeat(self.url):
                return self
            if self.proc.poll() is None or time.monotonic() >= deadline:
                self.kill()
                pytest.fail(f"chroma server did not come up (rc {self.proc.poll()}):\n"
                            + self.log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)  # exited, port still held: try again

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-session, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

"""Helpers shared by the benchmark scripts: timing, percentiles, memory, disk size, load, servers."""

from __future__ import annotations

import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
WORK = ROOT / "bench" / "results"  # gitignored
QA = ROOT / "evals" / "qa.jsonl"


def questions(path: Path = QA) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pct(values: list[float], p: float) -> float:
    """p-th percentile (0–100), linear interpolation."""
    import numpy as np

    return float(np.percentile(values, p)) if values else float("nan")


def summary_ms(values: list[float]) -> dict:
    return {"n": len(values), "p50_ms": round(pct(values, 50), 1), "p95_ms": round(pct(values, 95), 1),
            "mean_ms": round(statistics.fmean(values), 1) if values else None,
            "max_ms": round(max(values), 1) if values else None}


def rss_mb() -> float:
    """Current resident set size (MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_mb(path: Path) -> float:
    path = Path(path)
    if not path.exists():
        return 0.0
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def machine() -> dict:
    return {"cpus": os.cpu_count(), "loadavg_1m_at_start": loadavg(), "python": sys.version.split()[0]}


class Timers:
    """Accumulated seconds per label; wrap(obj, attr, label) patches a method to time itself."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self._undo: list = []

    def add(self, label: str, dt: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + dt
        self.calls[label] = self.calls.get(label, 0) + 1

    def wrap(self, owner, attr: str, label: str) -> None:
        original = getattr(owner, attr)
        had_own = attr in vars(owner) if not isinstance(owner, type) else True

        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - t0)

        setattr(owner, attr, timed)
        self._undo.append((owner, attr, original, had_own))

    def reset(self) -> None:
        self.seconds.clear()
        self.calls.clear()

    def restore(self) -> None:
        for owner, attr, original, had_own in reversed(self._undo):
            if had_own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)
        self._undo.clear()


@contextmanager
def timed(timers: Timers, label: str):
    t0 = time.perf_counter()
    try:
        yield
    finally:
        timers.add(label, time.perf_counter() - t0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status == 200
    except OSError:
        return False


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port P` next to sys.executable; stop() or use as a context."""

    def __init__(self, path: Path, port: int | None = None, log: Path | None = None):
        self.path, self.port = Path(path), port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log or self.path.parent / f"chroma-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.startup_s = 0.0

    def start(self, timeout: float = 120) -> ChromaServer:
        exe = Path(sys.executable).parent / "chroma"
        t0 = time.perf_counter()
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen([str(exe), "run", "--path", str(self.path), "--host", "127.0.0.1",
                                          "--port", str(self.port)], stdout=log, stderr=subprocess.STDOUT,
                                         env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
        while not http_ok(f"{self.url}/api/v2/heartbeat"):
            if self.proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError(f"chroma server did not start:\n{self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        self.startup_s = time.perf_counter() - t0
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> ChromaServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def save(name: str, data: dict) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def wait_quiet(threshold: float = 0.7, max_wait_s: float = 0) -> float:
    """Wait (up to max_wait_s) for the 1-minute load average to drop under threshold; returns the load seen."""
    t0 = time.monotonic()
    while loadavg() >= threshold and time.monotonic() - t0 < max_wait_s:
        time.sleep(10)
    return loadavg()

"""Files the app hands to Gradio (downloads, eval results): all under one folder per process.

Each answer writes two downloads; a folder per file under /tmp grew by hundreds a day and outlived the
server. Here every file gets its own subfolder (so its download keeps its plain name) inside one root,
subfolders older than MAX_AGE_S are pruned on each new file, and the root goes when the process exits
(atexit; `serve` turns SIGTERM into a normal exit so this runs under a service manager too).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

PREFIX = "assistant-ui-"
MAX_AGE_S = 3600.0  # a download link older than an hour is not clicked any more; Gradio has its own copy

_lock = threading.Lock()
_root: Path | None = None


def root() -> Path:
    """This process's scratch folder, made on first use."""
    global _root
    with _lock:
        if _root is None or not _root.is_dir():
            _root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
            atexit.register(shutil.rmtree, _root, True)
        return _root


def prune(max_age_s: float = MAX_AGE_S, now: float | None = None) -> int:
    """Remove subfolders older than max_age_s; returns how many went."""
    base, now = root(), time.time() if now is None else now
    gone = 0
    for sub in base.iterdir():
        try:
            if now - sub.stat().st_mtime > max_age_s:
                shutil.rmtree(sub, ignore_errors=True)
                gone += 1
        except FileNotFoundError:  # another thread pruned it first
            continue
    return gone


def new_dir() -> Path:
    """A fresh subfolder (e.g. for an eval run's results); old ones are pruned first."""
    prune()
    return Path(tempfile.mkdtemp(dir=root()))


def new_file(name: str) -> Path:
    """A path named `name` in a fresh subfolder, for a download button."""
    return new_dir() / name

"""ingest/upload.py: staging folders left by a killed upload are cleared by the next one."""
from __future__ import annotations

import os
import tempfile
import time

from assistant.ingest.upload import STAGING_PREFIX, STALE_STAGING_S, prune_stale_staging


def test_stale_staging_folders_go_and_fresh_ones_stay(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh, other = tmp_path / f"{STAGING_PREFIX}old", tmp_path / f"{STAGING_PREFIX}new", tmp_path / "keep-me"
    for folder in (old, fresh, other):
        folder.mkdir()
        (folder / "report.txt").write_text("x", encoding="utf-8")
    long_ago = time.time() - 2 * STALE_STAGING_S
    for folder in (old, other):
        os.utime(folder, (long_ago, long_ago))
    assert prune_stale_staging() == 1
    assert not old.exists() and fresh.is_dir() and other.is_dir()  # only our own prefix, only when stale

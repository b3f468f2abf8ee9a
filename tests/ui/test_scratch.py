"""The app's scratch files: one folder per process, pruned by age, removed at exit."""
from __future__ import annotations

import os
import subprocess
import sys
import time

from assistant.ui import scratch
from tests.ui.conftest import REPO


def test_files_keep_their_names_in_separate_subfolders_of_one_root():
    a, b = scratch.new_file("answer.md"), scratch.new_file("answer.md")
    assert a.name == b.name == "answer.md"
    assert a.parent != b.parent
    assert a.parent.parent == b.parent.parent == scratch.root()
    assert scratch.root().name.startswith(f"{scratch.PREFIX}{os.getpid()}-")


def test_prune_removes_only_old_subfolders():
    old, fresh = scratch.new_dir(), scratch.new_dir()
    hour_ago = time.time() - 2 * scratch.MAX_AGE_S
    os.utime(old, (hour_ago, hour_ago))
    assert scratch.prune() >= 1
    assert not old.exists()
    assert fresh.is_dir()


def test_root_goes_when_the_process_exits(tmp_path):
    code = "from assistant.ui import scratch; p = scratch.new_file('a.md'); p.write_text('x'); print(scratch.root())"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                         env={**os.environ, "TMPDIR": str(tmp_path), "PYTHONPATH": str(REPO)})
    made = out.stdout.strip()
    assert made.startswith(str(tmp_path))
    assert not os.path.exists(made)

"""Storage faults: a read-only index folder and a full disk. Read commands keep answering; writes refuse in one
bilingual line (Chinese first) with no traceback; the previous index stays intact and answering.

Real mounts (a read-only bind mount, a 3 MB tmpfs) need CAP_SYS_ADMIN: as root in CI they run; elsewhere the
read-only case falls back to chmod (which root ignores), and the disk-full case is skipped with that reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROBE_QUESTIONS
from .test_bad_files import VALID_TEXT

QUESTION = PROBE_QUESTIONS[0]


def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


def _cli(index: Path, corpus: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "assistant"
    return subprocess.run([str(exe), "--corpus", str(corpus), "--index", str(index), *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def _one_bilingual_line(stderr: str, zh: str, en: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr, stderr[-3000:]
    assert len(lines) == 1, stderr[-3000:]
    assert lines[0].index(zh) < lines[0].index(en), lines[0]


@pytest.fixture
def read_only_index(built_index, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(built_index.index_dir, src / "index")
    mnt = tmp_path / "ro"
    mnt.mkdir()
    if _mount("--bind", str(src / "index"), str(mnt)) and _mount("-o", "remount,bind,ro", str(mnt)):
        yield mnt
        _umount(mnt)
    elif os.geteuid() != 0:
        shutil.rmtree(mnt)
        shutil.copytree(src / "index", mnt)
        for d, _, files in os.walk(mnt):
            for f in files:
                os.chmod(Path(d) / f, 0o444)
            os.chmod(d, 0o555)
        yield mnt
        for d, _, _ in os.walk(mnt):
            os.chmod(d, 0o755)
    else:
        pytest.skip("root without CAP_SYS_ADMIN: no read-only bind mount, and root ignores chmod")


def test_read_only_index_reads_work_writes_refuse(built_index, read_only_index, tmp_path) -> None:
    corpus = built_index.corpus_dir
    status = _cli(read_only_index, corpus, "status")
    assert status.returncode == 0, status.stderr[-3000:]
    assert "read-only" in status.stdout, status.stdout

    search = _cli(read_only_index, corpus, "search", "--json", "北京 智算 规划")
    assert search.returncode == 0, search.stderr[-3000:]
    import json

    hits = json.loads(search.stdout)
    assert hits and any(h["dense_rank"] for h in hits)  # dense search answers too (from a private copy)

    ask = _cli(read_only_index, corpus, "ask", "--json", QUESTION)
    assert ask.returncode == 0, ask.stderr[-3000:]
    expected = built_index.assistant.ask(QUESTION)
    assert json.loads(ask.stdout)["answer"] == expected.answer

    new = tmp_path / "new.txt"
    new.write_text(VALID_TEXT, encoding="utf-8")
    for args in (("ingest", str(new)), ("remove", "x.txt")):
        done = _cli(read_only_index, corpus, *args)
        assert done.returncode == 1
        _one_bilingual_line(done.stderr, "索引目录只读", "read-only")


def test_disk_full_refuses_in_one_line_and_the_old_index_answers(built_index, tmp_path) -> None:
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if not _mount("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mnt)):
        pytest.skip("mounting a tmpfs is not permitted here (needs CAP_SYS_ADMIN): cannot make a full disk")
    try:
        index = mnt / "index"
        shutil.copytree(built_index.index_dir, index)
        corpus = built_index.corpus_dir
        before = _cli(index, corpus, "ask", "--json", QUESTION)
        assert before.returncode == 0, before.stderr[-3000:]
        # Fill the disk to the last block.
        with open(mnt / "filler", "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        new = tmp_path / "big.txt"
        new.write_text(("磁盘满测试 ZZFULL。" + VALID_TEXT) * 40, encoding="utf-8")
        done = _cli(index, corpus, "ingest", str(new))
        assert done.returncode == 1
        lines = [line for line in done.stderr.splitlines() if line.strip() and "━" not in line]
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        assert len(lines) == 1 and lines[0].index("磁盘已满") < lines[0].index("disk is full"), done.stderr[-3000:]

        # Still full: the previous index answers as before.
        after = _cli(index, corpus, "ask", "--json", QUESTION)
        assert after.returncode == 0, after.stderr[-3000:]
        import json

        keep = ("answer", "abstained")
        assert {k: json.loads(after.stdout)[k] for k in keep} == {k: json.loads(before.stdout)[k] for k in keep}

        # Space again: the ingest completes.
        (mnt / "filler").unlink()
        again = _cli(index, corpus, "ingest", str(new))
        assert again.returncode == 0, again.stderr[-3000:]
    finally:
        _umount(mnt)


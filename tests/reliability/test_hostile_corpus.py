"""Hostile files in and around the corpus: symlinks out of it, FIFOs, a flate bomb, corrupt PDFs and scans, uploads
whose names collide, a SIGKILL mid-upload — each refused or reported in one line, the index unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from . import pdfs
from .conftest import ROOT, clone, index_state
from .test_bad_files import VALID_TEXT

SECRET = "机密外部文件 只应在语料之外 ZZSECRET"


def _one_line(reason: str, *english: str) -> None:
    zh, _, en = reason.partition(" / ")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh) and "\n" not in reason, reason
    assert any(w in en for w in english), reason


def test_symlinks_out_of_the_corpus_are_not_followed(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET + "\n" + VALID_TEXT, encoding="utf-8")
    corpus = assistant.settings.corpus_dir
    (corpus / "link.txt").symlink_to(outside / "secret.txt")
    (corpus / "linked-dir").symlink_to(outside, target_is_directory=True)
    (corpus / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    inside = corpus / "sub"
    inside.mkdir()
    (inside / "real.txt").write_text("语料内的真实文件 ZZINSIDE\n" + VALID_TEXT, encoding="utf-8")
    (corpus / "inside-link.txt").symlink_to(inside / "real.txt")  # a link that stays inside is fine

    summary = assistant.ingest([corpus])
    assert not summary.failed, summary.failed
    assert sorted(summary.added) == ["inside-link.txt", "real.txt"], summary
    assert SECRET not in "".join(assistant.report_text(r) or "" for r in assistant.index.catalog.report_ids())
    assert all(h.chunk.report != "link.txt" for h in assistant.search("ZZSECRET 机密外部文件", k=5))


def test_a_fifo_does_not_hang_ingest(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    before = index_state(assistant)
    corpus = assistant.settings.corpus_dir
    os.mkfifo(corpus / "pipe.txt")
    os.mkfifo(tmp_path / "named.md")
    # Run in a child with a deadline: before the fix, reading the FIFO blocked forever.
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from assistant.core.settings import Settings
        from assistant.facade import Assistant
        a = Assistant(Settings(index_dir=Path({str(assistant.settings.index_dir)!r}), corpus_dir=Path({str(corpus)!r})))
        s = a.ingest([Path({str(corpus)!r}), Path({str(tmp_path / "named.md")!r})])
        print(sorted(s.unchanged), s.failed)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "pipe.txt" not in done.stdout  # left out of a folder scan
    assert "not a regular file" in done.stdout and "named.md" in done.stdout  # named directly: refused
    assert index_state(assistant)["chunks"] == before["chunks"]


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024


def test_a_flate_bomb_is_refused_and_memory_returns(built_index, tmp_path) -> None:
    from assistant.ingest.load import PDF_MEMORY_MB

    assistant = clone(built_index, tmp_path)
    before = index_state(assistant)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdfs.flate_bomb(1024))  # ≈1 MB on disk, 1 GB inflated
    assert bomb.stat().st_size < 2_000_000
    rss0 = _rss_mb(os.getpid())
    summary = assistant.ingest([bomb])
    rss1 = _rss_mb(os.getpid())
    reason = summary.failed["bomb.pdf"]
    _one_line(reason, "decompression bomb")
    assert f"{PDF_MEMORY_MB} MB" in reason
    assert "scan" not in reason
    # The inflating happened in a child process: this process grew by far less than the stream.
    assert rss1 - rss0 < 150, (rss0, rss1)
    assert index_state(assistant) == before


@pytest.mark.parametrize("kind, words", [("page_tree_cycle", ("corrupt",)), ("scan", ("scan",))])
def test_corrupt_says_corrupt_and_scan_says_scan(built_index, tmp_path, kind, words) -> None:
    assistant = clone(built_index, tmp_path)
    path = tmp_path / f"{kind}.pdf"
    path.write_bytes(getattr(pdfs, kind)())
    reason = assistant.ingest([path]).failed[path.name]
    _one_line(reason, *words)
    if kind != "scan":
        assert "scan" not in reason


def test_upload_never_replaces_another_name_or_a_non_report(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    corpus = assistant.settings.corpus_dir
    (corpus / "README.md").write_text("# 语料说明\n这不是报告。\n", encoding="utf-8")
    src = tmp_path / "up.txt"
    src.write_text("上传测试 ZZUPLOAD 第一版\n" + VALID_TEXT, encoding="utf-8")
    first = assistant.upload([(src, "a b.txt")])[0]  # stored as a_b.txt
    assert first.status == "added" and first.name == "a_b.txt", first
    stored = (corpus / "a_b.txt").read_bytes()

    src.write_text("上传测试 ZZUPLOAD 另一份文件\n" + VALID_TEXT, encoding="utf-8")
    other = assistant.upload([(src, "a?b.txt")])[0]  # sanitises to the same a_b.txt
    assert other.status == "refused", other
    _one_line(other.message, "rename it")
    assert (corpus / "a_b.txt").read_bytes() == stored

    readme = assistant.upload([(src, "README.md")])[0]
    assert readme.status == "refused" and "not a report" in readme.message, readme
    assert (corpus / "README.md").read_text(encoding="utf-8").startswith("# 语料说明")

    same_name = assistant.upload([(src, "a_b.txt")])[0]  # the exact name: a new version of that report
    assert same_name.status == "updated", same_name


UPLOAD_KILLER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from assistant.core.settings import Settings
    from assistant.facade import Assistant

    a = Assistant(Settings(index_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2])))

    def progress(stage, report, done, total):
        if stage == "store":  # moved into the corpus, vectors being written, catalog not committed
            os.kill(os.getpid(), signal.SIGKILL)

    a.upload([(Path(sys.argv[3]), "killed-upload.txt")], progress=progress)
""")


def test_sigkill_mid_upload_leaves_a_pending_file_that_status_names(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    index_dir, corpus = assistant.settings.index_dir, assistant.settings.corpus_dir
    src = tmp_path / "src.txt"
    src.write_text("被中断的上传 ZZKILLED\n" + VALID_TEXT, encoding="utf-8")
    script = tmp_path / "killer.py"
    script.write_text(UPLOAD_KILLER.format(root=str(ROOT)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(index_dir), str(corpus), str(src)], timeout=300)
    assert done.returncode == -9
    assert (corpus / "killed-upload.txt").exists()
    assert "killed-upload.txt" not in assistant.index.catalog.report_ids()

    # A restart (a new process) lists it, with the reason, in Assistant.status() and `assistant status`.
    exe = Path(sys.executable).parent / "assistant"
    out = subprocess.run([str(exe), "--corpus", str(corpus), "--index", str(index_dir), "status", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    import json

    pending = json.loads(out.stdout)["pending"]
    assert [p["file"] for p in pending] == ["killed-upload.txt"], pending
    assert pending[0]["reason_code"] == "not_indexed" and "interrupted upload" in pending[0]["reason"]
    text = subprocess.run([str(exe), "--corpus", str(corpus), "--index", str(index_dir), "status"],
                          capture_output=True, text=True, timeout=300).stdout
    assert "pending: killed-upload.txt" in text

    # Ingesting it clears the list.
    summary = assistant.ingest([corpus])
    assert summary.added == ["killed-upload.txt"] and assistant.status()["pending"] == []


def test_ingest_exits_nonzero_when_a_file_failed(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    exe = Path(sys.executable).parent / "assistant"
    args = [str(exe), "--corpus", str(assistant.settings.corpus_dir), "--index", str(assistant.settings.index_dir),
            "ingest"]
    failed = subprocess.run([*args, str(bad)], capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1 and "empty" in failed.stderr
    ok = subprocess.run([*args, str(assistant.settings.corpus_dir)], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_login_back_off_after_repeated_failures() -> None:
    """Gradio calls the Login object (callable) instead of comparing pairs; tries during the back-off fail
    unchecked, and the right password works again once it is over."""
    from assistant.ui.safety import FREE_FAILURES, check_bind

    login = check_bind("0.0.0.0", "alice:s3cret")
    assert login == ("alice", "s3cret") and callable(login)
    assert all(not login("alice", f"wrong{i}") for i in range(FREE_FAILURES))
    assert not login("alice", "s3cret")  # right password, but within the back-off: refused unchecked
    assert 0 < login.backoff("alice") <= 1.0
    time.sleep(login.backoff("alice") + 0.05)
    assert login("alice", "s3cret")
    assert login.backoff("alice") == 0

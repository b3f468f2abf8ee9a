"""Uploads: bad files are refused with the loader's reason and change nothing (index, answers, corpus);
names are sanitised so nothing leaves the corpus; an identical file is reported as unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.ingest.upload import UploadRefused, Uploader, sanitise_name
from tests.ui.conftest import UPLOAD_LIMIT_MB

PROBE = "北京的智算算力规划是多少？"


def corpus_state(assistant) -> dict[str, int]:
    corpus = Path(assistant.settings.corpus_dir)
    return {str(p.relative_to(corpus)): p.stat().st_size for p in sorted(corpus.rglob("*"))}


def snapshot(assistant) -> tuple:
    answer = assistant.ask(PROBE)
    return (assistant.reports(), corpus_state(assistant), answer.answer,
            [c.id for c in answer.citations], assistant.index.vectors.count())


def bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "random_bytes.pdf": os.urandom(4096),
        "empty.txt": b"",
        "oversized.txt": ("算力" * int(UPLOAD_LIMIT_MB * 1024 * 1024 / 3 + 1000)).encode("utf-8"),
    }
    out = {}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        out[name] = tmp_path / name
    assert out["oversized.txt"].stat().st_size > UPLOAD_LIMIT_MB * 1024 * 1024
    return out


@pytest.mark.parametrize("kind", ["random_bytes.pdf", "empty.txt", "oversized.txt"])
def test_bad_upload_in_browser_shows_error_and_changes_nothing(page, shots, tmp_path, ui_assistant, kind):
    path = bad_files(tmp_path)[kind]
    before = snapshot(ui_assistant)

    page.get_by_role("tab", name="报告 / Reports").click()
    page.locator("#upload-files input[type=file]").set_input_files(str(path))
    page.wait_for_timeout(500)
    page.locator("#upload-btn").click()
    error = page.locator("#upload-status .panel-error")
    error.wait_for(timeout=60_000)
    message = error.inner_text()
    page.screenshot(path=str(shots / f"10_bad_upload_{Path(kind).stem}.png"), full_page=True)

    assert kind in message and "无法读取" in message and "cannot read" in message
    assert {"random_bytes.pdf": "PDF", "empty.txt": "empty", "oversized.txt": "too large"}[kind] in message
    assert "\n" not in message.strip()  # one line
    assert snapshot(ui_assistant) == before


@pytest.mark.parametrize("original, safe", [
    ("report.txt", "report.txt"),
    ("../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\evil.md", "evil.md"),
    ("/abs/path/x.PDF", "x.pdf"),
    (".hidden.txt", "hidden.txt"),
    ("天风 研报 2024（上）.txt", "天风_研报_2024_上.txt"),
    ("a\x00b\nc.txt", "abc.txt"),
    ("...txt", "report.txt"),
    ("x" * 300 + ".md", "x" * 100 + ".md"),
])
def test_sanitise_name(original, safe):
    assert sanitise_name(original) == safe


@pytest.mark.parametrize("original", ["evil.exe", "report", "archive.txt.zip", "x.html", "notes.TXT.sh"])
def test_other_suffixes_are_refused(original):
    with pytest.raises(UploadRefused, match="不支持的文件类型"):
        sanitise_name(original)


def test_refused_suffix_leaves_nothing_in_corpus(ui_assistant, tmp_path):
    src = tmp_path / "payload.exe"
    src.write_bytes(b"MZ fake")
    before = snapshot(ui_assistant)
    result = Uploader(ui_assistant).accept(src)
    assert result.status == "refused" and "unsupported file type" in result.message
    assert snapshot(ui_assistant) == before


def test_path_traversal_name_lands_inside_corpus(ui_assistant, tmp_path):
    src = tmp_path / "traversal.txt"
    src.write_text("越界测试报告\n\n据本报告，紫藤湖示范区2027年绿电占比目标为 73%。\n", encoding="utf-8")
    outside = Path(ui_assistant.settings.corpus_dir).parent / "escaped_report.txt"
    result = Uploader(ui_assistant).accept(src, "../escaped_report.txt")
    try:
        assert result.status == "added", result.message
        assert not outside.exists()
        assert (Path(ui_assistant.settings.corpus_dir) / "escaped_report.txt").is_file()
    finally:
        ui_assistant.remove("escaped_report.txt", delete_file=True)
    assert "escaped_report.txt" not in [r["report"] for r in ui_assistant.reports()]


def test_identical_file_is_reported_unchanged(ui_assistant, tmp_path):
    corpus = Path(ui_assistant.settings.corpus_dir)
    existing = next(p for p in sorted(corpus.glob("*.txt")) if p.name.startswith("tianfeng"))
    copy = tmp_path / "another_name_same_bytes.txt"
    copy.write_bytes(existing.read_bytes())
    before = snapshot(ui_assistant)
    result = Uploader(ui_assistant).accept(copy)
    assert result.status == "unchanged" and existing.name in result.message
    assert snapshot(ui_assistant) == before  # no second copy in the corpus, no duplicate report


def test_failed_replacement_restores_the_previous_file(ui_assistant, tmp_path):
    """A same-named upload that cannot be read leaves the indexed file and its report as they were."""
    corpus = Path(ui_assistant.settings.corpus_dir)
    existing = next(p for p in sorted(corpus.glob("*.txt")) if p.name.startswith("guolian"))
    bad = tmp_path / existing.name
    bad.write_bytes(b"\x00\x01\x02" * 500)
    before = snapshot(ui_assistant)
    result = Uploader(ui_assistant).accept(bad)
    assert result.status == "refused"
    assert snapshot(ui_assistant) == before


def _make_pdf(path: Path, lines: list[str]) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("STSong-Light", 12)
    y = 800
    for line in lines:
        c.drawString(60, y, line)
        y -= 20
    c.showPage()
    c.save()


def test_pdf_and_markdown_uploads_are_searchable_at_once(ui_assistant, tmp_path):
    pdf = tmp_path / "银杏谷 测试报告.pdf"
    _make_pdf(pdf, ["银杏谷数据港测试报告", "据本报告测算，银杏谷数据港2028年液冷机柜数量目标为 8642 个。"])
    md = tmp_path / "notes.md"
    md.write_text("# 松涛湾测试纪要\n\n松涛湾产业园2029年光伏装机目标为 9753 千瓦。\n", encoding="utf-8")
    uploader = Uploader(ui_assistant)
    results = [uploader.accept(pdf), uploader.accept(md)]
    try:
        assert [r.status for r in results] == ["added", "added"], [r.message for r in results]
        assert results[0].name == "银杏谷_测试报告.pdf"
        assert "8642" in ui_assistant.ask("银杏谷数据港2028年液冷机柜数量目标是多少？").answer
        assert "9753" in ui_assistant.ask("松涛湾产业园2029年光伏装机目标是多少？").answer
        again = uploader.accept(md)
        assert again.status == "unchanged"
    finally:
        for r in results:
            ui_assistant.remove(r.name, delete_file=True)
    names = [r["report"] for r in ui_assistant.reports()]
    assert "银杏谷_测试报告.pdf" not in names and "notes.md" not in names

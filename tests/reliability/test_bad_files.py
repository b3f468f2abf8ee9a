"""Files that are junk, empty, truncated, encrypted, oddly encoded or too large.

A refused file gets a one-line bilingual reason naming it, and leaves the index exactly as it was (catalog
generation, chunk ids, Chroma ids, answers). A valid file in an unusual encoding is ingested with its text intact.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from .conftest import PROBE_QUESTIONS, answer_key, clone, index_state

PDF_LINES = [["测试报告：合成文件", "宁夏中卫集群 2026年 智算规划 8EFlops。"], ["第二页 甘肃庆阳 2026年 5EFlops。"]]


def make_pdf(pages=PDF_LINES) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for lines in pages:
        c.setFont("STSong-Light", 12)
        for n, line in enumerate(lines):
            c.drawString(72, 800 - 20 * n, line)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypt(data: bytes, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refused_files() -> dict[str, tuple[bytes, tuple[str, ...]]]:
    """file name → (bytes, words one of which the English reason must contain)."""
    rng = random.Random(20240917)
    pdf = make_pdf()
    noise = bytes(rng.randrange(256) for _ in range(8192))
    return {
        "junk.txt": (noise, ("does not look like text",)),
        "junk-high-bytes.txt": (bytes(rng.randrange(128, 256) for _ in range(4096)), ("encoding", "not look like text")),
        "control-chars.md": (bytes(rng.randrange(1, 32) for _ in range(2000)), ("does not look like text",)),
        "image.md": (b"\x89PNG\r\n\x1a\n" + noise[:2000], ("does not look like text",)),
        "utf16-without-bom.txt": ("北京智算规划 45EFlops".encode("utf-16-le"), ("does not look like text", "encoding")),
        "empty.txt": (b"", ("empty",)),
        "blank.md": (b" \n\t\r\n  \n", ("empty",)),
        "empty.pdf": (b"", ("empty",)),
        "junk.pdf": (noise, ("not a PDF",)),
        "header-only.pdf": (b"%PDF-1.7\n" + noise[:3000], ("corrupt",)),
        "truncated-30.pdf": (pdf[: len(pdf) * 3 // 10], ("corrupt",)),
        "truncated-60.pdf": (pdf[: len(pdf) * 6 // 10], ("corrupt",)),
        "truncated-95.pdf": (pdf[: len(pdf) * 95 // 100], ("corrupt",)),
        "encrypted.pdf": (encrypt(pdf, "user-secret"), ("encrypted",)),
        "report.docx": (b"PK\x03\x04" + noise[:1000], ("unsupported",)),
        "no-suffix": (b"plain text", ("unsupported",)),
    }


VALID_TEXT = ("测试报告：编码检查\n\n宁夏中卫数据中心集群规划到2026年建成智算算力8EFlops，配套绿色电力。\n\n"
              "图 1：测试表\n地区\t时间\t智算算力规划\n中卫\t2026年\t2026年8EFlops\n庆阳\t2026年\t2026年5EFlops\n")


def valid_files() -> dict[str, tuple[bytes, str | None]]:
    """file name → (bytes, the text the loader must produce, None for PDFs: checked by content)."""
    return {
        "gb18030-report.txt": (VALID_TEXT.replace("编码检查", "编码检查GB18030").encode("gb18030"),
                               VALID_TEXT.replace("编码检查", "编码检查GB18030")),
        "utf16le-report.txt": (b"\xff\xfe" + VALID_TEXT.replace("编码检查", "编码检查UTF16LE").encode("utf-16-le"),
                               VALID_TEXT.replace("编码检查", "编码检查UTF16LE")),
        "utf16be-report.md": (b"\xfe\xff" + VALID_TEXT.replace("编码检查", "编码检查UTF16BE").encode("utf-16-be"),
                              VALID_TEXT.replace("编码检查", "编码检查UTF16BE")),
        "utf8-bom-crlf.txt": (b"\xef\xbb\xbf" + VALID_TEXT.replace("编码检查", "编码检查BOM").replace("\n", "\r\n")
                              .encode("utf-8"), VALID_TEXT.replace("编码检查", "编码检查BOM")),
        "owner-password.pdf": (encrypt(make_pdf(), ""), None),  # encrypted, but openable without a password
    }


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bad_files")
    for name, (data, _) in refused_files().items():
        (d / name).write_bytes(data)
    return d


@pytest.fixture(scope="module")
def before(shared_copy):
    return index_state(shared_copy)


@pytest.mark.parametrize("name", list(refused_files()))
def test_refused_file_has_a_clear_reason_and_changes_nothing(shared_copy, before, bad_dir, name) -> None:
    words = refused_files()[name][1]
    summary = shared_copy.ingest([bad_dir / name])
    assert list(summary.failed) == [name], summary
    reason = summary.failed[name]
    zh, _, en = reason.partition(" / ")
    assert name in zh and name in en, reason
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), reason
    assert any(w in en for w in words), reason
    assert "\n" not in reason and len(reason) < 300
    assert not (summary.added or summary.updated) and summary.embedded == 0
    assert index_state(shared_copy) == before


def test_all_refused_files_in_one_run_beside_the_good_ones(shared_copy, before, bad_dir, built_index) -> None:
    # The real reports sit beside the junk: they are unchanged, the junk is refused, the run completes.
    # (A folder is scanned for .txt/.md/.pdf only: the .docx and the file without a suffix are not picked up.)
    from assistant.ingest.load import SUPPORTED_SUFFIXES

    summary = shared_copy.ingest([bad_dir, built_index.corpus_dir])
    expected = [n for n in refused_files() if Path(n).suffix in SUPPORTED_SUFFIXES]
    assert sorted(summary.failed) == sorted(expected), summary.failed
    assert len(summary.unchanged) == 2 and summary.embedded == 0
    assert index_state(shared_copy) == before


def test_over_the_size_limit(shared_copy, before, tmp_path) -> None:
    path = tmp_path / "large.txt"
    path.write_text(VALID_TEXT * 200, encoding="utf-8")
    summary = shared_copy.ingest([path], max_bytes=path.stat().st_size - 1)
    reason = summary.failed["large.txt"]
    assert "文件过大" in reason and "too large" in reason and "MB" in reason, reason
    assert index_state(shared_copy) == before


def test_answers_unchanged_after_the_bad_files(shared_copy, before, reference) -> None:
    for q in PROBE_QUESTIONS:
        assert answer_key(shared_copy.ask(q)) == reference["answers"][q], q
    assert index_state(shared_copy) == before


def test_valid_files_in_unusual_encodings_are_ingested(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    old = index_state(assistant)
    old_chunks = {c.id: c for c in assistant.index.catalog.chunks()[0]}
    files = valid_files()
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
    summary = assistant.ingest([tmp_path / name for name in files])
    assert not summary.failed, summary.failed
    assert sorted(summary.added) == sorted(files)
    for name, (_, text) in files.items():
        stored = assistant.report_text(name)
        if text is not None:
            assert stored == text, name
        else:
            assert "宁夏中卫集群" in stored and "甘肃庆阳" in stored, stored
    new = index_state(assistant)
    assert new["generation"] == old["generation"] + len(files)
    assert old["chunks"] < new["chunks"] and new["vectors"] == new["chunks"]
    # The existing reports' chunks are untouched.
    assert {c.id: c for c in assistant.index.catalog.chunks()[0] if c.id in old_chunks} == old_chunks
    # The new text is found and its table parsed.
    hits = assistant.search("编码检查GB18030 宁夏中卫 智算", k=3)
    assert hits and hits[0].chunk.report == "gb18030-report.txt"
    tables = [t for t in assistant.tables() if t.report == "utf16le-report.txt"]
    assert tables and tables[0].header == ["地区", "时间", "智算算力规划"]
    # Ingesting them again changes nothing.
    again = assistant.ingest([tmp_path / name for name in files])
    assert sorted(again.unchanged) == sorted(files) and again.embedded == 0
    assert index_state(assistant) == new

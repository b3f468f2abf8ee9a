"""Loaders: encodings decode exactly, PDFs keep pages and tables, bad files are refused with a one-line message."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from assistant.ingest.load import SUPPORTED_SUFFIXES, LoadError, decode_text, load_report
from assistant.core.models import Report
from tests.fixtures.reports import CORPUS

SAMPLE = (
    "算力即国力，地方智算 25/26 年景气度有望进一步提升\n"
    "\n"
    "图 3：各地智算规划多以 25 年为目标\n"
    "\n"
    "地区\t时间\t文件\t智算算力规划\n"
    "安徽\t2023年12月\t《安徽省智能算力基础设施建设方案（2024-2025年）》\t2025年12EFlops\n"
    "资料来源：各地政府网站，天风证券研究所\n"
)

PARA1 = "根据白宫网站，美国政府将扩大对处理数据中心许可的联邦、州和地方当局的技术援助。" * 3
PARA2 = "第二页：北京市算力基础设施建设实施方案提出，到2025年智算规模达到45EFLOPS。"


# ---- helpers: real files built with reportlab / pypdf -----------------------------------------------------


def _styles():
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16, wordWrap="CJK")


def make_pdf(path: Path, story_of) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    SimpleDocTemplate(str(path), pagesize=A4).build(story_of(_styles()))
    return path


def two_page_pdf(path: Path) -> Path:
    from reportlab.platypus import PageBreak, Paragraph

    return make_pdf(path, lambda st: [Paragraph(PARA1, st), PageBreak(), Paragraph(PARA2, st)])


def table_pdf(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    rows = [
        ["地区", "时间", "文件", "智算算力规划"],
        ["安徽", "2023年12月", "《安徽省算力\n基础设施》", "2025年12EFlops"],
        ["重庆", "2023年12月", "《重庆市 算力》", "超过 5EFLOPS"],
    ]
    style = TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    return make_pdf(
        path,
        lambda st: [
            Paragraph("各地陆续出台智算规划。", st),
            Spacer(1, 12),
            Paragraph("图 3：各地智算规划多以 25 年为目标", st),
            Table(rows, style=style),
            Paragraph("资料来源：各地政府网站，天风证券研究所", st),
        ],
    )


def assert_refused(path: Path, **kwargs) -> LoadError:
    with pytest.raises(LoadError) as info:
        load_report(path, **kwargs)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message and "\r" not in message
    assert message.startswith("无法读取") and " / cannot read " in message  # Chinese first, then English
    return info.value


# ---- text files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoding, raw",
    [
        ("utf-8", SAMPLE.encode("utf-8")),
        ("utf-8-sig", SAMPLE.encode("utf-8-sig")),
        ("gb18030", SAMPLE.encode("gb18030")),
        ("gbk", SAMPLE.encode("gbk")),
        ("utf-16", SAMPLE.encode("utf-16")),  # BOM + native order
        ("utf-16-le", b"\xff\xfe" + SAMPLE.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
    ],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, encoding: str, raw: bytes) -> None:
    path = tmp_path / f"report-{encoding}.txt"
    path.write_bytes(raw)
    report = load_report(path)
    assert report.text == SAMPLE
    assert not report.text.startswith("\ufeff")
    assert report.sha256 == hashlib.sha256(raw).hexdigest()
    assert report.id == path.name and report.path == str(path)
    assert report.encoding and report.pages == []


def test_decode_text_short_gbk_lines() -> None:
    # charset-normalizer alone misreads short GBK snippets (as Big5, CP949…); these must still decode exactly.
    for line in ["计算机", "投资评级", "强于大市(维持评级)", "北京\t2024年4月\t方案", "资料来源: 聚源数据"]:
        assert decode_text(line.encode("gbk"), "x.txt") == (line, "gb18030")


def test_line_endings_are_normalised(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes("# 标题\r\n第一行\r第二行\r\n\r\n地区\t时间\r\n".encode("gb18030"))
    assert load_report(path, report_id="r1").text == "# 标题\n第一行\n第二行\n\n地区\t时间\n"
    assert load_report(path, report_id="r1").id == "r1"


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.txt")))
def test_corpus_reports_load_exactly(name: str) -> None:
    path = CORPUS / name
    report = load_report(path)
    assert report.text == path.read_bytes().decode("utf-8")
    assert report.encoding == "utf-8"
    assert "\t" in report.text and "\r" not in report.text


def test_corpus_has_the_two_reports() -> None:
    assert len(list(CORPUS.glob("*.txt"))) == 2


# ---- PDF -------------------------------------------------------------------------------------------------


def test_pdf_round_trip_with_pages(tmp_path: Path) -> None:
    report = load_report(two_page_pdf(tmp_path / "two-pages.pdf"))
    assert isinstance(report, Report) and report.encoding == "pdf"
    assert [page.number for page in report.pages] == [1, 2]
    assert PARA1 in report.text  # wrapped lines of a Chinese paragraph are joined back
    squeezed = "".join(report.text.split())
    assert "".join(PARA2.split()) in squeezed
    page2 = report.text.index("北京市算力基础设施")
    assert report.page_at(page2) == 2
    assert report.page_at(report.text.index("根据白宫网站")) == 1
    for page in report.pages:  # page offsets slice out that page's text
        assert report.text[page.start : page.end].strip() == report.text[page.start : page.end]
    assert report.text[report.pages[1].start :].startswith("第二页")


def test_pdf_table_comes_out_tab_separated(tmp_path: Path) -> None:
    report = load_report(table_pdf(tmp_path / "table.pdf"))
    lines = report.text.split("\n")
    header = lines.index("地区\t时间\t文件\t智算算力规划")
    assert lines[header - 1] == "图 3：各地智算规划多以 25 年为目标"  # caption right above its table
    assert lines[header + 1] == "安徽\t2023年12月\t《安徽省算力基础设施》\t2025年12EFlops"
    assert lines[header + 2] == "重庆\t2023年12月\t《重庆市 算力》\t超过 5EFLOPS"
    # table words appear once, as the table, not also as pdfplumber's space-joined rows
    assert report.text.count("2025年12EFlops") == 1
    assert "资料来源：各地政府网站，天风证券研究所" in lines


# ---- refusals --------------------------------------------------------------------------------------------


def test_junk_txt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(os.urandom(4096))
    assert_refused(path)


def test_junk_without_nul_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk-no-nul.txt"
    path.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))
    assert_refused(path)


def test_junk_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.pdf"
    path.write_bytes(os.urandom(4096))
    assert_refused(path)


@pytest.mark.parametrize("content", [b"", b" \n\t\r\n", "\u3000\n".encode("utf-8"), "  \n".encode("utf-16")])
@pytest.mark.parametrize("suffix", [".txt", ".md", ".pdf"])
def test_empty_file_is_refused(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(content)
    error = assert_refused(path)
    if suffix != ".pdf" or not content.strip():
        assert "empty" in str(error)


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    data = two_page_pdf(tmp_path / "whole.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert "corrupt" in str(assert_refused(path))


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=two_page_pdf(tmp_path / "plain.pdf"))
    writer.encrypt("secret")
    path = tmp_path / "encrypted.pdf"
    writer.write(path)
    error = assert_refused(path)
    assert "PDF 已加密" in str(error) and "encrypted" in str(error)


def test_pdf_without_text_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 300, 400, fill=1)  # a drawing, no text: what a scanned page looks like to the extractor
    pdf.showPage()
    pdf.save()
    assert "no extractable text" in str(assert_refused(path))


@pytest.mark.parametrize("name", ["report.docx", "report.markdown", "README", "report.pdf.exe"])
def test_unknown_suffix_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(SAMPLE, encoding="utf-8")
    assert "unsupported file type" in str(assert_refused(path))


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    assert ".txt" in SUPPORTED_SUFFIXES
    path = tmp_path / "REPORT.TXT"
    path.write_text(SAMPLE, encoding="utf-8")
    assert load_report(path).text == SAMPLE


def test_file_over_max_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    size = path.stat().st_size
    assert "too large" in str(assert_refused(path, max_bytes=size - 1))
    assert load_report(path, max_bytes=size).text == SAMPLE


def test_missing_file_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path / "missing.txt")


def test_message_stays_one_line_for_odd_names(tmp_path: Path) -> None:
    error = LoadError("a\nb.txt", "文件为空", "the file is empty")
    assert "\n" not in str(error) and isinstance(error, ValueError)

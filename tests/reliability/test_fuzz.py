"""Fuzzing with hypothesis, on inputs shaped like the real thing: windows of the two reports mutated by edits that
real extraction produces (lost or doubled line breaks, CRLF, stray tabs, captions and headings in odd places, full-
width spaces, figures glued to text), plus raw bytes for the loader. Nothing may crash; every offset must be exact.
"""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest.chunk import Chunker
from assistant.ingest.load import LoadError, decode_text, load_report
from assistant.core.models import ChunkKind
from assistant.ingest.structure import extract_tables, split_cells
from assistant.targets.units import convert, fmt, parse_compute_value
from tests.fixtures.reports import report_of

from .conftest import GUOLIAN, ROOT, TIANFENG

TEXTS = [(ROOT / "corpus" / name).read_text(encoding="utf-8") for name in (GUOLIAN, TIANFENG)]
PIECES = ["\t", "\t\t", "\n", "\n\n", "\r\n", "\r", " ", "\u3000", "。", "；", "！", "？", "图 3：", "图表12：", "表1:",
          "1、", "1.1 ", "2）", "► ", "----\t----", "2025年12EFlops", "超过2000P FLOPS", "15 EFLOPS以上", "0.28EFlops",
          "300 Pflops FP16 及以上", "1e3EFlops", "..", "北京", "🤖", "\u200b", "\ufeff", "“", "”", "（", "）", "\\", "a" * 50,
          "算" * 450, "分析师声明", "免责声明"]
# RELIABILITY_FUZZ_EXAMPLES=5000 (and RELIABILITY_FUZZ_RANDOM=1 for new seeds) for a long run; CI uses the defaults.
EXAMPLES = int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES", "300"))
DERANDOMIZE = os.environ.get("RELIABILITY_FUZZ_RANDOM", "") != "1"
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated_report_text(draw) -> str:
    source = TEXTS[draw(st.integers(0, len(TEXTS) - 1))]
    start = draw(st.integers(0, len(source) - 1))
    text = source[start:start + draw(st.integers(1, 4000))]
    for _ in range(draw(st.integers(0, 12))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "join-lines", "tabs-to-spaces", "duplicate-line"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 200)):]
        elif op == "join-lines":
            text = text[:at] + text[at:].replace("\n", "", 1)
        elif op == "tabs-to-spaces":
            text = text[:at] + text[at:].replace("\t", " ", 3)
        else:
            end = text.find("\n", at)
            line = text[at:end if end >= 0 else len(text)]
            text = text[:at] + line + "\n" + text[at:]
    return text


@SETTINGS
@given(text=mutated_report_text(), size=st.sampled_from([50, 120, 400, 1000]))
def test_chunker_on_mutated_reports(text: str, size: int) -> None:
    report = report_of(text, "fuzz.txt")
    chunker = Chunker(size)
    chunks = chunker.run(report)
    covered = bytearray(len(text))
    last = -1
    for c in chunks:
        assert 0 <= c.start < c.end <= len(text)
        assert c.text == text[c.start:c.end]
        assert c.text.strip() and c.report == report.id
        assert c.start >= last, "chunks out of order"
        last = c.start
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
        if c.kind == ChunkKind.TEXT:
            assert len(c.text) <= size
    missed = [i for i, ch in enumerate(text) if not covered[i] and not ch.isspace()]
    assert not missed, f"characters in no chunk: {[text[i] for i in missed[:10]]}"
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids)
    assert [c.id for c in chunker.run(report)] == ids


@SETTINGS
@given(text=mutated_report_text())
def test_table_parser_on_mutated_reports(text: str) -> None:
    report = report_of(text, "fuzz.txt")
    tables = extract_tables(report)
    assert len({t.id for t in tables}) == len(tables)
    for t in tables:
        assert 0 <= t.start <= t.end <= len(text) and t.report == report.id
        assert t.rows, t
        previous = t.start
        for row in t.rows:
            assert row.start >= previous and row.end <= t.end
            previous = row.end
            assert row.cells == split_cells(text[row.start:row.end].rstrip("\r"))
        if t.caption:  # the caption line above the table, or (Markdown style) the one just below it
            assert t.caption in text[:t.start] or t.caption in text[t.end:]


@SETTINGS
@given(text=mutated_report_text())
def test_unit_parser_on_mutated_reports(text: str) -> None:
    end = -1
    for found in parse_compute_value(text):
        assert text[found.start:found.end] == found.text
        assert found.start >= end, "overlapping values"
        end = found.end
        assert found.value == convert(found.number, found.unit_as_written.strip()[0])
        assert found.value >= 0


@SETTINGS
@given(text=mutated_report_text(),
       x=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
       unit=st.sampled_from(["EFlops", "EFLOPS", "P FLOPS", "PFLOPS", "Pflops", "TFLOPS", "ZFLOPS", "E flops"]))
def test_a_planted_value_is_found_exactly(text: str, x: Decimal, unit: str) -> None:
    at = len(text) // 2
    planted = f"{fmt(x)}{unit}"
    doc = f"{text[:at]}，{planted}，{text[at:]}"
    found = [f for f in parse_compute_value(doc) if f.start == at + 1]
    assert found, (planted, doc[at - 5:at + 30])
    assert found[0].value == convert(x, unit[0]) and found[0].text == planted


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE)
@given(data=st.binary(max_size=3000) | st.text(max_size=500).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_text_decoder_on_arbitrary_bytes(data: bytes) -> None:
    try:
        text, encoding = decode_text(data, "fuzz.txt")
    except LoadError as err:
        message = str(err)
        assert "fuzz.txt" in message and " / " in message and "\n" not in message
        return
    assert text.strip() and "\r" not in text and encoding


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    from .test_bad_files import make_pdf

    return make_pdf()


@settings(max_examples=max(40, EXAMPLES // 8), deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8)), min_size=1, max_size=6),
       cut=st.floats(0.05, 1.0))
def test_pdf_loader_on_damaged_pdfs(pdf_bytes: bytes, edits, cut, tmp_path_factory) -> None:
    data = bytearray(pdf_bytes[: max(8, int(len(pdf_bytes) * cut))])
    for where, junk in edits:
        at = int(where * (len(data) - 1))
        data[at:at + len(junk)] = junk
    path = tmp_path_factory.mktemp("pdf") / "damaged.pdf"
    path.write_bytes(bytes(data))
    try:
        report = load_report(path)
    except LoadError as err:
        assert "damaged.pdf" in str(err) and " / " in str(err)
        return
    for page in report.pages:
        assert 0 <= page.start <= page.end <= len(report.text)
    assert report.text.strip()


def test_decoder_keeps_utf16_and_gb18030_exact() -> None:
    sample = TEXTS[1][:3000]
    assert decode_text(b"\xff\xfe" + sample.encode("utf-16-le"), "a.txt")[0] == sample.replace("\r\n", "\n")
    assert decode_text(sample.encode("gb18030"), "b.txt")[0] == sample

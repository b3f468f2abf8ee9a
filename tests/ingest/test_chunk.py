"""Chunker properties on generated report-like texts, and examples on the two real reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.ingest.chunk import Chunker
from assistant.core.models import Chunk, ChunkKind, Report
from assistant.ingest.structure import extract_tables, split_cells
from tests.fixtures.reports import (CAPTION_BELOW, CORPUS, FIG3_CAPTION, FIG3_HEADER, GUOLIAN, LONE_PIPE_LINE,
                                    LONE_TAB_LINE, TIANFENG, TWO_BLANK_LINES, report_of)


# ---- a generator of report-like texts ----------------------------------------------------------------------

WORDS = ["算力", "智算中心", "数据中心", "国家", "枢纽节点", "建设", "规划", "政策", "地方", "预计", "同比", "提升",
         "东数西算", "网络", "应用", "人工智能", "大模型", "运营商", "服务器", "芯片", "英伟达", "华为", "北京", "上海",
         "2025 年", "2024年", "12EFlops", "107.1EFlops", "300%", "AI", "GPU", "FAST-41", "IDC", " ", "，", "、",
         "（", "）", "“", "”", "《", "》", "：", "-", "的", "和", "与", "将", "为", "是"]
ENDS = ["。", "！", "？", "；", "。”", "；"]


@dataclass
class TableSpec:
    caption: str
    caption_span: tuple[int, int]
    header: str
    header_span: tuple[int, int]
    rows: list[tuple[int, int]] = field(default_factory=list)  # body rows (line spans, without the newline)


@dataclass
class Doc:
    text: str
    tables: list[TableSpec]


def phrase(draw, lo: int, hi: int) -> str:
    # Starts with a noun (never a digit or punctuation), then a few words.
    words = draw(st.lists(st.sampled_from(WORDS), min_size=lo, max_size=hi))
    return draw(st.sampled_from(WORDS[:24])) + "".join(words).strip()


@st.composite
def sentence(draw) -> str:
    return phrase(draw, 1, 18) + draw(st.sampled_from(ENDS))


@st.composite
def long_sentence(draw) -> str:
    # No sentence end for a long stretch (a repeated phrase keeps generation fast): the chunker must hard-split it.
    return phrase(draw, 4, 12) * draw(st.integers(3, 25)) + draw(st.sampled_from(["", "。"]))


@st.composite
def paragraph(draw) -> list[str]:
    sentences = draw(st.lists(st.one_of(sentence(), sentence(), sentence(), long_sentence()), min_size=1, max_size=6))
    text = draw(st.sampled_from(["", "", "\u3000\u3000", " "])) + "".join(sentences)
    # Hard-wrapped paragraphs (PDF extraction): split into lines at arbitrary points, never before a digit
    # (a line starting "1) …" would be read as a heading, which is fine but not what we are generating).
    cuts = sorted(set(draw(st.lists(st.integers(1, max(1, len(text) - 1)), max_size=3))))
    lines, prev = [], 0
    for c in cuts:
        if c > prev and not text[c].isdigit() and text[c - 1:c + 1].strip() == text[c - 1:c + 1]:
            lines.append(text[prev:c])
            prev = c
    lines.append(text[prev:])
    return [line for line in lines if line.strip()] or [text]


@st.composite
def heading(draw) -> str:
    n = draw(st.integers(1, 9))
    title = phrase(draw, 1, 6)
    form = draw(st.sampled_from(["{n}、{t}", "{n}. {t}", "{n}.{m} {t}：{s}", "{n}.{m}.{k} {t}", "► {t}"]))
    return form.format(n=n, m=draw(st.integers(1, 9)), k=draw(st.integers(1, 9)), t=title, s=phrase(draw, 0, 4))


@st.composite
def cell(draw) -> str:
    kind = draw(st.sampled_from(["word", "date", "doc", "value", "long"]))
    if kind == "date":
        return f"{draw(st.integers(2018, 2026))}年{draw(st.integers(1, 12))}月"
    if kind == "doc":
        return "《" + phrase(draw, 1, 8) + "》"
    if kind == "value":
        return f"{draw(st.integers(2025, 2030))}年{draw(st.integers(1, 60))}EFlops"
    if kind == "long":
        return draw(sentence()) * draw(st.integers(2, 12))
    return phrase(draw, 0, 3)


@st.composite
def table(draw) -> dict:
    ncols = draw(st.integers(2, 5))
    header = "\t".join(draw(st.lists(st.sampled_from(["地区", "时间", "文件", "智算算力规划", "省市", "政策名称",
                                                     "重点内容", "发布单位"]), min_size=ncols, max_size=ncols)))
    rows = ["\t".join(draw(st.lists(cell(), min_size=ncols, max_size=ncols)))
            for _ in range(draw(st.integers(1, 12)))]
    return {
        "caption": draw(st.sampled_from(["图 {n}：{t}", "图{n}：{t}", "图表{n}：{t}", "表 {n}：{t}"])).format(
            n=draw(st.integers(1, 30)), t=phrase(draw, 1, 8)),
        "gap": draw(st.sampled_from(["\n", "\n\n"])),  # caption, then (maybe) a blank line, then the header
        "header": header,
        "rows": rows,
        "inner_blank": draw(st.sampled_from([None, None, None] + list(range(len(rows))))),
        "source": draw(st.sampled_from([None, "资料来源：各地政府网站，天风证券研究所"])),
        # Markdown reports put the caption under the table, then the source line
        "below": draw(st.booleans()),
    }


@st.composite
def report_doc(draw) -> Doc:
    blocks = draw(st.lists(st.one_of(heading(), paragraph(), paragraph(), table()), min_size=1, max_size=10))
    text, tables = "", []

    def add(s: str) -> tuple[int, int]:
        nonlocal text
        start = len(text)
        text += s
        return start, len(text)

    for i, block in enumerate(blocks):
        if i:
            add(draw(st.sampled_from(["\n\n", "\n\n", "\n\n\n", "\n  \n"])))
        if isinstance(block, str):
            add(block)
        elif isinstance(block, list):
            add("\n".join(block))
        else:
            spec = TableSpec(block["caption"], (0, 0), block["header"], (0, 0))
            if block["below"]:
                add("见下表。\n")  # prose above: a table just before it would otherwise run into this one
            else:
                spec.caption_span = add(block["caption"])
                add(block["gap"])
            spec.header_span = add(block["header"])
            for r, row in enumerate(block["rows"]):
                add("\n\n" if block["inner_blank"] == r else "\n")
                spec.rows.append(add(row))
            if block["below"]:
                add(block["gap"])
                spec.caption_span = add(block["caption"])
                add("\n" + (block["source"] or "资料来源：公司公告"))  # a source line: the caption is not the next table's
            elif block["source"]:
                add("\n" + block["source"])
            tables.append(spec)
    if draw(st.booleans()):
        add("\n")
    return Doc(text, tables)


# ---- the component on one-line reports ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, -5, 2.5, "400", True, None])
def test_chunk_size_must_be_a_whole_number_of_characters(size) -> None:
    with pytest.raises(ValueError, match="chunk_size"):  # -5 made no chunk at all, 0 stopped in range()
        Chunker(size)


ONE_LINERS = {  # a one-line report → the text of its one chunk
    "一、行业概览": "一、行业概览",
    "算力需求快速增长，智算中心加速建设。": "算力需求快速增长，智算中心加速建设。",
    "AI compute demand keeps rising.": "AI compute demand keeps rising.",
    "  前后有空格。  ": "前后有空格。",
    "2025年12EFlops": "2025年12EFlops",
}


def test_five_one_line_reports_give_one_exact_text_chunk_each() -> None:
    chunker = Chunker(400)
    for line, text in ONE_LINERS.items():
        [chunk] = chunker.run(report_of(line))
        assert (chunk.kind, chunk.text, chunk.report) == (ChunkKind.TEXT, text, "r.txt")
        assert line[chunk.start:chunk.end] == text
    assert chunker.run(report_of("")) == [] == chunker.run(report_of("\n \n"))


# ---- the chunker's tables are the structure pass's -----------------------------------------------------------


def table_chunks_by_table(report: Report, size: int) -> tuple[list, list[list[Chunk]]]:
    """The structure pass's tables, and for each the table chunks lying within its span (caption included)."""
    tables = extract_tables(report)
    chunks = Chunker(size).run(report)
    check_offsets_and_coverage(report, chunks)
    spans = [(min(t.start, t.caption_start if t.caption_start is not None else t.start),
              max(t.end, t.caption_end or t.end)) for t in tables]
    grouped = [[c for c in chunks if c.kind is ChunkKind.TABLE and s <= c.start and c.end <= e] for s, e in spans]
    assert sum(map(len, grouped)) == sum(c.kind is ChunkKind.TABLE for c in chunks), "a table chunk outside every table"
    return tables, grouped


@pytest.mark.parametrize("size", [30, 400])
def test_a_caption_below_the_table_is_its_chunks_caption(size: int) -> None:
    report = report_of(CAPTION_BELOW)
    [table], [chunks] = table_chunks_by_table(report, size)
    assert table.caption == "图表1：各省智算目标" and table.id == "r.txt#图表1"
    assert CAPTION_BELOW[table.caption_start:table.caption_end] == table.caption
    assert chunks and (size == 400) == (len(chunks) == 1)
    for c in chunks:
        assert c.caption == table.caption
        assert c.context.split("\n") == [table.caption, "| 省份 | 目标 |"]
    assert chunks[-1].end == table.end  # the caption line itself heads the source line and prose under the table
    [after] = [c for c in Chunker(size).run(report) if c.start >= table.end]
    assert after.kind is ChunkKind.TEXT and after.text.startswith(table.caption) and "资料来源" in after.text
    rows = [line for c in chunks for line in c.text.split("\n") if line.startswith("| ") and "---" not in line]
    assert [split_cells(r) for r in rows] == [table.header] + [r.cells for r in table.rows]


def test_two_blank_lines_make_two_tables_for_chunker_and_structure_alike() -> None:
    report = report_of(TWO_BLANK_LINES)
    (first, second), (first_chunks, second_chunks) = table_chunks_by_table(report, 400)
    assert [r.cells for r in first.rows] == [["2024", "1"], ["2025", "2"]]  # one blank line stays inside
    assert (second.caption, second.header) == ("", ["地区", "目标"])
    [a] = first_chunks
    [b] = second_chunks
    assert (a.caption, a.context) == ("图 2：两张表", "图 2：两张表\n年份\t规模")
    assert (b.caption, b.context) == ("", "地区\t目标")
    assert a.end == first.end and b.start == second.start


@pytest.mark.parametrize("text", [LONE_TAB_LINE, LONE_PIPE_LINE])
def test_a_lone_tab_or_pipe_line_is_prose_for_chunker_and_structure_alike(text: str) -> None:
    report = report_of(text)
    tables, _ = table_chunks_by_table(report, 400)
    chunks = Chunker(400).run(report)
    assert tables == [] and {c.kind for c in chunks} == {ChunkKind.TEXT}
    line = next(line for line in text.split("\n") if "\t" in line or "|" in line)
    assert any(line in c.text for c in chunks)


def test_the_chunker_groups_no_table_lines_itself() -> None:
    """Given the structure pass's tables the chunker uses them; given none, a tab table is prose to it."""
    report = report_of(TWO_BLANK_LINES)
    assert {c.kind for c in Chunker(400).run(report, tables=[])} == {ChunkKind.TEXT}
    assert Chunker(400).run(report, extract_tables(report)) == Chunker(400).run(report)


def test_a_line_too_long_for_a_row_is_prose_for_chunker_and_structure_alike() -> None:
    from assistant.ingest.structure import MAX_ROW_CHARS

    long = "甲\t" + "算" * MAX_ROW_CHARS
    report = report_of(f"图 1：x\n地区\t目标\n{long}\n北京\t45\n")
    assert extract_tables(report) == []  # header, then a line that is no row, then one row: no table
    chunks = Chunker(400).run(report)
    assert {c.kind for c in chunks} == {ChunkKind.TEXT} and all(len(c.text) <= 400 for c in chunks)


# ---- the properties ------------------------------------------------------------------------------------------


def check_offsets_and_coverage(report: Report, chunks: list[Chunk]) -> None:
    text = report.text
    assert chunks or not text.strip()
    prev_end = 0
    for c in chunks:
        assert c.report == report.id
        assert 0 <= c.start < c.end <= len(text), (c.start, c.end)
        assert text[c.start:c.end] == c.text, f"offsets of {c.id} do not match its text"
        assert c.text == c.text.strip(" \n\u3000"), f"untrimmed chunk {c.text!r}"
        assert c.start >= prev_end, f"chunks overlap or are out of order at {c.start}"
        prev_end = c.end
    covered = bytearray(len(text))
    for c in chunks:
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, f"{len(lost)} characters in no chunk, first at {lost[0]}: {text[lost[0]:lost[0] + 30]!r}"


def containing(chunks: list[Chunk], span: tuple[int, int]) -> Chunk | None:
    return next((c for c in chunks if c.start <= span[0] and span[1] <= c.end), None)


def check_tables(doc: Doc, chunks: list[Chunk], size: int) -> None:
    for t in doc.tables:
        for line in [t.header_span, *t.rows]:
            holder = containing(chunks, line)
            assert holder is not None, f"table row split: {doc.text[line[0]:line[1]]!r}"
        table_chunks = [c for c in chunks if c.start < t.rows[-1][1] and c.end > t.header_span[0]]
        assert table_chunks
        for c in table_chunks:
            assert c.kind == ChunkKind.TABLE, f"a chunk of table {t.caption!r} is not a table chunk"
            assert c.caption == t.caption
            assert t.caption in c.context.split("\n"), f"caption missing from context {c.context!r}"
            assert t.header in c.context.split("\n"), f"header missing from context {c.context!r}"
            # A table chunk holds table lines and its caption above only: nothing of the surrounding prose.
            assert min(t.caption_span[0], t.header_span[0]) <= c.start and c.end <= t.rows[-1][1]
        # A caption above opens the table's first chunk; one under the table heads the text that follows it (a
        # caption longer than a chunk is hard-split like any overlong line)
        if t.caption_span[1] - t.caption_span[0] > size:
            continue
        holder = containing(chunks, t.caption_span)
        assert holder and holder.kind is (ChunkKind.TABLE if t.caption_span < t.header_span else ChunkKind.TEXT)


def body_rows_in(doc: Doc, c: Chunk) -> int:
    return sum(1 for t in doc.tables for r in t.rows if c.start <= r[0] and r[1] <= c.end)


def check_sizes(doc: Doc, chunks: list[Chunk], size: int) -> None:
    for c in chunks:
        if len(c.text) <= size:
            continue
        # Text is cut at sentences, and a sentence longer than the limit is hard-split into pieces of at most
        # `size` characters, so only a table chunk may exceed the limit: one row (plus, for a table's first chunk,
        # the caption and header lines it also covers) that cannot be cut.
        assert c.kind == ChunkKind.TABLE, f"text chunk of {len(c.text)} > {size} characters"
        assert body_rows_in(doc, c) == 1, f"table chunk of {len(c.text)} > {size} characters holds several rows"


def check_ids(report: Report, chunker: Chunker, chunks: list[Chunk]) -> None:
    ids = [c.id for c in chunks]
    assert len(set(ids)) == len(ids), "duplicate chunk ids"
    assert [c.id for c in chunker.run(report)] == ids, "same input, different ids"
    other = chunker.run(report.model_copy(update={"id": "other.txt", "path": "other.txt"}))
    assert [c.text for c in other] == [c.text for c in chunks]
    assert not set(ids) & {c.id for c in other}, "two reports share chunk ids"


SIZES = st.sampled_from([50, 80, 120, 200, 400])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(doc=report_doc(), size=SIZES)
def test_chunker_properties(doc: Doc, size: int) -> None:
    report = report_of(doc.text)
    chunker = Chunker(size)
    chunks = chunker.run(report)
    check_offsets_and_coverage(report, chunks)
    check_tables(doc, chunks, size)
    check_sizes(doc, chunks, size)
    check_ids(report, chunker, chunks)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("算力。！？；\t\n 图3：1.、►ab\u3000")), max_size=300), size=SIZES)
def test_offsets_and_coverage_on_arbitrary_text(text: str, size: int) -> None:
    report = report_of(text)
    chunks = Chunker(size).run(report)
    check_offsets_and_coverage(report, chunks)
    assert all(len(c.text) <= size for c in chunks if c.kind == ChunkKind.TEXT)


def test_long_sentence_is_hard_split_into_pieces_within_the_limit() -> None:
    text = "算力" * 500 + "。"
    chunks = Chunker(120).run(report_of(text))
    assert len(chunks) == 9
    assert all(len(c.text) <= 120 for c in chunks)
    assert "".join(c.text for c in chunks) == text


def test_a_row_longer_than_the_limit_stays_whole() -> None:
    row = "北京\t2024年4月\t" + "《北京市算力基础设施建设实施方案》" * 10 + "\t2025年45EFlops"
    text = "图 1：测试\n地区\t时间\t文件\t智算算力规划\n短\t行\t一\t二\n" + row + "\n末\t行\t三\t四"
    chunks = Chunker(60).run(report_of(text))
    long = [c for c in chunks if row in c.text]
    assert len(long) == 1 and long[0].text == row
    assert all(c.kind == ChunkKind.TABLE and "图 1：测试" in c.context for c in chunks)


def test_edit_changes_only_the_ids_of_edited_chunks() -> None:
    text = (CORPUS / TIANFENG).read_text(encoding="utf-8")
    chunker = Chunker(400)
    before = chunker.run(report_of(text, TIANFENG))
    edited = text.replace("107.1EFlops", "117.1EFlops", 1)
    after = chunker.run(report_of(edited, TIANFENG))
    changed = {c.id for c in after} - {c.id for c in before}
    assert 1 <= len(changed) <= 2
    assert all("117.1EFlops" in c.text for c in after if c.id in changed)


# ---- the two real reports ------------------------------------------------------------------------------------



def real(name: str) -> Report:
    from assistant.ingest.load import load_report

    return load_report(CORPUS / name)


@pytest.mark.parametrize("name", [TIANFENG, GUOLIAN])
@pytest.mark.parametrize("size", [100, 200, 400, 800])
def test_real_reports_offsets_coverage_ids(name: str, size: int) -> None:
    report = real(name)
    chunker = Chunker(size)
    chunks = chunker.run(report)
    check_offsets_and_coverage(report, chunks)
    check_ids(report, chunker, chunks)
    # No tab-separated line is cut.
    pos = 0
    for line in report.text.split("\n"):
        if "\t" in line and line.strip():
            stripped_start = pos + len(line) - len(line.lstrip(" \u3000"))
            assert containing(chunks, (stripped_start, pos + len(line.rstrip()))), f"row split: {line[:40]!r}"
        pos += len(line) + 1
    assert all(len(c.text) <= size for c in chunks if c.kind == ChunkKind.TEXT)


@pytest.mark.parametrize("size", [100, 200, 400])
def test_tianfeng_figure_3_chunks_carry_caption_and_header(size: int) -> None:
    report = real(TIANFENG)
    chunks = Chunker(size).run(report)
    fig3 = [c for c in chunks if c.kind == ChunkKind.TABLE and c.caption == FIG3_CAPTION]
    assert fig3, "no 图 3 table chunk"
    for c in fig3:
        assert FIG3_CAPTION in c.context.split("\n")
        assert FIG3_HEADER in c.context.split("\n")
        assert FIG3_CAPTION in c.embed_text and FIG3_HEADER in c.embed_text
    rows_text = "\n".join(c.text for c in fig3)
    for row in ["安徽\t2023年12月", "北京\t2024年4月\t《北京市算力基础设施建设实施方案（2024—2027年）》\t2025年45EFlops",
                "陕西\t2024年5月"]:
        assert row in rows_text
    assert sum(line.count("EFlops") for c in fig3 for line in c.text.split("\n")) == 13


def test_guolian_tables_carry_their_captions_and_two_line_header() -> None:
    chunks = Chunker(400).run(real(GUOLIAN))
    captions = {c.caption for c in chunks if c.kind == ChunkKind.TABLE and c.caption}
    assert {f"图表{n}" for n in range(2, 10)} <= {cap.split("：")[0] for cap in captions}
    fig2 = [c for c in chunks if c.caption.startswith("图表2")]
    assert fig2
    for c in fig2:
        assert "时间\t发布单位\t政策\t关键词\t\t\t" in c.context
        assert "\t\t\t算力\t应用\t网络\t东数西算" in c.context

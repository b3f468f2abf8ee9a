"""The one table rule (assistant/ingest/structure.py): tab, Markdown pipe and space-aligned runs → Table with a
caption key and exact offsets; on the two reports and on one-line in-memory texts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.core.models import ChunkKind, Report
from assistant.ingest.chunk import Chunker
from assistant.ingest.structure import extract_tables, find_table, split_cells
from tests.fixtures.reports import (CAPTION_BELOW, GUOLIAN, LONE_PIPE_LINE, LONE_TAB_LINE, TIANFENG, TWO_BLANK_LINES,
                                    corpus_report, report_of)


@pytest.fixture(scope="module")
def reports():
    return {name: corpus_report(name) for name in (TIANFENG, GUOLIAN)}


def assert_offsets_exact(report: Report, tables):
    for table in tables:
        assert table.report == report.id
        for row in table.rows:
            line = report.text[row.start : row.end]
            assert "\n" not in line
            assert split_cells(line) == row.cells
        assert split_cells(report.text[table.start : table.end].split("\n")[0])[0] == table.header[0]


def test_tianfeng_figure3(reports):
    report = reports[TIANFENG]
    [table] = find_table(extract_tables(report), "图3")
    assert table.id == f"{TIANFENG}#图3"
    assert table.caption == "图 3：各地智算规划多以 25 年为目标"
    assert table.header == ["地区", "时间", "文件", "智算算力规划"]
    assert len(table.rows) == 13
    assert [r.cells[0] for r in table.rows] == [
        "安徽", "重庆", "深圳", "福建省福州市", "山西", "广东", "河南", "上海", "北京", "甘肃", "江苏", "河北", "陕西",
    ]
    assert table.rows[0].cells[3] == "2025年12EFlops"
    assert report.text[table.rows[0].start : table.rows[0].end].startswith("安徽\t2023年12月\t")


def test_guolian_policy_tables(reports):
    report = reports[GUOLIAN]
    tables = extract_tables(report)
    ids = [t.id.split("#")[1] for t in tables]
    assert {f"图表{n}" for n in range(2, 10)} <= set(ids)
    assert len(ids) == len(set(ids))
    [t3] = find_table(tables, "#图表3")
    assert not any(set("".join(r.cells)) <= set("-") for r in t3.rows)  # `----\t------` skipped
    [t7] = find_table(tables, "图表 7")
    assert t7.caption == "图表7：部分省市算力基建相关政策"
    assert t7.header == ["省市", "时间", "政策名称", "重点内容"]
    continuation = [r for r in t7.rows if r.cells[0] == ""]  # second policy of 四川/湖南/河南 keeps its own row
    assert len(continuation) == 3
    # the table of contents has tabs but no caption: it falls back to a numbered id
    toc = [t for t in tables if not t.caption]
    assert toc and all("#table-" in t.id for t in toc)


def test_all_corpus_offsets_exact(reports):
    for report in reports.values():
        assert_offsets_exact(report, extract_tables(report))


def test_caption_rules():
    near = "图表 5：测试\n\n年\t值\n2025\t1\n"
    far = "图 1：远处\n一\n二\n三\n四\n年\t值\n2025\t1\n"
    [t] = extract_tables(report_of(near))
    assert t.id == "r.txt#图表5" and t.caption == "图表 5：测试"
    [t] = extract_tables(report_of(far))
    assert t.caption == "" and t.id == "r.txt#table-1"


CAPTION_LAYOUTS = [("图表 7 各省智算规划", "图表7"), ("表1、各省光伏目标", "表1"), ("Table 2: Targets", "Table2"),
                   ("图3：各地目标", "图3"), ("图 12 目标（单位：EFLOPS）", "图12")]


def test_every_caption_layout_keys_its_table_and_the_chunker_reads_the_same_caption():
    """Five one-table reports, one per caption layout: the table id takes the caption's key (so a lookup by 图表N
    finds it), and the chunker's table chunk carries the same caption."""
    for caption, key in CAPTION_LAYOUTS:
        report = report_of(f"{caption}\n省份\t目标\n北京\t45\n上海\t30\n")
        [table] = extract_tables(report)
        assert (table.id, table.caption, table.header) == (f"r.txt#{key}", caption, ["省份", "目标"]), caption
        assert find_table([table], key) == [table]
        assert {c.caption for c in Chunker(400).run(report) if c.kind is ChunkKind.TABLE} == {caption}


def test_blank_line_inside_table_and_crlf():
    text = "图 2：x\r\na\tb\r\n1\t2\r\n\r\n3\t4\r\n\r\n\r\n5\t6\r\n7\t8\r\n"
    first, second = extract_tables(report_of(text))
    assert [r.cells for r in first.rows] == [["1", "2"], ["3", "4"]]
    assert first.id.endswith("#图2")
    assert second.header == ["5", "6"]
    assert_offsets_exact(report_of(text), [first, second])


def test_single_tab_line_is_not_a_table():
    assert extract_tables(report_of("图 1：x\na\tb\n正文\n")) == []


LINE_PIECES = st.sampled_from(["\t", "\t", "\n", "\r\n", " ", "图 3：", "图表12：", "表1:", "----", "—", "a", "北京", "2025年12EFlops", ""])


@given(st.lists(LINE_PIECES, max_size=80).map("".join) | st.text(max_size=200))
def test_table_parser_fuzz(text):
    report = report_of(text)
    tables = extract_tables(report)
    assert len({t.id for t in tables}) == len(tables)
    for t in tables:
        assert t.rows and t.start <= t.end
    assert_offsets_exact(report, tables)


def test_markdown_pipe_table_is_one_table_with_exact_offsets():
    text = ("表3：各省光伏装机规划目标\n| 省份 | 发布日期 | 目标 |\n| --- | --- | --- |\n"
            "| 山东 | 2023年7月 | 到2025年光伏装机达到65GW |\n| 云南 | 2024-03-15 | 到2025年光伏装机达到30GW |\n\n正文。\n")
    report = report_of(text)
    [table] = extract_tables(report)
    assert table.id.endswith("#表3") and table.header == ["省份", "发布日期", "目标"]
    assert [r.cells for r in table.rows] == [["山东", "2023年7月", "到2025年光伏装机达到65GW"],
                                             ["云南", "2024-03-15", "到2025年光伏装机达到30GW"]]
    assert_offsets_exact(report, [table])
    assert split_cells("| a | b |") == ["a", "b"] and split_cells("a | b") == ["a | b"]  # prose with a bar is no row


SPACED = (
    "正文一段。\n"
    "表2 重点公司盈利预测（单位：百万元）\n"
    "公司        2023A      2024E      2025E\n"
    "甲公司      1,200      1,380      1,610\n"
    "乙公司      860        990        1,150\n"
    "资料来源：公司公告\n"
)


def test_space_aligned_columns_are_one_table_with_exact_offsets():
    report = report_of(SPACED)
    (table,) = extract_tables(report)
    assert table.id.endswith("#表2")
    assert table.header == ["公司", "2023A", "2024E", "2025E"]
    assert [r.cells for r in table.rows] == [["甲公司", "1,200", "1,380", "1,610"], ["乙公司", "860", "990", "1,150"]]
    for row in table.rows:
        assert SPACED[row.start:row.end].startswith(row.cells[0])


def test_two_spaced_lines_or_lines_without_figures_are_not_a_table():
    assert extract_tables(report_of("地址：北京市  朝阳区  某路\n电话：010  1234  5678\n")) == []
    assert extract_tables(report_of("风险  提示  一\n市场  竞争  加剧\n政策  变化  风险\n")) == []


def test_chunker_and_units_read_the_same_rows_for_every_layout():
    """Tab, pipe and space-aligned tables give table chunks whose evidence units are the table's body rows."""
    from assistant.ingest.units import header_cells, unit_spans

    tab = SPACED.replace("        ", "\t").replace("      ", "\t")
    pipe = "表2 重点公司盈利预测\n\n| 公司 | 2023A | 2024E |\n|---|---|---|\n| 甲公司 | 1,200 | 1,380 |\n| 乙公司 | 860 | 990 |\n"
    for text in (SPACED, tab, pipe):
        report = report_of(text)
        (table,) = extract_tables(report)
        chunks = [c for c in Chunker(400).run(report) if c.kind.value == "table"]
        assert chunks and header_cells(chunks[0]) == table.header
        rows = [text[c.start + s.start:c.start + s.end] for c in chunks for s in unit_spans(c)]
        assert [split_cells(r) for r in rows] == [r.cells for r in table.rows]


def test_caption_offsets_above_and_below():
    """The caption's offsets are kept (the chunker's table chunks cover that line): above, or under a Markdown table."""
    above = report_of("正文。\n  图表 5：测试\n\n年\t值\n2025\t1\n")
    [t] = extract_tables(above)
    assert above.text[t.caption_start:t.caption_end] == t.caption == "图表 5：测试"
    [t] = extract_tables(report_of(CAPTION_BELOW))
    assert t.caption == "图表1：各省智算目标" and CAPTION_BELOW[t.caption_start:t.caption_end] == t.caption
    assert t.caption_start > t.end
    [first, second] = extract_tables(report_of(TWO_BLANK_LINES))
    assert TWO_BLANK_LINES[first.caption_start:first.caption_end] == "图 2：两张表"
    assert (second.caption, second.caption_start, second.caption_end) == ("", None, None)
    assert extract_tables(report_of(LONE_TAB_LINE)) == [] == extract_tables(report_of(LONE_PIPE_LINE))


def test_a_caption_between_two_tables_is_the_second_ones_even_when_space_aligned():
    """A caption under table A introduces table B when B follows it; B may be a space-aligned table (not only a tab
    or pipe one) — the caption is B's alone, never both tables'."""
    text = "| 省份 | 目标 |\n| --- | --- |\n| 北京 | 45 |\n\n" + SPACED.split("\n", 1)[1]
    a, b = extract_tables(report_of(text))
    assert (a.caption, a.caption_start) == ("", None)
    assert b.caption == "表2 重点公司盈利预测（单位：百万元）" and b.caption_start < b.start

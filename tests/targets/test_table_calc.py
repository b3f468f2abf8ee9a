"""targets/table_calc.py: aggregates over named tables of three layouts, on tiny in-memory tables."""

from decimal import Decimal

from assistant.core.models import Table, TableRow
from assistant.targets.table_calc import asked_unit, table_total


def table(caption: str, header: list[str], rows: list[list[str]]) -> Table:
    return Table(id=f"r.txt#{caption[:3]}", report="r.txt", caption=caption, header=header, start=0, end=1,
                 rows=[TableRow(cells=r, start=i * 10, end=i * 10 + 5) for i, r in enumerate(rows)])


YEARS_DOWN = table("图表1：乳制品行业经营数据", ["年份", "营收（亿元）", "净利润（亿元）"],
                   [["2020", "6385", "426"], ["2021", "6500", "450.5"], ["2022", "6660", "480"], ["2023", "6900", "—"]])
YEARS_ACROSS = table("图表 2：风电装机预测", ["指标", "2022A", "2023A", "2024E"],
                     [["新增装机（GW）", "37", "76", "80"], ["新增装机同比", "—", "105%", "5%"]])
ENTITIES = table("表3：保险公司保费", ["公司", "2023年原保费收入", "增速"],
                 [["甲保险", "1.2万亿元", "5%"], ["乙保险", "8000亿元", "3%"], ["丙保险", "950亿元", "9%"]])


def test_years_down_the_side_sum_over_a_range():
    t = table_total("图表1中，2020—2022年净利润合计多少亿元？", [YEARS_DOWN])
    assert t.value == Decimal("1356.5") and t.unit == "亿元" and [x.label for x in t.terms] == ["2020", "2021", "2022"]
    assert t.expression == "426 + 450.5 + 480 = 1356.5 亿元"


def test_missing_cells_are_left_out_not_zero():
    t = table_total("图表1里历年净利润最低是多少？", [YEARS_DOWN])
    assert t.op == "min" and t.value == Decimal("426") and len(t.terms) == 3


def test_years_across_the_top_pick_the_row():
    t = table_total("Using Figure 2, what were total wind additions over 2022–2023 in GW?", [YEARS_ACROSS])
    assert t is not None and t.value == Decimal("113") and t.measure == "新增装机（GW）"


def test_entity_rows_convert_cell_units_to_one():
    t = table_total("表3中三家公司2023年原保费收入合计多少亿元？", [ENTITIES])
    assert t.value == Decimal("20950") and t.unit == "亿元"


def test_no_named_table_or_no_aggregate_word_gives_none():
    assert table_total("2020年净利润合计多少？", [YEARS_DOWN]) is None  # which table?
    assert table_total("图表1中2021年的净利润是多少？", [YEARS_DOWN]) is None  # a lookup, not an aggregate


def test_asked_unit():
    assert asked_unit("合计多少万千瓦？") == "万千瓦" and asked_unit("what is the total in 亿元?") == "亿元"
    assert asked_unit("合计多少？") == ""


def test_an_of_which_row_wins_only_on_a_specific_match():
    t = table("图表 4：手机出货", ["指标", "2022A", "2023A"],
              [["出货量（亿部）", "12.1", "11.6"], ["其中：折叠屏出货量占比", "1.2", "1.6"], ["其中：中国市场出货量", "2.9", "2.7"]])
    assert table_total("图表4中2022—2023年出货量合计多少？", [t]).measure == "出货量（亿部）"
    assert table_total("图表4中2022—2023年中国市场出货量合计多少？", [t]).measure == "其中：中国市场出货量"

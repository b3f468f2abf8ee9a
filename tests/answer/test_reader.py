"""The direct answer: the figure or date read off the best unit, or none where the unit does not single one out."""

from assistant.answer.evidence import Coverage, question_terms, units_of
from assistant.answer.reader import AnswerKind, Reader, answer_kind, holds_unit, in_english, unit_asked
from assistant.core.models import Chunk, ChunkKind


def _units(text: str, context: str = "", table: bool = False):
    return units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text),
                          kind=ChunkKind.TABLE if table else ChunkKind.TEXT, context=context))


def _read(question: str, unit, kind: AnswerKind | None = None):
    cov = Coverage({}, 10)
    kind = kind or answer_kind(question, True)
    return Reader(question_terms(question), cov.weight).run(question, unit, kind)


SHIPS = "2023年北辰船舶交付新船48艘，合计载重吨860万吨，同比增长21.5%，占全球交付量的9.2%。"


def test_the_figure_next_to_the_words_asked_is_the_answer():
    [unit] = _units(SHIPS)
    assert _read("2023年北辰船舶交付载重吨是多少？", unit) == "860万吨"
    assert _read("北辰船舶2023年载重吨同比增长多少？", unit) == "21.5%"
    assert _read("北辰船舶占全球交付量的比重是多少？", unit) == "9.2%"  # a share asked: a percentage


def test_no_direct_answer_where_the_unit_does_not_single_one_out():
    [unit] = _units(SHIPS)
    assert _read("2022年北辰船舶交付载重吨是多少？", unit) is None  # the figures are 2023's
    assert _read("北辰船舶的订单金额是多少？", unit, AnswerKind.MONEY) is None  # no amount of money in it
    [two] = _units("华东区域收入12亿元，华南区域收入9亿元。")
    assert _read("区域收入是多少？", two) is None  # two figures as near to what is asked


def test_a_date_asked_is_read_off_the_unit_not_off_a_documents_title():
    [unit] = _units("2023年8月，交通运输部印发《绿色航运发展行动方案（2024—2030年）》，推动新能源船舶应用。")
    assert answer_kind("这份方案是什么时候印发的？", False) is AnswerKind.DATE
    assert _read("绿色航运发展行动方案是什么时候印发的？", unit, AnswerKind.DATE) == "2023年8月"
    assert answer_kind("哪一年交付最多？", True) is AnswerKind.FIGURE  # a table's largest row, not a date


def test_a_table_row_answers_with_the_cell_of_the_year_asked():
    [row] = _units("北辰船舶\t48\t55\t61", context="图表5：船企交付量预测（艘）\n公司\t2023A\t2024E\t2025E",
                   table=True)
    assert _read("北辰船舶2024年交付量预测是多少？", row) == "北辰船舶，2024E：55"
    assert _read("北辰船舶2030年交付量预测是多少？", row) is None


def test_the_unit_asked_is_one_the_evidence_must_state():
    assert unit_asked("华东2025年算力目标是多少EFlops？") == "EFlops"
    assert unit_asked("What storage capacity (in GWh) is planned?") == "GWh"
    assert unit_asked("产量是多少万千升？") == "万千升"
    assert unit_asked("有多少家船企？") == ""  # counted things may be answered by naming them
    assert holds_unit(["目标12EFLOPS"], "EFlops") and not holds_unit(["产业规模2000亿元"], "EFlops")
    assert holds_unit(["新增装机（GW）\t50"], "万千瓦")  # the registry converts: GW and 万千瓦 are one family
    assert holds_unit(["百公里油耗2.9L"], "升") and not holds_unit(["百公里电耗15度"], "升")


def test_english_reads_the_figure_and_the_date_as_written_in_english():
    assert in_english("860万吨", AnswerKind.FIGURE) == "8.6 million tonnes (860万吨)"
    assert in_english("21.5%", AnswerKind.FIGURE) == "21.5%"
    assert in_english("2023年8月", AnswerKind.DATE) == "August 2023 (2023年8月)"
    assert in_english("2024年1月25日", AnswerKind.DATE) == "January 25, 2024 (2024年1月25日)"
    assert in_english("2024年二季度", AnswerKind.DATE) == "Q2 2024 (2024年二季度)"

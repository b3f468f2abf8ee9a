"""Aligning LLM answer sentences to the passages they were given (no index, no server: units built by hand)."""

from __future__ import annotations

import pytest

from assistant.answer.align import align, figures, key_terms
from assistant.answer.evidence import units_of
from assistant.answer.llm import copied_back, degenerate, is_english
from assistant.core.models import Chunk, ChunkKind, LLMFallback

ROWS = "北京\t2024年4月\t《北京市算力基础设施建设实施方案》\t2025年45EFlops\n上海\t2024年1月\t《上海市智能算力行动方案》\t2025年30EFlops"
TEXT = "该工作组将由国家经济委员会、国家安全委员会和白宫副幕僚长办公室领导。2022年美国占全球算力规模的34%，中国占33%。"


def _units():
    table = Chunk(id="t1", report="tianfeng.txt", text=ROWS, start=0, end=len(ROWS), kind=ChunkKind.TABLE,
                  context="图 3：各地智算规划\n地区\t时间\t文件\t智算算力规划")
    prose = Chunk(id="p1", report="tianfeng.txt", text=TEXT, start=500, end=500 + len(TEXT))
    return units_of(table) + units_of(prose)


@pytest.fixture(scope="module")
def passages():
    units = _units()
    assert len(units) == 4, [u.text for u in units]
    return units  # 1 北京 row, 2 上海 row, 3 工作组 sentence, 4 份额 sentence


def test_figures_are_normalised():
    assert figures("１,000 亿元 [2]，增长 12.50%") == {"1000", "12.5"}
    assert figures("1. 北京 45EFlops") == {"45"}  # a list number is not a figure


def test_model_markers_kept_when_they_support(passages):
    [a] = align("北京 2025 年 45EFlops [1]。", passages)
    assert a.cites == [1] and not a.realigned and not a.dropped


def test_missing_marker_attached_post_hoc(passages):
    [a] = align("北京 2025 年的目标是 45EFlops。", passages)
    assert a.cites == [1] and a.realigned


def test_wrong_marker_replaced(passages):
    [a] = align("上海 2025 年的目标是 30EFlops [1]。", passages)
    assert a.cites == [2] and a.realigned


def test_marker_after_the_full_stop_belongs_to_the_sentence(passages):
    aligned = align("北京为 45EFlops。[1]上海为 30EFlops。[2]", passages)
    assert [a.cites for a in aligned] == [[1], [2]]
    assert not any(a.realigned for a in aligned)


def test_figures_from_two_passages(passages):
    [a] = align("北京 45EFlops，上海 30EFlops。", passages)
    assert sorted(a.cites) == [1, 2]


def test_unsupported_figure_dropped(passages):
    aligned = align("北京 45EFlops [1]。天津 77EFlops [1]。", passages)
    assert [a.dropped for a in aligned][0] == ""
    assert "77" in aligned[1].dropped


def test_sentence_without_support_dropped(passages):
    [a] = align("算力产业前景广阔，值得长期关注。", passages)
    assert a.dropped


def test_names_without_figures_aligned_by_terms(passages):
    [a] = align("工作组由国家经济委员会、国家安全委员会和白宫副幕僚长办公室牵头。", passages)
    assert a.cites == [3]


def test_english_sentence_with_chinese_names(passages):
    [a] = align("The US held 34% and China (中国) 33% of global computing power in 2022.", passages)
    assert a.cites == [4]
    assert key_terms("Beijing (北京) plans 45 EFlops")  # names in brackets and EFLOPS are terms


def test_year_short_form():
    text = "各地智算规划多以 25 年为目标，北京规划 45EFlops。"
    unit = units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))
    [a] = align("北京在 2025 年的目标为 45EFlops。", unit)
    assert a.cites == [1]


Q = "北京的智算算力规划是多少？"


@pytest.mark.parametrize(("reply", "reason"), [
    ("", LLMFallback.EMPTY), ("  [1] ", LLMFallback.MARKER_ONLY), ("[1]。[2]", LLMFallback.MARKER_ONLY),
    ("北京的智算算力规划是多少？", LLMFallback.QUESTION_REPEATED),
    ("北京的智算算力规划是多少 [1]", LLMFallback.QUESTION_REPEATED),
    ("Beijing plans 45 EFlops [1].", LLMFallback.WRONG_LANGUAGE),
    ("北京 45EFlops [1]。" * 60, LLMFallback.TOO_LONG),
])
def test_degenerate(reply, reason, passages):
    problem = degenerate(reply, Q, [u.text for u in passages], 600)
    assert problem is not None and problem.reason is reason


def test_copied_back(passages):
    texts = [u.text for u in passages]
    assert copied_back("\n".join(f"[{n}] {t}" for n, t in enumerate(texts, 1)), texts)
    assert copied_back("<passage>\n北京\n</passage>", texts)
    assert not copied_back("北京 2025 年的目标是 45EFlops [1]。", texts)
    assert not copied_back(texts[2] + " [3]", texts)  # quoting the one passage that answers is fine


def test_good_replies_are_not_degenerate(passages):
    texts = [u.text for u in passages]
    assert degenerate("北京 2025 年的目标是 45EFlops [1]。", Q, texts, 600) is None
    assert degenerate("Beijing (北京) plans 45 EFlops by 2025 [1].", "What is Beijing's target?", texts, 600) is None
    assert degenerate("北京计划到2025年达到45EFlops [1]。", "What is Beijing's target?", texts, 600).reason \
        is LLMFallback.WRONG_LANGUAGE


def test_is_english():
    assert is_english("Kweichow Moutai (贵州茅台), Shanxi Fenjiu (山西汾酒) and Luzhou Laojiao (泸州老窖) [1].")
    assert not is_english("北京计划到2025年智算算力达到45EFlops [1]。")


def test_not_found_only_when_nothing_else_is_said():
    from assistant.answer.llm import says_not_found

    assert says_not_found("报告中未找到")
    assert says_not_found("The reports do not say.")
    assert not says_not_found("中国移动、中国联通、中国电信。报告中未找到。")


SCALED = "我们预计2024年全球半导体销售额达到5880亿美元，同比增长12.9%。内蒙古2025年新型储能目标1000万千瓦以上。"


@pytest.fixture(scope="module")
def scaled_passages():
    units = units_of(Chunk(id="s1", report="qinglan.txt", text=SCALED, start=0, end=len(SCALED)))
    assert len(units) == 2, [u.text for u in units]
    return units


@pytest.mark.parametrize(("sentence", "cites"), [
    ("Global semiconductor sales will reach 5880亿美元 in 2024 [1].", [1]),  # as the passage writes it
    ("Global semiconductor sales will reach 588 billion dollars in 2024 [1].", [1]),  # converted right
    ("Inner Mongolia (内蒙古) targets 10 GW of new energy storage by 2025 [2].", [2]),
])
def test_a_figure_in_another_magnitude_or_unit_of_the_same_value_is_supported(scaled_passages, sentence, cites):
    [a] = align(sentence, scaled_passages)
    assert a.cites == cites and not a.dropped, a


@pytest.mark.parametrize(("sentence", "why"), [
    # 亿 is 10^8: "5880 billion" is ten times the passage's figure, though its digits are there
    ("Global semiconductor sales will reach 5880 billion dollars in 2024 [1].", "['5880 billion'] which no passage"),
    # 1000万千瓦 is 10 GW, not 1000 MW
    ("Inner Mongolia (内蒙古) targets 1000 MW of new energy storage by 2025 [2].", "['1000 MW'] in another unit"),
])
def test_a_figure_converted_wrongly_is_removed(scaled_passages, sentence, why):
    [a] = align(sentence, scaled_passages)
    assert a.dropped and why in a.dropped, a


def test_period_labels_are_not_figures():
    # "Q1 2024" names 2024年一季度: the passage writes the quarter in words, so "1" is no figure it must hold
    assert figures("Net profit rose 5% in Q1 2024") == {"5", "2024"}
    assert figures("2024Q1净息差1.58%") == {"2024", "1.58"}
    assert figures("H1 2024 sales 41.6GW") == {"2024", "41.6"}
    assert figures("H100 GPUs") == {"100"}  # a model name keeps its number


def _prose(text: str, context: str = "") -> list:
    return units_of(Chunk(id="p9", report="heming.txt", text=text, start=0, end=len(text), context=context))


def test_a_figure_is_held_where_the_passage_speaks_of_the_sentences_subject():
    units = _prose("茅台、五粮液等六家头部酒企2023年营收合计3438亿元，占规上企业销售收入的45.1%。"
                   "2023年规上白酒企业完成销售收入7620亿元。")
    [wrong] = align("2023年规上白酒企业销售收入为3438亿元 [1]。", units)
    assert wrong.dropped and "something else" in wrong.dropped  # 3438 is the six firms' revenue
    [right] = align("2023年规上白酒企业销售收入为7620亿元 [1]。", units)
    assert not right.dropped and right.cites == [2]
    [share] = align("六家头部酒企营收合计3438亿元，占规上企业销售收入的45.1% [1]。", units)
    assert not share.dropped


def test_a_year_holds_no_figure_of_another_kind():
    units = _prose("上海2025年智算规模30EFlops。", context="3、地方智算 25/26 年景气度有望进一步提升")
    [a] = align("上海为30EFlops，北京为25EFlops [1]。", units)
    assert a.dropped and "25" in a.dropped  # "25/26 年" in the heading is a year
    units = _prose("上海2025年智算规模30EFlops，地方智算25/26年景气度有望进一步提升。")
    [b] = align("地方智算25/26年景气度有望提升 [1]。", units)  # the sentence's own years: held
    assert not b.dropped


def test_figures_are_shown_as_the_passage_writes_them(passages):
    from assistant.answer.align import as_written

    units = _prose("贵州茅台2024E EPS为66.50元，2025E为75.80元，PE 2024E为22.3倍。")
    assert as_written("茅台2024E EPS为66.5元，PE为22.3倍", units) == "茅台2024E EPS为66.50元，PE为22.3倍"
    assert as_written("2月上调至66.5元", units).endswith("66.50元") and as_written("增长5%", units) == "增长5%"


def test_a_month_is_no_figure_to_attribute():
    units = _prose("国内看,2022 年 2 月,中国正式启动建设八大国家算力枢纽节点,同时规划建设了十个国家数据中心集群。")
    [a] = align("2022年2月，中国正式启动建设八大国家算力枢纽节点 [1]。", units)
    assert not a.dropped


def test_a_figure_moved_to_another_year_is_removed():
    units = _prose("存款利率多轮下调的效果逐步显现，我们预计2024年全年上市银行净息差约1.55%，2025年降幅进一步收窄至5bp左右。")
    [moved] = align("星垣预计2025年上市银行净息差约1.55% [1]。", units)
    assert moved.dropped and "another year" in moved.dropped
    [kept] = align("星垣预计2024年上市银行净息差约1.55% [1]。", units)
    assert not kept.dropped and kept.cites == [1]
    [undated] = align("上市银行净息差约1.55% [1]。", units)  # the sentence names no year: nothing to move
    assert not undated.dropped


def test_a_span_of_years_covers_the_years_between():
    units = _prose("我们预计2024—2026年国内新型储能新增装机分别为38.0GW、50.0GW、63.0GW。")
    [a] = align("2025年国内新型储能新增装机50.0GW [1]。", units)
    assert not a.dropped


def test_a_row_figure_is_dated_by_its_column():
    table = Chunk(id="t2", report="heming.txt", text="贵州茅台\t58.20\t66.50\t75.80", start=0, end=19,
                  kind=ChunkKind.TABLE, context="表 1：盈利预测\n公司\tEPS 2023A\tEPS 2024E\tEPS 2025E")
    units = units_of(table)
    [right] = align("贵州茅台2024E EPS为66.50元 [1]。", units)
    assert not right.dropped
    [wrong] = align("贵州茅台2025年EPS为66.50元 [1]。", units)
    assert wrong.dropped and "another year" in wrong.dropped

"""The router reads what narrows a total: exclusions, a stated count, provinces only, a metric named by a table's
own words — question by question, without an index."""

from assistant.answer.route import route
from assistant.core.models import Op

KNOWN = ["江苏", "上海", "安徽", "合肥", "广东", "山东", "贵州"]
METRICS = ["产业规模", "普惠小微贷款余额", "光伏装机", "智算"]


def test_exclusions_are_not_asked_regions():
    q = route("7个省市2025年集成电路目标里，去掉江苏和上海，剩下5个合计多少亿元？", KNOWN, (), METRICS)
    assert q.exclude_regions == ["江苏", "上海"] and q.regions == []
    assert q.stated_count == 5 and q.op is Op.SUM and q.target_year == 2025


def test_metric_named_by_the_rows_own_label():
    q = route("广东和山东两省的普惠小微贷款余额2025年目标加起来是多少？", KNOWN, (), METRICS)
    assert q.metric == "普惠小微贷款余额" and q.regions == ["广东", "山东"]
    assert route("广东和山东的普惠小微贷款2025年目标合计？", KNOWN, (), METRICS).metric == "普惠小微贷款余额"
    # a known kind is still read by its words, and no label is guessed from one shared word
    assert route("各省光伏装机2025年目标合计多少GW？", KNOWN, (), METRICS).metric == "光伏装机"
    assert route("各省2025年贷款目标合计多少？", KNOWN, (), METRICS).metric != "普惠小微贷款余额"


def test_provincial_level_leaves_cities_out():
    assert route("统计了多少个省级地区的2025年产业规模目标？合计多少？", KNOWN, (), METRICS).include_cities is False
    assert route("2025年产业规模目标合计多少？", KNOWN, (), METRICS).include_cities is True


def test_stated_count_is_not_a_duration():
    assert route("其余四个省2025年营收目标合计多少亿元？", KNOWN, (), METRICS).stated_count == 4
    assert route("未来3个月发布的规划合计多少？", KNOWN, (), METRICS).stated_count is None


def test_table_named_by_the_one_reference_rule():
    assert route("天风报告图3中25年的智算目标总计多少", KNOWN, (), METRICS).source_table == "图3"
    assert route("表1中各省2025年目标合计多少？", KNOWN, (), METRICS).source_table == "表1"
    assert route("What is the 2025 total of the targets in Figure 3?", KNOWN, (), METRICS).source_table == "3"
    assert route("两份报告的2025年目标合计多少？", KNOWN, (), METRICS).source_table == "all"

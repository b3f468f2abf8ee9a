"""What the question analysis reads from report cards: relative years (明年, last year) by the date of the report
asked about; the names of the reports a search is scoped to, dropped from the search text."""

from assistant.answer.analysis import analyse, dated, report_year
from assistant.core.models import CardField, ReportCard


def card(date: str | None) -> ReportCard:
    field = CardField(value=date, start=0, end=len(date)) if date else None
    return ReportCard(report="x.txt", date=field)


def test_relative_years_become_absolute():
    assert dated("澜沧认为明年底全国光伏总装机能到多少？", 2024) == "澜沧认为2025年底全国光伏总装机能到多少？"
    assert dated("去年行业规模多大？前年呢？", 2024) == "2023年行业规模多大？2022年呢？"
    assert dated("What does it expect for next year?", 2024) == "What does it expect for 2025?"
    assert dated("2025年目标是多少？", 2024) == "2025年目标是多少？"  # nothing relative: unchanged


def test_report_year_from_card_date():
    assert report_year(card("2024 年 09 月 17 日")) == 2024
    assert report_year(card("2023-07-15")) == 2023
    assert report_year(card(None)) is None and report_year(None) is None


def test_analysis_flags_relative_years():
    assert analyse("今年头三个月谁的利润增长最好？", []).relative_year
    assert not analyse("2024年一季度谁的利润增长最好？", []).relative_year


def test_scoped_search_drops_the_report_names():
    from assistant.answer.analysis import without_names
    tianfeng = ReportCard(report="tianfeng_2024-09-17_x.txt", broker=CardField(value="天风证券", start=0, end=4))
    assert without_names("天风测算的2025年地方智算建设规模是多少？", [tianfeng]) == "测算的2025年地方智算建设规模是多少？"
    assert without_names("Which companies does Tianfeng's report name?", [tianfeng]) == "Which companies does report name?"
    assert without_names("天风证券说了什么", []) == "天风证券说了什么"


def _dated_card(report: str, broker: str, date: str) -> ReportCard:
    return ReportCard(report=report, broker=CardField(value=broker, start=0, end=len(broker)),
                      date=CardField(value=date, start=10, end=10 + len(date)))


def test_which_report_is_newer_is_a_date_question_answered_from_the_cards():
    from assistant.answer.analysis import MetaField
    from assistant.answer.card import card_answer
    from assistant.core.models import Citation

    cards = [_dated_card("a.txt", "甲证券", "2024年8月12日"), _dated_card("b.md", "乙证券", "2024 年 05 月 20 日")]

    def cite(report, start, end):
        return Citation(report=report, start=start, end=end, quote="x", id=f"{report}:{start}-{end}")

    for question, lead in [("甲和乙这两篇，哪篇发布得更晚？", "较晚：甲证券"), ("甲和乙的报告哪份发得更早？", "较早：乙证券"),
                           ("Which was published first, 甲's report or 乙's?", "Earlier: 乙证券"),
                           ("Which of the two reports is more recent?", "Later: 甲证券")]:
        analysis = analyse(question, [])
        assert MetaField.DATE in analysis.meta, question
        answer = card_answer(analysis, cards, cite)
        assert answer.answer.splitlines()[0].startswith(lead), (question, answer.answer)
        assert len(answer.citations) == 2  # each report's date, cited
    # a later target year is not a report's date
    assert MetaField.DATE not in analyse("Which report's target is later, 2025 or 2027?", []).meta
    assert MetaField.DATE not in analyse("哪个省的目标更晚？", []).meta


def test_who_issued_a_policy_document_and_when_is_no_report_card_question():
    from assistant.answer.analysis import Intent, MetaField

    assert analyse("开展L3准入和上路通行试点的通知是谁发的、什么时候发的？", []).intent is Intent.LOOKUP
    assert analyse("《算力基础设施高质量发展行动计划》是什么时候发布的？", []).intent is Intent.LOOKUP
    own = ReportCard(report="h.md", title=CardField(value="新能源汽车2024年中期策略", start=0, end=13))
    assert MetaField.DATE in analyse("《新能源汽车2024年中期策略》是什么时候发布的？", [own]).meta  # the report's own title
    assert MetaField.DATE in analyse("这篇报告是什么时候发布的？", []).meta


def test_a_clause_opening_on_another_reports_name_is_its_own_part():
    """"东岳那篇写多少，澜沧那篇又写多少？": two parts, each asked of its own report (the topic before the colon
    goes to both); "…，较澜沧高多少" compares within one question."""
    from assistant.answer.analysis import _sentences
    cards = [_dated_card("dongyue_2024-06_x.txt", "东岳证券", "2024-06-01"), _dated_card("lancang_2024-07_x.txt", "澜沧证券", "2024-07-01")]
    assert _sentences("江苏储能目标：东岳那篇写多少，澜沧那篇又写多少？", cards) == ["江苏储能目标：东岳那篇写多少，", "澜沧那篇又写多少？"]
    assert _sentences("东岳预测的2025年新增装机，较澜沧高多少？", cards) == ["东岳预测的2025年新增装机，较澜沧高多少？"]
    # a clause stating what the question knows is no part of its own
    assert len(_sentences("东岳说江苏储能目标有上调空间，澜沧那篇里江苏后来调到多少了？", cards)) == 1


def test_authored_asks_the_analysts():
    from assistant.answer.analysis import MetaField
    assert MetaField.ANALYSTS in analyse("Who authored the Tianfeng note, and what rating does it carry?", []).meta


def test_last_month_becomes_the_month_before_the_reports():
    from assistant.answer.analysis import dated_month, report_month

    assert report_month(card("2024-08")) == (2024, 8) and report_month(card("2024 年 09 月 17 日")) == (2024, 9)
    assert report_month(card("2024")) is None
    assert dated_month("华岳说上个月国内新能源车卖了多少辆？", 2024, 8) == "华岳说2024年7月国内新能源车卖了多少辆？"
    assert dated_month("How many were sold last month?", 2024, 1) == "How many were sold 2023-12?"
    # a month of its own: 上月 is the month before that one, not the report's
    assert dated_month("7月销量比上月增长多少？", 2024, 8) == "7月销量比上月增长多少？"


def test_a_rating_asked_of_another_reports_industry_is_not_found_in_the_named_one():
    """"甲证券对白酒行业给出了什么评级" when 甲's report covers 医药: no rating of 白酒 there, said plainly; its own
    industry asked, its card answers."""
    from assistant.answer.card import card_answer
    from assistant.core.models import Citation

    def f(value):
        return CardField(value=value, start=0, end=len(value))

    cards = [ReportCard(report="a.txt", broker=f("甲证券"), broker_short="甲", industry=[f("医药生物")],
                        rating=f("中性（下调）")),
             ReportCard(report="b.txt", broker=f("乙证券"), broker_short="乙", industry=[f("白酒")], rating=f("推荐"))]

    def cite(report, start, end):
        return Citation(report=report, start=start, end=end, quote="x", id=f"{report}:{start}-{end}")

    off = card_answer(analyse("甲证券对白酒行业给出了什么评级？", cards), cards[:1], cite)
    assert off.abstained and "白酒" in off.answer and not off.citations
    own = card_answer(analyse("甲证券对医药生物行业给出了什么评级？", cards), cards[:1], cite)
    assert not own.abstained and "中性（下调）" in own.answer


def test_a_reports_own_month_given_with_its_name_is_no_month_asked():
    """"东岳6月的报告和澜沧7月的报告里分别…", "东岳证券（2024年6月）": the months the reports came out (their cards'
    dates), dropped so no figure is required to be June's; a month asked of a figure stays, and so does a month that
    is not the named report's."""
    from assistant.answer.analysis import without_report_dates

    cards = [_dated_card("dongyue.txt", "东岳证券", "2024年6月18日"), _dated_card("lancang.txt", "澜沧证券", "2024-07-09")]
    assert without_report_dates("山东2025年新型储能目标，在东岳6月的报告和澜沧7月的报告里分别写的是多少？", cards) == \
        "山东2025年新型储能目标，在东岳的报告和澜沧的报告里分别写的是多少？"
    assert without_report_dates("东岳证券（2024年6月）和澜沧证券（2024年7月）的报告里，山东目标分别是多少？", cards) == \
        "东岳证券和澜沧证券的报告里，山东目标分别是多少？"
    assert without_report_dates("东岳报告中2024年6月的储能中标均价是多少？", cards) == "东岳报告中2024年6月的储能中标均价是多少？"
    assert without_report_dates("东岳7月的报告说了什么？", cards) == "东岳7月的报告说了什么？"

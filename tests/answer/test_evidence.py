"""Evidence units: a sentence that points back is matched with the words of the sentence before."""

from assistant.answer.evidence import units_of
from assistant.core.models import Chunk

TEXT = ("美国白宫宣布将成立智算中心基础设施特别工作组，以协调政策。该工作组将由国家经济委员会和国家安全委员会领导。"
        "此外，能源部还将创建合作团队。")


def test_an_anaphor_inherits_the_previous_sentences_words():
    units = units_of(Chunk(id="c", report="r.txt", text=TEXT, start=0, end=len(TEXT)))
    pointer = next(u for u in units if u.text.startswith("该工作组"))
    assert "智算中心基础设施特别工作组" in pointer.match_text  # its subject, from the sentence before
    assert pointer.text.startswith("该工作组") and "白宫" not in pointer.text  # the quote stays the sentence itself
    besides = next(u for u in units if u.text.startswith("此外"))
    assert "国家经济委员会" not in besides.match_text  # 此外 ("besides") points nowhere


def test_parts_of_the_year_read_in_both_languages():
    from assistant.answer.evidence import periods

    assert periods("2024年一季度净息差") == periods("Q1 2024 margin") == periods("1Q24") == {"q1"}
    assert periods("上半年") == periods("first half") == periods("H1") == {"h1"}
    assert periods("前三季度累计") == set()  # a span, not one part of the year
    assert periods("2023Q4\t2024Q1") == {"q4", "q1"}


def test_a_unit_on_another_part_of_the_year_is_no_evidence():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import SearchHit

    text = "2024年一季度，20家上市白酒公司合计实现营业收入1632亿元。全年收入稳健。"
    hit = SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10))
    first = [c.unit.text for c in answerer.candidates("2024年一季度上市白酒公司合计营收是多少？", [hit])]
    second = [c.unit.text for c in answerer.candidates("2024年二季度上市白酒公司合计营收是多少？", [hit])]
    assert first[0].startswith("2024年一季度") and not any(t.startswith("2024年一季度") for t in second)


def test_a_rows_own_label_outranks_its_neighbours_under_one_caption():
    """新增装机 in the row's own label counts fully; in the shared caption only, half: every row has the caption."""
    from assistant.answer.evidence import CONTEXT_CREDIT, Coverage
    from assistant.core.models import ChunkKind

    text = "新增能量规模（GWh）\t117.5\n新增装机（GW）\t50.0"
    chunk = Chunk(id="t", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                  context="图表9：新型储能新增装机预测\t项目\t2025E")
    energy, power = units_of(chunk)
    cov = Coverage({"新增装机": 3, "2025": 9}, 50)
    groups = [("新增装机",), ("2025",)]
    assert abs(cov.score(groups, energy) - CONTEXT_CREDIT) < 1e-9  # both terms only in the caption/header
    assert CONTEXT_CREDIT < cov.score(groups, power) < 1.0  # its own label holds 新增装机; 2025 is the header's


def test_a_row_naming_only_other_years_is_no_evidence_though_its_caption_names_the_asked_one():
    """四川's target is for 2026年; the caption's 2025 does not make its row answer on 2025. A date (2024年3月) is
    when a document came out, not the year asked about, and a year in the header counts as the row's."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import ChunkKind, SearchHit

    def rows(context: str, text: str) -> SearchHit:
        return SearchHit(chunk=Chunk(id=context[:3], report="r.txt", text=text, start=0, end=len(text),
                                     kind=ChunkKind.TABLE, context=context), score=1.0)

    targets = rows("图表6：各省市2025年产业规模目标\n地区\t发布时间\t目标年份\t产业规模目标",
                   "四川\t2023年9月\t2026年\t3000亿元\n江苏\t2023年5月\t2025年\t1.2万亿元")
    by_header = rows("图表3：各省储能目标\n省份\t发布时间\t2025年目标（万千瓦）", "山东\t2024年3月\t1000")
    dated_only = rows("图表4：各省2025年储能目标\n省份\t发布时间\t目标（万千瓦）", "河北\t2024年1月\t1700")
    answerer = OfflineAnswerer(Coverage({}, 10))

    def found(q: str) -> list[str]:
        return [c.unit.text.split("\t")[0] for c in answerer.candidates(q, [targets, by_header, dated_only])]

    assert found("四川2025年产业规模目标是多少？") == []
    assert found("四川2026年产业规模目标是多少？") == ["四川"]
    assert found("江苏2025年产业规模目标是多少？") == ["江苏"]
    assert found("山东2025年储能目标是多少？") == ["山东"] and found("河北2025年储能目标是多少？") == ["河北"]


def test_the_row_a_question_names_holds_its_captions_words_as_its_own():
    """A row labelled 北辰电器 under 家电企业销量预测 is 北辰电器's sales forecast: the caption's words count fully for
    it — not for its neighbours (half, as before), and not the header's measures (which columns a table has)."""
    from assistant.answer.evidence import CONTEXT_CREDIT, Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import ChunkKind, SearchHit

    text = "北辰电器\t37.6\t50.0\n南岭家电\t16.0\t22.0"
    chunk = Chunk(id="t", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                  context="图表2：家电企业销量预测（万台）\n企业\t2023A\t2024E")
    cov = Coverage({"销量": 3, "预测": 3, "2024": 5, "北辰": 1, "电器": 2}, 50)
    answerer = OfflineAnswerer(cov, peers={"北辰电器": {"南岭家电"}, "南岭家电": {"北辰电器"}})  # one column's names
    [named] = answerer.candidates("北辰电器2024年销量预测是多少？", [SearchHit(chunk=chunk, score=1.0)])
    assert named.unit.text.startswith("北辰电器") and named.coverage == 1.0
    north, south = units_of(chunk)
    groups = [("销量",), ("预测",)]
    assert cov.score(groups, south) == CONTEXT_CREDIT  # a neighbour: the caption is only shared context


def test_a_later_sentence_of_a_paragraph_is_about_what_its_first_sentence_names():
    """"2023年全年息差为1.69%。" after a sentence on 上市城商行: the paragraph's opening is its context (half credit),
    not its own words; the opening itself, and a sentence of the next paragraph, have none."""
    from assistant.answer.evidence import CONTEXT_CREDIT, Coverage

    text = "上市城商行单季息差由1.78%降至1.58%。2023年全年息差为1.69%。\n\n全年手续费收入下降9.8%。"
    opening, later, other = units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))
    cov = Coverage({"城商行": 3, "全年": 3}, 50)  # equal weights
    groups = [("城商行",), ("全年",)]
    assert cov.score(groups, later) == (CONTEXT_CREDIT + 1) / 2  # 全年 its own, 城商行 the paragraph's
    assert later.topic and not opening.topic and not other.topic
    assert cov.score(groups, other) == 0.5  # 全年 only: a new paragraph is not about 城商行


def test_a_place_the_paragraph_opens_on_places_its_later_sentences_naming_no_other():
    from assistant.answer.evidence import placed_by_paragraph

    text = ("2024年7月，欧盟对进口电动车加征临时关税。我们测算，北辰汽车在欧洲市场仍有约15%的价格优势；"
            "在美国市场则已无优势。")
    _, europe, america = units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))
    assert placed_by_paragraph(europe, "欧盟", ["欧盟", "欧洲"])  # it names 欧洲, asked; the paragraph the EU
    assert not placed_by_paragraph(america, "欧盟", ["欧盟", "欧洲"])  # it names 美国, not asked
    assert not placed_by_paragraph(europe, "2024", ["2024"])  # years keep their own rules


def test_an_english_question_looks_for_the_latin_words_the_reports_write():
    """TOPCon and TIDES are written in the reports: an English question looks for them as they are; a word the
    reports never write (cells) and one whose Chinese the glossary gives (Lancang → 澜沧) are not added."""
    from assistant.answer.evidence import Coverage

    cov = Coverage({"topcon": 3, "tides": 1, "澜沧": 4, "lancang": 2}, 50)
    terms = [t for g in cov.terms("How much did TOPCon cell prices drop, per Lancang?") for t in g]
    assert "topcon" in terms and "cell" not in terms and "cells" not in terms and "lancang" not in terms
    assert ("tides",) in cov.terms("What was WuXi AppTec's TIDES revenue in 2023?")
    assert ("tides",) not in Coverage({}, 50).terms("What was WuXi AppTec's TIDES revenue in 2023?")


def test_words_that_say_how_a_question_is_asked_are_no_terms():
    """大概, 已经, 很 (adverbs), 自己 (a pronoun) do not need to be found; the words of what is asked do."""
    from assistant.answer.evidence import question_terms

    words = {g[0] for g in question_terms("哪个省的储能存量已经很接近自己定的目标了？大概完成了多少？")}
    assert {"储能", "存量", "接近", "目标", "完成"} <= words
    assert not words & {"大概", "已经", "很", "自己"}


def test_a_clause_after_a_semicolon_is_dated_and_placed_by_the_clause_before_but_not_a_notes_items():
    from assistant.answer.evidence import mentions
    text = ("2023年山东储能电芯出货前五名为甲、乙、丙、丁和戊；储能变流器出货前三名为己、庚和辛。"
            "注：1）苏州市为江苏省下辖地级市；2）隐含增速=目标/上年目标-1。"
            "2022年全省新增装机5GW；2024年预计新增9GW。")
    units = {u.text: u for u in units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))}
    second = units["储能变流器出货前三名为己、庚和辛。"]
    assert mentions(second, "2023") and mentions(second, "山东")  # the sentence's year and place
    assert "山东" not in second.match_text  # …but not its words: coverage reads the clause's own
    assert not mentions(units["2）隐含增速=目标/上年目标-1。"], "江苏")  # a note's items stand alone
    assert not mentions(units["2024年预计新增9GW。"], "2022")  # a clause with its own year keeps it
    # clauses on: each dated by the last of the sentence naming a year, not the one before only
    text = "2023年全国规上乳企产量3000万吨，同比下降2%；完成销售收入5000亿元；实现利润总额400亿元。"
    units = {u.text: u for u in units_of(Chunk(id="d", report="r.txt", text=text, start=0, end=len(text)))}
    assert mentions(units["实现利润总额400亿元。"], "2023") and not mentions(units["实现利润总额400亿元。"], "2024")


def test_the_year_compared_against_is_no_year_the_answer_must_name():
    from assistant.answer.evidence import must_terms
    assert must_terms("2023年全国规上白酒产量多少？比2022年少了多少？") == ["2023"]  # 同比 states the base
    assert must_terms("How much did 2023 output fall versus 2022?") == ["2023"]
    assert must_terms("比2022年多多少？") == ["2022"]  # the only year named stays


def test_a_clause_naming_no_subject_before_its_figure_reads_the_clause_before_at_half_credit():
    text = "我们预计2024年上市银行净息差约1.55%；2025年约为1.50%。1）发电侧配储比例提升；2）电网侧独立储能由2024年的5GW增至8GW。"
    units = {u.text: u for u in units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))}
    elided = units["2025年约为1.50%。"]
    assert "净息差" in elided.match_text and "净息差" not in elided.own  # context, half credit
    assert "发电侧" not in units["2）电网侧独立储能由2024年的5GW增至8GW。"].match_text  # a list item's own subject
    # a clause opening on its verb (实现…) names its measure, not its subject: the clauses before are its context
    text = "2023年全国规上乳企产量3000万吨；完成销售收入5000亿元；实现利润总额400亿元。"
    units = {u.text: u for u in units_of(Chunk(id="d", report="r.txt", text=text, start=0, end=len(text)))}
    assert "乳企" in units["实现利润总额400亿元。"].match_text and "乳企" not in units["实现利润总额400亿元。"].own


def test_one_month_asked_is_answered_only_by_a_unit_that_names_it():
    from assistant.answer.evidence import other_period
    from assistant.core.text import periods

    def unit(text: str):
        return units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))[0]

    asked = periods("储能系统中标均价2024年5月是多少？")
    assert other_period(unit("储能系统中标均价由2023年1月的1.45元/Wh降至2024年4月的0.68元/Wh。"), asked)
    assert other_period(unit("2024年1—5月储能系统中标均价0.70元/Wh。"), asked)  # a span is no one month
    assert other_period(unit("同期EPC中标均价由1.82元/Wh降至1.05元/Wh。"), asked)  # names no month at all
    assert not other_period(unit("2024年5月储能系统中标均价0.66元/Wh。"), asked)
    # asked a quarter, a unit's event date (a single month) is left aside
    assert not other_period(unit("2024年3月，国家发改委印发《行动方案》，一季度新增装机520万千瓦。"), periods("2024年一季度"))


def test_a_quarter_of_a_year_asked_is_not_answered_by_a_row_of_other_quarters():
    from assistant.answer.evidence import other_quarter
    from assistant.core.models import ChunkKind
    from assistant.core.text import year_quarters

    row = "华虹公司\t103.5%\t97.8%\t92.5%"
    unit = units_of(Chunk(id="t", report="q.txt", text=row, start=0, end=len(row), kind=ChunkKind.TABLE,
                          context="公司\t2023Q1\t2023Q2\t2024Q1"))[0]
    assert year_quarters("What was Hua Hong's capacity utilization in Q2 2024?") == {"2024q2"}
    assert year_quarters("2024年一季度") == year_quarters("1Q24") == year_quarters("first quarter of 2024") == {"2024q1"}
    assert other_quarter(unit, {"2024q2"}) and not other_quarter(unit, {"2024q1"}) and not other_quarter(unit, set())


def test_a_sentence_naming_no_month_is_dated_by_its_paragraph():
    from assistant.answer.evidence import other_period
    from assistant.core.text import periods

    text = "据我们6月中旬的渠道调研，飞天茅台批价约2420元/瓶。第八代五粮液批价约930元/瓶，同比下降3.1%。"
    units = units_of(Chunk(id="p", report="h.txt", text=text, start=0, end=len(text)))
    assert not other_period(units[1], periods("What was the wholesale price of Wuliangye in June 2024?"))
    assert other_period(units[1], periods("五粮液2024年5月批价是多少？"))


def test_a_span_asked_is_answered_only_by_a_unit_its_paragraph_section_or_report_dates():
    from assistant.answer.evidence import other_period
    year = "我们预计2024年全国新增装机240GW。"
    unit = units_of(Chunk(id="c", report="r.txt", text=year, start=0, end=len(year)))[0]
    assert other_period(unit, {"to6", "h1"})  # a whole year's figure is no answer to 1—6月
    assert not other_period(unit, {"q1"}, report_head="# 银行业2024年一季报点评")  # the report dates it
    # …but not a figure the unit itself gives for the whole year, whatever its paragraph names
    whole = "二季度以来需求回暖。我们预计2024年全年上市券商净利润增长5%。"
    whole_unit = units_of(Chunk(id="w", report="r.txt", text=whole, start=0, end=len(whole)))[1]
    assert other_period(whole_unit, {"q2"}) and not other_period(whole_unit, {"q2"}, whole_year=True)


def test_coverage_reads_a_short_year_and_gives_an_english_questions_china_half_credit():
    from assistant.answer.evidence import Coverage, Implicit, question_terms
    text = "根据我们测算,预计地方智算 25 年建设 107.1EFlops。"
    unit = units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))[0]
    cov = Coverage({"智算": 2, "地方": 3}, 50)
    assert cov.score([("2025",)], unit) == 1.0  # "25 年" is 2025
    groups = question_terms("How much local intelligent computing capacity will China build in 2025?")
    assert any(isinstance(g, Implicit) and "中国" in g for g in groups)
    assert cov.score([Implicit(("中国", "国内"))], unit) == 0.5 and cov.score([("中国", "国内")], unit) == 0.0


def test_a_sentence_whose_figures_are_all_another_years_states_none_for_the_year_asked():
    from assistant.answer.offline import figure_years, figures_of_other_years

    def unit(text: str):
        return units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))[0]

    peak = unit("2018年全国啤酒产量见顶后逐年回落，2023年产量3555万千升，较2020年的3411万千升增长4.2%。")
    assert figure_years(peak.text) == [{"2023"}, {"2020"}, {"2020"}]
    assert figures_of_other_years(peak, ["2018"])  # 2018 is when it peaked, not a figure of 2018
    assert not figures_of_other_years(peak, ["2023"])
    span = unit("我们预计2024—2026年保费收入分别为5.1万亿元、5.4万亿元、5.8万亿元。")
    assert not figures_of_other_years(span, ["2025"])  # a span dates each of its years
    undated = unit("2025年，行业规模有望达到1200亿元。")
    assert not figures_of_other_years(undated, ["2025"])



def test_words_no_passage_holds_the_askers_phrasing_and_short_forms():
    """觉得 (an everyday word no passage has) is no term; 新装, which no passage has either, is read as the short
    form of 新增装机 — its characters in order, close together — and not found in 累计装机."""
    from assistant.answer.evidence import Coverage

    df = {"储能": 5, "新增": 3, "装机": 4, "2025": 6}
    coverage = Coverage(df, 10)
    terms = coverage.terms("觉得2025年储能能新装多少？")
    assert ("觉得",) not in terms and ("新装",) in terms

    def unit(text: str):
        return units_of(Chunk(id=text, report="r.txt", text=text, start=0, end=len(text)))[0]

    added, total = unit("2025年储能新增装机50GW。"), unit("2025年储能累计装机183GW。")
    assert coverage.score(terms, added) > coverage.score(terms, total)
    assert Coverage({}, 10).score([("新装",)], added) == 0  # without the index's counts: as written only


def test_a_word_the_dictionary_splits_into_characters_is_read_whole():
    from assistant.answer.evidence import split_words

    assert "插混" in split_words("插混这两年为什么卖得这么好？")  # 插|混: neither character alone is a term
    assert split_words("去年买了多少钱的设备？") == []  # 了, 的: particles, no word


def test_years_asked_in_different_asks_are_asked_one_by_one():
    from assistant.answer.evidence import year_asks

    assert year_asks("What YoY growth does the broker forecast for 2024 sales, and what penetration in 2025?") == \
        [["2024"], ["2025"]]
    assert year_asks("2023年出口多少辆？同比增长多少？2024年预计出口多少？") == [["2023"], ["2024"]]
    assert year_asks("2023年到2025年增长多少？") == []  # one ask over two years
    assert year_asks("2023年和2024年的销量分别是多少？") == []
    assert year_asks("截至2023年底，对应2025年目标的完成率是多少？") == []  # a year outside the ask dates it
    assert year_asks("2024年产量多少？比2023年少了多少？") == []  # the year compared against is no ask


def test_each_years_ask_is_answered_by_its_own_sentence():
    """No one sentence names both years: asked together, each ask's sentence answers it; one year unanswered, the
    question is answered as one (here: not at all)."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    text = ("我们预计2024年国内新能源汽车销量1180万辆，同比增长23.9%。"
            "我们预计2025年新能源汽车渗透率将达到50.0%。出口方面，海外需求走弱。")
    hit = SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load())
    both = answerer.select("2024年新能源汽车销量预计增长多少？2025年渗透率预计多少？", [hit])
    assert {u.text[:9] for u, _ in both} >= {"我们预计2024年", "我们预计2025年"}
    assert answerer.select("2024年新能源汽车销量预计增长多少？2026年渗透率预计多少？", [hit]) == []


def test_a_ratings_definition_is_boilerplate_by_its_form_under_any_heading():
    """Every broker defines its ratings by a horizon and a benchmark index; a Markdown report's table of them sits
    under no section the chunker names."""
    from assistant.answer.evidence import is_boilerplate

    for text, boiler in [("| 股票评级 | 买入 | 报告发布日后6—12个月内，股价相对沪深300指数涨幅超过20% |", True),
                         ("股票投资评级\t自报告日后的 6 个月内，相对同期沪深300指数涨幅在15%以上", True),
                         ("年初至今白酒板块下跌12%，相对沪深300指数跑输8个百分点。", False)]:
        unit = units_of(Chunk(id="r", report="r.md", text=text, start=0, end=len(text)))[0]
        assert is_boilerplate(unit) is boiler, text


def test_text_under_a_boilerplate_heading_at_any_level_is_boilerplate():
    from assistant.answer.evidence import is_boilerplate

    text = "增持：行业基本面向好。"  # not boilerplate by its form: by its heading
    for section, boiler in [("某行业中期策略 > 投资评级说明", True), ("分析师声明", True),
                            ("某行业中期策略 > 四、出海", False)]:
        unit = units_of(Chunk(id="b", report="r.md", text=text, start=0, end=len(text), section=section))[0]
        assert is_boilerplate(unit) is boiler


def test_a_summary_bullet_that_repeats_a_body_sentence_is_shown_once_the_longer_kept():
    """Broker reports sum up their body in 投资要点 bullets; shown twice, the same statement takes the place of other
    evidence. The unit that says it and more stays."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, repeats
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    summary = "** 第八代五粮液批价约930元/瓶，同比下降3.1%；"
    body = "第八代五粮液批价约930元/瓶，同比下降3.1%，已低于出厂价，出现价格倒挂。国窖1573批价约870元/瓶。"
    hits = [SearchHit(chunk=Chunk(id=i, report="r.md", text=t, start=o, end=o + len(t)), score=1.0)
            for i, t, o in (("s", summary, 0), ("b", body, 100))]
    [short], [long, other] = units_of(hits[0].chunk), units_of(hits[1].chunk)
    assert repeats(short, long) and repeats(long, short) and not repeats(long, other)
    assert not repeats(short, units_of(Chunk(id="x", report="other.md", text=summary, start=0, end=len(summary)))[0])
    chosen = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load()).select("第八代五粮液批价多少？", hits)
    texts = [u.text for u, _ in chosen]
    assert long.text in texts and short.text not in texts


def test_a_reports_cover_and_its_list_of_earlier_reports_are_boilerplate():
    """The broker's name, the report's classification and "相关报告" with dated titles are no evidence (the card says
    who, when and what); a body sentence naming a document, or a document listed without a date, is."""
    from assistant.answer.evidence import is_boilerplate

    def unit(text: str):
        return units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))[0]
    for text in ["鹤鸣证券研究所\nHEMING SECURITIES RESEARCH", "食品饮料｜白酒\n行业深度报告（2024年中期策略）",
                 "近期相关报告\n《白酒2023年报及2024年一季报总结：收入稳健，分化延续》2024-05-06",
                 "- 《6月新能源车销量点评：以旧换新补贴加码》（2024-07-10）", "**星垣证券研究所｜银行｜行业点评报告**"]:
        assert is_boilerplate(unit(text)), text
    for text in ["推荐逆变器及储能龙头阳光电源（买入），建议关注隆基绿能。", "《安徽省智能算力基础设施建设方案（2023—2025年）》",
                 "2023年东岳证券统计的储能装机同比增长259%。"]:
        assert not is_boilerplate(unit(text)), text


def test_a_list_opened_in_one_clause_is_quoted_with_the_clauses_that_go_on_with_it():
    from assistant.answer.evidence import whole_list

    text = ("增速放缓主要有三方面原因：一是大订单退出，形成高基数；二是投融资低迷，询单下降；三是新进入者增多，价格下滑。"
            "展望2024年，增速继续承压；二是不再列举。")
    chunk = Chunk(id="c", report="r.txt", text=text, start=50, end=50 + len(text))
    units = units_of(chunk)
    whole = whole_list(units[0])
    assert whole.text == text[:text.index("展望")] and whole.end - whole.start == len(whole.text)
    assert text[whole.start - 50:whole.end - 50] == whole.text  # still the report's own span
    assert whole_list(units[1]) is units[1]  # a clause that opens no list stays itself
    after = next(u for u in units if u.text.startswith("展望"))
    assert whole_list(after) is after


def test_a_why_question_puts_the_units_stating_a_cause_first():
    from assistant.answer.evidence import Coverage, asks_reason
    from assistant.answer.offline import OfflineAnswerer
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    assert asks_reason("农商行利润为什么增长？") and asks_reason("What drove the rebound?")
    assert not asks_reason("农商行利润增长了多少？")
    text = "农商行利润同比增长4.3%，营收同比下降1.6%。农商行利润增长较快，主要源于拨备计提减少。"
    hits = [SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load())
    why = [u.text for u, _ in answerer.select("农商行利润为什么增长？", hits)]
    assert why and why[0].startswith("农商行利润增长较快")
    much = [u.text for u, _ in answerer.select("农商行利润同比增长了多少？", hits)]
    assert much and much[0].startswith("农商行利润同比增长4.3%")


def test_how_come_asks_why_and_considering_states_a_cause():
    from assistant.answer.evidence import Coverage, asks_reason, states_cause
    from assistant.answer.offline import OfflineAnswerer
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    # colloquial why (怎么还能 / 怎么会): a cause is asked, not the figures restating the fact
    assert asks_reason("运价跌了这么多，船东利润怎么还能涨？") and asks_reason("钢价怎么会这么低？")
    assert not asks_reason("船东利润怎么样？")
    # a broker's reasoning opens with 考虑到 / 鉴于 as often as with 因为
    text = ("航运板块评级由“推荐”下调至“中性”。船东2023年净利润同比增长12.0%，受益于油轮运价上行。"
            "考虑到新船交付高峰临近、运力过剩风险上升，航运板块估值难以提升，我们下调航运板块评级至中性。")
    chunk = Chunk(id="c", report="r.txt", text=text, start=0, end=len(text))
    units = units_of(chunk)
    assert states_cause(units[-1]) and not states_cause(units[0])
    answerer = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load())
    why = [u.text for u, _ in answerer.select("为什么下调航运板块评级？", [SearchHit(chunk=chunk, score=1.0)])]
    assert why and why[0].startswith("考虑到")


def test_a_question_asking_a_brokers_reading_puts_the_units_stating_a_view_first():
    from assistant.answer.evidence import Coverage, stance_asked, states_cause, states_view
    from assistant.answer.offline import OfflineAnswerer
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    assert stance_asked("北辰怎么解读欧盟加征关税这件事？") is states_view
    assert stance_asked("What does Beichen make of the tariff?") is states_view
    assert stance_asked("目标是2027年达到80GW，北辰觉得会不会提前做到？") is states_view  # a judgment asked
    assert stance_asked("欧盟为什么加征关税？") is states_cause and stance_asked("关税税率是多少？") is None
    text = "欧盟宣布对进口电动车加征17%的临时关税。我们认为，欧盟加征关税或将推动车企加快海外建厂。"
    hits = [SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load())
    read = [u.text for u, _ in answerer.select("怎么解读欧盟对进口电动车加征临时关税？", hits)]  # the event says more
    assert read and read[0].startswith("我们认为")
    rate = [u.text for u, _ in answerer.select("欧盟加征关税的税率是多少？", hits)]
    assert rate and rate[0].startswith("欧盟宣布")


def test_a_place_named_only_in_a_list_closed_by_deng_gets_no_figure_of_its_own():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, only_listed
    from assistant.core.models import SearchHit

    text = ("2025年底十省累计装机520.0GW，主要因十省以外的云南、贵州、青海等地大基地项目加速并网。"
            "贵州提出2025年光伏装机达到3100万千瓦。")
    chunk = Chunk(id="c", report="r.txt", text=text, start=0, end=len(text))
    group, own = units_of(chunk)
    assert only_listed(group, "云南") and only_listed(group, "贵州") and not only_listed(own, "贵州")
    hits = [SearchHit(chunk=chunk, score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10))
    assert answerer.candidates("云南2025年光伏装机目标是多少GW？", hits) == []
    assert [c.unit.text for c in answerer.candidates("贵州2025年光伏装机目标是多少？", hits)] == [own.text]
    cars = "华为、理想汽车、小鹏汽车、蔚来等企业自建超充站合计已超过5000座。"
    [listed] = units_of(Chunk(id="d", report="r.txt", text=cars, start=0, end=len(cars)))
    assert only_listed(listed, "蔚来") and not only_listed(listed, "超充站")
    # not a figure asked: the list still says what happens there
    assert [c.unit.text for c in answerer.candidates("哪些地方的大基地项目在加速并网？云南呢？", hits)]


def test_a_both_reports_question_shows_one_more_unit_than_one_reports():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import MAX_UNITS, OfflineAnswerer
    from assistant.answer.score import EvidenceModel
    from assistant.core.models import SearchHit

    a = "北辰电池2023年出货量120GWh。北辰电池2023年市占率37%。北辰电池2023年营收4000亿元。"
    b = "北辰电池2023年储能出货量40GWh。北辰电池2023年海外收入占比30%。"
    hits = [SearchHit(chunk=Chunk(id="a", report="a.txt", text=a, start=0, end=len(a)), score=1.0),
            SearchHit(chunk=Chunk(id="b", report="b.txt", text=b, start=0, end=len(b)), score=0.9)]
    answerer = OfflineAnswerer(Coverage({}, 10), model=EvidenceModel.load())
    both = answerer.select("北辰电池2023年有哪些数据？", hits, True)
    assert len(both) == MAX_UNITS + 1 and {u.chunk.report for u, _ in both} == {"a.txt", "b.txt"}
    assert len(answerer.select("北辰电池2023年有哪些数据？", hits, False)) == MAX_UNITS


def test_a_figure_asked_of_a_name_needs_a_unit_naming_it():
    """北辰's deliveries are not the country's: a unit that names neither it nor a paragraph opening on it is out."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import SearchHit

    text = "2024年1—6月，全国船舶出口完工量2100万载重吨，同比增长18.2%。北辰2024年1—6月交付新船26艘。"
    hit = SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10))
    found = [c.unit.text for c in answerer.candidates("北辰2024年1—6月交付了多少艘新船？", [hit])]
    assert found and all("北辰" in t for t in found)
    assert any("全国" in c.unit.text for c in answerer.candidates("2024年1—6月全国船舶出口完工量是多少？", [hit]))


def test_a_both_reports_question_takes_each_reports_part_though_one_names_a_kind_the_other_never_writes():
    """北辰's 商用空调 (a kind the tables list: …空调) is one report's; the other answers on its 家用冰箱: asked of both
    reports, neither the unlisted name nor its own word (商用) rules the other report out."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import SearchHit

    a = "北辰在商用空调市场份额为31.2%，居行业第一。"
    b = "2023年国内家用冰箱出货量前三名为北辰、南岭和西川，CR3约为62%。"
    texts = {"a.txt": a, "b.txt": b}
    hits = [SearchHit(chunk=Chunk(id=r, report=r, text=t, start=0, end=len(t)), score=1.0) for r, t in texts.items()]
    answerer = OfflineAnswerer(Coverage({}, 10), kinds={"空调": {"家用空调", "中央空调"}},
                               report_text=lambda r: texts[r])
    q = "北辰在商用空调和家用冰箱两块业务上的市场地位，两份报告分别怎么描述？"
    assert {c.unit.chunk.report for c in answerer.candidates(q, hits, both_reports=True)} == {"a.txt", "b.txt"}
    assert {c.unit.chunk.report for c in answerer.candidates(q, hits)} == {"a.txt"}


def test_a_figure_asked_of_a_listed_name_the_dictionary_holds_as_a_word_needs_a_unit_naming_it():
    """小米 before the year is what the figure is of, though jieba reads it as a common noun (grain): a table lists
    it beside 格力; a sentence on another sector's revenue growth is not 小米's."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import SearchHit

    text = "2024年一季度，上市家电企业营收同比增长8.1%。小米2024年一季度营收同比增长27.2%。"
    hit = SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10), peers={"小米": {"格力"}, "格力": {"小米"}})
    found = [c.unit.text for c in answerer.candidates("小米2024年一季度营收同比增长多少？", [hit])]
    assert found and all(t.startswith("小米") for t in found)


def test_the_whole_of_a_counted_set_is_not_one_listed_rows_figure():
    """'12家上市券商整体的…' asks the whole: 北辰证券's row is not it; the total row is."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import ChunkKind, SearchHit

    text = "北辰证券\t18.2%\n南岭证券\t15.1%\n上市券商合计（12家）\t16.4%"
    chunk = Chunk(id="t", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                  context="图表3：上市券商资本充足情况\n券商\t风险覆盖率")
    answerer = OfflineAnswerer(Coverage({}, 10), peers={"北辰证券": {"南岭证券"}, "南岭证券": {"北辰证券"}})
    found = [c.unit.text.split("\t")[0] for c in
             answerer.candidates("12家上市券商整体的风险覆盖率是多少？", [SearchHit(chunk=chunk, score=1.0)])]
    assert found == ["上市券商合计（12家）"]


def test_a_measure_asked_split_over_two_columns_is_no_column_of_the_row():
    """'保费同比增速' asked of an insurer: its row holds 保费 (in 保费收入) and 同比 (in 净利润同比), but no column is
    premium growth; two measures asked apart ('综合成本率和偿付能力充足率') are each one column."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import ChunkKind, SearchHit

    text = "北辰人寿\t1820\t+6.2%\t97.5%\t186%\n南岭财险\t960\t-3.1%\t99.2%\t210%"
    chunk = Chunk(id="t", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                  context="图表5：上市险企2024年一季度经营指标\n公司\t保费收入（亿元）\t净利润同比\t综合成本率\t偿付能力充足率")
    answerer = OfflineAnswerer(Coverage({}, 10), peers={"北辰人寿": {"南岭财险"}, "南岭财险": {"北辰人寿"}})
    hits = [SearchHit(chunk=chunk, score=1.0)]
    rows = lambda q: [c.unit.text.split("\t")[0] for c in answerer.candidates(q, hits)]  # noqa: E731
    assert rows("北辰人寿2024年一季度保费同比增速是多少？") == []
    assert rows("北辰人寿2024年一季度净利润同比是多少？") == ["北辰人寿"]
    assert rows("南岭财险的综合成本率和偿付能力充足率分别是多少？") == ["南岭财险"]


def test_asks_of_different_things_are_read_one_by_one():
    """A later ask is read after what the first asks of; one naming its own year stands as written."""
    from assistant.answer.evidence import sentence_asks

    assert sentence_asks("截至2024年6月底，全国港口集装箱吞吐量累计多少？船箱比是多少？") == \
        ["截至2024年6月底，全国港口集装箱吞吐量累计多少？", "截至2024年6月底，全国港口集装箱吞吐量累计船箱比是多少？"]
    assert sentence_asks("2024年吞吐量多少？2025年预计多少？") == ["2024年吞吐量多少？", "2025年预计多少？"]
    assert sentence_asks("How many TEUs did the ports handle in 2023 and what was the growth?") == \
        ["How many TEUs did the ports handle in 2023", "TEUs did the ports handle in 2023 what was the growth?"]
    assert sentence_asks("按北辰测算，全国港口明年吞吐量多少？") == []  # words asking nothing go with the ask


def test_each_asks_best_unit_joins_the_whole_questions():
    """The whole question's units stay (one often states both asks); the second ask's best unit, which the whole
    question ranks below the three shown, joins them. (The units each question selects are given: this is the
    joining, not the scoring.)"""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.answer.score import EvidenceModel

    text = ("截至2024年6月底，全国港口集装箱吞吐量累计1.5亿标箱。集装箱航线累计新增120条。码头累计新增泊位35个。"
            "外贸占比过半。截至2024年6月底，船箱比约为1.3:1。")
    volume, routes, berths, trade, ratio = units_of(Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)))
    question = "截至2024年6月底，全国港口集装箱吞吐量累计多少？船箱比是多少？"
    first, second = sentence_asks_of(question)
    picks = {question: [volume, routes, berths, trade, ratio], first: [volume, routes], second: [ratio, volume]}

    class Given(OfflineAnswerer):
        def _select(self, q, hits, both_reports, each_min, years=None):
            return [(u, 0.5) for u in picks[q]]

    chosen = [u for u, _ in Given(Coverage({}, 10), model=EvidenceModel.load()).select(question, [])]
    assert chosen == [volume, routes, berths, ratio]


def sentence_asks_of(question):
    from assistant.answer.evidence import sentence_asks

    return sentence_asks(question)

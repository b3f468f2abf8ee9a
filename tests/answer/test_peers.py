"""Names of one table column (peer_names): follow-ups swap them; a row about another is no evidence."""

from assistant.answer.offline import peer_names, resolve_followup
from assistant.core.models import Table, TableRow


def _table(rows: list[list[str]]) -> Table:
    return Table(id="t#1", report="r.txt", caption="图表1", header=["公司", "2024年营收目标"],
                 rows=[TableRow(cells=r, start=0, end=1) for r in rows], start=0, end=1)


PEERS = peer_names([_table([["今世缘", "150亿元"], ["古井贡酒", "240亿元"], ["华虹公司", "—"], ["中芯国际", "—"]])])


def test_a_name_of_the_same_column_takes_the_old_ones_place():
    assert resolve_followup("古井贡酒呢？", ["鹤鸣报告里今世缘2024年营收目标是多少？"], PEERS) == \
        "鹤鸣报告里古井贡酒2024年营收目标是多少？"
    # a short form of a cell ("华虹" of 华虹公司) swaps too
    assert resolve_followup("华虹呢？", ["中芯国际一季度产能利用率是多少？"], PEERS) == "华虹一季度产能利用率是多少？"


def test_a_bracketed_cell_is_swapped_as_the_question_writes_it():
    """"飞天茅台（散瓶）" is asked "飞天茅台散瓶" or "飞天茅台": that written form gives way to the new name."""
    peers = peer_names([_table([["飞天茅台（散瓶）", "2750元"], ["国窖1573", "880元"], ["普五(八代)", "940元"]])])
    assert resolve_followup("那国窖1573呢？", ["飞天茅台散瓶的批价是多少？"], peers) == "国窖1573的批价是多少？"
    assert resolve_followup("国窖1573呢？", ["飞天茅台批价是多少？"], peers) == "国窖1573批价是多少？"
    assert resolve_followup("国窖1573呢？", ["普五八代批价是多少？"], peers) == "国窖1573批价是多少？"


def test_without_a_peer_in_the_earlier_question_the_followup_is_appended():
    assert resolve_followup("高性能算力占比呢？", ["上海对总算力的目标是多少？"], PEERS) == \
        "上海对总算力的目标是多少？ 高性能算力占比"
    assert resolve_followup("古井贡酒呢？", ["今世缘2024年营收目标是多少？"], None) == \
        "今世缘2024年营收目标是多少？ 古井贡酒"  # no tables known: as before


def test_figures_are_not_names():
    assert "150亿元" not in PEERS and "—" not in PEERS


def test_a_row_about_another_name_of_the_column_is_no_evidence():
    """常熟银行's question is not answered by 工商银行's row; the named one's row and sentences still are."""
    from assistant.answer.evidence import Coverage, units_of
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    peers = peer_names([_table([["工商银行", "2.28万亿元"], ["常熟银行", "—"], ["招商银行", "8560亿元"]])])
    text = "工商银行\t2.28万亿元"
    row = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                context="银行\t2023年末普惠小微贷款余额")
    answerer = OfflineAnswerer(Coverage({"普惠小微贷款余额": 2}, 10), peers=peers)
    q = "常熟银行2023年末普惠小微贷款余额是多少？"
    assert [c.unit.text for c in answerer.candidates(q, [SearchHit(chunk=row, score=1.0)])] == []
    assert [c.unit.text for c in answerer.candidates(q.replace("常熟", "工商"), [SearchHit(chunk=row, score=1.0)])]
    assert [c.unit.text for c in OfflineAnswerer(Coverage({}, 10)).candidates(q, [SearchHit(chunk=row, score=1.0)])]


def test_naming_one_of_two_names_asked_does_not_make_a_row_about_the_other():
    """浙江省 and 普惠小微贷款余额 are names of two columns: 浙江省's 科技贷款余额 row, and a sentence on 浙江省's
    科技贷款余额, do not answer on its 普惠小微贷款余额; a question naming both of the row's names still gets it."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    table = Table(id="t#3", report="r.txt", caption="表3", header=["地区", "指标", "2025年目标"],
                  rows=[TableRow(cells=r, start=0, end=1) for r in [["浙江省", "科技贷款余额", "1.8万亿元"],
                                                                    ["广东省", "普惠小微贷款余额", "3.2万亿元"]]],
                  start=0, end=1)
    peers = peer_names([table])
    text = "浙江省\t科技贷款余额\t1.8万亿元"
    row = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                context="地区\t指标\t2025年目标")
    said = "浙江省2025年科技贷款余额目标为1.8万亿元。"
    sentence = Chunk(id="c2", report="r.txt", text=said, start=100, end=100 + len(said), kind=ChunkKind.TEXT)
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)
    hits = [SearchHit(chunk=row, score=1.0), SearchHit(chunk=sentence, score=0.9)]
    assert answerer.candidates("浙江省2025年普惠小微贷款余额目标是多少？", hits) == []
    kept = [c.unit.text for c in answerer.candidates("浙江省2025年科技贷款余额目标是多少？", hits)]
    assert text in kept and said in kept


def test_a_sentence_on_the_whole_a_total_row_names_does_not_answer_on_one_part():
    """上市银行合计 heads the bank-type column beside 农商行: a sentence on 上市银行贷款整体 gives the whole's growth,
    not 农商行's; asked of the whole (上市银行), the sentence still answers."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    peers = peer_names([_rows_table("银行类型", [["上市银行合计（42家）", "-2.1%"], ["国有行（6家）", "-3.2%"],
                                                  ["农商行（10家）", "-1.6%"]])])
    assert "上市银行" in peers["农商行"] and "农商行" in peers["上市银行"]
    said = "2024年一季度末上市银行贷款整体同比增长9.9%。"
    hits = [SearchHit(chunk=Chunk(id="c1", report="r.txt", text=said, start=0, end=len(said),
                                  kind=ChunkKind.TEXT), score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)
    assert answerer.candidates("2024年一季度农商行贷款同比增速是多少？", hits) == []
    assert [c.unit.text for c in answerer.candidates("2024年一季度上市银行贷款同比增速是多少？", hits)] == [said]


def test_the_group_a_which_question_picks_from_is_not_the_name_asked():
    """哪类上市银行 asks for one of the column's names: a sentence naming 城商行 (not 上市银行) answers it."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    peers = peer_names([_rows_table("银行类型", [["上市银行合计（42家）", "-2.1%"], ["城商行（17家）", "+3.8%"]])])
    said = "一季度城商行营收、利润增速分别为+3.8%、+4.9%，继续领跑各类银行。"
    hits = [SearchHit(chunk=Chunk(id="c1", report="r.txt", text=said, start=0, end=len(said),
                                  kind=ChunkKind.TEXT), score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)
    assert answerer._named("一季度哪类上市银行业绩领跑？") == []
    assert [c.unit.text for c in answerer.candidates("一季度哪类上市银行业绩领跑？", hits)] == [said]


def _rows_table(head: str, rows: list[list[str]]) -> Table:
    return Table(id="t#2", report="r.txt", caption="表2", header=[head, "数值"],
                 rows=[TableRow(cells=r, start=0, end=1) for r in rows], start=0, end=1)


def test_kinds_are_the_endings_a_tables_row_names_share():
    from assistant.answer.offline import name_kinds
    kinds = name_kinds([_rows_table("技术路线", [["锂离子电池", "96.1%"], ["铅炭电池", "0.7%"], ["压缩空气", "0.9%"]]),
                        _rows_table("医院", [["协和医院", "3"], ["华西医院", "5"]]),
                        _rows_table("年份", [["2023", "1"], ["2024", "2"]])])
    assert kinds["电池"] == {"锂离子电池", "铅炭电池"} and kinds["医院"] == {"协和医院", "华西医院"}
    assert "压缩空气" not in set().union(*kinds.values()) and not any(k.isdigit() for k in kinds)


def test_an_unlisted_name_of_a_listed_kind_is_found_and_question_words_are_not_names():
    from assistant.answer.offline import name_kinds, unknown_names
    tables = [_rows_table("银行", [["工商银行", "1.35%"], ["招商银行", "0.95%"]]),
              _rows_table("医院", [["协和医院", "3"], ["华西医院", "5"]])]
    kinds, known = name_kinds(tables), peer_names(tables)
    assert unknown_names("平安银行一季度的不良贷款率是多少？", kinds, known) == {"平安银行": "银行"}
    assert unknown_names("瑞金医院有多少床位？", kinds, known) == {"瑞金医院": "医院"}
    assert unknown_names("招商银行一季度的不良贷款率是多少？", kinds, known) == {}  # a listed one
    for q in ("哪家银行的不良贷款率最高？", "四家银行合计多少？", "各银行的不良率", "What about Ping An Bank?",
              "把瑞金放在哪类医院里？", "这类医院有几家？"):  # words jieba's dictionary lacks (哪类) are no names
        assert unknown_names(q, kinds, known) == {}, q


def test_a_report_that_never_names_the_unlisted_one_does_not_answer_on_it():
    """平安银行 is not in the table, and the report never writes 平安: neither another bank's row nor a sentence on
    listed banks as a whole answers; a report that does write it still can."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, name_kinds
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    tables = [_rows_table("银行", [["工商银行", "1.35%"], ["招商银行", "0.95%"]])]
    row_text, sentence = "工商银行\t1.35%", "一季度末，上市银行不良贷款率1.27%。"
    row = Chunk(id="c1", report="r.txt", text=row_text, start=0, end=len(row_text), kind=ChunkKind.TABLE,
                context="银行\t不良贷款率")
    prose = Chunk(id="c2", report="r.txt", text=sentence, start=20, end=20 + len(sentence), kind=ChunkKind.TEXT)
    hits = [SearchHit(chunk=row, score=1.0), SearchHit(chunk=prose, score=0.9)]
    q = "平安银行一季度的不良贷款率是多少？"

    def answerer(text: str) -> OfflineAnswerer:
        return OfflineAnswerer(Coverage({"不良贷款率": 2}, 10), peers=peer_names(tables), kinds=name_kinds(tables),
                               report_text=lambda _: text)

    assert answerer("上市银行不良贷款率1.27%").candidates(q, hits) == []
    # the report writes 平安 elsewhere: its sentences may answer, the other bank's row still does not
    assert [c.unit.text for c in answerer("平安银行不良率1.06%").candidates(q, hits)] == [sentence]


def test_a_report_that_never_writes_the_measure_asked_does_not_give_it():
    """目标价 asked of a report that gives share prices and ratings but no target price: abstain and say which
    measure the report does not give; a report that writes it still answers."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "招商银行\t32.80\t买入"
    row = Chunk(id="c1", report="bank.md", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                context="图表8：重点公司估值\n银行\t股价（元）\t评级")
    hits = [SearchHit(chunk=row, score=1.0)]

    def answerer(report: str) -> OfflineAnswerer:
        return OfflineAnswerer(Coverage({}, 10), report_text=lambda _: report)

    def answer(report: str, question: str = "星垣给招商银行的目标价是多少？"):
        return answerer(report).run(question, hits)

    missing = answer("招商银行 股价（元）32.80 评级 买入")
    assert missing.abstained and "报告未给出：目标价" in missing.answer
    english = answer("招商银行 股价（元）32.80 评级 买入", "What is Xingyuan's target price for CMB (招商银行)?")
    assert english.abstained and "Not given in the report: 目标价" in english.answer
    # a report that writes it: a row under a 目标价 column is evidence, one under none is not
    priced = [SearchHit(chunk=row.model_copy(update={"context": "图表8：重点公司估值\n银行\t目标价（元）\t评级"}), score=1.0)]
    assert answerer("招商银行 目标价 40.00 元").candidates("星垣给招商银行的目标价是多少？", priced)
    assert not answerer("招商银行 目标价 40.00 元").candidates("星垣给招商银行的目标价是多少？", hits)


def test_a_measure_asked_must_be_the_units_and_another_tables_named_row_is_another_ones():
    """小鹏汽车's EPS: its sales row names no EPS, and 长城汽车's EPS row (another table, headed by a name of its
    own) is about another company; 小鹏汽车's own EPS row answers. Over two reports each may be asked its own measure."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    sales = _rows_table("车企", [["小鹏汽车", "14.2"], ["理想汽车", "37.6"]])
    eps = _rows_table("公司", [["长城汽车", "1.45"], ["比亚迪", "13.20"]])

    def hit(i: int, text: str, context: str) -> SearchHit:
        return SearchHit(chunk=Chunk(id=f"c{i}", report="r.md", text=text, start=i * 100, end=i * 100 + len(text),
                                     kind=ChunkKind.TABLE, context=context), score=1.0)

    hits = [hit(1, "小鹏汽车\t14.2", "图表2：新势力销量\n车企\t2023A（万辆）"),
            hit(2, "长城汽车\t1.45", "图表4：盈利预测\n公司\tEPS 2024E（元）")]
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peer_names([sales, eps]))
    q = "华岳给小鹏汽车的EPS预测是多少？"
    assert answerer.candidates(q, hits) == []
    own = hit(3, "小鹏汽车\t-3.20", "图表4：盈利预测\n公司\tEPS 2024E（元）")
    assert [c.unit.text for c in answerer.candidates(q, hits + [own])] == ["小鹏汽车\t-3.20"]
    assert answerer.candidates(q, hits, both_reports=True)  # the sales row may answer another part


def test_a_row_that_says_more_than_asked_gives_way_to_the_row_asked():
    """新增装机同比 is the growth of 新增装机（GW）: asked the additions, the growth row is no candidate; asked 同比,
    it is. A row alone (no shorter sibling) stays whatever its label."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "新增装机（GW）\t22.6\t50.0\n新增装机同比\t259%\t31.6%"
    hit = SearchHit(chunk=Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                                context="图表5：装机预测\n项目\t2023A\t2025E"), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10))
    rows = lambda q: [c.unit.text.split("\t")[0] for c in answerer.candidates(q, [hit])]  # noqa: E731
    assert rows("2025年新增装机预测是多少？") == ["新增装机（GW）"]
    assert "新增装机同比" in rows("2025年新增装机同比增长多少？")


def test_a_bare_figure_reads_with_the_unit_its_column_or_row_names():
    from assistant.answer.evidence import units_of
    from assistant.answer.offline import render_unit
    from assistant.core.models import Chunk, ChunkKind

    text = "新增装机（GW）\t22.6\t50.0\n贵州茅台\t1480\t14.9%"
    [row, firm] = units_of(Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE,
                                 context="项目\t2023A\t2025E"))
    assert render_unit(row, []) == "项目：新增装机（GW）；2023A：22.6GW；2025E：50.0GW"
    firm.header = ["公司", "2023年营收（亿元）", "增速"]
    assert render_unit(firm, []) == "公司：贵州茅台；2023年营收（亿元）：1480亿元；增速：14.9%"


def test_a_sentence_naming_another_of_the_column_and_not_the_one_asked_is_no_evidence():
    """华虹公司's capex is not 中芯国际's, though the sentence shares every other word; nor is the industry's (a figure
    asked of a name needs a unit, or its paragraph's opening, naming it); everyday words in a table's first column (推荐) name nothing."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, SearchHit

    peers = peer_names([_table([["中芯国际", "75"], ["华虹公司", "—"], ["推荐", "—"], ["中性", "—"]])])
    text = "中芯国际2024年资本开支指引约75亿美元。行业2024年资本开支整体回落约10%。"
    hit = SearchHit(chunk=Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text)), score=1.0)
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)
    found = lambda q: [c.unit.text[:4] for c in answerer.candidates(q, [hit])]  # noqa: E731
    assert found("华虹公司2024年资本开支指引是多少？") == []
    # the paragraph opens on 中芯国际: its later sentence is of it as far as names go
    assert found("中芯国际2024年资本开支指引是多少？") == ["中芯国际", "行业20"]
    assert found("推荐的公司2024年资本开支是多少？") == ["中芯国际", "行业20"]


def test_a_unit_on_an_unlisted_name_names_it_where_its_own_part_is_a_name():
    """常熟银行 is not in the table; the report writes 常熟 elsewhere, so it is not silent — but a sentence on listed
    banks as a whole, never naming 常熟, is not about it. 上市银行 (an everyday word before 银行) asks of no one bank."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, name_kinds
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    tables = [_rows_table("银行", [["工商银行", "1.35%"], ["招商银行", "0.95%"]])]
    whole, own = "一季度末，上市银行不良贷款率1.27%。", "常熟银行一季度末不良贷款率0.77%。"
    chunks = [Chunk(id=f"c{i}", report="r.txt", text=t, start=40 * i, end=40 * i + len(t), kind=ChunkKind.TEXT)
              for i, t in enumerate([whole, own])]
    hits = [SearchHit(chunk=c, score=1.0) for c in chunks]
    answerer = OfflineAnswerer(Coverage({"不良贷款率": 2}, 10), peers=peer_names(tables), kinds=name_kinds(tables),
                               report_text=lambda _: whole + own)
    assert [c.unit.text for c in answerer.candidates("常熟银行一季度的不良贷款率是多少？", hits)] == [own]
    assert {c.unit.text for c in answerer.candidates("上市银行一季度的不良贷款率是多少？", hits)} == {whole, own}


def test_an_organisation_the_report_never_writes_gets_nothing_from_it():
    """中金公司's forecast, asked of reports by others: their own forecast is not the one asked."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, proper_names
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "我们预计2025年国内新型储能新增装机50GW。"
    hit = SearchHit(chunk=Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TEXT),
                    score=1.0)
    assert proper_names("中金公司对2025年新增装机的预测是多少？") == ["中金公司"]
    assert proper_names("鹤鸣统计的剑南春2024年营收目标是多少？") == ["剑南春"]
    assert proper_names("白宫新设的那个工作组由谁牵头？") == []  # a two-character fragment is no name
    answerer = OfflineAnswerer(Coverage({"装机": 2}, 10), report_text=lambda _: text)
    assert answerer.candidates("中金公司对2025年新增装机的预测是多少？", [hit]) == []
    assert answerer.candidates("东岳对2025年新增装机的预测是多少？", [hit])


def test_a_figure_asked_is_answered_by_a_unit_that_states_one():
    """"EPS预测是多少": a table note naming the measure but no figure does not answer it; figures in words count."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, asks_figure, holds_figure
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    note = "EPS预测均为华岳证券研究所预测。"
    hit = SearchHit(chunk=Chunk(id="c1", report="r.txt", text=note, start=0, end=len(note), kind=ChunkKind.TEXT),
                    score=1.0)
    answerer = OfflineAnswerer(Coverage({"eps": 2}, 10))
    assert answerer.candidates("华岳对EPS的预测是多少？", [hit]) == []
    assert answerer.candidates("华岳的EPS预测由谁做出？", [hit])
    assert asks_figure("海外收入占比多少") and asks_figure("How much did prices fall?")
    assert not asks_figure("有多少家公司推迟扩产？")  # a count of names may be answered by naming them
    assert holds_figure("超过三成") and holds_figure("增长1.8倍") and not holds_figure("显著提升")
    # a code's digits, a date's month and day, a list item's number: no figures
    assert not holds_figure("向加速评估 FAST-41 涵盖的项目拨款") and not holds_figure("当地时间 9 月 12 日,白宫宣布成立工作组")
    assert not holds_figure("1、美国白宫宣布将成立工作组") and holds_figure("规划45EFlops") and holds_figure("H100出货50万颗")
    assert not holds_figure("地方智算 25/26 年景气度有望进一步提升")  # years written short


def test_the_localities_taken_together_are_asked_as_a_whole():
    from assistant.answer.offline import asks_national
    assert asks_national("天风测算地方智算2026年建设规模是多少？")
    assert not asks_national("各地方的智算规划分别是多少？") and not asks_national("地方政府专项债有哪些？")
    # a counted set of regions, one figure of them all
    assert asks_national("澜沧十个重点省份2023年底整体完成率是多少？")
    assert asks_national("What was the overall completion rate of the ten key provinces at end-2023?")
    assert not asks_national("十个重点省份中哪个省完成率最高？") and not asks_national("五省的目标分别是多少？")


def test_english_questions_asking_a_figure():
    from assistant.answer.offline import asks_figure, holds_figure
    assert asks_figure("How many EFlops does Beijing plan?") and asks_figure("What is the combined 2025 target?")
    assert asks_figure("What was the NPL ratio of listed banks?")
    assert not asks_figure("How many companies did Heming survey?") and not asks_figure("Which province leads?")
    assert holds_figure("中国正式启动建设八大国家算力枢纽节点") and holds_figure("规划建设了十个国家数据中心集群")


def test_an_amount_of_money_asked_is_answered_by_a_unit_that_states_one():
    from assistant.answer.offline import asks_money, holds_money

    assert asks_money("合作团队有多少预算？") and asks_money("How much funding will the department provide?")
    assert not asks_money("预算由谁审批？") and not asks_money("份额是多少？")
    assert holds_money("拨款12亿美元") and holds_money("$5 billion") and not holds_money("份额分别为34%、33%")
    # an amount of revenue asked — not its growth, its share, nor a target (often set as a growth)
    assert asks_money("贵州茅台2024年一季度单季营业收入是多少？") and asks_money("凯莱英2023年营收多少？")
    assert not asks_money("凯莱英2023年营收多少？同比增长多少？") and not asks_money("五粮液2024年营收目标是多少？")
    # a table's date (2023.4, 2023. 10) states no figure; a value with its unit does
    from assistant.answer.offline import holds_figure
    assert not holds_figure("浙江\t2023.4\t《行动计划（2023-2027年）》\t发展共享共用算力中心")
    assert not holds_figure("时间：2023. 10；发布单位：工信部") and holds_figure("产值2023.4亿元")


def test_the_whole_country_asked_is_not_answered_by_a_provinces_sentence_or_row():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    province, country = "山东提出到2025年光伏装机达到6500万千瓦。", "我们预计2025年底累计装机将达到1107GW。"
    row = "河南\t2025年\t42GW"
    chunks = [Chunk(id=f"c{i}", report="r.txt", text=t, start=40 * i, end=40 * i + len(t), kind=kind,
                    context="地区\t年份\t累计装机" if kind is ChunkKind.TABLE else "")
              for i, (t, kind) in enumerate([(province, ChunkKind.TEXT), (country, ChunkKind.TEXT),
                                             (row, ChunkKind.TABLE)])]
    hits = [SearchHit(chunk=c, score=1.0) for c in chunks]
    answerer = OfflineAnswerer(Coverage({"装机": 2}, 10))
    texts = lambda q: {c.unit.text for c in answerer.candidates(q, hits)}  # noqa: E731
    assert texts("2025年底全国光伏累计装机将达到多少？") == {country}
    assert texts("How much PV capacity will China's installed base reach by end-2025?") == {country}
    assert province in texts("山东2025年光伏装机目标是多少？")


def test_a_name_cell_with_a_count_in_brackets_is_the_name():
    from assistant.answer.offline import cell_name, peer_names
    from assistant.core.models import Table, TableRow
    assert cell_name("农商行（10家）") == "农商行" and cell_name("上市银行合计（42家）") == "上市银行合计"
    assert cell_name("2023A") == "" and cell_name("第八代五粮液") == "第八代五粮液"
    kinds = Table(id="t", report="r.txt", caption="图表2", header=["银行类型", "净息差"], start=0, end=10,
                  rows=[TableRow(cells=["国有行（6家）", "1.46%"], start=0, end=5),
                        TableRow(cells=["农商行（10家）", "1.72%"], start=5, end=10)])
    assert peer_names([kinds])["农商行"] == {"国有行"}


def test_the_worlds_figure_is_not_answered_by_chinas_nor_the_other_way_round():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, asked_scope
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    assert asked_scope("2025年全球半导体销售额是多少？") is not None
    assert asked_scope("中国大陆占全球的比重是多少？") is None  # both named: no one scope
    china = "2025年中国大陆半导体设备销售额预计为400亿美元。"
    world = "2025年全球半导体设备销售额预计为1200亿美元。"
    both = "2025年中国大陆设备销售额预计400亿美元，占全球的33%。"
    hits = [SearchHit(chunk=Chunk(id=f"c{i}", report="r.txt", text=t, start=100 * i, end=100 * i + len(t),
                                  kind=ChunkKind.TEXT), score=1.0) for i, t in enumerate([china, world, both])]
    answerer = OfflineAnswerer(Coverage({}, 10))
    got = {c.unit.text for c in answerer.candidates("2025年全球半导体设备销售额是多少？", hits)}
    assert world in got and both in got and china not in got
    got = {c.unit.text for c in answerer.candidates("2025年中国大陆半导体设备销售额是多少？", hits)}
    assert china in got and both in got and world not in got
    # a size asked ("有多大") is a figure of its scope too
    got = {c.unit.text for c in answerer.candidates("2025年全球半导体设备市场有多大？", hits)}
    assert world in got and china not in got


def test_the_row_asked_at_the_year_asked_is_the_cell_asked():
    """"2026年电网侧新增装机多少GW": the 电网侧 row, which holds a figure in the one 2026E column; not a sentence on
    2024—2026, nor a row the question does not name, nor a row with no 2026 column."""
    from assistant.answer.evidence import units_of
    from assistant.answer.offline import asked_cell
    from assistant.core.models import Chunk, ChunkKind

    header = "项目\t2024E\t2025E\t2026E"
    rows = "新增装机（GW）\t38.0\t50.0\t63.0\n电网侧（GW）\t17.0\t23.0\t30.0\n用户侧（GW）\t4.5\t6.5\t9.0"
    table = Chunk(id="t", report="r.txt", text=rows, start=0, end=len(rows), kind=ChunkKind.TABLE, context=header)
    said = "我们预计2024—2026年电网侧新增装机持续增长。"
    sentence = Chunk(id="s", report="r.txt", text=said, start=200, end=200 + len(said), kind=ChunkKind.TEXT)
    cell = asked_cell("东岳预测2026年电网侧储能新增装机多少GW？")
    held = [u.text.split("\t")[0] for c in (table, sentence) for u in units_of(c) if cell(u)]
    assert held == ["新增装机（GW）", "电网侧（GW）"]  # both named; the evidence score orders them
    assert asked_cell("电网侧储能新增装机多少GW？") is None  # no year asked
    assert not any(asked_cell("2027年电网侧新增装机多少GW？")(u) for u in units_of(table))


def test_a_row_named_is_not_the_cell_asked_of_a_place_it_does_not_name():
    """"全球2023年销售额多少？其中中国市场多少？": the 销售额 row of a world table gives no figure of China's."""
    from assistant.answer.evidence import units_of
    from assistant.answer.offline import asked_cell
    from assistant.core.models import Chunk, ChunkKind

    rows = "销售额（亿美元）\t5700\t5210"
    table = Chunk(id="t", report="r.txt", text=rows, start=0, end=len(rows), kind=ChunkKind.TABLE,
                  context="图表1：全球半导体销售额\n年份\t2022A\t2023A")
    units = units_of(table)
    assert any(asked_cell("全球半导体2023年销售额是多少？")(u) for u in units)
    assert not any(asked_cell("全球半导体2023年销售额是多少？其中中国市场销售额多少？")(u) for u in units)


def _row_candidates(text: str, context: str):
    """The candidate units' texts a question finds in one table row (its caption and header as `context`)."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    row = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TABLE, context=context)
    answerer = OfflineAnswerer(Coverage({}, 10))
    return lambda question: [c.unit.text for c in answerer.candidates(question, [SearchHit(chunk=row, score=1.0)])]


def test_a_row_of_a_table_of_another_kind_does_not_answer_a_figure_asked():
    """"云南2025年光伏装机规划目标" is not answered by 云南's row of a 新型储能 target table; a storage question is."""
    text = "云南\t2024年5月\t超过1GW"
    candidates = _row_candidates(text, "图表3：各省新型储能2025年目标\n省份\t发布时间\t2025年目标")
    assert candidates("云南省2025年光伏装机规划目标是多少GW？") == []
    assert candidates("云南省2025年新型储能目标是多少GW？") == [text]


def test_a_row_giving_the_measure_only_for_other_years_does_not_answer():
    """"2025年股息率" of a row whose 股息率 column is 2024E only: nothing for 2025 (its BVPS 2025E is no dividend)."""
    text = "甲银行\t40.20\t44.10\t6.0%"
    candidates = _row_candidates(text, "银行\tBVPS 2024E（元）\tBVPS 2025E（元）\t股息率 2024E")
    assert candidates("甲银行2025年股息率是多少？") == []
    assert candidates("甲银行2024年股息率是多少？") == [text]
    assert candidates("甲银行2025年BVPS是多少？") == [text]


def test_a_quantity_asked_is_not_answered_by_a_sum_of_money_that_never_names_it():
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    said = "2024年一季度，20家上市啤酒公司合计实现营业收入532亿元，同比增长5.6%。"
    chunk = Chunk(id="s", report="r.txt", text=said, start=0, end=len(said), kind=ChunkKind.TEXT)
    answerer = OfflineAnswerer(Coverage({}, 10))
    hits = [SearchHit(chunk=chunk, score=1.0)]
    assert answerer.candidates("2024年一季度规上啤酒企业的产量是多少？", hits) == []
    assert [c.unit.text for c in answerer.candidates("2024年一季度上市啤酒公司的营业收入是多少？", hits)] == [said]


def test_a_figure_asked_of_the_one_listed_name_a_question_holds_needs_a_unit_naming_it():
    """"2024年1—7月比亚迪在欧洲卖了多少辆": the country's exports to Europe are not 比亚迪's sales there; a sentence
    on 比亚迪 still answers on it."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    peers = peer_names([_table([["比亚迪", "385万辆"], ["蔚来", "23万辆"]])])
    national = "2024年1—7月，新能源汽车出口73.8万辆，其中欧洲占31.5%。"
    own = "2024年1—7月，比亚迪在欧洲销量约2.1万辆。"
    hits = [SearchHit(chunk=Chunk(id=f"s{i}", report="r.txt", text=t, start=100 * i, end=100 * i + len(t),
                                  kind=ChunkKind.TEXT), score=1.0) for i, t in enumerate([national, own])]
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)
    assert [c.unit.text for c in answerer.candidates("2024年1—7月比亚迪在欧洲卖了多少辆？", hits)] == [own]


def test_a_place_inside_a_listed_name_is_the_names_not_the_places():
    """泸州 of 泸州老窖 is the company's: its row does not answer on 泸州市 (the city); asked as 江苏银行, the place
    inside the name asks for that name — its row answers, a sentence on the province of 江苏 does not."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    peers = peer_names([_table([["泸州老窖", "约345亿元"], ["江苏银行", "2250亿元"], ["今世缘", "150亿元"]])])
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peers)

    def found(question: str, text: str, context: str = "公司\t2024年营收目标") -> list[str]:
        kind = ChunkKind.TABLE if "\t" in text else ChunkKind.TEXT
        chunk = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=kind, context=context)
        return [c.unit.text for c in answerer.candidates(question, [SearchHit(chunk=chunk, score=1.0)])]

    assert found("泸州市给白酒产业定的2024年营收目标是多少？", "泸州老窖\t约345亿元") == []
    assert found("泸州老窖2024年营收目标是多少？", "泸州老窖\t约345亿元") == ["泸州老窖\t约345亿元"]
    assert found("江苏银行2024年营收目标是多少？", "江苏银行\t2250亿元") == ["江苏银行\t2250亿元"]
    sentence = "江苏2024年营收目标为3000亿元。"
    assert found("江苏银行2024年营收目标是多少？", sentence, "") == []
    assert found("江苏2024年营收目标是多少？", sentence, "") == [sentence]


def test_a_measure_a_table_column_names_must_be_the_units_when_a_figure_is_asked():
    """A table's column 2023年海外收入占比 makes 海外收入占比 a measure: asked of 药明生物, its order backlog and its
    revenue row give other measures (no answer); a sentence writing the measure's words a little apart
    (海外收入合计占比), or shortening it to its last word (完成率 of 规划完成率), still names it. Read from any table's
    header; amounts (海外收入) are held to it in table rows only (prose writes an amount many ways)."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, column_measures, names_measure
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    shares = Table(id="t#3", report="r.txt", caption="表3", header=["公司", "2023年海外收入", "2023年海外收入占比"],
                   rows=[TableRow(cells=["药明康德", "262亿元", "65.0%"], start=0, end=1)], start=0, end=1)
    storage = Table(id="t#4", report="s.txt", caption="图表4",
                    header=["省份", "储能时长（小时）", "配储比例", "2023年底规划完成率"],
                    rows=[TableRow(cells=["新疆", "2", "15%"], start=0, end=1)], start=0, end=1)
    columns = column_measures([shares, storage])
    assert {"海外收入占比", "配储比例", "规划完成率", "海外收入", "储能时长"} <= columns
    assert not {"公司", "省份"} & columns
    answerer = OfflineAnswerer(Coverage({}, 10), columns=columns)

    def found(question: str, *texts: str) -> list[str]:
        hits = [SearchHit(chunk=Chunk(id=f"c{i}", report="r.txt", text=t, start=100 * i, end=100 * i + len(t),
                                      kind=ChunkKind.TEXT), score=1.0) for i, t in enumerate(texts)]
        return [c.unit.text for c in answerer.candidates(question, hits)]

    backlog = "药明生物2023年末未完成订单总额约200亿美元。"
    assert found("药明生物2023年海外收入占比是多少？", backlog) == []
    assert found("药明生物2023年末未完成订单是多少？", backlog) == [backlog]  # no column measure asked
    prose = "药明康德2023年海外收入合计占比65.0%。"
    assert found("药明康德2023年海外收入占比是多少？", prose) == [prose]
    shortened = "内蒙古2023年底完成率仅48.4%。"
    assert found("内蒙古2023年底光伏规划完成率是多少？", shortened) == [shortened]
    assert found("内蒙古2023年底光伏规划完成率是多少？", "内蒙古2023年底光伏装机21.8GW。") == []
    assert not names_measure(answerer.candidates("药明康德2023年收入是多少？", [SearchHit(chunk=Chunk(
        id="x", report="r.txt", text="药明康德2023年海外收入262亿元。", start=0, end=20, kind=ChunkKind.TEXT),
        score=1.0)])[0].unit, "海外收入占比")
    # an amount a column names is held to its name in table rows only: a row of a table without the column gives
    # another measure; prose writes amounts many ways
    row = Chunk(id="r", report="r.txt", text="泰格医药\t164.2亿元", start=0, end=12, kind=ChunkKind.TABLE,
                context="公司\t2023年末在手订单")
    asked = "泰格医药2023年海外收入是多少？"
    assert answerer.candidates(asked, [SearchHit(chunk=row, score=1.0)]) == []
    assert found(asked, "泰格医药2023年来自海外客户的收入约35亿元。")
    # a measure whose last word is one character (储能时长: 储能|时|长) is named whole
    row = Chunk(id="s", report="s.txt", text="新疆\t2小时", start=0, end=5, kind=ChunkKind.TABLE, context="省份\t储能时长")
    assert answerer.candidates("新疆的储能时长要求是多少？", [SearchHit(chunk=row, score=1.0)])


def test_a_sentence_under_a_section_on_another_kind_does_not_answer_a_figure_asked():
    """"全国新增装机520万千瓦" under a section on 新型储能 is storage's figure: it does not answer 光伏新增装机, and it
    answers the storage question; a sentence naming the kind asked answers wherever it stands."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    def found(question: str, text: str, section: str) -> list[str]:
        chunk = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TEXT,
                      section=section)
        return [c.unit.text for c in OfflineAnswerer(Coverage({}, 10)).candidates(
            question, [SearchHit(chunk=chunk, score=1.0)])]

    storage = "2024年一季度，全国新增装机520万千瓦。"
    assert found("2024年一季度全国光伏新增装机是多少？", storage, "1. 新型储能装机进入高速增长期") == []
    assert found("2024年一季度全国新型储能新增装机是多少？", storage, "1. 新型储能装机进入高速增长期") == [storage]
    assert found("2024年一季度全国光伏新增装机是多少？", storage, "1. 行业回顾") == [storage]  # no kind: not judged
    pv = "2024年一季度，全国光伏新增装机45.7GW。"
    assert found("2024年一季度全国光伏新增装机是多少？", pv, "1. 新型储能装机进入高速增长期") == [pv]


def test_a_measure_named_only_in_a_list_closed_by_deng_gets_no_figure_of_its_own():
    """"科技贷款、普惠小微、绿色贷款等目标…浙江…科技贷款目标合计约3.9万亿元" names 普惠小微 only as one of a group: it
    does not answer 浙江's 普惠小微 target; the sentence still answers 科技贷款, named outside the list too."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, listed_words
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "科技贷款、普惠小微、绿色贷款等目标均有提高，浙江2025年科技贷款目标约1.8万亿元。"
    chunk = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TEXT)

    def found(question: str) -> list[str]:
        return [c.unit.text for c in OfflineAnswerer(Coverage({}, 10)).candidates(
            question, [SearchHit(chunk=chunk, score=1.0)])]

    assert found("浙江2025年普惠小微贷款目标是多少？") == []
    assert found("浙江2025年科技贷款目标是多少？") == [text]
    assert "普惠小微" not in listed_words("科技贷款、普惠小微的目标分别是多少？")  # the question lists them itself


def test_a_product_asked_by_a_code_no_report_writes_beside_others_of_its_line_is_not_found():
    """梦之蓝M9 where the report prices 梦之蓝M6+, P型组件 where it prices N型硅片 and TOPCon组件: the report says nothing
    of that product, however close its rows; asked by a code the report writes, it answers."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, unwritten_variant
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "产品：梦之蓝M6+；2024年6月：560元。N型硅片（182mm）2024年7月价格为1.2元/片。"
    chunk = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TEXT)
    answerer = OfflineAnswerer(Coverage({}, 10), report_text=lambda report: text.lower())

    def found(question: str) -> int:
        return len(answerer.candidates(question, [SearchHit(chunk=chunk, score=1.0)]))

    assert found("2024年6月梦之蓝M9的批价是多少？") == 0
    assert found("2024年6月梦之蓝M6+的批价是多少？") > 0
    assert found("2024年7月P型组件的价格是多少？") == 0
    assert found("2024年7月N型硅片的价格是多少？") > 0
    assert unwritten_variant("首批l3车型什么时候上路？", [text.lower()]) == ""  # no other code of its line written


def test_a_name_asked_with_a_qualifier_no_report_writes_beside_a_listed_bracketed_one_is_not_found():
    """飞天茅台原箱 where the table lists 飞天茅台（散瓶）: the report prices the loose bottle, not the case."""
    from assistant.answer.offline import unwritten_variant

    text = "产品\t2024年6月\n飞天茅台（散瓶）\t2420\n2024年6月中旬，飞天茅台（散瓶）批价约2420元/瓶。".lower()
    names = ["飞天茅台(散瓶)", "普五(八代)"]
    assert unwritten_variant("2024年6月飞天茅台原箱的批价是多少?", [text], names) == "飞天茅台原箱"
    assert unwritten_variant("2024年6月飞天茅台散瓶的批价是多少?", [text], names) == ""
    assert unwritten_variant("2024年6月飞天茅台的批价是多少?", [text], names) == ""


def test_a_figure_stated_before_the_name_asked_is_not_its_figure():
    """"全球…融资额142亿美元，…其中美国市场融资额同比增长超过40%": 美国's amount in 亿美元 is not given (the amount is
    the world's, stated before 美国 is named); its growth is."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    text = "2024年1—2月，全球生物医药一级市场融资额142亿美元，同比增长36.5%，其中美国市场融资额同比增长超过40%。"
    chunk = Chunk(id="c1", report="r.txt", text=text, start=0, end=len(text), kind=ChunkKind.TEXT)

    def found(question: str) -> int:
        return len(OfflineAnswerer(Coverage({}, 10)).candidates(question, [SearchHit(chunk=chunk, score=1.0)]))

    assert found("2024年1—2月美国生物医药一级市场融资额是多少亿美元？") == 0
    assert found("2024年1—2月美国生物医药一级市场融资额同比增长多少？") == 1
    assert found("2024年1—2月全球生物医药一级市场融资额是多少亿美元？") == 1
    # a rate asked of the name: the sentence must state one after naming it
    from assistant.answer.offline import figure_after
    unit = OfflineAnswerer(Coverage({}, 10)).candidates("美国融资额是多少", [SearchHit(chunk=chunk, score=1.0)])[0].unit
    assert figure_after(unit, "美国", money=False, rate=True)  # 超过40%
    amount = Chunk(id="c2", report="r.txt", text="其中，户用分布式新增18.7GW。", start=0, end=17, kind=ChunkKind.TEXT)
    unit = OfflineAnswerer(Coverage({}, 10)).candidates("户用分布式新增多少", [SearchHit(chunk=amount, score=1.0)])[0].unit
    assert not figure_after(unit, "户用分布式", money=False, rate=True)
    assert figure_after(unit, "户用分布式", money=False)


def test_a_unit_naming_no_year_is_dated_by_its_reports_title_and_a_listed_name_asked_must_be_named():
    """In 《银行业2024年一季报点评》, "一季度城商行贷款同比增长14.6%" is 2024's; a sentence on the sector's margin in bp
    names no 农商行 (a name of a kind the tables list — 城商行, 农商行 —, which jieba cuts 农|商行): it does not answer
    农商行's loan growth."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer, dated_by_report
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    head = "# 银行业2024年一季报点评：营收降幅收窄\n"
    loans = "一季度城商行贷款同比增长14.6%，高于上市银行整体4.7个百分点。"
    margin = "单季环比降幅由2023年四季度的7bp收窄至2024年一季度的4bp。"
    text = head + loans + margin
    from assistant.answer.offline import name_kinds

    kinds_table = _table([["城商行", "3.8%"], ["农商行", "5.2%"], ["国有行", "1.1%"]])
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peer_names([kinds_table]), kinds=name_kinds([kinds_table]),
                               report_text=lambda report: text.lower())
    chunk = Chunk(id="c1", report="r.txt", text=loans + margin, start=len(head), end=len(text), kind=ChunkKind.TEXT)

    def found(question: str) -> list[str]:
        return [c.unit.text for c in answerer.candidates(question, [SearchHit(chunk=chunk, score=1.0)])]

    assert loans in found("2024年一季度城商行贷款同比增长多少？")
    assert found("2024年一季度农商行贷款同比增长多少？") == []
    assert loans not in found("2023年一季度城商行贷款同比增长多少？")  # the title's year only
    assert not dated_by_report(answerer.candidates("城商行贷款增长多少", [SearchHit(chunk=chunk, score=1.0)])[0].unit,
                               "2024", "# 银行业年度策略")


def test_a_paragraph_opening_on_a_part_of_the_year_dates_its_sentences_by_the_reports_title():
    """"一季度末，…。拨贷比3.06%，较年初下降4bp。" in 《银行业2024年一季报点评》: the later sentence is 2024's too."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    head = "# 银行业2024年一季报点评\n"
    body = "一季度末，上市银行不良贷款率1.27%，较年初下降1bp。拨贷比3.06%，较年初下降4bp。"
    text = head + body
    chunk = Chunk(id="c1", report="r.txt", text=body, start=len(head), end=len(text), kind=ChunkKind.TEXT)
    answerer = OfflineAnswerer(Coverage({}, 10), report_text=lambda report: text.lower())
    found = [c.unit.text for c in answerer.candidates("2024年一季度末上市银行拨贷比是多少？", [SearchHit(chunk=chunk, score=1.0)])]
    assert "拨贷比3.06%，较年初下降4bp。" in found
    assert "拨贷比3.06%，较年初下降4bp。" not in [c.unit.text for c in answerer.candidates(
        "2023年一季度末上市银行拨贷比是多少？", [SearchHit(chunk=chunk, score=1.0)])]


def test_a_listed_names_short_form_before_the_year_is_what_the_figure_is_asked_of():
    """汾酒 of 山西汾酒, written alone before the year: the industry's total does not answer for it; a sentence on
    汾酒 does."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, SearchHit

    peers = peer_names([_table([["山西汾酒", "360亿元"], ["今世缘", "150亿元"]])])
    total, own = "2024年一季度，20家上市白酒公司合计实现营业收入1632亿元。", "2024年一季度，汾酒实现营业收入153亿元。"
    hits = [SearchHit(chunk=Chunk(id=f"c{i}", report="r.txt", text=t, start=i * 40, end=i * 40 + len(t)), score=1.0)
            for i, t in enumerate([total, own])]
    answerer = OfflineAnswerer(Coverage({"营业收入": 2}, 10), peers=peers)
    assert [c.unit.text for c in answerer.candidates("汾酒2024年一季度营收是多少？", hits)] == [own]


def test_a_listed_name_asked_by_another_name_reports_write_for_it_is_that_name():
    """硅料 is what analysts call 多晶硅: asked of 硅料, the table's 多晶硅 row answers and its 硅片 row does not."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, ChunkKind, SearchHit

    tables = [_rows_table("环节", [["多晶硅", "-41.5%"], ["硅片", "-60.9%"]])]
    answerer = OfflineAnswerer(Coverage({}, 10), peers=peer_names(tables))
    assert answerer._named("硅料价格同比降了多少？") == ["多晶硅"]
    rows = [Chunk(id=f"r{i}", report="r.txt", text=t, start=10 * i, end=10 * i + len(t), kind=ChunkKind.TABLE,
                  context="环节\t价格同比") for i, t in enumerate(["多晶硅\t-41.5%", "硅片\t-60.9%"])]
    got = [c.unit.text for c in answerer.candidates("硅料价格同比降了多少？", [SearchHit(chunk=r, score=1.0) for r in rows])]
    assert got == ["多晶硅\t-41.5%"]

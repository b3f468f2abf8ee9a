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

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

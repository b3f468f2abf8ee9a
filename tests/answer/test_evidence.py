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

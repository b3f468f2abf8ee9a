"""Evidence units (assistant/ingest/units.py) on chunks made in memory: a sentence, or a short label joined to its
value; a table row with its header cells, its leading empty cells counted; rule rows and the header never units."""

from assistant.core.models import Chunk, ChunkKind
from assistant.ingest.units import header_cells, unit_embed_text, unit_key, unit_spans

PROSE = "投资评级\n买入（维持）\n算力需求快速增长。智算中心加速建设！好。"
TABLE = "省份\t2025\t2026\n北京\t45\t50\n\t12\t13\n----\t----\t----\n"


def chunk(text: str, kind: ChunkKind = ChunkKind.TEXT, **fields) -> Chunk:
    return Chunk(id="c", report="r.txt", text=text, start=10, end=10 + len(text), kind=kind, **fields)


def test_sentences_with_a_label_joined_to_its_value_and_tiny_pieces_left_out():
    prose = chunk(PROSE, section="一、概览 > 1.1 需求")
    spans = unit_spans(prose)
    assert [PROSE[s.start:s.end] for s in spans] == ["投资评级\n买入（维持）", "算力需求快速增长。", "智算中心加速建设！"]
    assert unit_embed_text(prose, spans[1]) == "1.1 需求\n算力需求快速增长。"  # the innermost heading as context


def test_table_rows_keep_their_cells_aligned_with_the_header():
    table = chunk(TABLE, ChunkKind.TABLE, caption="表1 x", context="表1 x\n省份\t2025\t2026")
    assert header_cells(table) == ["省份", "2025", "2026"]
    spans = unit_spans(table)
    assert [(TABLE[s.start:s.end], s.lead) for s in spans] == [("北京\t45\t50", 0), ("12\t13", 1)]
    assert unit_embed_text(table, spans[0]) == "表1 x\n省份\t2025\t2026\n北京\t45\t50"
    assert header_cells(chunk("省份\t2025")) == []  # a text chunk has no header


def test_unit_keys_name_the_embedder_and_the_text():
    assert unit_key("e5", "北京\t45") == unit_key("e5", "北京\t45") != unit_key("e5", "北京\t46")
    assert unit_key("e5", "x") != unit_key("minilm", "x")

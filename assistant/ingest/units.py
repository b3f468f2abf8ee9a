"""Evidence units: the pieces an answer quotes — a table row, or a sentence (a short label joined to its value).

Found here once, at ingest and at answer time alike, so that the vectors embedded for units at ingest are the
vectors of exactly the units the answerer ranks.
"""

from __future__ import annotations

from typing import NamedTuple

from assistant.core.models import Chunk, ChunkKind
from assistant.core.text import sentence_spans, sha256_hex
from assistant.ingest.structure import is_rule_row, split_cells

SHORT_LINE = 12  # a line this short without a full stop is a label ("投资评级") that belongs to the next line
MIN_CHARS = 4


class UnitSpan(NamedTuple):
    start: int  # offsets into chunk.text
    end: int
    lead: int  # empty leading cells of a table row (its cells stay aligned with the header)


def header_cells(chunk: Chunk) -> list[str]:
    return split_cells(chunk.context.split("\n")[-1]) if chunk.kind == ChunkKind.TABLE and chunk.context else []


def unit_spans(chunk: Chunk) -> list[UnitSpan]:
    text = chunk.text
    if chunk.kind == ChunkKind.TABLE:
        header = header_cells(chunk)
        spans, pos = [], 0
        for line in text.split("\n"):
            s, e = pos, pos + len(line.rstrip())
            pos += len(line) + 1
            cells = split_cells(line)
            if len(cells) >= 2 and line.strip().strip("\t-|: ") and cells != header and not is_rule_row(cells):
                lead = len(line) - len(line.lstrip("\t "))
                spans.append(UnitSpan(s + lead, e, len(line[:lead].split("\t")) - 1))
        return spans
    merged: list[tuple[int, int]] = []
    label_open = False  # the last span is a lone short label waiting for its value
    for s, e in sentence_spans(text):
        if label_open:
            merged[-1] = (merged[-1][0], e)
            label_open = False
            continue
        merged.append((s, e))
        label_open = e - s <= SHORT_LINE and text[e - 1] not in "。！？；!?;"
    return [UnitSpan(s, e, 0) for s, e in merged if e - s >= MIN_CHARS]


def unit_embed_text(chunk: Chunk, span: UnitSpan) -> str:
    """What is embedded for a unit: a row with its table's caption and header; a sentence with its section."""
    body = chunk.text[span.start:span.end]
    context = chunk.context if chunk.kind == ChunkKind.TABLE else chunk.section.split(" > ")[-1]
    return f"{context}\n{body}" if context else body


def unit_key(embedder_name: str, embed_text: str) -> str:
    """The key of a unit's vector in the catalog's vector cache (beside the chunks' own keys)."""
    return f"{embedder_name}:unit:{sha256_hex(embed_text.encode())}"

"""Chunker for Chinese broker reports.

Splits at section headings, then paragraphs, then sentences; a sentence is cut only when it alone exceeds the
limit. Tables are the structure pass's (`structure.extract_tables`, the one table rule: which lines form a table,
its caption above or below, its rows) — this module does not group table lines itself. A table is kept whole row by
row, and every chunk of a table carries the table's caption and header as `context` (measured here: that took BM25
top-1 on table questions from 0 to 0.86), whether the caption stands above the table or under it (Markdown). A caption
above is covered by the table's first chunk; a caption under the table stays in the text that follows — it heads the
table's source and notes and the prose that discusses the table ("按上表口径加总…"), which it names for search
(measured on dev2: covering it in the last table chunk instead lost that prose's answers, .667 vs .673). Every
chunk's text is exactly `report.text[start:end]`.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from dataclasses import dataclass

from assistant.core.models import Chunk, ChunkKind, Report, Table
from assistant.core.text import CAPTION_RE, iter_lines, sentence_spans
from assistant.ingest.structure import extract_tables

# "1. 标题", "1.1 标题", "1、标题", "2) 标题", "► 标题" — short lines that do not end a sentence.
HEADING_RE = re.compile(r"^\s*(?:(\d+(?:\.\d+)*)\s*[、.．)）]?\s*|►\s*)(?=\S)(?P<title>.+)$")
MAX_HEADING_CHARS = 60
# Unnumbered section titles that broker reports share (disclaimers, ratings, contents).
NAMED_HEADINGS = {"分析师声明", "一般声明", "特别声明", "投资评级声明", "免责声明", "正文目录", "图表目录",
                  "重要声明", "法律声明", "评级说明"}


@dataclass
class _Line:
    start: int
    end: int  # excludes the newline
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()


@dataclass
class _Block:
    """A paragraph, heading or caption line (`lines`), or one of the structure pass's tables (`table`, spanning
    start…end: its caption above, header, rows and the blank or rule lines between them)."""

    kind: ChunkKind
    lines: list[_Line]
    table: Table | None = None
    span: tuple[int, int] | None = None

    @property
    def start(self) -> int:
        return self.span[0] if self.span else self.lines[0].start

    @property
    def end(self) -> int:
        return self.span[1] if self.span else self.lines[-1].end


def _lines(text: str) -> list[_Line]:
    return [_Line(s, e, text[s:e]) for s, e in iter_lines(text)]


def heading_level(line: str) -> int | None:
    """Heading level (1, 2, …) of a section heading line, else None."""
    stripped = line.strip()
    if stripped in NAMED_HEADINGS:
        return 1
    if "\t" in line or len(stripped) > MAX_HEADING_CHARS or stripped.endswith(("。", "；", ";")):
        return None
    if CAPTION_RE.match(stripped):
        return None
    m = HEADING_RE.match(stripped)
    if not m:
        return None
    number = m.group(1)
    if number is None:  # "►"
        return 1
    if re.fullmatch(r"\d{3,}", number) or re.match(r"^\d+(\.\d+)*\s*[%年月日]", stripped):
        return None  # "2022 年…", "35%…" are sentences, not headings
    if re.match(r"^\d+[)）]", stripped):
        return 2
    return number.count(".") + 1


def _table_spans(lines: list[_Line], tables: list[Table]) -> dict[int, tuple[int, Table, tuple[int, int]]]:
    """First line index → (last line index, table, span) of each table with its caption above, in text order."""
    starts = [line.start for line in lines]
    out: dict[int, tuple[int, Table, tuple[int, int]]] = {}
    done = 0  # end of the previous table's span: never two blocks over one line
    for t in sorted(tables, key=lambda t: t.start):
        start = t.start if t.caption_start is None else min(t.start, t.caption_start)
        end = t.end  # a caption under the table heads the text that follows (see the module docstring)
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, max(start, end - 1)) - 1
        if first < 0 or lines[first].start < done:
            continue  # overlaps the table before it (tables passed in by hand; the structure pass makes none)
        out[first] = (last, t, (start, end))
        done = lines[last].end + 1
    return out


def _blocks(text: str, tables: list[Table]) -> list[tuple[int, _Block]]:
    """Paragraph and table blocks, each with the heading level it opens (0 when it is not a heading)."""
    lines = _lines(text)
    at = _table_spans(lines, tables)
    blocks: list[tuple[int, _Block]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in at:
            last, table, span = at[i]
            blocks.append((0, _Block(ChunkKind.TABLE, lines[i:last + 1], table, span)))
            i = last + 1
            continue
        if line.blank:
            i += 1
            continue
        level = heading_level(line.text)
        if level or CAPTION_RE.match(line.text):
            blocks.append((level or 0, _Block(ChunkKind.TEXT, [line])))
            i += 1
            continue
        para = [line]
        j = i + 1
        while (j < len(lines) and j not in at and not lines[j].blank
               and not heading_level(lines[j].text) and not CAPTION_RE.match(lines[j].text)):
            para.append(lines[j])
            j += 1
        blocks.append((0, _Block(ChunkKind.TEXT, para)))
        i = j
    return blocks


def _line_at(text: str, start: int) -> str:
    end = text.find("\n", start)
    return text[start:len(text) if end < 0 else end].rstrip("\r")


def _header(text: str, table: Table) -> list[str]:
    """The header line(s) as written. A two-line header: the second line only fills the empty cells of the first
    (国联 图表2), so the table's first row belongs to the header."""
    header = [_line_at(text, table.start)]
    if len(table.rows) > 1 and header[0].endswith("\t"):
        second = _line_at(text, table.rows[0].start)
        if second.startswith("\t"):
            header.append(second)
    return header


def _sentences(text: str, base: int) -> list[tuple[int, int]]:
    return [(base + s, base + e) for s, e in sentence_spans(text)]


def _hard_split(start: int, end: int, size: int) -> list[tuple[int, int]]:
    return [(s, min(s + size, end)) for s in range(start, end, size)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # Leading tabs stay: they are the empty first cells of a table row's continuation line.
    while start < end and text[start].isspace() and text[start] != "\t":
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _pack(spans: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Greedily merge consecutive spans while the merged span stays within `size` characters."""
    packed: list[tuple[int, int]] = []
    for s, e in spans:
        if packed and e - packed[-1][0] <= size:
            packed[-1] = (packed[-1][0], e)
        else:
            packed.append((s, e))
    return packed


def _text_spans(text: str, block: _Block, size: int) -> list[tuple[int, int]]:
    start, end = block.start, block.end
    if end - start <= size:
        return [(start, end)]
    pieces: list[tuple[int, int]] = []
    for s, e in _sentences(text[start:end], start):
        pieces.extend(_hard_split(s, e, size) if e - s > size else [(s, e)])
    return _pack(pieces, size)


class Chunker:
    """Report → chunks. One instance per chunk size."""

    def __init__(self, chunk_size: int = 400):
        # a size below 1 made no chunk at all (the report silently unsearchable), or stopped in range()
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError(f"chunk_size must be a whole number of characters ≥ 1, not {chunk_size!r}")
        self.chunk_size = chunk_size

    def run(self, report: Report, tables: list[Table] | None = None) -> list[Chunk]:
        """The report's chunks; `tables` are its structure pass's tables (`extract_tables(report)` when not given)."""
        text, size = report.text, self.chunk_size
        if tables is None:
            tables = extract_tables(report)
        chunks: list[Chunk] = []
        path: list[tuple[int, str]] = []  # (level, heading)
        pending: list[tuple[int, int]] = []  # text spans of the current section, not yet emitted
        seen: dict[str, int] = {}

        def section() -> str:
            return " > ".join(h for _, h in path)

        def emit(start: int, end: int, kind: ChunkKind, caption: str = "", context: str = "") -> None:
            start, end = _trim(text, start, end)
            if start >= end:
                return
            body = text[start:end]
            key = f"{report.id}\x00{kind.value}\x00{body}"
            n = seen.get(key, 0)
            seen[key] = n + 1
            chunk_id = hashlib.sha1(f"{key}\x00{n}".encode()).hexdigest()[:20]
            sec = section()
            ctx = "\n".join(x for x in (sec, context) if x)
            chunks.append(
                Chunk(id=chunk_id, report=report.id, text=body, start=start, end=end, kind=kind,
                      section=sec, caption=caption, context=ctx, page=report.page_at(start))
            )

        def flush() -> None:
            for s, e in _pack(pending, size):
                emit(s, e, ChunkKind.TEXT)
            pending.clear()

        for level, block in _blocks(text, tables):
            if block.kind == ChunkKind.TABLE:
                flush()
                self._emit_table(text, block, emit)
                continue
            if level:
                flush()
                while path and path[-1][0] >= level:
                    path.pop()
                path.append((level, block.lines[0].text.strip()))
            pending.extend(_text_spans(text, block, size))
        flush()
        return chunks

    def _emit_table(self, text: str, block: _Block, emit) -> None:
        table = block.table
        header = _header(text, table)
        context = "\n".join(x for x in (table.caption, *header) if x)
        body_rows = table.rows[len(header) - 1:]
        # Rows are never cut; a chunk holds as many whole rows as fit (at least one). The spans tile the block: the
        # first also covers the caption above and the header, and each the blank or rule lines before its row.
        ends = [r.end for r in body_rows]
        spans = list(zip([block.start, *ends[:-1]], ends))
        for s, e in _pack(spans, self.chunk_size):
            emit(s, e, ChunkKind.TABLE, caption=table.caption, context=context)

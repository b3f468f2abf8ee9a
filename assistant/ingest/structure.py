"""Structure: tables as data — runs of table lines in Report.text, with their captions (core.text rule).

A table line is tab-separated cells, a Markdown pipe row (`| 省份 | 目标 |`), or — in a run of at least three
lines with the same number of cells — cells aligned by runs of spaces (plain-text reports typeset that way). PDF
tables reach us from the loader already rendered as tab-separated lines, so this one parser serves text, Markdown
and PDF alike. It is the one table rule: the chunker takes its table blocks from `extract_tables` (line spans,
caption line above or below, rows) and the evidence units read the rows of those chunks; nothing downstream
groups table lines again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.core.models import Report, Table, TableRow
from assistant.core.text import caption_key, is_caption, iter_lines

_SEPARATOR_CELL = re.compile(r"^[-—–=:|+\s]*$")
CAPTION_LOOKBACK = 4  # lines; a caption further up belongs to something else
MAX_GAP = 1  # blank lines a table may contain (wrapped rows leave one behind); two or more end the table
# A line longer than this is not a table row: the chunker never cuts a row, so a 10 MB line of tabs became one 10 MB
# chunk that tokenising and embedding could not get through. As prose it is split into sentences and pieces.
MAX_ROW_CHARS = 2000


_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")


def is_pipe_row(line: str) -> bool:
    """A Markdown table row: starts and ends with "|" and has at least two cells."""
    return bool(_PIPE_ROW.match(line)) and line.count("|") >= 3


_SPACES = re.compile(r"[ \u3000]{2,}|\u3000")
MIN_SPACED_RUN = 3  # header + two rows: fewer aligned lines are as likely a poem or an address block


def is_table_line(line: str) -> bool:
    return len(line) <= MAX_ROW_CHARS and ("\t" in line or is_pipe_row(line))


def split_cells(line: str) -> list[str]:
    """The cells of a table line: tab-separated, a pipe row, else aligned by runs of spaces."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if is_pipe_row(line):
        return [cell.strip() for cell in line.strip()[1:-1].split("|")]
    return [cell.strip() for cell in _SPACES.split(line.strip())]


def _spaced_cells(line: str) -> int:
    """Cells of a line aligned by spaces (0 when it is not such a line)."""
    if len(line) > MAX_ROW_CHARS or "\t" in line or is_pipe_row(line) or not _SPACES.search(line.strip()):
        return 0
    n = len(split_cells(line))
    return n if n >= 3 else 0


def spaced_rows(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indices of lines in runs of ≥ MIN_SPACED_RUN space-aligned lines with one cell count and a figure."""
    found: set[int] = set()
    i = 0
    while i < len(lines):
        n = _spaced_cells(lines[i][2])
        j = i + 1
        while n and j < len(lines) and _spaced_cells(lines[j][2]) == n:
            j += 1
        if n and j - i >= MIN_SPACED_RUN and any(re.search(r"\d", lines[k][2]) for k in range(i + 1, j)):
            found.update(range(i, j))
        i = max(j, i + 1)
    return found


def _is_blank(line: str) -> bool:
    return not line.strip()


def is_rule_row(cells: list[str]) -> bool:
    """Empty rows and markdown-ish separators such as `----\t------`."""
    if not any(cells):
        return True
    return all(_SEPARATOR_CELL.match(c) for c in cells) and any("-" in c or "—" in c for c in cells)


def _table_indices(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indices of every line read as a table line: tabs, pipe rows, space-aligned runs."""
    spaced = spaced_rows(lines)
    return {i for i, (_, _, line) in enumerate(lines) if is_table_line(line) or i in spaced}


def _runs(lines: list[tuple[int, int, str]], table: set[int]) -> Iterator[list[int]]:
    """Indices of table lines forming one table: ≥2 lines, bridging at most MAX_GAP blank lines."""
    run: list[int] = []
    gap = 0
    for i, (_, _, line) in enumerate(lines):
        if i in table:
            run.append(i)
            gap = 0
        elif _is_blank(line) and run and gap < MAX_GAP:
            gap += 1
        else:
            if len(run) >= 2:
                yield run
            run, gap = [], 0
    if len(run) >= 2:
        yield run


def _caption(lines: list[tuple[int, int, str]], first: int, table: set[int]) -> int | None:
    """Index of the nearest non-blank line above the table, if it is a caption and close enough."""
    for i in range(first - 1, max(-1, first - 1 - CAPTION_LOOKBACK), -1):
        line = lines[i][2]
        if _is_blank(line):
            continue
        return i if is_caption(line) and i not in table else None
    return None


def _caption_below(lines: list[tuple[int, int, str]], last: int, table: set[int]) -> int | None:
    """Index of a caption under the table (Markdown reports put it there), unless it introduces the next table."""
    below = [i for i in range(last + 1, min(len(lines), last + 1 + CAPTION_LOOKBACK)) if not _is_blank(lines[i][2])]
    if not below or not is_caption(lines[below[0]][2]) or below[0] in table:
        return None
    after = next((i for i in range(below[0] + 1, len(lines)) if not _is_blank(lines[i][2])), None)
    if after is not None and after in table:  # any table line, space-aligned ones too: the next table's caption
        return None
    return below[0]


def _table_key(caption: str, ordinal: int) -> str:
    return caption_key(caption) or f"table-{ordinal}"


def extract_tables(report: Report) -> list[Table]:
    text = report.text
    lines = [(s, e, text[s:e]) for s, e in iter_lines(text)]
    table = _table_indices(lines)
    tables: list[Table] = []
    seen: set[str] = set()
    for ordinal, run in enumerate(_runs(lines, table), start=1):
        rows = []
        for i in run:
            start, end, line = lines[i]
            cells = split_cells(line)
            if not is_rule_row(cells):
                rows.append(TableRow(cells=cells, start=start, end=end))
        if len(rows) < 2:
            continue
        at = _caption(lines, run[0], table)
        if at is None:
            at = _caption_below(lines, run[-1], table)
        caption = lines[at][2].strip() if at is not None else ""
        caption_start = lines[at][0] + lines[at][2].index(caption) if at is not None else None
        key = _table_key(caption, ordinal)
        table_id, n = f"{report.id}#{key}", 2
        while table_id in seen:  # two captions with one number: keep ids unique
            table_id, n = f"{report.id}#{key}-{n}", n + 1
        seen.add(table_id)
        header, body = rows[0], rows[1:]
        tables.append(
            Table(
                id=table_id,
                report=report.id,
                caption=caption,
                header=header.cells,
                rows=body,
                start=header.start,
                end=body[-1].end,
                page=report.page_at(header.start),
                caption_start=caption_start,
                caption_end=caption_start + len(caption) if caption_start is not None else None,
            )
        )
    return tables


def find_table(tables: list[Table], key: str) -> list[Table]:
    """Tables matching a full id, or the part after '#' ("图3", "#图表7"), ignoring spaces."""
    want = key.replace(" ", "")
    exact = [t for t in tables if t.id == key]
    return exact or [t for t in tables if t.id.split("#", 1)[-1] == want.lstrip("#")]

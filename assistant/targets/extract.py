"""Targets (region, year, value with unit, metric kind…) read from report tables and prose, each with its citation.

Tables: the columns' roles (columns.py) say where the region, document, dates, kind and values are, whatever the
layout. Prose: a sentence naming one region, a year and a value of a known kind ("到2025年……达到 X EFLOPS").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.core.asks import TOTAL_ROW_RE
from assistant.core.models import Citation, Family, Report, StatedFigure, Table, TableRow, TargetRow
from assistant.core.text import iter_lines, sentence_spans
from assistant.ingest.structure import extract_tables, find_table
from assistant.targets.columns import Column, Layout, Role, kind_cell, layout, region_cell
from assistant.targets.kinds import compute_words, kind_of, metric_of
from assistant.targets.regions import NATIONAL, normalise_region, regions_in
from assistant.targets.units import ParsedValue, parse_bare, parse_values

__all__ = ["NATIONAL", "TargetStore", "extract_targets", "find_estimates", "normalise_region",
           "parse_published", "year_from_title"]

_NATIONAL_ISSUER = re.compile(r"全国|国务院|工信部|工业和信息化部|发改委|发展改革委|科技部|国家|中央|民政部|财政部")
_YEAR = re.compile(r"(20[0-9]{2})\s*年")
_SHORT_YEAR = re.compile(r"(?<![0-9])(20[0-9]{2}|[0-9]{2})\s*年")
_TITLE_RANGE = re.compile(r"(20[0-9]{2})\s*[-—–~至]\s*(20[0-9]{2})")
_CLAUSE_END = re.compile(r"[，,；;。！!？?：:\n]")
# A forecast or a sum is no region's own target; in prose such a figure is a stated estimate (find_estimates).
_ESTIMATE_WORD = re.compile(r"预计|预测|测算|估计|有望")
_AGGREGATE_WORD = re.compile(r"合计|总计|加总|共计")
# What exists already is no target, whatever plan it is written in ("建成和在建……数据中心51个").
_STATUS_WORD = re.compile(r"已建成|建成和在建|已有|现有|截至|截止|目前")


# ---- small parsers ------------------------------------------------------------------------------------


def parse_published(cell: str) -> str:
    """ "2023年12月" / "2023. 3" / "2024-03-15" → "YYYY-MM"; "2023年" → "2023"; a month out of range keeps the year."""
    m = re.search(r"(20[0-9]{2})(?:\s*(?:年|[.\-/])\s*([0-9]{1,2}))?", cell)
    if not m:
        return ""
    if m[2] and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{int(m[2]):02d}"
    return m[1]


def year_from_title(document: str) -> int | None:
    """End year of a plan period in the title, e.g. 《…（2022-2025年）》 → 2025."""
    m = _TITLE_RANGE.search(document)
    return int(m[2]) if m else None


def _clause_before(text: str, pos: int) -> str:
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, pos)]
    return text[ends[-1] if ends else 0 : pos]


def _kinds_for(text: str, values: list[ParsedValue], fallback: dict[Family, str | None]) -> list[str | None]:
    """The metric kind of each value: named in its clause, else `fallback` (the column's, header's or caption's).
    "通用、智算、超算…分别达 2、5、10" pairs the words with the values in order."""
    kinds: list[str | None] = []
    spans = sentence_spans(text)
    for value in values:
        clause = _clause_before(text, value.start)
        if value.family is Family.FLOPS:
            start, end = next(((s, e) for s, e in spans if s <= value.start < e), (value.start, value.end))
            same = [v for v in values if v.start >= start and v.end <= end and v.family is Family.FLOPS] or [value]
            prefix = _clause_before(text, same[0].start)
            words = compute_words(prefix)
            if "分别" in prefix and len(words) == len(same) > 1:
                kinds.append(metric_of(words[same.index(value)]).value)
                continue
            # a bare "算力" defers to the column's kind; only without one is it 总算力
            named = metric_of(clause, generic=False)
            kinds.append(named.value if named else fallback.get(Family.FLOPS) or kind_of(clause, Family.FLOPS))
        else:
            kinds.append(kind_of(clause, value.family) or fallback.get(value.family))
    return kinds


def _target_year(text: str, value: ParsedValue, column_year: int | None, document: str) -> tuple[int | None, str]:
    """The value's own "2025年…", else the last year written before it, else the column's, else the plan title's."""
    if value.year:
        return value.year, ""
    years = _YEAR.findall(text[: value.start])
    if years:
        return int(years[-1]), ""
    if column_year:
        return column_year, ""
    year = year_from_title(document)
    return year, ("target year from the policy title" if year else "")


def cite(report: Report, start: int, end: int, prefix: str, section: str = "") -> Citation:
    return Citation(id=f"{prefix}:{start}-{end}", report=report.id, section=section, page=report.page_at(start),
                    start=start, end=end, quote=report.text[start:end])


def _row(region_name: str, value: ParsedValue, kind: str, year: int, **fields) -> TargetRow:
    """One TargetRow: region normalised through the hierarchy, value as parsed."""
    region, parent, is_city = normalise_region(region_name)
    return TargetRow(region=region, parent_region=parent, is_city=is_city, target_year=year, value=value.value,
                     unit=value.unit, family=value.family, value_as_written=value.text, metric=kind,
                     qualifier=value.qualifier, **fields)


# ---- targets from tables -------------------------------------------------------------------------------


def _cell(row: TableRow, col: Column | None) -> str:
    return row.cells[col.index].strip() if col is not None and col.index < len(row.cells) else ""


def _values(cell: str, col: Column) -> list[ParsedValue]:
    values = parse_values(cell)
    if not values and col.unit is not None:  # a bare number; the header states the unit
        bare = parse_bare(cell, col.unit, col.unit_as_written)
        values = [bare] if bare else []
    return values


def _table_targets(report: Report, table: Table) -> Iterator[TargetRow]:
    lay: Layout = layout(table)
    if not lay.is_target_table:
        return
    ident_cols = [lay.first(r) for r in (Role.REGION, Role.ISSUER, Role.DOCUMENT, Role.PUBLISHED, Role.TARGET_YEAR)]
    kind_col, other_cols = lay.first(Role.KIND), lay.of(Role.OTHER) + lay.of(Role.PARENT)
    caption_kinds = {f: kind_of(table.caption, f, generic=False) for f in Family}
    ident: dict[Role, str] = {}
    for row in table.rows:
        current = {col.role: _cell(row, col) for col in ident_cols if col is not None}
        if not any(current.values()):
            pass  # a wrapped row: keep everything from the row above
        elif not current.get(Role.REGION) and lay.first(Role.REGION) is not None:
            ident = {**current, Role.REGION: ident.get(Role.REGION, "")}  # same region, next policy
        else:
            ident = current
        region = region_cell(ident.get(Role.REGION, ""))
        if not region and _NATIONAL_ISSUER.search(ident.get(Role.ISSUER, "")):
            region = NATIONAL
        if not region or TOTAL_ROW_RE.match(region):
            continue  # no region, or the table's own total row (合计): no region's target
        document = ident.get(Role.DOCUMENT, "")
        year_cell = _YEAR.search(ident.get(Role.TARGET_YEAR, "") + "年")
        row_kind = kind_cell(_cell(row, kind_col)) if kind_col is not None and _cell(row, kind_col) else None
        extra = {col.header or f"#{col.index + 1}": _cell(row, col) for col in other_cols if _cell(row, col)}
        citation = cite(report, row.start, row.end, table.id, table.caption)
        for col in lay.of(Role.VALUE):
            cell = _cell(row, col)
            values = _values(cell, col)
            if not values:
                continue
            # the kind column names the row's kind; else the cell's words, the header's, the caption's
            fallback = {f: kind_of(col.header, f, generic=False) or caption_kinds[f] for f in Family}
            for value, kind in zip(values, _kinds_for(cell, values, fallback)):
                kind = row_kind or kind
                year, note = _target_year(cell, value, col.year or (int(year_cell[1]) if year_cell else None),
                                          document)
                if year is None or kind is None or _STATUS_WORD.search(_clause_before(cell, value.start)):
                    continue  # not a dated target (a project-size threshold, a status) or of no known kind
                yield _row(region, value, kind, year, published=parse_published(ident.get(Role.PUBLISHED, "")),
                           document=document, source_table=table.id, note=note, extra=extra, citation=citation)


# ---- targets from prose --------------------------------------------------------------------------------


def _prose_sentences(report: Report) -> Iterator[tuple[int, int]]:
    """Sentences outside tables (table lines are read as tables)."""
    text = report.text
    for line_start, line_end in iter_lines(text):
        line = text[line_start:line_end]
        if "\t" in line or line.lstrip().startswith("|"):
            continue
        yield from sentence_spans(text, line_start, line_end)


def _prose_targets(report: Report, known: list[TargetRow]) -> Iterator[TargetRow]:
    text = report.text
    published = {(t.region, t.document.replace(" ", "")): t.published for t in known}
    for s, e in _prose_sentences(report):
        sentence = text[s:e]
        values = parse_values(sentence)
        if not values:
            continue
        names = regions_in(sentence)
        if _NATIONAL_ISSUER.search(sentence[: values[0].start]) and not names:
            names = [NATIONAL]
        if len(names) != 1:
            continue  # no region, or several: not safe to attribute
        doc = re.search(r"《[^》]*》", sentence)
        document = doc.group(0) if doc else ""
        known_date = published.get((normalise_region(names[0])[0], document.replace(" ", "")), "")
        for value, kind in zip(values, _kinds_for(sentence, values, {})):
            before = sentence[: value.start]
            clause = _clause_before(sentence, value.start)
            if kind is None or _ESTIMATE_WORD.search(before) or _AGGREGATE_WORD.search(clause) \
                    or _STATUS_WORD.search(clause):
                continue
            year, note = _target_year(sentence, value, None, document)
            if year is None:
                continue
            yield _row(names[0], value, kind, year, published=known_date, document=document, note=note,
                       citation=cite(report, s, e, report.id))


def extract_targets(report: Report, tables: list[Table]) -> list[TargetRow]:
    """Targets from the report's tables first, then prose; a target stated twice is kept once (first seen)."""
    from_tables = [t for table in tables if table.report == report.id for t in _table_targets(report, table)]
    rows: dict[tuple, TargetRow] = {}
    for row in [*from_tables, *_prose_targets(report, from_tables)]:
        rows.setdefault((row.region, row.metric, row.target_year, row.value, row.unit), row)
    return list(rows.values())


def find_estimates(report: Report) -> list[StatedFigure]:
    """Aggregates the report states itself, e.g. "预计地方智算 25 年建设 107.1EFlops", "我们测算……合计约9.8 EFLOPS";
    a national forecast ("全国…有望达到35 EFLOPS") is kept with scope 全国 — neither a row nor a sum of rows."""
    text, found = report.text, {}
    for s, e in _prose_sentences(report):
        sentence = text[s:e]
        for value in parse_values(sentence):
            before = sentence[: value.start]
            years = _SHORT_YEAR.findall(before)
            kind = kind_of(_clause_before(sentence, value.start), value.family)
            if not _ESTIMATE_WORD.search(before) or not years or kind is None:
                continue
            year = int(years[-1]) if len(years[-1]) == 4 else 2000 + int(years[-1])
            scope = NATIONAL if NATIONAL in before else "地方" if "地方" in before else ""
            found.setdefault((value.value, value.unit, year, kind), StatedFigure(
                value=value.value, unit=value.unit, metric=kind, target_year=year, scope=scope,
                citation=cite(report, s, e, report.id)))
    return list(found.values())


class TargetStore:
    """Tables, targets and stated estimates of a set of reports held in memory, with the facade's table and totals
    methods (`tables`, `find_table`, `targets`, `totals`): the CLI's tests and tools run on it without an index."""

    def __init__(self, reports: Iterable[Report]):
        self._tables: list[Table] = []
        self._targets: list[TargetRow] = []
        self._estimates: list[StatedFigure] = []
        for report in reports:
            tables = extract_tables(report)
            self._tables += tables
            self._targets += extract_targets(report, tables)
            self._estimates += find_estimates(report)

    def tables(self) -> list[Table]:
        return list(self._tables)

    def targets(self) -> list[TargetRow]:
        return list(self._targets)

    def estimates(self) -> list[StatedFigure]:
        return list(self._estimates)

    def find_table(self, key: str) -> list[Table]:
        return find_table(self._tables, key)

    def totals(self, query):
        from assistant.targets.totals import compute_totals  # totals imports this module

        return compute_totals(self._targets, query, self._estimates)

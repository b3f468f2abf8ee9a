"""Totals over targets: one deterministic function, also exposed as a LangChain tool.

Every figure comes with the rows behind it (each cited), the rows left out and why, the arithmetic written
out, and caveats for whatever makes the figure less than a clean sum (lower bounds, approximate values, a city
beside its province, mixed years or sources, a different figure stated by the report itself). A sum, max or min
is over one metric kind in one unit: values of different kinds or unit families are never added or compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, field_validator

from assistant.core.models import (Caveat, Exclusion, ExclusionReason, GroupBy, Metric, Op, StatedFigure, TargetRow,
                                   TotalResult)
from assistant.core.text import CAPTION_RE
from assistant.targets.kinds import kind_of
from assistant.targets.regions import NATIONAL, ancestors, english_region, normalise_region
from assistant.targets.units import fmt, mean_of, qualifier_kind, shown, tidy

__all__ = ["ALL_SOURCES", "GroupBy", "NO_ROWS", "Op", "TotalsQuery", "brief", "compute_totals", "make_totals_tool"]

NO_ROWS = "no matching rows / 没有匹配的行"
ALL_SOURCES = "all"
R = ExclusionReason

_METRIC_ALIASES = {
    "intelligent": Metric.INTELLIGENT, "ai": Metric.INTELLIGENT, "智能算力": Metric.INTELLIGENT,
    "general": Metric.GENERAL, "通用算力": Metric.GENERAL,
    "super": Metric.SUPER, "supercomputing": Metric.SUPER, "hpc": Metric.SUPER, "超级算力": Metric.SUPER,
    "total": Metric.TOTAL, "总算力": Metric.TOTAL,
    "high-performance": Metric.HIGH_PERFORMANCE, "high performance": Metric.HIGH_PERFORMANCE,
    "高性能算力": Metric.HIGH_PERFORMANCE,
}


class TotalsQuery(BaseModel):
    """Which targets (规划目标: compute, power, money, counts…) to aggregate, and how."""

    op: Op = Field(Op.SUM, description="sum, mean, count, max, min or list")
    target_year: int | None = Field(None, description="year the target is for, e.g. 2025")
    other_than_year: int | None = Field(None, description="leave out the targets for this year (目标年份不是2025年的)")
    published_year: int | None = Field(None, description="year the policy was published, e.g. 2024")
    published_from: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM, inclusive")
    published_to: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM, inclusive")
    regions: list[str] = Field(default_factory=list, description="regions such as 北京, 深圳; empty = all")
    exclude_regions: list[str] = Field(default_factory=list,
                                       description="regions to leave out (with their cities), e.g. 江苏, 上海")
    province: str | None = Field(None, description="only rows inside this province: its own row and its cities")
    include_cities: bool = Field(True, description="false leaves out city rows (a city's target is usually part "
                                                   "of its province's)")
    metric: Metric | str | None = Field(
        None, description="metric kind: 智算, 通用, 超算, 总算力, 高性能, 储能装机, 光伏装机, 产业规模, 充电桩…; null = "
                          "any (a sum then takes the kind with the most rows and names the others)")
    metrics: list[Metric | str] = Field(
        default_factory=list, description="several kinds the question names to add up together (通用、智算、超算算力"
                                          "加在一起); rows of these kinds in one unit are added, each row cited")
    reports: list[str] = Field(default_factory=list, description="report ids to restrict to; empty = all reports")
    prefer_reports: list[str] = Field(
        default_factory=list, description="report ids best first (e.g. as the retrieval ranks them): when several "
                                          "reports have matching rows, the first listed that has any is used")
    stated_count: int | None = Field(
        None, ge=1, description="how many regions the question says it is about (其余四个省): city rows whose "
                                "province is also a row are left out when that makes the count agree")
    source_table: str | None = Field(
        None, description="table id, its '#' part (图3), a report id/prefix, or 'all' to combine sources; by default "
                          "the source with the most matching rows is used and the others are reported beside it")
    written_in: str | None = Field(
        None, description="only rows whose figure the source writes in this unit (以GW表述的: 6GW, not 600万千瓦)")
    include_national: bool = Field(False, description="include national (全国) targets")
    group_by: GroupBy | None = Field(None, description="year, region or metric")

    @field_validator("metric", mode="before")
    @classmethod
    def _metric(cls, value: Any) -> Any:
        if isinstance(value, str) and not isinstance(value, Metric):
            key = value.strip()
            if key.lower() in ("", "all", "any", "*", "全部"):
                return None
            try:
                return Metric(key)
            except ValueError:  # an alias, a word of a known kind (储能 → 储能装机), else as given (matches no row)
                return _METRIC_ALIASES.get(key.lower()) or kind_of(key) or key
        return value

    @field_validator("metrics", mode="before")
    @classmethod
    def _metrics(cls, value: Any) -> Any:
        return [cls._metric(v) for v in value] if isinstance(value, list) else value

    @field_validator("regions", "exclude_regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            names = [english_region(str(v)) or str(v).strip() for v in value]
            return [normalise_region(n)[0] for n in names if n]
        return value

    @field_validator("province", mode="before")
    @classmethod
    def _province(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip():
            return normalise_region(english_region(value) or value.strip())[0]
        return value or None


def bi(en: str, zh: str) -> Caveat:
    return Caveat(en=en, zh=zh)


def _order(row: TargetRow) -> tuple:
    """Source order, so a result never depends on the order rows are passed in."""
    c = row.citation
    return (c.report, c.start, c.end, row.region, str(row.metric), row.target_year, row.value, row.unit,
            row.qualifier)


def _short_source(row: TargetRow) -> str:
    """"tianfeng#图3" for "tianfeng_2024-09-17_….txt#图3"; prose rows name their report."""
    report = row.citation.report.split("_", 1)[0]
    return f"{report}#{row.source_table.split('#', 1)[1]}" if "#" in row.source_table else report


def _source_matches(row: TargetRow, source: str) -> bool:
    s = source.replace(" ", "")
    table = row.source_table
    if s.isdigit():  # a table named by number only (Figure 3): any caption prefix with that number
        m = CAPTION_RE.match(table.split("#", 1)[-1]) if "#" in table else None
        return bool(m) and m["num"] == s
    return s in (table, table.split("#", 1)[-1], "#" + table.split("#", 1)[-1]) or row.citation.report.startswith(s)


def _wants_national(q: TotalsQuery) -> bool:
    return q.include_national or NATIONAL in q.regions


def _in_period(published: str, start: str | None, end: str | None) -> bool:
    """A "YYYY-MM" date, or a year-only "YYYY" when the whole year lies inside the period."""
    lo, hi = (published, published) if len(published) == 7 else (f"{published}-01", f"{published}-12")
    return not ((start and lo < start) or (end and hi > end))


def _exclusion(row: TargetRow, q: TotalsQuery) -> Exclusion | None:
    """Why a row is left out, or None when it counts."""
    if row.region == NATIONAL and not _wants_national(q):
        return Exclusion(reason=R.NATIONAL, detail="全国")
    if q.reports and row.citation.report not in q.reports:
        return Exclusion(reason=R.OTHER_REPORT, detail=row.citation.report)
    if q.source_table and q.source_table != ALL_SOURCES and not _source_matches(row, q.source_table):
        return Exclusion(reason=R.OTHER_SOURCE, detail=row.source_table or row.citation.report)
    kinds = q.metrics or ([q.metric] if q.metric is not None else [])
    if kinds and row.metric not in kinds:  # Metric and kinds are both str: compared by value
        return Exclusion(reason=R.OTHER_METRIC, detail=str(row.metric))
    if q.target_year is not None and row.target_year != q.target_year:
        return Exclusion(reason=R.OTHER_YEAR, detail=str(row.target_year))
    if q.other_than_year is not None and row.target_year == q.other_than_year:
        return Exclusion(reason=R.OTHER_YEAR, detail=f"{row.target_year}, the year left out")
    if q.published_year is not None and not row.published.startswith(str(q.published_year)):
        return Exclusion(reason=R.PUBLISHED, detail=row.published or "unknown")
    if q.published_from or q.published_to:
        if len(row.published) not in (4, 7):
            return Exclusion(reason=R.PUBLISHED_UNKNOWN, detail=row.published or "no date")
        if not _in_period(row.published, q.published_from, q.published_to):
            return Exclusion(reason=R.PUBLISHED, detail=f"{row.published}, outside "
                                                        f"{q.published_from or '…'}..{q.published_to or '…'}")
    if q.written_in and not written_in(row, q.written_in):
        return Exclusion(reason=R.OTHER_UNIT, detail=f"{row.value_as_written}, not written in {q.written_in}")
    if q.exclude_regions and ({row.region, *ancestors(row.region)} & set(q.exclude_regions)):
        return Exclusion(reason=R.EXCLUDED, detail=row.region)
    if q.regions and row.region not in q.regions:
        return Exclusion(reason=R.OTHER_REGION, detail=row.region)
    if q.province and q.province != row.region and q.province not in ancestors(row.region):
        return Exclusion(reason=R.OTHER_REGION, detail=f"{row.region}, not in {q.province}")
    if not q.include_cities and row.is_city:
        return Exclusion(reason=R.CITY, detail=f"{row.region} ({row.parent_region})")
    return None


# what follows a figure's last number as the source writes it: "1000万千瓦以上" → 万千瓦, "超过1GW" → GW, "65" → ""
_WRITTEN_UNIT_RE = re.compile(r"\d(?:[\d,]*\.?\d*)\s*([^\d\s]*?)\s*(?:以上|以下|左右|及以上)?\s*$")


def written_in(row: TargetRow, unit: str) -> bool:
    """Whether the source writes the row's figure in `unit` ("6GW" is, "600万千瓦" is not; "GWh" is not GW). A bare
    number is in its column's unit, the row's own."""
    m = _WRITTEN_UNIT_RE.search(row.value_as_written)
    written = m[1] if m else ""
    if not written:
        return row.unit.lower() == unit.lower()
    return re.match(rf"{re.escape(unit)}(?![A-Za-z])", written, re.I) is not None


def _aggregate(op: Op, rows: Sequence[TargetRow]) -> Decimal:
    values = [r.value for r in rows]
    if op is Op.SUM:
        return sum(values, Decimal(0))
    if op is Op.MEAN:
        return mean_of(values)
    if op is Op.MAX:
        return max(values)
    if op is Op.MIN:
        return min(values)
    return Decimal(len(rows))  # count, list


def _preferred(used: list[TargetRow], q: TotalsQuery) -> str | None:
    """The first of the question's preferred reports that has a matching row."""
    present = {r.citation.report for r in used}
    return next((p for p in q.prefer_reports if p in present), None)


def _one_quantity(used: list[TargetRow], excluded: list, op: Op,
                  prefer: str | None = None, named_kinds: bool = False) -> tuple[list, list, list[Caveat]]:
    """A sum, max or min is over one metric kind in one unit: keep the (kind, unit) with the most rows — of the
    preferred report, when one is given (ties: the first in source order) — and name the others with their own
    figure, never adding them in. `named_kinds`: the question named the kinds to add together; one unit still."""
    named = "+".join(sorted({str(r.metric) for r in used})) if named_kinds else ""
    groups: dict[tuple[str, str], list[TargetRow]] = {}
    for r in used:
        groups.setdefault((named or str(r.metric), r.unit), []).append(r)
    if len(groups) < 2 or op not in (Op.SUM, Op.MEAN, Op.MAX, Op.MIN):
        return used, excluded, []
    keep = max(groups, key=lambda k: (sum(r.citation.report == prefer for r in groups[k]), len(groups[k])))
    others = [(k, rs) for k, rs in groups.items() if k != keep]
    listed = "; ".join(f"{kind} ({unit}): {len(rs)} rows, {op.value} {fmt(tidy(_aggregate(op, rs)))} {unit}"
                       for (kind, unit), rs in others)
    listed_zh = "；".join(f"{kind}（{unit}）：{len(rs)} 行，{op.value} {fmt(tidy(_aggregate(op, rs)))} {unit}"
                          for (kind, unit), rs in others)
    caveat = bi(f"Only {keep[0]} ({keep[1]}) is used; other metric kinds or units match too and are never added "
                f"together: {listed} (ask for one metric to see it)",
                f"仅计入{keep[0]}（{keep[1]}）；其他口径或单位也符合条件，不能相加：{listed_zh}（指定口径可单独查看）")
    dropped = [(r, Exclusion(reason=R.OTHER_METRIC if str(r.metric) != keep[0] else R.OTHER_UNIT,
                             detail=f"{r.metric} ({r.unit})")) for (_, rs) in others for r in rs]
    return groups[keep], excluded + dropped, [caveat]


def _primary_source(used: list[TargetRow], excluded: list, op: Op, unit: str,
                    prefer: str | None = None) -> tuple[list, list, list[Caveat]]:
    """Keep the preferred report, else the one with the most matching rows; rows of other reports are excluded and
    reported, so two reports' figures are never added up silently (天风 图3 is a target table; 国联 states
    targets in passing)."""
    counts: dict[str, int] = {}
    for r in used:
        counts[r.citation.report] = counts.get(r.citation.report, 0) + 1
    if len(counts) < 2:
        return used, excluded, []
    primary = prefer if prefer in counts else max(counts, key=lambda k: counts[k])  # ties: the first in row order
    others = [r for r in used if r.citation.report != primary]
    combined = tidy(_aggregate(op, used))
    listed = "; ".join(f"{r.region} {fmt(r.value)} {r.unit} ({_short_source(r)})" for r in others)
    caveat = bi(f"Other sources also state matching targets, not included: {listed}; all sources together "
                f"({op.value}): {fmt(combined)} {unit} (ask with source 'all' to combine)",
                f"其他来源也有符合条件的目标，未计入：{listed}；所有来源合并（{op.value}）为 {fmt(combined)} {unit}"
                f"（来源选“all”可合并）")
    return ([r for r in used if r.citation.report == primary],
            excluded + [(r, Exclusion(reason=R.OTHER_SOURCE, detail=r.citation.report)) for r in others], [caveat])


def _to_stated_count(used: list[TargetRow], excluded: list,
                     stated: int | None) -> tuple[list, list, list[Caveat]]:
    """"其余四个省" over five rows of which one is a city inside a province that is a row too: the question counts
    provinces, so the city (already part of its province's figure) leaves — only when that makes the count agree."""
    if stated is None or len(used) <= stated:
        return used, excluded, []
    regions = {r.region for r in used}
    nested = [r for r in used if r.is_city and r.parent_region in regions]
    if len(used) - len(nested) != stated:
        return used, excluded, []
    names = "、".join(r.region for r in nested)
    caveat = bi(f"The question counts {stated} regions: city rows inside a province that is a row too are left out "
                f"({', '.join(r.region for r in nested)})",
                f"问题所指为 {stated} 个地区：其省份已在表中的城市行未计入（{names}）")
    return ([r for r in used if r not in nested],
            excluded + [(r, Exclusion(reason=R.CITY, detail=f"{r.region} ({r.parent_region})")) for r in nested],
            [caveat])


def _expression(op: Op, rows: Sequence[TargetRow], value: Decimal, winners: Sequence[TargetRow]) -> str:
    nums = [fmt(r.value) for r in rows]
    unit = rows[0].unit
    if op is Op.SUM:
        return f"{' + '.join(nums)} = {fmt(value)} {unit}"
    if op is Op.MEAN:
        return f"({' + '.join(nums)}) / {len(nums)} = {shown(value, op)} {unit}"
    if op in (Op.MAX, Op.MIN):
        where = ", ".join(r.region for r in winners)
        return f"{op.value}({', '.join(nums)}) = {fmt(value)} {unit} ({where})"
    if op is Op.COUNT:
        return f"count({', '.join(r.region for r in rows)}) = {len(rows)}"
    return "; ".join(f"{r.region} {r.target_year} {r.qualifier}{fmt(r.value)} {r.unit}" for r in rows)


def _group_key(row: TargetRow, by: GroupBy) -> str:
    return {GroupBy.YEAR: str(row.target_year), GroupBy.REGION: row.region, GroupBy.METRIC: str(row.metric)}[
        GroupBy(by)]


def _nested(used: Sequence[TargetRow]) -> list[tuple[TargetRow, str]]:
    """(row, the region it lies in) for each row whose province (or city) is also a row: the hierarchy decides."""
    present = {r.region for r in used}
    return [(r, outer) for r in used for outer in ancestors(r.region) if outer in present]


def _caveats(op: Op, q: TotalsQuery, used: Sequence[TargetRow]) -> list[Caveat]:
    out: list[Caveat] = []
    bounds = [r for r in used if qualifier_kind(r.qualifier) == "lower_bound"]
    if bounds:
        listed = "、".join(f"{r.region} “{r.value_as_written}”" for r in bounds)
        out.append(bi(f"Lower bounds (the target is “more than”): {listed}; the figure is a lower bound",
                      f"含下限值（“超过/以上”）：{listed}；结果应视为下限"))
    approx = [r for r in used if qualifier_kind(r.qualifier) == "approximate"]
    if approx:
        listed = "、".join(f"{r.region} “{r.value_as_written}”" for r in approx)
        out.append(bi(f"Approximate values (“about”): {listed}; the figure is approximate",
                      f"含约数（“约/左右”）：{listed}；结果为近似值"))
    if op in (Op.SUM, Op.COUNT, Op.LIST):
        for city, outer in _nested(used):
            out.append(bi(f"{city.region} is a city within {outer}; both rows are included, so part of the figure "
                          "may be counted twice", f"{city.region}属于{outer}，两行同时计入，可能重复计算"))
        cities = [r for r in used if r.is_city]
        if cities and any(not r.is_city for r in used):
            listed = "、".join(f"{c.region}（{c.parent_region}）" for c in cities)
            out.append(bi(f"City rows are included beside provinces: {listed}",
                          f"结果中城市与省份并列计入：{listed}"))
    if op is Op.SUM:
        years = sorted({r.target_year for r in used})
        if len(years) > 1:
            listed = ", ".join(map(str, years))
            out.append(bi(f"Targets for different years are added together: {listed}",
                          f"不同目标年份的规划被加在一起：{listed}"))
        kinds = list(dict.fromkeys(str(r.metric) for r in used))
        if len(kinds) > 1:  # only when the question named them to add together (TotalsQuery.metrics)
            out.append(bi(f"Metric kinds added together, as asked: {' + '.join(kinds)}",
                          f"按问题所列口径相加：{' + '.join(kinds)}"))
    else:
        kinds = list(dict.fromkeys(f"{r.metric} ({r.unit})" for r in used))
        if len(kinds) > 1:  # counted or listed side by side, never added
            out.append(bi(f"Rows of {len(kinds)} metric kinds: {', '.join(kinds)}",
                          f"包含 {len(kinds)} 种口径：{'、'.join(kinds)}"))
    sources: dict[str, list[TargetRow]] = {}
    for r in used:
        sources.setdefault(_short_source(r), []).append(r)
    if len(sources) > 1:
        parts = [f"{name}: {len(rs)}" + (f", {fmt(sum((r.value for r in rs), Decimal(0)))} {rs[0].unit}"
                                         if op is Op.SUM else "") for name, rs in sources.items()]
        out.append(bi(f"Rows come from {len(sources)} sources ({'; '.join(parts)})",
                      f"数据来自 {len(sources)} 个来源（{'；'.join(parts)}）"))
    if any(r.region == NATIONAL for r in used):
        out.append(bi("Includes the national (全国) target", "包含全国目标"))
    for r in used:
        if r.note:
            out.append(bi(f"{r.region}: {r.note} ({r.document})", f"{r.region}：目标年份取自政策名称（{r.document}）"))
    missing = [name for name in q.regions if name not in {r.region for r in used}]
    if missing:
        out.append(bi(f"No matching row for: {', '.join(missing)}", f"以下地区没有匹配的行：{'、'.join(missing)}"))
    return out


def _stated(q: TotalsQuery, used: Sequence[TargetRow], estimates: Iterable[StatedFigure]) -> list[StatedFigure]:
    """The report's own figure for exactly this quantity: an all-region sum of one kind, unit and year. A national
    forecast is no sum of the rows and is compared only when national targets are asked for."""
    if q.op is not Op.SUM or q.regions or q.province or q.target_year is None or q.group_by is not None:
        return []
    reports = {r.citation.report for r in used}
    kind, unit = str(used[0].metric), used[0].unit
    return [e for e in estimates
            if str(e.metric) == kind and e.unit == unit and e.target_year == q.target_year
            and e.citation.report in reports and (e.scope != NATIONAL or _wants_national(q))]


def _no_rows_caveats(rows: Sequence[TargetRow], q: TotalsQuery) -> list[Caveat]:
    out = []
    known = {r.region for r in rows}
    unknown = [name for name in q.regions if name not in known]
    if unknown:
        out.append(bi(f"No row at all for: {', '.join(unknown)}", f"没有以下地区的数据：{'、'.join(unknown)}"))
    if q.metric is not None and q.metric not in {str(r.metric) for r in rows}:
        out.append(bi(f"No row has the metric {q.metric}", f"没有口径为{q.metric}的数据"))
    if q.target_year is not None and q.target_year not in {r.target_year for r in rows}:
        out.append(bi(f"No row targets the year {q.target_year}", f"没有以 {q.target_year} 年为目标的数据"))
    return out


def compute_totals(
    rows: Iterable[TargetRow], query: TotalsQuery, estimates: Iterable[StatedFigure] = ()
) -> TotalResult:
    query = query.model_copy(update={"op": Op(query.op)})  # tolerate model_copy(update={"op": "sum"}) (no validation)
    op = query.op
    ordered = sorted(rows, key=_order)
    source = (query.source_table or "").replace(" ", "")
    in_scope = [r for r in ordered if not query.reports or r.citation.report in query.reports]
    if source and source != ALL_SOURCES and not source.isdigit() and not any(_source_matches(r, source) for r in in_scope):
        # "图表3" asked of a report that captions it "图 3": no table is called so, the number still names it
        query = query.model_copy(update={"source_table": re.sub(r"\D", "", source) or None})
    used: list[TargetRow] = []
    excluded: list[tuple[TargetRow, Exclusion]] = []
    for row in ordered:
        reason = _exclusion(row, query)
        if reason is not None:
            excluded.append((row, reason))
        else:
            used.append(row)
    if not used:
        return TotalResult(op=op, value=None, unit="rows" if op in (Op.COUNT, Op.LIST) else "", excluded=excluded,
                           excluded_count=len(excluded), message=NO_ROWS, caveats=_no_rows_caveats(ordered, query))
    prefer = None if query.source_table else _preferred(used, query)
    used, excluded, caveats = _one_quantity(used, excluded, op, prefer, len(query.metrics) > 1)
    unit = used[0].unit if op in (Op.SUM, Op.MEAN, Op.MAX, Op.MIN) else "rows"
    if not query.source_table:
        used, excluded, source_caveats = _primary_source(used, excluded, op, unit, prefer)
        caveats += source_caveats
    used, excluded, count_caveats = _to_stated_count(used, excluded, query.stated_count)
    caveats += count_caveats
    value = _aggregate(op, used) if op is Op.MEAN else tidy(_aggregate(op, used))  # a mean keeps its decimals
    winners = [r for r in used if r.value == value] if op in (Op.MAX, Op.MIN) else used
    groups: dict[str, Decimal] = {}
    if query.group_by is not None:
        buckets: dict[str, list[TargetRow]] = {}
        for r in used:
            buckets.setdefault(_group_key(r, query.group_by), []).append(r)
        groups = {k: _aggregate(op, rs) for k, rs in sorted(buckets.items())}
    caveats = _caveats(op, query, used) + caveats
    stated = _stated(query, used, estimates)
    for e in stated:
        diff = fmt(abs(value - e.value))
        verb = ("differs from", "不同") if value != e.value else ("matches", "一致")
        caveats.append(bi(
            f"The report states its own figure for this: {fmt(e.value)} {e.unit} (“{e.citation.quote}”); "
            f"the computed sum {fmt(value)} {unit} {verb[0]} it (difference {diff} {unit})",
            f"报告自身给出的数字为 {fmt(e.value)} {e.unit}（“{e.citation.quote}”），"
            f"与按表加总的 {fmt(value)} {unit} {verb[1]}（相差 {diff} {unit}）",
        ))
    kinds = {str(r.metric) for r in used}
    return TotalResult(
        op=op,
        value=value,
        unit=unit,
        metric=kinds.pop() if len(kinds) == 1 else "",
        rows=winners,
        excluded=excluded,
        excluded_count=len(excluded),
        expression=_expression(op, used, value, winners),
        groups=groups,
        caveats=caveats,
        stated=stated,
    )


def brief(result: TotalResult, max_excluded: int = 100) -> TotalResult:
    """The result as answers and the LLM tool carry it: every row used, but at most `max_excluded` excluded rows,
    those left out only for their source first (the ones a reader may want added). Over 2,000 reports a total
    excludes ~20,000 rows; shipping them all cost ~0.2 s and megabytes per answer. excluded_count keeps the total."""
    if len(result.excluded) <= max_excluded:
        return result
    ranked = sorted(result.excluded, key=lambda item: item[1].reason is not R.OTHER_SOURCE)  # stable
    return result.model_copy(update={"excluded": ranked[:max_excluded]})


TOOL_DESCRIPTION = (
    "Sum, count, max, min or list the regional targets read from the reports' tables and text: compute "
    "(算力规划, EFLOPS), power (GW), energy (GWh), money (亿元) and counts (个, 座, 台…), each with its metric kind. "
    "Use it for totals (合计/一共), counts (多少个), largest/smallest (最大/最小) and lists of targets. "
    "Returns the figure, the rows used with citations, rows excluded and why, the arithmetic and caveats; "
    "value null means no matching rows (do not answer 0)."
)


def make_totals_tool(rows: Iterable[TargetRow], estimates: Iterable[StatedFigure] = ()) -> StructuredTool:
    """The totals as a LangChain tool — the one the app runs (`Assistant.totals`, built once per catalog generation).

    Invoked with a ToolCall (`{"type": "tool_call", "id", "name", "args"}`) it returns a ToolMessage: `content` is
    the brief result as JSON, what a model reads (every row used, at most 100 excluded); `artifact` is the whole
    `TotalResult`, what the app renders and cites. Invoked with the arguments alone it returns the brief dict."""
    rows, estimates = list(rows), list(estimates)

    def compute_target_totals(**kwargs: Any) -> tuple[dict[str, Any], TotalResult]:
        result = compute_totals(rows, TotalsQuery(**kwargs), estimates)
        return brief(result).model_dump(mode="json"), result

    return StructuredTool.from_function(
        func=compute_target_totals,
        name="compute_target_totals",
        description=TOOL_DESCRIPTION,
        args_schema=TotalsQuery,
        response_format="content_and_artifact",
    )

"""Totals over compute targets: one deterministic function, also exposed as a LangChain tool.

Every figure comes with the rows behind it (each cited), the rows left out and why, the arithmetic written
out, and caveats for whatever makes the figure less than a clean sum (lower bounds, a city beside its
province, mixed years or sources, a different figure stated by the report itself).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Any

from langchain_core.tools import StructuredTool
from pydantic import BaseModel, Field, field_validator

from assistant.core.models import Metric, StatedFigure, TargetRow, TotalResult
from assistant.targets.extract import NATIONAL, REGION_EN, normalise_region
from assistant.targets.units import UNIT, fmt, tidy

NO_ROWS = "no matching rows / 没有匹配的行"
SEP = " / "  # caveats are "English / 中文"; format_total_answer picks one side

_METRIC_ALIASES = {
    "intelligent": Metric.INTELLIGENT, "ai": Metric.INTELLIGENT, "智能算力": Metric.INTELLIGENT,
    "general": Metric.GENERAL, "通用算力": Metric.GENERAL,
    "super": Metric.SUPER, "supercomputing": Metric.SUPER, "hpc": Metric.SUPER, "超级算力": Metric.SUPER,
    "total": Metric.TOTAL, "总算力": Metric.TOTAL,
    "high-performance": Metric.HIGH_PERFORMANCE, "high performance": Metric.HIGH_PERFORMANCE,
    "高性能算力": Metric.HIGH_PERFORMANCE,
}


class Op(str, Enum):
    SUM = "sum"
    COUNT = "count"
    MAX = "max"
    MIN = "min"
    LIST = "list"


class GroupBy(str, Enum):
    YEAR = "year"
    REGION = "region"
    METRIC = "metric"


class TotalsQuery(BaseModel):
    """Which compute targets (算力规划) to aggregate, and how."""

    op: Op = Field(Op.SUM, description="sum, count, max, min or list")
    target_year: int | None = Field(None, description="year the target is for, e.g. 2025")
    published_year: int | None = Field(None, description="year the policy was published, e.g. 2024")
    published_from: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM, inclusive")
    published_to: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$", description="YYYY-MM, inclusive")
    regions: list[str] = Field(default_factory=list, description="regions such as 北京, 深圳; empty = all")
    metric: Metric | str | None = Field(
        Metric.INTELLIGENT, description="智算 (default), 通用, 超算, 总算力 or 高性能; null = every metric"
    )
    source_table: str | None = Field(
        None, description="table id, its '#' part (图3), a report id/prefix, or 'all' to combine sources; by default "
                          "the source with the most matching rows is used and the others are reported beside it")
    include_national: bool = Field(False, description="include national (全国) targets")
    group_by: GroupBy | None = Field(None, description="year, region or metric")

    @field_validator("metric", mode="before")
    @classmethod
    def _metric(cls, value: Any) -> Any:
        if isinstance(value, str):
            key = value.strip()
            if key.lower() in ("", "all", "any", "*", "全部"):
                return None
            try:
                return Metric(key)
            except ValueError:
                return _METRIC_ALIASES.get(key.lower(), key)  # an unknown metric simply matches no row
        return value

    @field_validator("regions", mode="before")
    @classmethod
    def _regions(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            names = [REGION_EN.get(str(v).strip().lower(), str(v).strip()) for v in value]
            return [normalise_region(n)[0] for n in names if n]
        return value


def bi(en: str, zh: str) -> str:
    return f"{en}{SEP}{zh}"


def _order(row: TargetRow) -> tuple:
    """Source order, so a result never depends on the order rows are passed in."""
    c = row.citation
    return (c.report, c.start, c.end, row.region, row.metric.value, row.target_year, row.value, row.qualifier)


def _metric_name(metric: Metric | str | None) -> str | None:
    return metric.value if isinstance(metric, Metric) else metric


def _short_source(row: TargetRow) -> str:
    """"tianfeng#图3" for "tianfeng_2024-09-17_….txt#图3"; prose rows name their report."""
    report = row.citation.report.split("_", 1)[0]
    return f"{report}#{row.source_table.split('#', 1)[1]}" if "#" in row.source_table else report


def _source_matches(row: TargetRow, source: str) -> bool:
    s = source.replace(" ", "")
    table = row.source_table
    return s in (table, table.split("#", 1)[-1], "#" + table.split("#", 1)[-1]) or row.citation.report.startswith(s)


ALL_SOURCES = "all"


def _source_of(row: TargetRow) -> str:
    return row.citation.report


def _primary_source(used: list[TargetRow], excluded: list[tuple[TargetRow, str]], op: Op) -> tuple[list, list, str]:
    """Keep the report with the most matching rows; rows of other reports are excluded and reported, so two
    reports' figures are never added up silently (天风 图3 is a target table; 国联 states targets in passing)."""
    counts: dict[str, int] = {}
    for r in used:
        counts[_source_of(r)] = counts.get(_source_of(r), 0) + 1
    if len(counts) < 2:
        return used, excluded, ""
    primary = max(counts, key=lambda k: counts[k])  # ties: the first in row order
    others = [r for r in used if _source_of(r) != primary]
    combined = tidy(_aggregate(op, used))
    unit = UNIT if op in (Op.SUM, Op.MAX, Op.MIN) else "rows"
    listed = "; ".join(f"{r.region} {fmt(r.value)} {r.unit} ({_short_source(r)})" for r in others)
    caveat = bi(f"Other sources also state matching targets, not included: {listed}; all sources together "
                f"({op.value}): {fmt(combined)} {unit} (ask with source 'all' to combine)",
                f"其他来源也有符合条件的目标，未计入：{listed}；所有来源合并（{op.value}）为 {fmt(combined)} {unit}"
                f"（来源选“all”可合并）")
    return ([r for r in used if _source_of(r) == primary],
            excluded + [(r, f"other source: {_source_of(r)}") for r in others], caveat)


def _wants_national(q: TotalsQuery) -> bool:
    return q.include_national or NATIONAL in q.regions


def _exclusion(row: TargetRow, q: TotalsQuery) -> str:
    """Why a row is left out, or "" when it counts."""
    if row.region == NATIONAL and not _wants_national(q):
        return "national target (全国)"
    if q.source_table and q.source_table != ALL_SOURCES and not _source_matches(row, q.source_table):
        return f"other source: {row.source_table or row.citation.report}"
    metric = _metric_name(q.metric)
    if metric is not None and row.metric != metric:  # a str enum: no .value lookup in this hot loop
        return f"other metric: {row.metric.value}"
    if q.target_year is not None and row.target_year != q.target_year:
        return f"other year: {row.target_year}"
    if q.published_year is not None and not row.published.startswith(str(q.published_year)):
        return f"published {row.published or 'unknown'}, not {q.published_year}"
    if q.published_from or q.published_to:
        month = row.published[:7]
        if len(month) != 7:
            return f"publication month unknown ({row.published or 'no date'})"
        if (q.published_from and month < q.published_from) or (q.published_to and month > q.published_to):
            return f"published {month}, outside {q.published_from or '…'}..{q.published_to or '…'}"
    if q.regions and row.region not in q.regions:
        return "other region"
    if row.unit != UNIT:
        return f"other unit: {row.unit}"
    return ""


def _aggregate(op: Op, rows: Sequence[TargetRow]) -> Decimal:
    values = [r.value for r in rows]
    if op is Op.SUM:
        return sum(values, Decimal(0))
    if op is Op.MAX:
        return max(values)
    if op is Op.MIN:
        return min(values)
    return Decimal(len(rows))  # count, list


def _expression(op: Op, rows: Sequence[TargetRow], value: Decimal, winners: Sequence[TargetRow]) -> str:
    nums = [fmt(r.value) for r in rows]
    if op is Op.SUM:
        return f"{' + '.join(nums)} = {fmt(value)} {UNIT}"
    if op in (Op.MAX, Op.MIN):
        where = ", ".join(r.region for r in winners)
        return f"{op.value}({', '.join(nums)}) = {fmt(value)} {UNIT} ({where})"
    if op is Op.COUNT:
        return f"count({', '.join(r.region for r in rows)}) = {len(rows)}"
    return "; ".join(f"{r.region} {r.target_year} {r.qualifier}{fmt(r.value)} {UNIT}" for r in rows)


def _group_key(row: TargetRow, by: GroupBy) -> str:
    return {GroupBy.YEAR: str(row.target_year), GroupBy.REGION: row.region, GroupBy.METRIC: row.metric.value}[
        GroupBy(by)
    ]


def _caveats(op: Op, q: TotalsQuery, used: Sequence[TargetRow]) -> list[str]:
    out: list[str] = []
    bounds = [r for r in used if r.qualifier]
    if bounds:
        listed = "、".join(f"{r.region} “{r.value_as_written}”" for r in bounds)
        out.append(bi(f"Lower bounds (the target is “more than”): {listed}; the figure is a lower bound",
                      f"含下限值（“超过/以上”）：{listed}；结果应视为下限"))
    if op in (Op.SUM, Op.COUNT, Op.LIST):
        regions = {r.region for r in used}
        cities = [r for r in used if r.is_city]
        for city in cities:
            if city.parent_region in regions:
                out.append(bi(f"{city.region} is a city within {city.parent_region}; both rows are included, "
                              "so part of the figure may be counted twice",
                              f"{city.region}属于{city.parent_region}，两行同时计入，可能重复计算"))
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
        metrics = sorted({r.metric.value for r in used})
        if len(metrics) > 1:
            out.append(bi(f"Different metrics are added together: {', '.join(metrics)}",
                          f"不同口径的算力被加在一起：{'、'.join(metrics)}"))
    sources: dict[str, list[TargetRow]] = {}
    for r in used:
        sources.setdefault(_short_source(r), []).append(r)
    if len(sources) > 1:
        parts = [f"{name}: {len(rs)}" + (f", {fmt(sum((r.value for r in rs), Decimal(0)))} {UNIT}"
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
    """The report's own figure for exactly this quantity: an all-region sum of one metric and year."""
    if Op(q.op) is not Op.SUM or q.regions or q.target_year is None or q.group_by is not None:
        return []
    metric = _metric_name(q.metric)
    reports = {r.citation.report for r in used}
    return [
        e for e in estimates
        if e.metric.value == metric and e.target_year == q.target_year and e.citation.report in reports
    ]


def _no_rows_caveats(rows: Sequence[TargetRow], q: TotalsQuery) -> list[str]:
    out = []
    known = {r.region for r in rows}
    unknown = [name for name in q.regions if name not in known]
    if unknown:
        out.append(bi(f"No row at all for: {', '.join(unknown)}", f"没有以下地区的数据：{'、'.join(unknown)}"))
    metric = _metric_name(q.metric)
    if metric is not None and metric not in {r.metric.value for r in rows}:
        out.append(bi(f"No row has the metric {metric}", f"没有口径为{metric}的数据"))
    if q.target_year is not None and q.target_year not in {r.target_year for r in rows}:
        out.append(bi(f"No row targets the year {q.target_year}", f"没有以 {q.target_year} 年为目标的数据"))
    return out


def compute_totals(
    rows: Iterable[TargetRow], query: TotalsQuery, estimates: Iterable[StatedFigure] = ()
) -> TotalResult:
    ordered = sorted(rows, key=_order)
    used: list[TargetRow] = []
    excluded: list[tuple[TargetRow, str]] = []
    for row in ordered:
        reason = _exclusion(row, query)
        if reason:
            excluded.append((row, reason))
        else:
            used.append(row)
    op = Op(query.op)  # tolerate model_copy(update={"op": "sum"}), which skips validation
    unit = UNIT if op in (Op.SUM, Op.MAX, Op.MIN) else "rows"
    if not used:
        return TotalResult(op=op.value, value=None, unit=unit, excluded=excluded, excluded_count=len(excluded),
                           message=NO_ROWS, caveats=_no_rows_caveats(ordered, query))
    source_caveat = ""
    if not query.source_table:
        used, excluded, source_caveat = _primary_source(used, excluded, op)
    value = tidy(_aggregate(op, used))
    winners = [r for r in used if r.value == value] if op in (Op.MAX, Op.MIN) else used
    groups: dict[str, Decimal] = {}
    if query.group_by is not None:
        buckets: dict[str, list[TargetRow]] = {}
        for r in used:
            buckets.setdefault(_group_key(r, query.group_by), []).append(r)
        groups = {k: _aggregate(op, rs) for k, rs in sorted(buckets.items())}
    caveats = _caveats(op, query, used) + ([source_caveat] if source_caveat else [])
    stated = _stated(query, used, estimates)
    for e in stated:
        diff = fmt(abs(value - e.value))
        verb = ("differs from", "不同") if value != e.value else ("matches", "一致")
        caveats.append(bi(
            f"The report states its own figure for this: {fmt(e.value)} {e.unit} (“{e.citation.quote}”); "
            f"the computed sum {fmt(value)} {UNIT} {verb[0]} it (difference {diff} {UNIT})",
            f"报告自身给出的数字为 {fmt(e.value)} {e.unit}（“{e.citation.quote}”），"
            f"与按表加总的 {fmt(value)} {UNIT} {verb[1]}（相差 {diff} {UNIT}）",
        ))
    return TotalResult(
        op=op.value,
        value=value,
        unit=unit,
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
    ranked = sorted(result.excluded, key=lambda item: not item[1].startswith("other source"))  # stable
    return result.model_copy(update={"excluded": ranked[:max_excluded]})


TOOL_DESCRIPTION = (
    "Sum, count, max, min or list the regional compute targets (算力规划, in EFLOPS) read from the reports' "
    "tables. Use it for totals (合计/一共), counts (多少个), largest/smallest (最大/最小) and lists of targets. "
    "Returns the figure, the rows used with citations, rows excluded and why, the arithmetic and caveats; "
    "value null means no matching rows (do not answer 0)."
)


def make_totals_tool(rows: Iterable[TargetRow], estimates: Iterable[StatedFigure] = ()) -> StructuredTool:
    rows, estimates = list(rows), list(estimates)

    def compute_target_totals(**kwargs: Any) -> dict[str, Any]:
        return brief(compute_totals(rows, TotalsQuery(**kwargs), estimates)).model_dump(mode="json")

    return StructuredTool.from_function(
        func=compute_target_totals,
        name="compute_target_totals",
        description=TOOL_DESCRIPTION,
        args_schema=TotalsQuery,
    )

"""规划目标 / Targets tab: the compute targets read from the reports, filtered; the total over them; charts; CSV.

The table lists exactly the rows the filters select, each marked counted or excluded with the totals tool's
reason, and the charts draw the counted ones: what the figure adds up is what the table and the charts show.
One target year by default — adding 2025, 2026 and 2030 targets together is rarely what an analyst means.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.core.models import TargetRow
from assistant.facade import NATIONAL, Assistant, TotalsQuery
from assistant.ui import render, scratch

log = logging.getLogger(__name__)

ALL = "全部 / all"
ALL_YEARS = "全部年份（跨年合计） / all years (summed across years)"
# Sources: by default the totals tool sums the report with the most matching rows and lists the others beside
# it; "all sources" adds every report's rows together.
MAIN_SOURCE = "主要报告 / main report"  # the others are listed beside the total (see the info line)
ALL_SOURCES = "全部来源合并 / all combined"
DEFAULT_METRIC = "智算"  # adding different metrics is rarely meaningful; "all" is one click away
COUNTED = "✓ 计入 / counted"
PRIVATE = {"api_visibility": "private"}

COLUMNS = {
    "counted": "计入 / Counted", "region": "地区 / Region", "target_year": "目标年份 / Year",
    "metric": "口径 / Metric", "value": "规划值 / Value", "unit": "单位 / Unit",
    "value_as_written": "原文 / As written", "published": "发布 / Published", "document": "文件 / Document",
    "source": "来源 / Source",
}
CHART_COLOR = "口径 / metric"  # the column name is the legend's title
# The totals tool states its reasons in English; the table reads Chinese first.
REASONS = {  # matched on the reason's start, "_" read as " " ("other_year: 2026" and "other year: 2026" alike)
    "national": "全国目标（未勾选“含全国”）",
    "other report": "其他报告",
    "other source": "其他来源",
    "other metric": "其他口径",
    "other year": "其他年份",
    "other region": "其他地区",
    "other unit": "其他单位",
    "published unknown": "发布时间不明",
    "publication month unknown": "发布月份不明",
    "published": "发布时间不在范围内",
    "city": "城市（按要求不计）",
}


def metric_of(row: TargetRow) -> str:
    return str(getattr(row.metric, "value", row.metric))  # an enum today; a plain string is fine too


def short_source(row: TargetRow) -> str:
    """"tianfeng#图3" for table "tianfeng_2024-09-17_….txt#图3"; a prose row names its report."""
    report = row.citation.report.split("_", 1)[0]
    return f"{report}#{row.source_table.split('#', 1)[1]}" if "#" in row.source_table else report


def source_of(row: TargetRow) -> str:
    return row.source_table or row.citation.report


def row_key(row: TargetRow) -> tuple:
    return (row.citation.id, row.region, row.target_year, metric_of(row), str(row.value), row.qualifier)


def reason_text(reason: Any) -> str:
    text = str(reason)  # a string, or an object whose str() is "<reason>: <detail>"
    for en, zh in REASONS.items():
        if text.replace("_", " ").startswith(en):
            return f"✗ {zh} / {text}"
    return f"✗ {text}"


def _unset(value: Any) -> bool:
    return value in ("", ALL, ALL_YEARS, MAIN_SOURCE, ALL_SOURCES, None)


def select_rows(rows: list[TargetRow], year: str, regions: list[str], metric: str, source: str, pub_from: str,
                pub_to: str) -> list[TargetRow]:
    """The rows the filters select (national rows included: the total marks them excluded unless asked for)."""
    def keep(r: TargetRow) -> bool:
        month = r.published[:7]
        return ((_unset(year) or str(r.target_year) == str(year))
                and (not regions or r.region in regions)
                and (_unset(metric) or metric_of(r) == metric)
                and (_unset(source) or source_of(r) == source)
                and (_unset(pub_from) or (len(month) == 7 and month >= pub_from))
                and (_unset(pub_to) or (len(month) == 7 and month <= pub_to)))

    return [r for r in rows if keep(r)]


def make_query(op: str, year: str, regions: list[str], metric: str, source: str, pub_from: str, pub_to: str,
               national: bool) -> TotalsQuery:
    return TotalsQuery(
        op=op, target_year=None if _unset(year) else int(year), regions=list(regions or []),
        metric=None if _unset(metric) else metric, include_national=bool(national),
        source_table="all" if source == ALL_SOURCES else None if _unset(source) else source,
        published_from=None if _unset(pub_from) else pub_from, published_to=None if _unset(pub_to) else pub_to)


def records(selected: list[TargetRow], used: set[tuple], reasons: dict[tuple, str]) -> list[dict[str, Any]]:
    out = [{
        "counted": COUNTED if row_key(r) in used else reasons.get(row_key(r), "✗ 未计入 / excluded"),
        "region": r.region + ("（市）" if r.is_city else ""),
        "target_year": r.target_year,
        "metric": metric_of(r),
        "value": float(r.value),
        "unit": r.unit,
        "value_as_written": r.value_as_written,
        "published": r.published,
        "document": r.document,
        "source": short_source(r),
        "qualifier": r.qualifier,
    } for r in selected]
    return sorted(out, key=lambda rec: rec["counted"] != COUNTED)  # stable: counted rows first, source order


def plot_frames(recs: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    counted = [r for r in recs if r["counted"] == COUNTED]
    df = pd.DataFrame(counted, columns=["region", "target_year", "metric", "value"]).rename(
        columns={"metric": CHART_COLOR})
    if df.empty:
        empty = pd.DataFrame({"x": [], "value": [], CHART_COLOR: []})
        return empty, empty
    by_region = df.groupby(["region", CHART_COLOR], as_index=False)["value"].sum().rename(columns={"region": "x"})
    by_year = df.assign(x=df["target_year"].astype(str)).groupby(["x", CHART_COLOR], as_index=False)["value"].sum()
    return by_region, by_year


def write_csv(recs: list[dict[str, Any]]) -> str:
    path = scratch.new_file("targets.csv")
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # the BOM lets Excel read the Chinese
        writer = csv.DictWriter(fh, fieldnames=[*COLUMNS, "qualifier"])
        writer.writeheader()
        writer.writerows(recs)
    return str(path)


def default_year(rows: list[TargetRow]) -> str:
    """The target year most regional targets of the default metric aim at (2025 in the two reports)."""
    years = Counter(r.target_year for r in rows if metric_of(r) == DEFAULT_METRIC and r.region != NATIONAL)
    years = years or Counter(r.target_year for r in rows)
    return str(min(years, key=lambda y: (-years[y], y))) if years else ALL_YEARS


def compute(assistant: Assistant, op: str, *filter_values) -> tuple[list[dict[str, Any]], Any]:
    """The table's records and the totals result, from one set of filters."""
    year, regions, metric, source, pub_from, pub_to, national = filter_values
    query = make_query(op, *filter_values)
    result = assistant.totals(query)
    # max/min list only their winners as rows; the rows they compared are those a count uses
    used_result = result if op in ("sum", "count") else assistant.totals(query.model_copy(update={"op": "count"}))
    used = {row_key(r) for r in used_result.rows}
    reasons = {row_key(r): reason_text(why) for r, why in used_result.excluded}
    selected = select_rows(assistant.targets(), year, regions, metric, source, pub_from, pub_to)
    return records(selected, used, reasons), result


def totals_html(recs: list[dict[str, Any]], result: Any, op: str) -> str:
    n_in = sum(r["counted"] == COUNTED for r in recs)
    note = render.message_html(f"表格列出 {len(recs)} 行：计入 {n_in} 行，未计入 {len(recs) - n_in} 行（原因见“计入”列） / "
                               f"the table lists {len(recs)} rows: {n_in} counted, {len(recs) - n_in} excluded "
                               "(reason in the Counted column)")
    return render.calculation_html(result.model_dump(mode="json"), show_rows=op in ("max", "min")) + note


def targets_tab(assistant: Assistant) -> gr.Tab:
    with gr.Tab("规划目标 / Targets", id="targets", elem_id="tab-targets") as tab:
        gr.Markdown("从报告中提取的各地算力规划目标（单位统一为 EFLOPS）。筛选同时作用于表格、合计与图表；默认只看一个目标年份。 / "
                    "Compute targets read from the reports (normalised to EFLOPS). The filters drive the table, the "
                    "total and the charts; one target year by default.")
        with gr.Row(elem_classes="filters"):
            year = gr.Dropdown([ALL_YEARS], value=ALL_YEARS, label="目标年份 / Target year", elem_id="f-year",
                               min_width=150)
            regions = gr.Dropdown([], value=[], multiselect=True, label="地区（空=全部） / Regions (empty = all)",
                                  elem_id="f-regions", min_width=240)
            metric = gr.Dropdown([ALL, DEFAULT_METRIC], value=DEFAULT_METRIC, label="口径 / Metric",
                                 elem_id="f-metric", min_width=120)
            source = gr.Dropdown([MAIN_SOURCE, ALL_SOURCES], value=MAIN_SOURCE, label="来源 / Source",
                                 info="其他来源在合计旁另列 / other sources are listed beside the total",
                                 elem_id="f-source", min_width=280, scale=2)
            pub_from = gr.Dropdown([ALL], value=ALL, label="发布起 / Published from", elem_id="f-from",
                                   min_width=130)
            pub_to = gr.Dropdown([ALL], value=ALL, label="发布止 / Published to", elem_id="f-to", min_width=130)
        with gr.Row():
            national = gr.Checkbox(False, label="含全国目标 / include national (全国) targets", elem_id="f-national")
            op = gr.Radio([("合计 / sum", "sum"), ("计数 / count", "count"), ("最大 / max", "max"),
                           ("最小 / min", "min")], value="sum", label="运算 / Operation", elem_id="f-op")
        totals = gr.HTML(elem_id="targets-totals")
        table = gr.Dataframe(label="规划目标表（点击表头排序） / Targets (click a header to sort)", interactive=False,
                             show_search="filter", wrap=True, max_height=420, elem_id="targets-table",
                             column_widths=["13%", "7%", "7%", "6%", "7%", "6%", "13%", "7%", "22%", "12%"])
        with gr.Row():
            by_region = gr.BarPlot(x="x", y="value", color=CHART_COLOR, title="各地区规划（计入的行） / Targets by "
                                   "region (counted rows)", x_title="地区 / region", y_title="EFLOPS",
                                   elem_id="plot-region", sort="-y", x_label_angle=-45, height=340, min_width=400)
            by_year = gr.BarPlot(x="x", y="value", color=CHART_COLOR, title="按目标年份（计入的行） / Targets by "
                                 "year (counted rows)", x_title="目标年份 / target year", y_title="EFLOPS",
                                 elem_id="plot-year", height=340, min_width=400)
        with gr.Row():
            export = gr.Button("导出 CSV / Export CSV", elem_id="export-csv", elem_classes="nowrap-btn")
            csv_file = gr.File(label="CSV", interactive=False, elem_id="csv-file", visible=False)

    filters = [year, regions, metric, source, pub_from, pub_to, national]

    def choices(current_year: str) -> tuple:
        rows = _targets_or_none(assistant) or []
        months = sorted({r.published[:7] for r in rows if len(r.published) >= 7})
        years = sorted({str(r.target_year) for r in rows})
        return (gr.update(choices=[*years, ALL_YEARS],
                          value=current_year if current_year in years else default_year(rows)),
                gr.update(choices=sorted({r.region for r in rows})),
                gr.update(choices=[ALL, *sorted({metric_of(r) for r in rows})]),
                gr.update(choices=[(MAIN_SOURCE, MAIN_SOURCE), (ALL_SOURCES, ALL_SOURCES),
                                   *sorted({(short_source(r), source_of(r)) for r in rows})]),
                gr.update(choices=[ALL, *months]), gr.update(choices=[ALL, *months]))

    def refresh(op_: str, *filter_values) -> tuple:
        try:
            recs, result = compute(assistant, op_, *filter_values)
        except Exception as exc:  # the tab says so; the rest of the app keeps working
            log.exception("targets failed")
            return (gr.update(), render.message_html(f"规划目标暂不可用 / targets not available: "
                                                     f"{type(exc).__name__}: {exc}", "error"),
                    gr.update(), gr.update())
        frame = pd.DataFrame(recs, columns=list(COLUMNS)).rename(columns=COLUMNS)
        region_df, year_df = plot_frames(recs)
        return frame, totals_html(recs, result, op_), region_df, year_df

    def export_csv(op_: str, *filter_values) -> dict:
        recs, _ = compute(assistant, op_, *filter_values)
        return gr.update(value=write_csv(recs), visible=True)

    outputs = [table, totals, by_region, by_year]
    for control in [op, *filters]:
        control.change(refresh, [op, *filters], outputs, **PRIVATE)
    tab.select(choices, [year], [year, regions, metric, source, pub_from, pub_to], **PRIVATE).then(
        refresh, [op, *filters], outputs, **PRIVATE)
    export.click(export_csv, [op, *filters], csv_file, **PRIVATE)
    return tab


def _targets_or_none(assistant: Assistant) -> list[TargetRow] | None:
    try:
        return assistant.targets()
    except Exception:
        log.exception("targets failed")
        return None

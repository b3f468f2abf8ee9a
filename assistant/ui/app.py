"""研报助手 / Report Assistant — the Gradio app. A thin shell: every action is one call on `Assistant`.

    from assistant.ui import serve
    serve()                                   # http://127.0.0.1:7860
    serve("0.0.0.0", auth="user:password")    # beyond loopback only with a password

Tabs: 问答 / Chat (answers with clickable [n] citations), 规划目标 / Targets (table, totals, charts, CSV),
报告 / Reports (list, upload, remove), 评测 / Evals (run the QA suite). API: `/ask` (question → Answer JSON).
"""

from __future__ import annotations

import csv
import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.facade import NATIONAL, Assistant, QuestionError, TotalsQuery
from assistant.core.models import TargetRow
from assistant.core.settings import PROJECT_ROOT, Settings
from assistant.ui import render
from assistant.ui.safety import check_bind

log = logging.getLogger(__name__)

TITLE = "研报助手 / Report Assistant"
CONCURRENCY = 4  # questions answered at once; the Assistant is thread-safe for reads
DEFAULT_QA = PROJECT_ROOT / "evals" / "qa.jsonl"
ALL = "全部 / all"
# Sources: by default the totals tool sums the report with the most matching rows and lists the others beside
# it; "all sources" adds every report's rows together.
MAIN_SOURCE = "主要报告（其余另列）/ main report (others listed)"
ALL_SOURCES = "全部来源合并 / all sources combined"
DEFAULT_METRIC = "智算"  # adding different metrics is rarely meaningful; "all" is one click away
EXAMPLES = [
    "北京的智算算力规划是多少？",
    "2025年各地智算规划合计是多少？",
    "美国白宫宣布要成立什么机构？",
    "Which US bodies lead the AI datacenter task force?",
    "What is Shanghai's intelligent computing target?",
]

CSS = """
.cite-link { font-weight: 600; text-decoration: none; padding: 0 1px; cursor: pointer; }
.cite-link:hover { text-decoration: underline; }
.related-link { opacity: .75; }
.passage mark { background: #ffe066; color: inherit; padding: 0 2px; border-radius: 2px; }
.passage-text { white-space: pre-wrap; line-height: 1.7; margin-top: 6px; max-height: 360px; overflow-y: auto;
                 position: relative; }
.passage-meta { font-size: .9em; opacity: .85; }
.src-list { padding-left: 1.2em; margin: 4px 0; }
.src-list li { margin-bottom: 6px; }
.src-where { font-size: .85em; opacity: .8; }
.src-quote { font-size: .85em; opacity: .85; }
.related-h { margin-top: 10px; color: #b26a00; }
.rows-table { font-size: .85em; border-collapse: collapse; margin: 4px 0; }
.rows-table td, .rows-table th { border: 1px solid #ccc; padding: 2px 6px; }
.formula code { white-space: pre-wrap; }
.calc-value { font-size: 1.1em; margin: 4px 0; }
.caveats .en, .calc-value .en { font-size: .85em; opacity: .75; }
.panel-msg { opacity: .8; padding: 6px 0; }
.panel-error { color: #c62828; opacity: 1; font-weight: 600; }
.panel-warn { color: #b26a00; opacity: 1; }
.panel-ok { color: #2e7d32; opacity: 1; }
.cite-bridge { display: none; }
"""

# A click on any "#cite-<id>" link (in the chat or the sources list) opens that passage: the link's id goes
# into this hidden HTML component's value and its change event asks the server for the passage.
CITE_BRIDGE_JS = """
window.__openCitation = (id) => { props.value = id; trigger('change'); };
if (!window.__citeBridgeInstalled) {
  window.__citeBridgeInstalled = true;
  document.addEventListener('click', (ev) => {
    const link = ev.target && ev.target.closest ? ev.target.closest('a[href^="#cite-"]') : null;
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    window.__openCitation(decodeURIComponent(link.getAttribute('href').slice(6)));
  }, true);
}
"""

# Scroll the passage box so the highlighted quote is in view (a cited table row may sit far down its table).
SCROLL_TO_MARK_JS = """
watch('value', () => {
  const box = element.querySelector('.passage-text');
  const mark = box && box.querySelector('mark');
  if (mark) box.scrollTop = Math.max(0, mark.offsetTop - box.clientHeight / 3);
});
"""


# ---- chat ------------------------------------------------------------------------------------------------


def _stream_steps(text: str, steps: int = 8) -> list[int]:
    """Prefix lengths at which to show a streaming answer (ends at line breaks where possible)."""
    if len(text) <= 40:
        return []
    cuts = sorted({min(len(text), round(len(text) * i / steps)) for i in range(1, steps)})
    return [text.rfind("\n", 0, c) + 1 or c for c in cuts]


def chat_tab(assistant: Assistant) -> None:
    conversation = gr.State("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(label="对话 / Conversation", height=520, elem_id="chatbot",
                                 feedback_options=None, buttons=["copy"],
                                 placeholder="用中文或英文提问；答案中的 [n] 可点击查看原文 / "
                                             "Ask in Chinese or English; click [n] to see the source")
            with gr.Row():
                question = gr.Textbox(label="问题 / Question", placeholder="例如：北京的智算算力规划是多少？",
                                      scale=6, lines=1, max_lines=4, elem_id="question", autofocus=True)
                ask_btn = gr.Button("提问 / Ask", variant="primary", scale=1, min_width=90, elem_id="ask-btn")
                clear_btn = gr.Button("清空对话 / Clear", scale=1, min_width=90, elem_id="clear-btn")
            gr.Examples(EXAMPLES, inputs=question, label="示例问题 / Example questions")
        with gr.Column(scale=2):
            passage = gr.HTML(render.PASSAGE_PLACEHOLDER, elem_id="passage-panel", js_on_load=SCROLL_TO_MARK_JS)
            sources = gr.HTML(render.SOURCES_PLACEHOLDER, elem_id="sources-panel")
            bridge = gr.HTML("", html_template="<div class='cite-bridge'>${value}</div>", js_on_load=CITE_BRIDGE_JS,
                             elem_id="cite-bridge", padding=False)

    def respond(text: str, history: list, conv: str) -> Iterator[tuple]:
        conv = conv or uuid.uuid4().hex
        if not (text or "").strip():
            yield history, text, conv, gr.update(), gr.update()
            return
        history = [*history, {"role": "user", "content": render.md_escape(text.strip())},
                   {"role": "assistant", "content": "检索中… / searching…"}]
        yield history, "", conv, render.message_html("检索中… / searching…"), render.PASSAGE_PLACEHOLDER
        try:
            answer = assistant.ask(text, conversation=conv)
        except QuestionError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠ {render.md_escape(str(exc))}"}
            yield history, "", conv, gr.update(), gr.update()
            return
        except Exception as exc:  # keep the page alive; say what happened
            log.exception("ask failed")
            history[-1] = {"role": "assistant",
                           "content": f"⚠ 出错 / error: {render.md_escape(f'{type(exc).__name__}: {exc}')}"}
            yield history, "", conv, gr.update(), gr.update()
            return
        for cut in _stream_steps(answer.answer):
            history[-1] = {"role": "assistant", "content": render.answer_markdown(answer, answer.answer[:cut])}
            yield history, "", conv, gr.update(), gr.update()
            time.sleep(0.03)
        history[-1] = {"role": "assistant", "content": render.answer_markdown(answer)}
        yield history, "", conv, render.sources_html(answer), gr.update()  # a passage opened meanwhile stays

    def open_citation(citation_id: str) -> str:
        if not citation_id:
            return gr.update()
        try:
            return render.passage_html(assistant.cite(citation_id))
        except (KeyError, ValueError) as exc:
            return render.message_html(str(exc).strip("'\""), "error")

    def clear(conv: str) -> tuple:
        if conv:
            assistant.forget(conv)
        return [], "", "", render.SOURCES_PLACEHOLDER, render.PASSAGE_PLACEHOLDER

    outs = [chatbot, question, conversation, sources, passage]
    private = {"api_visibility": "private"}
    question.submit(respond, [question, chatbot, conversation], outs, **private)
    ask_btn.click(respond, [question, chatbot, conversation], outs, **private)
    clear_btn.click(clear, [conversation], [chatbot, question, conversation, sources, passage], **private)
    chatbot.clear(clear, [conversation], [chatbot, question, conversation, sources, passage], **private)
    bridge.change(open_citation, [bridge], [passage], **private)


# ---- targets ---------------------------------------------------------------------------------------------

TARGET_COLUMNS = {
    "region": "地区 / Region", "target_year": "目标年份 / Target year", "metric": "口径 / Metric",
    "value": "规划值 / Value", "unit": "单位 / Unit", "value_as_written": "原文 / As written",
    "published": "发布 / Published", "document": "文件 / Document", "source": "来源 / Source",
}


def short_source(row: TargetRow) -> str:
    """"tianfeng#图3" for table "tianfeng_2024-09-17_….txt#图3"; a prose row names its report."""
    report = row.citation.report.split("_", 1)[0]
    return f"{report}#{row.source_table.split('#', 1)[1]}" if "#" in row.source_table else report


def target_records(rows: list[TargetRow]) -> list[dict[str, Any]]:
    return [{
        "region": r.region + ("（市）" if r.is_city else ""),
        "target_year": r.target_year,
        "metric": r.metric.value,
        "value": float(r.value),
        "unit": r.unit,
        "value_as_written": r.value_as_written,
        "published": r.published,
        "document": r.document,
        "source": short_source(r),
        "qualifier": r.qualifier,
    } for r in rows]


def source_of(row: TargetRow) -> str:
    return row.source_table or row.citation.report


def filter_targets(rows: list[TargetRow], year: str, regions: list[str], metric: str, source: str, pub_from: str,
                   pub_to: str, national: bool) -> list[TargetRow]:
    """The rows the filters select; the same conditions the totals tool applies."""
    def keep(r: TargetRow) -> bool:
        month = r.published[:7]
        return ((national or r.region != NATIONAL)
                and (year in ("", ALL, None) or str(r.target_year) == str(year))
                and (not regions or r.region in regions)
                and (metric in ("", ALL, None) or r.metric.value == metric)
                and (source in ("", ALL, MAIN_SOURCE, ALL_SOURCES, None) or source_of(r) == source)
                and (pub_from in ("", ALL, None) or (len(month) == 7 and month >= pub_from))
                and (pub_to in ("", ALL, None) or (len(month) == 7 and month <= pub_to)))

    return [r for r in rows if keep(r)]


def totals_html(assistant: Assistant, op: str, year: str, regions: list[str], metric: str, source: str,
                pub_from: str, pub_to: str, national: bool) -> str:
    try:
        query = TotalsQuery(
            op=op, target_year=None if year in ("", ALL, None) else int(year), regions=list(regions or []),
            metric=None if metric in ("", ALL, None) else metric, include_national=bool(national),
            source_table="all" if source == ALL_SOURCES else None if source in ("", ALL, MAIN_SOURCE, None) else source,
            published_from=None if pub_from in ("", ALL, None) else pub_from,
            published_to=None if pub_to in ("", ALL, None) else pub_to)
        result = assistant.totals(query)
    except Exception as exc:
        log.exception("totals failed")
        return render.message_html(f"合计失败 / totals failed: {type(exc).__name__}: {exc}", "error")
    return render.calculation_html(result.model_dump(mode="json"), show_rows=op in ("max", "min"))


def plot_frames(records: list[dict[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = pd.DataFrame(records, columns=["region", "target_year", "metric", "value"])
    if df.empty:
        empty = pd.DataFrame({"x": [], "value": [], "metric": []})
        return empty, empty
    by_region = df.groupby(["region", "metric"], as_index=False)["value"].sum().rename(columns={"region": "x"})
    by_year = df.assign(x=df["target_year"].astype(str)).groupby(["x", "metric"], as_index=False)["value"].sum()
    return by_region, by_year


def write_csv(records: list[dict[str, Any]]) -> str:
    path = Path(tempfile.mkdtemp(prefix="assistant-targets-")) / "targets.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*TARGET_COLUMNS, "qualifier"])
        writer.writeheader()
        writer.writerows(records)
    return str(path)


def _targets_or_none(assistant: Assistant) -> list[TargetRow] | None:
    try:
        return assistant.targets()
    except Exception:  # the tab says so; the rest of the app keeps working
        log.exception("targets failed")
        return None


def targets_tab(assistant: Assistant) -> gr.Tab:
    with gr.Tab("规划目标 / Targets", id="targets", elem_id="tab-targets") as tab:
        gr.Markdown("从报告表格中提取的各地算力规划目标（单位统一为 EFLOPS）。筛选同时作用于表格、合计与图表。 / "
                    "Compute targets read from the reports' tables (normalised to EFLOPS). The filters drive the "
                    "table, the totals and the charts.")
        with gr.Row():
            year = gr.Dropdown([ALL], value=ALL, label="目标年份 / Target year", elem_id="f-year")
            regions = gr.Dropdown([], value=[], multiselect=True, label="地区 / Regions (空=全部 / empty = all)",
                                  elem_id="f-regions")
            metric = gr.Dropdown([ALL, DEFAULT_METRIC], value=DEFAULT_METRIC, label="口径 / Metric",
                                 elem_id="f-metric")
            source = gr.Dropdown([MAIN_SOURCE, ALL_SOURCES], value=MAIN_SOURCE, label="来源 / Source",
                                 elem_id="f-source")
            pub_from = gr.Dropdown([ALL], value=ALL, label="发布起 / Published from", elem_id="f-from")
            pub_to = gr.Dropdown([ALL], value=ALL, label="发布止 / Published to", elem_id="f-to")
        with gr.Row():
            national = gr.Checkbox(False, label="含全国目标 / include national (全国) targets")
            op = gr.Radio([("合计 / sum", "sum"), ("计数 / count", "count"), ("最大 / max", "max"),
                           ("最小 / min", "min")], value="sum", label="运算 / Operation")
        table = gr.Dataframe(label="规划目标表（点击表头排序） / Targets (click a header to sort)", interactive=False,
                             show_search="filter", wrap=True, max_height=420, elem_id="targets-table",
                             column_widths=["9%", "8%", "7%", "8%", "8%", "14%", "8%", "27%", "11%"])
        totals = gr.HTML(elem_id="targets-totals")
        with gr.Row():
            by_region = gr.BarPlot(x="x", y="value", color="metric", title="各地区规划 / Targets by region",
                                   x_title="地区 / region", y_title="EFLOPS", elem_id="plot-region", sort="-y",
                                   x_label_angle=-45, height=340)
            by_year = gr.BarPlot(x="x", y="value", color="metric", title="按目标年份 / Targets by year",
                                 x_title="目标年份 / target year", y_title="EFLOPS", elem_id="plot-year",
                                 height=340)
        with gr.Row():
            export = gr.Button("导出 CSV / Export CSV", elem_id="export-csv")
            csv_file = gr.File(label="CSV", interactive=False, elem_id="csv-file", visible=False)

    filters = [year, regions, metric, source, pub_from, pub_to, national]

    def choices() -> tuple:
        rows = _targets_or_none(assistant) or []
        months = sorted({r.published[:7] for r in rows if len(r.published) >= 7})
        return (gr.update(choices=[ALL, *sorted({str(r.target_year) for r in rows})]),
                gr.update(choices=sorted({r.region for r in rows})),
                gr.update(choices=[ALL, *sorted({r.metric.value for r in rows})]),
                gr.update(choices=[(MAIN_SOURCE, MAIN_SOURCE), (ALL_SOURCES, ALL_SOURCES),
                                   *sorted({(short_source(r), source_of(r)) for r in rows})]),
                gr.update(choices=[ALL, *months]), gr.update(choices=[ALL, *months]))

    def refresh(op_: str, *filter_values) -> tuple:
        all_rows = _targets_or_none(assistant)
        if all_rows is None:
            return (gr.update(), render.message_html("规划目标表暂不可用（见服务器日志） / the target table is not "
                                                     "available (see the server log)", "error"),
                    gr.update(), gr.update())
        rows = filter_targets(all_rows, *filter_values)
        records = target_records(rows)
        frame = pd.DataFrame(records, columns=list(TARGET_COLUMNS)).rename(columns=TARGET_COLUMNS)
        region_df, year_df = plot_frames(records)
        return frame, totals_html(assistant, op_, *filter_values), region_df, year_df

    def export_csv(*args) -> dict:
        return gr.update(value=write_csv(target_records(filter_targets(assistant.targets(), *args))), visible=True)

    private = {"api_visibility": "private"}
    outputs = [table, totals, by_region, by_year]
    for control in [op, *filters]:
        control.change(refresh, [op, *filters], outputs, **private)
    tab.select(choices, None, [year, regions, metric, source, pub_from, pub_to], **private).then(
        refresh, [op, *filters], outputs, **private)
    export.click(export_csv, filters, csv_file, **private)
    return tab


# ---- reports ---------------------------------------------------------------------------------------------


def reports_frame(assistant: Assistant) -> pd.DataFrame:
    rows = [{
        "报告 / Report": r["report"], "段数 / Chunks": r["chunks"], "表格 / Tables": r["tables"],
        "字数 / Characters": r["chars"], "编码 / Encoding": r["encoding"],
        "索引时间 / Indexed": datetime.fromtimestamp(r["ingested_at"]).strftime("%Y-%m-%d %H:%M")
        if r.get("ingested_at") else "",
    } for r in assistant.reports()]
    return pd.DataFrame(rows, columns=["报告 / Report", "段数 / Chunks", "表格 / Tables", "字数 / Characters",
                                       "编码 / Encoding", "索引时间 / Indexed"])


def upload_html(results) -> str:
    # Plain symbols (DejaVu has them): colour emoji fonts are often missing on servers and in headless browsers.
    icons = {"added": ("✓", "ok"), "updated": ("✓", "ok"), "unchanged": ("ℹ", "info"), "refused": ("✗", "error")}
    lines = []
    for r in results:
        icon, kind = icons.get(r.status, ("", "info"))
        lines.append(render.message_html(f"{icon} {r.message}", kind))
    return "<div id='upload-result'>" + "".join(lines) + "</div>"


def reports_tab(assistant: Assistant, settings: Settings) -> gr.Tab:
    with gr.Tab("报告 / Reports", id="reports", elem_id="tab-reports") as tab:
        table = gr.Dataframe(value=reports_frame(assistant), label="已索引报告 / Indexed reports",
                             interactive=False, elem_id="reports-table")
        with gr.Row():
            with gr.Column():
                files = gr.File(label=f"上传报告 / Upload reports (.txt .md .pdf, ≤ {settings.max_upload_mb:g} MB)",
                                file_count="multiple", file_types=[".txt", ".md", ".pdf"], type="filepath",
                                elem_id="upload-files")
                upload_btn = gr.Button("上传并索引 / Upload and index", variant="primary", elem_id="upload-btn")
                result = gr.HTML(elem_id="upload-status")
            with gr.Column():
                choice = gr.Dropdown(choices=[r["report"] for r in assistant.reports()], label="选择报告 / Report",
                                     elem_id="remove-choice")
                remove_btn = gr.Button("删除报告（含文件） / Remove report (and its file)", variant="stop",
                                       elem_id="remove-btn")
                removed = gr.HTML(elem_id="remove-status")

    def ids_update() -> dict:
        return gr.update(choices=[r["report"] for r in assistant.reports()], value=None)

    def upload(paths: list[str] | None, progress=gr.Progress()) -> tuple:
        if not paths:
            return render.message_html("请先选择文件 / choose a file first", "warn"), gr.update(), gr.update(), None
        items = [(Path(p), Path(p).name) for p in paths]

        def on_progress(stage: str, report: str, done: int, total: int) -> None:
            progress((done, total) if total else None, desc=f"{stage} · {report}")

        results = assistant.upload(items, progress=on_progress,
                                 on_file=lambda i, n, name: progress((i, n), desc=f"load · {name}"))
        for r in results:
            if r.status == "refused":
                gr.Warning(r.message)
        return upload_html(results), reports_frame(assistant), ids_update(), None

    def remove(report_id: str | None) -> tuple:
        if not report_id:
            return render.message_html("请选择要删除的报告 / choose a report to remove", "warn"), gr.update(), gr.update()
        n = assistant.remove(report_id, delete_file=True)
        msg = (f"已删除 {report_id}（{n} 段） / removed {report_id} ({n} chunks)" if n
               else f"未找到 {report_id} / {report_id} was not indexed")
        return render.message_html(msg, "ok" if n else "warn"), reports_frame(assistant), ids_update()

    private = {"api_visibility": "private"}
    upload_btn.click(upload, [files], [result, table, choice, files], concurrency_limit=1,
                     concurrency_id="ingest", **private)
    remove_btn.click(remove, [choice], [removed, table, choice], concurrency_limit=1, concurrency_id="ingest",
                     **private)
    tab.select(lambda: (reports_frame(assistant), ids_update()), None, [table, choice], **private)
    return tab


# ---- evals -----------------------------------------------------------------------------------------------


def eval_rows(out_dir: Path) -> pd.DataFrame:
    rows = []
    path = out_dir / "results.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        r = json.loads(line)
        cites = "; ".join(f"[{i}] {render.short_report(c['report'])} “{c['quote'][:40]}”"
                          for i, c in enumerate(r.get("citations", []), start=1))
        rows.append({"结果 / Result": "✓ 通过 pass" if r["scores"]["correct"] else "✗ 未过 fail", "编号 / ID": r["id"],
                     "类型 / Type": r["type"], "问题 / Question": r["question"],
                     "回答 / Answer": ("（拒答 / abstained）" if r["abstained"] else "") + r["answer"][:300],
                     "期望 / Expected": r.get("expected", ""), "引用 / Citations": cites,
                     "错误 / Error": r.get("error") or ""})
    return pd.DataFrame(rows)


def metrics_frame(summary: dict[str, Any]) -> pd.DataFrame:
    from assistant.evals.report import columns, fmt

    groups = {"overall": summary["overall"], **summary["per_type"]}
    keys = columns(summary["overall"])
    return pd.DataFrame([{"类型 / Type": name, **{k: fmt(m.get(k), k) for k in keys}} for name, m in groups.items()])


def _failed(message: str) -> tuple:
    return render.message_html(message, "error"), gr.update(), gr.update(), gr.update()


def evals_tab(assistant: Assistant, qa_path: Path) -> gr.Tab:
    with gr.Tab("评测 / Evals", id="evals", elem_id="tab-evals") as tab:
        gr.Markdown(f"对问答集运行评测（{qa_path.name}）：答案准确率、检索命中、引用有效性、拒答与延迟。 / "
                    f"Run the QA suite ({qa_path.name}): answer accuracy, retrieval hits, citation validity, "
                    "abstention and latency.")
        run_btn = gr.Button("运行评测 / Run evals", variant="primary", elem_id="run-evals")
        status = gr.HTML(elem_id="evals-status")
        metrics = gr.Dataframe(label="指标 / Metrics", interactive=False, elem_id="evals-metrics", visible=False)
        charts = gr.Gallery(label="各题型图表 / Chart per question type", columns=3, height="auto",
                            object_fit="contain", elem_id="evals-charts", visible=False)
        per_item = gr.Dataframe(label="逐题结果 / Per question", interactive=False, wrap=True, max_height=600,
                                elem_id="evals-items", visible=False,
                                column_widths=["8%", "7%", "8%", "17%", "28%", "12%", "15%", "5%"])

    def run(progress=gr.Progress()) -> tuple:
        try:
            from assistant.evals import run_eval
        except ImportError as exc:
            return _failed(f"评测模块不可用 / evals not available: {exc}")
        if not qa_path.exists():
            return _failed(f"找不到问答集 / QA file not found: {qa_path}")
        out = Path(tempfile.mkdtemp(prefix="assistant-evals-"))
        t0 = time.perf_counter()
        try:
            summary = run_eval(assistant.ask, assistant.report_text, qa_path, out, k=5, label="hybrid",
                               progress=lambda i, n: progress((i, n), desc="评测中 / evaluating"))
        except Exception as exc:
            log.exception("eval failed")
            return _failed(f"评测失败 / eval failed: {type(exc).__name__}: {exc}")
        charts_ = [(str(p), p.stem) for p in sorted((out / "charts").glob("*.png"), key=lambda p: p.stem != "overall")]
        n = summary["overall"].get("n", 0)
        msg = (f"完成 {n} 题，用时 {time.perf_counter() - t0:.1f} 秒，错误 {summary.get('errors', 0)} / "
               f"done: {n} questions in {time.perf_counter() - t0:.1f} s, {summary.get('errors', 0)} errors · {out}")
        return (render.message_html(msg, "ok"), gr.update(value=metrics_frame(summary), visible=True),
                gr.update(value=charts_, visible=True), gr.update(value=eval_rows(out), visible=True))

    run_btn.click(run, None, [status, metrics, charts, per_item], concurrency_limit=1, concurrency_id="evals",
                  api_visibility="private")
    return tab


# ---- API -------------------------------------------------------------------------------------------------


def api_endpoint(assistant: Assistant) -> None:
    def ask(question: str) -> dict:
        """Ask a question; returns the Answer as JSON, the same object as `assistant ask --json`."""
        try:
            return assistant.ask(question).model_dump(mode="json")
        except QuestionError as exc:
            return {"error": str(exc)}

    gr.api(ask, api_name="ask")


# ---- app and server --------------------------------------------------------------------------------------


def build_app(assistant: Assistant, settings: Settings | None = None, qa_path: Path | None = None) -> gr.Blocks:
    """The Blocks app over `assistant`. Launch it with `serve`, or with `launch_kwargs()` for the same look."""
    settings = settings or assistant.settings
    with gr.Blocks(title=TITLE, fill_width=True) as demo:
        gr.Markdown(f"## {TITLE}\n离线问答，答案均附原文引用 · Offline answers, each cited verbatim from the reports")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("问答 / Chat", id="chat", elem_id="tab-chat"):
                chat_tab(assistant)
            targets_tab(assistant)
            reports_tab(assistant, settings)
            evals_tab(assistant, Path(qa_path or DEFAULT_QA))
        api_endpoint(assistant)
    return demo


def launch_kwargs(settings: Settings) -> dict[str, Any]:
    """Launch options besides host, port and auth: styling, upload cap (our own check gives the message)."""
    return {"css": CSS, "ssr_mode": False, "share": False, "show_error": True, "quiet": True,
            "max_file_size": int(settings.max_upload_mb * 1024 * 1024) + 1024 * 1024}


def ensure_index_in_terminal(assistant: Assistant) -> None:
    """Build the index on first use, with a progress bar in the terminal."""
    if assistant.reports():
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    console.print(f"首次使用：正在建立索引 / first use: building the index from {assistant.settings.corpus_dir}")
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as bar:
        task = bar.add_task("index", total=None)

        def step(stage: str, report: str, done: int, total: int) -> None:
            bar.update(task, description=f"{stage:>6} {report[:48]}", completed=done, total=total or None)

        summary = assistant.ensure_index(progress=step)
    if summary is not None:
        console.print(f"索引完成 / indexed: {len(summary.added)} added, {summary.chunks} chunks, "
                      f"{summary.seconds:.1f} s" + (f", failed: {summary.failed}" if summary.failed else ""))


def _warm_up(assistant: Assistant) -> None:
    """Load the embedder, tokeniser and target table now, so the first question is as fast as the rest."""
    try:
        assistant.search("算力 warm-up")
        assistant.targets()
    except Exception:  # a warm-up failure must not stop the server; the first question will show the error
        log.exception("warm-up failed")


def _process_age() -> float | None:
    """Seconds since this process started (Linux), so the startup line can include the import time."""
    try:
        with open("/proc/self/stat") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def serve(host: str = "127.0.0.1", port: int = 7860, auth: str | tuple[str, str] | None = None, *,
          assistant: Assistant | None = None, settings: Settings | None = None, block: bool = True,
          qa_path: Path | None = None) -> gr.Blocks:
    """Start the app. Refuses (UnsafeBindError) a non-loopback host without auth (argument or ASSISTANT_AUTH).

    block=False returns the running app (call .close() to stop it), as tests do.
    """
    t0 = time.perf_counter()
    settings = settings or (assistant.settings if assistant is not None else Settings())
    credentials = check_bind(host, auth if auth else (settings.auth or None))  # before anything slow
    assistant = assistant or Assistant(settings)
    ensure_index_in_terminal(assistant)
    t_index = time.perf_counter()
    _warm_up(assistant)
    t_warm = time.perf_counter()
    demo = build_app(assistant, settings, qa_path)
    demo.queue(default_concurrency_limit=CONCURRENCY)
    demo.launch(server_name=host, server_port=port, auth=credentials, prevent_thread_lock=True,
                auth_message="研报助手：请登录 / Report Assistant: please sign in", **launch_kwargs(settings))
    now = time.perf_counter()
    url = demo.local_url or f"http://{host}:{port}/"
    since_start = _process_age()
    print(f"{TITLE} 已就绪 / ready: {url} — serve {now - t0:.1f} s (index {t_index - t0:.1f} s, warm-up "
          f"{t_warm - t_index:.1f} s, app {now - t_warm:.1f} s)"
          + (f", {since_start:.1f} s since the process started" if since_start is not None else ""), flush=True)
    if block:
        try:
            demo.block_thread()
        finally:
            demo.close()
    return demo


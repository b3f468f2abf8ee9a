"""评测 / Evals tab: run a QA file against the assistant; metrics per question type, charts, every question."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.facade import Assistant
from assistant.ui import render, scratch

log = logging.getLogger(__name__)

# Readable headers for the metric keys (the keys stay as they are in summary.json and the CLI report).
METRIC_LABELS = {
    "n": "题数 / n",
    "answer_accuracy": "准确率 / accuracy",
    "hit@1": "首位命中 / hit@1",
    "mrr": "MRR",
    "citation_validity": "引用有效 / citations valid",
    "citation_support": "引用支持 / citations support",
    "abstention_precision": "拒答精确率 / abstain P",
    "abstention_recall": "拒答召回率 / abstain R",
    "direct_rate": "直接作答 / direct answer",
    "direct_precision": "直接作答准确 / direct P",
    "latency_p50_ms": "延迟中位 / p50 ms",
    "latency_p95_ms": "延迟 P95 / p95 ms",
}
TYPE_LABELS = {
    "overall": "全部 / overall", "fact": "事实 / fact", "numeric": "数值 / numeric",
    "table_total": "表格合计 / table total", "unanswerable": "无法回答 / unanswerable", "english": "英文 / English",
    "cross_report": "跨报告 / cross-report", "report_meta": "报告信息 / report meta",
    "paraphrase": "改写 / paraphrase", "followup": "追问 / follow-up",
}


def metric_label(key: str) -> str:
    if key in METRIC_LABELS:
        return METRIC_LABELS[key]
    if key.startswith("hit@"):
        return f"前{key[4:]}命中 / {key}"
    return key


def eval_rows(out_dir: Path) -> pd.DataFrame:
    rows = []
    path = out_dir / "results.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        r = json.loads(line)
        cites = "; ".join(f"[{i}] {render.short_report(c['report'])} “{c['quote'][:40]}”"
                          for i, c in enumerate(r.get("citations", []), start=1))
        rows.append({"结果 / Result": "✓ 通过 pass" if r["scores"]["correct"] else "✗ 未过 fail", "编号 / ID": r["id"],
                     "类型 / Type": TYPE_LABELS.get(r["type"], r["type"]), "问题 / Question": r["question"],
                     "回答 / Answer": ("（拒答 / abstained）" if r["abstained"] else "") + r["answer"][:300],
                     "期望 / Expected": r.get("expected", ""), "引用 / Citations": cites,
                     "错误 / Error": r.get("error") or ""})
    return pd.DataFrame(rows)


def metrics_frame(summary: dict[str, Any]) -> pd.DataFrame:
    from assistant.evals.report import columns, fmt

    groups = {"overall": summary["overall"], **summary["per_type"]}
    keys = columns(summary["overall"])
    return pd.DataFrame([{"类型 / Type": TYPE_LABELS.get(name, name),
                          **{metric_label(k): fmt(m.get(k), k) for k in keys}} for name, m in groups.items()])


def _failed(message: str) -> tuple:
    return render.message_html(message, "error"), gr.update(), gr.update(), gr.update()


def evals_tab(assistant: Assistant, qa_path: Path) -> gr.Tab:
    with gr.Tab("评测 / Evals", id="evals", elem_id="tab-evals") as tab:
        gr.Markdown(f"对问答集运行评测（{qa_path.name}）：答案准确率、检索命中、引用有效性、拒答与延迟。 / "
                    f"Run the QA suite ({qa_path.name}): answer accuracy, retrieval hits, citation validity, "
                    "abstention and latency.")
        run_btn = gr.Button("运行评测 / Run evals", variant="primary", elem_id="run-evals", elem_classes="nowrap-btn")
        status = gr.HTML(elem_id="evals-status")
        metrics = gr.Dataframe(label="指标 / Metrics", interactive=False, elem_id="evals-metrics", visible=False,
                               wrap=True)
        charts = gr.Gallery(label="各题型图表 / Chart per question type", columns=3, height="auto",
                            object_fit="contain", elem_id="evals-charts", visible=False)
        per_item = gr.Dataframe(label="逐题结果 / Per question", interactive=False, wrap=True, max_height=600,
                                elem_id="evals-items", visible=False,
                                column_widths=["8%", "7%", "9%", "17%", "27%", "12%", "15%", "5%"])

    def run(progress=gr.Progress()) -> tuple:
        try:
            from assistant.evals import run_eval
        except ImportError as exc:
            return _failed(f"评测模块不可用 / evals not available: {exc}")
        if not qa_path.exists():
            return _failed(f"找不到问答集 / QA file not found: {qa_path.name}")
        out = scratch.new_dir()
        t0 = time.perf_counter()
        try:
            summary = run_eval(assistant.ask, assistant.report_text, qa_path, out, k=5, label="hybrid",
                               progress=lambda i, n: progress((i, n), desc="评测中 / evaluating"))
        except Exception as exc:
            log.exception("eval failed")
            return _failed(f"评测失败 / eval failed: {type(exc).__name__}: {exc}")
        charts_ = [(str(p), TYPE_LABELS.get(p.stem, p.stem))
                   for p in sorted((out / "charts").glob("*.png"), key=lambda p: p.stem != "overall")]
        n, seconds, errors = summary["overall"].get("n", 0), time.perf_counter() - t0, summary.get("errors", 0)
        # the results folder is a temporary one: its path means nothing to a user, so it is not shown
        msg = (f"完成 {n} 题，用时 {seconds:.1f} 秒，错误 {errors} 个 / done: {n} questions in {seconds:.1f} s, "
               f"{errors} errors")
        return (render.message_html(msg, "ok"), gr.update(value=metrics_frame(summary), visible=True),
                gr.update(value=charts_, visible=True), gr.update(value=eval_rows(out), visible=True))

    run_btn.click(run, None, [status, metrics, charts, per_item], concurrency_limit=1, concurrency_id="evals",
                  api_visibility="private")
    return tab

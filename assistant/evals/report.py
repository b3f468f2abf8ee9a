"""report.md and its PNG charts for an evaluation run, and the ablation table across retrievers.

Charts are drawn on a bare `matplotlib.figure.Figure` (Agg canvas, no pyplot), so nothing global
is switched and it is safe to call from the UI's worker threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Source Han Sans SC", "WenQuanYi Zen Hei", "SimHei")

# Metrics on the 0–1 scale, charted as bars; the latencies go in the chart title instead.
RATE_LABELS = {
    "answer_accuracy": "accuracy",
    "hit@1": "hit@1",
    "mrr": "MRR",
    "citation_validity": "cit. valid",
    "citation_support": "cit. support",
    "abstention_precision": "abst. P",
    "abstention_recall": "abst. R",
    "direct_rate": "direct",
    "direct_precision": "direct P",
}


def fmt(value: Any, key: str = "") -> str:
    """A metric for a table cell: None → "—", latencies as whole ms, rates with 3 decimals."""
    if value is None:
        return "—"
    if key == "n" or isinstance(value, bool):
        return str(value)
    if key.endswith("_ms"):
        return f"{value:.0f}"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def rate_keys(metrics: Mapping[str, Any]) -> list[str]:
    """The 0–1 metrics of a metrics dict, in display order (hit@k's k read from its keys)."""
    hit_k = [key for key in metrics if key.startswith("hit@") and key != "hit@1"]
    keys = ["answer_accuracy", "hit@1", *hit_k, "mrr", "citation_validity", "citation_support"]
    return [*keys, "abstention_precision", "abstention_recall", "direct_rate", "direct_precision"]


def columns(metrics: Mapping[str, Any]) -> list[str]:
    """Every metric of a metrics dict, in display order: n, the rates, the latencies."""
    return ["n", *rate_keys(metrics), "latency_p50_ms", "latency_p95_ms"]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"

    return "\n".join([line(header), line(["---"] * len(header)), *(line(r) for r in rows)])


def metrics_table(summary: Mapping[str, Any]) -> str:
    """Markdown table: one row for overall, one per question type."""
    keys = columns(summary["overall"])
    groups = {"overall": summary["overall"], **summary["per_type"]}
    rows = [[name, *(fmt(m.get(key), key) for key in keys)] for name, m in groups.items()]
    return _table(["type", *keys], rows)


@lru_cache(maxsize=1)
def font_family() -> tuple[str, ...]:
    """A CJK-capable font first when one is installed, else matplotlib's default."""
    try:
        from matplotlib import font_manager

        names = {f.name for f in font_manager.fontManager.ttflist}
    except Exception:  # font cache trouble must never break a report
        names = set()
    cjk = [name for name in CJK_FONTS if name in names][:1]
    return (*cjk, "DejaVu Sans")


def draw_chart(metrics: Mapping[str, Any], title: str, path: Path) -> Path:
    """Horizontal bars of the 0–1 metrics; an undefined metric is labelled "—" with no bar."""
    keys = rate_keys(metrics)
    labels = [RATE_LABELS.get(key, key) for key in keys]
    values = [metrics.get(key) for key in keys]
    fig = Figure(figsize=(6.4, 0.42 * len(keys) + 1.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    family = list(font_family())
    ax.barh(range(len(keys)), [v or 0.0 for v in values], color="#4C72B0")
    for i, v in enumerate(values):
        ax.text((v or 0.0) + 0.01, i, fmt(v), va="center", fontsize=9, family=family)
    ax.set_yticks(range(len(keys)), labels, family=family)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    latency = f"p50 {fmt(metrics.get('latency_p50_ms'), '_ms')} ms · p95 {fmt(metrics.get('latency_p95_ms'), '_ms')} ms"
    ax.set_title(f"{title} (n={metrics.get('n', 0)}) — {latency}", family=family, fontsize=10)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def _misses(rows: Sequence[Mapping[str, Any]], limit: int = 80) -> str:
    def cut(text: str) -> str:
        text = " ".join(str(text).split())
        return text if len(text) <= limit else text[: limit - 1] + "…"

    wrong = [r for r in rows if not r["scores"]["correct"]]
    if not wrong:
        return "None — every item was answered correctly."
    def got(r: Mapping[str, Any]) -> str:
        if r.get("error"):
            return cut(f"error: {r['error']}")
        return "(abstained)" if r["abstained"] else cut(r["answer"])

    body = [[r["id"], r["type"], cut(r["question"]), cut(r.get("expected", "")), got(r)] for r in wrong]
    return _table(["id", "type", "question", "expected", "got"], body)


def write_report(summary: Mapping[str, Any], rows: Sequence[Mapping[str, Any]], out_dir: Path) -> Path:
    """Write out_dir/report.md and out_dir/charts/*.png (overall plus one per type)."""
    out_dir = Path(out_dir)
    label = summary.get("label", "")
    charts = [("overall", summary["overall"]), *summary["per_type"].items()]
    images = []
    for name, metrics in charts:
        path = draw_chart(metrics, f"{name} · {label}" if label else name, out_dir / "charts" / f"{name}.png")
        images.append(f"![{name}](charts/{path.name})")
    lines = [
        f"# Evaluation — {label}" if label else "# Evaluation",
        "",
        f"QA file: `{summary.get('qa', '')}` · items: {summary['overall']['n']} · k = {summary.get('k', '')}"
        f" · errors: {summary.get('errors', 0)}",
        "",
        "Undefined metrics (a zero denominator) are shown as —.",
        "",
        "## Metrics",
        "",
        metrics_table(summary),
        "",
        "## Charts",
        "",
        *images,
        "",
        "## Misses",
        "",
        _misses(rows),
        "",
    ]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def comparison_table(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """Markdown table: one row per run (retriever), overall metrics as columns."""
    keys = columns(next(iter(summaries.values()))["overall"])
    rows = [[label, *(fmt(s["overall"].get(key), key) for key in keys)] for label, s in summaries.items()]
    return _table(["retriever", *keys], rows)


def accuracy_by_type_table(summaries: Mapping[str, Mapping[str, Any]]) -> str:
    """Markdown table: answer accuracy per question type (rows) and run (columns)."""
    types: list[str] = []
    for s in summaries.values():
        types += [t for t in s["per_type"] if t not in types]
    rows = [
        [t, *(fmt(s["per_type"].get(t, {}).get("answer_accuracy")) for s in summaries.values())] for t in types
    ]
    return _table(["type", *summaries], rows)


def write_comparison(summaries: Mapping[str, Mapping[str, Any]], out_dir: Path) -> Path:
    """Write out_dir/report.md for an ablation; each run's own report lies in out_dir/<label>/."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Retriever ablation",
        "",
        "## Overall",
        "",
        comparison_table(summaries),
        "",
        "## Answer accuracy by type",
        "",
        accuracy_by_type_table(summaries),
        "",
        "## Runs",
        "",
        *(f"- [{label}]({label}/report.md)" for label in summaries),
        "",
    ]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

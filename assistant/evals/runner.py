"""Run the QA set against an assistant and write results.jsonl, summary.json and report.md.

No printing here: the CLI and the UI both call `run_eval`/`compare` and render the returned data.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError

from assistant.evals.report import write_comparison, write_report
from assistant.evals.scoring import QAItem, ReportText, metric_keys, score_item, summarize_by_type
from assistant.core.models import Answer

AskFn = Callable[[str, list[str] | None], Answer]
Progress = Callable[[int, int], None]


class EvalTarget(Protocol):
    """What `compare` needs from an assistant (the CLI's get_assistant(retriever=…) returns one)."""

    def ask(self, question: str, history: list[str] | None = None) -> Answer: ...

    def report_text(self, report_id: str) -> str: ...


def load_qa(path: str | Path) -> list[QAItem]:
    """Parse a QA JSONL file (blank lines skipped); errors name the line. Ids must be unique."""
    items: list[QAItem] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(QAItem.model_validate_json(line))
        except ValidationError as exc:
            raise ValueError(f"{path}:{lineno}: {exc}") from exc
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ValueError(f"{path}: duplicate id {item.id!r}")
        seen.add(item.id)
    return items


def _ask(ask: AskFn, item: QAItem) -> tuple[Answer, str | None]:
    """Call ask; an exception becomes an empty, non-abstaining answer (so it scores as wrong)."""
    started = time.perf_counter()
    try:
        return ask(item.question, list(item.history) or None), None
    except Exception as exc:  # one failing question must not sink the whole run
        elapsed = (time.perf_counter() - started) * 1000
        error = f"{type(exc).__name__}: {exc}"
        return Answer(question=item.question, answer="", abstained=False, latency_ms=elapsed, notes=[error]), error


def run_eval(
    ask: AskFn,
    report_text: ReportText,
    qa_path: str | Path,
    out_dir: str | Path,
    k: int = 5,
    label: str = "hybrid",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Ask every QA item, score it, write out_dir/{results.jsonl,summary.json,report.md,charts/}.

    Returns the summary: {"label", "qa", "k", "errors", "overall": metrics, "per_type": {type: metrics}}.
    """
    items = load_qa(qa_path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cache: dict[str, str | None] = {}
    rows: list[dict[str, Any]] = []
    with (out / "results.jsonl").open("w", encoding="utf-8") as fh:
        for i, item in enumerate(items, start=1):
            answer, error = _ask(ask, item)
            row = {
                **answer.model_dump(mode="json"),
                "id": item.id,
                "type": item.type,
                "history": item.history,
                "expected": item.answer,
                "error": error,
                "scores": score_item(item, answer, report_text, k, cache),
            }
            rows.append(row)
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            fh.flush()
            if progress:
                progress(i, len(items))
    summary = {
        "label": label,
        "qa": str(qa_path),
        "k": k,
        "errors": sum(r["error"] is not None for r in rows),
        **summarize_by_type(rows, k),
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    write_report(summary, rows, out)
    return summary


def compare(
    get_target: Callable[[str], EvalTarget],
    labels: Sequence[str],
    qa_path: str | Path,
    out_dir: str | Path,
    k: int = 5,
    progress: Progress | None = None,
) -> dict[str, dict[str, Any]]:
    """Ablation: run_eval once per label (e.g. hybrid, bm25, dense) into out_dir/<label>/,
    then write out_dir/report.md (comparison tables) and out_dir/comparison.json."""
    if not labels:
        raise ValueError("compare needs at least one label")
    n = len(load_qa(qa_path))
    out = Path(out_dir)
    summaries: dict[str, dict[str, Any]] = {}
    for run, label in enumerate(labels):
        target = get_target(label)
        step = (lambda i, _n, base=run * n: progress(base + i, n * len(labels))) if progress else None
        summaries[label] = run_eval(target.ask, target.report_text, qa_path, out / label, k, label, step)
    (out / "comparison.json").write_text(json.dumps(summaries, ensure_ascii=False, indent=2), encoding="utf-8")
    write_comparison(summaries, out)
    return summaries


# ---- bounds -------------------------------------------------------------------------


def parse_bounds(bounds: Sequence[str], k: int = 5) -> list[tuple[str, str, float]]:
    """Parse "METRIC=VALUE" or "TYPE.METRIC=VALUE" into (type or "overall", metric, value).

    Raises ValueError on a malformed bound or an unknown metric.
    """
    known = set(metric_keys(k)) - {"n"}
    parsed = []
    for bound in bounds:
        key, sep, value = bound.partition("=")
        group, dot, metric = key.strip().rpartition(".")
        metric = metric.strip()
        if not sep or metric not in known:
            raise ValueError(f"bad bound {bound!r}: expected METRIC=VALUE with METRIC one of {sorted(known)}")
        try:
            parsed.append((group.strip() if dot else "overall", metric, float(value)))
        except ValueError:
            raise ValueError(f"bad bound {bound!r}: {value!r} is not a number") from None
    return parsed


def fail_under(summary: Mapping[str, Any], bounds: Sequence[str]) -> list[str]:
    """The bounds the summary misses, as messages. Rates must reach VALUE; latencies (*_ms) must
    not exceed it. An undefined (None) metric, or a type absent from the run, misses its bound."""
    violated = []
    for group, metric, limit in parse_bounds(bounds, summary.get("k", 5)):
        metrics = summary["overall"] if group == "overall" else summary["per_type"].get(group, {})
        value = metrics.get(metric)
        name = metric if group == "overall" else f"{group}.{metric}"
        if value is None:
            violated.append(f"{name} is undefined (bound {limit:g})")
        elif metric.endswith("_ms") and value > limit:
            violated.append(f"{name} = {value:.0f} > {limit:g}")
        elif not metric.endswith("_ms") and value < limit:
            violated.append(f"{name} = {value:.3f} < {limit:g}")
    return violated

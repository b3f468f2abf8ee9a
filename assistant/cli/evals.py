"""`assistant eval`: run the QA set, print the summary, fail on missed bounds.

    assistant eval                                   # hybrid retriever, evals/qa.jsonl → evals/results/
    assistant eval -r hybrid -r bm25 -r dense        # ablation: one run per retriever + comparison
    assistant eval --fail-under answer_accuracy=0.7 --fail-under latency_p95_ms=5000
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from assistant.core.settings import PROJECT_ROOT, RetrieverKind

DEFAULT_QA = PROJECT_ROOT / "evals" / "qa.jsonl"
DEFAULT_OUT = PROJECT_ROOT / "evals" / "results"


SHORT = {
    "answer_accuracy": "accuracy",
    "citation_validity": "cit. valid",
    "citation_support": "cit. support",
    "abstention_precision": "abst. P",
    "abstention_recall": "abst. R",
    "direct_rate": "direct",
    "direct_precision": "direct P",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
}


def _table(title: str, groups: Mapping[str, Mapping[str, Any]]) -> Table:
    """Metrics as rows, groups (overall and types, or retrievers) as columns: fits 80 columns."""
    from assistant.evals.report import columns, fmt

    table = Table(title=title or None, box=box.SIMPLE_HEAD, padding=(0, 1), title_justify="left")
    table.add_column("metric", no_wrap=True)
    for name in groups:
        table.add_column(name, justify="right", overflow="fold")
    for key in columns(next(iter(groups.values()))):
        table.add_row(SHORT.get(key, key), *(fmt(m.get(key), key) for m in groups.values()))
    return table


def summary_table(summary: Mapping[str, Any], title: str = "") -> Table:
    """One run: overall and each question type."""
    return _table(title, {"overall": summary["overall"], **summary["per_type"]})


def comparison_table(summaries: Mapping[str, Mapping[str, Any]]) -> Table:
    """An ablation: the overall metrics of each retriever."""
    return _table("Retriever ablation (overall)", {label: s["overall"] for label, s in summaries.items()})


def register(app: typer.Typer, get_assistant: Callable[..., Any]) -> None:
    """Add the `eval` command; get_assistant(retriever=RetrieverKind) → object with .ask/.report_text."""

    @app.command("eval")
    def eval_command(
        qa: Annotated[Path, typer.Option("--qa", help="QA set, one JSON object per line.")] = DEFAULT_QA,
        out: Annotated[Path, typer.Option("--out", help="Output folder (one subfolder per retriever when several).")] = DEFAULT_OUT,
        k: Annotated[int, typer.Option("-k", "--k", min=1, help="Cut-off for hit@k and MRR.")] = 5,
        retriever: Annotated[
            list[RetrieverKind] | None,
            typer.Option("--retriever", "-r", help="Repeat for an ablation across retrievers."),
        ] = None,
        reports: Annotated[
            list[Path] | None,
            typer.Option("--reports", help="Also index these files/folders before evaluating (e.g. evals/reports); "
                                           "use with --index so the app's index stays as it is."),
        ] = None,
        fail_under: Annotated[
            list[str] | None,
            typer.Option("--fail-under", help="METRIC=VALUE or TYPE.METRIC=VALUE; latencies (*_ms) are upper bounds."),
        ] = None,
    ) -> None:
        """Evaluate answers, retrieval and citations on the QA set; write results.jsonl, summary.json, report.md."""
        from assistant.evals import runner

        console = Console()
        bounds = list(fail_under or [])
        try:
            runner.parse_bounds(bounds, k)
            n = len(runner.load_qa(qa))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc)) from exc
        kinds = list(dict.fromkeys(retriever or [RetrieverKind.HYBRID]))
        if reports:
            summary = get_assistant().ingest(reports)
            if summary.failed:
                raise typer.BadParameter("; ".join(summary.failed.values()))

        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("evaluating", total=n * len(kinds))

            def progress(i: int, total: int) -> None:
                bar.update(task, completed=i, total=total)

            if len(kinds) == 1:
                target = get_assistant(retriever=kinds[0])
                summary = runner.run_eval(target.ask, target.report_text, qa, out, k, kinds[0].value, progress)
                summaries = {kinds[0].value: summary}
            else:
                summaries = runner.compare(
                    lambda label: get_assistant(retriever=RetrieverKind(label)),
                    [kind.value for kind in kinds], qa, out, k, progress,
                )  # fmt: skip

        for label, summary in summaries.items():
            console.print(summary_table(summary, title=f"{label} · k={k}"))
        if len(summaries) > 1:
            console.print(comparison_table(summaries))
        console.print(f"report: {out / 'report.md'}")

        missed = [f"{label}: {msg}" for label, s in summaries.items() for msg in runner.fail_under(s, bounds)]
        for msg in missed:
            console.print(f"[red]FAIL[/red] {msg}")
        if missed:
            raise typer.Exit(1)

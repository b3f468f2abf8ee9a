"""Evaluation harness: QA set → per-item scores → summary.json, results.jsonl, report.md.

    from assistant.evals import run_eval
    summary = run_eval(assistant.ask, assistant.report_text, "evals/qa.jsonl", "evals/results/hybrid")
"""

from assistant.evals.runner import compare, fail_under, load_qa, parse_bounds, run_eval
from assistant.evals.scoring import QA_TYPES, QAItem, normalize, score_item, summarize

__all__ = [
    "QA_TYPES",
    "QAItem",
    "compare",
    "fail_under",
    "load_qa",
    "normalize",
    "parse_bounds",
    "run_eval",
    "score_item",
    "summarize",
]

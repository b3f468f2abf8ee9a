"""run_eval / compare / fail_under / the `eval` command, driven by a small deterministic fake assistant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli.evals import register
from assistant.evals.runner import compare, fail_under, load_qa, parse_bounds, run_eval
from assistant.core.models import Answer, Citation, RetrievedPassage

REPORT = "demo.txt"
TEXT = (
    "图 3：各地智算规划\n"
    "北京\t2024年4月\t2025年45EFlops\n"
    "上海\t2024年3月\t2025年30EFlops\n"
    "风险提示：测算误差风险。\n"
)

QA = [
    {"id": "f1", "question": "北京的规划？", "lang": "zh", "type": "fact", "answer": "45",
     "must_contain": ["45"], "gold_passages": ["2025年45EFlops"], "report": REPORT},
    {"id": "f2", "question": "风险？", "lang": "zh", "type": "fact", "answer": "测算误差",
     "must_contain": ["测算误差"], "gold_passages": ["测算误差风险"], "report": REPORT},
    {"id": "n1", "question": "上海的规划？", "lang": "zh", "type": "numeric", "answer": "30",
     "must_contain": ["30"], "gold_passages": ["2025年30EFlops"], "report": REPORT},
    {"id": "fu1", "question": "那上海呢？", "lang": "zh", "type": "followup", "answer": "30",
     "must_contain": ["30"], "gold_passages": ["2025年30EFlops"], "report": REPORT, "history": ["北京的规划？"]},
    {"id": "u1", "question": "浙江的规划？", "lang": "zh", "type": "unanswerable", "answer": "未提及",
     "must_contain": [], "gold_passages": [], "report": REPORT},
    {"id": "u2", "question": "西藏的规划？", "lang": "zh", "type": "unanswerable", "answer": "未提及",
     "must_contain": [], "gold_passages": [], "report": REPORT},
    {"id": "e1", "question": "boom", "lang": "en", "type": "english", "answer": "x",
     "must_contain": ["x"], "gold_passages": ["2025年45EFlops"], "report": REPORT},
]  # fmt: skip


def passage(text: str) -> RetrievedPassage:
    start = TEXT.index(text)
    return RetrievedPassage(chunk_id=f"c{start}", report=REPORT, text=text, score=1.0, start=start, end=start + len(text))


def citation(quote: str, shift: int = 0) -> Citation:
    start = TEXT.index(quote) + shift
    return Citation(id=f"c:{start}", report=REPORT, start=start, end=start + len(quote), quote=quote)


BEIJING = "北京\t2024年4月\t2025年45EFlops"
SHANGHAI = "上海\t2024年3月\t2025年30EFlops"
RISK = "风险提示：测算误差风险。"


def fake_ask(question: str, history: list[str] | None = None) -> Answer:
    """Deterministic stand-in: f1 right (hit@1, valid cite); f2 abstains wrongly (hit@2);
    n1 right with a cite at wrong offsets; fu1 right only when history is passed; u1 abstains;
    u2 answers anyway; "boom" raises."""
    if question == "boom":
        raise RuntimeError("boom")
    if question == "北京的规划？":
        return Answer(question=question, answer="北京 ４５ EFlops", abstained=False, latency_ms=10,
                      citations=[citation("2025年45EFlops")], retrieved=[passage(BEIJING), passage(SHANGHAI)])
    if question == "风险？":
        return Answer(question=question, answer="无法回答", abstained=True, latency_ms=20,
                      retrieved=[passage(BEIJING), passage(RISK)])
    if question == "上海的规划？":
        return Answer(question=question, answer="上海 30 EFlops", abstained=False, latency_ms=30,
                      citations=[citation("2025年30EFlops", shift=1)], retrieved=[passage(SHANGHAI)])
    if question == "那上海呢？":
        ok = history == ["北京的规划？"]
        return Answer(question=question, answer="30 EFlops" if ok else "?", abstained=False, latency_ms=40,
                      citations=[citation(SHANGHAI)], retrieved=[passage(RISK)])
    if question == "浙江的规划？":
        return Answer(question=question, answer="报告未提及", abstained=True, latency_ms=50)
    return Answer(question=question, answer="大约 5 EFlops", abstained=False, latency_ms=60,
                  citations=[citation(RISK)])  # fmt: skip


@pytest.fixture()
def qa_file(tmp_path: Path) -> Path:
    path = tmp_path / "qa.jsonl"
    path.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in QA) + "\n\n", encoding="utf-8")
    return path


def report_text(report_id: str) -> str:
    if report_id != REPORT:
        raise KeyError(report_id)
    return TEXT


def strict_json(text: str):
    def reject(constant: str):
        raise ValueError(f"non-JSON constant {constant}")

    return json.loads(text, parse_constant=reject)


def test_run_eval_writes_consistent_outputs(qa_file: Path, tmp_path: Path):
    out = tmp_path / "out"
    calls: list[tuple[int, int]] = []
    summary = run_eval(fake_ask, report_text, qa_file, out, k=5, label="fake", progress=lambda i, n: calls.append((i, n)))

    assert calls == [(i, len(QA)) for i in range(1, len(QA) + 1)]
    assert strict_json((out / "summary.json").read_text(encoding="utf-8")) == summary
    rows = [strict_json(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [d["id"] for d in QA]
    for row in rows:  # each row is a full Answer plus id, type and scores
        Answer.model_validate({k: v for k, v in row.items() if k in Answer.model_fields})
        assert {"id", "type", "scores"} <= row.keys()

    overall, per_type = summary["overall"], summary["per_type"]
    assert overall["n"] == len(QA) == sum(m["n"] for m in per_type.values())
    assert set(per_type) == {d["type"] for d in QA}
    assert summary["errors"] == 1 and rows[-1]["error"].startswith("RuntimeError")

    # Recompute from results.jsonl, independently of the scoring module.
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    abstained = [r for r in rows if r["abstained"]]
    assert overall["answer_accuracy"] == pytest.approx(sum(r["scores"]["correct"] for r in rows) / len(rows))
    assert overall["abstention_precision"] == pytest.approx(
        sum(r["type"] == "unanswerable" for r in abstained) / len(abstained)
    )
    cites = [c for r in rows for c in r["citations"]]
    valid = [c for c in cites if TEXT[c["start"] : c["end"]] == c["quote"]]
    assert overall["citation_validity"] == pytest.approx(len(valid) / len(cites))
    ranks = [r["scores"]["first_hit_rank"] for r in answerable]
    assert overall["mrr"] == pytest.approx(sum(1 / x for x in ranks if x) / len(ranks))

    # …and against what the fake was designed to do.
    assert overall["answer_accuracy"] == pytest.approx(4 / 7)  # f1, n1, fu1, u1
    assert overall["hit@1"] == pytest.approx(2 / 5)  # f1, n1 (f2 at rank 2, fu1 and e1 miss)
    assert overall["hit@5"] == pytest.approx(3 / 5)
    assert overall["mrr"] == pytest.approx((1 + 0.5 + 1) / 5)
    assert overall["citation_validity"] == pytest.approx(3 / 4)  # n1's offsets are off by one
    assert overall["citation_support"] == pytest.approx(3 / 5)  # f1, n1 (by quote), fu1
    assert overall["abstention_precision"] == 0.5 and overall["abstention_recall"] == 0.5
    assert overall["latency_p50_ms"] == pytest.approx(30.0)  # the failed call took ~0 ms
    assert per_type["unanswerable"]["hit@1"] is None and per_type["unanswerable"]["answer_accuracy"] == 0.5
    assert per_type["fact"]["abstention_recall"] is None and per_type["fact"]["abstention_precision"] == 0.0

    report = (out / "report.md").read_text(encoding="utf-8")
    assert "—" in report and "f2" in report  # undefined metrics and the misses section
    for name in ["overall", *per_type]:
        assert f"charts/{name}.png" in report
        assert (out / "charts" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_load_qa_rejects_bad_lines(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**QA[0], "type": "nope"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":1:"):
        load_qa(bad)
    dup = tmp_path / "dup.jsonl"
    dup.write_text((json.dumps(QA[0], ensure_ascii=False) + "\n") * 2, encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate"):
        load_qa(dup)


def test_fail_under(qa_file: Path, tmp_path: Path):
    summary = run_eval(fake_ask, report_text, qa_file, tmp_path / "o", label="fake")
    assert fail_under(summary, ["answer_accuracy=0.5", "hit@5=0.6", "latency_p95_ms=1000"]) == []
    missed = fail_under(summary, ["answer_accuracy=0.9", "latency_p95_ms=10", "fact.abstention_recall=0.1"])
    assert len(missed) == 3
    assert missed[0].startswith("answer_accuracy") and "latency_p95_ms" in missed[1] and "undefined" in missed[2]
    assert parse_bounds(["numeric.mrr=0.5"]) == [("numeric", "mrr", 0.5)]
    for bad in ["accuracy=0.5", "answer_accuracy", "mrr=high"]:
        with pytest.raises(ValueError):
            parse_bounds([bad])


class FakeAssistant:
    def __init__(self, retriever):
        self.retriever = retriever

    def ask(self, question: str, history: list[str] | None = None) -> Answer:
        return fake_ask(question, history)

    def report_text(self, report_id: str) -> str:
        return report_text(report_id)


def test_compare_writes_ablation(qa_file: Path, tmp_path: Path):
    out = tmp_path / "ab"
    calls = []
    summaries = compare(FakeAssistant, ["hybrid", "bm25"], qa_file, out, progress=lambda i, n: calls.append((i, n)))
    assert list(summaries) == ["hybrid", "bm25"]
    assert calls[-1] == (2 * len(QA), 2 * len(QA))
    for label in summaries:
        assert (out / label / "summary.json").exists() and (out / label / "report.md").exists()
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| hybrid |" in report and "| bm25 |" in report
    assert strict_json((out / "comparison.json").read_text(encoding="utf-8")).keys() == {"hybrid", "bm25"}


def make_app() -> tuple[typer.Typer, list]:
    app = typer.Typer()
    built: list = []

    @app.callback()
    def main() -> None:  # keeps `eval` a named sub-command
        pass

    def get_assistant(retriever):
        built.append(retriever)
        return FakeAssistant(retriever)

    register(app, get_assistant)
    return app, built


def test_cli_eval_passes_and_fails_bounds(qa_file: Path, tmp_path: Path):
    app, built = make_app()
    runner = CliRunner()
    ok = runner.invoke(app, ["eval", "--qa", str(qa_file), "--out", str(tmp_path / "c"), "--fail-under", "answer_accuracy=0.5"])
    assert ok.exit_code == 0, ok.output
    assert "accuracy" in ok.output and "0.571" in ok.output
    assert (tmp_path / "c" / "summary.json").exists()
    assert [k.value for k in built] == ["hybrid"]

    bad = runner.invoke(app, ["eval", "--qa", str(qa_file), "--out", str(tmp_path / "d"), "--fail-under", "answer_accuracy=0.9"])
    assert bad.exit_code == 1
    assert "FAIL" in bad.output and "answer_accuracy" in bad.output


def test_cli_eval_ablation_and_bad_bound(qa_file: Path, tmp_path: Path):
    app, built = make_app()
    runner = CliRunner()
    res = runner.invoke(app, ["eval", "--qa", str(qa_file), "--out", str(tmp_path / "e"), "-r", "bm25", "-r", "dense", "-k", "3"])
    assert res.exit_code == 0, res.output
    assert [k.value for k in built] == ["bm25", "dense"]
    assert (tmp_path / "e" / "bm25" / "summary.json").exists() and (tmp_path / "e" / "report.md").exists()
    assert "hit@3" in strict_json((tmp_path / "e" / "dense" / "summary.json").read_text(encoding="utf-8"))["overall"]

    res = runner.invoke(app, ["eval", "--qa", str(qa_file), "--fail-under", "nonsense=1"])
    assert res.exit_code == 2 and not built[2:]

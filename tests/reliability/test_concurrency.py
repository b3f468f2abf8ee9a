"""Questions keep being answered, correctly, while a new report is being ingested in another thread."""

from __future__ import annotations

import threading
import time

from .conftest import GUOLIAN, PROBE_QUESTIONS, ROOT, answer_key, clone, index_state

INCOMING = "zz-incoming-report.txt"


def incoming_text() -> str:
    text = (ROOT / "corpus" / GUOLIAN).read_text(encoding="utf-8")
    head = text[: text.index("\n", 7000)]
    return "并发测试 合成报告\n\n" + head.replace("国联", "并发").replace("山东", "青海").replace("湖南", "云南")


def test_questions_are_answered_while_a_report_is_ingested(built_index, reference, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    before = index_state(assistant)
    path = tmp_path / "incoming" / INCOMING
    path.parent.mkdir()
    path.write_text(incoming_text(), encoding="utf-8")

    ingest_done = threading.Event()
    ingest_result: dict = {}
    errors: list[str] = []
    asked: list[tuple[float, str, tuple]] = []  # (time, question, answer key)

    def ingest() -> None:
        try:
            ingest_result["summary"] = assistant.ingest([path])
        except Exception as exc:  # noqa: BLE001
            errors.append(f"ingest: {type(exc).__name__}: {exc}")
        finally:
            ingest_result["end"] = time.perf_counter()
            ingest_done.set()

    def ask_loop() -> None:
        i = 0
        while not ingest_done.is_set() or i < len(PROBE_QUESTIONS):
            q = PROBE_QUESTIONS[i % len(PROBE_QUESTIONS)]
            i += 1
            try:
                answer = assistant.ask(q)
                for c in answer.citations + answer.related:
                    text = assistant.report_text(c.report)
                    if text is None or text[c.start:c.end] != c.quote:
                        errors.append(f"unverifiable citation {c.id} in the answer to {q!r}")
                asked.append((time.perf_counter(), q, answer_key(answer)))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"ask {q!r}: {type(exc).__name__}: {exc}")
            if i > 500:
                errors.append("the ingest did not finish")
                return

    t0 = time.perf_counter()
    threads = [threading.Thread(target=ingest), threading.Thread(target=ask_loop)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors[:5]
    summary = ingest_result["summary"]
    assert summary.added == [INCOMING] and summary.embedded > 5, summary

    during = [a for a in asked if a[0] < ingest_result["end"]]
    assert len(during) >= 3, f"only {len(during)} answers during a {ingest_result['end'] - t0:.1f} s ingest"
    # Each answer is the one the index gives before the new report or the one it gives after it.
    after = {q: answer_key(assistant.ask(q)) for q in PROBE_QUESTIONS}
    for _, q, key in asked:
        assert key in (reference["answers"][q], after[q]), q
    state = index_state(assistant)
    assert state["generation"] == before["generation"] + 1
    assert state["chunks"] > before["chunks"] and state["vectors"] == state["chunks"]
    assert assistant.search("并发测试 合成报告", k=3)[0].chunk.report == INCOMING


def test_concurrent_askers_share_one_assistant(built_index, reference) -> None:
    # The UI answers several questions at once from worker threads over one Assistant.
    assistant = built_index.assistant
    errors: list[str] = []
    results: list[tuple[str, tuple]] = []

    def worker(offset: int) -> None:
        for j in range(len(PROBE_QUESTIONS)):
            q = PROBE_QUESTIONS[(offset + j) % len(PROBE_QUESTIONS)]
            try:
                results.append((q, answer_key(assistant.ask(q))))
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{q!r}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not errors, errors[:5]
    assert len(results) == 6 * len(PROBE_QUESTIONS)
    for q, key in results:
        assert key == reference["answers"][q], q

"""The optional LLM path against a real OpenAI-compatible server vs the offline answerer, on the same questions.

    # a server (docs: README § LLM; ../shared/notes/local-llm.md builds llama.cpp + Qwen2.5-Coder-1.5B here)
    .venv/bin/assistant --index /tmp/llm-ev ingest corpus evals/reports
    ASSISTANT_LLM_BASE_URL=http://127.0.0.1:8911/v1 ASSISTANT_LLM_MODEL=qwen \\
        .venv/bin/python bench/llm.py --index /tmp/llm-ev --qa evals/test.jsonl --n 36 --timeout 150

Prints, for each path: accuracy (the project's scoring, assistant/evals/), citation validity, degenerate answers
shown, fallback rate by reason, English questions answered in English, latency p50/p95 — and how many answers the
model itself wrote. A model-written answer is the model's sentences with the quotes they cite under them (the
offline answer's shape); its accuracy is also printed counting the model's sentences alone. "English in English"
reads a model-written answer's sentences and any other answer (the offline fallback, a tool's or a report card's)
by its lead line, since the quotes under it stay in the original Chinese; "(whole text)" is the quote-blind count
over the full text, "model-written English" the model's own answers.
A sample of the test split is a measurement; prompts are tuned on the dev sets only (dev, dev2, qa).
The model's raw reply, before any check, is kept in the --out records (llm_raw).

    # the checks alone, again, without a server: each question gets the reply the model gave in an earlier run
    .venv/bin/python bench/llm.py --index /tmp/llm-ev --qa evals/test.jsonl --n 30 --replay bench/results/llm.jsonl

A replay measures a change to the checks and the fallback (align.py, llm.py), not to the prompt or the passages:
a reply written for other passages is checked against the passages given now.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer.llm import degenerate, is_english, model_text  # noqa: E402
from assistant.answer.align import MARKER_RE  # noqa: E402
from assistant.core.models import Answer  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402
from assistant.evals.runner import load_qa  # noqa: E402
from assistant.evals.scoring import answer_correct, citation_valid  # noqa: E402
from assistant.facade import Assistant  # noqa: E402


def sample(items, n: int, seed: int):
    """n items, round-robin over the question types (each type shuffled), so every type and English appear."""
    rng = random.Random(seed)
    by_type = defaultdict(list)
    for item in items:
        by_type[item.type].append(item)
    for group in by_type.values():
        rng.shuffle(group)
    out, types = [], sorted(by_type)
    while len(out) < n and any(by_type.values()):
        for t in types:
            if by_type[t] and len(out) < n:
                out.append(by_type[t].pop())
    return out


def from_model(answer: Answer) -> bool:
    return any(n.startswith("LLM: ") for n in answer.notes)


def shown_degenerate(item, answer: Answer, max_chars: int) -> bool:
    """An answer the model wrote that is degenerate, checked again from the outside: the same rules as the
    answer path, plus every [n] must name one of its citations."""
    if not from_model(answer) or answer.abstained:  # the model's "not found" is an abstention, not an answer
        return False
    markers = [int(m) for m in MARKER_RE.findall(model_text(answer.answer))]
    if not markers or any(not 1 <= m <= len(answer.citations) for m in markers):
        return True
    return degenerate(model_text(answer.answer), item.question, [c.quote for c in answer.citations],
                      max_chars) is not None


def answered_in_english(answer: Answer) -> bool:
    """The answer's own words are English. A model-written answer as a whole (Chinese names and units beside the
    English words are fine, as in `is_english`); an offline, totals-tool or report-card answer by its lead line —
    the quoted lines under it stay in the original Chinese, as the citations must."""
    if from_model(answer):
        return is_english(model_text(answer.answer))
    lead = next((line for line in answer.answer.splitlines() if line.strip()), "")
    return is_english(lead)


class Replay:
    """A chat model that streams back the reply recorded for the question being asked (`current`)."""

    def __init__(self, path: Path):
        self.replies = {}
        for line in path.open(encoding="utf-8"):
            r = json.loads(line)
            self.replies[r["id"]] = r.get("llm_raw", "")
        self.current = ""

    def stream(self, messages):
        from types import SimpleNamespace

        yield SimpleNamespace(content=self.replies.get(self.current, ""))


def pct(values, p):
    import numpy as np

    return float(np.percentile(values, p)) if values else float("nan")


def summarize(rows, path: str, max_chars: int) -> dict:
    answers = [(r["item"], r[path]) for r in rows]
    cits = [c for _, a in answers for c in a.citations]
    en = [(i, a) for i, a in answers if i.lang == "en" and not a.abstained]
    lat = [a.latency_ms / 1000 for _, a in answers]
    return {
        "n": len(answers),
        "accuracy": sum(r[f"{path}_correct"] for r in rows) / len(rows),
        "citation_validity": (sum(r[f"{path}_valid"] for r in rows) / len(cits)) if cits else 1.0,
        "degenerate_shown": sum(shown_degenerate(i, a, max_chars) for i, a in answers),
        "model_written": sum(from_model(a) for _, a in answers),
        "fallbacks": Counter([a.llm_fallback.value for _, a in answers if a.llm_fallback]
                             + ["model abstained" for _, a in answers if a.abstained and from_model(a)]),
        "en_in_en": f"{sum(answered_in_english(a) for _, a in en)}/{len(en)}",
        "en_whole_text": f"{sum(is_english(a.answer) for _, a in en)}/{len(en)}",  # the old, quote-blind measure
        "en_model": f"{sum(from_model(a) and is_english(model_text(a.answer)) for _, a in en)}/{sum(from_model(a) for _, a in en)}",
        "p50_s": pct(lat, 50), "p95_s": pct(lat, 95),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, required=True)
    ap.add_argument("--qa", type=Path, default=ROOT / "evals" / "test.jsonl")
    ap.add_argument("--n", type=int, default=36)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--base-url", default=os.environ.get("ASSISTANT_LLM_BASE_URL", ""))
    ap.add_argument("--model", default=os.environ.get("ASSISTANT_LLM_MODEL", "qwen"))
    ap.add_argument("--timeout", type=float, default=150.0)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--passages", type=int, default=4)
    ap.add_argument("--passage-chars", type=int, default=200)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "llm.jsonl")
    ap.add_argument("--replay", type=Path, help="an earlier --out file: its replies, no server")
    args = ap.parse_args()
    if args.replay:
        args.base_url = args.base_url or "http://replay.invalid/v1"
    if not args.base_url:
        sys.exit("set --base-url or ASSISTANT_LLM_BASE_URL (an OpenAI-compatible server)")

    base = Settings(index_dir=args.index)
    offline = Assistant(base.model_copy(update={"llm_base_url": ""}))
    llm_settings = base.model_copy(update={
        "llm_base_url": args.base_url, "llm_model": args.model, "llm_timeout_s": args.timeout,
        "llm_max_tokens": args.max_tokens, "llm_passages": args.passages, "llm_passage_chars": args.passage_chars})
    llm = Assistant(llm_settings, embedder=offline.index.embedder)
    replay = Replay(args.replay) if args.replay else None
    if replay:
        llm._chat_model = replay
    items = sample(load_qa(args.qa), args.n, args.seed)
    print(f"{len(items)} questions from {args.qa.name}: {dict(Counter(i.type for i in items))}, "
          f"{sum(i.lang == 'en' for i in items)} English", flush=True)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    rows, cache = [], {}
    with args.out.open("w", encoding="utf-8") as out:
        for k, item in enumerate(items, start=1):
            row = {"item": item}
            if replay:
                replay.current = item.id
            raw: list[str] = []  # the model's reply as it came, before any check
            for path, assistant in (("offline", offline), ("llm", llm)):
                t0 = time.perf_counter()
                answer = assistant.ask(item.question, list(item.history) or None, on_token=raw.append)
                answer.latency_ms = (time.perf_counter() - t0) * 1000
                row[path] = answer
                row[f"{path}_correct"] = answer_correct(item, answer)
                # the model's own sentences, the quotes under them not counted: does the lead answer by itself?
                row[f"{path}_lead_correct"] = answer_correct(
                    item, answer.model_copy(update={"answer": model_text(answer.answer)})) if from_model(answer) \
                    else row[f"{path}_correct"]
                row[f"{path}_valid"] = sum(citation_valid(c, offline.report_text, cache) for c in answer.citations)
            rows.append(row)
            a = row["llm"]
            print(f"[{k}/{len(items)}] {item.id} {item.type}/{item.lang} offline={int(row['offline_correct'])} "
                  f"llm={int(row['llm_correct'])} {'MODEL' if from_model(a) else (a.llm_fallback.value if a.llm_fallback else '-')}"
                  f" {a.latency_ms / 1000:.1f}s | {a.answer[:90]!r}", flush=True)
            out.write(json.dumps({"id": item.id, "type": item.type, "lang": item.lang,
                                  "offline": row["offline"].model_dump(mode="json", exclude={"retrieved"}),
                                  "llm": a.model_dump(mode="json", exclude={"retrieved"}),
                                  "offline_correct": row["offline_correct"], "llm_correct": row["llm_correct"],
                                  "llm_lead_correct": row["llm_lead_correct"],
                                  "llm_raw": "".join(raw)},
                                 ensure_ascii=False) + "\n")
            out.flush()

    print(f"\nLLM: {args.model} at {args.base_url}, timeout {args.timeout:g} s, max tokens {args.max_tokens}, "
          f"{args.passages} passages ≤ {args.passage_chars} chars")
    print("| path | n | accuracy | citation validity | degenerate shown | model-written | fallback by reason "
          "| English in English | (whole text) | model-written English | p50 s | p95 s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for path in ("offline", "llm"):
        s = summarize(rows, path, llm_settings.llm_max_answer_chars)
        reasons = ", ".join(f"{r} {c}" for r, c in s["fallbacks"].most_common()) or "—"
        print(f"| {path} | {s['n']} | {s['accuracy']:.3f} | {s['citation_validity']:.2f} | {s['degenerate_shown']} "
              f"| {s['model_written'] if path == 'llm' else '—'} | {reasons if path == 'llm' else '—'} "
              f"| {s['en_in_en']} | {s['en_whole_text']} | {s['en_model'] if path == 'llm' else '—'} "
              f"| {s['p50_s']:.1f} | {s['p95_s']:.1f} |")
    lead = sum(r["llm_lead_correct"] for r in rows) / len(rows)
    print(f"llm accuracy counting only the model's sentences of its answers (not the quotes under them): {lead:.3f}")
    by_type = defaultdict(lambda: [0, 0, 0])
    for r in rows:
        t = by_type[r["item"].type]
        t[0] += 1
        t[1] += r["offline_correct"]
        t[2] += r["llm_correct"]
    print("by type (n, offline, llm): " + "; ".join(f"{t} {v[0]}/{v[1]}/{v[2]}" for t, v in sorted(by_type.items())))


if __name__ == "__main__":
    main()

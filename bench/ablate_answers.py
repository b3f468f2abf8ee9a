"""Ablation of the answer layer's signals: accuracy on a QA split with each one removed in turn.

    .venv/bin/python bench/ablate_answers.py --index /tmp/eval-index --qa evals/test.jsonl

The index must hold corpus/ and evals/reports/ (`assistant --index DIR ingest corpus evals/reports`). Reporting the
test split here is measurement; choosing values is done on dev only (bench/fit_evidence.py).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.answer import analysis, offline  # noqa: E402
from assistant.core.settings import Settings  # noqa: E402
from assistant.evals import run_eval  # noqa: E402
from assistant.facade import Assistant  # noqa: E402

ABLATIONS = {
    "full": [],
    "− report scope (cards)": [lambda a: mock.patch("assistant.facade.analyse", lambda q, cards: analysis.analyse(
        q, cards).model_copy(update={"scope": []}))],
    "− report-card answers": [lambda a: mock.patch.object(a, "_card_answer", lambda *args: None)],
    "− table aggregates": [lambda a: mock.patch.object(a, "_table_total_answer", lambda *args: None)],
    "− boilerplate filter": [lambda a: mock.patch.object(offline, "is_boilerplate", lambda unit: False)],
    "− unit similarity (weight 0, floor 0)": ["evidence_sim_weight=0", "evidence_sim_floor=0"],
    "− similarity floor": ["evidence_sim_floor=0"],
}

def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--qa", default=str(ROOT / "evals" / "dev.jsonl"))
    args = ap.parse_args()
    os.environ["ASSISTANT_INDEX_DIR"] = str(Path(args.index).resolve())
    a = Assistant(Settings())
    base = a.settings
    for name, changes in ABLATIONS.items():
        overrides = dict(c.split("=") for c in changes if isinstance(c, str))
        a.settings = base.model_copy(update={k: float(v) for k, v in overrides.items()})
        patches = [c(a) for c in changes if not isinstance(c, str)]
        for p in patches:
            p.start()
        try:
            with tempfile.TemporaryDirectory() as out:
                s = run_eval(a.ask, a.report_text, args.qa, out)
        finally:
            for p in patches:
                p.stop()
        o = s["overall"]
        print(json.dumps({"ablation": name, "accuracy": round(o["answer_accuracy"], 3),
                          "abst_P": o["abstention_precision"] and round(o["abstention_precision"], 3),
                          "abst_R": o["abstention_recall"] and round(o["abstention_recall"], 3),
                          "per_type": {t: round(m["answer_accuracy"], 2) for t, m in s["per_type"].items()}},
                         ensure_ascii=False), flush=True)

if __name__ == "__main__":
    main()

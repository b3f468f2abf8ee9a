"""Fit the evidence-ranking settings on the DEV split only: accuracy and abstention for a grid of values.

    .venv/bin/python bench/fit_evidence.py --index /tmp/evindex [--qa evals/dev.jsonl]

The index must already hold corpus/ and evals/reports/ (`assistant --index DIR ingest corpus evals/reports`).
Never run this on evals/test.jsonl: the test split is for the figure we report, not for choosing values.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.core.settings import Settings  # noqa: E402
from assistant.evals import run_eval  # noqa: E402
from assistant.facade import Assistant  # noqa: E402

GRID = {
    "evidence_sim_weight": [10.0],
    "evidence_sim_answerable": [2.0, 0.92, 0.925, 0.93],
    "evidence_sim_min_coverage": [0.1, 0.2],
    "evidence_sim_floor": [0.0, 0.91, 0.915],
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--qa", default=str(ROOT / "evals" / "dev.jsonl"))
    args = ap.parse_args()
    if "test" in Path(args.qa).name:
        sys.exit("fit on dev only / 只在 dev 上拟合")
    os.environ["ASSISTANT_INDEX_DIR"] = str(Path(args.index).resolve())
    base = Assistant(Settings())
    rows = []
    for values in itertools.product(*GRID.values()):
        params = dict(zip(GRID, values))
        base.settings = Settings(**params)
        with tempfile.TemporaryDirectory() as out:
            s = run_eval(base.ask, base.report_text, args.qa, out)
        o = s["overall"]
        rows.append((params, o["answer_accuracy"], o["abstention_precision"], o["abstention_recall"],
                     {t: round(m["answer_accuracy"], 2) for t, m in s["per_type"].items()}))
        print(json.dumps({**params, "accuracy": round(o["answer_accuracy"], 3),
                          "abst_P": o["abstention_precision"] and round(o["abstention_precision"], 3),
                          "abst_R": o["abstention_recall"] and round(o["abstention_recall"], 3)}), flush=True)
    best = max(rows, key=lambda r: r[1])
    print("best on dev:", json.dumps(best[0]), round(best[1], 3), best[4])


if __name__ == "__main__":
    main()

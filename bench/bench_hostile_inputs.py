"""Hostile inputs, measured: a 10 MB single-line .md (load + chunk + tokenize) and a PDF flate bomb (refusal time,
and this process's RSS before/after: the inflating happens in a child bounded by RLIMIT_AS).

    PYTHONPATH=. python bench/bench_hostile_inputs.py              # 10 MB line ×3 shapes, 1 GB bomb
    PYTHONPATH=. python bench/bench_hostile_inputs.py --mb 20 --bomb-gb 2

The line shapes: Chinese prose with sentence marks, the same without any, and tab-separated cells (which, as one
"table row", used to become one 10 MB chunk). Chunking must be linear: seconds for 10 MB, not minutes. Timing lives
here, not in a timed test (tests/reliability/test_hostile_corpus.py checks behaviour, not speed).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, loadavg, machine, rss_mb, save

sys.path.insert(0, str(ROOT))

SHAPES = {
    "prose": "北京智算规划2025年45EFlops，上海30EFlops。",
    "no-marks": "北京智算规划2025年45EFlops上海30EFlops",
    "tabs": "北京\t2025年\t45EFlops\t",
}


def long_line(mb: int) -> list[dict]:
    from assistant.core.tokenize import tokenize
    from assistant.ingest.chunk import Chunker
    from assistant.ingest.load import load_report

    out = []
    with tempfile.TemporaryDirectory() as d:
        for shape, unit in SHAPES.items():
            path = Path(d) / f"{shape}.md"
            path.write_text(unit * (mb * 1_000_000 // len(unit.encode()) + 1), encoding="utf-8")
            t0 = time.perf_counter()
            report = load_report(path)
            t1 = time.perf_counter()
            chunks = Chunker(400).run(report)
            t2 = time.perf_counter()
            for c in chunks:
                tokenize(c.embed_text)
            t3 = time.perf_counter()
            row = {"shape": shape, "mb": round(path.stat().st_size / 1e6, 1), "chunks": len(chunks),
                   "longest_chunk": max(len(c.text) for c in chunks), "load_s": round(t1 - t0, 2),
                   "chunk_s": round(t2 - t1, 2), "tokenize_s": round(t3 - t2, 2)}
            print(row, flush=True)
            out.append(row)
    return out


def bomb(gb: int) -> dict:
    from assistant.ingest.load import PDF_MEMORY_MB, LoadError, load_report
    from tests.reliability.pdfs import flate_bomb

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "bomb.pdf"
        path.write_bytes(flate_bomb(gb * 1024))
        rss0 = rss_mb()
        t0 = time.perf_counter()
        try:
            load_report(path)
            message = "accepted (!)"
        except LoadError as exc:
            message = str(exc)
        row = {"file_mb": round(path.stat().st_size / 1e6, 2), "inflated_gb": gb, "limit_mb": PDF_MEMORY_MB,
               "refused_s": round(time.perf_counter() - t0, 1), "rss_before_mb": round(rss0),
               "rss_after_mb": round(rss_mb()), "message": message}
    print(row, flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=10)
    ap.add_argument("--bomb-gb", type=int, default=1)
    args = ap.parse_args()
    result = {"machine": machine(), "load_start": loadavg(), "long_line": long_line(args.mb), "bomb": bomb(args.bomb_gb)}
    save("hostile_inputs", result)


if __name__ == "__main__":
    main()

"""OCR cost and accuracy: seconds per page, peak memory, and how the OCR text compares with the text PDF.

Each source page (a text PDF) is rendered at 300 dpi in greyscale and wrapped as an image-only PDF (a scan);
the loader's PDF parse (`_parse_pdf`, what the ingest's child runs) reads it back by OCR at each resolution asked,
in a fresh process per run so that its peak RSS is its own. The reference is the loader's text of the source PDF.

    .venv/bin/python bench/ocr.py                      # the scanned fixture's page and 瀚海 a_compute_power (A4)
    .venv/bin/python bench/ocr.py --dpi 150 200 --pages evals/reports/qinglan_2024-05_semiconductor-foundry.pdf:1

Printed per run: seconds per OCR'd page, peak RSS, character similarity (difflib ratio, whitespace removed, NFKC),
and the figures (numbers) of the text PDF that the OCR text misses or adds. The load average is printed too:
the machine is shared, and OCR time grows with it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import resource
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCAN_DPI = 300  # what the "scanner" made; OCR renders it at the resolution under test
DEFAULT_PAGES = ["fixture:yunling", f"{ROOT}/tests/fixtures/targets/a_compute_power.pdf:1"]


def source_bytes(spec: str) -> tuple[str, bytes]:
    """'fixture:yunling' or 'path.pdf:N' → (label, a one-page text PDF)."""
    from tests.fixtures import ocr_fixtures as fx

    if spec == "fixture:yunling":
        return "yunling (480×400 pt)", fx.source_pdf()
    path, _, page = spec.rpartition(":")
    import pypdf

    reader, writer = pypdf.PdfReader(path), pypdf.PdfWriter()
    writer.add_page(reader.pages[int(page) - 1])
    out = Path(f"/tmp/bench-ocr-{os.getpid()}.pdf")
    with out.open("wb") as f:
        writer.write(f)
    data = out.read_bytes()
    out.unlink()
    return f"{Path(path).name} p.{page}", data


def run_one(scan: Path, dpi: int) -> None:
    """In the child process: OCR the scan as the loader does, print JSON."""
    from assistant.ingest.load import _parse_pdf
    from assistant.ingest.ocr import OcrOptions

    marks: list[float] = []
    t0 = time.perf_counter()
    text, pages = _parse_pdf(scan.read_bytes(), scan.name, OcrOptions(dpi=dpi), lambda d, n: marks.append(time.perf_counter()))
    seconds = time.perf_counter() - t0
    ocr_pages = sum(1 for p in pages if p.ocr)
    conf = [s.confidence for p in pages for s in p.ocr]
    print(json.dumps({"text": text, "seconds": seconds, "ocr_seconds": marks[-1] - marks[0] if len(marks) > 1 else 0,
                      "ocr_pages": ocr_pages, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "min_conf": min(conf) if conf else None}, ensure_ascii=False))


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def figures(text: str) -> Counter:
    return Counter(re.findall(r"\d+(?:\.\d+)?", unicodedata.normalize("NFKC", text)))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dpi", type=int, nargs="+", default=[100, 150, 200])
    ap.add_argument("--pages", nargs="+", default=DEFAULT_PAGES)
    ap.add_argument("--one", nargs=2, metavar=("SCAN", "DPI"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        run_one(Path(args.one[0]), int(args.one[1]))
        return

    from assistant.ingest.load import _parse_pdf
    from tests.fixtures import ocr_fixtures as fx

    print(f"load average at start: {os.getloadavg()[0]:.1f} (2 cores)")
    print(f"{'page':34} {'dpi':>4} {'s/page':>7} {'peak RSS':>9} {'similarity':>10} {'min conf':>8}  misread figures")
    for spec in args.pages:
        label, pdf = source_bytes(spec)
        reference, _ = _parse_pdf(pdf, label)
        scan = Path(f"/tmp/bench-ocr-scan-{os.getpid()}.pdf")
        from pypdf import PdfReader
        import io

        box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        scan.write_bytes(fx.image_pdf(fx.render_pages(pdf, SCAN_DPI), pagesize=(float(box.width), float(box.height))))
        for dpi in args.dpi:
            out = subprocess.run([sys.executable, __file__, "--one", str(scan), str(dpi)], capture_output=True,
                                 text=True, check=True)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            sim = difflib.SequenceMatcher(None, _norm(reference), _norm(r["text"]), autojunk=False).ratio()
            ref_f, ocr_f = figures(reference), figures(r["text"])
            missed, added = sorted((ref_f - ocr_f).elements()), sorted((ocr_f - ref_f).elements())
            mis = (f"missed {missed} " if missed else "") + (f"added {added}" if added else "") or "none"
            per_page = r["ocr_seconds"] / max(r["ocr_pages"], 1)
            print(f"{label:34} {dpi:>4} {per_page:>7.1f} {r['peak_rss_mb']:>7.0f}MB {sim:>10.4f} "
                  f"{r['min_conf'] or 0:>8.3f}  {mis}", flush=True)
        scan.unlink()
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

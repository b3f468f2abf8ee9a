"""OCR of page images (rapidocr-onnxruntime, models inside the wheel, no network) and their layout as loader items.

The loader calls this in its PDF child process only, for pages without a text layer and for large images
(load.py decides which): the engine's memory goes back to the OS with the child. Results are cached by the
SHA-256 of the rendered pixels in `<index>/ocr/`, so a re-ingest (or an upload checked, then ingested) reads
each image once.

Tables in an image come out as tab-separated rows, the form pdfplumber's tables take in load.py, so the one table
parser (structure.py) reads them: boxes are grouped into rows by their vertical centres, and a run of rows with
two or more boxes is a table whose columns are the box positions of its most common row shape.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

# Rendering resolution, chosen with bench/ocr.py (scans made at 300 dpi; 2 shared cores, load 5–7): at 100 dpi a
# digit of a SAC number was lost (S6610521090001 → …109001, qinglan p.1), at 150 dpi two groups of a phone number
# ran together, at 200 dpi no figure on 5 pages was misread (character similarity to the text PDF .992–1.0).
# Cost at 200 dpi: 13 s for a small page, 49–61 s for a dense A4 page (100 dpi: 11–34 s); child peak RSS ≤ 1 GB.
# Recognition resizes each line to 48 px high, so more pixels than that mostly slow detection.
DEFAULT_DPI = 200
# Address space the engine needs beyond the parser's limit: onnxruntime maps ~1.4 GB (threads, arenas) for an A4
# page at 200 dpi, and under +1.5 GB it aborted. Resident memory stays far lower (bench/ocr.py: peak RSS).
MEMORY_MB = 2560
PAGE_TIMEOUT_S = 180  # one page or image, on 2 busy cores (bench: 10–61 s)
MAX_SIDE_PX = 4000  # a page rendered larger is rendered at a lower resolution (a huge MediaBox is no bomb)
ENGINE = "rapidocr-onnxruntime-1.4.4;cls=0"  # part of the cache key: another engine reads differently


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True
    max_pages: int = 20  # pages and images per file
    dpi: int = DEFAULT_DPI
    cache_dir: Path | None = None  # <index>/ocr; None: no cache

    @classmethod
    def from_settings(cls, settings) -> OcrOptions:
        return cls(enabled=settings.ocr and settings.ocr_max_pages > 0, max_pages=settings.ocr_max_pages,
                   dpi=settings.ocr_dpi, cache_dir=Path(settings.index_dir) / "ocr")


def cap_note(skipped_pages: int, cap: int) -> str:
    """One line (Chinese first) for pages the OCR cap left unread, "" when none: said at ingest and in status."""
    if not skipped_pages:
        return ""
    return (f"{skipped_pages} 页未做 OCR（上限 {cap} 页/图） / {skipped_pages} page(s) not OCR'd "
            f"(cap {cap}: ASSISTANT_OCR_MAX_PAGES, then ingest --rebuild)")


class OcrBox(NamedTuple):
    x0: float  # pixels of the image given to `read_image`
    top: float
    x1: float
    bottom: float
    text: str
    score: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


_engine = None


def _get_engine():
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR  # imported here: ~1 s, and only a scan needs it

        # Our renders are already the size we want: no downscaling (its default caps the long side at 2000 px).
        _engine = RapidOCR(max_side_len=MAX_SIDE_PX, inter_op_num_threads=1, print_verbose=False)
    return _engine


def recognise(image) -> list[OcrBox]:
    """Text boxes of an RGB image (numpy array), top to bottom. Pages are upright: no angle classifier."""
    result, _ = _get_engine()(image, use_cls=False)
    boxes = []
    for points, text, score in result or []:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        if text.strip():
            boxes.append(OcrBox(min(xs), min(ys), max(xs), max(ys), text.strip(), float(score)))
    return boxes


def read_image(image, cache_dir: Path | None = None) -> list[OcrBox]:
    """`recognise`, through the cache keyed by the image's pixels."""
    key = hashlib.sha256(f"{ENGINE};{image.shape}".encode() + image.tobytes()).hexdigest()
    path = cache_dir / f"{key}.json" if cache_dir else None
    if path is not None and path.is_file():
        try:
            return [OcrBox(*b) for b in json.loads(path.read_text(encoding="utf-8"))]
        except (OSError, ValueError, TypeError):
            pass  # a damaged entry is read again
    boxes = recognise(image)
    if path is not None:
        try:  # written whole or not at all; a read-only index just goes without the cache
            path.parent.mkdir(parents=True, exist_ok=True)
            part = path.with_suffix(f".{os.getpid()}.part")
            part.write_text(json.dumps([list(b) for b in boxes], ensure_ascii=False), encoding="utf-8")
            os.replace(part, path)
        except OSError:
            pass
    return boxes


# ---- layout: boxes → text lines and tables ---------------------------------------------------------------


def _glue(a: str, b: str, gap: bool) -> str:
    """Join two pieces of one line or cell: Latin words and numbers keep a space, Chinese joins directly."""
    if not a or not b:
        return a or b
    return f"{a} {b}" if gap and (a[-1].isascii() and b[0].isascii()) else a + b


def rows_of(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    """Boxes grouped into visual rows (vertical centres within half a line height), each sorted left to right."""
    rows: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        row = rows[-1] if rows else None
        if row and abs(box.cy - sum(b.cy for b in row) / len(row)) < 0.5 * min(box.height, min(b.height for b in row)):
            row.append(box)
        else:
            rows.append([box])
    return [sorted(row, key=lambda b: b.x0) for row in rows]


def _columns(rows: list[list[OcrBox]]) -> list[float]:
    """Column boundaries (x) of a table: between the columns of its most common row shape."""
    counts = Counter(len(r) for r in rows if len(r) >= 2)
    n = max(counts, key=lambda k: (counts[k], k))
    modal = [r for r in rows if len(r) == n]
    extents = [(min(r[i].x0 for r in modal), max(r[i].x1 for r in modal)) for i in range(n)]
    bounds = []
    for (a0, a1), (b0, b1) in zip(extents, extents[1:]):
        bounds.append((a1 + b0) / 2 if a1 <= b0 else ((a0 + a1) / 2 + (b0 + b1) / 2) / 2)
    return bounds


def _table_rows(rows: list[list[OcrBox]]) -> list[tuple[list[str], list[OcrBox]]]:
    """Cells of each table row; a row whose first cell is empty and that sits close under the one before is
    the wrapped second line of that row's cells, and is joined to it."""
    bounds = _columns(rows)
    height = sorted(b.height for r in rows for b in r)[len([b for r in rows for b in r]) // 2]
    out: list[tuple[list[str], list[OcrBox]]] = []
    for row in rows:
        cells = [""] * (len(bounds) + 1)
        for box in row:
            col = sum(1 for x in bounds if (box.x0 + box.x1) / 2 > x)
            cells[col] = _glue(cells[col], box.text, True)
        prev = out[-1] if out else None
        if prev and not cells[0] and row[0].top - max(b.bottom for b in prev[1]) < 0.5 * height:
            prev[0][:] = [_glue(p, c, False) for p, c in zip(prev[0], cells)]
            prev[1].extend(row)
        else:
            out.append((cells, list(row)))
    return out


def _wrapped(row: list[OcrBox], above: list[OcrBox], first: list[OcrBox]) -> bool:
    """A lone box just under a table row, right of the table's first column: a cell's wrapped second line."""
    box = row[0]
    return (len(row) == 1 and box.top - max(b.bottom for b in above) < 0.5 * box.height
            and box.x0 > min(b.x0 for b in first) + box.height)


def layout(boxes: list[OcrBox], scale: float = 1.0, dx: float = 0.0, dy: float = 0.0) -> list[dict]:
    """Loader items (load.py `_page_items` form) from OCR boxes: text lines {"text", x0, top, x1, bottom} and
    tables {"table": tab-separated rows, …}, in page points (pixels / scale + the image's offset), each with
    "ocr": its mean recognition score, and "lines": (start, end, box) of each line or table row, the offsets
    into the item's text (a table's rows joined by newlines), the box in page points."""
    rows = rows_of(boxes)
    items: list[dict] = []

    def bbox(bs: list[OcrBox]) -> tuple[float, float, float, float]:
        return (round(dx + min(b.x0 for b in bs) / scale, 1), round(dy + min(b.top for b in bs) / scale, 1),
                round(dx + max(b.x1 for b in bs) / scale, 1), round(dy + max(b.bottom for b in bs) / scale, 1))

    def where(bs: list[OcrBox]) -> dict:
        return {"x0": dx + min(b.x0 for b in bs) / scale, "top": dy + min(b.top for b in bs) / scale,
                "x1": dx + max(b.x1 for b in bs) / scale, "bottom": dy + max(b.bottom for b in bs) / scale,
                "ocr": sum(b.score for b in bs) / len(bs)}

    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and (len(rows[j]) >= 2 or (j > i and _wrapped(rows[j], rows[j - 1], rows[i]))):
            j += 1
        # A run of two or more multi-box rows is a table; a lone one is a line with a gap in it.
        if sum(len(r) >= 2 for r in rows[i:j]) >= 2:
            table = _table_rows(rows[i:j])
            flat = [b for r in rows[i:j] for b in r]
            lines, at = [], 0
            for cells, row_boxes in table:
                n = len("\t".join(cells))
                lines.append((at, at + n, bbox(row_boxes)))
                at += n + 1
            items.append({"table": ["\t".join(cells) for cells, _ in table], **where(flat), "lines": lines})
            i = j
            continue
        row = rows[i]
        text = ""
        for k, box in enumerate(row):
            text = _glue(text, box.text, k > 0 and box.x0 - row[k - 1].x1 > 0.3 * box.height)
        items.append({"text": text, **where(row), "lines": [(0, len(text), bbox(row))]})
        i += 1
    return items

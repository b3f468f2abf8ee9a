"""The page image a quote read by OCR came from: the region of its PDF page, the lines outlined, as a PNG.

OCR keeps each line's (table row's) box with its offsets (`Page.ocr_lines`, written at ingest by load.py), so a
quote's [start, end) maps to boxes; their union, with a margin, is rendered by PDFium — in a child process under
the PDF parser's memory limit and a timeout, like every parse of a PDF (load.py) — and outlined in red.

Only the report's own file is read, and only when it lies inside the corpus and still has the bytes that were
indexed (its SHA-256): otherwise the boxes would point at another page, and nothing is shown.
"""

from __future__ import annotations

import hashlib
import io
import resource
from pathlib import Path

from assistant.core.models import OcrLine, Report
from assistant.ingest.load import PDF_MEMORY_MB, LoadError, _pdf_context, read_regular
from assistant.ingest.ocr import MAX_SIDE_PX

MARGIN_PT = 12.0  # around the lines: enough to see them in place, small enough to stay a region
OUTLINE_PT = 2.0  # the outline sits this far outside the lines' box
RENDER_TIMEOUT_S = 30
BoxPt = tuple[float, float, float, float]  # x0, top, x1, bottom in PDF points from the top-left corner


def quote_lines(report: Report, start: int, end: int) -> tuple[int, list[OcrLine]] | None:
    """The page and the OCR lines of report.text[start:end] (on the page of the first one), or None when no part
    of it was read by OCR with its boxes kept."""
    for page in report.pages:
        lines = [line for line in page.ocr_lines if line.start < end and start < line.end]
        if lines:
            return page.number, lines
    return None


def union(boxes: list[BoxPt]) -> BoxPt:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def quote_image(report: Report, corpus_dir: Path, start: int, end: int, dpi: int = 200) -> bytes | None:
    """PNG of the page region report.text[start:end] was read from by OCR, the lines outlined; None when it was
    not read by OCR (or was before boxes were kept: re-ingest with --rebuild), or when the report's file is
    outside the corpus, gone, or changed since it was indexed."""
    found = quote_lines(report, start, end)
    if found is None:
        return None
    number, lines = found
    path = Path(report.path)
    try:
        if not path.resolve(strict=True).is_relative_to(Path(corpus_dir).resolve()):
            return None
        data = read_regular(path)
    except (OSError, RuntimeError, LoadError):
        return None
    if hashlib.sha256(data).hexdigest() != report.sha256:
        return None
    try:
        return render_region(data, report.id, number, union([line.box for line in lines]), dpi)
    except LoadError:
        return None


def render_region(data: bytes, name: str, number: int, box: BoxPt, dpi: int = 200,
                  margin: float = MARGIN_PT) -> bytes:
    """PNG of page `number` (1-based) of a PDF, cropped to `box` plus `margin` (points), `box` outlined. Rendered
    in a child process (load.py's forkserver) with the parser's address-space limit and RENDER_TIMEOUT_S."""
    receive, send = _pdf_context().Pipe(duplex=False)
    child = _pdf_context().Process(target=_render_child, args=(data, number, box, dpi, margin, send, PDF_MEMORY_MB),
                                   daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(RENDER_TIMEOUT_S):
            child.kill()
            raise LoadError(name, f"页面图像渲染超时（超过 {RENDER_TIMEOUT_S} 秒）",
                            f"rendering the page image took longer than {RENDER_TIMEOUT_S} s")
        try:
            kind, *result = receive.recv()
        except EOFError:
            kind, result = "crashed", []
    finally:
        receive.close()
        child.join(10)
        if child.is_alive():
            child.kill()
    if kind != "ok":
        raise LoadError(name, "页面图像无法渲染", f"the page image cannot be rendered ({kind})")
    return result[0]


def _render_child(data: bytes, number: int, box: BoxPt, dpi: int, margin: float, send, memory_mb: int) -> None:
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (mapped + memory_mb * 2**20,) * 2)
    except (OSError, ValueError):
        pass  # the timeout still bounds the child
    try:
        send.send(("ok", _render(data, number, box, dpi, margin)))
    except MemoryError:
        send.send(("memory",))
    except Exception as exc:  # a page that is not there, a PDFium error: the caller shows no image
        send.send((type(exc).__name__,))
    finally:
        send.close()


def _render(data: bytes, number: int, box: BoxPt, dpi: int, margin: float) -> bytes:
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[number - 1]
        width, height = page.get_size()
        x0, top = max(0.0, box[0] - margin), max(0.0, box[1] - margin)
        x1, bottom = min(width, box[2] + margin), min(height, box[3] + margin)
        scale = min(dpi / 72, MAX_SIDE_PX / max(x1 - x0, bottom - top, 1))
        # PDFium crops (left, bottom, right, top) off the page, in points from each edge
        image = page.render(scale=scale, crop=(x0, height - bottom, width - x1, top)).to_pil().convert("RGB")
    finally:
        doc.close()
    outline = [((box[0] - OUTLINE_PT) - x0) * scale, ((box[1] - OUTLINE_PT) - top) * scale,
               ((box[2] + OUTLINE_PT) - x0) * scale, ((box[3] + OUTLINE_PT) - top) * scale]
    ImageDraw.Draw(image).rectangle(outline, outline=(220, 38, 38), width=max(2, round(scale)))
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=False)
    return buf.getvalue()

"""Load a report file (.txt, .md, .pdf) into a `Report`: decoded text, sha256 of the raw bytes, PDF page offsets.

Every refusal is a `LoadError` with a one-line bilingual message naming the file, fit to show a user as is.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import re
import resource
import sys
import stat
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from assistant.core.models import OcrLine, OcrSpan, Page, Report
from assistant.core.text import CAPTION_RE
from assistant.ingest import ocr as ocr_mod
from assistant.ingest.ocr import OcrOptions

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")

# Share of control / replacement / private-use characters above which decoded "text" is taken for binary junk.
_MAX_JUNK_SHARE = 0.02
# "图 3：…", "图表7：…", "表 1 …": a line like this just above a table is its caption.
_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
# A PDF is parsed in a child process with this much address space beyond the parser's own, and this long: a
# 1 MB file can hold a stream that inflates to gigabytes (a flate bomb took a server from 365 MB to 2.4 GB, and
# 1.4 GB stayed), and a broken page tree can make a parser loop. The child's memory goes back to the OS with it.
PDF_MEMORY_MB = 512
PDF_TIMEOUT_S = 120
# An embedded image at least this share of the page's width and height is read by OCR (an image table, a
# screenshot); smaller ones are logos and icons.
OCR_IMAGE_MIN_WIDTH = 0.3
OCR_IMAGE_MIN_HEIGHT = 0.08
# A page with fewer non-blank characters than this has no text layer worth the name (a scan with a stamped page
# number): it is read by OCR.
OCR_PAGE_MAX_CHARS = 10

# on_ocr(done, total): OCR progress of one file (a page or an image each)
OcrProgress = Callable[[int, int], None]


class LoadError(ValueError):
    """A file that cannot be loaded. str(err) is one line: Chinese first, then English."""

    def __init__(self, name: str, reason_zh: str, reason_en: str):
        self.name, self.reason_zh, self.reason_en = name, reason_zh, reason_en
        message = f"无法读取 {name}：{reason_zh} / cannot read {name}: {reason_en}"
        super().__init__(" ".join(message.split()))  # one line even if the file name holds a newline


def load_report(path: Path, report_id: str | None = None, *, max_bytes: int | None = None,
                ocr: OcrOptions | None = None, on_ocr: OcrProgress | None = None) -> Report:
    """`ocr`: read PDF pages without a text layer and large images by OCR (None: never; a scan is refused)."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(
            name,
            f"不支持的文件类型“{path.suffix or '无扩展名'}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）",
            f"unsupported file type {path.suffix or '(no suffix)'!r} (supported: {', '.join(SUPPORTED_SUFFIXES)})",
        )
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise LoadError(
                name,
                f"文件过大（{_mb(size)}，上限 {_mb(max_bytes)}）",
                f"the file is too large ({_mb(size)}, limit {_mb(max_bytes)})",
            )
        data = read_regular(path)
    except OSError as err:
        raise LoadError(name, f"文件无法打开（{err.strerror or err}）", f"the file cannot be opened ({err.strerror or err})") from err

    if suffix == ".pdf":
        (text, pages), encoding = _pdf_text(data, name, ocr, on_ocr), "pdf"
    else:
        (text, encoding), pages = decode_text(data, name), []
    return Report(
        id=report_id or name,
        path=str(path),
        text=text,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        pages=pages,
    )


def _open_regular(path: Path) -> int:
    """A read descriptor of a regular file; a FIFO, device or socket is refused instead of read.

    O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. The check is on the
    descriptor (fstat), so a file swapped for a FIFO after a path check is caught too.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise LoadError(Path(path).name, "不是普通文件（管道、设备或套接字）", "not a regular file (a FIFO, device or socket)")
    return fd


def read_regular(path: Path) -> bytes:
    with os.fdopen(_open_regular(path), "rb") as f:
        return f.read()


def file_sha256(path: Path) -> str:
    """The fingerprint load_report gives a file (sha256 of its raw bytes), without decoding it."""
    with os.fdopen(_open_regular(path), "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode a text file's bytes exactly; return (text with \\n line endings, encoding used)."""
    if not data.strip():
        raise LoadError(name, "文件为空", "the file is empty")
    text, encoding = _decode(data, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise LoadError(name, "文件为空", "the file is empty")
    junk = sum(1 for ch in text if _is_junk(ch))
    if junk > _MAX_JUNK_SHARE * len(text):
        raise LoadError(name, "文件看起来不是文本（含大量控制字符或乱码）", "the file does not look like text (binary data?)")
    return text, encoding


def _decode(data: bytes, name: str) -> tuple[str, str]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                # utf-8-sig drops its BOM itself; the UTF-16 codecs named by byte order need it sliced off.
                return data[len(bom) if encoding != "utf-8-sig" else 0 :].decode(encoding), encoding
            except UnicodeDecodeError:
                break  # a BOM followed by garbage: let the checks below judge it
    if b"\x00" in data:  # UTF-16 without a BOM is not supported; NULs otherwise mean binary
        raise LoadError(name, "文件看起来不是文本（含 NUL 字节）", "the file does not look like text (it holds NUL bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese reports that are not UTF-8 are almost always GBK/GB18030. Take that when it decodes and the result
    # is mostly GB2312 characters: Big5 or Latin-1 bytes often decode as GB18030 too, but into rare characters.
    try:
        text = data.decode("gb18030")
        if _mostly_gb2312(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        text = None
    from charset_normalizer import from_bytes  # imported here: only needed for the rare non-UTF-8, non-GB file

    best = from_bytes(data).best()
    if best is not None and not best.encoding.startswith(("utf_16", "utf_32")):  # BOM-less UTF-16 guesses are noise
        return str(best), best.encoding
    if text is not None:
        return text, "gb18030"
    raise LoadError(name, "无法识别文件编码（不是 UTF-8、UTF-16 或 GB18030/GBK）", "unknown text encoding (not UTF-8, UTF-16 or GB18030/GBK)")


def _mostly_gb2312(text: str) -> bool:
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return True
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common >= 0.9 * len(wide)


def _is_junk(ch: str) -> bool:
    if ch in "\t\n\f\v":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cn")


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


# ---- PDF ----------------------------------------------------------------------------------------------------


def _pdf_text(data: bytes, name: str, ocr: OcrOptions | None = None,
              on_ocr: OcrProgress | None = None) -> tuple[str, list[Page]]:
    if not data.strip():
        raise LoadError(name, "文件为空", "the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise LoadError(name, "不是 PDF 文件（缺少 %PDF 文件头）", "not a PDF file (no %PDF header)")
    receive, send = _pdf_context().Pipe(duplex=False)
    child = _pdf_context().Process(target=_pdf_child, args=(data, name, send, PDF_MEMORY_MB, ocr), daemon=True)
    child.start()
    send.close()
    try:
        # The parse has PDF_TIMEOUT_S; each OCR job, announced by a progress message, has its own time after that.
        deadline, ocr_started = time.monotonic() + PDF_TIMEOUT_S, False
        while True:
            if not receive.poll(max(0.0, deadline - time.monotonic())):
                child.kill()
                if ocr_started:
                    raise LoadError(name, f"OCR 超时（一页超过 {ocr_mod.PAGE_TIMEOUT_S} 秒）",
                                    f"OCR took longer than {ocr_mod.PAGE_TIMEOUT_S} s for one page")
                raise LoadError(name, f"PDF 解析超时（超过 {PDF_TIMEOUT_S} 秒），文件可能已损坏",
                                f"parsing the PDF took longer than {PDF_TIMEOUT_S} s (a corrupt file?)")
            try:
                kind, *result = receive.recv()
            except EOFError:
                kind, result = "crashed", []
            if kind != "progress":
                break
            ocr_started, deadline = True, time.monotonic() + ocr_mod.PAGE_TIMEOUT_S
            if on_ocr is not None:
                on_ocr(*result)
    finally:
        receive.close()
        child.join(10)
        if child.is_alive():
            child.kill()
    if kind == "ok":
        text, pages = result
        return text, [Page(**p) for p in pages]
    if kind == "error":
        raise LoadError(name, *result)
    if kind == "memory" or child.exitcode == -9:  # -9: the kernel's OOM killer, which RLIMIT_AS should pre-empt
        raise LoadError(name, f"PDF 解压后过大（超过 {PDF_MEMORY_MB} MB 内存上限），可能是压缩炸弹",
                        f"the PDF needs more than {PDF_MEMORY_MB} MB of memory to read (a decompression bomb?)")
    raise LoadError(name, f"PDF 解析进程异常退出（代码 {child.exitcode}），文件可能已损坏",
                    f"the PDF parser crashed (exit code {child.exitcode}; a corrupt file?)")


_context_lock = threading.Lock()
_context = None


def _pdf_context():
    """forkserver: a single-threaded server forks each parser (a fork of a threaded app is unsafe), with
    pdfplumber imported once there — a child costs milliseconds, not an interpreter start."""
    global _context
    with _context_lock:
        if _context is None:
            # The forkserver re-runs the main script by its path; a script fed on stdin ("python - < x.py") has
            # none, so that case forks directly (such a script is no threaded server).
            main_file = getattr(sys.modules.get("__main__"), "__file__", None)
            if main_file is not None and not os.path.exists(main_file):
                _context = multiprocessing.get_context("fork")
            else:
                _context = multiprocessing.get_context("forkserver")
                _context.set_forkserver_preload(["assistant.ingest.load", "pdfplumber"])
        return _context


def _pdf_child(data: bytes, name: str, send, memory_mb: int, ocr: OcrOptions | None = None) -> None:
    """In the child: parse under an address-space limit, send ("ok", text, pages) or ("error", zh, en), after
    ("progress", done, total) before each OCR job. OCR may raise the soft limit to the hard one, which is higher
    by what the OCR engine maps (ocr.MEMORY_MB) — only once the PDF is parsed, and for pixels we rendered."""
    try:
        with open("/proc/self/statm") as f:  # the limit is on top of what the parser already maps
            mapped = int(f.read().split()[0]) * resource.getpagesize()
        soft = mapped + memory_mb * 2**20
        hard = soft + (ocr_mod.MEMORY_MB * 2**20 if ocr is not None and ocr.enabled else 0)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    except (OSError, ValueError):
        pass  # no /proc or no permission: the timeout still bounds the child
    try:
        text, pages = _parse_pdf(data, name, ocr, lambda done, total: send.send(("progress", done, total)))
        send.send(("ok", text, [p.model_dump() for p in pages]))
    except LoadError as err:
        send.send(("error", err.reason_zh, err.reason_en))
    except MemoryError:
        send.send(("memory",))
    finally:
        send.close()


def _parse_pdf(data: bytes, name: str, ocr: OcrOptions | None = None,
               progress: OcrProgress | None = None) -> tuple[str, list[Page]]:
    # Imported here: pdfminer is slow to import and text files never need it.
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError  # also covers PDFPasswordIncorrect

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            page_items = [_page_items(page) for page in pdf.pages]
            images = sum(len(page.images) for page in pdf.pages)
            jobs = _ocr_jobs(pdf.pages) if ocr is not None and ocr.enabled else []
    except MemoryError:
        raise
    except Exception as err:  # pdfminer raises many kinds (PSEOF, PDFSyntaxError, KeyError…) on broken files
        # pdfplumber wraps pdfminer's error in PdfminerException(original).
        cause = err.args[0] if err.args and isinstance(err.args[0], Exception) else err
        if isinstance(cause, MemoryError):
            raise cause from None
        if isinstance(cause, PDFEncryptionError):
            raise LoadError(name, "PDF 已加密", "the PDF is encrypted") from err
        raise LoadError(name, "PDF 已损坏或无法解析", f"the PDF is corrupt or unreadable ({type(cause).__name__})") from err

    ocr_done = _run_ocr(data, jobs[:ocr.max_pages], page_items, ocr, progress) if jobs else 0
    skipped = {i for i, _ in jobs[ocr.max_pages:]} if jobs else set()  # left unread by the cap: said, not silent
    _drop_running_lines(page_items)
    text, pages = "", []
    for number, items in enumerate(page_items, start=1):
        page_text, spans, lines = _assemble(items)
        if page_text and text:
            text += "\n\n"
        base = len(text)
        pages.append(Page(number=number, start=base, end=base + len(page_text),
                          ocr=[OcrSpan(start=base + s, end=base + e, confidence=round(c, 4)) for s, e, c in spans],
                          ocr_lines=[OcrLine(start=base + s, end=base + e, box=box) for s, e, box in lines],
                          ocr_skipped=number - 1 in skipped))
        text += page_text
    if not text.strip():
        # Say which: a scan (pages of images: needs OCR), a PDF whose page tree leads to no page (corrupt),
        # or pages with neither text nor images.
        if not page_items:
            raise LoadError(name, "PDF 已损坏：找不到任何页面", "the PDF is corrupt: no page can be found")
        if images and ocr_done:
            raise LoadError(name, "PDF 中没有可提取的文字：是扫描件（只有图像），OCR 也未识别出文字",
                            "the PDF has no extractable text: it is a scan (pages of images) and OCR found no text in it")
        if images:
            raise LoadError(name, "PDF 中没有可提取的文字：是扫描件（只有图像），而 OCR 已关闭（ASSISTANT_OCR）",
                            "the PDF has no extractable text: it is a scan (pages of images) and OCR is off "
                            "(ASSISTANT_OCR, ASSISTANT_OCR_MAX_PAGES)")
        raise LoadError(name, "PDF 中没有可提取的文字（页面上没有文字也没有图像）",
                        "the PDF has no extractable text (its pages hold neither text nor images)")
    # Fonts without a Unicode map come out as "(cid:123)": the text exists but cannot be read.
    if len("".join(re.findall(r"\(cid:\d+\)", text))) > 0.3 * len(text):
        raise LoadError(name, "PDF 字体缺少 Unicode 映射，文字无法解码", "the PDF's fonts lack a Unicode map; its text cannot be decoded")
    return text, pages


def _ocr_jobs(pages) -> list[tuple[int, tuple[float, float, float, float] | None]]:
    """What to read by OCR: (page index, None) for a page without a text layer, (page index, bbox) for a large
    image with no text over it on a page that has text. Pages with text are never read whole."""
    jobs: list[tuple[int, tuple[float, float, float, float] | None]] = []
    for i, page in enumerate(pages):
        if not page.images:
            continue
        chars = [c for c in page.chars if c["text"].strip()]
        if len(chars) < OCR_PAGE_MAX_CHARS:
            jobs.append((i, None))
            continue
        for im in page.images:
            box = (max(im["x0"], 0.0), max(im["top"], 0.0), min(im["x1"], page.width), min(im["bottom"], page.height))
            if (box[2] - box[0] >= OCR_IMAGE_MIN_WIDTH * page.width
                    and box[3] - box[1] >= OCR_IMAGE_MIN_HEIGHT * page.height
                    and not any(_inside(c, box) for c in chars)):
                jobs.append((i, box))
    return jobs


def _run_ocr(data: bytes, jobs: list, page_items: list[list[dict]], ocr: OcrOptions,
             progress: OcrProgress | None) -> int:
    """Render each job's page (or image region) at ocr.dpi with PDFium, read it, and put its lines and tables
    in the page's items: instead of them for a whole page, beside them for an image."""
    import pypdfium2 as pdfium  # pdfplumber's own renderer

    try:  # the engine maps far more than the parser (ocr.MEMORY_MB); the PDF is parsed by now
        resource.setrlimit(resource.RLIMIT_AS, (resource.getrlimit(resource.RLIMIT_AS)[1],) * 2)
    except (OSError, ValueError):
        pass
    doc = pdfium.PdfDocument(data)
    try:
        for n, (i, box) in enumerate(jobs):
            if progress is not None:
                progress(n, len(jobs))
            page = doc[i]
            width, height = page.get_size()
            scale = min(ocr.dpi / 72, ocr_mod.MAX_SIDE_PX / max(width, height, 1))
            # PDFium crops (left, bottom, right, top) in points; pdfplumber's boxes are (x0, top, x1, bottom).
            crop = (0, 0, 0, 0) if box is None else (box[0], height - box[3], width - box[2], box[1])
            image = page.render(scale=scale, crop=crop).to_numpy()  # BGR, what the engine takes
            boxes = ocr_mod.read_image(image, ocr.cache_dir)
            items = ocr_mod.layout(boxes, scale, box[0] if box else 0.0, box[1] if box else 0.0)
            page_items[i] = items if box is None else sorted(page_items[i] + items, key=lambda item: item["top"])
        if progress is not None:
            progress(len(jobs), len(jobs))
    finally:
        doc.close()
    return len(jobs)


def _page_items(page) -> list[dict]:
    """Text lines and tables of a page, top to bottom. A table is {"table": rows-as-lines, top, bottom}."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]
    # Words inside a table come out once, as the table's tab-separated rows, not also as space-joined lines.
    body = page.filter(lambda obj: not any(_inside(obj, box) for box in boxes)) if boxes else page
    items = [dict(line) for line in body.extract_text_lines(return_chars=False) if line["text"].strip()]
    for table in tables:
        rows = ["\t".join(_cell(cell) for cell in row) for row in table.extract()]
        rows = [row for row in rows if row.strip()]
        if rows:
            items.append({"table": rows, "x0": table.bbox[0], "top": table.bbox[1], "x1": table.bbox[2], "bottom": table.bbox[3]})
    return sorted(items, key=lambda item: item["top"])


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    if "x0" not in obj or "top" not in obj:
        return False
    x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _cell(cell: str | None) -> str:
    lines = (cell or "").replace("\t", " ").split("\n")
    out = ""
    for line in (line.strip() for line in lines):
        out = _join(out, line) if out and line else out or line
    return out


def _join(a: str, b: str) -> str:
    """Undo a wrap: Latin words and numbers get their space back, Chinese characters join directly."""
    return f"{a} {b}" if a[-1].isascii() and b[0].isascii() else a + b


def _drop_running_lines(page_items: list[list[dict]]) -> None:
    """Remove running headers/footers: a first or last line repeated (page numbers aside) on most pages."""
    if len(page_items) < 3:
        return
    key = lambda item: re.sub(r"\d+", "#", "".join(item["text"].split()))  # noqa: E731
    counts: dict[str, int] = {}
    for items in page_items:
        ends = {key(item) for item in (items[:1] + items[-1:]) if "text" in item}
        for k in ends:
            counts[k] = counts.get(k, 0) + 1
    running = {k for k, n in counts.items() if n >= max(3, 0.6 * len(page_items))}
    for items in page_items:
        for item in [it for it in (items[:1] + items[-1:]) if "text" in it and key(it) in running]:
            if item in items:
                items.remove(item)


def _assemble(items: list[dict]) -> tuple[str, list[tuple[int, int, float]], list[tuple[int, int, tuple]]]:
    """Page text: wrapped lines of a paragraph joined, paragraphs and tables separated by blank lines; the
    (start, end, confidence) of each piece read by OCR (items with an "ocr" score), and the (start, end, box) of
    each of its lines (table rows)."""
    lines = [item for item in items if "text" in item]
    left = min((item["x0"] for item in lines), default=0)
    right = max((item["x1"] for item in lines), default=0)
    text, prev, spans, boxes = "", None, [], []
    for item in items:
        if "table" in item:
            # A caption line just above keeps to its table; otherwise the table is a block of its own.
            glue = "\n" if prev and CAPTION_RE.match(prev.get("text", "")) else "\n\n"
            text += (glue if text else "") + "\n".join(item["table"])
        else:
            line = item["text"].strip()
            if prev is None:
                text = line
            else:
                height = prev["bottom"] - prev["top"]
                new_paragraph = (
                    "table" in prev
                    or CAPTION_RE.match(line)
                    or item["top"] - prev["bottom"] > 0.8 * height  # vertical gap
                    or item["x0"] > left + 0.8 * height  # first-line indent or centred line
                )
                if new_paragraph:
                    text += "\n\n" + line
                elif prev["x1"] >= right - 1.5 * height and not CAPTION_RE.match(prev["text"]):
                    text = _join(text, line)  # the previous line ran to the margin: a soft wrap
                else:
                    text += "\n" + line
        if "ocr" in item:
            piece = "\n".join(item["table"]) if "table" in item else item["text"].strip()
            at = len(text) - len(piece)
            spans.append((at, len(text), item["ocr"]))
            boxes += [(at + a, at + b, box) for a, b, box in item.get("lines", ())]
        prev = item
    return text, spans, boxes

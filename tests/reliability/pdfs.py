"""Hostile PDFs, built by hand (a few objects and an xref table): a flate bomb, a page-tree cycle, deep nesting, a
scan (an image and no text). Shared by the tests and bench/bench_pdf_bomb.py."""

from __future__ import annotations

import io
import zlib


def build_pdf(objects: list[bytes]) -> bytes:
    """A PDF whose object n (1-based) is objects[n-1]; object 1 is the catalog."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def flate_bomb(inflated_mb: int = 1024) -> bytes:
    """One page whose content stream inflates to `inflated_mb` MB of spaces (≈1 MB of zlib per GB)."""
    chunk = zlib.compressobj(9)
    parts = [chunk.compress(b" " * (1 << 20)) for _ in range(inflated_mb)]
    parts.append(chunk.flush())
    data = b"".join(parts)
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ])


def page_tree_cycle() -> bytes:
    """The page tree's Kids point back at itself: no page can be reached."""
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 1 >>",
    ])


def deep_nesting(depth: int = 200_000) -> bytes:
    """A page whose resources hold an array nested `depth` deep."""
    return build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /X "
        + b"[" * depth + b"]" * depth + b" >> >>",
        _stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET"),
    ])


def scan(pages: int = 1) -> bytes:
    """What a scanner makes: each page one grey image, no text at all."""
    width = height = 64
    pixels = bytes((x * 4 + y) % 256 for y in range(height) for x in range(width))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        n = len(objects) + 1
        kids.append(b"%d 0 R" % n)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /XObject << /Im0 %d 0 R >> >> >>" % (n + 1, n + 2))
        objects.append(_stream(b"q 500 0 0 700 40 60 cm /Im0 Do Q"))
        objects.append(_stream(pixels, b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                                        b"/BitsPerComponent 8" % (width, height), compress=True))
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + b"] /Count %d >>" % pages
    return build_pdf(objects)

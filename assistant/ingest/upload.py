"""Uploads: a file from the browser → a sanitised name in the corpus → ingested, or refused with nothing changed.

A file is checked (name, suffix, size, and a full load) in a staging folder outside the corpus before it is
moved in; if ingesting it still fails, the corpus is put back as it was (the previous file restored, or the new
one removed). The loader's own `LoadError` message (one bilingual line) is what the user sees.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from assistant.ingest.pipeline import Progress, find_report_files
from assistant.core.models import UploadResult
from assistant.ingest.load import SUPPORTED_SUFFIXES, LoadError, file_sha256, load_report
from assistant.ingest.ocr import OcrOptions
from assistant.ingest.store.faults import IndexReadOnly, StorageError

MAX_STEM_CHARS = 100
_UNSAFE = re.compile(r"[^\w\-.]+")  # \w is Unicode-aware: Chinese names survive

STAGING_PREFIX = "assistant-upload-"
STALE_STAGING_S = 6 * 3600  # an upload is staged for minutes; a folder this old was left by a killed process


def prune_stale_staging(now: float | None = None) -> int:
    """Remove staging folders a killed process left in the temp folder (SIGKILL skips TemporaryDirectory's
    clean-up); returns how many went."""
    now = time.time() if now is None else now
    gone = 0
    for folder in Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > STALE_STAGING_S:
                shutil.rmtree(folder, ignore_errors=True)
                gone += 1
        except OSError:  # another process removed it first
            continue
    return gone


class UploadRefused(ValueError):
    """An upload that is not accepted; str() is one bilingual line, Chinese first."""


def sanitise_name(original: str) -> str:
    """A safe file name for the corpus: base name only, no path, no leading dots, [\\w.-] only, allowed suffix."""
    base = unicodedata.normalize("NFKC", str(original)).replace("\\", "/").split("/")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = "." + suffix.lower() if suffix else ""
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRefused(
            f"不支持的文件类型“{suffix or '无扩展名'}”（支持 {'、'.join(SUPPORTED_SUFFIXES)}）：{base or '?'} / "
            f"unsupported file type {suffix or '(no suffix)'!r} (supported: {', '.join(SUPPORTED_SUFFIXES)}): {base or '?'}"
        )
    stem = _UNSAFE.sub("_", stem)
    stem = re.sub(r"_+", "_", stem).strip("._-")[:MAX_STEM_CHARS].strip("._-")
    return f"{stem or 'report'}{suffix}"


def _base_name(original: str) -> str:
    return str(original).replace("\\", "/").split("/")[-1]


def _identical_in_corpus(corpus: Path, digest: str, size: int) -> Path | None:
    for f in find_report_files([corpus]):
        try:
            if f.stat().st_size == size and file_sha256(f) == digest:
                return f
        except OSError:
            continue
    return None


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.2f} MB"


class Uploader:
    """Accepts uploaded files into `assistant.settings.corpus_dir` and ingests them."""

    def __init__(self, assistant, max_mb: float | None = None):
        self.assistant = assistant
        self.corpus = Path(assistant.settings.corpus_dir)
        self.max_bytes = int((assistant.settings.max_upload_mb if max_mb is None else max_mb) * 1024 * 1024)

    def accept(self, src: Path, original_name: str | None = None, progress: Progress | None = None) -> UploadResult:
        name = original_name or Path(src).name
        try:
            return self._accept(Path(src), sanitise_name(name), progress, _base_name(name))
        except (UploadRefused, LoadError) as exc:
            return UploadResult(name=name, status="refused", message=str(exc))

    def _accept(self, src: Path, name: str, progress: Progress | None, original: str) -> UploadResult:
        size = src.stat().st_size
        if size > self.max_bytes:
            raise LoadError(name, f"文件过大（{_mb(size)}，上限 {_mb(self.max_bytes)}）",
                            f"the file is too large ({_mb(size)}, limit {_mb(self.max_bytes)})")
        self.corpus.mkdir(parents=True, exist_ok=True)
        digest = file_sha256(src)
        same = _identical_in_corpus(self.corpus, digest, size)
        if same is not None:
            return self._ingest_existing(same, progress)
        prune_stale_staging()
        with tempfile.TemporaryDirectory(prefix=STAGING_PREFIX) as staging:
            staged = Path(staging) / name
            shutil.copyfile(src, staged)
            # raises LoadError: nothing touched yet (OCR'd pages are cached, so the ingest below reads them again free)
            load_report(staged, max_bytes=self.max_bytes, ocr=OcrOptions.from_settings(self.assistant.settings))
            return self._move_in_and_ingest(staged, name, progress, original)

    def _ingest_existing(self, path: Path, progress: Progress | None) -> UploadResult:
        summary = self.assistant.ingest([path], progress=progress, max_bytes=self.max_bytes)
        if summary.failed:
            raise UploadRefused(next(iter(summary.failed.values())))
        status = "unchanged" if path.name in summary.unchanged else "added"
        msg = (f"未变化：与已有文件 {path.name} 完全相同 / unchanged: identical to {path.name}" if status == "unchanged"
               else f"已索引已有文件 {path.name} / indexed the existing file {path.name}")
        return UploadResult(name=path.name, status=status, message=msg, chunks=summary.chunks)

    def _move_in_and_ingest(self, staged: Path, name: str, progress: Progress | None, original: str) -> UploadResult:
        if (self.corpus / name).is_symlink() or ((self.corpus / name).exists() and not (self.corpus / name).is_file()):
            raise UploadRefused(f"语料中已有同名的链接或特殊文件：{name} / a link or special file already has this "
                                f"name in the corpus: {name}")
        target = (self.corpus / name).resolve()
        if target.parent != self.corpus.resolve():
            raise UploadRefused(f"文件名不安全：{name} / unsafe file name: {name}")
        if target.exists() and name != original:
            # "a b.txt" and "a?b.txt" both become a_b.txt: a new version of a report must carry its exact name, so
            # an upload of another name never replaces a report that is already there.
            raise UploadRefused(f"语料中已有 {name}，而上传的文件名是 {original}；请改名后上传 / {name} is already "
                                f"in the corpus and the upload is named {original!r}: rename it and upload again")
        if target.exists() and target.name not in {r["report"] for r in self.assistant.reports()}:
            # e.g. corpus/README.md: a file that is not an indexed report is never replaced by an upload
            raise UploadRefused(f"语料中已有同名的非报告文件：{name} / a file that is not a report already has "
                                f"this name in the corpus: {name}")
        if self.assistant.index.read_only:  # say so before the corpus is touched
            raise UploadRefused(str(IndexReadOnly(self.assistant.settings.index_dir)))
        backup = target.read_bytes() if target.is_file() else None
        part = self.corpus / f".{name}.part"
        shutil.copyfile(staged, part)
        os.replace(part, target)
        try:
            summary = self.assistant.ingest([target], progress=progress, max_bytes=self.max_bytes)
        except StorageError as exc:  # full disk, another writer: its own line, the corpus put back
            self._restore(target, backup)
            raise UploadRefused(str(exc)) from exc
        except Exception as exc:  # put the corpus back, then say why
            self._restore(target, backup)
            raise UploadRefused(f"索引失败，未做任何更改：{type(exc).__name__}: {exc} / "
                                f"ingest failed, nothing was changed") from exc
        if summary.failed:
            self._restore(target, backup)
            raise UploadRefused(next(iter(summary.failed.values())))
        if name in summary.updated:
            status, msg = "updated", f"已更新 {name}（{summary.chunks} 段） / updated {name} ({summary.chunks} chunks)"
        elif name in summary.unchanged:
            status, msg = "unchanged", f"未变化：{name} / unchanged: {name}"
        else:
            status, msg = "added", f"已添加 {name}（{summary.chunks} 段） / added {name} ({summary.chunks} chunks)"
        if note := summary.notes.get(name):  # pages the OCR cap left unread
            msg += f" · {note}"
        return UploadResult(name=name, status=status, message=msg, chunks=summary.chunks)

    @staticmethod
    def _restore(target: Path, backup: bytes | None) -> None:
        if backup is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(backup)


def accept_uploads(assistant, files: list[tuple[Path, str]], progress: Progress | None = None,
                   on_file: Callable[[int, int, str], None] | None = None) -> list[UploadResult]:
    """Accept several files, one at a time; one refusal does not stop the others."""
    uploader = Uploader(assistant)
    results = []
    for i, (path, name) in enumerate(files):
        if on_file:
            on_file(i, len(files), name)
        results.append(uploader.accept(path, name, progress))
    return results

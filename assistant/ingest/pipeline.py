"""Ingest: files → reports → chunks (+ tables) → vectors → Chroma + catalog. Idempotent and crash-safe.

Order matters for crash safety: vectors are cached and upserted into Chroma first, then the catalog swaps the
report's chunks in one transaction (the commit point), then stale vectors are deleted. A crash before the commit
leaves the old version answering; extra vectors in Chroma are invisible (search keeps only catalog ids) and the
next run's reconcile step removes or completes them.
"""

from __future__ import annotations

import hashlib
import stat
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np


from assistant.ingest.chunk import Chunker
from assistant.ingest.store.index import Index
from assistant.ingest.load import SUPPORTED_SUFFIXES, LoadError, file_sha256, load_report
from assistant.core.models import Chunk, IngestSummary
from assistant.ingest.structure import extract_tables
from assistant.ingest.units import unit_embed_text, unit_key, unit_spans
from assistant.core.tokenize import tokenize
from assistant.core.traditional import to_simplified
from assistant.ingest.ocr import OcrOptions, cap_note

CHUNKER_VERSION = "3"
EMBED_BATCH = 32
RUNNING = "ingest_running"

# progress(stage, report, done, total): stages are "load", "embed", "store", "commit", "done", "skip", "error"
Progress = Callable[[str, str, int, int], None]


def find_report_files(paths: Iterable[Path]) -> list[Path]:
    """Report files: each file named, and the regular files a folder holds (searched recursively)."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(corpus_files(p))
        else:
            files.append(p)
    return files


def corpus_files(folder: Path) -> list[Path]:
    """The reports a folder holds: regular files with a supported suffix, inside it once links are resolved.

    A symlink leading out of the folder would make an outside file's text citable, and a FIFO or device would
    hang the read, so both are left out here (load.py refuses them too when they are named directly). A folder's
    README and hidden files describe the corpus; they are not reports.
    """
    root = folder.resolve()
    out = []
    for f in sorted(folder.rglob("*")):
        if f.suffix.lower() not in SUPPORTED_SUFFIXES or f.name.startswith(".") or f.stem.upper() == "README":
            continue
        try:
            real = f.resolve(strict=True)
            regular = stat.S_ISREG(real.stat().st_mode)
        except (OSError, RuntimeError):  # a dangling link or a loop
            continue
        if regular and real.is_relative_to(root):
            out.append(f)
    return out


def pending_files(index: Index, corpus: Path) -> list[dict]:
    """Reports in the corpus the index does not hold as they are now, each with the reason (for `status`).

    A SIGKILL between an upload's move into the corpus and its commit leaves such a file; so does a file copied
    in or edited by hand. Listing them (not indexing behind the user's back) lets them be ingested or deleted.
    """
    if not corpus.is_dir():
        return []
    out = []
    for path in corpus_files(corpus):
        known = index.catalog.report_fingerprint(path.name)
        if known is None:
            out.append({"file": path.name, "reason_code": "not_indexed",
                        "reason": "未索引（可能是被中断的上传或手工放入的文件）；运行 assistant ingest 索引它，或删除该文件 / "
                                  "not indexed (an interrupted upload, or copied in by hand): run `assistant ingest` "
                                  "to index it, or delete the file"})
        elif Ingestor._fingerprint(path) != known[0]:
            out.append({"file": path.name, "reason_code": "changed",
                        "reason": "文件已修改，索引中仍是旧版本；运行 assistant ingest 更新 / changed since it was "
                                  "indexed (the index holds the old version): run `assistant ingest` to update it"})
    return out


class Ingestor:
    def __init__(self, index: Index, progress: Progress | None = None, max_bytes: int | None = None):
        self.index = index
        self.chunker = Chunker(index.settings.chunk_size)
        self.progress = progress or (lambda *a: None)
        self.max_bytes = max_bytes
        self.config = f"chunker={CHUNKER_VERSION};size={index.settings.chunk_size}"
        self.ocr = OcrOptions.from_settings(index.settings)

    def run(self, paths: Iterable[Path], rebuild: bool = False) -> IngestSummary:
        t0 = time.perf_counter()
        summary = IngestSummary()
        files = find_report_files(paths)
        with self.index.writing():  # one writer across processes; a full or read-only disk → one line
            self.reconcile()
            self.index.catalog.set_flag(RUNNING, True)  # still set at the next start = this run was killed
            for path in files:
                try:
                    self._ingest_file(Path(path), rebuild, summary)
                except LoadError as exc:
                    summary.failed[Path(path).name] = str(exc)
                    self.progress("error", Path(path).name, 0, 0)
            # Not reached on a storage fault: the flag stays set, so the next run rewrites every vector.
            self.index.catalog.set_flag(RUNNING, False)
        summary.seconds = time.perf_counter() - t0
        return summary

    def _ingest_file(self, path: Path, rebuild: bool, summary: IngestSummary) -> None:
        catalog = self.index.catalog
        self.progress("load", path.name, 0, 1)
        previous = catalog.report_fingerprint(path.name)  # a report's id is its file name
        # Unchanged bytes are known before decoding (decoding 2,000 unchanged files cost ~5 s of a 15 s re-ingest).
        if not rebuild and previous is not None and previous == (self._fingerprint(path), self.config):
            summary.unchanged.append(path.name)
            self.progress("skip", path.name, 1, 1)
            return
        report = load_report(path, max_bytes=self.max_bytes, ocr=self.ocr,
                             on_ocr=lambda done, total: self.progress("ocr", path.name, done, total))
        tables = extract_tables(report)  # the one table rule: the chunker's table blocks and the catalog's tables
        chunks = self.chunker.run(report, tables)
        vectors, embedded = self._vectors_for(chunks, report.id)
        if self.index.settings.unit_vectors:
            summary.units_embedded += self._cache_unit_vectors(chunks, report.id)
        self.progress("store", report.id, 0, len(chunks))
        self.index.vectors.upsert(chunks, vectors)
        self.progress("commit", report.id, len(chunks), len(chunks))
        stale = catalog.replace_report(report, self.config, chunks, [tokenize(c.embed_text) for c in chunks],
                                       tables, time.time())
        self.index.vectors.delete(stale)
        (summary.updated if previous else summary.added).append(report.id)
        if note := cap_note(sum(p.ocr_skipped for p in report.pages), self.ocr.max_pages):
            summary.notes[report.id] = note
        summary.chunks += len(chunks)
        summary.embedded += embedded
        self.progress("done", report.id, len(chunks), len(chunks))

    @staticmethod
    def _fingerprint(path: Path) -> str | None:
        try:
            return file_sha256(path)
        except OSError:
            return None  # load_report raises the clear error

    def _vectors_for(self, chunks: list[Chunk], label: str) -> tuple[np.ndarray, int]:
        """Vectors for chunks, from the cache where possible; new ones are cached batch by batch."""
        embedder = self.index.embedder
        keys = [f"{embedder.name}:{hashlib.sha256(c.embed_text.encode()).hexdigest()}" for c in chunks]
        cached = self.index.catalog.cached_vectors(keys)
        # One embedding per distinct text: a long repetitive file (or boilerplate repeated in a report) would
        # otherwise embed the same passage once per occurrence.
        first: dict[str, int] = {}
        missing = [first.setdefault(k, i) for i, k in enumerate(keys) if k not in cached and k not in first]
        self.progress("embed", label, 0, len(missing))
        for b in range(0, len(missing), EMBED_BATCH):
            part = missing[b:b + EMBED_BATCH]
            # Traditional Chinese is embedded in its Simplified form (same key: the text as stored)
            vecs = embedder.embed_passages([to_simplified(chunks[i].embed_text) for i in part])
            fresh = {keys[i]: v for i, v in zip(part, vecs)}
            self.index.catalog.cache_vectors(fresh)
            cached.update(fresh)
            self.progress("embed", label, min(b + EMBED_BATCH, len(missing)), len(missing))
        dim = embedder.dim
        return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, dim), np.float32), len(missing)

    def _cache_unit_vectors(self, chunks: list[Chunk], label: str) -> int:
        """Vectors of every evidence unit (row, sentence), cached for the answerer's semantic ranking: embedding
        them at query time would cost seconds per question on 2 cores; here they cost one more pass of the text."""
        embedder = self.index.embedder
        texts = list(dict.fromkeys(unit_embed_text(c, s) for c in chunks for s in unit_spans(c)))
        keys = [unit_key(embedder.name, t) for t in texts]
        cached = self.index.catalog.cached_vectors(keys)
        missing = [i for i, k in enumerate(keys) if k not in cached]
        for b in range(0, len(missing), EMBED_BATCH):
            self.progress("embed", f"{label} · units", b, len(missing))
            part = missing[b:b + EMBED_BATCH]
            vecs = embedder.embed_passages([to_simplified(texts[i]) for i in part])
            self.index.catalog.cache_vectors({keys[i]: v for i, v in zip(part, vecs)})
        return len(missing)

    def reconcile(self, repair: bool | None = None) -> tuple[int, int]:
        """Bring Chroma in line with the catalog after a crash: drop orphans, add what is missing.

        After a killed ingest (`repair`, by default read from the run flag) every vector is written again from
        the cache: Chroma may have listed an id whose vector a SIGKILL kept out of its HNSW files.
        """
        if repair is None:
            repair = self.index.catalog.flag(RUNNING)
        wanted = self.index.catalog.chunk_ids()  # ids only: loading 91k chunks with tokens took 8.6 s
        present = self.index.vectors.ids()
        orphans = sorted(present - wanted)
        self.index.vectors.delete(orphans)
        missing_ids = wanted if repair else wanted - present
        missing = [c for c in self.index.catalog.chunks()[0] if c.id in missing_ids] if missing_ids else []
        if missing:
            vectors, _ = self._vectors_for(missing, "reconcile")
            self.index.vectors.upsert(missing, vectors)
        return len(orphans), len(missing)

    def remove(self, report_id: str) -> int:
        with self.index.writing():
            ids = self.index.catalog.remove_report(report_id)
            self.index.vectors.delete(ids)
        return len(ids)

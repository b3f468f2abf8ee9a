"""The catalog: one SQLite file that is the index's source of truth.

It holds each report's decoded text (for citation checks), its chunks with their BM25 tokens, its tables, and the
embedding cache. A report's chunks are swapped in one transaction, so a crash leaves either the old or the new
version; Chroma entries the catalog does not list are ignored by search and cleaned up by the next ingest.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.core.models import Chunk, ChunkKind, Page, Report, Table
from assistant.ingest.store.faults import IndexReadOnly, StorageError, storage_fault, writable

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, path TEXT, sha256 TEXT, encoding TEXT, text TEXT, pages TEXT, tables TEXT,
    config TEXT, ingested_at REAL
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, report TEXT, ord INTEGER, start INTEGER, "end" INTEGER, kind TEXT, section TEXT,
    caption TEXT, context TEXT, page INTEGER, text TEXT, tokens TEXT
);
CREATE INDEX IF NOT EXISTS chunks_report ON chunks(report);
CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


class Catalog:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        self._pin = threading.local()  # a generation held for one question (`pinned`), per thread
        self._copy: Path | None = None
        # Why this catalog can only be read, if it can: a read-only folder (a read-only mount, no write permission),
        # or a disk too full to open it for writing. Reads still work; every write raises this one-line fault.
        self.fault: StorageError | None = None
        if not writable(path.parent) or (path.exists() and not os.access(path, os.W_OK)):
            self.fault = IndexReadOnly(path.parent)
        else:
            try:
                with self._tx() as db:
                    db.executescript(SCHEMA)
            except Exception as exc:
                self.fault = storage_fault(exc, path.parent)
                if self.fault is None:
                    raise
                self._local = threading.local()  # drop the connection that failed
        if self.fault is not None and not path.exists():
            raise self.fault  # nothing to read, and nothing can be built here

    @property
    def read_only(self) -> bool:
        return self.fault is not None

    def _read_only_connection(self) -> sqlite3.Connection:
        """Without write access SQLite cannot create the WAL's -shm file. With no pending WAL the file is opened
        immutable; commits still in the WAL (no checkpoint yet) are read from a private copy instead, since
        immutable would skip them."""
        wal = self.path.with_name(self.path.name + "-wal")
        if self._copy is None and wal.exists() and wal.stat().st_size > 0:
            try:
                folder = Path(tempfile.mkdtemp(prefix="assistant-ro-catalog-"))
                atexit.register(shutil.rmtree, folder, True)
                for f in (self.path, wal):
                    shutil.copyfile(f, folder / f.name)
                self._copy = folder / self.path.name
            except OSError:
                self._copy = None  # no room for a copy: the last checkpointed version is still whole
        if self._copy is not None:
            return sqlite3.connect(self._copy, timeout=30, check_same_thread=False)
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?immutable=1", uri=True, check_same_thread=False)

    def checkpoint(self) -> None:
        """Fold the WAL into the main file after a write, so a later read-only open sees everything directly."""
        if not self.read_only:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def _db(self) -> sqlite3.Connection:
        # One connection per thread: the UI answers questions from worker threads.
        db = getattr(self._local, "db", None)
        if db is None:
            if self.read_only:
                db = self._read_only_connection()
            else:
                db = sqlite3.connect(self.path, timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _tx(self):
        db = self._db
        with db:
            yield db

    # ---- reports and chunks -------------------------------------------------------------

    def generation(self, fresh: bool = False) -> int:
        """The catalog's generation (bumped by every commit); within `pinned`, the one read when it began, unless
        `fresh`."""
        held = getattr(self._pin, "generation", None)
        if held is not None and not fresh:
            return held
        row = self._db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        return int(row[0]) if row else 0

    @contextmanager
    def pinned(self):
        """One generation for what this thread reads meanwhile (one question): the derived data one answer reads
        come from one state of the catalog, and ~30 reads of it a question become one."""
        if getattr(self._pin, "generation", None) is not None:  # already pinned by the caller
            yield
            return
        self._pin.generation = self.generation()
        try:
            yield
        finally:
            self._pin.generation = None

    def flag(self, key: str) -> bool:
        row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return bool(row and row[0] == "1")

    def set_flag(self, key: str, on: bool) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, "1" if on else "0"))

    def report_fingerprint(self, report_id: str) -> tuple[str, str] | None:
        row = self._db.execute("SELECT sha256, config FROM reports WHERE id=?", (report_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def replace_report(self, report: Report, config: str, chunks: list[Chunk], tokens: list[list[str]],
                       tables: list[Table], now: float) -> list[str]:
        """Swap a report's chunks atomically. Returns the ids of chunks it no longer has."""
        with self._tx() as db:
            old = {r[0] for r in db.execute("SELECT id FROM chunks WHERE report=?", (report.id,))}
            db.execute("DELETE FROM chunks WHERE report=?", (report.id,))
            db.executemany(
                'INSERT OR REPLACE INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
                [(c.id, c.report, i, c.start, c.end, c.kind.value, c.section, c.caption, c.context, c.page,
                  c.text, " ".join(t)) for i, (c, t) in enumerate(zip(chunks, tokens))],
            )
            db.execute(
                "INSERT OR REPLACE INTO reports VALUES (?,?,?,?,?,?,?,?,?)",
                (report.id, report.path, report.sha256, report.encoding, report.text,
                 json.dumps([p.model_dump() for p in report.pages]),
                 json.dumps([t.model_dump(mode="json") for t in tables], ensure_ascii=False), config, now),
            )
            self._bump(db)
        return sorted(old - {c.id for c in chunks})

    def remove_report(self, report_id: str) -> list[str]:
        with self._tx() as db:
            ids = [r[0] for r in db.execute("SELECT id FROM chunks WHERE report=?", (report_id,))]
            db.execute("DELETE FROM chunks WHERE report=?", (report_id,))
            found = db.execute("DELETE FROM reports WHERE id=?", (report_id,)).rowcount
            if found:
                self._bump(db)
        return ids if found else []

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        db.execute(
            "INSERT INTO meta VALUES ('generation', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def report_ids(self) -> list[str]:
        return [r[0] for r in self._db.execute("SELECT id FROM reports ORDER BY id")]

    def report_summaries(self) -> list[dict]:
        rows = self._db.execute(
            "SELECT r.id, r.encoding, length(r.text), r.tables, r.ingested_at, "
            "(SELECT count(*) FROM chunks c WHERE c.report = r.id) FROM reports r ORDER BY r.id"
        ).fetchall()
        return [
            {"report": r[0], "encoding": r[1], "chars": r[2], "tables": len(json.loads(r[3] or "[]")),
             "ingested_at": r[4], "chunks": r[5]}
            for r in rows
        ]

    def report(self, report_id: str) -> Report | None:
        row = self._db.execute(
            "SELECT id, path, text, encoding, sha256, pages FROM reports WHERE id=?", (report_id,)
        ).fetchone()
        if not row:
            return None
        return Report(id=row[0], path=row[1], text=row[2], encoding=row[3], sha256=row[4],
                      pages=[Page(**p) for p in json.loads(row[5] or "[]")])

    def report_text(self, report_id: str) -> str | None:
        row = self._db.execute("SELECT text FROM reports WHERE id=?", (report_id,)).fetchone()
        return row[0] if row else None

    def tables(self) -> list[Table]:
        out: list[Table] = []
        for (blob,) in self._db.execute("SELECT tables FROM reports ORDER BY id"):
            out.extend(Table.model_validate(t) for t in json.loads(blob or "[]"))
        return out

    def chunks(self) -> tuple[list[Chunk], list[list[str]]]:
        rows = self._db.execute(
            'SELECT id, report, start, "end", kind, section, caption, context, page, text, tokens '
            "FROM chunks ORDER BY report, ord"
        ).fetchall()
        chunks = [
            Chunk(id=r[0], report=r[1], start=r[2], end=r[3], kind=ChunkKind(r[4]), section=r[5], caption=r[6],
                  context=r[7], page=r[8], text=r[9])
            for r in rows
        ]
        # One str object per distinct token: ~10M tokens at 91k chunks were ~1.1 GB as separate strings, and the
        # freed memory did not go back to the OS (bench/bench_ingest.py --scale 1000); interned, ~90 MB of lists.
        vocab: dict[str, str] = {}
        return chunks, [[vocab.setdefault(t, t) for t in r[10].split(" ")] if r[10] else [] for r in rows]

    def chunk_ids(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT id FROM chunks")}

    def chunk_count(self) -> int:
        return self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]

    # ---- embedding cache (by embedder and content hash) --------------------------------

    def cached_vectors(self, keys: list[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            q = f"SELECT key, vector FROM embeddings WHERE key IN ({','.join('?' * len(part))})"
            out.update({k: np.frombuffer(v, dtype=np.float32) for k, v in self._db.execute(q, part)})
        return out

    def cache_vectors(self, items: dict[str, np.ndarray]) -> None:
        with self._tx() as db:
            db.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                           [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()])

"""Storage faults said in one line: a read-only index, a full disk, another process writing.

SQLite, Chroma and the OS report these in many shapes (sqlite3.OperationalError "database or disk is full",
chromadb InternalError "(code: 8) attempt to write a readonly database", OSError ENOSPC/EROFS…); `storage_fault`
is the one place that recognises them, so every shell shows the same bilingual line instead of a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path


class StorageError(RuntimeError):
    """A storage fault; str() is one bilingual line, Chinese first. Nothing was changed by the failed write."""


class IndexReadOnly(StorageError):
    def __init__(self, index_dir: Path):
        super().__init__(f"索引目录只读，无法导入或删除（查询仍可用）：{index_dir} / the index folder is read-only: "
                         f"ingest and remove cannot write (questions still work): {index_dir}")


class DiskFull(StorageError):
    def __init__(self, index_dir: Path):
        super().__init__(f"磁盘已满，写入未完成，原有索引未改变：{index_dir} / the disk is full: the write did not "
                         f"finish and the previous index is unchanged: {index_dir}")


class IndexBusy(StorageError):
    def __init__(self, index_dir: Path):
        super().__init__(f"另一个进程正在写入此索引，请等它完成后重试：{index_dir} / another process is writing this "
                         f"index; try again when it has finished: {index_dir}")


_FULL = ("disk is full", "no space left", "database or disk is full", "quota exceeded")
_READ_ONLY = ("readonly database", "read-only file system", "read only file system")


def writable(path: Path) -> bool:
    """access(2) also answers EROFS for a read-only mount, which a mode check would miss (root ignores modes)."""
    return os.access(path, os.W_OK)


def _nearly_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path).free < 1 << 20
    except OSError:
        return False


def storage_fault(exc: BaseException, index_dir: Path) -> StorageError | None:
    """The storage fault behind exc (or its causes), else None."""
    if "disk i/o error" in str(exc).lower() and _nearly_full(index_dir):  # SQLite's word for ENOSPC on its -shm
        return DiskFull(index_dir)
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, StorageError):
            return exc
        code = getattr(exc, "errno", None)
        text = str(exc).lower()
        if code in (errno.ENOSPC, errno.EDQUOT) or any(s in text for s in _FULL):
            return DiskFull(index_dir)
        if code == errno.EROFS or any(s in text for s in _READ_ONLY):
            return IndexReadOnly(index_dir)
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None

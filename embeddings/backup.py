"""`beslut backup FILE`: a consistent copy of the SQLite database (the minutes store and the chat state)
while the web process and the worker keep running.

SQLite's online backup API copies the database page by page under a read transaction, so the copy is the
database as of one moment even while others write (WAL mode: they are not blocked). The copy is written to
``FILE.tmp`` beside the target, checked (``PRAGMA integrity_check``), switched to a plain rollback journal so
it is one self-contained file, and only then renamed to ``FILE``: a backup that fails or is killed never
leaves a half-written ``FILE`` behind, and an older ``FILE`` stays as it was.

PostgreSQL (DATABASE_URL) is backed up with its own tool, pg_dump (README "Operations").
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from embeddings.errors import BeslutError

PAGES_PER_STEP = 1024  # copy in steps, so writers get the database between them (4 MB with 4 kB pages)


@dataclass(frozen=True)
class BackupReport:
    path: Path
    size: int  # bytes


def backup_sqlite(source: Path, target: Path) -> BackupReport:
    """Copy the SQLite database ``source`` to ``target`` atomically (module docstring). BeslutError when
    ``source`` is missing, ``target`` is ``source`` or its folder is missing, or the copy fails."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise BeslutError("backup_no_store", path=str(source))
    if target.exists() and target.resolve() == source.resolve():
        raise BeslutError("backup_same_file", path=str(target))
    if not target.parent.is_dir():
        raise BeslutError("backup_folder_missing", folder=str(target.parent))
    tmp = target.with_name(target.name + ".tmp")
    try:
        _remove(tmp)
        src = sqlite3.connect(source, timeout=30)  # reads only; the backup API holds a read transaction
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst, pages=PAGES_PER_STEP)
                problems = [r[0] for r in dst.execute("PRAGMA integrity_check") if r[0] != "ok"]
                if problems:
                    raise BeslutError("backup_failed", path=str(target), reason="; ".join(problems[:3]))
                dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
            finally:
                dst.close()
        finally:
            src.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as e:
        _remove(tmp)
        raise BeslutError("backup_failed", path=str(target), reason=str(e)) from e
    except OSError as e:
        _remove(tmp)
        raise BeslutError("backup_failed", path=str(target), reason=e.strerror or type(e).__name__) from e
    except BaseException:
        _remove(tmp)
        raise
    return BackupReport(target, target.stat().st_size)


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
              path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

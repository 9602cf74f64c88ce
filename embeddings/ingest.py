"""Ingest files and folders into the store: one transaction per file, errors collected, not fatal."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.errors import InputError
from embeddings.sources import parse_source, read_source
from embeddings.store import Store

log = logging.getLogger(__name__)


class Status(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: Status
    meeting: str | None = None  # "Chefforum 2024-09-11"
    punkter: int = 0
    error: str | None = None  # the Danish user message, naming file, line and punkt
    warnings: tuple[str, ...] = ()  # Danish warning lines


@dataclass(frozen=True)
class IngestReport:
    outcomes: tuple[FileOutcome, ...]
    meetings: int
    punkter: int

    def count(self, status: Status) -> int:
        return sum(o.status is status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status is Status.FAILED]

    @property
    def changed_anything(self) -> bool:
        return any(o.status in (Status.NEW, Status.CHANGED) for o in self.outcomes)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every non-hidden file under given folders, in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file()
                          and not any(part.startswith(".") for part in f.relative_to(p).parts))
        else:
            out.append(p)  # a missing file becomes a clear error in ingest_file
    return out


def ingest_file(store: Store, path: Path) -> FileOutcome:
    from bot.messages import render, where

    try:
        src = read_source(path)
        if store.source_known(src.sha256):
            return FileOutcome(str(path), Status.UNCHANGED)
        parsed = parse_source(src)
        replaced = store.replace_minutes(parsed.minutes, str(path.resolve()), src.sha256)
    except InputError as e:
        log.info("ingest failed: %s (%s)", path, e.code)
        return FileOutcome(str(path), Status.FAILED, error=e.user_message)
    m = parsed.minutes.meeting
    return FileOutcome(str(path), Status.CHANGED if replaced else Status.NEW, f"{m.committee} {m.date.isoformat()}",
                       len(parsed.minutes.punkter), warnings=tuple(f"{where(str(path))}: {render(w)}"
                                                                   for w in parsed.warnings))


def ingest_paths(store: Store, paths: Iterable[Path],
                 progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda xs: xs) -> IngestReport:
    files = collect_files(paths)
    outcomes = tuple(ingest_file(store, f) for f in progress(files))
    meetings, punkter = store.counts()
    return IngestReport(outcomes, meetings, punkter)

"""Ingest files and folders into the store: one transaction per file, errors collected, not fatal."""
from __future__ import annotations

import datetime as dt
import logging
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from embeddings.errors import InputError, Reason
from embeddings.minutes import Meeting
from embeddings.ingest.sources import not_regular, parse_source, read_source
from embeddings.store import Store

log = logging.getLogger(__name__)

# A meeting date outside [EARLIEST_PLAUSIBLE, today + FUTURE_TOLERANCE] is stored, with a warning: it is
# more likely a typo (2099 for 2019, 1024 for 2024) than minutes. Today's municipalities date from the 1970
# reform; minutes are published days to weeks after a meeting, and a year covers any planned meeting.
EARLIEST_PLAUSIBLE = dt.date(1970, 1, 1)
FUTURE_TOLERANCE = dt.timedelta(days=365)
# The version of the parsers (text, Markdown, PDF, JSON): raise it when a change reads some file differently, so
# that files an older version read are read again by the next ingest of them, not skipped as unchanged. 1: the
# first versioned parsers (probe round 3: heads, hyphenation, Word headings, closed wordings, pipe tables). 2: a
# table's "Mødested<tab>…" row gives the location and start time. 3: probe round 5: sub-numbered punkter ("Punkt
# 5.1", "3a"), header forms ("Punkt 5 Budget", "7. punkt:", "PUNKT 7" over its title), "Jour.nr." and a labelled
# number ending the title, invisible characters, decision headings that name the meeting (a Byråd's decision
# chain, "Kommunalbestyrelsens beslutning") and "Inhabil".
PARSER_VERSION = 3


class FileStatus(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: FileStatus
    meeting: str | None = None  # "Chefforum 2024-09-11"
    punkter: int = 0
    error: InputError | None = None  # why the file failed, naming file, line and punkt
    warnings: tuple[InputError, ...] = ()  # problems that did not stop the file (shown as warnings)


@dataclass(frozen=True)
class IngestReport:
    outcomes: tuple[FileOutcome, ...]
    meetings: int
    punkter: int
    skipped: tuple[InputError, ...] = ()  # FIFOs, devices, sockets found in folders, not read

    def count(self, status: FileStatus) -> int:
        return sum(o.status is status for o in self.outcomes)

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status is FileStatus.FAILED]

    @property
    def changed_anything(self) -> bool:
        return any(o.status in (FileStatus.NEW, FileStatus.CHANGED) for o in self.outcomes)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every non-hidden regular file under given folders, in a stable order."""
    return walk(paths)[0]


def walk(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(files to read, (path, message code) of special files found in folders and skipped).

    Files given by name are all returned: read_source refuses one that is not a regular file, naming it.
    """
    out: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in paths:
        if not p.is_dir():
            out.append(p)  # a missing or special file becomes a clear error in ingest_file
            continue
        for f in sorted(p.rglob("*")):
            if any(part.startswith(".") for part in f.relative_to(p).parts):
                continue
            try:
                mode = os.stat(f).st_mode  # follows links, as reading does; stat never opens the file
            except OSError:
                continue  # a dangling link: nothing to read
            if stat.S_ISDIR(mode):
                continue
            code = not_regular(mode)
            if code is None:
                out.append(f)
            else:
                skipped.append((f, code))
    return out, skipped


def ingest_file(store: Store, path: Path, today: dt.date | None = None) -> FileOutcome:
    """Read, parse and store one file. ``today`` (Settings.today_date()) enables the meeting-date warnings."""
    try:
        src = read_source(path)
        if store.source_known(src.sha256, PARSER_VERSION):
            return FileOutcome(str(path), FileStatus.UNCHANGED)
        parsed = parse_source(src)
        replaced = store.replace_minutes(parsed.minutes, str(path.resolve()), src.sha256, PARSER_VERSION)
    except InputError as e:
        log.info("ingest failed: %s (%s)", path, e.code)
        return FileOutcome(str(path), FileStatus.FAILED, error=e)
    m = parsed.minutes.meeting
    warnings = [InputError(w, str(path)) for w in parsed.warnings] + date_warnings(str(path), m, today)
    return FileOutcome(str(path), FileStatus.CHANGED if replaced else FileStatus.NEW, f"{m.committee} {m.date.isoformat()}",
                       len(parsed.minutes.punkter), warnings=tuple(warnings))


def date_warnings(path: str, meeting: Meeting, today: dt.date | None) -> list[InputError]:
    """A warning when the meeting date is implausible: over a year ahead, or before 1970."""
    if today is None:
        return []
    if meeting.date > today + FUTURE_TOLERANCE:
        return [InputError("meeting_date_future", path, date=meeting.date.isoformat(), today=today.isoformat())]
    if meeting.date < EARLIEST_PLAUSIBLE:
        return [InputError("meeting_date_old", path, date=meeting.date.isoformat(),
                           earliest=EARLIEST_PLAUSIBLE.isoformat())]
    return []


def ingest_paths(store: Store, paths: Iterable[Path],
                 progress: Callable[[Iterable[Path]], Iterable[Path]] = lambda xs: xs,
                 today: dt.date | None = None) -> IngestReport:
    """Ingest files and folders. ``today`` (Settings.today_date()) turns on the meeting-date warnings."""
    files, special = walk(paths)
    skipped = tuple(InputError("file_skipped", str(f), reason=Reason(code)) for f, code in special)
    outcomes = tuple(ingest_file(store, f, today) for f in progress(files))
    meetings, punkter = store.counts()
    return IngestReport(outcomes, meetings, punkter, skipped)

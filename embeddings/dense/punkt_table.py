"""What ranking needs of each indexed punkt, as arrays in store order: no text, no Punkt objects.

Per punkt: its uid (a string table), content hash (32 bytes), committee (an index into ``committees``),
meeting date (ordinal) and a 64-bit key of its journal number (0 for none), about 60 bytes with the uid.
Hits are read from the store by uid; a question naming a journal number compares keys.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from embeddings.arrays import StringTable, load_array, save_array
from embeddings.minutes import Punkt


def journal_key(raw: str | None) -> int:
    """A stable 64-bit key of a journal number as written (0: none)."""
    if not raw:
        return 0
    return int.from_bytes(hashlib.blake2b(raw.encode("utf-8"), digest_size=8).digest(), "little") or 1


@dataclass(frozen=True)
class PunktMeta:
    """One punkt's row, before it is put in a table."""

    uid: str
    content_hash: str
    committee: str
    date: dt.date
    journal: str | None

    @classmethod
    def of(cls, p: Punkt) -> "PunktMeta":
        return cls(p.uid, p.content_hash, p.meeting.committee, p.meeting.date, p.journal.raw if p.journal else None)


class PunktTable:
    def __init__(self, uids: StringTable, hashes: np.ndarray, committee: np.ndarray, date: np.ndarray,
                 journal: np.ndarray, committees: list[str]) -> None:
        n = len(uids)
        if not (len(hashes) == len(committee) == len(date) == len(journal) == n):
            raise ValueError("punkt table columns differ in length")
        self.uids, self.hashes, self.committee, self.date, self.journal = uids, hashes, committee, date, journal
        self.committees = committees

    @classmethod
    def build(cls, rows: Sequence[PunktMeta]) -> "PunktTable":
        committees = sorted({r.committee for r in rows})
        number = {c: i for i, c in enumerate(committees)}
        hashes = (np.frombuffer(b"".join(bytes.fromhex(r.content_hash) for r in rows), np.uint8).reshape(-1, 32)
                  if rows else np.zeros((0, 32), np.uint8))
        return cls(StringTable.build([r.uid for r in rows]), hashes,
                   np.array([number[r.committee] for r in rows], np.int32),
                   np.array([r.date.toordinal() for r in rows], np.int32),
                   np.array([journal_key(r.journal) for r in rows], np.uint64), committees)

    def __len__(self) -> int:
        return len(self.uids)

    def close(self) -> None:
        """Let go of the columns (memory-mapped when loaded); the table cannot be read afterwards."""
        self.uids.close()
        self.hashes = self.committee = self.date = self.journal = None  # type: ignore[assignment]

    def uid(self, row: int) -> str:
        return self.uids[row]

    def content_hash(self, row: int) -> str:
        return bytes(self.hashes[row]).hex()

    def row_of(self, uid: str) -> int:
        """The row of ``uid``, or -1."""
        return self.uids.find(uid)

    def rows_of(self, uids) -> np.ndarray:
        """The rows of ``uids`` that are in the table (unknown ones are left out)."""
        rows = self.uids.find_all(uids)
        return rows[rows >= 0]

    def date_of(self, row: int) -> dt.date:
        return dt.date.fromordinal(int(self.date[row]))

    def committee_of(self, row: int) -> str:
        return self.committees[int(self.committee[row])]

    def meta(self, row: int) -> PunktMeta:
        return PunktMeta(self.uid(row), self.content_hash(row), self.committee_of(row), self.date_of(row), None)

    def combined(self, keep: np.ndarray, new: Sequence[PunktMeta], order: np.ndarray) -> "PunktTable":
        """Rows ``keep`` of this table then ``new``, permuted by ``order`` (row i = order[i] of kept + new)."""
        keep = np.asarray(keep, np.int64)
        order = np.asarray(order, np.int64)
        fresh = PunktTable.build(new)
        committees = sorted(set(self.committees) | set(fresh.committees))
        number = {c: i for i, c in enumerate(committees)}
        mine = np.array([number[c] for c in self.committees], np.int32)
        theirs = np.array([number[c] for c in fresh.committees], np.int32)
        uids = [self.uids[i] for i in keep] + [r.uid for r in new]
        cat = lambda a, b: np.concatenate([a[keep], b])[order]  # noqa: E731
        return PunktTable(StringTable.build([uids[i] for i in order]), cat(self.hashes, fresh.hashes),
                          np.concatenate([mine[self.committee[keep]], theirs[fresh.committee]])[order].astype(np.int32),
                          cat(self.date, fresh.date), cat(self.journal, fresh.journal), committees)

    def save(self, directory: Path) -> None:
        self.uids.save(directory, "punkt.uid")
        for name, a in (("hash", self.hashes), ("committee", self.committee), ("date", self.date),
                        ("journal", self.journal)):
            save_array(directory, f"punkt.{name}", a)

    @classmethod
    def load(cls, directory: Path, committees: list[str]) -> "PunktTable":
        return cls(StringTable.load(directory, "punkt.uid"), *(load_array(directory, f"punkt.{n}")
                                                              for n in ("hash", "committee", "date", "journal")),
                   committees)

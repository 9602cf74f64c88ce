"""Arrays on disk for the index: one ``.npy`` file each, memory-mapped when loaded, and a table of strings
(UTF-8 bytes in one array, with offsets) that can be looked up without building a dict.

A memory-mapped array costs nothing until it is read, and then only the pages read: a process starts
without loading the index, and a question touches only the parts it needs (the postings of its words, the
uids of its hits). It does hold one open file descriptor for as long as it lives (Python's mmap keeps a copy
of the file's): whoever loads an index closes it when done (``VectorIndex.close``), so that the descriptors
do not wait for the garbage collector, or for ever when something still refers to the index.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np


def save_array(directory: Path, name: str, array: np.ndarray) -> None:
    np.save(Path(directory) / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)


def load_array(directory: Path, name: str, mmap: bool = True) -> np.ndarray:
    """The saved array (read-only, memory-mapped unless ``mmap`` is off). Raises OSError or ValueError."""
    path = Path(directory) / f"{name}.npy"
    if mmap and path.stat().st_size > 128:  # numpy cannot map an empty array's file
        try:
            return np.load(path, mmap_mode="r", allow_pickle=False)
        except ValueError:
            pass
    return np.load(path, allow_pickle=False)


class StringTable:
    """An immutable list of strings as UTF-8 bytes plus offsets, with ``find`` by binary search over a
    sorted permutation: about 5 bytes per string beyond its text, no Python object per string."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, order: np.ndarray) -> None:
        if len(offsets) != len(order) + 1:
            raise ValueError("offsets and order differ in length")
        self.blob, self.offsets, self.order = blob, offsets, order

    @classmethod
    def build(cls, strings: Sequence[str]) -> "StringTable":
        encoded = [s.encode("utf-8") for s in strings]
        offsets = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), np.uint8) if encoded else np.zeros(0, np.uint8)
        # Byte order of UTF-8 equals code point order, so the permutation sorts the bytes too.
        order = np.array(sorted(range(len(encoded)), key=encoded.__getitem__), np.int32)
        return cls(blob, offsets, order)

    def __len__(self) -> int:
        return len(self.order)

    def close(self) -> None:
        """Let go of the arrays: memory-mapped ones give their file descriptor back once nothing else holds
        them. The table cannot be read afterwards."""
        self.blob = self.offsets = self.order = None  # type: ignore[assignment]

    def _bytes(self, i: int) -> bytes:
        return self.blob[self.offsets[i]:self.offsets[i + 1]].tobytes()

    def __getitem__(self, i: int) -> str:
        return self._bytes(int(i)).decode("utf-8")

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def find(self, s: str) -> int:
        """The position of ``s``, or -1."""
        key = s.encode("utf-8")
        lo, hi = 0, len(self.order)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._bytes(int(self.order[mid])) < key:
                lo = mid + 1
            else:
                hi = mid
        if lo < len(self.order) and self._bytes(int(self.order[lo])) == key:
            return int(self.order[lo])
        return -1

    def find_all(self, strings: Iterable[str]) -> np.ndarray:
        return np.array([self.find(s) for s in strings], np.int64)

    def save(self, directory: Path, name: str) -> None:
        save_array(directory, f"{name}.blob", self.blob)
        save_array(directory, f"{name}.offsets", self.offsets)
        save_array(directory, f"{name}.order", self.order)

    @classmethod
    def load(cls, directory: Path, name: str) -> "StringTable":
        return cls(load_array(directory, f"{name}.blob"), load_array(directory, f"{name}.offsets"),
                   load_array(directory, f"{name}.order"))

"""Split a punkt into overlapping word windows for embedding; a punkt scores by its best chunk.

Every chunk starts with the punkt's title so a window from deep inside a long Sagsfremstilling still
says what it is about. Section headings are kept inline ("Beslutning: ...") for the same reason.
"""
from __future__ import annotations

from dataclasses import dataclass

from embeddings.minutes import Punkt, SectionName

WINDOW_WORDS = 120
OVERLAP_WORDS = 30


@dataclass(frozen=True)
class Chunk:
    uid: str  # Punkt.uid
    position: int
    text: str


def punkt_words(p: Punkt) -> list[str]:
    """The words of a punkt's sections, headings inline; closed punkter contribute no text."""
    words: list[str] = []
    for s in p.sections:
        if s.name is SectionName.BILAG:
            words += ["Bilag:"] + s.text.split()
        else:
            words += [f"{s.heading}:"] + s.text.split()
    return words


def window_starts(n_words: int, window: int = WINDOW_WORDS, overlap: int = OVERLAP_WORDS) -> range:
    """Where each chunk's window starts in a punkt of ``n_words`` words (punkt_words)."""
    if not 0 <= overlap < window:
        raise ValueError("overlap must be smaller than the window")
    return range(0, max(n_words - overlap, 1), window - overlap)


def chunk_punkt(p: Punkt, window: int = WINDOW_WORDS, overlap: int = OVERLAP_WORDS) -> list[Chunk]:
    words = punkt_words(p)
    starts = window_starts(len(words), window, overlap)  # checks window and overlap first
    key = p.uid
    if not words:
        return [Chunk(key, 0, p.title)]
    return [Chunk(key, i, f"{p.title}\n{' '.join(words[s:s + window])}") for i, s in enumerate(starts)]

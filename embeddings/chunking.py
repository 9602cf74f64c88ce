"""Split a punkt into overlapping word windows for embedding; a punkt scores by its best chunk.

Every chunk starts with the punkt's title so a window from deep inside a long Sagsfremstilling still
says what it is about. Section headings are kept inline ("Beslutning: ...") for the same reason.
"""
from __future__ import annotations

from dataclasses import dataclass

from embeddings.models import Punkt, SectionName

WINDOW_WORDS = 120
OVERLAP_WORDS = 30


@dataclass(frozen=True)
class Chunk:
    punkt_key: str  # "committee|YYYY-MM-DD|HH:MM|N" (time empty when unknown)
    position: int
    text: str


def punkt_key(p: Punkt) -> str:
    start = p.meeting.start_time.strftime("%H:%M") if p.meeting.start_time else ""
    return f"{p.meeting.committee}|{p.meeting.date.isoformat()}|{start}|{p.number}"


def punkt_words(p: Punkt) -> list[str]:
    """The words of a punkt's sections, headings inline; closed punkter contribute no text."""
    words: list[str] = []
    for s in p.sections:
        if s.name is SectionName.BILAG:
            words += ["Bilag:"] + s.text.split()
        else:
            words += [f"{s.heading}:"] + s.text.split()
    return words


def chunk_punkt(p: Punkt, window: int = WINDOW_WORDS, overlap: int = OVERLAP_WORDS) -> list[Chunk]:
    if not 0 <= overlap < window:
        raise ValueError("overlap must be smaller than the window")
    key = punkt_key(p)
    words = punkt_words(p)
    if not words:
        return [Chunk(key, 0, p.title)]
    step = window - overlap
    starts = range(0, max(len(words) - overlap, 1), step)
    return [Chunk(key, i, f"{p.title}\n{' '.join(words[s:s + window])}") for i, s in enumerate(starts)]

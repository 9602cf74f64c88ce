"""Plain-text and JSON renderings of stored punkter for the command line."""
from __future__ import annotations

from bot import messages
from embeddings.models import Punkt
from embeddings.store import MeetingSummary


def meeting_line(m: MeetingSummary) -> str:
    return messages.meeting_line(m.committee, m.date, m.location, m.punkter, m.decisions)


def punkt_json(p: Punkt) -> dict:
    """Stable JSON for one punkt (documented in README)."""
    return {
        "committee": p.meeting.committee,
        "meeting_date": p.meeting.date.isoformat(),
        "item_number": p.number,
        "title": p.title,
        "raw_title": p.raw_title,
        "time_slot": p.time_slot,
        "case_number": p.journal.raw if p.journal else None,
        "closed": p.closed,
        "decision": p.decision,
        "sections": [{"name": s.name.value, "heading": s.heading, "text": s.text} for s in p.sections],
    }


def punkt_text(p: Punkt) -> str:
    head = messages.citation(p.meeting.committee, p.meeting.date, p.number, p.journal.raw if p.journal else None)
    lines = [f"{p.title}", head]
    if p.closed:
        lines.append(messages.CLOSED_PUNKT)
    for s in p.sections:
        lines += ["", f"== {s.heading} ==", s.text]
    if not p.closed and p.decision is None:
        lines += ["", messages.NO_DECISION]
    return "\n".join(lines)

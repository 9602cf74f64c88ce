"""Plain-text and JSON renderings of stored punkter for the command line.

Text renderings pass through ``printable``: minutes are foreign text, and an escape sequence in them must
not reach the terminal (clear the screen, retitle the window, hide lines). JSON escapes them itself.
"""
from __future__ import annotations

import re

from bot.core import messages
from bot.core.results import Answer, CaseTimeline, Hit
from bot.core.reply import filter_lines
from embeddings.minutes import Punkt, SectionName
from embeddings.store import MeetingSummary
from embeddings.dense.vector_index import UpdateStats


# ANSI/VT escape sequences: CSI (ESC [ or the C1 byte 0x9b, parameters, final byte), OSC/DCS/PM/APC/SOS
# strings (up to BEL or ST; unterminated, only the introducer goes, so no text is lost), and two-byte ESC
# sequences. What is left of them, and every other C0/C1 control character but newline and tab, is dropped.
_ESCAPES = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
                      r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
                      r"|\x1b[ -/]*[0-~]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without terminal escape sequences and control characters (newline and tab are kept)."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def index_summary(stats: UpdateStats) -> str:
    return messages.render("index_summary", embedded=stats.embedded_punkter, reused=stats.reused_punkter,
                           removed=stats.removed_punkter, chunks=stats.chunks)


def meeting_line(m: MeetingSummary) -> str:
    return printable(messages.meeting_line(m.committee, m.date, m.location, m.punkter, m.decisions))


def punkt_json(p: Punkt, cited: Hit) -> dict:
    """Stable JSON for one punkt (documented in README); ``cited`` is how the core cites it (its links)."""
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
        "source_url": cited.source_url,
        "attachments": attachments_json(cited),
    }


def attachments_json(h: Hit) -> list[dict]:
    return [{"name": a.name, "url": a.url} for a in h.attachments]


def punkt_text(p: Punkt, cited: Hit) -> str:
    head = messages.citation(p.meeting.committee, p.meeting.date, p.number, p.journal.raw if p.journal else None)
    lines = [f"{p.title}", head]
    if p.closed:
        lines.append(messages.CLOSED_PUNKT)
    for s in p.sections:
        if s.name is SectionName.BILAG and cited.attachments:
            continue  # listed below, with links
        lines += ["", f"== {s.heading} ==", s.text]
    if not p.closed and p.decision is None:
        lines += ["", messages.NO_DECISION]
    if cited.attachments:
        lines += ["", f"== {messages.ATTACHMENTS_LABEL} =="]
        lines += [f"- {a.name}" + (f": {a.url}" if a.url else "") for a in cited.attachments]
    if cited.source_url:
        lines += ["", cited.source_url]
    return printable("\n".join(lines))


def hit_json(h: Hit) -> dict:
    """The documented JSON of one hit (README "JSON output"); fields are only ever added."""
    return {
        "committee": h.committee,
        "meeting_date": h.meeting_date.isoformat(),
        "item_number": h.item_number,
        "title": h.title,
        "case_number": h.case_number,
        "score": h.score,
        "decision": h.decision,
        "quote_verified": h.quote_verified,
        "indstilling": h.indstilling,
        "matched_sentences": list(h.matched),
        "history": [{"committee": e.committee, "meeting_date": e.meeting_date.isoformat(),
                     "item_number": e.item_number, "title": e.title} for e in h.history],
        "source_url": h.source_url,
        "attachments": attachments_json(h),
    }


def answer_json(a: Answer) -> dict:
    return {"question": a.question, "abstained": a.abstained, "filters": list(a.filters),
            "preferences": list(a.preferences),
            "hits": [hit_json(h) for h in a.hits], "uncertain": [hit_json(h) for h in a.uncertain]}


def timeline_json(t: CaseTimeline) -> dict:
    return {"query": t.query, "prefix": t.is_prefix, "items": [hit_json(h) for h in t.items]}


def hit_text(h: Hit, with_history: bool = True) -> list[str]:
    lines = [f"{h.title}", f"  {messages.citation(h.committee, h.meeting_date, h.item_number, h.case_number)}"]
    if h.decision:
        lines.append(f"  {messages.DECISION_LABEL}:")
        lines += [f"    {x}" for x in h.decision.splitlines() if x.strip()]
        if h.matched:
            lines.append(f"  {messages.MATCHED_LABEL}:")
            lines += [f"    » {x}" for x in h.matched]
    elif h.indstilling:
        lines.append(f"  {messages.NO_DECISION}. {messages.INDSTILLING_LABEL}:")
        lines += [f"    {x}" for x in h.indstilling.splitlines() if x.strip()]
    else:
        lines.append(f"  {messages.NO_DECISION}.")
    if h.source_url:
        lines.append(f"  {h.source_url}")
    if with_history and h.history:
        lines.append(f"  {messages.HISTORY_LABEL}:")
        lines += [f"    - {messages.danish_date(e.meeting_date)}, punkt {e.item_number}: {e.title}" for e in h.history]
    return lines


def answer_text(a: Answer) -> str:
    lines: list[str] = []
    if a.abstained:
        lines.append(messages.render("abstained", question=a.question))
        lines += filter_lines(a)
        if a.uncertain:
            lines.append(messages.UNCERTAIN_LABEL + ":")
            for h in a.uncertain:
                lines.append(f"  - {h.title} ({messages.citation(h.committee, h.meeting_date, h.item_number, h.case_number)})")
        return printable("\n".join(lines))
    lines += filter_lines(a)
    for i, h in enumerate(a.hits):
        if i:
            lines.append("")
        lines += hit_text(h)
    return printable("\n".join(lines))


def timeline_text(t: CaseTimeline) -> str:
    if not t.items:
        return printable(messages.render("case_unknown", query=t.query))
    lines = [messages.render("case_header", query=t.query, count=len(t.items))]
    for h in t.items:
        lines.append("")
        lines += hit_text(h, with_history=False)
    return printable("\n".join(lines))

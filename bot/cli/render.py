"""Plain-text and JSON renderings for the command line; answers and cases as text through the Reply model.

Text renderings pass through ``printable``: minutes are foreign text, and an escape sequence in them must
not reach the terminal (clear the screen, retitle the window, hide lines). JSON escapes them itself.
"""
from __future__ import annotations

import re
import sys

from bot.core import messages
from bot.core.reply import Item, Reply, answer_reply, timeline_reply
from bot.core.results import Answer, CaseTimeline, Hit
from embeddings.minutes import Punkt, SectionName
from embeddings.store import MeetingSummary
from embeddings.dense.build import UpdateStats


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


def meeting_line(m: MeetingSummary, met_twice: bool = False) -> str:
    """One line of `beslut meetings`; the start time when the committee met more than once that day."""
    return printable(messages.meeting_line(m.committee, m.date, m.location, m.punkter, m.decisions,
                                           m.start_time if met_twice else None))


def punkt_json(p: Punkt, cited: Hit) -> dict:
    """Stable JSON for one punkt (documented in README); ``cited`` is how the core cites it (its links)."""
    return {
        "committee": p.meeting.committee,
        "meeting_date": p.meeting.date.isoformat(),
        "item_number": p.number,
        "item_label": p.label,
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
    head = messages.citation(p.meeting.committee, p.meeting.date, p.label, p.journal.raw if p.journal else None,
                             cited.meeting_start)
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
        "item_label": h.item_label,
        "title": h.title,
        "case_number": h.case_number,
        "score": h.score,
        "decision": h.decision,
        "quote_verified": h.quote_verified,
        "indstilling": h.indstilling,
        "approved_indstilling": h.approved_indstilling,
        "matched_sentences": list(h.matched),
        "history": [{"committee": e.committee, "meeting_date": e.meeting_date.isoformat(),
                     "item_number": e.item_number, "item_label": e.item_label, "title": e.title}
                    for e in h.history],
        "source_url": h.source_url,
        "attachments": attachments_json(h),
        "meeting_start": h.meeting_start.strftime("%H:%M") if h.meeting_start else None,
    }


def answer_json(a: Answer) -> dict:
    return {"question": a.question, "abstained": a.abstained, "filters": list(a.filters),
            "preferences": list(a.preferences),
            "hits": [hit_json(h) for h in a.hits], "uncertain": [hit_json(h) for h in a.uncertain],
            "tier": a.tier.value, "uncovered": list(a.uncovered)}


def timeline_json(t: CaseTimeline) -> dict:
    return {"query": t.query, "prefix": t.is_prefix, "items": [hit_json(h) for h in t.items]}


def reply_text(reply: Reply) -> str:
    """A Reply (the model every platform renders) as terminal text: intro, each item, outro."""
    parts = [reply.intro] if reply.intro else []
    parts += ["\n".join(item_lines(it)) for it in reply.items]
    if reply.outro:
        parts.append(reply.outro)
    return printable("\n\n".join(parts))


def item_lines(it: Item) -> list[str]:
    """A cited punkt: title, citation, the labelled quote indented, notes, the link to the minutes."""
    lines = [it.title, f"  {it.citation}"]
    if it.quote:
        lines.append(f"  {it.quote_label}:")
        lines += [f"    {x}" for x in it.quote.splitlines() if x.strip()]
    for n in it.notes:  # a note that quotes several lines (the Indstilling a decision approves) stays indented
        first, *rest = n.splitlines() or [""]
        lines += [f"  {first}"] + [f"    {x}" for x in rest if x.strip()]
    if it.attachments:
        lines.append(f"  {messages.ATTACHMENTS_LABEL}: " + ", ".join(
            a.name + (f" ({a.url})" if a.url else "") for a in it.attachments))
    if it.url:
        lines.append(f"  {it.url}")
    return lines


def answer_text(a: Answer) -> str:
    return reply_text(answer_reply(a))


def timeline_text(t: CaseTimeline) -> str:
    return reply_text(timeline_reply(t))


def notify_hint(subscriptions: int) -> None:
    """After new minutes: who follows cases and topics hears of them from the worker, or `beslut notify`."""
    if subscriptions:
        print(messages.render("notify_hint", count=subscriptions), file=sys.stderr)

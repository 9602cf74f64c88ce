"""Re-apply the closed rule (embeddings/closed.py) to a stored database, SQLite or PostgreSQL alike.

Run by a migration whenever the rule learns a marker, so a store filled by an importer whose rule missed
it is repaired when beslut is upgraded, without re-ingesting:

* an open punkt the rule now closes by its title or a section's first line loses its text;
* text minutes that put closed punkter under a divider ("LUKKEDE PUNKTER") stored the divider as the last
  paragraph of the punkt before it: the divider is taken out of that text, and every later punkt of the
  meeting is closed until a divider of open punkter ("Åbne punkter"), stored the same way.

A punkt it changes gets a new content hash, so the index drops or re-embeds it on its next update.
"""
from __future__ import annotations

import sqlalchemy as sa

from embeddings.closed import divider, is_closed
from embeddings.ingest.sections import clean_title
from embeddings.minutes import content_hash


def reclose(conn: sa.Connection) -> int:
    """Apply the rule to every open punkt through ``conn`` (inside the caller's transaction); the number of
    punkter it closed."""
    sections: dict[int, list[list]] = {}
    for pid, position, name, heading, text in conn.execute(sa.text(
            "SELECT s.punkt_id, s.position, s.name, s.heading, s.text FROM sections s "
            "JOIN punkter p ON p.id = s.punkt_id WHERE p.closed = 0 ORDER BY s.punkt_id, s.position")):
        sections.setdefault(pid, []).append([position, name, heading, text])
    closed = 0
    meeting, closed_part = None, False
    for pid, meeting_id, raw_title, title, journal, was_closed in conn.execute(sa.text(
            "SELECT id, meeting_id, raw_title, title, journal, closed FROM punkter ORDER BY meeting_id, number")).all():
        if meeting_id != meeting:
            meeting, closed_part = meeting_id, False
        if was_closed:  # no text, so no divider stored in it
            continue
        secs = sections.get(pid, [])  # a punkt of only a title is judged by its title
        part, rest = _trailing_divider(secs[-1][3]) if secs else (None, "")
        if closed_part or is_closed([raw_title], [text for *_, text in secs]):
            title = clean_title(raw_title)[0]
            conn.execute(sa.text("DELETE FROM sections WHERE punkt_id = :pid"), {"pid": pid})
            conn.execute(sa.text("UPDATE punkter SET closed = 1, title = :title, content_hash = :hash WHERE id = :pid"),
                         {"title": title, "hash": content_hash(title, journal, True, []), "pid": pid})
            closed += 1
        elif part is not None:  # an open punkt's text loses the divider stored at its end
            secs[-1][3] = rest
            conn.execute(sa.text("UPDATE sections SET text = :text WHERE punkt_id = :pid AND position = :pos"),
                         {"text": rest, "pid": pid, "pos": secs[-1][0]})
            conn.execute(sa.text("UPDATE punkter SET content_hash = :hash WHERE id = :pid"), {
                "hash": content_hash(title, journal, False, [(n, h, t) for _, n, h, t in secs]), "pid": pid})
        if part is not None:
            closed_part = part
    return closed


def _trailing_divider(text: str) -> tuple[bool | None, str]:
    """(what a divider as the last paragraph of ``text`` opens: closed True / open False, else None; the text
    without it)."""
    head, sep, last = text.rstrip().rpartition("\n")
    part = divider(last)
    return (part, head.rstrip() if sep else "") if part is not None else (None, text)

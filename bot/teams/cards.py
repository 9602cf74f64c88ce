"""Reply -> Adaptive Card for Microsoft Teams: the Teams twin of the Slack Block Kit mapping.

Every piece of text (minutes, titles, the user's own question) goes into a ``TextRun`` inside a
``RichTextBlock``. TextRun text is never interpreted as Markdown (Adaptive Card schema 1.2+: "Markdown is
not supported"), whereas TextBlock interprets a Markdown subset (bold, italic, lists, ``[links](url)``) and
backslash escapes render differently on desktop, iOS and Android. So "**fed**", "[klik](https://evil)" and
"# Overskrift" from a referat show exactly as written, and the quote stays verbatim (no escape characters
added). ``<at>…</at>`` is only a mention when ``msteams.entities`` names it; cards built here never carry
entities, so minutes cannot ping anyone. The only link is the "Åbn referat" button, and only for https URLs
built by the core from the operator's template.
"""
from __future__ import annotations

import json
from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from bot.core import messages
from bot.core.reply import Item, Reply

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.2"  # RichTextBlock, TextRun and ActionSet; rendered by every Teams client
MAX_CARD_BYTES = 24_000  # Teams rejects bot messages over ~40 KB (28 KB for some paths): stay well below
MAX_QUOTE_CHARS = 6_000  # a quote longer than this is cut (with a note) so one punkt cannot fill the card
SUMMARY_CHARS = 250  # activity summary: shown in notifications and where cards cannot be rendered


def text_block(text: str, *, bold: bool = False, subtle: bool = False, italic: bool = False,
               spacing: str | None = None) -> dict[str, Any]:
    """One line of literal text (no Markdown, no mentions) as a RichTextBlock with a single TextRun."""
    run: dict[str, Any] = {"type": "TextRun", "text": text}
    if bold:
        run["weight"] = "Bolder"
    if subtle:
        run["isSubtle"] = True
    if italic:
        run["italic"] = True
    block: dict[str, Any] = {"type": "RichTextBlock", "inlines": [run]}
    if spacing:
        block["spacing"] = spacing
    return block


def paragraphs(text: str, **style: Any) -> list[dict[str, Any]]:
    """Multi-line text as one block per line: newlines inside a TextRun are not reliably rendered.

    Blank lines become extra spacing, so the decision's paragraphs stay visible.
    """
    first_spacing = style.pop("spacing", None)
    blocks: list[dict[str, Any]] = []
    gap = False
    for line in text.splitlines():
        if not line.strip():
            gap = True
            continue
        spacing = first_spacing if not blocks else ("Medium" if gap else "None")
        blocks.append(text_block(line.rstrip(), spacing=spacing, **style))
        gap = False
    return blocks


def https_url(url: str | None) -> str | None:
    """Only https links become buttons; the core may build http ones from the operator's template."""
    return url if url and url.lower().startswith("https://") and not any(c.isspace() for c in url) else None


def item_container(item: Item) -> dict[str, Any]:
    body = [text_block(item.title, bold=True)]
    if item.quote:
        quote = item.quote
        notes = list(item.notes)
        if len(quote) > MAX_QUOTE_CHARS:
            quote = quote[:MAX_QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
            notes.insert(0, messages.render("teams_quote_shortened"))
        body.append(text_block(item.quote_label, bold=True, subtle=True, spacing="Small"))
        body += paragraphs(quote, spacing="None")
    else:
        notes = list(item.notes)
    for note in notes:
        body += paragraphs(note, subtle=True, italic=True, spacing="Small")
    if item.attachments:
        body.append(attachments_block(item))
    body.append(text_block(item.citation, subtle=True, spacing="Small"))
    url = https_url(item.url)
    if url:
        body.append({"type": "ActionSet", "actions": [
            {"type": "Action.OpenUrl", "title": messages.TEAMS_OPEN_MINUTES, "url": url}]})
    return {"type": "Container", "separator": True, "spacing": "Medium", "items": body}


def attachments_block(item: Item) -> dict[str, Any]:
    """One compact "Bilag:" line; a name with an https link opens it (a TextRun's selectAction)."""
    inlines: list[dict[str, Any]] = [{"type": "TextRun", "text": f"{messages.ATTACHMENTS_LABEL}: ", "isSubtle": True}]
    for i, a in enumerate(item.attachments):
        run: dict[str, Any] = {"type": "TextRun", "text": a.name, "isSubtle": True}
        url = https_url(a.url)
        if url:
            run.update(color="Accent", selectAction={"type": "Action.OpenUrl", "url": url})
        inlines.append(run)
        if i < len(item.attachments) - 1:
            inlines.append({"type": "TextRun", "text": ", ", "isSubtle": True})
    return {"type": "RichTextBlock", "inlines": inlines, "spacing": "Small"}


def reply_card(reply: Reply) -> dict[str, Any]:
    """The Adaptive Card for ``reply``; items that do not fit are replaced by a "… og N mere" line."""
    items = list(reply.items)
    budget = MAX_CARD_BYTES - _size(_card(reply, [], 0))
    keep, used = 0, 0
    for it in items:  # estimate first (a KLE prefix can match hundreds of punkter), then check exactly
        used += _size(item_container(it)) + len(f"{it.title}{it.quote}{it.citation}".encode()) + 64
        if used > budget:
            break
        keep += 1
    while True:
        card = _card(reply, items[:keep], len(items) - keep)
        if keep == 0 or _size(card) <= MAX_CARD_BYTES:
            return card
        keep -= 1


def _size(card: dict[str, Any]) -> int:
    return len(json.dumps(card, ensure_ascii=False).encode())


def _card(reply: Reply, items: list[Item], dropped: int) -> dict[str, Any]:
    more = messages.render("more_items", count=dropped) if dropped else ""
    body = paragraphs(reply.intro, bold=bool(items))
    body += [item_container(it) for it in items]
    if more:
        body.append(text_block(more, italic=True, spacing="Medium"))
    if reply.outro:
        body += paragraphs(reply.outro, subtle=True, spacing="Medium")
    shown = Reply(reply.intro, tuple(items), "\n\n".join(x for x in (more, reply.outro) if x))
    return {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": body,
        "fallbackText": shown.fallback,
        "msteams": {"width": "Full"},
    }


def summary(reply: Reply) -> str:
    line = " ".join(reply.intro.split())
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS - 1].rstrip() + "…"


def reply_activity(reply: Reply) -> Activity:
    """A message activity carrying the card, with a plain-text summary and no ``text``.

    ``text`` is left out on purpose: Teams shows an activity's text above its card (the answer would
    appear twice) and would interpret it as Markdown. ``summary`` is what notifications show.
    """
    return Activity(type=ActivityTypes.message, summary=summary(reply),
                    attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=reply_card(reply))])

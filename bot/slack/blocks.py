"""Reply -> Slack Block Kit messages, with a plain-text fallback, inside Slack's limits.

Pure: no Slack client here. Every piece of minutes or user text is escaped for mrkdwn (``&``, ``<``, ``>``)
in blocks and in the fallback, and every text object carries ``"verbatim": true``, so a minutes text holding
``<!channel>`` or ``<https://evil|kommune.dk>`` arrives as inert characters. The only links are the http(s)
source URLs the core built from the operator's template.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from bot.core import messages
from bot.core.reply import Item, Reply

SECTION_LIMIT = 3000  # characters in a section's text (Slack's limit)
TEXT_OBJECT_LIMIT = 3000  # characters in a context element's text
MAX_BLOCKS = 50  # blocks in one message (Slack's limit)
FALLBACK_LIMIT = 3000  # our cap on the notification/fallback text (Slack truncates at 40,000)
TITLE_LIMIT = 500  # a title longer than this is cut; titles are one line in practice


@dataclass(frozen=True)
class SlackMessage:
    """One chat.postMessage / respond() payload: escaped fallback ``text`` and Block Kit ``blocks``."""

    text: str
    blocks: tuple[dict, ...]

    def payload(self) -> dict:
        return {"text": self.text, "blocks": list(self.blocks), "unfurl_links": False, "unfurl_media": False}


def escape(text: str) -> str:
    """Slack's three control characters; after this '<!channel>' and '<url|label>' are plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """A mrkdwn link for an http(s) URL; anything else (javascript:, slack:, none) is just the label."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return escape(label)
    safe_url = quote(url, safe=":/?#[]@!$&'()*+,;=%~").replace("&", "&amp;")  # encodes < > | and spaces
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def pieces(escaped: str, limit: int) -> list[str]:
    """Cut escaped text into pieces of at most ``limit`` characters: after a sentence where one ends in the
    second half of the piece, else at a space, and never inside an entity such as ``&amp;``."""
    out: list[str] = []
    text = escaped
    while len(text) > limit:
        cut = text.rfind(". ", limit // 2, limit)
        cut = cut + 1 if cut > 0 else text.rfind(" ", limit // 2, limit + 1)
        if cut <= 0:
            cut = limit
            amp = text.rfind("&", max(cut - 5, 0), cut)
            if amp > 0 and ";" not in text[amp:cut]:
                cut = amp
        out.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    out.append(text)
    return out


def _shorten(escaped: str, limit: int) -> str:
    return escaped if len(escaped) <= limit else pieces(escaped, limit - 2)[0] + " …"


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [_mrkdwn(_shorten(text, TEXT_OBJECT_LIMIT))]}


def _packed_sections(head: str, lines: list[str]) -> list[str]:
    """``head`` then ``lines`` (already escaped and formatted) packed into section texts within the limit."""
    texts: list[str] = []
    current = head
    for line in lines:
        quoted = line.startswith(">")  # a long quoted line: each piece a quote too
        for piece in (">" + p for p in pieces(line[1:], SECTION_LIMIT - 2)) if quoted else pieces(line, SECTION_LIMIT - 1):
            if current and len(current) + 1 + len(piece) > SECTION_LIMIT:
                texts.append(current)
                current = piece
            else:
                current = f"{current}\n{piece}" if current else piece
    if current:
        texts.append(current)
    return texts


def _quote_lines(quote: str) -> list[str]:
    """A verbatim quote as mrkdwn block-quote lines; blank lines keep the quote continuous."""
    return [">" + escape(line) for line in quote.splitlines()] or [">"]


def item_blocks(it: Item) -> list[dict]:
    """One cited punkt: title and quote (split over sections when long), citation line, notes, divider."""
    title = it.title if len(it.title) <= TITLE_LIMIT else it.title[:TITLE_LIMIT] + " …"
    head = f"*{escape(title)}*"
    if it.quote_label:
        head += f"\n_{escape(it.quote_label)}:_"
    blocks = [_section(t) for t in _packed_sections(head, _quote_lines(it.quote) if it.quote else [])]
    citation = escape(it.citation)
    if it.url:
        citation += " · " + link(it.url, messages.SOURCE_LINK)
    blocks.append(_context(citation))
    if it.notes:
        blocks.append(_context("\n".join(escape(n) for n in it.notes)))
    if it.attachments:  # one compact line; names are links where the site publishes them
        blocks.append(_context(f"{escape(messages.ATTACHMENTS_LABEL)}: " + ", ".join(
            link(a.url, a.name) if a.url else escape(a.name) for a in it.attachments)))
    blocks.append({"type": "divider"})
    return blocks


def _text_blocks(text: str) -> list[dict]:
    return [_section(t) for t in _packed_sections("", [escape(line) for line in text.splitlines()])]


def to_messages(reply: Reply, max_blocks: int = MAX_BLOCKS, max_messages: int = 5) -> list[SlackMessage]:
    """The Slack messages showing ``reply``: intro, one group of blocks per item, outro.

    Items are never split across messages unless one item alone exceeds ``max_blocks``. When more than
    ``max_messages`` would be needed, the last message says how many punkter were left out.
    """
    groups: list[tuple[list[dict], str, bool]] = []  # (blocks, plain text, is an item)
    if reply.intro:
        groups.append((_text_blocks(reply.intro), reply.intro, False))
    groups += [(item_blocks(it), it.plain, True) for it in reply.items]
    if reply.outro:
        groups.append(([_context(escape(reply.outro))], reply.outro, False))
    capacity = max_blocks - 1  # room for the "… og N punkter mere" note
    out: list[tuple[list[dict], list[str]]] = []
    for n, (blocks, plain, _) in enumerate(groups):
        for start in range(0, len(blocks), capacity):
            chunk, text = blocks[start:start + capacity], plain if start == 0 else ""
            if out and len(out[-1][0]) + len(chunk) <= capacity:
                out[-1][0].extend(chunk)
                out[-1][1].append(text)
            elif len(out) < max_messages:
                out.append((list(chunk), [text]))
            else:
                left = sum(is_item for _, _, is_item in groups[n:])
                if left:
                    note = messages.render("more_items", count=left)
                    out[-1][0].append(_context(escape(note)))
                    out[-1][1].append(note)
                return [_message(b, p) for b, p in out]
    return [_message(b, p) for b, p in out]


def _message(blocks: list[dict], plains: list[str]) -> SlackMessage:
    if len(blocks) > 1 and blocks[-1]["type"] == "divider":
        blocks = blocks[:-1]  # a divider only separates items
    text = _shorten(escape("\n\n".join(p for p in plains if p)), FALLBACK_LIMIT)
    return SlackMessage(text or " ", tuple(blocks))


def text_message(text: str) -> SlackMessage:
    """A short message of our own (usage, apology, an error's user_message), escaped like everything else."""
    return _message(_text_blocks(text), [text])

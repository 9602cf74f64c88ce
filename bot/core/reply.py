"""The rendering model shared by every chat platform: Answer / CaseTimeline / Digest / Notification -> Reply.

A Reply is plain Danish text pieces (never escaped: each adapter escapes for its own markup). Slack maps a
Reply to Block Kit, Teams to an Adaptive Card, so both show the same words in the same order.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.core import messages
from bot.core.follow import Subscription
from bot.core.excerpt import decisive_passage
from bot.core.results import AttachmentLink, Answer, CaseTimeline, Digest, Hit, Notification
from embeddings.journal import JournalNumber
from embeddings.search.answerability import Tier


@dataclass(frozen=True)
class Item:
    """One cited punkt: heading, a labelled verbatim quote, the citation line, optional link and notes."""

    title: str
    quote_label: str  # "Beslutning", "Indstilling (ikke en beslutning)" or "" when there is nothing to quote
    quote: str  # verbatim from the minutes ("" when none)
    citation: str  # "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23"
    url: str | None = None  # http(s) only: the punkt on its site, or the operator's template
    notes: tuple[str, ...] = ()  # matched sentences, sagsforløb lines, "Ingen beslutning registreret"
    attachments: tuple[AttachmentLink, ...] = ()  # bilag: one compact "Bilag:" line, names linked where https

    @property
    def plain(self) -> str:
        """Title, labelled quote and citation as plain text (fallbacks, notifications)."""
        quote = f"\n{self.quote_label}: {self.quote}" if self.quote else ""
        return f"{self.title}{quote}\n{self.citation}"


@dataclass(frozen=True)
class Reply:
    """What a user sees: an intro line, items, and a closing line; ``fallback`` is the plain-text version."""

    intro: str
    items: tuple[Item, ...] = ()
    outro: str = ""
    # For operators (the router's log line and GET /metrics), never shown: "answered", "abstained", "partial", "case",
    # "not_found"; None lets the router name it after the intent.
    outcome: str | None = field(default=None, compare=False)

    @property
    def fallback(self) -> str:
        parts = [self.intro]
        parts += [it.plain for it in self.items]
        if self.outro:
            parts.append(self.outro)
        return "\n\n".join(p for p in parts if p)


def hit_item(h: Hit, history: bool = True, short: bool = False) -> Item:
    citation = messages.citation(h.committee, h.meeting_date, h.item_label, h.case_number, h.meeting_start)
    notes: list[str] = []
    if h.decision:
        label, quote = messages.DECISION_LABEL, h.decision
        if h.matched:
            notes.append(f"{messages.MATCHED_LABEL}: " + " … ".join(h.matched))
        if h.approved_indstilling:
            approved = decisive_passage(h.approved_indstilling) if short else h.approved_indstilling
            notes.append(f"{messages.APPROVED_INDSTILLING_LABEL}: {approved}")
    elif h.indstilling:
        label, quote = messages.INDSTILLING_LABEL, h.indstilling
        notes.append(messages.NO_DECISION)
    else:
        label, quote = "", ""
        notes.append(messages.NO_DECISION)
    if short and quote:
        quote = decisive_passage(quote)
    if history and h.history:
        notes.append(f"{messages.HISTORY_LABEL}: " + "; ".join(
            f"{messages.danish_date(e.meeting_date)} punkt {e.item_label} ({e.title})" for e in h.history))
    return Item(h.title, label, quote, citation, h.source_url, tuple(notes), () if short else h.attachments)


def filter_lines(a: Answer) -> list[str]:
    """What was read from the question: strict filters, then preferred periods (Danish)."""
    lines = [messages.render("filters_used", filters=", ".join(a.filters))] if a.filters else []
    if a.preferences:
        lines.append(messages.render("preferences_used", filters=", ".join(a.preferences)))
    return lines


def answer_reply(a: Answer) -> Reply:
    filters = "".join(" " + line for line in filter_lines(a))
    if a.tier is Tier.PARTIAL:
        return partial_reply(a, filters)
    if a.abstained:
        items = tuple(hit_item(h, history=False, short=True) for h in a.uncertain)
        label = messages.UNCERTAIN_LABEL_WIDENED if a.widened else messages.UNCERTAIN_LABEL
        label = f"\n{label}:" if items else ""  # before them: never mistaken for an answer
        return Reply(messages.render("abstained", question=a.question) + filters + label,
                     items, messages.UNCERTAIN_NOTE if items else "", outcome="abstained")
    return Reply(messages.render("answer_intro", count=len(a.hits)) + filters, tuple(hit_item(h) for h in a.hits),
                 outcome="answered")


def partial_reply(a: Answer, filters: str) -> Reply:
    """Issue 15's middle tier: no decision about exactly that; the nearest punkt(er), shown as nearest, and the
    question's words they say nothing about ("intet om: politikere")."""
    intro = messages.render("partial")
    if a.uncovered:
        intro += "\n" + messages.render("partial_uncovered", words=", ".join(a.uncovered))
    many = len(a.uncertain) > 1
    label = messages.PARTIAL_LABEL_MANY if many else messages.PARTIAL_LABEL
    items = tuple(hit_item(h, history=False, short=True) for h in a.uncertain)
    return Reply(intro + filters + f"\n{label}:", items, messages.PARTIAL_NOTE_MANY if many else messages.PARTIAL_NOTE,
                 outcome="partial")


def timeline_reply(t: CaseTimeline) -> Reply:
    if not t.items:
        return Reply(messages.render("case_unknown", query=t.query), outcome="not_found")
    cases = len({h.case_number for h in t.items})
    header = (messages.render("cases_header", query=t.query, count=len(t.items), cases=cases) if cases > 1
              else messages.render("case_header", query=t.query, count=len(t.items)))
    return Reply(header, tuple(hit_item(h, history=False) for h in t.items), outcome="case")


def digest_reply(d: Digest, followed: Sequence[Subscription] = ()) -> Reply:
    """The weekly digest; ``followed``: the channel's case subscriptions, listed under "Sager I følger" when one
    of the digest's punkter belongs to them (moved that week)."""
    if d.empty:
        return Reply(messages.render("digest_empty", week=d.week))
    items = []
    for m in d.meetings:
        for h in m.items:
            it = hit_item(h, history=False, short=True)
            if m.late:
                it = Item(it.title, it.quote_label, it.quote, it.citation, it.url, it.notes + (messages.LATE_NOTE,))
            items.append(it)
    n = sum(len(m.items) for m in d.meetings)
    intro = messages.render("digest_intro", week=d.week, start=messages.danish_date(d.start),
                            end=messages.danish_date(d.end), count=n)
    moved = followed_moves(d, followed)
    if moved:
        intro += "\n\n" + "\n".join([messages.render("digest_followed")] + [
            messages.render("digest_followed_line", what=messages.followed(s.kind, s.query), count=count)
            for s, count in moved])
    return Reply(intro, tuple(items))


def followed_moves(d: Digest, followed: Sequence[Subscription]) -> list[tuple[Subscription, int]]:
    """(subscription, punkter in the digest) for each case subscription that moved in ``d``."""
    journals = [JournalNumber.try_parse(h.case_number) if h.case_number else None
                for m in d.meetings for h in m.items]
    moved = [(s, sum(s.matches_journal(j) for j in journals)) for s in followed]
    return [(s, n) for s, n in moved if n]


def notification_reply(n: Notification, stop: str) -> Reply:
    """A followed case's or topic's new punkter, each quoted and cited as in answers; a version told before
    is marked 'ændret'; then how many more there are and how to stop (``stop``: "/sag stop k7q2m")."""
    sub = n.subscription
    items = []
    for h in n.hits:
        it = hit_item(h, history=False)
        if h.uid in n.amended:
            it = Item(it.title, messages.AMENDED_LABEL if it.quote_label == messages.DECISION_LABEL else it.quote_label,
                      it.quote, it.citation, it.url, (messages.AMENDED_NOTE,) + it.notes)
        items.append(it)
    intro = messages.render(f"notify_intro_{sub.owner.kind.value}", what=messages.followed(sub.kind, sub.query),
                            count=len(n.hits) + n.more)
    outro = [messages.render("notify_more", count=n.more)] if n.more else []
    outro.append(messages.render("notify_stop", stop=stop))
    return Reply(intro, tuple(items), "\n".join(outro))

"""The core: questions and journal numbers in, Answer / CaseTimeline dataclasses out.

Every platform (CLI, Slack, Teams) goes through ``Beslut.ask`` and ``Beslut.sag``; nothing here knows
about a platform. Quotes are re-read from the store and verified to be verbatim before they are returned.
"""
from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Collection
from dataclasses import dataclass

from bot.core.results import AttachmentLink, Answer, CaseTimeline, HistoryEntry, Hit
from embeddings.errors import BeslutError
from embeddings.journal import JournalNumber, is_kle_prefix, normalise, spellings
from embeddings.search.lexical import Bm25Index
from embeddings.minutes import Punkt, SectionName
from embeddings.search.answerability import Tier
from embeddings.search.retriever import Mode, Retriever, Scored
from embeddings.store import Store
from embeddings.sync.site import attachment_link, punkt_link

MAX_QUESTION_CHARS = 1000
LONG_DECISION_CHARS = 500  # decisions longer than this also show the sentences that matched
_SENTENCE = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÆØÅ0-9\"“”-])|\n+")


@dataclass(frozen=True)
class CoreOptions:
    source_url_template: str | None = None  # "https://.../{committee}/{date}#punkt{number}"
    today: dt.date | None = None


class Beslut:
    """The platform-neutral service. Thread-safe for queries once constructed."""

    def __init__(self, store: Store, retriever: Retriever | None, options: CoreOptions = CoreOptions()) -> None:
        """``retriever`` None: a core for case look-ups and citations only (no model); ``ask`` refuses."""
        self.store = store
        self.retriever = retriever
        self.options = options
        self._stems = Bm25Index([]).tokens

    def close(self) -> None:
        """Release the index this core answers from (its memory-mapped files; ``open_core`` loaded it for this
        core alone). The store is not closed: whoever opened it and passed it in closes it."""
        if self.retriever is not None:
            self.retriever.index.close()

    # --- questions ---------------------------------------------------------------------------
    def ask(self, question: str, k: int = 3, mode: Mode = Mode.HYBRID,
            within: Collection[str] | None = None) -> Answer:
        """The answer to ``question``; ``within`` (Punkt.uid values) restricts it to those punkter, with the
        same ranking and abstention (a followed topic: which new punkter would this question answer with?)."""
        q = validate_question(question)
        if self.retriever is None:
            raise RuntimeError("this Beslut was built for case look-ups only (no retriever)")
        result = self.retriever.search(q, k=k, mode=mode, today=self.options.today or dt.date.today(),
                                       within=within)
        hits = tuple(h for h in (self._scored_hit(s, q) for s in result.hits) if h is not None)
        if result.abstain:
            tier, uncovered = (result.tier, result.uncovered) if hits else (Tier.NONE, ())
            widened = any(not result.filter.accepts(h.committee, h.meeting_date) for h in hits)
            return Answer(q, True, (), hits, result.filter.descriptions, result.filter.preferences, tier, uncovered,
                          widened)
        if not hits:  # every hit was closed or removed since the index was loaded: nothing left that answers
            return Answer(q, True, (), (), result.filter.descriptions, result.filter.preferences)
        return Answer(q, False, hits, (), result.filter.descriptions, result.filter.preferences)

    def sag(self, query: str) -> CaseTimeline:
        """An exact journal number: the case across meetings; a KLE prefix: every case under it."""
        q = normalise(query)
        if not q:
            raise BeslutError("sag_usage")
        if is_kle_prefix(q):
            punkter, prefix = self.store.by_kle_prefix(q), True
        else:
            try:
                journal = JournalNumber.parse(q)
            except ValueError as e:
                raise BeslutError("journal_malformed", text=q[:64], reason=getattr(e, "reason", "")) from None
            q = journal.raw  # KLE canonical ("01.02.03 - p20 - 1 - 23" is 01.02.03-P20-1-23)
            # Non-KLE numbers are stored as written ("EMN-2025-000517"); a query in another case finds them too.
            found = {p.uid: p for spelling in spellings(journal) for p in self.store.by_journal(spelling)}
            punkter = sorted(found.values(), key=lambda p: (p.meeting.date, p.meeting.committee, p.number, p.suffix))
            prefix = False
        items = tuple(self.hit(p) for p in punkter if not p.closed)
        return CaseTimeline(q, items, prefix)

    # --- building hits -----------------------------------------------------------------------
    def _scored_hit(self, s: Scored, question: str) -> Hit | None:
        fresh = self.store.get(s.punkt.uid)
        if fresh is None or fresh.closed:
            return None  # gone or closed since the index was loaded: never shown
        hit = self.hit(fresh, stored=s.punkt)
        matched = ()
        if hit.decision and len(hit.decision) > LONG_DECISION_CHARS:
            matched = self._matched_sentences(hit.decision, question)
        return Hit(**{**hit.__dict__, "score": round(s.score, 4), "matched": matched, "why": s.chunk})

    def hit(self, p: Punkt, stored: Punkt | None = None) -> Hit:
        """``p`` as cited everywhere (answers, case timelines, digests), with its case history.

        The quote is verified against ``p`` as stored now; ``stored`` (the retriever's copy) supplies the
        text to quote, so an answer never shows text the store no longer holds.
        """
        shown = stored or p
        decision = shown.decision
        indstilling = None
        if decision is None:
            sec = shown.section(SectionName.INDSTILLING)
            indstilling = sec.text if sec and sec.text.strip() else None
        quote = decision or indstilling
        verified = quote is not None and any(quote in sec.text for sec in p.sections)
        approved = shown.approved_indstilling
        approved = approved if approved and any(approved in sec.text for sec in p.sections) else None
        history = tuple(
            HistoryEntry(o.meeting.committee, o.meeting.date, o.number, o.title, o.suffix)
            for o in (self.store.by_journal(p.journal.raw) if p.journal else [])
            if not o.closed and o.uid != p.uid)
        return Hit(uid=p.uid, committee=p.meeting.committee, meeting_date=p.meeting.date, item_number=p.number,
                   item_suffix=p.suffix, title=p.title,
                   case_number=p.journal.raw if p.journal else None,
                   decision=decision if verified else None, quote_verified=verified,
                   indstilling=indstilling if verified else None,
                   approved_indstilling=approved if verified else None, history=history,
                   source_url=self._source_url(p),
                   attachments=tuple(AttachmentLink(a.name, attachment_link(p.meeting.source_url, a.source_id))
                                     for a in p.attachments),
                   meeting_start=p.meeting.start_time if self._met_twice(p) else None)

    def _met_twice(self, p: Punkt) -> bool:
        """The committee met more than once on the punkt's date (Greve's Byråd, 8 September 2025): the date
        alone does not say which meeting, so citations name the start time."""
        return p.meeting.start_time is not None and self.store.meetings_on(p.meeting.committee, p.meeting.date) > 1

    def _matched_sentences(self, decision: str, question: str, n: int = 2) -> tuple[str, ...]:
        wanted = set(self._stems(question))
        sentences = [x.strip() for x in _SENTENCE.split(decision) if x and x.strip()]
        scored = [(len(wanted & set(self._stems(x))), i) for i, x in enumerate(sentences)]
        best = sorted(i for score, i in sorted(scored, reverse=True)[:n] if score > 0)
        return tuple(sentences[i] for i in best)

    def _source_url(self, p: Punkt) -> str | None:
        """The punkt's page on its publication site when it came from one (https), else the template's."""
        deep = punkt_link(p.meeting.source_url, p.meeting.source_id, p.source_id)
        if deep:
            return deep
        template = self.options.source_url_template
        if not template:
            return None
        q = lambda v: urllib.parse.quote(str(v), safe="")  # noqa: E731
        url = template.format(committee=q(p.meeting.committee), date=p.meeting.date.isoformat(), number=p.label,
                              case=q(p.journal.raw if p.journal else ""))
        return url if url.startswith(("https://", "http://")) else None


def validate_question(question: str) -> str:
    q = " ".join((question or "").split())
    if not any(c.isalnum() for c in q):
        raise BeslutError("question_empty")
    if len(q) > MAX_QUESTION_CHARS:
        raise BeslutError("question_too_long", length=len(q), limit=MAX_QUESTION_CHARS)
    return q

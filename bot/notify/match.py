"""Which new punkter a subscription matches (pure, given how a topic is answered).

- A case subscription: the exact journal number; a prefix subscription: every KLE number under it
  (``Subscription.matches_journal``, the rule ``sag`` uses).
- A topic subscription: the retrieval and abstention of ``ask``, restricted to the candidates: a punkt matches
  only when ``ask(topic)`` over the new punkter would answer with it (``Answers``: the core's ``ask`` with
  ``within``). Nothing answers -> nothing matches, however many punkter arrived.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.core.follow import FollowKind, Subscription
from embeddings.store import Changed

# (topic, candidate punkt uids) -> the uids ``ask(topic)`` restricted to them answers with (() when it abstains)
Answers = Callable[[str, frozenset[str]], Sequence[str]]


def matching(sub: Subscription, candidates: Sequence[Changed], answers: Answers) -> list[Changed]:
    """The candidates ``sub`` matches, in the candidates' order."""
    if sub.kind is not FollowKind.TOPIC:
        return [c for c in candidates if sub.matches_journal(c.punkt.journal)]
    if not candidates:
        return []
    wanted = set(answers(sub.query, frozenset(c.punkt.uid for c in candidates)))
    return [c for c in candidates if c.punkt.uid in wanted]

"""One conversation router for every chat platform: text in, an Intent, then a Reply. Never raises.

Adapters (Slack, Teams) turn a platform event into text and a Context and render the Reply; the rules
below, the help, the apology and the error messages live here only, so every platform behaves alike.

How text is read (``parse``), after links, emoji and a signature after the question ("… telefontider? /Anne",
"… Hilsen Anne") are dropped and whitespace is tidied:

- nothing, "hjælp", "help", "?" (also "/hjælp", "hjælp!"), only greetings and thanks ("hej", "tak!", "ok, tak
  for hjælpen"), or asking what beslut is ("hvad kan du?") -> help.
- ``sag <argument>`` (also "/sag", any case):
  - no argument or a help word ("sag", "sag hjælp") -> help;
  - one token (trailing ``? ! . , ;`` dropped, dashes unified) that is a journal number or a KLE prefix
    -> the case: ``sag 83.02.00-A00-1-23``, ``sag 22-000015``, ``sag 83.02``. A journal number is one that
    ``JournalNumber.parse`` reads and that is KLE, starts with a digit or holds four digits in a row
    (EMN-2025-000517): the same notion a question's journal numbers are found by, so "covid-19" is a word;
  - a KLE number written with spaces or a lower-case facet letter (``sag 01.02.03 - P20 - 1 - 23``,
    ``sag 01.02.03-p20-1-23``) -> the case, read as ``01.02.03-P20-1-23``;
  - one token that starts with a digit and holds only letters, digits and ``. - /`` but is neither
    (``83.02.00-A0-1-23``, ``2024``) -> the Danish message that it is no valid journal number;
  - anything else (``sag hundeskov``, ``sag om telefontider``) -> a question: the text after "sag".
- anything else -> a question, as written (``83.02.00-A00-1-23`` alone is a question that names a case).

A slash command (Slack's ``/sag``, configurable) and ``beslut sag`` are the ``sag`` command: their text is
read as ``sag <text>`` (``parse_command``), so ``/sag 83.02``, ``@beslut sag 83.02`` in Slack and ``sag 83.02``
in Teams give the same reply, and ``/sag hvad besluttede vi om telefontider?`` is a question.

Following (bot/core/follow.py says whose subscription it is and where notifications go; the replies are
bot/core/following.py's):

- ``følg 83.02.00-A00-1-23`` (also ``følg sag …``) -> follow a case; ``følg 83.02`` -> every case under a KLE
  prefix; ``følg emne telefontider`` (or ``følg`` with words that are no journal number) -> a topic; ``følg``
  with a mistyped journal number -> the journal-number message; ``følg`` alone -> how to write it.
- ``følger`` alone -> the list, numbered, with short ids; ``følger`` with more words is a question.
- ``stop 2`` or ``stop k7q2m`` -> stop one; ``stop`` alone -> how to write it; ``stop`` with other words is a
  question ("stop for rygning i skoletiden?").
- The ``sag`` command passes these words on: ``sag følg 83.02`` and ``/sag følg 83.02`` mean ``følg 83.02``.

Later intents are a dataclass, an entry in ``COMMANDS`` (a parser returning the intent, or None: "a question")
and a handler in ``Conversation``; adapters do not change.

A BeslutError becomes its Danish ``user_message``; any other exception the one apology, logged with its
traceback and the event's ids, never the user's text.

Each handled message is one log line and a count in GET /metrics (bot/core/metrics.py): platform, surface,
event and channel ids, the outcome (answered, abstained, partial, case, not_found, help, malformed_case, refused
(a BeslutError, with its code), error; a later intent is named after its class) and the latency.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.core import messages, metrics
from bot.core.follow import FollowKind, Owner, is_subscription_id, owner_of
from bot.core.following import Following
from bot.core.ports import Subscriptions
from bot.core.reply import Reply, answer_reply, timeline_reply
from bot.core.results import Core
from embeddings.errors import BeslutError
from embeddings.journal import MAX_LEN, JournalNumber, is_kle_prefix, normalise

log = logging.getLogger(__name__)

CASE_WORD = "sag"
_HELP_WORDS = {"", "hjælp", "hjaelp", "help", "?"}
# Words that greet or thank and ask nothing: a message of only these is answered with the help.
_COURTESY = frozenset("""hej hejsa hallo halløj goddag godmorgen god morgen dag ok okay tak takker tusind mange
super fint perfekt godt please venligst for hjælpen""".split())
_ABOUT_BESLUT = re.compile(r"(?iu)^(?:hvad\s+kan\s+du|hvem\s+er\s+du|hvad\s+er\s+du|hvordan\s+virker\s+du"
                           r"|hvordan\s+bruger\s+jeg\s+dig)\b[\s?!.]*$")
# Not part of what is asked: links, emoji (":+1:" as Slack writes them, or the characters), a signature after the
# question ("? /Anne", "? - Anne", "Hilsen Anne", "Vh Anne").
_NOISE = re.compile(r"(?iu)https?://\S+|:[a-z0-9_+\-]+:|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
_SIGNATURE = re.compile(r"(?u)(?:(?<=[?!.])\s*[–—-]\s*|(?:^|\s)/\s?|\s+(?:[Mm]ed\s+)?(?:[Vv]enlig\s+)?(?:[Hh]ilsen|[Mm]?[Vv]h)\s+)"
                        r"[A-ZÆØÅ][\w.-]*(?:\s+[A-ZÆØÅ][\w.-]*)?\s*$")
_COMMAND = re.compile(r"/?(?P<word>\w+)[:?!.]*(?:\s+(?P<rest>.+))?", re.S)
_ATTEMPT = re.compile(r"[0-9][0-9A-ZÆØÅa-zæøå./-]*")  # what someone typing a journal number types


# --- intents ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AskIntent:
    """A question about the decisions in the minutes."""

    question: str


@dataclass(frozen=True)
class CaseIntent:
    """``sag <journalnummer eller KLE-præfiks>``: the case's punkter across meetings."""

    query: str


@dataclass(frozen=True)
class HelpIntent:
    """How to use beslut."""


@dataclass(frozen=True)
class MalformedCaseIntent:
    """``sag <something typed as a journal number that is none>``: say so, with examples."""

    text: str


@dataclass(frozen=True)
class FollowIntent:
    """``følg <journalnummer | KLE-præfiks | emne …>``: notify the owner when new punkter touch it."""

    kind: FollowKind
    query: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", FollowKind(self.kind))


@dataclass(frozen=True)
class FollowingIntent:
    """``følger``: what the owner follows."""


@dataclass(frozen=True)
class StopIntent:
    """``stop <nummer eller id>``: stop one of the owner's subscriptions ("" when none was named)."""

    ref: str


@dataclass(frozen=True)
class UsageIntent:
    """A command without what it needs (``følg``, ``stop``): how to write it."""

    command: str


Intent = (AskIntent | CaseIntent | HelpIntent | MalformedCaseIntent | FollowIntent | FollowingIntent | StopIntent
          | UsageIntent)


def wants_help(text: str) -> bool:
    """Nothing, "hjælp", "/hjælp", "help!", "?", only greetings and thanks, "hvad kan du?": asking how to use
    beslut, or nothing at all."""
    words = re.findall(r"(?u)\w+", text.lower())
    return (text.lower().strip(" .!/") in _HELP_WORDS or (bool(words) and all(w in _COURTESY for w in words))
            or _ABOUT_BESLUT.match(text.strip()) is not None)


def without_noise(text: str) -> str:
    """``text`` without links, emoji and a signature after the question; whitespace tidied."""
    return " ".join(_SIGNATURE.sub("", _NOISE.sub(" ", text or "")).split())


def parse(text: str) -> Intent:
    """What ``text`` asks for, by the rules in the module's docstring. Pure: never calls the core."""
    t = without_noise(text)
    if wants_help(t):
        return HelpIntent()
    m = _COMMAND.fullmatch(t)
    command = COMMANDS.get(m["word"].lower()) if m else None
    intent = command(m["rest"] or "") if command else None
    return intent or AskIntent(t)


def parse_command(argument: str) -> Intent:
    """The ``sag`` command's argument (a slash command's text, ``beslut sag``): read as ``sag <argument>``."""
    return parse(f"{CASE_WORD} {argument}")


def _case(rest: str) -> Intent:
    if wants_help(rest):
        return HelpIntent()
    first = rest.split()[0].lower().rstrip(":")
    if first in _SUBCOMMANDS:  # "sag følg 83.02", "/sag følger", "/sag stop 2"
        return parse(rest)
    if spaced := _spaced_kle(rest):
        return CaseIntent(spaced)
    if len(rest.split()) > 1:
        return AskIntent(rest)
    token = normalise(rest).rstrip("?!.,;")
    if is_kle_prefix(token) or is_case_number(token):
        return CaseIntent(token)
    if _ATTEMPT.fullmatch(token):
        return _malformed(token)
    return AskIntent(rest)


def _malformed(token: str) -> MalformedCaseIntent:
    return MalformedCaseIntent(token if len(token) <= MAX_LEN else token[:MAX_LEN] + "…")


def _follow(rest: str) -> Intent:
    words = rest.split()
    if not words or wants_help(rest):
        return UsageIntent("følg")
    if words[0].lower().rstrip(":") in ("emne", "emnet"):
        words = words[1:]
        if not any(c.isalnum() for c in " ".join(words)):
            return UsageIntent("følg")
        return FollowIntent(FollowKind.TOPIC, " ".join(words))
    if words[0].lower() == CASE_WORD and len(words) > 1:  # "følg sag 83.02.00-A00-1-23"
        words = words[1:]
    if spaced := _spaced_kle(" ".join(words)):
        return FollowIntent(FollowKind.CASE, spaced)
    if len(words) == 1:
        token = normalise(words[0]).rstrip("?!.,;")
        if is_kle_prefix(token):
            return FollowIntent(FollowKind.PREFIX, token)
        if is_case_number(token):
            return FollowIntent(FollowKind.CASE, JournalNumber.parse(token).raw)
        if _ATTEMPT.fullmatch(token):
            return _malformed(token)
    topic = " ".join(words)
    return FollowIntent(FollowKind.TOPIC, topic) if any(c.isalnum() for c in topic) else UsageIntent("følg")


def _following(rest: str) -> Intent | None:
    return FollowingIntent() if not rest.strip(" ?!.") else None  # "følger kommunen loven?" is a question


def _stop(rest: str) -> Intent | None:
    ref = rest.strip().rstrip("?!.,;").lstrip("#").lower()
    if not ref:
        return UsageIntent("stop")
    if ref.isascii() and (ref.isdigit() or is_subscription_id(ref)):
        return StopIntent(ref)
    return None  # "stop for rygning i skoletiden?": a question


def _spaced_kle(text: str) -> str | None:
    """A KLE number written as several words (``01.02.03 - P20 - 1 - 23``), in its canonical form."""
    if len(text.split()) < 2:
        return None
    j = JournalNumber.try_parse(normalise(text).rstrip("?!.,;"))
    return j.raw if j is not None and j.is_kle else None


def is_case_number(token: str) -> bool:
    """A journal number as ``sag`` takes it: KLE, or another scheme that starts with a digit or holds four
    digits in a row (22-000015, EMN-2025-000517); "covid-19" parses, but is a word."""
    j = JournalNumber.try_parse(token)
    return j is not None and (j.is_kle or token[:1].isdigit() or re.search(r"\d{4}", token) is not None)


# first word -> its parser (None: the text is a question after all)
COMMANDS: dict[str, Callable[[str], Intent | None]] = {
    CASE_WORD: _case,
    **dict.fromkeys(("følg", "folg", "foelg"), _follow),
    **dict.fromkeys(("følger", "folger", "foelger"), _following),
    "stop": _stop,
}
_SUBCOMMANDS = set(COMMANDS) - {CASE_WORD}


# --- where a message came from ---------------------------------------------------------------------
class Surface(StrEnum):
    COMMAND = "command"  # a slash command (Slack /sag): its text is the sag command's argument
    MENTION = "mention"  # an @mention in a channel or group chat
    DIRECT = "direct"  # a direct message / personal chat


@dataclass(frozen=True)
class Context:
    """Where a message came from: ids only (for logs, and for following: whose subscription a ``følg`` makes).
    ``platform`` is "slack" or "teams"; ``user`` and ``channel`` are the platform's ids (a Teams channel's
    without ";messageid=…"). ``reachable``: the bot can post here later (Teams: only after a verified request,
    whose conversation reference is then stored; never in anonymous development mode)."""

    platform: str
    surface: Surface
    user: str | None = None
    channel: str | None = None
    reachable: bool = True
    event: str | None = None  # the platform's id of this message or event (Slack event_id, Teams activity id)

    def __post_init__(self) -> None:
        if not self.platform:
            raise ValueError("Context.platform is empty")
        object.__setattr__(self, "surface", Surface(self.surface))

    @property
    def owner(self) -> Owner | None:
        """Whose subscriptions a message here is about (bot/core/follow.py ``owner_of``)."""
        return owner_of(self.platform, self.surface is Surface.DIRECT, self.surface is Surface.COMMAND, self.user,
                        self.channel)


# --- the conversation ------------------------------------------------------------------------------
class Conversation:
    """Text from a chat platform -> Reply, through ``core`` (a Core: ``ask``, ``sag``).

    ``slash_command`` is the platform's slash command ("/sag" in Slack; None where there is none), named in
    the help. ``subscriptions`` is who follows what (None: following is not offered here).
    """

    def __init__(self, core: Core, slash_command: str | None = None,
                 subscriptions: Subscriptions | None = None) -> None:
        self.core = core
        self.slash_command = slash_command
        self.following = Following(subscriptions, slash_command)
        self._handlers: dict[type, Callable[[Intent, Context], Reply]] = {
            AskIntent: lambda i, c: answer_reply(self.core.ask(i.question)),
            CaseIntent: lambda i, c: timeline_reply(self.core.sag(i.query)),
            HelpIntent: lambda i, c: self.help(),
            MalformedCaseIntent: lambda i, c: Reply(messages.render("journal_malformed", text=i.text)),
            FollowIntent: lambda i, c: self.following.follow(c.owner, c.reachable, i.kind, i.query, c.user),
            FollowingIntent: lambda i, c: self.following.listing(c.owner),
            StopIntent: lambda i, c: self.following.stop(c.owner, i.ref),
            UsageIntent: lambda i, c: self.following.usage(i.command, c.owner),
        }
        self._pending: dict[type, Callable[[Intent], str]] = {  # intents that need the core, and what to say
            AskIntent: lambda i: messages.render("searching"),
            CaseIntent: lambda i: messages.render("looking_up_case", query=i.query),
        }

    def help(self) -> Reply:
        return Reply(messages.help_text(self.slash_command))

    def intent(self, text: str, context: Context) -> Intent:
        return parse_command(text) if context.surface is Surface.COMMAND else parse(text)

    def reply(self, text: str, context: Context) -> Reply:
        """The reply to ``text``. Never raises: errors become their Danish message or the apology."""
        return self.answer(self.intent(text, context), context)

    def answer(self, intent: Intent, context: Context) -> Reply:
        kind = type(intent).__name__
        started, code = time.perf_counter(), None
        try:
            reply = self._handlers[type(intent)](intent, context)
            outcome = reply.outcome or _snake(kind.removesuffix("Intent"))
        except BeslutError as e:
            reply, outcome, code = Reply(messages.user_message(e)), "refused", e.code
        except Exception:
            log.exception("%s %s: %s failed (user %s, channel %s)", context.platform, context.surface, kind,
                          context.user, context.channel)
            reply, outcome = apology(), "error"
        seconds = time.perf_counter() - started
        metrics.observe(context.platform, outcome, seconds, needed_core=type(intent) in self._pending)
        log.info("%s %s %s: %s%s in %d ms (channel %s, event %s)", context.platform, context.surface, kind, outcome,
                 f" ({code})" if code else "", seconds * 1000, context.channel, context.event,
                 extra={"platform": context.platform, "surface": str(context.surface), "intent": kind,
                        "outcome": outcome, "code": code, "latency_ms": round(seconds * 1000, 1),
                        "channel": context.channel, "event": context.event})
        return reply

    # --- platforms that must acknowledge at once (Slack's slash command: within 3 seconds) ----------
    def acknowledge(self, text: str, context: Context) -> Acknowledgement:
        """What to say at once, without calling the core: the whole reply when it needs no core (help, a
        malformed journal number), else what is being done ("Søger i referaterne …"), to be followed up."""
        intent = self.intent(text, context)
        pending = self._pending.get(type(intent))
        if pending:
            return Acknowledgement(Reply(pending(intent)), follows=True)
        return Acknowledgement(self.answer(intent, context), follows=False)

    def follow_up(self, text: str, context: Context) -> Reply | None:
        """The reply after ``acknowledge``; None when the acknowledgement was the whole reply."""
        intent = self.intent(text, context)
        return self.answer(intent, context) if type(intent) in self._pending else None


@dataclass(frozen=True)
class Acknowledgement:
    """``reply`` to show at once; ``follows``: it only says what is being done, the answer comes from
    ``Conversation.follow_up``."""

    reply: Reply
    follows: bool


def _snake(name: str) -> str:
    """"MalformedCase" -> "malformed_case"."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def apology() -> Reply:
    """The one apology for an unexpected failure (also for platform failures outside the router)."""
    return Reply(messages.render("apology"))

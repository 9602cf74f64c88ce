"""Slack end to end over HTTP: signed requests to the real app under uvicorn, a fake Web API on port 0.

The app runs on the bundled minutes (plus one crafted file) with the HashingEmbedder; assertions are on
the request bodies the fake Slack received, i.e. on what users would see.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import logging
import shutil
import re
import time
from contextlib import contextmanager

import pytest

from bot.core import messages
from conftest import store_and_core
from bot.compose import web_app
from bot.settings import Settings
from router_scenarios import PENDING, SCENARIOS, BrokenCore, check
from slack_fakes import (SECRET, TOKEN, FakeSlack, LiveServer, all_text, dm, event_body, mention, post_signed,
                         slash_body, text_objects)

JSON, FORM = "application/json", "application/x-www-form-urlencoded"
TELEFON = "hvad besluttede vi om telefontider?"


class SlowCore:
    """A Core that takes its time (a cold model, a big index): the ack must not wait for it."""

    def __init__(self, inner, delay: float) -> None:
        self.inner, self.delay = inner, delay

    def ask(self, question: str, k: int = 3):
        time.sleep(self.delay)
        return self.inner.ask(question, k)

    def sag(self, query: str):
        time.sleep(self.delay)
        return self.inner.sag(query)


@contextmanager
def serving(home, fake, wrap=None, **changes):
    """The web app on 127.0.0.1:0; yields the /slack/events URL. ``wrap`` turns the real core into another."""
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                        slack_api_url=fake.url).with_(**changes)
    with store_and_core(settings) as (store, core), \
            LiveServer(web_app(settings, wrap(core) if wrap else core, store)) as server:
        yield server.url + "/slack/events"


LATER_DM = "DLATER"  # quiet()'s later questions go to DMs DLATER0, DLATER1, …; the counts leave them out
_later = itertools.count()


def posts(fake, path="/chat.postMessage") -> list[dict]:
    """What ``path`` received, without the answers to quiet()'s later questions."""
    return [b for b in fake.bodies(path) if not str(b.get("channel", "")).startswith(LATER_DM)]


def answered_in(fake, channel: str) -> dict:
    """The first message posted to ``channel``, waited for."""
    return fake.first_post(lambda b: b.get("channel") == channel)


def quiet(url, fake, path="/chat.postMessage", n=0):
    """Asserts that ``path`` received exactly ``n`` calls (none by default) for the requests posted so far.

    An absence is checked after a positive signal, not after a sleep: a later DM is posted and its answer
    awaited. Bolt runs every listener, lazy ones (the slash command's answer) too, on one first-in-first-out
    pool, so each earlier request was picked up before the later one and had at least as long to post.
    """
    i = next(_later)
    assert post_signed(url, event_body(dm(TELEFON, channel=f"{LATER_DM}{i}"), event_id=f"EvLater{i}"), JSON)[0] == 200
    answered_in(fake, f"{LATER_DM}{i}")
    got = posts(fake, path)
    assert len(got) == n, [all_text(b)[:200] for b in got]


# --- answers ---------------------------------------------------------------------------------------
def test_mention_is_answered_in_the_thread_with_the_decision_and_its_citation(home, fake):
    with serving(home, fake) as url:
        status, _, elapsed = post_signed(url, event_body(mention(TELEFON, ts="1726000000.000777")), JSON)
        assert status == 200 and elapsed < 1.0
        (msg,) = fake.wait_for("/chat.postMessage")
    assert msg["channel"] == "C1" and msg["thread_ts"] == "1726000000.000777"
    assert msg["_auth"] == f"Bearer {TOKEN}"
    blocks = json.dumps(msg["blocks"], ensure_ascii=False)
    assert "83.02.00-A00-1-23" in blocks and "1. november 2024" in blocks
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23" in blocks
    assert "83.02.00-A00-1-23" in msg["text"]  # the plain-text fallback
    assert all(t["verbatim"] is True for t in text_objects(msg["blocks"]))
    assert msg["unfurl_links"] is False and "link_names" not in msg and "parse" not in msg


def test_source_link_is_shown_when_the_operator_sets_a_url_template(home, fake):
    template = "https://dagsorden.kommune.dk/{committee}/{date}#punkt{number}"
    with serving(home, fake, source_url_template=template) as url:
        post_signed(url, event_body(mention(TELEFON)), JSON)
        (msg,) = fake.wait_for("/chat.postMessage")
    assert "<https://dagsorden.kommune.dk/Chefforum/2024-09-11#punkt4|" in all_text(msg)


def test_direct_message_is_answered_in_the_dm(home, fake):
    with serving(home, fake) as url:
        post_signed(url, event_body(dm(TELEFON, channel="D42")), JSON)
        (msg,) = fake.wait_for("/chat.postMessage")
    assert msg["channel"] == "D42" and "thread_ts" not in msg
    assert "83.02.00-A00-1-23" in all_text(msg)


def test_abstention_is_answered_as_such_and_the_echoed_question_is_escaped_once(home, fake):
    with serving(home, fake) as url:  # Slack sends &, <, > in user text as entities
        post_signed(url, event_body(mention("zyxwv &amp; qqqq <!here> &lt;b&gt; wwwx?")), JSON)
        (msg,) = fake.wait_for("/chat.postMessage")
    text = all_text(msg)
    assert "Ingen beslutning fundet om: zyxwv &amp; qqqq &lt;b&gt; wwwx?" in text  # <!here> is Slack's, not asked
    assert "<!here>" not in text and "&amp;amp;" not in text


def test_what_chat_adds_to_a_question_is_not_part_of_it(home, fake):
    """A greeting, a link, a channel reference, an emoji and a signature around the question: the same answer as
    the question alone, never "intet om: Hej"; a thank-you alone gets the help, not punkter."""
    noisy = ("Hej <@U123>! " + TELEFON + " Jf. <#C123|ledelse> og <https://intra.kommune.dk/side|se her> :pray: /Anne")
    with serving(home, fake) as url:
        post_signed(url, event_body(mention(noisy), event_id="EvNoisy"), JSON)
        post_signed(url, event_body(dm("tak! :+1:", channel="D7"), event_id="EvThanks"), JSON)
        post_signed(url, event_body(dm(TELEFON, channel="D8", subtype="file_share"), event_id="EvFile"), JSON)
        answer = answered_in(fake, "C1")
        thanks = answered_in(fake, "D7")
        with_file = answered_in(fake, "D8")
    text = all_text(answer)
    assert "Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23" in text
    assert "intet om" not in text and "ledelse" not in text and "intra" not in text and "Anne" not in text
    assert messages.help_text("/sag") in thanks["text"] and "Det fandt jeg" not in all_text(thanks)
    assert "83.02.00-A00-1-23" in all_text(with_file)  # a question sent with a file is a person's question


def test_bot_messages_edits_and_own_posts_are_ignored(home, fake):
    ignored = [dm("svar", bot_id="B9"), dm("svar", subtype="bot_message"), dm("ny tekst", subtype="message_changed"),
               mention(TELEFON, bot_id="B9"), dm("mit eget svar", user="UBOT", bot_id="BBOT")]
    with serving(home, fake) as url:
        for n, ev in enumerate(ignored):
            assert post_signed(url, event_body(ev, event_id=f"EvBot{n}"), JSON)[0] == 200
        post_signed(url, event_body(dm(TELEFON), event_id="EvHuman"), JSON)
        fake.wait_for("/chat.postMessage")
        quiet(url, fake, n=1)


def test_empty_mention_shows_the_help_and_a_question_without_words_the_danish_user_message(home, fake):
    with serving(home, fake) as url:  # (the router's rule: nothing is a request for help)
        post_signed(url, event_body({**mention(""), "text": "<@UBOT>"}, event_id="Ev1"), JSON)
        post_signed(url, event_body(mention("-- ,,", ts="1726000000.000200"), event_id="Ev2"), JSON)
        empty, words = sorted(fake.wait_for("/chat.postMessage", n=2), key=lambda m: m["thread_ts"])
    assert messages.help_text("/sag") in empty["text"]
    assert messages.render("question_empty") in words["text"]


def test_an_exception_in_the_core_gives_a_short_danish_apology_and_a_logged_traceback(home, fake, caplog):
    caplog.set_level(logging.INFO)
    with serving(home, fake, wrap=lambda real: BrokenCore()) as url:
        post_signed(url, event_body(mention(TELEFON)), JSON)
        (msg,) = fake.wait_for("/chat.postMessage")
        post_signed(url, slash_body(fake.url, "83.02.00-A00-1-23"), FORM)
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc")
    for shown in (all_text(msg), all_text(hook)):
        assert messages.render("apology") in shown
        assert "hemmelig" not in shown and "RuntimeError" not in shown and "Traceback" not in shown
    assert "Traceback" in caplog.text and "RuntimeError: hemmelig" in caplog.text
    assert "telefontider" not in caplog.text and TOKEN not in caplog.text


def test_logs_carry_ids_never_tokens_or_message_text(home, fake, caplog):
    caplog.set_level(logging.INFO)
    with serving(home, fake) as url:
        post_signed(url, event_body(mention(TELEFON), event_id="EvLog1"), JSON)
        post_signed(url, slash_body(fake.url, "81.10.00-A26-1-24"), FORM)
        fake.wait_for("/chat.postMessage")
        fake.wait_for("/hooks/commands/T1/1/abc")
    assert "EvLog1" in caplog.text
    for secret in (TOKEN, SECRET, "telefontider", "81.10.00-A26-1-24", "tidsregistrering"):
        assert secret not in caplog.text


# --- the slash command -----------------------------------------------------------------------------
def test_sag_acks_at_once_with_a_slow_core_then_answers_ephemerally_at_the_response_url(home, fake):
    with serving(home, fake, wrap=lambda real: SlowCore(real, 2.0)) as url:
        status, body, elapsed = post_signed(url, slash_body(fake.url, "81.10.00-A26-1-24"), FORM)
        assert status == 200 and elapsed < 1.0, elapsed
        assert json.loads(body) == {"text": "Slår sag 81.10.00-A26-1-24 op …", "response_type": "ephemeral"}
        assert fake.count("/hooks/commands/T1/1/abc") == 0
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc", timeout=10)
    assert hook["response_type"] == "ephemeral" and hook["replace_original"] is False
    text = all_text(hook)
    assert "Sag 81.10.00-A26-1-24: 1 punkt, ældste først" in text
    assert "Implementering af lov om tidsregistrering" in text and "11. september 2024 · punkt 5" in text
    assert fake.count("/chat.postMessage") == 0  # ephemeral: nothing in the channel


CITATION = re.compile(r"Chefforum · (\d{1,2})\. (\w+) (\d{4}) · punkt (\d+) · sag (\S+)")
MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")


def citations(message: dict) -> list[tuple[str, dt.date, int]]:
    """(case, meeting date, punkt number) of each citation line a user sees in ``message``, in order."""
    shown = "\n".join(t["text"] for t in text_objects(message["blocks"]))
    return [(case, dt.date(int(year), MONTHS.index(month) + 1, int(day)), int(number))
            for day, month, year, number, case in CITATION.findall(shown)]


def test_sag_with_a_prefix_lists_the_cases_oldest_first(home, fake):
    with serving(home, fake) as url:
        post_signed(url, slash_body(fake.url, "83.02"), FORM)
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc")
        post_signed(url, slash_body(fake.url, "00.00", hook="many"), FORM)  # 12 punkter in 5 cases
        (many,) = fake.wait_for("/hooks/commands/T1/1/many")
    assert "83.02.00-A00-1-23" in all_text(hook)
    shown = citations(many)
    assert len(shown) == 12 and "Sag 00.00: 12 punkter i 5 sager, sag for sag, hver sags ældste først" in all_text(many)
    cases = [case for case, _, _ in shown]
    assert len({*cases}) == 5 and [c for c, _ in itertools.groupby(cases)] == list(dict.fromkeys(cases))  # together
    for case in set(cases):  # each case's punkter oldest first (meeting date, then punkt number)
        punkter = [(date, number) for c, date, number in shown if c == case]
        assert punkter == sorted(punkter), case
    assert [(d.isoformat(), n) for c, d, n in shown if c == "00.00.00-A00-2-21"] == [
        ("2021-01-21", 1), ("2021-01-21", 5), ("2021-03-17", 1), ("2021-03-17", 7), ("2021-09-02", 2),
        ("2021-09-02", 7), ("2021-09-02", 9)]


@pytest.mark.parametrize("text", ["", "hjælp", "  Hjælp "])
def test_sag_alone_or_hjaelp_explains_usage(home, fake, text):
    with serving(home, fake) as url:
        status, body, _ = post_signed(url, slash_body(fake.url, text), FORM)
        quiet(url, fake, "/hooks/commands/T1/1/abc")  # answered in the ack only
    assert status == 200
    usage = json.loads(body)
    assert usage["response_type"] == "ephemeral" and "Sådan bruger du /sag" in usage["text"]


def test_sag_with_words_is_answered_as_a_question(home, fake):
    with serving(home, fake) as url:
        status, body, _ = post_signed(url, slash_body(fake.url, TELEFON), FORM)
        assert json.loads(body)["text"] == messages.render("searching")
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc")
    assert "83.02.00-A00-1-23" in all_text(hook) and "1. november 2024" in all_text(hook)


def test_command_name_is_configurable(home, fake):
    with serving(home, fake, slack_command="/beslutning") as url:
        _, body, _ = post_signed(url, slash_body(fake.url, "", command="/beslutning"), FORM)
    assert "Sådan bruger du /beslutning" in json.loads(body)["text"]


def test_channel_allow_list(home, fake):
    with serving(home, fake, slack_allowed_channels=("COK",)) as url:
        post_signed(url, event_body(mention(TELEFON, channel="CNO"), event_id="Ev1"), JSON)
        _, body, _ = post_signed(url, slash_body(fake.url, "83.02", channel="CNO"), FORM)
        assert json.loads(body)["text"] == messages.render("slack_channel_not_allowed")
        quiet(url, fake)
        post_signed(url, event_body(mention(TELEFON, channel="COK"), event_id="Ev2"), JSON)
        post_signed(url, event_body(dm(TELEFON), event_id="Ev3"), JSON)  # DMs are always allowed
        answered_in(fake, "COK"), answered_in(fake, "D1")
        quiet(url, fake, "/hooks/commands/T1/1/abc")
        assert {m["channel"] for m in posts(fake)} == {"COK", "D1"} and len(posts(fake)) == 2


# --- safety ----------------------------------------------------------------------------------------
def test_bad_and_stale_signatures_get_401_and_nothing_is_posted(home, fake):
    body = event_body(mention(TELEFON))
    with serving(home, fake) as url:
        assert post_signed(url, body, JSON, secret="wrong-secret")[0] == 401
        assert post_signed(url, body, JSON, timestamp=int(time.time()) - 600)[0] == 401
        assert post_signed(url, slash_body(fake.url, "83.02"), FORM, secret="wrong-secret")[0] == 401
        assert post_signed(url, slash_body(fake.url, "83.02"), FORM, timestamp=int(time.time()) - 600)[0] == 401
        quiet(url, fake)
        quiet(url, fake, "/hooks/commands/T1/1/abc")


def test_url_verification_and_health(home, fake):
    with serving(home, fake) as url:
        status, body, _ = post_signed(url, json.dumps({"type": "url_verification", "challenge": "c-123"}), JSON)
        assert status == 200 and "c-123" in body
        import urllib.request

        with urllib.request.urlopen(url.replace("/slack/events", "/healthz")) as r:
            assert json.loads(r.read()) == {"ok": True}


def test_retries_are_answered_once_also_after_a_restart_on_the_same_store(home, fake):
    body = event_body(mention(TELEFON), event_id="EvRetry")
    with serving(home, fake) as url:
        assert post_signed(url, body, JSON)[0] == 200
        fake.wait_for("/chat.postMessage")
        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert post_signed(url, body, JSON, headers=retry)[0] == 200
        quiet(url, fake, n=1)
    with serving(home, fake) as url:  # a new process on the same store
        assert post_signed(url, body, JSON, headers={"X-Slack-Retry-Num": "2"})[0] == 200
        post_signed(url, event_body(dm(TELEFON), event_id="EvOther"), JSON)
        answered_in(fake, "D1")
        quiet(url, fake, n=2)


def test_minutes_text_with_slack_markup_arrives_inert(home, fake):
    with serving(home, fake) as url:
        post_signed(url, event_body(mention("hvad besluttede vi om kanalnotifikationer?")), JSON)
        post_signed(url, slash_body(fake.url, "00.01.00-A00-99-24"), FORM)
        (msg,) = fake.wait_for("/chat.postMessage")
        (hook,) = fake.wait_for("/hooks/commands/T1/1/abc")
    for shown in (msg, hook):
        texts = [shown["text"]] + [t["text"] for t in text_objects(shown["blocks"])]
        joined = "\n".join(texts)
        assert "Advarsel om kanalnotifikationer" in joined
        assert "<!channel>" not in joined and "<https://evil" not in joined
        assert "&lt;!channel&gt; og &lt;https://evil|kommune.dk&gt; &amp; *fed*" in joined
        assert "&lt;!channel&gt;" in shown["text"]  # the fallback too


# --- the router's scenario table (tests/router_scenarios.py), end to end ------------------------------
@pytest.fixture(scope="module")
def scenario_servers(seeded_home, tmp_path_factory):
    """One app on the real core and one on a broken core, with their fake Slack, for the whole table."""
    home = shutil.copytree(seeded_home, tmp_path_factory.mktemp("scenarios") / "home")
    fake = FakeSlack()
    settings = Settings(home=home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url)
    with store_and_core(settings) as (store, core), LiveServer(web_app(settings, core, store)) as real:
        with LiveServer(web_app(settings, BrokenCore(), store)) as broken:
            yield fake, real.url + "/slack/events", broken.url + "/slack/events"
    fake.close()


def shown_in_slack(message: dict) -> str:
    """What a user sees of a posted message: the texts of its blocks, unescaped (the fallback is checked too)."""
    texts = [t["text"] for t in text_objects(message.get("blocks", []))] or [message["text"]]
    return "\n".join(texts).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cites(message: dict) -> bool:
    return any(b["type"] == "context" for b in message.get("blocks", []))  # citation lines of listed punkter


SURFACES = [(s, where) for s in SCENARIOS for where in ("mention", "dm", "command")
            if where != "command" or s.command is not None]


@pytest.mark.parametrize("scenario, where", SURFACES, ids=[f"{s.id}-{w}" for s, w in SURFACES])
def test_router_scenarios(scenario_servers, scenario, where):
    fake, real, broken = scenario_servers
    url = broken if scenario.broken_core else real
    n = SURFACES.index((scenario, where))
    if where == "command":
        status, body, elapsed = post_signed(url, slash_body(fake.url, scenario.command, hook=f"scn{n}"), FORM)
        assert status == 200 and elapsed < 1.0
        ack = json.loads(body)
        assert ack["response_type"] == "ephemeral"
        if scenario.needs_core:
            assert ack["text"].startswith(PENDING) and "blocks" not in ack
            (shown,) = fake.wait_for(f"/hooks/commands/T1/1/scn{n}")
            assert shown["response_type"] == "ephemeral" and shown["replace_original"] is False
        else:  # the whole reply at once; nothing follows
            shown = ack
            quiet(url, fake, f"/hooks/commands/T1/1/scn{n}")
    else:
        ts = f"1726100000.{n:06d}"
        event = mention(scenario.text, ts=ts) if where == "mention" else dm(scenario.text, channel=f"DSCN{n}", ts=ts)
        assert post_signed(url, event_body(event, event_id=f"EvScn{n}"), JSON)[0] == 200
        shown = wait_for_post(fake, lambda m: m.get("thread_ts") == ts if where == "mention"
                              else m["channel"] == f"DSCN{n}")
    check(scenario, shown_in_slack(shown), cites(shown))
    for word in scenario.absent:
        assert word not in shown["text"]


def wait_for_post(fake, wanted) -> dict:
    """The one reply ``wanted`` accepts (a second one arriving just after fails)."""
    found = fake.first_post(wanted)
    time.sleep(0.05)
    assert len([m for m in fake.bodies("/chat.postMessage") if wanted(m)]) == 1  # one reply
    return found

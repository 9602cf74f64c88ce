"""Following in Slack end to end: `/sag følg` and `@beslut følg` as signed HTTP requests to the real web app,
new minutes read in with `beslut ingest`, `beslut notify` run twice as the operator would (the HashingEmbedder
instead of the model), and the fake Slack Web API recording what each DM and channel received."""
from __future__ import annotations

import json
import time
from contextlib import contextmanager

import pytest

from bot.cli import main as cli
from bot.compose import Wiring, web_app
from bot.settings import Settings
from conftest import store_and_core
from fakes import HashingEmbedder
from follow_minutes import (CASE, CASE_NEXT, CASE_NEXT_CITATION, CASE_NEXT_DECISION, TOPIC_CITATION, TOPIC_DECISION,
                            TOPIC_NEW, UNRELATED, write)
from slack_fakes import SECRET, TOKEN, LiveServer, all_text, event_body, mention, post_signed, slash_body

JSON, FORM = "application/json", "application/x-www-form-urlencoded"


@pytest.fixture
def env(home, fake, monkeypatch):
    """The environment `beslut` runs in: the copied home, the bot token and the fake Web API."""
    for k, v in {"BESLUT_HOME": str(home), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                 "SLACK_API_URL": fake.url}.items():
        monkeypatch.setenv(k, v)
    return Settings.from_env()


@contextmanager
def serving(settings: Settings):
    with store_and_core(settings) as (store, core), LiveServer(web_app(settings, core, store)) as server:
        yield server.url + "/slack/events"


def beslut(capsys, *argv: str) -> tuple[int, str, str]:
    """`beslut …` in this process, with the test embedder instead of the model."""
    code = cli.run(list(argv), lambda s: Wiring(s, embedder=HashingEmbedder()))
    out, err = capsys.readouterr()
    return code, out, err


def slash(url: str, fake, text: str, hook: str, user: str = "U1") -> dict:
    body = slash_body(fake.url, text, hook=hook).replace("user_id=U1", f"user_id={user}")
    status, answer, elapsed = post_signed(url, body, FORM)
    assert status == 200 and elapsed < 1.0
    ack = json.loads(answer)
    assert ack["response_type"] == "ephemeral"  # only the user sees it
    return ack


def posts(fake, channel: str) -> list[dict]:
    return [b for b in fake.bodies("/chat.postMessage") if b["channel"] == channel]


def test_following_a_case_and_a_topic_tells_each_once_in_the_right_place(env, fake, capsys, tmp_path):
    with serving(env) as url:
        ack = slash(url, fake, f"følg {CASE}", "f1")
        assert ack["text"].startswith(f"Du følger nu sag {CASE} (id ") and "/sag stop " in ack["text"]
        assert "direkte besked" in ack["text"]
        post_signed(url, event_body(mention("følg emne telefontider", channel="C7", ts="1726000000.000500"),
                                    event_id="EvF1"), JSON)
        (reply,) = fake.wait_for("/chat.postMessage")
        assert reply["channel"] == "C7" and reply["thread_ts"] == "1726000000.000500"
        assert "Kanalen følger nu emnet »telefontider« (id " in all_text(reply) and "@beslut stop " in reply["text"]
    fake.calls.clear()

    new = tmp_path / "nye"
    code, out, err = beslut(capsys, "ingest", str(write(new, "cf-2024-10-30.txt", CASE_NEXT)),
                            str(write(new, "oeu-2024-11-05.txt", TOPIC_NEW)))
    assert code == 0 and "2 nye" in out and "beslut notify" in err  # the hint: followers are waiting
    assert fake.calls == []  # ingest tells nobody itself

    code, out, err = beslut(capsys, "notify")
    assert code == 0 and "slack:user:U1: sag 83.02.00-A00-1-23: 1 punkt sendt til U1" in out
    assert "slack:channel:C7: emnet »telefontider«: 1 punkt sendt til C7" in out
    code, out, _ = beslut(capsys, "notify")  # the second run (a restart, the worker after the next sync)
    assert code == 0 and "0 beskeder sendt" in out

    (dm,) = posts(fake, "U1")  # chat.postMessage to the user id: the user's DM with the app
    (channel,) = posts(fake, "C7")
    assert len(fake.bodies("/chat.postMessage")) == 2 and "thread_ts" not in dm
    assert dm["text"].startswith(f"Nyt om sag {CASE}, som du følger: 1 punkt")
    for text, decision, citation in ((all_text(dm), CASE_NEXT_DECISION, CASE_NEXT_CITATION),
                                     (all_text(channel), TOPIC_DECISION, TOPIC_CITATION)):
        assert decision in text and citation in text
        assert not any(word in text for word in UNRELATED)
    assert all(t["verbatim"] is True for b in dm["blocks"] if "text" in b for t in [b["text"]])
    assert "Nyt om emnet »telefontider«, som kanalen følger: 1 punkt" in channel["text"]


def test_stop_works_and_only_for_the_owner(env, fake, capsys, tmp_path):
    with serving(env) as url:
        ack = slash(url, fake, f"følg {CASE}", "f1")
        sub_id = ack["text"].split("(id ")[1].split(")")[0]
        assert slash(url, fake, f"stop {sub_id}", "s0", user="U2")["text"].startswith(
            f"Du følger intet med nummer eller id {sub_id}")  # Bo cannot stop Anne's
        listed = slash(url, fake, "følger", "l1")["text"]
        assert f"1. sag {CASE} (id {sub_id})" in listed
        assert slash(url, fake, "stop 1", "s1")["text"] == f"Du følger ikke længere sag {CASE} (id {sub_id})."
        assert slash(url, fake, "følger", "l2")["text"].startswith("Du følger ingen sager eller emner.")
    beslut(capsys, "ingest", str(write(tmp_path / "nye", "cf.txt", CASE_NEXT)))
    code, out, _ = beslut(capsys, "notify")
    assert code == 0 and fake.count("/chat.postMessage") == 0 and "0 beskeder sendt" in out


def test_minutes_text_in_a_notification_is_escaped_as_in_answers(env, fake, capsys, tmp_path):
    with serving(env) as url:
        slash(url, fake, "følg 83.02", "f1")
    evil = CASE_NEXT.replace(CASE_NEXT_DECISION, "Chefforum skrev <!channel> og <https://evil|kommune.dk> & *fed*.")
    beslut(capsys, "ingest", str(write(tmp_path / "nye", "cf.txt", evil)))
    beslut(capsys, "notify")
    (dm,) = posts(fake, "U1")
    text = all_text(dm)
    assert "&lt;!channel&gt;" in text and "&lt;https://evil|kommune.dk&gt; &amp; *fed*" in text
    assert "<!channel>" not in text and "<https://evil" not in text


def test_a_channel_that_is_gone_pauses_its_subscription(env, fake, capsys, tmp_path):
    with serving(env) as url:
        post_signed(url, event_body(mention("følg emne telefontider", channel="C7"), event_id="EvF2"), JSON)
        fake.wait_for("/chat.postMessage")
    fake.calls.clear()
    fake.refuse["/chat.postMessage"] = {"ok": False, "error": "channel_not_found"}
    beslut(capsys, "ingest", str(write(tmp_path / "nye", "oeu.txt", TOPIC_NEW)))
    code, _, err = beslut(capsys, "notify")
    assert code == 1 and "slack:channel:C7: emnet »telefontider«: sat på pause" in err and "channel_not_found" in err
    assert fake.count("/chat.postMessage") == 1
    beslut(capsys, "notify")  # paused: not tried again
    assert fake.count("/chat.postMessage") == 1
    code, out, _ = beslut(capsys, "subscriptions", "--json")
    (sub,) = json.loads(out)
    assert (sub["status"], sub["paused_reason"], sub["notifications"]) == ("paused", "channel_not_found",
                                                                           {"failed": 1})


def test_operators_see_subscriptions_and_a_dry_run(env, fake, capsys, tmp_path):
    with serving(env) as url:
        slash(url, fake, f"følg {CASE}", "f1")
        post_signed(url, event_body(mention("følg emne telefontider", channel="C7"), event_id="EvF3"), JSON)
        fake.wait_for("/chat.postMessage")
    fake.calls.clear()
    code, out, _ = beslut(capsys, "subscriptions")
    assert code == 0 and f"slack:user:U1 → U1  sag {CASE}  [aktiv]" in out
    assert "slack:channel:C7 → C7  emnet »telefontider«  [aktiv]" in out
    beslut(capsys, "ingest", str(write(tmp_path / "nye", "cf.txt", CASE_NEXT)))
    code, out, _ = beslut(capsys, "notify", "--dry-run", "--json")
    report = json.loads(out)
    assert code == 0 and report["dry_run"] is True and report["subscriptions"] == 2 and report["candidates"] == 2
    (n,) = report["notifications"]
    assert (n["platform"], n["owner_kind"], n["owner_id"], n["target"], n["kind"], n["query"], n["outcome"]) == (
        "slack", "user", "U1", "U1", "case", CASE, "would_send")
    assert [(p["case_number"], p["decision"], p["amended"]) for p in n["punkter"]] == [
        (CASE, CASE_NEXT_DECISION, False)] and n["more"] == 0
    time.sleep(0.2)
    assert fake.count("/chat.postMessage") == 0  # a dry run sends nothing
    code, out, _ = beslut(capsys, "notify", "--json")
    assert [n["outcome"] for n in json.loads(out)["notifications"]] == ["sent"]
    assert fake.count("/chat.postMessage") == 1

"""Deep links: a punkt read from a publication site is cited with its page there (https only), its bilag
with theirs, in `ask --json`, `sag --json` and `show`, without any BESLUT_SOURCE_URL."""
from __future__ import annotations

import json

from bot import compose
from bot.compose import case_core, open_core
from bot.settings import Settings
from embeddings.ingest.firstagenda import minutes_from_document
from embeddings.store import Store
from fakes import HashingEmbedder
from site_fakes import meeting_doc, punkt_doc

SITE = "https://dagsordener.kommune.example"
DOC = meeting_doc("m-123", "Byrådet", "2026-08-26T17:00:00+02:00", [
    punkt_doc(1, "Busbilletter til pensionister", "26-000101", "p-9",
              "Byrådet vedtog at sænke taksten for pensionister med 20 procent.", "Billigere bus.",
              bilag=[("b-1", "Takstoversigt 2027"), ("b-2", "Høringssvar")])])
PUNKT = f"{SITE}/vis?id=m-123&punktid=p-9"
BILAG = [{"name": "Takstoversigt 2027", "url": f"{SITE}/vis/pdf/bilag/b-1/?redirectDirectlyToPdf=false"},
         {"name": "Høringssvar", "url": f"{SITE}/vis/pdf/bilag/b-2/?redirectDirectlyToPdf=false"}]


def stored(tmp_path, site: str = SITE) -> Settings:
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    store.replace_minutes(minutes_from_document(DOC, f"{site}/api/agenda/dagsorden/m-123", source_url=site),
                          f"{site}/api/agenda/dagsorden/m-123", "sha")
    return settings


def test_answers_and_case_timelines_cite_the_punkt_on_its_site(tmp_path):
    settings = stored(tmp_path)
    store = Store(settings.store_path)
    (hit,) = open_core(settings, HashingEmbedder(), store).ask("billigere bus for pensionister").hits
    assert hit.source_url == PUNKT and [(a.name, a.url) for a in hit.attachments] == [(b["name"], b["url"]) for b in BILAG]
    (item,) = case_core(settings, store).sag("26-000101").items
    assert item.source_url == PUNKT


def test_show_json_and_text_carry_the_links(tmp_path, capsys, monkeypatch):
    settings = stored(tmp_path)
    monkeypatch.setenv("BESLUT_HOME", str(settings.home))
    assert compose.main(["show", "2026-08-26#1", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["source_url"] == PUNKT and d["attachments"] == BILAG
    assert compose.main(["show", "2026-08-26#1"]) == 0
    out = capsys.readouterr().out
    assert PUNKT in out and "- Takstoversigt 2027: " + BILAG[0]["url"] in out


def test_a_site_over_plain_http_gets_no_links(tmp_path):
    settings = stored(tmp_path, site="http://dagsordener.kommune.example")
    (item,) = case_core(settings, Store(settings.store_path)).sag("26-000101").items
    assert item.source_url is None and all(a.url is None for a in item.attachments)
    assert [a.name for a in item.attachments] == ["Takstoversigt 2027", "Høringssvar"]


def test_chat_answers_show_one_compact_bilag_line_with_links(tmp_path):
    from bot.cli.render import reply_text
    from bot.core.reply import timeline_reply
    from bot.slack.blocks import to_messages
    from bot.teams.cards import reply_card

    settings = stored(tmp_path)
    reply = timeline_reply(case_core(settings, Store(settings.store_path)).sag("26-000101"))
    blocks = json.dumps([b for m in to_messages(reply) for b in m.blocks], ensure_ascii=False)
    assert f"Bilag: <{BILAG[0]['url']}|Takstoversigt 2027>, <{BILAG[1]['url']}|Høringssvar>" in blocks
    runs = [r for r in json.dumps(reply_card(reply), ensure_ascii=False).split('{"type": "TextRun"')]
    linked = [r for r in runs if '"selectAction"' in r]
    assert len(linked) == 2 and BILAG[0]["url"] in linked[0] and "Takstoversigt 2027" in linked[0]
    assert f"Bilag: Takstoversigt 2027 ({BILAG[0]['url']}), Høringssvar ({BILAG[1]['url']})" in reply_text(reply)


def test_two_meetings_of_one_committee_on_one_day_are_cited_with_their_start_times(tmp_path):
    settings = Settings(home=tmp_path / "home")
    store = Store(settings.store_path)
    for mid, when in (("m-a", "2025-09-08T16:00:00+02:00"), ("m-b", "2025-09-08T17:15:00+02:00"),
                      ("m-c", "2025-09-22T17:00:00+02:00")):
        doc = meeting_doc(mid, "Byrådet", when, [punkt_doc(1, f"Punkt fra {mid}", f"25-00{mid[-1]}", f"p-{mid}",
                                                           "Godkendt.", "Tekst.")])
        store.replace_minutes(minutes_from_document(doc, f"{SITE}/{mid}", source_url=SITE), f"{SITE}/{mid}", mid)
    core = case_core(settings, store)
    (first,) = core.sag("25-00a").items
    (second,) = core.sag("25-00b").items
    (alone,) = core.sag("25-00c").items
    from bot.core.reply import timeline_reply

    citations = [timeline_reply(core.sag(c)).items[0].citation for c in ("25-00a", "25-00b", "25-00c")]
    assert citations == ["Byrådet · 8. september 2025 kl. 16.00 · punkt 1 · sag 25-00a",
                         "Byrådet · 8. september 2025 kl. 17.15 · punkt 1 · sag 25-00b",
                         "Byrådet · 22. september 2025 · punkt 1 · sag 25-00c"]
    assert (first.meeting_start.isoformat(), second.meeting_start.isoformat(), alone.meeting_start) == (
        "16:00:00", "17:15:00", None)

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

"""Closed punkter (lukkede punkter) never leak: one rule for every importer, and no route shows their text.

A table of real-looking closed markers is written into text, Markdown, PDF and FirstAgenda JSON minutes.
Each closed punkt carries a secret word in its sections. After ingest the secret is nowhere in the store's
or the index's files, and no route (ask, sag, show, the digest, Slack, Teams) shows it; the open punkt next
to them is answered as usual. A store filled by the old rule is repaired by its migration.
"""
from __future__ import annotations

import dataclasses
import functools
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy

from bot import compose as cli
from bot.compose import open_core, update_index, web_app
from bot.digest.builder import DigestBuilder
from bot.core.week import IsoWeek
from bot.core.reply import digest_reply
from bot.cli.render import answer_json, answer_text, timeline_json, timeline_text
from bot.settings import Settings
from embeddings.closed import closed_line, closed_title, divider, strip_marker
from embeddings.ingest.files import ingest_paths
from embeddings.minutes import Meeting, Minutes, Punkt, Section, SectionName
from embeddings.search.retriever import Mode
from embeddings.store import Store
from fakes import HashingEmbedder
from html_fixtures import web_page
from pdf_fixtures import render_minutes
from slack_fakes import SECRET, TOKEN, dm, event_body, post_signed, slash_body
from teams_fakes import card_of, card_text, message, serve

from conftest import BUNDLED, store_and_core

# --- the rule, as a table -------------------------------------------------------------------------
CLOSED_TITLES = [
    "Lukket: Personalesag", "CF - Lukket: Personalesag", "ØU – Lukket – Køb af ejendom", "BU — LUKKET — Retssag",
    "lukket punkt - Tvist med entreprenør", "Salg af grund (Lukket)", "Salg af grund - lukket",
    "Salg af grund – LUKKET", "[Lukket] Retssag", "(lukket) Køb", "Økonomiudvalget - Lukket: Køb af ejendom",
    "CF ‑ Lukket Personalesag", "Lukket sag: Erstatningskrav", "Fortroligt: Personalesag",
    "Sak 4 Unntatt offentlighet",
    # the other wordings of "not public", as a segment of their own
    "Personalesag (ikke offentlig)", "Ikke offentligt punkt", "Personalesag - ikke-offentlig", "Ikke offentlig: Køb",
    "[Ikke offentlig] Køb", "Salg af grund – undtaget fra offentlighed", "Forlig (ikke til offentliggørelse)",
    "Fortroligt punkt - Klage", "Klage over ansættelse, fortroligt punkt", "Ikke offentligt punkt vedr. klage",
    # probe round 3
    "Salg af aktier (Lukket pkt.)", "Ekspropriation (lukket dagsordenspunkt)", "Lukket pkt. - Klagesag",
    # probe round 4
    "(L) Køb af jord ved Lunde", "Køb af jord (L)", "[L] Forlig",
]
OPEN_TITLES = [
    "Lokalplan (LP) for Vestby", "Model L for skolebyggeri",
    "Lukning af Strandskolen", "Lukketider på biblioteket", "Lukkede daginstitutioner genåbnes",
    "Ansøgning - lukket for nye ansøgere", "APV- og Trivselsundersøgelsen", "Budget 2025 – 1. behandling",
    "Udtalelse fra Ankestyrelsen, medlemmer af Byrådet skal have adgang til lukkede punkter under orlov",
    "Fortrolighed og GDPR i sagsbehandlingen",
    "Ikke offentlig vej ved Skovbrynet", "Aktindsigt i dokumenter undtaget fra offentlighed",
    "Offentliggørelse af referater", "Ikke offentlige toiletter i midtbyen", "Offentlighed i udvalgets møder",
]
CLOSED_LINES = ["Lukket punkt", "Punktet er lukket.", "LUKKET", "Lukket sag.", "Dette punkt er lukket",
                "Sagen behandles for lukkede døre", "Lukket punkt vedrørende en medarbejder", "Fortroligt:",
                "Punktet behandles som lukket punkt.", "Sagen er fortrolig.", "Behandles som et lukket punkt",
                "Ikke offentligt punkt.", "Ikke offentlig", "IKKE OFFENTLIGT PUNKT",
                "Punktet er undtaget fra offentlighed, jf. offentlighedslovens § 23.",
                "Sagen er undtaget offentligheden.", "Undtaget fra offentlighed, jf. offentlighedslovens § 30",
                "Ikke til offentliggørelse.", "Fortroligt punkt", "Fortroligt punkt vedrørende en medarbejder",
                "Sagen er ikke offentlig.",
                # probe round 3
                "Punktet blev behandlet på lukket møde.", "Punktet behandles på lukket møde.",
                "Lukket jf. KL § 10, stk. 2", "Lukket jf. § 10 i lov om kommunernes styrelse",
                "Sagen behandles i et lukket møde.", "Punktet er omfattet af tavshedspligt.", "Lukket beslutning.",
                "Sagen er undtaget aktindsigt jf. offentlighedslovens § 23.", "Punktet offentliggøres ikke.",
                # probe round 4: ESDH label lines, and who is confidential
                "Status: Lukket", "Åben/lukket: Lukket", "Lukket/åben: Lukket", "Offentlighed: Lukket",
                "Offentlighed: Nej", "Adgang: Lukket", "Behandling: Lukket", "Type: Lukket punkt",
                "Sagen er behandlet som fortrolig, jf. forvaltningslovens § 27.", "Beslutningen er fortrolig."]
OPEN_LINES = ["Lukket for nye ansøgninger pr. 1. maj.", "Chefforum besluttede at lukke sagen.",
              "Lukkede daginstitutioner genåbnes 1. juni.",
              "Referatet offentliggøres på hjemmesiden.", "Mødet er ikke offentligt for pressen.",
              "Ikke offentligt tilgængelige data bruges ikke.", "Fortrolig behandling af personoplysninger er vigtig.",
              "Undtaget fra offentligheden er dog bilag 3, som indeholder navne.",
              "Udvalget drøftede, om punktet er ikke offentligt.",
              "Lukket vej ved skolen åbnes igen.", "Punktet behandles på næste møde.",
              "Medarbejderne er omfattet af tavshedspligt efter forvaltningsloven, og det blev drøftet.",
              "Status: Godkendt", "Type: Beslutningssag", "Adgang: Alle borgere har adgang til hallen.",
              "Offentlighed: Ja", "Åben/lukket: Åben",
              "Planen offentliggøres ikke før høringen er slut, men udvalget godkendte den.",
              "Sagen blev behandlet på mødet i april."]
CLOSING_DIVIDERS = ["LUKKEDE PUNKTER", "Lukket møde", "Lukket del af mødet", "Punkter på lukket dagsorden",
                    "Lukket møde – punkt 3-4", "Lukket møde (pkt. 5 og 6)", "Ikke offentlige punkter",
                    "## Lukket del af mødet"]
OPENING_DIVIDERS = ["Åbne punkter", "Åben del af mødet", "Punkter på åben dagsorden", "Åbent møde - punkt 5-6"]
NOT_DIVIDERS = ["Lukket møde for pressen i rådhushallen", "Punkt 3: Lukket", "Mødet er lukket del af året",
                "Punkter på dagsordenen"]


@pytest.mark.parametrize("title", CLOSED_TITLES)
def test_closed_titles(title):
    assert closed_title(title)


@pytest.mark.parametrize("title", OPEN_TITLES)
def test_open_titles_that_look_alike(title):
    assert not closed_title(title)


@pytest.mark.parametrize("line", CLOSED_LINES)
def test_closed_first_lines(line):
    assert closed_line(line)


@pytest.mark.parametrize("line", OPEN_LINES)
def test_open_first_lines_that_look_alike(line):
    assert not closed_line(line)


@pytest.mark.parametrize("line", CLOSING_DIVIDERS)
def test_closing_dividers(line):
    assert divider(line) is True


@pytest.mark.parametrize("line", OPENING_DIVIDERS)
def test_opening_dividers(line):
    assert divider(line) is False


@pytest.mark.parametrize("line", NOT_DIVIDERS)
def test_lines_that_are_no_divider(line):
    assert divider(line) is None


@pytest.mark.parametrize("title, shown", [("Personalesag (ikke offentlig)", "Personalesag"),
                                          ("Fortroligt punkt - Klage", "Klage"), ("[Ikke offentlig] Køb", "Køb"),
                                          ("Ikke offentlig vej ved Skovbrynet", "Ikke offentlig vej ved Skovbrynet"), ("(L) Køb af jord", "Køb af jord")])
def test_the_other_wordings_are_not_part_of_the_shown_title(title, shown):
    assert strip_marker(title) == shown


# --- minutes in every format, with secrets in closed punkter --------------------------------------------
SECRET_WORD = "XYZZYHEMMELIG"
TOPIC = "afskedigelse af vicedirektøren på grund af samarbejdsvanskeligheder"
OPEN_DECISION = "Chefforum besluttede at indføre cykelparkering ved rådhuset fra 1. marts."
# (title, sections as (heading, text)) for each closed variant; every one is about TOPIC and holds the secret.
_BODY = f"Sagen handler om {TOPIC}. Kodeord {SECRET_WORD}."
TEXT_VARIANTS = [
    ("CF - Lukket: Personalesag", [("Sagsfremstilling", _BODY), ("Beslutning", f"Godkendt. {SECRET_WORD}")]),
    ("ØU – Lukket – Køb af ejendom", [("Beslutning", _BODY)]),
    ("CF — LUKKET — Retssag", [("Beslutning", _BODY)]),
    ("Personalesag (Lukket)", [("Anledning", _BODY)]),
    ("Personalesag – lukket", [("Beslutning", _BODY)]),
    ("Personalesag", [("", "Lukket punkt"), ("Beslutning", _BODY)]),  # the body's first line
    ("Personalesag", [("Sagsfremstilling", "Punktet er lukket."), ("Beslutning", _BODY)]),  # a section's
    ("Personalesag", [("Indstilling", f"Direktionen indstiller {TOPIC}."), ("Beslutning", f"Lukket sag. {_BODY}")]),
]
OPEN_PUNKT = ("Cykelparkering ved rådhuset", [("Beslutning", OPEN_DECISION)])


def _case(n: int) -> str:
    """Not consecutive: a journal number at the same place on consecutive pages that grows with the page
    would read as a running page counter in a PDF (embeddings/parse_pdf.py)."""
    return f"00.01.00-A00-{70 + 7 * n}-24"


def text_minutes(committee: str, day: str, markdown: bool = False) -> str:
    h = "## " if markdown else ""
    lines = [f"{'# ' if markdown else ''}REFERAT {committee} d. {day}", "", "Mødedato 11-09-2024 kl. 09:00", ""]
    for n, (title, sections) in enumerate(TEXT_VARIANTS + [OPEN_PUNKT], 1):
        lines += [f"{h}Punkt {n}: {title}", "", _case(n), ""]
        for heading, text in sections:
            if heading:
                lines += [f"{h}{heading}" if not markdown else f"**{heading}**", ""]
            lines += [text, ""]
    return "\n".join(lines)


JSON_VARIANTS = [  # (Navn, extra item fields, Felter html)
    ("Lukket: Personalesag", {}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("ØU – Lukket – Køb af ejendom", {}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Caption": "Lukket: Personalesag"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"IsClosed": True}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Lukket": "ja"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {}, f"<p>Lukket punkt</p><h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {}, f"<h3>Fremstilling</h3><p>{_BODY}</p><h3>Beslutning</h3><p>Punktet er lukket.</p>"),
    # flags and access fields named otherwise (probe round 3)
    ("Personalesag", {"IsClosedItem": True}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Aaben": False}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"IsPublished": False}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Access": "Lukket"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Visibility": "Private"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Offentlighed": "Lukket punkt"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Publiceres": False}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"PublicAccess": "nej"}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
    ("Personalesag", {"Offentliggoeres": 0}, f"<h3>Beslutning</h3><p>{_BODY}</p>"),
]


def json_minutes(committee: str, when: str) -> str:
    items = []
    for n, (title, extra, html) in enumerate(JSON_VARIANTS, 1):
        items.append({"Punktnummer": n, "Navn": title, "SagsNummer": _case(n), "IsOpen": True,
                      "Felter": [{"Navn": "", "Html": html}], "Bilag": [], **extra})
    items.append({"Punktnummer": len(items) + 1, "Navn": OPEN_PUNKT[0], "SagsNummer": "00.01.00-A00-99-24",
                  "IsOpen": False, "Aaben": True, "IsPublished": True, "Access": "Offentlig", "Type": "Beslutning",
                  "PublishedAt": None, "Publiceringsdato": "2024-09-12", "Offentliggoeres": True, "Felter": [{"Html": f"<h3>Beslutning</h3><p>{OPEN_DECISION}</p>"}], "Bilag": []})
    return json.dumps({"Udvalg": {"Navn": committee}, "Moede": {"Dato": when, "Sted": "Rådhuset"},
                       "Dagsordenpunkter": items}, ensure_ascii=False)


@pytest.fixture(scope="module")
def closed_home(tmp_path_factory) -> Path:
    """A store with the bundled minutes and one file per format holding every closed variant, indexed."""
    home = tmp_path_factory.mktemp("closed")
    src = home / "src"
    src.mkdir()
    (src / "tekst.txt").write_text(text_minutes("Tekstudvalget", "11-09-2024"), encoding="utf-8")
    (src / "markdown.md").write_text(text_minutes("Markdownudvalget", "11-09-2024", markdown=True), encoding="utf-8")
    (src / "pdf.pdf").write_bytes(render_minutes(text_minutes("Pdfudvalget", "11-09-2024")))
    (src / "side.html").write_text(web_page(text_minutes("Htmludvalget", "11-09-2024")), encoding="utf-8")
    (src / "json.json").write_text(json_minutes("Jsonudvalget", "2024-09-11T09:00:00+02:00"), encoding="utf-8")
    settings = Settings(home=home / "home", today=dt.date(2024, 9, 20))
    store = Store(settings.store_path)
    report = ingest_paths(store, [BUNDLED, src])
    assert not report.failed, [o.error for o in report.failed]
    update_index(settings, store, HashingEmbedder(), note=lambda s: None)
    store.close()
    return home / "home"


def _stored(home: Path) -> list[Punkt]:
    return [p for p in Store(home / "beslut.db").punkter() if p.meeting.committee.endswith("udvalget")]


def test_every_variant_in_every_format_is_stored_closed_without_text(closed_home):
    punkter = _stored(closed_home)
    by_committee: dict[str, list[Punkt]] = {}
    for p in punkter:
        by_committee.setdefault(p.meeting.committee, []).append(p)
    assert sorted(by_committee) == ["Htmludvalget", "Jsonudvalget", "Markdownudvalget", "Pdfudvalget", "Tekstudvalget"]
    for committee, ps in by_committee.items():
        *closed, open_one = sorted(ps, key=lambda p: p.number)
        variants = len(JSON_VARIANTS) if committee == "Jsonudvalget" else len(TEXT_VARIANTS)
        assert len(closed) == variants, committee
        for p in closed:
            assert p.closed and p.sections == (), (committee, p.number, p.raw_title)
            assert "lukket" not in p.title.lower(), p.title  # the marker is not part of the shown title
        assert not open_one.closed and open_one.decision == OPEN_DECISION, committee


def test_the_secret_is_in_no_file_of_the_store_or_the_index(closed_home):
    files = [f for f in closed_home.rglob("*") if f.is_file() and "models" not in f.parts]
    assert any(f.name == "beslut.db" for f in files) and any(f.name == "faiss.index" for f in files)
    for f in files:
        assert SECRET_WORD.encode() not in f.read_bytes(), f


def _leaks(text: str) -> bool:
    return SECRET_WORD.lower() in text.lower() or "samarbejdsvanskeligheder" in text.lower()


QUESTIONS = [f"hvad besluttede vi om {TOPIC}?", "afskedigelse af vicedirektøren", "personalesag samarbejdsvanskeligheder"]


def test_ask_sag_and_digest_never_show_closed_text(closed_home):
    settings = Settings(home=closed_home, today=dt.date(2024, 9, 20))
    core = open_core(settings, embedder=HashingEmbedder(), store=Store(settings.store_path))
    for q in QUESTIONS:
        for mode in Mode:
            a = core.ask(q, k=20, mode=mode)
            rendered = json.dumps(answer_json(a), ensure_ascii=False) + answer_text(a)
            assert not _leaks(rendered.replace(q, "")), (q, mode)
    for n in range(1, len(TEXT_VARIANTS) + 1):
        t = core.sag(_case(n))
        assert t.items == ()  # every punkt of the case is closed: nothing to cite
        assert not _leaks(json.dumps(timeline_json(t), ensure_ascii=False) + timeline_text(t))
    prefix = core.sag("00.01")
    assert [h.title for h in prefix.items].count(OPEN_PUNKT[0]) == 5 and not _leaks(timeline_text(prefix))
    digest = DigestBuilder(core.store, core.hit, dt.timezone.utc)(IsoWeek(2024, 37), None,
                                                                   dt.datetime(2024, 9, 20, tzinfo=dt.timezone.utc))
    text = digest_reply(digest).fallback
    assert OPEN_DECISION in text and not _leaks(text)


def test_show_prints_the_title_and_lukket_only(closed_home, capsys, monkeypatch):
    monkeypatch.setenv("BESLUT_HOME", str(closed_home))
    for committee in ("Tekstudvalget", "Pdfudvalget", "Jsonudvalget", "Htmludvalget"):
        for number in (1, 4):
            for extra in ([], ["--json"]):
                assert cli.main(["show", committee, f"2024-09-11#{number}", *extra]) == 0
                out = capsys.readouterr().out
                assert not _leaks(out) and ("Lukket punkt" in out or '"closed": true' in out)


def test_slack_and_teams_never_show_closed_text(closed_home, fake, connector):
    settings = Settings(home=closed_home, slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=fake.url,
                        teams_allow_anonymous=True, today=dt.date(2024, 9, 20))
    with store_and_core(settings) as (store, core), serve(web_app(settings, core, store)) as url:
        for i, q in enumerate(QUESTIONS):
            body = event_body(dm(q, ts=f"1726000001.00010{i}"), event_id=f"EvClosed{i}")
            assert post_signed(f"{url}/slack/events", body, "application/json")[0] == 200
            assert httpx.post(f"{url}/api/messages", json=message(q, connector.url), timeout=30).status_code in (200, 202)
        for n in (1, 6):
            form = slash_body(fake.url, _case(n), hook=f"h{n}")
            assert post_signed(f"{url}/slack/events", form, "application/x-www-form-urlencoded")[0] == 200
            r = httpx.post(f"{url}/api/messages", json=message(f"sag {_case(n)}", connector.url), timeout=30)
            assert r.status_code in (200, 202)
        fake.wait_for("/chat.postMessage", len(QUESTIONS))
        fake.wait_for("/hooks/commands/T1/1/h1")
        fake.wait_for("/hooks/commands/T1/1/h6")
        deadline = time.monotonic() + 10
        while len(connector.messages()) < len(QUESTIONS) + 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    slack_seen = json.dumps([b for _, b in fake.calls], ensure_ascii=False)
    teams_seen = "\n".join(card_text(card_of(m)) for m in connector.messages())
    assert len(connector.messages()) == len(QUESTIONS) + 2
    for q in QUESTIONS:
        slack_seen, teams_seen = slack_seen.replace(q, ""), teams_seen.replace(q, "")
    assert not _leaks(slack_seen) and not _leaks(teams_seen)


# --- repairing a store filled by the old rule ----------------------------------------------------------
def test_migration_closes_punkter_the_old_rule_stored_open(tmp_path):
    """Version 3 stores kept "CF - Lukket: ..." and "(Lukket)" punkter open, text and all: opening the store
    with this version closes them, drops their text and changes their content hash (so the index drops them)."""
    path = tmp_path / "old.db"
    old = Store(path)  # fill today's tables as the old rule did, then make it a version 3 store
    meeting = Meeting("Chefforum", dt.date(2024, 9, 11))
    leaked = [Punkt(meeting, n, raw, raw, sections=(Section(SectionName.BESLUTNING, _BODY),))
              for n, raw in enumerate(["CF - Lukket: Personalesag", "ØU – Lukket – Køb af ejendom",
                                       "Salg af grund (Lukket)"], 1)]
    body_marked = Punkt(meeting, 4, "Personalesag", "Personalesag",
                        sections=(Section(SectionName.OTHER, "Punktet er lukket."), Section(SectionName.BESLUTNING, _BODY)))
    fine = Punkt(meeting, 5, "Cykelparkering", "Cykelparkering",
                 sections=(Section(SectionName.BESLUTNING, OPEN_DECISION),))
    old.replace_minutes(Minutes(meeting, (*leaked, body_marked, fine)), "/src/old.txt", "sha-old")
    hashes = {p.number: p.content_hash for p in old.punkter()}
    old.close()
    with sqlite3.connect(path) as conn:  # back to version 3's tables: what came since goes
        for stmt in ("DROP INDEX meetings_source", "DROP TABLE attachments", "ALTER TABLE meetings DROP source_url",
                     "ALTER TABLE meetings DROP source_id", "ALTER TABLE meetings DROP concluded",
                     "ALTER TABLE punkter DROP source_id", "DROP INDEX punkter_changed_at",
                     "ALTER TABLE punkter DROP changed_at", "DROP TABLE beslut_minutes_version",
                     "PRAGMA user_version = 3"):
            conn.execute(stmt)

    repaired = Store(path)
    ps = {p.number: p for p in repaired.punkter()}
    assert [n for n, p in sorted(ps.items()) if p.closed] == [1, 2, 3, 4]
    assert all(not ps[n].sections and ps[n].content_hash != hashes[n] for n in (1, 2, 3, 4))
    assert ps[1].title == "Personalesag" and ps[3].title == "Salg af grund"
    assert ps[5].content_hash == hashes[5] and ps[5].decision == OPEN_DECISION
    texts = [r[0] for r in sqlite3.connect(path).execute("SELECT text FROM sections")]
    assert texts == [OPEN_DECISION] and repaired.integrity_problems() == []


def _punkt(meeting: Meeting, n: int, title: str, *texts: tuple[SectionName, str]) -> Punkt:
    return Punkt(meeting, n, title, title, sections=tuple(Section(name, text) for name, text in texts))


def _upgraded(database, stored: list[Punkt], from_version: str):
    """``stored`` (one meeting's punkter) kept as a store at ``from_version`` left them, then the store opened
    again as a new process opens it (it migrates). Returns the content hashes before, the store, its Database."""
    from embeddings.db import Database

    store = Store(database)
    store.replace_minutes(Minutes(stored[0].meeting, tuple(stored)), "/src/referat.txt", "sha")
    before = {p.number: p.content_hash for p in store.punkter()}
    with database.write() as conn:
        conn.execute(sqlalchemy.text(f"UPDATE beslut_minutes_version SET version_num = '{from_version}'"))
    store.close()
    again = Database(database.url.render_as_string(hide_password=False))
    return before, Store(again), again


def _section_texts(db) -> list[str]:
    with db.write() as conn:
        return [r[0] for r in conn.execute(sqlalchemy.text("SELECT text FROM sections"))]


def test_upgrading_closes_what_the_rule_has_learned_since_the_store_was_filled(database):
    """Stores filled before the rule knew "Punktet behandles som lukket punkt", "Sagen er fortrolig" and the
    "LUKKEDE PUNKTER" divider kept those punkter open (the divider as the last line of the punkt before):
    migration m0004 closes them, takes the divider out of that text and leaves the open punkter as they were."""
    from embeddings.store import MINUTES

    meeting = Meeting("Byrådet", dt.date(2025, 6, 24))
    punkt = functools.partial(_punkt, meeting)
    stored = [
        punkt(1, "Dagsorden", (SectionName.BESLUTNING, "Godkendt.")),
        punkt(2, "Personalesag", (SectionName.OTHER, "Punktet behandles som lukket punkt."),
              (SectionName.BESLUTNING, _BODY)),
        punkt(3, "Bibliotekspolitik", (SectionName.BESLUTNING, OPEN_DECISION + "\n\nLUKKEDE PUNKTER")),
        punkt(4, "Erstatningssag", (SectionName.BESLUTNING, _BODY)),
        punkt(5, "Opkøb", (SectionName.OTHER, "Sagen er fortrolig."), (SectionName.BESLUTNING, _BODY + "\n\nÅbne punkter")),
        punkt(6, "Eventuelt", (SectionName.BESLUTNING, "Intet.")),
        punkt(7, "Lukket: Salg af grund"),  # only a title: judged by it
    ]
    before, repaired, again = _upgraded(database, stored, "m0003")  # as an m0003 store left it
    assert repaired.db.version(MINUTES) == MINUTES.head()
    got = {p.number: p for p in repaired.punkter()}
    assert [n for n, p in got.items() if p.closed] == [2, 4, 5, 7]
    assert all(got[n].sections == () for n in (2, 4, 5))
    assert got[3].decision == OPEN_DECISION and got[3].content_hash != before[3]
    assert (got[1].content_hash, got[6].content_hash) == (before[1], before[6])
    assert got[3].content_hash == dataclasses.replace(stored[3 - 1], sections=(
        Section(SectionName.BESLUTNING, OPEN_DECISION),)).content_hash
    again.dispose()


# --- the other Danish wordings of "not public", end to end ---------------------------------------------
HIDDEN = "QWERTYFORTROLIG"
HIDDEN_BODY = f"Sagen handler om {TOPIC}. Kodeord {HIDDEN}."
UNPUBLIC_TEXT = {  # wording -> (title, sections as (heading, text)) of the closed punkt
    "title": ("Personalesag (ikke offentlig)", [("Beslutning", HIDDEN_BODY)]),
    "body line": ("Køb af ejendom", [("", "Ikke offentligt punkt."), ("Beslutning", HIDDEN_BODY)]),
    "sagsfremstilling": ("Salg af grund", [("Sagsfremstilling", "Punktet er undtaget fra offentlighed, jf. "
                                            "offentlighedslovens § 23."), ("Beslutning", HIDDEN_BODY)]),
    "beslutning": ("Forlig i voldgiftssag", [("Beslutning", f"Ikke til offentliggørelse.\n\n{HIDDEN_BODY}")]),
    "fortroligt punkt": ("Klage over ansættelse", [("", "Fortroligt punkt"), ("Beslutning", HIDDEN_BODY)]),
}
OPEN_AFTER = "Udvalget godkendte ferieplanen for 2027."


def _minutes_text(punkter: list[tuple[str, list[tuple[str, str]]]], dividers: dict[int, str] | None = None) -> str:
    """Text minutes of ``punkter`` (numbered from 1), with a divider line before the punkt numbered as its key."""
    lines = ["REFERAT Økonomiudvalget d. 17-11-2026", "", "Mødedato Tirsdag d. 17. november 2026 kl. 16:00", ""]
    for n, (title, sections) in enumerate(punkter, 1):
        if dividers and n in dividers:
            lines += [dividers[n], ""]
        lines += [f"Punkt {n}: {title}", "", _case(n), ""]
        for heading, text in sections:
            lines += ([heading, ""] if heading else []) + [text, ""]
    return "\n".join(lines)


def _ingest(tmp_path: Path, name: str, content: str) -> tuple[Path, dict[int, Punkt]]:
    src = tmp_path / "src"
    src.mkdir()
    (src / name).write_text(content, encoding="utf-8")
    store = Store(tmp_path / "store" / "beslut.db")
    report = ingest_paths(store, [src])
    assert not report.failed, [o.error for o in report.failed]
    got = {p.number: p for p in store.punkter()}
    store.close()
    return tmp_path / "store", got


def _hidden_nowhere(store_dir: Path) -> None:
    files = [f for f in store_dir.rglob("*") if f.is_file()]
    assert files
    for f in files:
        assert HIDDEN.encode() not in f.read_bytes(), f


@pytest.mark.parametrize("wording", UNPUBLIC_TEXT)
def test_text_minutes_close_the_other_wordings(tmp_path, wording):
    """Each wording closes its punkt in text minutes: no section stored, the secret in no file of the store;
    the open punkter before and after keep their decisions."""
    store_dir, got = _ingest(tmp_path, "referat.txt", _minutes_text([
        OPEN_PUNKT, UNPUBLIC_TEXT[wording], ("Ferieplan 2027", [("Beslutning", OPEN_AFTER)])]))
    assert got[2].closed and got[2].sections == ()
    assert got[2].title == UNPUBLIC_TEXT[wording][0].replace(" (ikke offentlig)", "")
    assert not got[1].closed and got[1].decision == OPEN_DECISION
    assert not got[3].closed and got[3].decision == OPEN_AFTER
    _hidden_nowhere(store_dir)


UNPUBLIC_JSON = {  # wording -> (Navn, extra item fields, Felter html) of the closed item
    "caption": ("Forældreklage", {"Caption": "Ikke offentligt punkt"}, f"<h3>Beslutning</h3><p>{HIDDEN_BODY}</p>"),
    "navn": ("Personalesag (ikke offentlig)", {}, f"<h3>Beslutning</h3><p>{HIDDEN_BODY}</p>"),
    "body line": ("Køb af ejendom", {}, f"<p>Ikke offentligt punkt.</p><h3>Beslutning</h3><p>{HIDDEN_BODY}</p>"),
    "fremstilling": ("Salg af grund", {}, "<h3>Fremstilling</h3><p>Punktet er undtaget fra offentlighed, jf. "
                     f"offentlighedslovens § 23.</p><h3>Beslutning</h3><p>{HIDDEN_BODY}</p>"),
    "beslutning": ("Forlig", {}, f"<h3>Beslutning</h3><p>Ikke til offentliggørelse.</p><p>{HIDDEN_BODY}</p>"),
    "fortroligt punkt": ("Klage", {}, f"<p>Fortroligt punkt</p><h3>Beslutning</h3><p>{HIDDEN_BODY}</p>"),
}


def _json_doc(items: list[tuple[str, dict, str]]) -> str:
    return json.dumps({"Udvalg": {"Navn": "Børne- og Ungeudvalget"}, "Moede": {"Dato": "2026-11-18T16:00:00+01:00"},
                       "Dagsordenpunkter": [{"Punktnummer": n, "Navn": navn, "SagsNummer": _case(n), "IsOpen": False,
                                             "Felter": [{"Navn": "", "Html": html}], "Bilag": [], **extra}
                                            for n, (navn, extra, html) in enumerate(items, 1)]}, ensure_ascii=False)


@pytest.mark.parametrize("wording", UNPUBLIC_JSON)
def test_firstagenda_json_closes_the_other_wordings(tmp_path, wording):
    store_dir, got = _ingest(tmp_path, "bu.json", _json_doc([
        (OPEN_PUNKT[0], {}, f"<h3>Beslutning</h3><p>{OPEN_DECISION}</p>"), UNPUBLIC_JSON[wording]]))
    assert got[2].closed and got[2].sections == ()
    assert not got[1].closed and got[1].decision == OPEN_DECISION
    _hidden_nowhere(store_dir)


@pytest.mark.parametrize("line", ["Lukket del af mødet", "Punkter på lukket dagsorden", "Lukket møde – punkt 3-4"])
def test_a_divider_closes_every_punkt_after_it_and_is_no_text(tmp_path, line):
    """The divider closes the punkter after it until "Punkter på åben dagsorden", and is not stored as the last
    paragraph of the open decision before it."""
    closed = ("Udbud af vinterdrift", [("Beslutning", HIDDEN_BODY)])
    store_dir, got = _ingest(tmp_path, "referat.txt", _minutes_text(
        [OPEN_PUNKT, closed, closed, ("Ferieplan 2027", [("Beslutning", OPEN_AFTER)])],
        dividers={2: line, 4: "Punkter på åben dagsorden"}))
    assert [n for n, p in sorted(got.items()) if p.closed] == [2, 3]
    assert got[1].decision == OPEN_DECISION and got[4].decision == OPEN_AFTER
    assert all(len(p.sections) == 1 for p in (got[1], got[4]))
    _hidden_nowhere(store_dir)


def test_an_l_marked_punkt_is_a_punkt_of_its_own_and_closed(tmp_path):
    """"Sag nr. 5: (L) Køb af jord": the header starts a punkt (it was read as the open punkt 4's text, with its
    secret decision), and "(L)" closes it; "Status: Lukket" under a header closes that punkt."""
    text = ("REFERAT Økonomiudvalget d. 21-04-2026\n\nSag nr. 4: Erstatningskrav\n\nBeslutning\n\n"
            f"{OPEN_DECISION}\n\nSag nr. 5: (L) Køb af jord ved Lunde\nSagsnr.: 02.34.02-G01-74-26\n\nBeslutning\n\n"
            f"{HIDDEN_BODY}\n\nSag nr. 6: Salg af ejendom\nStatus: Lukket\n\nBeslutning\n\n{HIDDEN_BODY}\n")
    store_dir, got = _ingest(tmp_path, "oeu.txt", text)
    assert [(n, p.closed) for n, p in got.items()] == [(4, False), (5, True), (6, True)]
    assert got[4].decision == OPEN_DECISION and got[5].title == "Køb af jord ved Lunde"
    _hidden_nowhere(store_dir)


def test_running_text_about_offentlighed_keeps_a_punkt_open(tmp_path):
    """Mentions of publicity in running text, a title about it, or mid-paragraph wordings close nothing."""
    sagsfremstilling = ("Referatet offentliggøres på hjemmesiden, men mødet er ikke offentligt for pressen, og sagen "
                        "er ikke offentlig før høringen.\n\nUdvalget bemærker, at punktet er ikke offentligt "
                        "tilgængeligt før godkendelsen. Fortroligt punkt for punkt blev materialet gennemgået.")
    punkter = [("Offentlighed i udvalgets møder", [("Sagsfremstilling", sagsfremstilling), ("Beslutning", OPEN_DECISION)]),
               ("Ikke offentlig vej ved Skovbrynet", [("Sagsfremstilling", "Mødet er ikke offentligt for pressen."),
                                                      ("Beslutning", OPEN_AFTER)])]
    _, got = _ingest(tmp_path, "referat.txt", _minutes_text(punkter))
    assert not any(p.closed for p in got.values())
    assert got[1].decision == OPEN_DECISION and got[2].decision == OPEN_AFTER
    assert got[1].sections[0].text == sagsfremstilling and got[2].title == "Ikke offentlig vej ved Skovbrynet"


def test_upgrading_closes_the_other_wordings_the_store_kept_open(database):
    """Stores filled before the rule knew the other wordings kept those punkter open (a divider as the last
    paragraph of the punkt before): migration m0006 closes them, takes the divider out of that text and leaves
    the open punkter as they were."""
    from embeddings.store import MINUTES

    meeting = Meeting("Økonomiudvalget", dt.date(2026, 11, 17))
    punkt = functools.partial(_punkt, meeting)
    stored = [
        punkt(1, "Dagsorden", (SectionName.BESLUTNING, "Godkendt.")),
        punkt(2, "Personalesag (ikke offentlig)", (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(3, "Køb af ejendom", (SectionName.OTHER, "Ikke offentligt punkt."), (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(4, "Salg af grund", (SectionName.SAGSFREMSTILLING, "Punktet er undtaget fra offentlighed, jf. § 23."),
              (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(5, "Forlig", (SectionName.BESLUTNING, f"Ikke til offentliggørelse.\n\n{HIDDEN_BODY}")),
        punkt(6, "Klage", (SectionName.OTHER, "Fortroligt punkt"), (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(7, "Offentlighed", (SectionName.BESLUTNING, "Mødet er ikke offentligt for pressen.")),
        punkt(8, "Bibliotekspolitik", (SectionName.BESLUTNING, OPEN_DECISION + "\n\nPunkter på lukket dagsorden")),
        punkt(9, "Vinterdrift", (SectionName.BESLUTNING, HIDDEN_BODY)),
    ]
    before, repaired, again = _upgraded(database, stored, "m0005")  # as an m0005 store left it
    assert repaired.db.version(MINUTES) == MINUTES.head()
    got = {p.number: p for p in repaired.punkter()}
    assert [n for n, p in got.items() if p.closed] == [2, 3, 4, 5, 6, 9]
    assert all(got[n].sections == () for n in (2, 3, 4, 5, 6, 9))
    assert got[2].title == "Personalesag"
    assert got[8].decision == OPEN_DECISION and got[8].content_hash != before[8]
    assert [got[n].content_hash for n in (1, 7)] == [before[1], before[7]]
    assert not any(HIDDEN in t for t in _section_texts(again))
    again.dispose()


def test_upgrading_closes_the_wordings_of_probe_round_3(database):
    """"(Lukket pkt.)", "Punktet blev behandlet på lukket møde.", "Lukket jf. KL § 10": a store filled before
    m0007 kept them open; the upgrade closes them and leaves an open punkt as it was."""
    from embeddings.store import MINUTES

    meeting = Meeting("Byrådet", dt.date(2026, 4, 27))
    punkt = functools.partial(_punkt, meeting)
    stored = [
        punkt(1, "Salg af aktier (Lukket pkt.)", (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(2, "Ansættelse", (SectionName.BESLUTNING, f"Punktet blev behandlet på lukket møde.\n\n{HIDDEN_BODY}")),
        punkt(3, "Grundsalg", (SectionName.SAGSFREMSTILLING, "Lukket jf. KL § 10, stk. 2"),
              (SectionName.BESLUTNING, HIDDEN_BODY)),
        punkt(4, "Orientering", (SectionName.BESLUTNING, "Punktet behandles på næste møde.")),
        punkt(5, "Erstatningskrav", (SectionName.SAGSFREMSTILLING, "Punktet er omfattet af tavshedspligt."),
              (SectionName.BESLUTNING, HIDDEN_BODY)),
    ]
    before, repaired, again = _upgraded(database, stored, "m0006")  # as an m0006 store left it
    assert repaired.db.version(MINUTES) == MINUTES.head()
    got = {p.number: p for p in repaired.punkter()}
    assert [n for n, p in got.items() if p.closed] == [1, 2, 3, 5]
    assert got[1].title == "Salg af aktier" and got[4].content_hash == before[4]
    assert not any(HIDDEN in t for t in _section_texts(again))
    again.dispose()

"""Minutes in layouts other municipalities publish (tests/data/unseen/), read as a user would check them: the
committee and day, every punkt's number, title and journal number, where each section starts and ends, closed
punkter without text. Each test here failed before the fix it names."""
from __future__ import annotations

import datetime as dt

import pytest

from embeddings.errors import InputError
from embeddings.ingest.sources import parse_source, read_source
from embeddings.ingest.text import parse_text
from embeddings.minutes import SectionName

from conftest import PROJECT

UNSEEN = PROJECT / "tests" / "data" / "unseen"


def read(name: str):
    return parse_source(read_source(UNSEEN / name)).minutes


def outline(minutes) -> list[tuple[str, str, str | None, bool]]:
    return [(p.label, p.title, p.journal.raw if p.journal else None, p.closed) for p in minutes.punkter]


def test_a_line_naming_the_municipality_is_not_the_committee():
    """"REFERAT" over "Holbæk Kommune" over "Kommunalbestyrelsen": the committee was "Holbæk Kommune", so the
    decision "Beslutning i Kommunalbestyrelsen den 18. juni 2025" was read as an earlier meeting's (Historik) and
    the punkt had no decision."""
    m = read("holbaek_kb_2025-06-18.txt")
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time) == (
        "Kommunalbestyrelsen", dt.date(2025, 6, 18), dt.time(17, 0))
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden", "EMN-2025-004411", False),
        ("2", "Regnskab 2024 for Holbæk Forsyning", "EMN-2025-003322", False),
        ("3", "Kommuneplantillæg nr. 12 for erhvervsområde ved Tåstrup", "EMN-2024-009876", False),
        ("4", "Køb af jord ved Holbæk Station", "EMN-2025-001199", True),
        ("5", "Personalesag", "EMN-2025-001200", True)]
    two, three = m.punkter[1], m.punkter[2]
    assert two.decision == "Taget til efterretning."
    assert [s.name for s in two.sections][-2:] == [SectionName.HISTORIK, SectionName.BESLUTNING]
    assert three.decision == "Vedtaget."
    assert all(not p.sections for p in m.punkter[3:])


@pytest.mark.parametrize("town", ["Københavns Kommune", "LYNGBY-TAARBÆK KOMMUNE", "Ringkøbing-Skjern Kommune"])
def test_the_municipality_line_is_passed_over_above_or_below_referat(town):
    below = parse_text(f"REFERAT\n\n{town}\nBørne- og Ungeudvalget\n03.03.2025\n\nPunkt 1: Budget\n\nBeslutning\n"
                       "Godkendt.\n", "x.txt").meeting
    above = parse_text(f"{town}\n\nReferat fra mødet den 3. marts 2025\n\nBørne- og Ungeudvalget\n\nPunkt 1: Budget\n"
                       "\nBeslutning\nGodkendt.\n", "x.txt").meeting
    assert (below.committee, below.date) == (above.committee, above.date) == ("Børne- og Ungeudvalget",
                                                                              dt.date(2025, 3, 3))


def test_a_municipality_line_alone_is_still_the_committee_as_before():
    m = parse_text("REFERAT\n\nHolbæk Kommune\n18.06.2025\n\nPunkt 1: Budget\n\nBeslutning\nGodkendt.\n", "x.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Holbæk Kommune", dt.date(2025, 6, 18))


def test_a_journal_number_alone_under_a_title_closes_the_header():
    """"Punkt 2." over its title over "2024-012345" (Aalborg's layout): the unlabelled number under the title
    kept punkter 2-4 from being headers, so their text, and punkt 4's "Lukket punkt.", became punkt 1's, which
    was then closed and lost its decision."""
    m = read("aalborg_byraadet_2025-03-24.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Byrådet", dt.date(2025, 3, 24))
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden", None, False),
        ("2", "Aalborg Kommunes regnskab 2024 - overførsler til 2025", "2024-012345", False),
        ("3", "Lokalplan 5-3-112 Boliger, Nørre Tranders Vej - endelig vedtagelse", "2023-004512", False),
        ("4", "Salg af grund i Vodskov", "2024-076543", True),
        ("5", "Eventuelt", None, False)]
    assert [p.decision for p in m.punkter] == ["Godkendt.", "Godkendt.", "Vedtaget med 28 stemmer for og 3 imod (Ø).",
                                               None, "Intet."]
    assert m.punkter[2].section(SectionName.BILAG).text == "Bilag 1: Høringsnotat\nBilag 2: Ændringer til lokalplanen"
    assert not m.punkter[3].sections


HEAD = "REFERAT Teknisk Udvalg d. 08-04-2025\n\n"


@pytest.mark.parametrize("number", ["2024-012345", "S2024-1234", "24/1234", "EMN-2025-000517", "05.13.00-P15-3-24",
                                    "05.13.00 - P15 - 3 - 24"])
@pytest.mark.parametrize("header", ["PUNKT {n}\n{title}", "{n}. {title}", "Pkt. {n} {title}"])
def test_every_header_form_takes_a_bare_journal_number_under_its_title(header, number):
    text = HEAD + "".join(header.format(n=n, title=title) + f"\n{number}\n\nBeslutning\n{decision}\n\n"
                          for n, title, decision in [(1, "Dagsorden", "Godkendt."), (2, "Trafikplan", "Vedtaget.")])
    m = parse_text(text, "x.txt")
    assert [(p.label, p.title, p.decision) for p in m.punkter] == [("1", "Dagsorden", "Godkendt."),
                                                                     ("2", "Trafikplan", "Vedtaget.")]
    assert {p.journal.raw for p in m.punkter} == {"05.13.00-P15-3-24" if "." in number[:3] else number}


@pytest.mark.parametrize("below", ["3.000", "12.03.2025", "2025-2028", "Godkendt."])
def test_an_amount_a_date_or_a_sentence_under_a_title_closes_no_header(below):
    """A line under the title that is no journal number leaves the line above no header, as before."""
    text = HEAD + "".join(f"PUNKT {n}\n{title}\n{below}\n\nBeslutning\nGodkendt.\n\n" for n, title in [(1, "Budget"),
                                                                                                   (2, "Regnskab")])
    with pytest.raises(InputError, match="no_punkter"):
        parse_text(text, "x.txt")


@pytest.mark.parametrize("number", ["24/1234", "25/12", "23/8890"])
def test_an_acadre_number_alone_on_its_line_is_no_page_number(number):
    """"24/1234" (year/serial) alone under a punkt header was dropped as page furniture ("3/12"), so the punkt
    had no journal number; a real page number "3/12" still goes."""
    m = parse_text(HEAD + f"Punkt 1: Budget\n{number}\n\nBeslutning\nGodkendt.\n\n3/12\n\nPunkt 2: Regnskab\n"
                          f"{number}\n\nBeslutning\nVedtaget.\n", "x.txt")
    assert [(p.journal.raw if p.journal else None, p.decision) for p in m.punkter] == [
        (number, "Godkendt."), (number, "Vedtaget.")]


def test_more_section_headings_start_sections_of_their_own():
    """"Administrationens indstilling" under "Lovgrundlag" was glued into the Sagsfremstilling, so the punkt had no
    Indstilling; "Sagsresumé" was text of an 'Andet' section; "Lovgrundlag", "Høring" and "Tidligere beslutninger"
    were text of the section above."""
    m = read("fredensborg_md_2025-05-12.md")
    two = m.punkter[1]
    assert [(s.name, s.heading) for s in two.sections] == [
        (SectionName.RESUME, "Sagsresumé"), (SectionName.SAGSFREMSTILLING, "Sagsfremstilling"),
        (SectionName.OTHER, "Lovgrundlag"), (SectionName.INDSTILLING, "Administrationens indstilling"),
        (SectionName.BESLUTNING, "Udvalgets beslutning")]
    assert two.section(SectionName.SAGSFREMSTILLING).text.endswith("fra den 19. maj til den 30. juni 2025.")
    assert two.section(SectionName.INDSTILLING).text == (
        "Administrationen indstiller, at forslaget sendes i offentlig høring i seks uger.")
    assert two.decision == "Godkendt, idet høringsperioden forlænges til den 15. august 2025 på grund af sommerferien."
    vejle = read("vejle_udvalg_2025-04-08.txt").punkter[1]
    assert [(s.name, s.heading) for s in vejle.sections] == [
        (SectionName.SAGSFREMSTILLING, "Sagsbeskrivelse"), (SectionName.OTHER, "Lovgrundlag"),
        (SectionName.OTHER, "Høring"), (SectionName.HISTORIK, "Tidligere beslutninger"),
        (SectionName.INDSTILLING, "Indstilling"), (SectionName.BESLUTNING, "Beslutning")]
    assert vejle.section(SectionName.OTHER).text == "Færdselslovens § 92 og vejlovens § 10."
    assert vejle.decision == "Godkendt, idet projektet ved Grejsdalsvej flyttes frem til 2025."


@pytest.mark.parametrize("heading, name", [
    ("Indstilling fra forvaltningen", SectionName.INDSTILLING), ("Direktionens indstilling", SectionName.INDSTILLING),
    ("Forslag til beslutning", SectionName.INDSTILLING), ("Sagsresume", SectionName.RESUME),
    ("Tidligere politisk behandling", SectionName.HISTORIK), ("Økonomiske konsekvenser", SectionName.OTHER),
    ("Personalemæssige og administrative konsekvenser", SectionName.OTHER), ("Beslutningstema", SectionName.OTHER),
    ("Problemstilling", SectionName.OTHER), ("Løsning", SectionName.OTHER)])
def test_a_heading_splits_the_sagsfremstilling_and_never_takes_the_decision(heading, name):
    text = (HEAD + "Punkt 1: Budget\n\nSagsfremstilling\nForvaltningen har lavet et forslag.\n\n"
            f"{heading}\nTekst under overskriften.\n\nBeslutning\nGodkendt.\n")
    p = parse_text(text, "x.txt").punkter[0]
    assert [(s.name, s.heading, s.text) for s in p.sections] == [
        (SectionName.SAGSFREMSTILLING, "Sagsfremstilling", "Forvaltningen har lavet et forslag."),
        (name, heading, "Tekst under overskriften."), (SectionName.BESLUTNING, "Beslutning", "Godkendt.")]


@pytest.mark.parametrize("wrapped", ["høringssvar.", "løsning", "økonomi."])
def test_a_heading_word_ending_a_wrapped_sentence_stays_text(wrapped):
    """"Der er indkommet 23" / "høringssvar.": the end of a sentence, not a heading."""
    text = HEAD + f"Punkt 1: Budget\n\nSagsfremstilling\nDer er indkommet 23 svar og en\n{wrapped}\n\nBeslutning\nGodkendt.\n"
    p = parse_text(text, "x.txt").punkter[0]
    assert [s.name for s in p.sections] == [SectionName.SAGSFREMSTILLING, SectionName.BESLUTNING]
    assert p.sections[0].text == f"Der er indkommet 23 svar og en\n{wrapped}"


@pytest.mark.parametrize("line", ["Der er ingen konsekvenser", "Det har store konsekvenser"])
def test_a_sentence_about_consequences_stays_text(line):
    text = HEAD + f"Punkt 1: Budget\n\nSagsfremstilling\nTekst.\n\n{line}\n\nBeslutning\nGodkendt.\n"
    assert [s.name for s in parse_text(text, "x.txt").punkter[0].sections] == [SectionName.SAGSFREMSTILLING,
                                                                                SectionName.BESLUTNING]


def test_dagsordenpunkt_alone_over_its_title():
    """"Dagsordenpunkt 2" over its title over "Sagsnr.: ..." (an ePublicering export) was no header: the file was
    refused ("ingen punkter fundet")."""
    m = read("odense_epub_2025-03-05.txt")
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time) == (
        "Økonomiudvalget", dt.date(2025, 3, 5), dt.time(9, 0))
    assert outline(m) == [
        ("1", "Godkendelse af dagsorden", None, False),
        ("2", "Ny skole i Hjallese - principbeslutning om placering", "27.00.00-P20-1-24", False),
        ("3", "Takster for dagtilbud 2025 - tillæg", "S2024-1234", False),
        ("4", "Køb af ejendom", "82.02.00-G01-4-25", True),
        ("5", "Orientering om likviditet ultimo februar 2025", "00.30.10-S00-1-25", False)]
    two = m.punkter[1]
    assert [s.name for s in two.sections] == [SectionName.RESUME, SectionName.SAGSFREMSTILLING,
                                              SectionName.INDSTILLING, SectionName.BESLUTNING, SectionName.BILAG]
    assert two.decision == "Anbefales over for byrådet.\n\nChristoffer Lilleholt (V) kunne ikke anbefale indstillingen."
    assert [p.decision for p in m.punkter[2:]] == ["Godkendt.", None, "Taget til efterretning."]


@pytest.mark.parametrize("header", ["Dagsordenpunkt {n}", "DAGSORDENSPUNKT {n}", "Sag nr. {n}", "SAG NR. {n}",
                                    "Dagsordenpunkt {n} {title}", "Sag nr. {n} {title}"])
def test_dagsordenpunkt_and_sag_nr_read_like_punkt_without_a_separator(header):
    text = HEAD + "".join(header.format(n=n, title=title) + ("" if "{title}" in header else f"\n{title}")
                          + f"\n\nBeslutning\n{decision}\n\n"
                          for n, title, decision in [(1, "Dagsorden", "Godkendt."), (2, "Trafikplan", "Vedtaget.")])
    m = parse_text(text, "x.txt")
    assert [(p.label, p.title, p.decision) for p in m.punkter] == [("1", "Dagsorden", "Godkendt."),
                                                                     ("2", "Trafikplan", "Vedtaget.")]


def test_a_sentence_naming_sag_nr_stays_text():
    text = HEAD + ("Punkt 1: Dagsorden\n\nSagsfremstilling\nSe også\n\nSag nr. 4 blev udsat på sidste møde.\n\n"
                   "Beslutning\nGodkendt.\n")
    assert [p.label for p in parse_text(text, "x.txt").punkter] == ["1"]


def test_a_word_table_of_contents_with_tabbed_page_numbers_is_no_punkter():
    """A Word export's contents list "4. Ejendomssag (Lukket)<tab>6" (no dot leaders) broke the bare numbered
    headers' run (4, then 1) and the file was refused; with "Punkt N:" headers it raised duplicate_punkt."""
    m = read("roskilde_word_2025-02-26.txt")
    assert (m.meeting.committee, m.meeting.date) == ("Byrådet", dt.date(2025, 2, 26))
    assert outline(m) == [("1", "Godkendelse af dagsorden", None, False),
                          ("2", "Boligsocial helhedsplan for Æblehaven og Rønnebærparken", "24/1234", False),
                          ("3", "Anlægsregnskab - Musicon, etape 3", "23/8890", False),
                          ("4", "Ejendomssag", "25/0042", True)]
    assert [p.decision for p in m.punkter] == ["Godkendt.", "Godkendt.", "Godkendt.", None]
    text = HEAD + ("Indholdsfortegnelse\nPunkt 1: Dagsorden\t2\nPunkt 2: Trafikplan\t3\n\n"
                   "Punkt 1: Dagsorden\n\nBeslutning\nGodkendt.\n\nPunkt 2: Trafikplan\n\nBeslutning\nVedtaget.\n")
    assert [(p.label, p.decision) for p in parse_text(text, "x.txt").punkter] == [("1", "Godkendt."),
                                                                                  ("2", "Vedtaget.")]


def test_layouts_that_read_right_at_once_stay_so():
    """Markdown with "Sags ID:" and "Beslutning i Magistraten" (Aarhus), a web page (Gribskov) and "Økonomiudvalgets
    beslutning den ..." under "Beslutning" (København): committee, day, punkter and decisions."""
    aarhus = read("aarhus_magistraten_2025-03-03.md")
    assert (aarhus.meeting.committee, aarhus.meeting.date) == ("Magistraten", dt.date(2025, 3, 3))
    assert outline(aarhus) == [("1", "Byrådsindstilling om ny bymidteplan", "EMN-2024-012345", False),
                               ("2", "Temadrøftelse om klimaplan 2025-2030", "EMN-2025-000517", False),
                               ("3", "Salg af byggefelt på Aarhus Ø", "EMN-2025-001122", True),
                               ("4", "Eventuelt", None, False)]
    assert aarhus.punkter[0].decision.startswith("Magistraten anbefaler indstillingen over for byrådet.")
    web = read("gribskov_web_2025-01-28.html")
    assert (web.meeting.committee, web.meeting.date) == ("Kommunalbestyrelsen", dt.date(2025, 1, 28))
    assert [(p.label, p.closed, p.decision) for p in web.punkter] == [
        ("1", False, "Godkendt."), ("2", False, "Godkendt med 21 stemmer for og 4 imod (O og D)."), ("3", True, None),
        ("4", False, "Taget til efterretning.")]
    kbh = read("kbh_oekonomiudvalget_2025-03-04.txt")
    assert (kbh.meeting.committee, kbh.meeting.date) == ("Økonomiudvalget", dt.date(2025, 3, 4))
    assert [(p.label, p.closed, p.decision) for p in kbh.punkter] == [
        ("1", False, "Dagsordenen blev godkendt."),
        ("2", False, "Indstillingen blev anbefalet over for Borgerrepræsentationen uden afstemning."),
        ("3", False, "Indstillingen blev godkendt med den ændring, at projektet i Valby Parkvej prioriteres før "
                     "projektet på\nAmagerbrogade.\n\nEnhedslisten ønskede sin stemme ført til referat."),
        ("4", True, None), ("5", False, "Intet.")]
    assert [s.heading for s in kbh.punkter[1].sections][1:3] == ["Problemstilling", "Løsning"]


def test_a_journal_number_in_brackets_ending_the_title_is_the_punkts():
    """"Anlægsbevilling til renovering af Sundbyøster Hal (2024-0612345)" (København): the number stayed in the title
    and the punkt had no journal number, so `sag 2024-0612345` found nothing."""
    assert outline(read("kbh_oekonomiudvalget_2025-03-04.txt")) == [
        ("1", "Godkendelse af dagsorden", "2025-0001234", False),
        ("2", "Anlægsbevilling til renovering af Sundbyøster Hal", "2024-0612345", False),
        ("3", "Udmøntning af puljen til klimatilpasning 2025", "2025-0045678", False),
        ("4", "Salg af ejendommen Vesterbrogade 120", "2024-0998877", True),
        ("5", "Eventuelt", None, False)]


@pytest.mark.parametrize("number", ["EMN-2025-000517", "25/8890", "83.02.00-A00-1-23", "22-000015"])
def test_every_scheme_in_brackets_ending_a_title_is_read(number):
    p = parse_text(HEAD + f"Punkt 1: Vandløbsregulativ for Kobberå ({number})\n\nBeslutning\nGodkendt.\n",
                   "x.txt").punkter[0]
    assert (p.title, p.journal.raw) == ("Vandløbsregulativ for Kobberå", number)


@pytest.mark.parametrize("brackets", ["(2024)", "(BUU)", "(3.000 kr.)", "(FN-2030)", "(2025-2028)",
                                      "(2024-0612345 og 2024-0612346)", "(se sag 2024-0612345)"])
def test_other_brackets_ending_a_title_stay_in_it(brackets):
    p = parse_text(HEAD + f"Punkt 1: Vandløbsregulativ for Kobberå {brackets}\n\nBeslutning\nGodkendt.\n",
                   "x.txt").punkter[0]
    assert (p.title, p.journal) == (f"Vandløbsregulativ for Kobberå {brackets}", None)


def test_a_number_below_the_title_wins_over_a_different_one_in_brackets():
    p = parse_text(HEAD + "Punkt 1: Vandløbsregulativ (2024-0612345)\nSagsnr.: 2025-000111\n\nBeslutning\nGodkendt.\n",
                   "x.txt").punkter[0]
    assert (p.title, p.journal.raw) == ("Vandløbsregulativ (2024-0612345)", "2025-000111")


def test_an_empty_beslutning_over_the_decisions_own_heading_is_no_section():
    """"Beslutning" over "Økonomiudvalgets beslutning den 4. marts 2025" (København): an empty Beslutning section
    came first, and `beslut show` printed the heading with nothing under it."""
    kbh = read("kbh_oekonomiudvalget_2025-03-04.txt")
    assert [[(s.name, s.heading) for s in p.sections if s.name is SectionName.BESLUTNING] for p in kbh.punkter] == (
        [[(SectionName.BESLUTNING, "Økonomiudvalgets beslutning den 4. marts 2025")]] * 3 + [[]]
        + [[(SectionName.BESLUTNING, "Økonomiudvalgets beslutning den 4. marts 2025")]])
    assert all(s.text for p in kbh.punkter for s in p.sections)


KBH_HEAD = "Referat\nØkonomiudvalget\nTirsdag den 4. marts 2025 kl. 15.30\n\n"


@pytest.mark.parametrize("chain", ["Beslutning i Økonomiudvalget den 4. marts 2025",
                                   "Økonomiudvalget den 4. marts 2025:", "Økonomiudvalgets beslutning"])
def test_every_form_naming_this_meetings_decision_takes_an_empty_beslutnings_place(chain):
    p = parse_text(KBH_HEAD + f"Punkt 1: Budget\n\nBeslutning\n\n{chain}\nGodkendt.\n", "x.txt").punkter[0]
    assert [(s.name, s.text) for s in p.sections] == [(SectionName.BESLUTNING, "Godkendt.")]


@pytest.mark.parametrize("decision, expected", [
    ("Beslutning\nUdsat.\n\nØkonomiudvalgets beslutning den 4. marts 2025\nGodkendt.\n",
     [(SectionName.BESLUTNING, "Udsat."), (SectionName.BESLUTNING, "Godkendt.")]),
    ("Beslutning\n\nByrådet den 24. februar 2025:\nOversendt.\n",
     [(SectionName.BESLUTNING, ""), (SectionName.HISTORIK, "Oversendt.")]),
    ("Beslutning\n\nNy beslutning\nGodkendt.\n",
     [(SectionName.BESLUTNING, ""), (SectionName.BESLUTNING, "Godkendt.")])])
def test_a_beslutning_with_text_or_over_another_heading_keeps_its_section(decision, expected):
    p = parse_text(KBH_HEAD + f"Punkt 1: Budget\n\n{decision}", "x.txt").punkter[0]
    assert [(s.name, s.text) for s in p.sections] == expected


def test_who_attended_and_when_the_meeting_started_under_other_labels():
    """"Deltagere:", "Medlemmer:" (on the label's line or below it) and "Starttidspunkt: 18:00" were not read: the
    meeting had no participants and, in Roskilde's minutes, no start time."""
    people = {name: read(name).meeting.participants for name in (
        "kbh_oekonomiudvalget_2025-03-04.txt", "odense_epub_2025-03-05.txt", "aalborg_byraadet_2025-03-24.txt")}
    assert people == {
        "kbh_oekonomiudvalget_2025-03-04.txt": ("Sophie Hæstorp Andersen (A)", "Karina Vestergård Madsen (F)",
                                                "Jakob Næsager (C)"),
        "odense_epub_2025-03-05.txt": ("Peter Rahbæk Juel", "Christoffer Lilleholt", "Brian Skov Nielsen"),
        "aalborg_byraadet_2025-03-24.txt": ("Lasse Frimand Jensen", "Jan Nymark Thaysen", "Mai-Britt Iversen")}
    assert read("roskilde_word_2025-02-26.txt").meeting.start_time == dt.time(18, 0)


NAMED_HEAD = "Referat for Teknisk Udvalg\nDato: 08.04.2025\n"


@pytest.mark.parametrize("listed", [
    "Til stede:\n- Anne Hansen (V), formand\n- Bo Berg (A)\n- Carl Dam (F)\n",
    "Fremmødte: Anne Hansen (V), formand, Bo Berg (A)\nog Carl Dam (F)\n",
    "FREMMØDTE\nAnne Hansen (V), formand\nBo Berg (A) og Carl Dam (F)\n",
    "Deltagere:\tAnne Hansen (V), formand, Bo Berg (A),\nCarl Dam (F)\nFraværende: Dorte Eg (O)\n",
    "Mødedeltagere: Formand Anne Hansen (V), formand, Bo Berg (A), Carl Dam (F)\n"])
def test_participants_on_the_labels_line_or_one_a_line_below_it(listed):
    m = parse_text(NAMED_HEAD + f"\n{listed}\nPunkt 1: Budget\n\nBeslutning\nGodkendt.\n", "x.txt").meeting
    assert m.participants == ("Anne Hansen (V), formand", "Bo Berg (A)", "Carl Dam (F)")


@pytest.mark.parametrize("preamble", ["Deltagere blev budt velkommen af formanden.\n",
                                      "Deltagere:\n\nMødet blev holdt virtuelt.\n", "Medlemmerne: Anne Hansen\n"])
def test_a_sentence_or_a_label_with_no_names_reads_no_participants(preamble):
    assert parse_text(NAMED_HEAD + f"\n{preamble}\nPunkt 1: Budget\n\nBeslutning\nGodkendt.\n",
                      "x.txt").meeting.participants == ()


@pytest.mark.parametrize("line", ["Starttidspunkt: 16:00", "Mødestart: kl. 16.00", "Start: 16.00",
                                  "Mødetidspunkt: 16.00 - 18.00"])
def test_the_start_time_under_its_labels(line):
    assert parse_text(NAMED_HEAD + f"{line}\n\nPunkt 1: Budget\n\nBeslutning\nGodkendt.\n",
                      "x.txt").meeting.start_time == dt.time(16, 0)

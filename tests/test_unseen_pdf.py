"""PDF minutes laid out as other municipalities lay them out (tests/data/unseen_pdf/*.txt, rendered by
``pdf_fixtures.render_municipal``): a cover page, a table of contents, running headers (mirrored on even pages
too), footers "Side 2 af 7" / "- 2 -" / "2/4" / "Randers Kommune  Side 1 af 2", punkt titles in a larger bold
font, journal numbers under the title or right-aligned beside it, headings in a left column, tables, closed
punkter, and decisions cut by a page break mid-sentence. Read as a user checks them: committee and day, every
punkt's number, title and journal number, each decision exactly (no page furniture, no next title), closed
punkter without text."""
from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from embeddings.errors import InputError
from embeddings.ingest.pdf import parse_pdf, pdf_text
from embeddings.minutes import SectionName
from bot.core import messages

from conftest import PROJECT
from pdf_fixtures import render_municipal

UNSEEN_PDF = PROJECT / "tests" / "data" / "unseen_pdf"


@cache
def rendered(name: str) -> bytes:
    return render_municipal((UNSEEN_PDF / name).read_text(encoding="utf-8"))


def read(name: str):
    return parse_pdf(rendered(name), name, "sha")


def outline(minutes) -> list[tuple[str, str, str | None, bool]]:
    return [(p.label, p.title, p.journal.raw if p.journal else None, p.closed) for p in minutes.punkter]


# name -> (committee, date, start, outline, the decisions of the open punkter in order)
EXPECTED = {
    "vejen_oekonomiudvalget_2025-03-04.txt": (
        "Økonomiudvalget", dt.date(2025, 3, 4), dt.time(16, 0),
        [("1", "Godkendelse af dagsorden", "25/1234", False),
         ("2", "Anlægsbevilling til ny daginstitution i Brørup", "24/8812", False),
         ("3", "Udbud af rengøring på kommunale ejendomme", "24/10233", False),
         ("4", "Orientering om regnskab 2024", "25/0456", False),
         ("5", "Køb af ejendom", "25/0999", True)],
        ["Dagsordenen blev godkendt.",
         "Økonomiudvalget anbefaler over for Byrådet, at der gives en anlægsbevilling på 43,5 mio. kr. til "
         "opførelse af den nye daginstitution i Brørup, og at rådighedsbeløbet frigives, idet udvalget lægger "
         "vægt på, at byggeriet gennemføres som lavenergibyggeri, og at legepladsen åbnes for områdets borgere "
         "uden for institutionens åbningstid.",
         "Udbudsstrategien blev godkendt. Peter Sand (C) tog forbehold.",
         "Orienteringen blev taget til efterretning."]),
    "middelfart_byraad_2025-01-27.txt": (
        "Byrådet", dt.date(2025, 1, 27), dt.time(18, 0),
        [("1", "Meddelelser", "00.01.00-A00-1-25", False),
         ("2", "Lokalplan 187 for boligområde ved Strib Landevej", "01.02.05-P16-3-24", False),
         ("3", "Takster for vand og spildevand 2025", "13.02.00-S55-2-24", False),
         ("4", "Personalesag", "81.00.00-G01-4-25", True)],
        ["Byrådet tog meddelelserne til efterretning.",
         "Lokalplan 187 blev vedtaget endeligt med de ændringer, der er beskrevet i sagsfremstillingen, idet Byrådet "
         "samtidig bad forvaltningen om at vurdere behovet for en sikker skolevej langs Strib Landevej og forelægge "
         "en plan for Teknik- og Miljøudvalget inden sommerferien.",
         "Taksterne blev godkendt."]),
    "sonderborg_teknik_2025-02-11.txt": (
        "Teknik- og Miljøudvalget", dt.date(2025, 2, 11), dt.time(15, 0),
        [("1", "Godkendelse af dagsorden", "25/2211", False),
         ("2", "Trafiksikkerhedsplan 2025-2028", "24/18342", False),
         ("3", "Ansøgning om miljøgodkendelse af biogasanlæg ved Hjordkær", "24/20517", False),
         ("4", "Erstatningssag vedr. vejanlæg", "24/3310", True),
         ("5", "Eventuelt", "25/2212", False)],
        ["Godkendt.",
         "Indstillingen blev godkendt, idet udvalget ønsker, at skolebestyrelserne inddrages særskilt i høringen.",
         "Udvalget godkendte miljøgodkendelsen på de foreslåede vilkår.",
         "Intet."]),
    "herning_boerneudvalg_2025-05-06.txt": (
        "Børne- og Familieudvalget", dt.date(2025, 5, 6), dt.time(14, 0),
        [("31", "Godkendelse af dagsorden", "00.01.00-A00-12-25", False),
         ("32", "Kvalitetsrapport for dagtilbud 2024", "28.00.00-P05-3-24", False),
         ("33", "Ændring af skoledistrikt for Lind Skole", "17.01.00-P20-1-25", False),
         ("34", "Underretningssag", "27.00.00-P20-1-24", True)],
        ["Dagsordenen blev godkendt.",
         "Kvalitetsrapporten blev godkendt og sendes til høring i forældrebestyrelserne, idet udvalget ønsker en "
         "særlig opfølgning på rekrutteringen af pædagoger i de mindre byer og en plan for, hvordan andelen af "
         "uddannet personale kan øges frem mod 2027.",
         "Udvalget godkendte, at forslaget sendes i høring."]),
    "randers_social_2025-06-10.txt": (
        "Socialudvalget", dt.date(2025, 6, 10), dt.time(16, 0),
        [("1", "Godkendelse af dagsorden", None, False),
         ("2", "Budgetopfølgning pr. 30. april 2025", "25/4410", False),
         ("3", "Ny hjemløsestrategi 2025-2029", "24/12876", False),
         ("4", "Klagesag", None, True),
         ("5", "Eventuelt", None, False)],
        ["Godkendt.",
         "Budgetopfølgningen blev taget til efterretning, og handleplanen blev godkendt.\n"
         "Anders Jensen (Ø) kan ikke tiltræde handleplanens forslag om hjemtagning.",
         "Hjemløsestrategien blev godkendt med den tilføjelse, at der årligt gives en status til udvalget.",
         "Lone Hansen (F) spurgte til ventetiden på hjemmehjælp. Forvaltningen svarer skriftligt."]),
    "kolding_byudvalget_2025-03-12.txt": (
        "Byudvalget", dt.date(2025, 3, 12), dt.time(8, 0),
        [("1", "Godkendelse af dagsorden", "25/3341", False),
         ("2", "Helhedsplan for Kolding Å", "24/15507", False),
         ("3", "Parkeringsstrategi for midtbyen", "24/9920", False),
         ("4", "Grundsalg", "25/0112", True),
         ("5", "Meddelelser", "25/3342", False)],
        ["Dagsordenen blev godkendt.",
         "Byudvalget godkendte, at helhedsplanen sendes i offentlig høring i otte uger, idet udvalget ønsker, at "
         "høringen også omfatter de grundejerforeninger, der ligger langs åen, og at der afholdes et borgermøde i "
         "høringsperioden.",
         "Strategien blev godkendt med den ændring, at beboerlicenser udvides til hele midtbyen.",
         "Formanden orienterede om udvalgets studietur til Aarhus."]),
}


def test_every_fixture_is_checked():
    assert sorted(EXPECTED) == sorted(f.name for f in UNSEEN_PDF.glob("*.txt"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_municipal_pdf_reads_as_its_minutes(name):
    committee, date, start, punkter, decisions = EXPECTED[name]
    m = read(name)
    assert (m.meeting.committee, m.meeting.date, m.meeting.start_time) == (committee, date, start)
    assert outline(m) == punkter
    assert [p.decision for p in m.punkter if not p.closed] == decisions
    assert all(not p.sections for p in m.punkter if p.closed)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_page_furniture_reaches_the_text(name):
    """The header's parts occur only where the minutes' own text has them (a cover page naming the municipality)."""
    text = pdf_text(rendered(name), name)
    lines = (UNSEEN_PDF / name).read_text(encoding="utf-8").splitlines()
    directives = dict(line[1:].partition(" ")[::2] for line in lines if line.startswith("%"))
    body = "\n".join(line for line in lines if not line.startswith("%"))
    for part in [*directives["header"].split("|"), directives.get("footer_left", "Side")]:
        assert text.count(part.strip()) == body.count(part.strip()), part
    assert "Side " not in text and not any(line.strip().startswith("- ") for line in text.splitlines())


def test_headings_in_a_left_column_are_sections_and_their_text_crosses_a_page():
    """Kolding's layout: "Beslutning" in a bold left column, its text in a wide column beside it. Read as a
    table, every row of the document after the table of contents was one table of a single column: headings
    and their text ran together on one line, the table of contents lost its page numbers' tabs and a decision
    cut by the page break was split in two paragraphs."""
    text = pdf_text(rendered("kolding_byudvalget_2025-03-12.txt"), "k.pdf")
    assert "\n\nBeslutning\n\nDagsordenen blev godkendt.\n\n" in text
    assert "og at der afholdes et borgermøde i høringsperioden." in text
    two = read("kolding_byudvalget_2025-03-12.txt").punkter[1]
    assert [s.name for s in two.sections] == [SectionName.RESUME, SectionName.SAGSFREMSTILLING,
                                             SectionName.INDSTILLING, SectionName.BESLUTNING]
    assert two.sections[1].text.endswith("640 borgere deltog.\nDen samlede udgift anslås til 285 mio. kr. over ti "
                                         "år, hvoraf forsyningen forventes at finansiere 190 mio. kr.")


def test_a_table_with_bold_row_labels_stays_a_table():
    """A bold first column with short plain cells beside it is a table, not headings in a left column."""
    pdf = render_municipal("%header Plan- og Boligudvalget 01-04-2025 | Esbjerg Kommune\n\n"
                           "## 1. Takster\n\n### Beslutning\nTaksterne blev godkendt som vist:\n\n"
                           "**Takst**\t2025\n**Vand**\t9,75\n**Fjernvarme, fast afgift pr. år**\t650\n")
    text = pdf_text(pdf, "t.pdf")
    assert "Takst\t2025\nVand\t9,75\nFjernvarme, fast afgift pr. år\t650" in text


def test_a_title_with_its_journal_number_beside_it_is_one_line_of_its_own():
    """"2. Title<gap>Sagsnr.: 24/1234" in small print: the two titles on the pages after the table of contents
    were read as rows of one table with the contents, joined to it and to each other by single line breaks."""
    pdf = render_municipal("%header Byudvalget 12-03-2025 | Kolding Kommune\n\n### Indholdsfortegnelse\n\n"
                           "1. Budget\t2\n2. Lukket punkt: Grundsalg\t3\n\n%page\n\n## 1. Budget\tSagsnr.: 25/3341\n\n"
                           "%page\n\n## 2. Lukket punkt: Grundsalg\tSagsnr.: 25/0112\n")
    text = pdf_text(pdf, "t.pdf")
    assert "1. Budget\t2\n2. Lukket punkt: Grundsalg\t3\n\n1. Budget\tSagsnr.: 25/3341\n\n2. Lukket" in text


def test_a_pdf_with_text_but_no_punkter_says_so_in_danish():
    pdf = render_municipal("# Vejen Kommune\n\nKære borger. Tak for din henvendelse om vejbump på Søndergade.\n")
    with pytest.raises(InputError) as e:
        parse_pdf(pdf, "brev.pdf", "sha")
    assert e.value.code in ("no_header", "no_punkter")
    assert messages.user_message(e.value).startswith("brev.pdf: ingen ")

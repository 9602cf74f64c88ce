"""Every Danish text a user or operator reads, in one place.

``render(code, **params)`` formats one message. Codes are stable identifiers used by errors and tests.
"""
from __future__ import annotations

TEXT: dict[str, str] = {
    # --- input files (ingest) ---
    "file_missing": "filen findes ikke",
    "file_empty": "filen er tom",
    "file_binary": "filen er ikke tekst, Markdown, PDF eller FirstAgenda-JSON (binært indhold)",
    "file_unknown_format": "ukendt format: ikke tekst, Markdown, PDF eller FirstAgenda-JSON",
    "file_unreadable": "filen kan ikke læses: {reason}",
    "file_encoding": "filen er hverken UTF-8 eller Windows-1252 (byte {position})",
    "file_cp1252": "advarsel: filen er ikke UTF-8; læst som Windows-1252",
    "no_header": "ingen overskrift 'REFERAT <udvalg> d. DD-MM-ÅÅÅÅ' fundet",
    "bad_date": "ugyldig mødedato {text!r}",
    "no_punkter": "ingen punkter fundet (forventede overskrifter som 'Punkt 1:' eller 'Sak 1:')",
    "duplicate_punkt": "punkt nummer {number} forekommer to gange (også linje {first_line})",
    "bad_journal": "ugyldigt journalnummer {text!r}",
    "pdf_broken": "PDF-filen er beskadiget eller afkortet: {reason}",
    "pdf_no_text": "PDF-filen indeholder ingen tekst (scannet billede?)",
    "json_shape": "JSON-filen har ikke FirstAgenda-formen: {reason}",
    "json_invalid": "ugyldig JSON: {reason}",
    # --- ingest summary ---
    "ingest_summary": "{files} filer: {new} nye, {changed} ændrede, {unchanged} uændrede, {failed} fejlede; "
                      "{punkter} punkter i alt i {meetings} møder",
    "ingest_nothing": "ingen filer fundet under {paths}",
    # --- store and look-up ---
    "store_newer": "databasen {path} har skemaversion {found}, men denne version af beslut kender kun {known}",
    "meeting_unknown": "intet møde {ref} i databasen",
    "punkt_unknown": "intet punkt {ref} i databasen",
    "punkt_ref_invalid": "ugyldig punkt-reference {ref!r}: brug ÅÅÅÅ-MM-DD#N, fx 2024-09-11#4",
    "committee_ambiguous": "{ref} findes i flere udvalg ({committees}): angiv udvalget, fx "
                           "'beslut show {example} {ref}'",
    # --- search index ---
    "index_model_mismatch": "søgeindekset i {path} er bygget med modellen {found}, men beslut bruger nu {model}: "
                            "kør 'beslut index --rebuild'",
    "index_format": "søgeindekset i {path} har et ældre format: kør 'beslut index --rebuild'",
    "index_corrupt": "søgeindekset i {path} er beskadiget: kør 'beslut index --rebuild'",
    "index_stale": "søgeindekset passer ikke til databasen (der er læst nye referater ind): kør 'beslut index'",
    "index_building": "bygger søgeindeks for {punkter} punkter (første gang; det tager lidt tid) ...",
    "index_summary": "søgeindeks: {embedded} punkter indekseret, {reused} genbrugt, {removed} fjernet; "
                     "{chunks} tekststykker i alt",
    # --- questions and cases ---
    "question_empty": "skriv et spørgsmål, fx 'hvad besluttede vi om telefontider?'",
    "question_too_long": "spørgsmålet er for langt ({length} tegn; højst {limit}): skriv det kortere",
    "sag_usage": "skriv et journalnummer eller et KLE-præfiks, fx 'sag 83.02.00-A00-1-23' eller 'sag 83.02'",
    "journal_malformed": "{text!r} er ikke et gyldigt journalnummer: brug fx 83.02.00-A00-1-23, 22-000015 "
                         "eller et KLE-præfiks som 83.02",
    "case_unknown": "ingen sager med journalnummer {query}",
    "abstained": "Ingen beslutning fundet om: {question}",
    "filters_used": "Afgrænset til: {filters}",
    "case_header": "Sag {query}: {count} punkter, ældste først",
    "answer_intro": "Det fandt jeg ({count} punkter, citeret ordret fra referaterne):",
    "digest_intro": "Ugens beslutninger, uge {week} ({start} – {end}): {count} punkter",
    "digest_empty": "Ingen nye beslutninger i uge {week}.",
    "no_meetings": "ingen møder i databasen endnu: kør 'beslut ingest <mappe>'",
}

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")

# Danish section labels and words shown next to stored text.
CLOSED_PUNKT = "Lukket punkt"
NO_DECISION = "Ingen beslutning registreret"
DECISION_LABEL = "Beslutning"
INDSTILLING_LABEL = "Indstilling (ikke en beslutning)"
MATCHED_LABEL = "Relevante sætninger"
HISTORY_LABEL = "Sagsforløb"
UNCERTAIN_LABEL = "Nærmeste punkter (usikre)"
UNCERTAIN_NOTE = "Punkterne ovenfor ligner spørgsmålet, men ingen af dem ser ud til at besvare det."
LATE_NOTE = "Referatet er kommet sent (mødet var før denne uge)."


def render(code: str, **params: object) -> str:
    """The Danish message for ``code``; an unknown code is a programming error."""
    return TEXT[code].format(**params)


def danish_date(d) -> str:
    """date(2024, 9, 11) -> '11. september 2024'."""
    return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"


def meeting_line(committee: str, date, location: str | None, items: int, decisions: int) -> str:
    place = f", {location}" if location else ""
    return f"{committee} · {danish_date(date)}{place} · {items} punkter, {decisions} med beslutning"


def citation(committee: str, date, number: int, case_number: str | None) -> str:
    """'Chefforum · 11. september 2024 · punkt 4 · sag 83.02.00-A00-1-23'."""
    sag = f" · sag {case_number}" if case_number else ""
    return f"{committee} · {danish_date(date)} · punkt {number}{sag}"


def where(path: str, line: int | None = None, punkt: int | None = None) -> str:
    """'fil.txt, linje 12, punkt 3' for error messages."""
    parts = [path]
    if line is not None:
        parts.append(f"linje {line}")
    if punkt is not None:
        parts.append(f"punkt {punkt}")
    return ", ".join(parts)

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
    "no_meetings": "ingen møder i databasen endnu: kør 'beslut ingest <mappe>'",
}

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
          "november", "december")

# Danish section labels and words shown next to stored text.
CLOSED_PUNKT = "Lukket punkt"
NO_DECISION = "Ingen beslutning registreret"


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

"""Section headings as written -> canonical SectionName, and title cleaning shared by all parsers."""
from __future__ import annotations

import re

from embeddings.closed import strip_marker
from embeddings.minutes import SectionName

HEADINGS: dict[str, SectionName] = {
    "anledning": SectionName.ANLEDNING,
    "baggrund": SectionName.ANLEDNING,
    "resume": SectionName.RESUME,
    "resumé": SectionName.RESUME,
    "sagsfremstilling": SectionName.SAGSFREMSTILLING,
    "fremstilling": SectionName.SAGSFREMSTILLING,
    "sagsbeskrivelse": SectionName.SAGSFREMSTILLING,
    "saksfremstilling": SectionName.SAGSFREMSTILLING,  # Norwegian
    "supplerende sagsfremstilling": SectionName.SAGSFREMSTILLING,  # added to a case after the first agenda
    "ny supplerende sagsfremstilling": SectionName.SAGSFREMSTILLING,
    "supplerende sagsbeskrivelse": SectionName.SAGSFREMSTILLING,
    "indstilling": SectionName.INDSTILLING,
    "supplerende indstilling": SectionName.INDSTILLING,
    "innstilling": SectionName.INDSTILLING,  # Norwegian
    "forslag til vedtak": SectionName.INDSTILLING,  # Norwegian
    "beslutning": SectionName.BESLUTNING,
    "vedtak": SectionName.BESLUTNING,  # Norwegian
    "historik": SectionName.HISTORIK,
    "sagens forløb": SectionName.HISTORIK,
    "bilag": SectionName.BILAG,
    "vedlegg": SectionName.BILAG,  # Norwegian
}


def canonical_section(heading: str) -> SectionName | None:
    """The canonical name of a known heading ("Vedlegg" -> Bilag), or None if not a known one."""
    return HEADINGS.get(" ".join(heading.split()).strip(" :").lower())


_PREFIX = re.compile(r"^\s*[A-ZÆØÅ]{1,4}\s*[-\u2010-\u2015\u2212]\s*")  # "CF - ", "CF– ", "CF- "
_SLOT = re.compile(r"\s*\((\d{1,2}[.:]\d{2})\s*[-–.]\s*(\d{1,2}[.:]\d{2})\)\s*$")  # "(9.00-9.15)", "(9.15.10.45)"


def clean_title(raw: str) -> tuple[str, str | None]:
    """("CF - Velkommen (9.00-9.15)") -> ("Velkommen", "9.00-9.15"). The slot is normalised to H.MM-H.MM.

    A closed marker ("Lukket: ", "(Lukket)") is dropped too: the punkt is flagged closed instead
    (``embeddings.closed``).
    "APV- og Trivselsundersøgelsen" keeps its "APV-": a prefix is only a prefix before a capital letter.
    """
    title = " ".join(raw.split())
    slot = None
    m = _SLOT.search(title)
    if m:
        slot = f"{m.group(1).replace(':', '.')}-{m.group(2).replace(':', '.')}"
        title = title[: m.start()]
    stripped = _PREFIX.sub("", title, count=1).strip()
    if not stripped[:1].islower():
        title = stripped
    title = strip_marker(title)
    return title.strip() or " ".join(raw.split()), slot

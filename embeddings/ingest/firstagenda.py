"""FirstAgenda publication API JSON (``/api/agenda/dagsorden/{id}``, one meeting per file) -> Minutes.

Shape read: ``Udvalg.Navn``; ``Moede.Dato`` (ISO with offset: date and local time as given), ``Moede.Sted``,
``Moede.Moededeltagere[].Name``; ``Dagsordenpunkter[]`` with ``Punktnummer``, ``Navn``, ``SagsNummer``,
``Felter[].Html`` and ``Bilag[].Navn``; for links, the document's ``Id``, ``Dagsordenpunkter[].Id``,
``Bilag[].Id`` and ``Moede.Afsluttet``. Anything else is ignored. Bad input raises InputError naming the file
(and the punkt): "json_invalid" for broken JSON, "json_shape" for JSON of another shape or type.

Choices, from the Greve dump (373 meetings, 5,553 punkter):

* Sections are split at h1-h6 elements whose text is a section heading (canonical ones from
  ``embeddings.ingest.sections`` plus the FirstAgenda template's own, below), compared with whitespace collapsed and
  also with all whitespace removed ("I ndstilling", "Økonomiske konsekvense r"). Other headings ("Nye
  ruter", table captions, whole sentences set as h4) stay paragraphs of the section they stand in. A plain
  paragraph that is only a heading ("<p><strong>Lovgrundlag</strong></p>", ~1,700 in the dump) also starts a
  section, with the limits given at ``_NO_PLAIN_HEADINGS``. A section heading set in bold (a bold-only paragraph,
  a bold lead-in "<b>Beslutning:</b> Godkendt.", a two-cell table row "<b>Beslutning</b> | Godkendt.") is read
  as a real heading by ``html_blocks`` (see there for the limits); Greve parses the same with or without it.
* Sections keep the order as written (Greve puts Beslutning before Fremstilling). Empty sections (the
  "Fremstilling" wrapper directly followed by "Sagsprocedure") are dropped, so a near-empty punkt has few
  or no sections; it is kept all the same. ``Bilag[].Navn`` becomes a last Bilag section, one name a line.
* Text before the first heading: a first paragraph repeating the title is dropped; the rest is the decision
  when the punkt has no Beslutning heading (FirstAgenda prints the decision first, from
  ``<p class="xsltFirstParagraph">``; in the dump: the 385 "Lukket: ..." punkter, which have no headings at
  all, and 8 others), otherwise an OTHER section.
* Closed items follow the one rule in ``embeddings.closed`` (shared with the text parser): a marker in
  ``Navn`` or ``Caption``, an explicit flag on the item, or a "Lukket punkt" first line of the body or a
  section. ``IsOpen`` is false for every punkt in the dump, so it is not such a flag. In the dump the marker
  is the title prefix "Lukket:" (385 punkter). Those punkter carry a short published decision
  ("Orienteringen blev taget til efterretning."), but a closed item's text is never stored: they keep title,
  date and journal number and are flagged closed.
* Participants are the Moededeltagere who took part: ``ParticipationCancelled`` (afbud, matching the
  "Afbud:" lines) and ``Absent`` are left out.
* A Punktnummer may carry a suffix ("3a", "3 a", "3.1": a punkt added late, a sub-punkt), read as the text
  parser reads "Punkt 3a" (``embeddings.minutes.SUFFIX``): number 3, suffix "a". "3" and "3a" are two punkter; the
  same number and suffix twice is an error ("json_duplicate_punkt"); the dump has none.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import NoReturn

from embeddings.errors import InputError, Reason
from embeddings.ingest.html_text import Block, clean_line, decode_entities, html_blocks
from embeddings.journal import JournalNumber, MalformedJournalNumber
from embeddings.minutes import SUFFIX, Attachment, Meeting, Minutes, Punkt, Section, SectionName
from embeddings.closed import is_closed
from embeddings.ingest.sections import HEADINGS, canonical_section, clean_title, end_matter, meeting_heading

# Section headings of the FirstAgenda template with no canonical name: kept as OTHER sections.
# The text parser's OTHER headings are not taken over: "Økonomi" is a sub-heading inside Sagsbeskrivelse in the
# Greve dump (20 punkter), not a section of the template.
_TEMPLATE_HEADINGS = ("Sagsprocedure", "Lovgrundlag", "Lovhjemmel", "Økonomiske konsekvenser", "Øvrige konsekvenser",
                      "Bevillingsmæssige konsekvenser",
                      "Kommunikation", "Tidsplan", "Høring", "Høringspligt", "Øvrige forhold", "Yderligere forhold",
                      "Øvrig information", "Miljøvurdering")
# Misspelt headings seen in the Greve dump -> the heading meant.
_MISSPELT = {"Lovgrunlag": "Lovgrundlag", "Sagsprocedurer": "Sagsprocedure", "Sagfremstilling": "Sagsfremstilling"}


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


# Heading with all whitespace removed, lower case -> (section name, heading to keep).
_KNOWN: dict[str, tuple[SectionName, str]] = {
    **{_squash(h): (name, h[:1].upper() + h[1:]) for h, name in HEADINGS.items() if name is not SectionName.OTHER},
    **{_squash(h): (SectionName.OTHER, h) for h in _TEMPLATE_HEADINGS},
}
_KNOWN.update({_squash(wrong): _KNOWN[_squash(meant)] for wrong, meant in _MISSPELT.items()})
# A plain paragraph that is only a heading ("<p><strong>Indstilling</strong></p>") starts a section too, but
# only after a real heading, never a Beslutning and never inside Beslutning or Historik: decision text is
# never cut short or made up by a paragraph that happens to read like a heading.
_NO_PLAIN_HEADINGS = (SectionName.BESLUTNING, SectionName.HISTORIK)
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")


def section_heading(text: str) -> tuple[SectionName, str] | None:
    """(name, heading) when ``text`` is a section heading ("Økonomiske  konsekvenser:", "I ndstilling")."""
    flat = _EDGE_PUNCTUATION.sub("", " ".join(text.split()))
    name = canonical_section(flat)
    if name is not None and name is not SectionName.OTHER:
        return name, flat
    return _KNOWN.get(_squash(flat))


class _Shape:
    """Typed access to the decoded JSON; anything unexpected is an InputError naming file and field."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.punkt: int | str | None = None

    def fail(self, code: str, **params: object) -> NoReturn:
        raise InputError("json_shape", self.path, punkt=self.punkt, reason=Reason(code, **params))

    def get(self, obj: dict, key: str, field: str, kind: str, required: bool = True) -> object:
        """``obj[key]`` checked to be a JSON ``kind`` (object, array, string); None when optional and absent/null."""
        if key not in obj:
            if required:
                self.fail("json_missing", field=field)
            return None
        value = obj[key]
        if value is None and not required:
            return None
        self.expect(value, field, kind)
        return value

    def expect(self, value: object, field: str, kind: str) -> None:
        if _json_type(value) != kind:
            self.fail("json_wrong_type", field=field, expected=Reason(f"json_type_{kind}"),
                      found=Reason(f"json_type_{_json_type(value)}"))

    def text(self, obj: dict, key: str, field: str, required: bool = True) -> str:
        """A string field, whitespace collapsed; required ones must not be empty."""
        value = clean_line(self.get(obj, key, field, "string", required) or "")
        if required and not value:
            self.fail("json_empty_value", field=field)
        return value

    def items(self, obj: dict, key: str, field: str, required: bool = False) -> list[tuple[str, dict]]:
        """The objects of an array field as (field name, object); absent/null optional arrays are empty."""
        out = []
        for i, item in enumerate(self.get(obj, key, field, "array", required) or []):
            self.expect(item, f"{field}[{i}]", "object")
            out.append((f"{field}[{i}]", item))
        return out


def _json_type(value: object) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null"


# json.JSONDecodeError.msg (English, CPython's decoder) -> the catalogue's code for it; others give line and
# column only.
_SYNTAX = {
    "Expecting value": "json_expecting_value",
    "Unterminated string starting at": "json_unterminated_string",
    "Expecting ',' delimiter": "json_expecting_comma",
    "Expecting ':' delimiter": "json_expecting_colon",
    "Expecting property name enclosed in double quotes": "json_expecting_name",
    "Extra data": "json_extra_data",
    "Invalid control character at": "json_control_character",
    "Invalid \\escape": "json_bad_escape",
    "Invalid \\uXXXX escape": "json_bad_escape",
    "Illegal trailing comma before end of object": "json_trailing_comma",
    "Illegal trailing comma before end of array": "json_trailing_comma",
}


def _load(data: bytes, path: str) -> dict:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError("json_invalid", path, reason=Reason("json_not_utf8", position=e.start)) from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        detail = _SYNTAX.get(e.msg)  # json's msg is English: only its code travels, the words are Danish
        reason = (Reason("json_syntax", line=e.lineno, column=e.colno, detail=Reason(detail)) if detail
                  else Reason("json_syntax_at", line=e.lineno, column=e.colno))
        raise InputError("json_invalid", path, reason=reason) from None
    except RecursionError:
        raise InputError("json_invalid", path, reason=Reason("json_too_deep")) from None
    if not isinstance(doc, dict):
        found = Reason(f"json_type_{_json_type(doc)}")
        raise InputError("json_shape", path, reason=Reason("json_root", found=found))
    return doc


_NO_ID = "00000000-0000-0000-0000-000000000000"  # what the API writes where an id is not set


def _source_id(obj: dict, *keys: str) -> str | None:
    """The first set id among ``keys`` (the meeting's is the document's ``Id``; ``Moede.Id`` is zeros)."""
    for key in keys:
        value = obj.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip() not in ("", _NO_ID):
            return str(value).strip()
    return None


def _meeting(doc: dict, shape: _Shape, path: str, sha256: str, source_url: str | None) -> Meeting:
    udvalg = shape.get(doc, "Udvalg", "Udvalg", "object")
    moede = shape.get(doc, "Moede", "Moede", "object")
    raw_date = shape.text(moede, "Dato", "Moede.Dato")
    try:
        when = dt.datetime.fromisoformat(raw_date)
    except ValueError:
        shape.fail("json_bad_datetime", field="Moede.Dato", value=raw_date)
    participants: list[str] = []
    for field, person in shape.items(moede, "Moededeltagere", "Moede.Moededeltagere"):
        name = shape.text(person, "Name", f"{field}.Name")
        if not (person.get("ParticipationCancelled") is True or person.get("Absent") is True
                or name in participants):
            participants.append(name)
    return Meeting(
        committee=shape.text(udvalg, "Navn", "Udvalg.Navn"),
        date=when.date(),
        start_time=when.time() if "T" in raw_date or " " in raw_date else None,
        location=decode_entities(shape.text(moede, "Sted", "Moede.Sted", required=False)) or None,
        participants=tuple(participants),
        source_path=path,
        source_sha256=sha256,
        source_url=source_url,
        source_id=_source_id(doc, "Id") or _source_id(moede, "Id"),
        concluded=moede["Afsluttet"] if isinstance(moede.get("Afsluttet"), bool) else None,
    )


_NUMBER = re.compile(rf"\s*(?P<number>[0-9]{{1,4}})\s*(?P<suffix>(?i:{SUFFIX}))?\s*")


def _number(value: object, field: str, shape: _Shape) -> tuple[int, str]:
    """Punktnummer as (number, suffix): 7 or "7" -> (7, ""), "3a" / "3 a" / "3A" -> (3, "a"), "3.1" -> (3, ".1")
    (0-9999; larger ones would not fit the store and are not agenda items)."""
    if isinstance(value, str) and (m := _NUMBER.fullmatch(value)):
        return int(m.group("number")), (m.group("suffix") or "").lower()
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 9999:
        return value, ""
    shape.fail("json_bad_number", field=field, value=value)


def _cited(number: int, suffix: str) -> int | str:
    """A punkt as an error names it: 7, or "3a" when it has a suffix."""
    return f"{number}{suffix}" if suffix else number


def _blocks(item: dict, field: str, shape: _Shape) -> list[Block]:
    """The paragraphs of all Felter in order; a Felt's own Navn, when set, acts as a heading."""
    blocks: list[Block] = []
    for felt_field, felt in shape.items(item, "Felter", f"{field}.Felter"):
        name = shape.text(felt, "Navn", f"{felt_field}.Navn", required=False)
        if name:
            blocks.append(Block(name, heading=True))
        html = shape.get(felt, "Html", f"{felt_field}.Html", "string", required=False)
        if html is not None:
            blocks += html_blocks(html, is_heading=lambda text: section_heading(text) is not None)
        else:
            plain = shape.get(felt, "Tekst", f"{felt_field}.Tekst", "string", required=False) or ""
            first, _, rest = plain.strip().partition("\n")
            if rest and section_heading(first) is not None:  # "Beslutning\nGodkendt.": the heading on its own
                plain = f"{first}\n\n{rest}"
            blocks += [Block(p) for p in (clean_line(p) for p in re.split(r"\n\s*\n", plain)) if p]
    return blocks


def sections_from_blocks(blocks: list[Block], title: str, committee: str = "",
                         date: dt.date | None = None) -> tuple[Section, ...]:
    """Group paragraphs into sections at section headings; see the module docstring for text before one. A
    heading naming a meeting ("Beslutning i Byrådet den 26. juni 2026", "Byrådet den 25. juni 2026",
    "Økonomiudvalget den 11. juni 2026, pkt. 7") is read as in text minutes (``line_heading``): the Beslutning in
    the minutes of that meeting (``committee``, ``date``), else Historik; so is a heading that closes the minutes
    rather than the punkt ("Fraværende", "Inhabil"): a section of its own, never part of the decision."""
    leading: list[str] = []
    headed: list[tuple[SectionName, str, list[str]]] = []
    for block in blocks:
        found = section_heading(block.text)
        if found is not None and not block.heading and (
                found[0] is SectionName.BESLUTNING or not headed or headed[-1][0] in _NO_PLAIN_HEADINGS):
            found = None
        first = ""
        if found is None and block.heading:
            name, heading, first = meeting_heading(block.text, committee, date) or end_matter(block.text) or (
                None, "", "")
            found = (name, heading) if name is not None else None
        if found is not None:
            headed.append((*found, [first] if first else []))
        else:
            (headed[-1][2] if headed else leading).append(block.text)
    if leading and _squash(leading[0]) == _squash(title):
        leading.pop(0)
    if leading:
        has_decision = any(name is SectionName.BESLUTNING and paras for name, _, paras in headed)
        headed.insert(0, (SectionName.OTHER if has_decision else SectionName.BESLUTNING, "", leading))
    sections = (Section(name, "\n\n".join(paras), heading) for name, heading, paras in headed)
    return tuple(s for s in (_without_own_heading(s) for s in sections) if s.text)


def _without_own_heading(section: Section) -> Section:
    """``section`` without a first line that only repeats its own heading ("Beslutning", "beslutning:")."""
    first, _, rest = section.text.partition("\n")
    found = section_heading(first)
    if found is None or found[0] is not section.name or (
            section.name is SectionName.OTHER and _squash(found[1]) != _squash(section.heading)):
        return section
    return Section(section.name, rest.lstrip("\n"), section.heading)


def _attachments(item: dict, field: str, shape: _Shape) -> tuple[Attachment, ...]:
    """``Bilag[]`` with a name, in order, with their ids (for links)."""
    out = []
    for f, b in shape.items(item, "Bilag", f"{field}.Bilag"):
        name = shape.text(b, "Navn", f"{f}.Navn", required=False)
        if name:
            out.append(Attachment(name, _source_id(b, "Id")))
    return tuple(out)


def _punkt(item: dict, field: str, meeting: Meeting, shape: _Shape) -> Punkt:
    # Punktnummer null: the item's "Number", else its "Sorting" (the place FirstAgenda shows it in) stands in.
    key = next((k for k in ("Punktnummer", "Number", "Sorting") if item.get(k) is not None), None)
    if key is None:
        shape.fail("json_missing", field=f"{field}.Punktnummer")
    number, suffix = _number(item[key], f"{field}.{key}", shape)
    shape.punkt = _cited(number, suffix)
    caption = item.get("Caption") if isinstance(item.get("Caption"), str) else ""
    # Navn null or empty: the Caption (FirstAgenda's shown title) stands in, when there is one
    named = shape.text(item, "Navn", f"{field}.Navn", required=not clean_line(caption))
    raw_title = decode_entities(named or clean_line(caption))
    if not raw_title:  # "&nbsp;" only
        shape.fail("json_empty_value", field=f"{field}.Navn")
    title, slot = clean_title(raw_title)
    case = shape.text(item, "SagsNummer", f"{field}.SagsNummer", required=False)
    try:
        journal = JournalNumber.parse(case) if case else None
    except MalformedJournalNumber:
        raise InputError("bad_journal", shape.path, punkt=shape.punkt, text=case) from None
    closed = Punkt(meeting=meeting, number=number, suffix=suffix, raw_title=raw_title, title=title, journal=journal,
                   time_slot=slot, closed=True, source_id=_source_id(item, "Id"))  # no text, no bilag
    if is_closed([raw_title, caption], item=item):
        return closed
    blocks = _blocks(item, field, shape)
    sections = sections_from_blocks(blocks, raw_title, meeting.committee, meeting.date)
    if is_closed([], [b.text for b in blocks[:3]] + [s.text for s in sections]):
        return closed
    attachments = _attachments(item, field, shape)
    bilag = (Section(SectionName.BILAG, "\n".join(a.name for a in attachments)),) if attachments else ()
    return Punkt(meeting=meeting, number=number, suffix=suffix, raw_title=raw_title, title=title, journal=journal,
                 sections=sections + bilag, time_slot=slot, source_id=_source_id(item, "Id"),
                 attachments=attachments)


def parse_firstagenda_json(data: bytes, path: str, sha256: str, source_url: str | None = None) -> Minutes:
    """One FirstAgenda publication-API meeting file -> its Minutes; InputError naming the file when it can't.

    ``source_url``: the publication site it came from (its base URL), for deep links.
    """
    return minutes_from_document(_load(data, path), path, sha256, source_url)


def minutes_from_document(doc: dict, path: str, sha256: str = "", source_url: str | None = None) -> Minutes:
    """The Minutes of an already decoded meeting document (what the publication API answers)."""
    if not isinstance(doc, dict):
        raise InputError("json_shape", path, reason=Reason("json_root", found=Reason(f"json_type_{_json_type(doc)}")))
    shape = _Shape(path)
    meeting = _meeting(doc, shape, path, sha256, source_url)
    punkter: list[Punkt] = []
    first_index: dict[str, int] = {}  # label ("3", "3a") -> its item's index
    for i, (field, item) in enumerate(shape.items(doc, "Dagsordenpunkter", "Dagsordenpunkter", required=True)):
        shape.punkt = None
        p = _punkt(item, field, meeting, shape)
        if p.label in first_index:
            cited = _cited(p.number, p.suffix)
            raise InputError("json_duplicate_punkt", path, punkt=cited, number=cited,
                             first=first_index[p.label] + 1, second=i + 1)
        first_index[p.label] = i
        punkter.append(p)
    return Minutes(meeting, tuple(punkter))

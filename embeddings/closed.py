"""The one rule for closed punkter (lukkede punkter), shared by every importer and by the store's repair.

A closed punkt keeps only title, date and journal number; its text is never stored, indexed or shown.
Markers are read from what a municipality writes, in any case, with any dash, after a committee prefix:

* in the title: "Lukket: Personalesag", "CF - Lukket: Personalesag", "ØU – Lukket – Køb af ejendom",
  "Lukket punkt - Salg af grund", "Salg af grund (Lukket)", "Salg af grund - lukket", "[Lukket] ...",
  "Fortroligt: ...", Norwegian "Unntatt offentlighet"; the other wordings of "not public" only as a segment
  of their own: "Personalesag (ikke offentlig)", "Ikke offentligt punkt", "Salg - undtaget fra offentlighed"
  (not "Ikke offentlig vej ved Skovbrynet");
* as the first line of the body or of any section: "Lukket punkt", "Punktet er lukket", "Lukket sag.",
  "Behandles for lukkede døre", "Punktet behandles som lukket punkt", "Sagen er fortrolig", "Ikke offentligt
  punkt.", "Punktet er undtaget fra offentlighed, jf. ...", "Ikke til offentliggørelse.", "Fortroligt punkt",
  ... (never a mention in running text: "Mødet er ikke offentligt for pressen" keeps a punkt open);
* in text minutes, a divider line between punkter ("LUKKEDE PUNKTER", "Lukket møde", "Lukket del af mødet",
  "Punkter på lukket dagsorden", "Lukket møde – punkt 3-4"): every punkt after it, until a divider of open
  punkter ("Åbne punkter", "Punkter på åben dagsorden");
* for FirstAgenda JSON, what the item itself says: its ``Navn`` and ``Caption`` titles, an explicit flag
  (``Lukket``, ``IsClosed``, ``IsClosedItem``, ``IsConfidential``, ... true, or ``Aaben``, ``IsPublic``,
  ``IsPublished``, ``Offentlig`` and any other key about publication, ``Publiceres``, false), or a short
  value naming its access under any other key (``"Access": "Lukket"``, ``"Visibility": "Private"``,
  ``"Offentlighed": "Lukket punkt"``).
  ``IsOpen`` is not such a flag: it is false on every item of the Greve dump, open ones included.

When in doubt a punkt is closed: "Lukket" as the first word of a title closes it, even without a colon.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

# Every dash and hyphen a minutes writer (or a PDF) produces.
_DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASHES = dict.fromkeys(map(ord, _DASH_CHARS[1:]), "-")
_NOUN = r"(?:dagsordens?punkter|dagsordens?punkt|punkter|punkt|pkt\.?|sager|sag|møder|møde|behandling|beslutning)(?!\w)"
_SOLO = rf"(?:lukkede\s+{_NOUN}|lukket(?:\s+{_NOUN})?|fortrolig[t]?)(?!\w)"  # a marker on its own
# The other wordings of "not public", each a marker on its own: "ikke offentlig(t) (punkt)", "ikke-offentlig",
# "undtaget (fra) offentlighed(en)", "ikke til offentliggørelse", "fortroligt punkt". Unlike "Lukket" they do
# not close a title by being its first words ("Ikke offentlig vej ved Skovbrynet" is a road): only as a segment
# of their own, a whole first line, or a first line's opening words followed by punctuation.
_UNPUBLIC = (r"(?:ikke\s*-?\s*offentlig[t]?(?:\s+(?:dagsordenpunkt|punkt|sag))?"
             r"|undtaget\s+(?:fra\s+)?(?:offentlighed(?:en)?|aktindsigt)|ikke\s+til\s+offentliggørelse"
             r"|fortrolig[t]?\s+(?:dagsordenpunkt|punkt|sag))\b")
_PREFIX = r"(?:[A-ZÆØÅ][A-ZÆØÅ.]{0,7}\s*-\s*)?"  # a committee abbreviation: "CF - ", "ØU– ", "B.U. - "
_TITLE_MARKERS = (
    # "Lukket ..." / "CF - Lukket ..." / "Fortroligt: ..." / "[Lukket] ..." as the title's first word(s)
    # (matched before lower-casing: a prefix is an abbreviation in capitals, not any word before a dash)
    re.compile(rf"^[\[(]?\s*{_PREFIX}[\[(]?\s*(?i:{_SOLO})"),
    # a segment of its own anywhere: "... (Lukket)", "... - lukket", "... / lukket sag", "..., lukket"
    re.compile(rf"(?:^|[-:(\[/|,;])\s*(?:{_SOLO}|{_UNPUBLIC})\s*(?:$|[-:)\]/|,;])"),
    # "lukket punkt", "for lukkede døre" anywhere (not the plural: "adgang til lukkede punkter" is a topic)
    re.compile(r"\blukket\s+(?:dagsordenpunkt|punkt|sag|møde)\b|\bfor\s+lukkede\s+døre\b"
               r"|\b(?:ikke\s*-?\s*offentlig[t]?|fortrolig[t]?)\s+(?:dagsordenpunkt|punkt)\b"),
    re.compile(r"\bunntatt\s+offentlighet\b|\bu\.\s?off\b"),  # Norwegian
)
_L_MARK = re.compile(r"^\s*[\[(]L[\])]\s|\s[\[(]L[\])]\s*$")  # "(L) Køb af jord", "Køb af jord (L)": the capital L
_CITES = r"\s+(?:jf|jvf|iht|i\s+henhold|efter|vedr|vedrørende)\b"  # "... jf. offentlighedslovens § 30"
_BODY_MARKER = re.compile(
    # "Lukket", "Lukket punkt.", "Fortroligt:", "Lukket jf. KL § 10" (alone, punctuated, or with the law it cites)
    rf"^(?:{_SOLO}(?:$|\s*[.:;,!)\-]|{_CITES})"
    rf"|lukke(?:t|de)\s+{_NOUN}"  # "Lukket punkt vedrørende ..."
    # "Ikke offentligt punkt.", "Ikke til offentliggørelse.", "Fortroligt punkt", "Undtaget fra offentlighed,
    # jf. offentlighedslovens § 30": alone, punctuated, or with the law it cites
    rf"|{_UNPUBLIC}(?:$|\s*[.:;,!)\-]|{_CITES})"
    r"|(?:ikke\s*-?\s*offentlig[t]?|fortrolig[t]?)\s+(?:dagsordenpunkt|punkt|sag)\b"  # "Fortroligt punkt om ..."
    r"|(?:dette\s+)?(?:punkt(?:et)?|sag(?:en)?|beslutning(?:en)?)\s+(?:(?:er|var|blev)\s+behandlet|er|var|behandles)\s+"
    r"(?:(?:som|på|i|under)\s+(?:et\s+|en\s+|den\s+)?)?(?:lukket|fortrolig|for\s+lukkede|ikke\s*-?\s*offentlig"
    r"|undtaget\s+(?:fra\s+)?(?:offentlighed|aktindsigt))"  # "Punktet behandles som lukket punkt", "Punktet er undtaget fra ..."
    r"|(?:behandles|behandlet)\s+(?:for\s+lukkede\s+døre|(?:som|på|i|under)\s+(?:et\s+|en\s+|den\s+)?lukket)"
    # "Punktet er omfattet af tavshedspligt.", "Punktet offentliggøres ikke."
    r"|(?:(?:dette\s+)?(?:punkt(?:et)?|sag(?:en)?|beslutning(?:en)?)\s+(?:er\s+|var\s+)?)?omfattet\s+af\s+tavshedspligt"
    r"|(?:dette\s+)?(?:punkt(?:et)?|sag(?:en)?|beslutning(?:en)?)\s+(?:offentliggøres|publiceres|offentliggjordes)\s+ikke\b"
    # a label and its value, as an ESDH export writes them: "Status: Lukket", "Åben/lukket: Lukket", "Adgang:
    # Lukket", "Type: Lukket punkt", "Offentlighed: Nej"
    r"|(?:status|åben\s*/\s*lukket|lukket\s*/\s*åben|offentlighed|adgang|behandling|behandlingsform|type|"
    r"tilgængelighed|klassifikation|access|visibility)\s*:\s*(?:lukket(?:\s+" + _NOUN + r")?|fortrolig[t]?"
    r"|ikke\s*-?\s*offentlig[t]?|private|closed|confidential|restricted)\s*\.?$"
    r"|(?:offentlighed|offentlig[t]?|åben[t]?|offentliggøres|publiceres)\s*:\s*(?:nej|no|false)\s*\.?$"
    r"|unntatt\s+offentlighet)")
# Explicit flags an item may carry (FirstAgenda JSON and its relatives), keys lower-cased without "_" and "-".
# A key naming closedness ("IsClosedItem", "ErLukketPunkt", "Confidential") closes the item when true; a key
# naming openness or publication ("Aaben", "IsPublic", "IsPublished") closes it when false. "IsOpen" is no such
# key: it is false on every item of the Greve dump, open ones included.
_CLOSED_KEY = re.compile(r"lukket|closed|confidential|fortrolig|private|hemmelig|secret|restricted")
_OPEN_KEYS = {"aaben", "åben", "aabent", "åbent", "eraaben", "eråben", "ispublic", "public", "offentlig",
              "eroffentlig", "offentligt", "ispublished", "published", "publiceret", "erpubliceret",
              "offentliggjort", "eroffentliggjort"}
# Any other key about publication or openness ("Publiceres", "PublicAccess", "Offentliggoeres", "ErAaben"): closed
# when clearly false (a date or a text under such a key, "PublishedAt", says nothing).
_OPEN_KEY_PART = re.compile(r"publi|offentlig|aaben|åben")
# A short value naming the item's access ("Access": "Lukket", "Visibility": "Private", "Offentlighed": "Lukket
# punkt"), under any key but the item's titles and texts.
_CLOSED_VALUES = {"closed", "private", "confidential", "restricted", "secret", "nonpublic", "non public",
                  "not public", "internal", "intern", "hemmelig"}
_TEXT_KEYS = {"navn", "caption", "titel", "title", "name", "felter", "html", "tekst", "text", "beskrivelse",
              "description", "sagsnummer", "casenumber"}
_NEGATIVE = {"false", "0", "nej", "no", "n", "f", "", "none", "null"}


def _norm(text: str, lower: bool = True) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).translate(_DASHES).split())
    return text.lower() if lower else text


def closed_title(title: str) -> bool:
    """True when a title (as written, committee prefix and all) marks the punkt closed."""
    first, *rest = _TITLE_MARKERS
    return (bool(first.search(_norm(title, lower=False)) or _L_MARK.search(_norm(title, lower=False)))
            or any(p.search(_norm(title)) for p in rest))


def closed_line(line: str) -> bool:
    """True when a body's or a section's first line marks the punkt closed ("Lukket punkt", "Punktet er
    lukket", "Lukket sag." ...)."""
    return bool(_BODY_MARKER.match(_norm(line)))


# A divider line of its own between punkter: every punkt after it is closed ("LUKKEDE PUNKTER", "Lukket
# møde", "Lukket dagsorden:", "Punkter på lukket dagsorden", "Lukket del af mødet") until a divider of open
# punkter ("Åbne punkter").
# The punkter a divider names may follow it: "Lukket møde – punkt 3-4", "Lukket del (pkt. 5 og 6)".
_RANGE = r"(?:\s*[-:(,]?\s*(?:punkt(?:erne)?|pkt\.?|sag(?:erne)?)\s*[\d\s,.\-]*(?:\s*og\s*[\d\s,.\-]+)?\)?)?"
_PLURAL = r"(?:dagsordenpunkter|punkter|sager)"
_CLOSED_DIVIDER = re.compile(
    rf"^(?:lukkede\s+{_PLURAL}|lukket\s+(?:møde|del|dagsorden|behandling)(?:\s+af\s+mødet)?"
    rf"|(?:{_PLURAL}\s+)?(?:på|til|under)\s+(?:den\s+)?lukke(?:t|de)\s+(?:dagsorden|del|møde)"
    rf"|{_PLURAL}\s+(?:behandlet|behandles)\s+(?:for\s+lukkede\s+døre|på\s+lukket\s+møde)"
    rf"|fortrolige\s+{_PLURAL}|ikke\s*-?\s*offentlige\s+{_PLURAL}"
    rf"|{_PLURAL}\s+(?:undtaget|unddraget)\s+(?:fra\s+)?offentlighed(?:en)?|unntatt\s+offentlighet)"
    rf"{_RANGE}\s*:?$")
_OPEN_DIVIDER = re.compile(
    rf"^(?:åbne\s+{_PLURAL}|åbent\s+møde|åben\s+(?:del|dagsorden)(?:\s+af\s+mødet)?"
    rf"|(?:{_PLURAL}\s+)?(?:på|til|under)\s+(?:den\s+)?(?:åben|åbne|åbent)\s+(?:dagsorden|del|møde)"
    rf"|offentlige\s+{_PLURAL})"
    rf"{_RANGE}\s*:?$")


def divider(line: str) -> bool | None:
    """True for a line that opens a part of closed punkter, False for one that opens a part of open punkter,
    None for any other line."""
    text = _norm(line).strip("#*_ \t")
    if _CLOSED_DIVIDER.match(text):
        return True
    if _OPEN_DIVIDER.match(text):
        return False
    return None


def first_lines(texts: Iterable[str]) -> list[str]:
    """The first non-blank line of each text (a body, a section)."""
    out = []
    for text in texts:
        line = next((x for x in text.splitlines() if x.strip()), "")
        if line:
            out.append(line)
    return out


def flagged_closed(item: Mapping[str, object]) -> bool:
    """True when an item's own fields say it is closed (see the module docstring). Anything but a clear
    "no" counts as yes for a closing flag, and anything but a clear "yes" as no for a public flag."""
    for key, value in item.items():
        k = re.sub(r"[\s_-]", "", str(key).lower())
        if _CLOSED_KEY.search(k) and not k.startswith(("not", "ikke", "un")) and _truthy(value) is not False:
            return True
        if k in _OPEN_KEYS and _truthy(value) is not True:
            return True
        if k != "isopen" and _OPEN_KEY_PART.search(k) and _truthy(value) is False and value is not None:
            return True
        if isinstance(value, str) and k not in _TEXT_KEYS and len(value) <= 40 and (
                _norm(value).strip(" .") in _CLOSED_VALUES or closed_line(value)):
            return True
    return False


def _truthy(value: object) -> bool | None:
    """True/False for a clear boolean-like value, None when it is unclear (a doubt)."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        v = value.strip().lower()
        if v in _NEGATIVE:
            return False
        if v in {"true", "1", "ja", "yes", "y", "t"}:
            return True
    return None


def is_closed(titles: Iterable[str], texts: Iterable[str] = (), item: Mapping[str, object] | None = None) -> bool:
    """The rule: any title marks it, any text's (body's or section's) first line marks it, or the item's
    own flags do."""
    return (any(closed_title(t) for t in titles if t) or any(closed_line(x) for x in first_lines(texts))
            or (item is not None and flagged_closed(item)))


_D = f"[{_DASH_CHARS}]"
_STRIP_LEADING = re.compile(rf"^(?:[^:()\[\]]{{0,60}}?\s*{_D}\s*(?={_SOLO}\s*(?:{_D}|:)))?\s*[\[(]?\s*{_SOLO}\s*[\])]?\s*(?:{_D}|:)*\s*", re.I)
_STRIP_TRAILING = re.compile(rf"\s*(?:(?:{_D}|[:/|,;])\s*|[\[(]\s*){_SOLO}\s*[\])]?\s*$", re.I)
# the other wordings only with a separator after them: "Ikke offentlig vej ved ..." keeps its words
_STRIP_UNPUBLIC_LEADING = re.compile(rf"^\s*[\[(]?\s*{_UNPUBLIC}\s*(?:[\])]\s*(?:{_D}|:)*|(?:{_D}|:)+)\s*", re.I)
_STRIP_UNPUBLIC_TRAILING = re.compile(rf"\s*(?:(?:{_D}|[:/|,;])\s*|[\[(]\s*){_UNPUBLIC}\s*[\])]?\s*$", re.I)


def strip_marker(title: str) -> str:
    """The title without its closed marker: "Lukket: Personalesag" -> "Personalesag" (dashes kept as
    written elsewhere in the title)."""
    t = _L_MARK.sub(" ", " ".join(title.split())).strip()
    stripped = _STRIP_UNPUBLIC_TRAILING.sub("", _STRIP_UNPUBLIC_LEADING.sub("", t, count=1), count=1)
    stripped = _STRIP_TRAILING.sub("", _STRIP_LEADING.sub("", stripped, count=1), count=1).strip()
    return stripped or t

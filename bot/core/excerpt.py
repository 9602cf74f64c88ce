"""The passage of a decision that short listings quote (the weekly digest, uncertain hits): never mid-thought.

- The decisive line is the first line that states a decision ("Chefforum besluttede, at ..."), else the first
  line: a Beslutning often opens with what was discussed.
- The whole decisive line is quoted, and when it ends with ":" (it introduces a list or points) also what it
  introduces: the next line, then every following list item ("- ...", "• ...", "1. ...", "a) ...") and every
  line that continues the one before it (a line broken mid-sentence by a page break). The next ordinary
  paragraph ends it.
- Within ``limit`` characters the passage is cut only where a thought ends: after a sentence or a list item,
  then " …". The decisive sentence is always quoted whole; only when that one sentence alone is longer than
  the limit is it cut, at its last comma or semicolon within the limit (else a space), then " …".

Every line of the passage is verbatim from the decision; lines are joined with newlines.
"""
from __future__ import annotations

import re

LIMIT = 1000  # characters: the five points of Chefforum 2024-09-11 punkt 2 fit, a runaway list does not

DECIDES = re.compile(r"\b(?:besluttede|besluttet|godkendte|godkendt|vedtog|vedtaget|tiltrådte|anbefaler|"
                     r"anbefales|bevilgede|afviste)\b", re.I)
# Where a sentence ends inside a line: after . ! ? and before a capital letter or an opening quote.
# ("bl.a. følgende", "den 1. november" and "kl. 16" do not end sentences.)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ\"“”«])")
_LIST_ITEM = re.compile(r"(?:[-–•*▪·]\s|\(?\d{1,2}[.)]\s|\(?[a-zæøå][.)]\s)")
_ENDS_THOUGHT = re.compile(r"[.!?:;…)\"”]$")
_CLAUSE = re.compile(r"[,;]\s")
MORE = " …"


def decisive_passage(text: str, limit: int = LIMIT) -> str:
    """The decisive sentence of ``text`` with the rest of its line and what it introduces, within ``limit``."""
    lines = [x.strip() for x in text.splitlines() if x.strip()]
    if not lines:
        return ""
    at = next((n for n, x in enumerate(lines) if DECIDES.search(x)), 0)
    units = [(s, " ") for s in sentences(lines[at])]  # (text, separator before it)
    decisive = next((n for n, (s, _) in enumerate(units) if DECIDES.search(s)), 0)
    if lines[at].endswith(":"):
        for line in introduced(lines, at):
            units += [(s, "\n" if k == 0 else " ") for k, s in enumerate(sentences(line))]
    if len(units[decisive][0]) > limit:
        return _cut_sentence(units[decisive][0], limit)
    start = 0 if len(_join(units[:decisive + 1])) <= limit else decisive
    end = decisive + 1
    while end < len(units) and len(_join(units[start:end + 1])) + len(MORE) <= limit:
        end += 1
    if end < len(units) and len(_join(units[start:])) <= limit:
        end = len(units)  # everything fits without the " …"
    passage = ("… " if start else "") + _join(units[start:end])
    return passage + (MORE if end < len(units) else "")


def sentences(line: str) -> list[str]:
    """``line`` cut after each sentence; the pieces are verbatim and together are the line."""
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(line)]
    return [line[a:b].rstrip() for a, b in zip(starts, starts[1:] + [len(line)])]


def introduced(lines: list[str], at: int) -> list[str]:
    """The lines that ``lines[at]`` (ending with ":") introduces: see the module's docstring."""
    out: list[str] = []
    for line in lines[at + 1:]:
        continues = bool(out) and not _ENDS_THOUGHT.search(out[-1]) and line[:1].islower()
        if out and not (_LIST_ITEM.match(line) or continues):
            break
        out.append(line)
    return out


def _join(units: list[tuple[str, str]]) -> str:
    return "".join((sep if n else "") + text for n, (text, sep) in enumerate(units))


def _cut_sentence(sentence: str, limit: int) -> str:
    room = sentence[:limit - len(MORE) + 1]
    clause = [m.start() for m in _CLAUSE.finditer(room)]
    cut = clause[-1] if clause and clause[-1] > limit // 2 else room.rfind(" ")
    return sentence[:cut if cut > 0 else limit - len(MORE)].rstrip(" ,;") + MORE

"""Read one source file, detect its format by content and hand it to the right parser."""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from embeddings.errors import InputError
from embeddings.minutes import Minutes


_WIDE_NAMES = {"utf-16-le": "UTF-16 little-endian", "utf-16-be": "UTF-16 big-endian"}


class Format(StrEnum):
    TEXT = "text"  # FirstAgenda text or Markdown export
    PDF = "pdf"
    JSON = "json"  # FirstAgenda publication API
    HTML = "html"  # minutes saved from a web page


@dataclass(frozen=True)
class Source:
    """A file's bytes, content hash and detected format."""

    path: str
    data: bytes
    sha256: str
    format: Format


@dataclass(frozen=True)
class Parsed:
    minutes: Minutes
    warnings: tuple[str, ...] = ()  # message codes, e.g. "file_cp1252"


def not_regular(mode: int) -> str | None:
    """The message code for a file that is not a regular file (FIFO, device, socket), else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "file_fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "file_device"
    if stat.S_ISSOCK(mode):
        return "file_socket"
    return "file_special"


def read_source(path: Path) -> Source:
    """A regular file's bytes. Anything else is refused before it is opened: opening a FIFO blocks until a
    writer comes, reading a device may never end."""
    name = str(path)
    try:
        code = not_regular(path.stat().st_mode)
        if code:
            raise InputError(code, name)
        # Replaced by a FIFO since the stat? O_NONBLOCK makes open return at once, and fstat sees it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as f:
            code = not_regular(os.fstat(f.fileno()).st_mode)
            if code:
                raise InputError(code, name)
            data = f.read()
    except FileNotFoundError:
        raise InputError("file_missing", name) from None
    except IsADirectoryError:
        raise InputError("file_special", name) from None
    except OSError as e:
        raise InputError("file_unreadable", name, reason=e.strerror or type(e).__name__) from None
    return Source(name, data, hashlib.sha256(data).hexdigest(), detect_format(name, data))


def wide_encoding(name: str, data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text, by its byte-order mark or, without one, by the NUL bytes
    ASCII letters have in every other byte; None for anything else. UTF-32 is named and refused."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputError("file_utf32", name)
    if data.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if data.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    even, odd = sample[0:pairs * 2:2].count(0), sample[1:pairs * 2:2].count(0)
    if odd >= pairs * 0.4 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.4 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


# A saved web page: markup first, and an html, head or body element or a doctype naming HTML near the top.
_HTML = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.I)
# Office documents: a zip container (docx, odt, xlsx), the old OLE compound file (doc, xls), RTF.
_OFFICE = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"{\\rtf")


def _markup(text: str) -> bool:
    return text.startswith("<") and _HTML.search(text[:4096]) is not None


def _binary(chars: list[int]) -> bool:
    return 0 in chars or sum(c < 9 or 13 < c < 32 for c in chars) > len(chars) // 100


def detect_format(name: str, data: bytes) -> Format:
    wide = wide_encoding(name, data)
    if wide:
        text = data[:4096].decode(wide, errors="replace").lstrip("\ufeff \t\r\n")
        if not text:
            raise InputError("file_empty", name)
        if text[:1] in ("{", "["):
            return Format.JSON
        if _markup(text):
            return Format.HTML
        if _binary([ord(c) for c in text]):
            raise InputError("file_binary", name)
        return Format.TEXT
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InputError("file_empty", name)
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head.startswith(_OFFICE):
        raise InputError("file_office", name)
    if head[:1] in (b"{", b"["):
        return Format.JSON
    if _markup(head.decode("latin-1")):
        return Format.HTML
    if _binary(list(head)):
        raise InputError("file_binary", name)
    return Format.TEXT


def decode_text(name: str, data: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (with or without BOM); UTF-16 and Windows-1252 exports are read as such, with a warning."""
    wide = wide_encoding(name, data)
    if wide:
        try:
            return data.decode(wide).removeprefix("\ufeff"), ("file_utf16",)
        except UnicodeDecodeError as e:
            raise InputError("file_utf16_broken", name, encoding=_WIDE_NAMES[wide], position=e.start) from None
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), ("file_cp1252",)
    except UnicodeDecodeError as e:
        raise InputError("file_encoding", name, position=e.start) from None


def parse_source(src: Source) -> Parsed:
    """The meeting in ``src``; raises InputError naming the file (and line or punkt) when it can't."""
    if src.format is Format.PDF:
        from embeddings.ingest.pdf import parse_pdf

        return Parsed(parse_pdf(src.data, src.path, src.sha256))
    if src.format is Format.JSON:
        from embeddings.ingest.firstagenda import parse_firstagenda_json

        if wide_encoding(src.path, src.data):  # the JSON parser reads UTF-8
            text, warnings = decode_text(src.path, src.data)
            return Parsed(parse_firstagenda_json(text.encode("utf-8"), src.path, src.sha256), warnings)
        return Parsed(parse_firstagenda_json(src.data, src.path, src.sha256))
    text, warnings = decode_text(src.path, src.data)
    if src.format is Format.HTML:
        from embeddings.ingest.html_page import parse_html

        return Parsed(parse_html(text, src.path, src.sha256), warnings)
    from embeddings.ingest.text import parse_text

    return Parsed(parse_text(text, src.path, src.sha256), warnings)

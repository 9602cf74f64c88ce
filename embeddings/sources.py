"""Read one source file, detect its format by content and hand it to the right parser."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from bot.errors import InputError
from embeddings.models import Minutes


class Format(StrEnum):
    TEXT = "text"  # FirstAgenda text or Markdown export
    PDF = "pdf"
    JSON = "json"  # FirstAgenda publication API


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


def read_source(path: Path) -> Source:
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file_missing", name) from None
    except OSError as e:
        raise InputError("file_unreadable", name, reason=e.strerror or type(e).__name__) from None
    return Source(name, data, hashlib.sha256(data).hexdigest(), detect_format(name, data))


def detect_format(name: str, data: bytes) -> Format:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise InputError("file_empty", name)
    if head.startswith(b"%PDF-"):
        return Format.PDF
    if head[:1] in (b"{", b"["):
        return Format.JSON
    if b"\x00" in head or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 100:
        raise InputError("file_binary", name)
    return Format.TEXT


def decode_text(name: str, data: bytes) -> tuple[str, tuple[str, ...]]:
    """UTF-8 (with or without BOM); Windows-1252 exports are read as such, with a warning."""
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
        from embeddings.parse_pdf import parse_pdf

        return Parsed(parse_pdf(src.data, src.path, src.sha256))
    if src.format is Format.JSON:
        from embeddings.parse_json import parse_firstagenda_json

        return Parsed(parse_firstagenda_json(src.data, src.path, src.sha256))
    from embeddings.parse_text import parse_text

    text, warnings = decode_text(src.path, src.data)
    return Parsed(parse_text(text, src.path, src.sha256), warnings)

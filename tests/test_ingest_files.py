"""What ingest accepts as a file: UTF-16 is read (with a warning), special files are refused without being
opened, implausible meeting dates are stored with a warning naming the file and the date."""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.messages import user_message
from embeddings.ingest.files import FileStatus, ingest_paths
from embeddings.store import Store

from console import cli
from conftest import BUNDLED, PROJECT

SEPT = (BUNDLED / "chefforum-2024-09-11.txt").read_text(encoding="utf-8")
TITLE = "Opfølgning på implementering af ens telefontider"  # punkt 4: ø and å survive decoding



def stored() -> Store:
    return Store(Path(os.environ["BESLUT_HOME"]) / "beslut.db")


def dated(day: str) -> str:
    """The 11 September 2024 minutes with another meeting date (DD-MM-YYYY) in the header."""
    return SEPT.replace("REFERAT Chefforum d. 11-09-2024", f"REFERAT Chefforum d. {day}", 1)


# --- UTF-16 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom_is_read_with_a_warning(tmp_path, capsys, encoding):
    f = tmp_path / "unicode.txt"
    f.write_bytes("\ufeff".encode("utf-16-be") + SEPT.encode("utf-16-be") if encoding == "utf-16-be-bom"
                  else SEPT.encode(encoding))
    code, out, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 0 and "1 nye" in out
    assert f"{f}: advarsel: filen er ikke UTF-8, men UTF-16; læst som UTF-16" in err
    (p,) = stored().get_punkt(dt.date(2024, 9, 11), 4)
    assert p.title == TITLE and p.journal.raw == "83.02.00-A00-1-23" and "1. november 2024" in p.decision


def test_utf16_json_is_read_too(tmp_path, capsys):
    doc = {"Udvalg": {"Navn": "Økonomiudvalget"},
           "Moede": {"Dato": "2024-09-11T09:00:00+02:00", "Sted": None, "Moededeltagere": None},
           "Dagsordenpunkter": [{"Punktnummer": 4, "Navn": "Telefontider på rådhuset", "SagsNummer": "24-000123",
                                 "Felter": [{"Navn": "", "Html": "<h3>Beslutning</h3><p>Godkendt.</p>"}],
                                 "Bilag": None}]}
    f = tmp_path / "møde.json"
    f.write_bytes(json.dumps(doc, ensure_ascii=False).encode("utf-16"))
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 0 and "UTF-16" in err
    (p,) = stored().get_punkt(dt.date(2024, 9, 11), 4)
    assert p.meeting.committee == "Økonomiudvalget" and p.title == "Telefontider på rådhuset"


@pytest.mark.parametrize("data, words", [
    (SEPT.encode("utf-16") + b"x", "filen ligner UTF-16 little-endian, men kan ikke læses som det (byte "),
    ("\ufeff".encode("utf-16-be") + "REFERAT \ud800".encode("utf-16-be", "surrogatepass"),
     "filen ligner UTF-16 big-endian, men kan ikke læses som det (byte 18)"),
    (SEPT.encode("utf-32"), "filen er kodet som UTF-32, som beslut ikke læser: gem den som UTF-8"),
])
def test_wide_text_that_cannot_be_read_names_its_encoding(tmp_path, capsys, data, words):
    f = tmp_path / "wide.txt"
    f.write_bytes(data)
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 1 and f"{f}: {words}" in err and "binært" not in err


def test_binary_with_nul_bytes_is_still_binary(tmp_path, capsys):
    f = tmp_path / "image.bin"
    f.write_bytes(bytes([0x89, 0x50, 0x4E, 0x47]) + bytes(range(256)) * 8)
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 1 and f"{f}: filen er ikke tekst, Markdown, HTML, PDF eller FirstAgenda-JSON (binært indhold)" in err


# --- regular files only -------------------------------------------------------------------------------
def test_a_fifo_or_device_given_by_name_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "referat.txt"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(SEPT, encoding="utf-8")
    env = {**os.environ, "BESLUT_HOME": str(tmp_path / "home")}
    # A process of its own: before the fix, opening the FIFO blocks for ever (the timeout turns that into a failure).
    r = subprocess.run([sys.executable, "-m", "bot", "ingest", "--no-index", str(fifo), os.devnull, str(good)],
                       env=env, cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{fifo}: filen er en navngivet pipe (FIFO), ikke en almindelig fil" in r.stderr
    assert f"{os.devnull}: filen er en enhed (device), ikke en almindelig fil" in r.stderr
    assert "1 nye" in r.stdout and "2 fejlede" in r.stdout


def test_special_files_in_a_folder_are_skipped_with_a_message(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(SEPT, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "s"))
    try:
        report = ingest_paths(Store(tmp_path / "b.db"), [folder])
        assert [o.status for o in report.outcomes] == [FileStatus.NEW]
        assert tuple(user_message(e) for e in report.skipped) == (
            f"{folder / 'pipe.txt'}: springes over: filen er en navngivet pipe (FIFO), ikke en almindelig fil: "
            "beslut læser kun almindelige filer",
            f"{folder / 's'}: springes over: filen er en socket, ikke en almindelig fil: beslut læser kun "
            "almindelige filer")
        code, out, err = cli(capsys, "ingest", "--no-index", str(folder))
        assert code == 0 and "1 filer: 1 nye" in out and f"{folder / 'pipe.txt'}: springes over" in err
    finally:
        sock.close()


# --- implausible meeting dates ------------------------------------------------------------------------
@pytest.mark.parametrize("day, warning", [
    ("11-09-2099", "advarsel: mødedatoen 2099-09-11 ligger mere end et år efter i dag (2024-09-20): tjek datoen "
                   "i referatet"),
    ("21-09-2025", "advarsel: mødedatoen 2025-09-21 ligger mere end et år efter i dag (2024-09-20): tjek "
                   "datoen i referatet"),
    ("11-09-1024", "advarsel: mødedatoen 1024-09-11 ligger før 1970-01-01: tjek datoen i referatet"),
    ("31-12-1969", "advarsel: mødedatoen 1969-12-31 ligger før 1970-01-01: tjek datoen i referatet"),
])
def test_an_implausible_meeting_date_is_stored_with_a_warning_naming_file_and_date(tmp_path, capsys,
                                                                                   monkeypatch, day, warning):
    monkeypatch.setenv("BESLUT_TODAY", "2024-09-20")
    f = tmp_path / "referat.txt"
    f.write_text(dated(day), encoding="utf-8")
    code, out, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 0 and "1 nye" in out
    assert err == f"{f}: {warning}\n"
    d, m, y = map(int, day.split("-"))
    assert stored().get_punkt(dt.date(y, m, d), 4)


@pytest.mark.parametrize("day", ["20-09-2025", "01-01-1970", "11-09-2024"])
def test_plausible_meeting_dates_are_not_warned_about(tmp_path, capsys, monkeypatch, day):
    monkeypatch.setenv("BESLUT_TODAY", "2024-09-20")
    f = tmp_path / "referat.txt"
    f.write_text(dated(day), encoding="utf-8")
    code, _, err = cli(capsys, "ingest", "--no-index", str(f))
    assert code == 0 and err == ""

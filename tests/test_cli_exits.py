"""Exit codes and messages of `beslut`: configuration errors exit 2 with a Danish message naming the variable,
absurd input is a Danish error (exit 1), a closed stdout is quiet. Never a traceback, never English."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.cli.main import BROKEN_PIPE_EXIT, build_parser
from embeddings.errors import ConfigError
from bot.settings import Settings
from bot.core import messages

from console import cli
from conftest import PROJECT

ENGLISH = ("Traceback", "must be", "invalid literal", "month must", "Error:", "error:")
SLACK = {"SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "hemmelig"}



@pytest.mark.parametrize("env, argv, named", [
    ({"BESLUT_TODAY": "2024-13-01"}, ["meetings"], "BESLUT_TODAY '2024-13-01'"),
    ({"BESLUT_TODAY": "i morgen"}, ["meetings"], "BESLUT_TODAY 'i morgen'"),
    ({"BESLUT_DIGEST_POST_EMPTY": "måske"}, ["meetings"], "BESLUT_DIGEST_POST_EMPTY 'måske'"),
    ({"BESLUT_TEAMS_ALLOW_ANONYMOUS": "yes please"}, ["meetings"], "BESLUT_TEAMS_ALLOW_ANONYMOUS 'yes please'"),
    ({"PORT": "²"}, ["meetings"], "PORT '²'"),  # "²".isdigit() is true, int("²") is a ValueError
    ({"PORT": "99999999999999999999"}, ["meetings"], "PORT '99999999999999999999'"),
    ({"PORT": "web"}, ["meetings"], "PORT 'web'"),
    ({"BESLUT_INDEX": "annoy"}, ["index"], "ugyldig BESLUT_INDEX 'annoy': brug auto, flat, hnsw, ivf"),
    ({"BESLUT_INDEX_WORKERS": "alle"}, ["index"], "BESLUT_INDEX_WORKERS 'alle'"),
    ({"SLACK_BOT_TOKEN": "xoxb-test"}, ["serve"], "SLACK_SIGNING_SECRET mangler"),
    ({"SLACK_BOT_TOKEN": "xoxb-test"}, ["serve", "--socket-mode"], "SLACK_APP_TOKEN"),
    ({**SLACK, "BESLUT_TEAMS_ALLOW_ANONYMOUS": "true", "MICROSOFT_APP_ID": "app"}, ["serve"],
     "BESLUT_TEAMS_ALLOW_ANONYMOUS=true kan ikke bruges sammen med MICROSOFT_APP_ID"),
    ({"MICROSOFT_APP_ID": "app", "MICROSOFT_APP_PASSWORD": "pw"}, ["serve"], "MICROSOFT_APP_TENANT_ID mangler"),
    ({"MICROSOFT_APP_ID": "app"}, ["serve"], "MICROSOFT_APP_PASSWORD"),
    ({"BESLUT_DIGEST_CRON": "hver mandag", "BESLUT_DIGEST_CHANNEL": "C1", "SLACK_BOT_TOKEN": "xoxb-test"},
     ["worker"], "ugyldig BESLUT_DIGEST_CRON 'hver mandag'"),
    ({"BESLUT_TZ": "Europe/Kbh"}, ["digest", "--dry-run"], "ukendt tidszone 'Europe/Kbh' (BESLUT_TZ)"),
    ({"BESLUT_TZ": "Europe/Kbh", "BESLUT_DIGEST_CHANNEL": "C1", "SLACK_BOT_TOKEN": "xoxb-test"}, ["worker"],
     "(BESLUT_TZ)"),
    ({}, ["digest", "--week", "2024-W37"], "BESLUT_DIGEST_CHANNEL"),
    ({"BESLUT_SOURCE_URL": "https://k.dk/{committee"}, ["digest", "--week", "2024-W37", "--dry-run"],
     "ugyldig BESLUT_SOURCE_URL 'https://k.dk/{committee': brug en http(s)-adresse med felterne {committee}, "
     "{date}, {number} og {case}"),
    ({"BESLUT_SOURCE_URL": "https://k.dk/{udvalg}"}, ["meetings"], "BESLUT_SOURCE_URL 'https://k.dk/{udvalg}'"),
    ({"BESLUT_SOURCE_URL": "https://k.dk/{date.year}"}, ["meetings"], "BESLUT_SOURCE_URL"),
    ({"BESLUT_SOURCE_URL": "https://k.dk/{number:q}"}, ["meetings"], "BESLUT_SOURCE_URL"),
    ({"BESLUT_SOURCE_URL": "javascript:alert({number})"}, ["meetings"], "BESLUT_SOURCE_URL 'javascript:"),
    ({"BESLUT_DIGEST_CHANNEL": "C1"}, ["digest", "--week", "2024-W37"], "SLACK_BOT_TOKEN mangler"),
])
def test_configuration_errors_exit_2_with_a_danish_message_naming_the_variable(capsys, monkeypatch, env, argv,
                                                                               named):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    code, out, err = cli(capsys, *argv)
    assert code == 2, (code, err)
    assert err.startswith("beslut: ") and named in err and err.count("\n") == 1
    assert out == "" and not any(word in err for word in ENGLISH), err


def test_a_model_that_cannot_be_loaded_is_a_configuration_error(capsys, monkeypatch):
    monkeypatch.setenv("BESLUT_MODEL", "/ingen/sådan/model")
    code, out, err = cli(capsys, "index")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith("beslut: sprogmodellen '/ingen/sådan/model' kan ikke indlæses (")  # (the library's reason)
    assert err.endswith("tjek navnet eller stien i BESLUT_MODEL, eller fjern BESLUT_MODEL for at bruge den "
                        "indbyggede model\n")


def test_settings_raise_config_errors_for_what_the_environment_got_wrong():
    with pytest.raises(ConfigError) as e:
        Settings.from_env({"BESLUT_TODAY": "2024-02-30"})
    assert e.value.exit_code == 2 and "BESLUT_TODAY '2024-02-30'" in messages.user_message(e.value)
    assert Settings.from_env({"PORT": "8080", "BESLUT_TODAY": "2024-09-11"}).port == 8080


def test_a_port_argument_that_no_socket_takes_is_refused_before_anything_starts(capsys):
    with pytest.raises(SystemExit) as e:
        build_parser().parse_args(["serve", "--port", "99999999999999999999"])
    assert e.value.code == 2
    assert "ugyldig port '99999999999999999999': brug et tal mellem 0 og 65535" in capsys.readouterr().err
    assert build_parser().parse_args(["serve", "--port", "8080"]).port == 8080


@pytest.mark.parametrize("ref", ["2024-09-11#99999999999999999999", "2024-09-11#9223372036854775808",
                                 "2024-09-11T09:00#1000000000", "2024-09-11#3æ", "2024-09-11#5.1234"])
def test_an_absurd_punkt_number_is_an_invalid_reference_not_an_overflow(capsys, ref):
    code, out, err = cli(capsys, "show", ref)
    assert code == 1 and out == ""
    assert err == f"beslut: ugyldig punkt-reference {ref!r}: brug ÅÅÅÅ-MM-DD#N, fx 2024-09-11#4\n"


def test_a_large_but_storable_punkt_number_is_simply_unknown(capsys, home):  # a store to look in
    code, _, err = cli(capsys, "show", "2024-09-11#999999999")
    assert code == 1 and "intet punkt 2024-09-11#999999999 i databasen" in err


@pytest.mark.parametrize("argv", [["meetings"], ["meetings", "--json"]])
def test_a_reader_that_stops_early_ends_the_command_quietly_with_141(tmp_path, argv):
    """`beslut meetings | head -1`: stdout is a pipe whose reader has gone; no BrokenPipeError traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before beslut writes a byte
    env = {**os.environ, "BESLUT_HOME": str(tmp_path / "home")}
    try:
        proc = subprocess.run([sys.executable, "-m", "bot", *argv], stdout=write_end, stderr=subprocess.PIPE,
                              env=env, cwd=PROJECT, timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode == BROKEN_PIPE_EXIT == 141
    assert proc.stderr == b""


@pytest.mark.parametrize("content, words", [
    (None, "spørgsmålsfilen {f} findes ikke"),
    ('{"q": "telefontider", "expect": ["2024-09-11#4"]}\nikke json\n', "{f}, linje 2: ikke et spørgsmål som"),
    ('{"spørgsmål": "telefontider"}\n', "{f}, linje 1: ikke et spørgsmål som"),
    (b"\xff\xfe{", "spørgsmålsfilen {f} kan ikke læses"),
])
def test_a_bad_question_file_for_eval_is_named_not_a_traceback(tmp_path, capsys, content, words):
    """What the removed 'except ValueError -> exit 2' used to catch, in English: now a Danish message, exit 1."""
    f = tmp_path / "spørgsmål.jsonl"
    if isinstance(content, bytes):
        f.write_bytes(content)
    elif content is not None:
        f.write_text(content, encoding="utf-8")
    code, out, err = cli(capsys, "eval", str(f))
    assert code == 1 and out == "" and err.startswith("beslut: " + words.format(f=f))


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: nothing listens there


@pytest.mark.parametrize("argv", [["meetings"], ["migrate"], ["ingest", "--no-index", os.devnull]])
def test_a_database_that_cannot_be_reached_is_one_danish_line_without_the_password(capsys, monkeypatch, argv):
    url = f"postgresql://beslut:hemmelig-kode@127.0.0.1:{_closed_port()}/beslut"
    monkeypatch.setenv("DATABASE_URL", url)
    code, out, err = cli(capsys, *argv)
    assert code == 1 and out == ""
    assert err.startswith(f"beslut: databasen postgresql://beslut:***@127.0.0.1:{url.split(':')[3]} kan ikke bruges: ")
    assert "DATABASE_URL" in err and "hemmelig-kode" not in err and err.count("\n") == 1
    assert not any(word in err for word in ENGLISH)


def test_a_beslut_home_that_cannot_be_written_is_named(capsys, monkeypatch):
    """/sys refuses new folders (EPERM or EROFS) even to root, as a read-only mount does."""
    monkeypatch.setenv("BESLUT_HOME", "/sys/beslut-home")
    code, out, err = cli(capsys, "migrate")  # a command that makes the store (`meetings` only looks for it)
    assert code == 1 and err.startswith("beslut: beslut kan ikke skrive i /sys/beslut-home: ")
    assert "BESLUT_HOME" in err and err.count("\n") == 1 and not any(word in err for word in ENGLISH)


def test_a_sqlite_store_that_refuses_writes_is_named(tmp_path):
    """A store opened read-only (as on a read-only mount) fails to write with SQLite's own error, which
    storage_error names; other failures stay exceptions."""
    import sqlalchemy as sa

    from embeddings.db import storage_error

    path = tmp_path / "beslut.db"
    sa.create_engine(f"sqlite:///{path}").connect().exec_driver_sql("CREATE TABLE t (x)").close()
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(sa.exc.OperationalError) as e, engine.connect() as conn:
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    failure = storage_error(e.value, str(path))
    assert failure is not None and failure.code == "storage_unwritable"
    assert messages.user_message(failure).startswith(f"beslut kan ikke skrive i {path}: attempt to write a readonly")
    assert storage_error(ValueError("x"), str(path)) is None and storage_error(FileNotFoundError(2, "x"), "") is None

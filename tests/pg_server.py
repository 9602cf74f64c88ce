"""A throwaway PostgreSQL server for the tests: initdb and pg_ctl in a temp dir, listening on a Unix socket
only, stopped at the end. PostgreSQL refuses to run as root: as root it runs as the ``postgres`` user
(``runuser``). BESLUT_TEST_DATABASE_URL names an existing server instead (a database per test is created
there). Without one of the two the PostgreSQL tests fail with this message: they are never skipped.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import sqlalchemy as sa

BINARIES = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]


def _bin(name: str) -> str:
    for d in BINARIES:
        if (d / name).exists():
            return str(d / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (Debian: apt-get install postgresql); or set "
                           "BESLUT_TEST_DATABASE_URL to a server the tests may create databases on")
    return found


class PgServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="beslut-pg-"))
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._run(_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "beslut", "-E", "UTF8", "--no-sync")
        self._run(_bin("pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"), "-w", "-t", "60", "-o",
                  f"-k {self.dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off "
                  "-c max_connections=200", "start")
        self.data = data
        self.admin = f"postgresql+psycopg://beslut@/postgres?host={self.dir}"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        try:
            self._run(_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def new_database(admin_url: str) -> str:
    """A fresh, empty database on the server; its URL."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    url = sa.engine.make_url(admin_url).set(database=name)
    return url.render_as_string(hide_password=False)

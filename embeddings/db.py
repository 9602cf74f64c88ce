"""The database every piece of state lives in: a SQLite file (the zero-setup default) or PostgreSQL.

``Database(url)`` wraps one SQLAlchemy engine. ``read()`` gives a connection in a read transaction,
``write()`` one in a write transaction that commits at the end (SQLite: ``BEGIN IMMEDIATE``, so two writers
queue behind each other instead of failing when one upgrades a read lock). Each owner of tables (the
minutes store, the chat state) brings its own ``Migrations``: an Alembic script directory and its own
version table, applied with ``migrate``. SQLite files are opened in WAL mode with foreign keys on.
"""
from __future__ import annotations

import errno
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from embeddings.errors import BeslutError

BUSY_TIMEOUT_S = 30  # how long a SQLite writer waits for another one before giving up
# What a store that cannot be written says (SQLite's words, the kernel's): the operator's to fix, not beslut's.
_UNWRITABLE = ("readonly database", "read-only file system", "unable to open database file", "permission denied",
               "disk is full", "no space left")
_STORAGE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT})


def storage_error(e: BaseException, where: str) -> BeslutError | None:
    """The failure ``e`` as a BeslutError when the storage itself failed: the database at ``where`` (a path, or
    a URL without its password) cannot be reached ("database_unreachable"), or it or the folder beside it
    cannot be written ("storage_unwritable"). None for any other exception, which stays a bug to see."""
    if isinstance(e, sa.exc.OperationalError):
        text = str(e.orig if e.orig is not None else e).strip()
        reason = (text.splitlines() or [type(e).__name__])[0][:300]
        if any(s in text.lower() for s in _UNWRITABLE):
            return BeslutError("storage_unwritable", path=where, reason=reason)
        return BeslutError("database_unreachable", where=where, reason=reason)
    if isinstance(e, OSError) and e.errno in _STORAGE_ERRNOS:
        return BeslutError("storage_unwritable", path=e.filename or where, reason=e.strerror or type(e).__name__)
    return None


@dataclass(frozen=True)
class Migrations:
    """One owner's schema history: an Alembic script directory and the table that records its version."""

    name: str  # "minutes", "chat": for messages
    script_location: Path
    version_table: str

    def config(self, connection: Connection):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(self.script_location))
        cfg.attributes["connection"] = connection
        cfg.attributes["version_table"] = self.version_table
        return cfg

    def head(self) -> str:
        from alembic.script import ScriptDirectory

        cfg = self.config(None)  # type: ignore[arg-type]
        return ScriptDirectory.from_config(cfg).get_current_head()


class Database:
    """One engine; safe to share between threads (the pool hands each its own connection)."""

    def __init__(self, url: str, migrate: bool = True) -> None:
        """``migrate=False``: this process never changes the schema (a web replica); ``migrate`` then only
        notes whether an owner's tables are current (``behind``), and the operator runs `beslut migrate`."""
        self.may_migrate = migrate
        self._behind: dict[str, Migrations] = {}
        self.url = sa.engine.make_url(url)
        if self.url.drivername in ("postgresql", "postgres"):  # DATABASE_URL as platforms write it
            self.url = self.url.set(drivername="postgresql+psycopg")
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if self.url.database and self.url.database != ":memory:":
                Path(self.url.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(self.url)
        else:
            self.engine = sa.create_engine(self.url, pool_pre_ping=True)
        self._migrated: set[str] = set()
        self._lock = threading.Lock()

    @classmethod
    def sqlite(cls, path: Path, migrate: bool = True) -> "Database":
        return cls(f"sqlite:///{Path(path)}", migrate)

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return Path(self.url.database) if self.is_sqlite and self.url.database else None

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            try:
                yield conn
            finally:
                conn.rollback()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits when the block ends (rolls back on an exception)."""
        with self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
            with conn.begin():
                yield conn

    def version(self, migrations: Migrations) -> str | None:
        """The revision ``migrations`` stand at in this database (None: never migrated)."""
        from alembic.runtime.migration import MigrationContext

        with self.read() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": migrations.version_table})
            return ctx.get_current_revision()

    def current(self, migrations: Migrations) -> bool:
        try:
            return self.version(migrations) == migrations.head()
        except sa.exc.OperationalError:  # a SQLite file that cannot be read yet (no directory): not current
            return False

    def migrate(self, migrations: Migrations) -> None:
        """Bring ``migrations``' tables to their newest revision (once per process and owner), in one
        transaction: a killed migration leaves the old schema, and two processes migrate one after the other."""
        with self._lock:
            if migrations.name in self._migrated:
                return
            if not self.may_migrate:
                if self.current(migrations):
                    self._migrated.add(migrations.name)
                else:
                    self._behind[migrations.name] = migrations
                return
            from alembic import command

            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection if self.is_sqlite else None
                if raw is not None:  # table rebuilds need foreign keys off, and the pragma is ignored in a transaction
                    raw.execute("PRAGMA foreign_keys=OFF")
                try:
                    if raw is not None:
                        conn = conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")
                    with conn.begin():
                        if raw is None:  # PostgreSQL: processes on several hosts migrate one at a time
                            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                                         {"k": int.from_bytes(migrations.version_table.encode()[:8], "big") >> 1})
                        command.upgrade(migrations.config(conn), "head")
                        if raw is not None and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                            raise RuntimeError(f"migrating {migrations.name} in {self!r} broke a foreign key")
                finally:
                    if raw is not None:
                        raw.execute("PRAGMA foreign_keys=ON")
            self._migrated.add(migrations.name)

    def behind(self) -> list[str]:
        """The owners whose tables this process found older than its code and may not migrate itself; asked
        again each time (an operator may have run `beslut migrate` meanwhile)."""
        with self._lock:
            for name, migrations in list(self._behind.items()):
                if self.current(migrations):
                    del self._behind[name]
                    self._migrated.add(name)
            return sorted(self._behind)

    def stamp(self, migrations: Migrations, revision: str) -> None:
        """Record ``revision`` as applied without running it (adopting tables made before Alembic)."""
        from alembic import command

        with self.write() as conn:
            command.stamp(migrations.config(conn), revision)

    def dispose(self) -> None:
        self.engine.dispose()


def _dialect_insert(conn: Connection, table: sa.Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def insert_or_ignore(conn: Connection, table: sa.Table, **values: object) -> bool:
    """INSERT a row unless its key exists (the database decides, so racing processes insert once); True
    when this call inserted it."""
    stmt = _dialect_insert(conn, table).values(**values).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT through SQLAlchemy
    return conn.execute(stmt.returning(sa.literal(1))).first() is not None


def upsert(conn: Connection, table: sa.Table, key: list[str], values: dict[str, object],
           update: list[str]) -> None:
    """INSERT a row, or UPDATE the ``update`` columns of the row with the same ``key``."""
    stmt = _dialect_insert(conn, table).values(**values)
    conn.execute(stmt.on_conflict_do_update(index_elements=key, set_={c: stmt.excluded[c] for c in update}))


def run_migrations(context) -> None:
    """The body of every migrations directory's env.py: run on the connection ``Database.migrate`` holds."""
    conn = context.config.attributes["connection"]
    context.configure(connection=conn, version_table=context.config.attributes["version_table"],
                      render_as_batch=conn.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_engine(url: sa.URL) -> Engine:
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                              pool_size=10, max_overflow=40)

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, by SQLAlchemy's events
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine

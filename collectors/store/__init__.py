"""The one owner of Jejaring's schema: tables, migrations, idempotent writes, and reads as
DataFrames.

Works on SQLite (default, WAL) and PostgreSQL through SQLAlchemy 2 Core. Nothing else writes
SQL. Times are stored in UTC; a ``day`` is the calendar day in the configured time zone.
``schema.py`` defines the tables, ``migrate.py`` brings an older store to them (Alembic),
``writes.py`` and ``reads.py`` hold the Store's two halves.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from collectors.errors import StoreError
from collectors.store import migrate
from collectors.store.reads import Reads
from collectors.store.schema import (
    HEAD,
    SCHEMA_VERSION,
    UTCDateTime,
    account_daily,
    account_metrics,
    accounts,
    connections,
    imports,
    metadata,
    post_categories,
    post_daily,
    post_metrics,
    posts,
    run_items,
    runs,
    schema_version,
    service_daily,
    service_questions,
    services,
)
from collectors.store.writes import WriteResult, Writes

__all__ = [
    "HEAD",
    "SCHEMA_VERSION",
    "Store",
    "StoreError",
    "UTCDateTime",
    "WriteResult",
    "account_daily",
    "account_metrics",
    "accounts",
    "connections",
    "describe",
    "imports",
    "make_engine",
    "metadata",
    "post_categories",
    "post_daily",
    "post_metrics",
    "posts",
    "run_items",
    "runs",
    "schema_version",
    "service_daily",
    "service_questions",
    "services",
]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while a refresh writes; the busy timeout waits for a
    # writer instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def describe(url: str) -> str:
    """The database in words, for messages (never with its password)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return "the database URL in JEJARING_DATABASE_URL"
    if parsed.get_backend_name() == "sqlite":
        return f"the database file {parsed.database or ':memory:'}"
    where = f"{parsed.host or 'localhost'}{':' + str(parsed.port) if parsed.port else ''}"
    return f"the {parsed.get_backend_name()} database '{parsed.database}' on {where}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and WAL switched on."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(
            "JEJARING_DATABASE_URL is not a database URL; write it like "
            "sqlite:///data/jejaring.db or postgresql+psycopg://USER:PASSWORD@HOST/NAME"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(
            f"JEJARING_DATABASE_URL names a {backend} database; Jejaring works with SQLite "
            "(sqlite:///data/jejaring.db) or PostgreSQL (postgresql+psycopg://…)"
        )
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(
            f"the database driver for {url.split('://')[0]} is not installed ({exc}); use "
            "postgresql+psycopg://… (psycopg is in requirements.txt)"
        ) from None


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


class Store(Writes, Reads):
    """Owns the connection and schema; every read returns a pandas DataFrame.

    Opening a store brings its schema to this Jejaring's (creating it in an empty database,
    migrating an older one, refusing a newer or damaged one); ``notice`` is told when it
    migrates (default: standard error).
    """

    def __init__(
        self,
        url: str,
        timezone: str = "Asia/Jakarta",
        *,
        notice: Callable[[str], None] = _stderr,
    ) -> None:
        self.url = url
        self.where = describe(url)
        self.tz = ZoneInfo(timezone)
        self.engine = make_engine(url)
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._insert = self._dialect_insert()
        self._last_capture: tuple[Any, Any, Any] = (None, None, None)
        try:
            self.ensure_schema(notice)
        except BaseException:
            self.engine.dispose()
            raise

    # -- schema ---------------------------------------------------------------

    def _dialect_insert(self) -> Any:
        if self._sqlite:
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        return insert

    def ensure_schema(self, notice: Callable[[str], None] = _stderr) -> list[str]:
        """Bring the schema to :data:`HEAD`; returns the migrations applied."""
        with self.engine.connect() as conn:
            if "alembic_version" in sa.inspect(conn).get_table_names():
                revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
                if revision == HEAD:
                    migrate.check_head(conn, self.where)
                    return []
        applied = migrate.upgrade(self.url, self.where, notice)
        with self.engine.connect() as conn:
            migrate.check_head(conn, self.where)
        return applied

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar())

    def dispose(self) -> None:
        self.engine.dispose()

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The calendar day of ``moment`` in the store's time zone."""
        return moment.astimezone(self.tz).date()

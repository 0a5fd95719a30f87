"""The one owner of Jejaring's schema: tables, migrations, idempotent writes, and reads as
DataFrames.

Works on SQLite (default, WAL) and PostgreSQL through SQLAlchemy 2 Core. Nothing else writes
SQL. Times are stored in UTC; a ``day`` is the calendar day in the configured time zone.
``schema.py`` defines the tables, ``migrate.py`` brings an older store to them (Alembic),
``writes.py`` and ``reads.py`` hold the Store's two halves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
import sys
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from collectors.errors import StoreError
from collectors.store import faults, localtime, migrate
from collectors.store.aggregates import Aggregates
from collectors.store.faults import describe
from collectors.store.reads import Reads
from collectors.store.schema import (
    HEAD,
    SCHEMA_VERSION,
    UTCDateTime,
    account_daily,
    account_metrics,
    accounts,
    connections,
    derived,
    imports,
    metadata,
    post_ages,
    post_categories,
    post_daily,
    post_metrics,
    post_rule_categories,
    post_verdicts,
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
    "derived",
    "describe",
    "imports",
    "make_engine",
    "metadata",
    "post_ages",
    "post_categories",
    "post_daily",
    "post_metrics",
    "post_rule_categories",
    "post_verdicts",
    "posts",
    "run_items",
    "runs",
    "schema_version",
    "service_daily",
    "service_questions",
    "services",
]


def _sqlite_pragmas(busy_ms: int) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # The busy timeout waits for a writer instead of failing with "database is locked".
        # (WAL mode is switched on once the file is known to be a Jejaring store: see
        # Store.ensure_schema; it is kept in the file.)
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        localtime.register(dbapi_connection)  # local days and hours in SQL (aggregates.py)

    return on_connect


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created (WAL: Store._use_wal).

    Every driver error of the engine becomes a :class:`StoreError` (see ``faults.guard``).
    A SQLite ``?timeout=SECONDS`` in the URL sets how long a writer waits for another
    (default 30 s).
    """
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(key="store_bad_url", kind="bad_url") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(key="store_backend", kind="bad_url", backend=backend)
    where = describe(url)
    if backend == "sqlite" and faults.sqlite_in_memory(parsed):
        # Each engine (the migration's, the store's) would get a database of its own, and
        # the refresh and the dashboard are separate processes: nothing could be shared.
        raise StoreError(key="store_in_memory", kind="bad_url", url=url)
    if backend == "sqlite":
        path = faults._sqlite_path(parsed)
        if path is not None:
            # Refused before opening: SQLite would block for ever reading a named pipe.
            if path.exists() and not path.is_file():
                raise faults.not_a_file(path, where, describe(url, "id"))
            if not parsed.database.startswith("file:"):
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except (FileExistsError, NotADirectoryError):
                    raise StoreError(
                        key="store_cannot_open",
                        kind="cannot_open",
                        where=where,
                        where_id=describe(url, "id"),
                        error="a part of its path is a file, not a folder",
                    ) from None
                except OSError as exc:
                    raise faults.store_error(exc, where, url) from None
        timeout = faults.sqlite_timeout(parsed)
        try:
            engine = sa.create_engine(url, connect_args={"timeout": timeout})
        except (sa.exc.NoSuchModuleError, ModuleNotFoundError, sa.exc.ArgumentError) as exc:
            raise _driver_missing(url, exc) from None
        sa.event.listen(engine, "connect", _sqlite_pragmas(int(timeout * 1000)))
        return faults.guard(engine, where)
    try:
        # connect_timeout: an unreachable server fails in seconds, not after the system's
        # TCP timeout of minutes.
        engine = sa.create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError, sa.exc.ArgumentError) as exc:
        raise _driver_missing(url, exc) from None
    sa.event.listen(engine, "connect", _postgres_session(engine.dialect.loaded_dbapi.Error))
    return faults.guard(engine, where)


def _postgres_session(refused: type[Exception]) -> Callable[[Any, object], None]:
    """PostgreSQL's JIT compilation off for Jejaring's sessions: the dashboard's sums over
    100,000 posts are estimated costly enough to be compiled, and compiling took 0.4 s of a
    1.2 s query. Best effort: a server that ``refused`` it (no JIT before PostgreSQL 11)
    keeps its default."""

    def on_connect(dbapi_connection: Any, _record: object) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True  # a SET outside a transaction that would undo it
        try:
            with contextlib.closing(dbapi_connection.cursor()) as cursor:
                cursor.execute("SET jit = off")
        except refused:
            pass
        finally:
            dbapi_connection.autocommit = autocommit

    return on_connect


def _driver_missing(url: str, exc: BaseException) -> StoreError:
    return StoreError(
        key="store_driver_missing",
        kind="bad_url",
        driver=url.split("://")[0],
        error=f"{type(exc).__name__}: {str(exc)[:120]}",
    )


def _stderr(text: str) -> None:
    print(text, file=sys.stderr)


class Store(Writes, Reads, Aggregates):
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
        except (OSError, sqlite3.Error, sa.exc.SQLAlchemyError) as exc:
            self.engine.dispose()
            raise faults.store_error(exc, self.where, url) from exc
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
        applied: list[str] = []
        with self.engine.connect() as conn:
            current = None
            if "alembic_version" in sa.inspect(conn).get_table_names():
                current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if current == HEAD:
                migrate.check_head(conn, self.where)
        if current != HEAD:
            applied = migrate.upgrade(self.url, self.where, notice)
            with self.engine.connect() as conn:
                migrate.check_head(conn, self.where)
        if self._sqlite:
            self._use_wal()
        return applied

    def _use_wal(self) -> None:
        """WAL lets the dashboard read while a refresh writes. Switched on only here, once
        the file is known to be a Jejaring store (a file of another program is never
        changed); the mode is kept in the file, so this is a check on later openings."""
        with self.engine.connect() as conn:
            mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            if str(mode).lower() not in ("wal", "memory"):
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar())

    def dispose(self) -> None:
        self.engine.dispose()

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The calendar day of ``moment`` in the store's time zone."""
        return moment.astimezone(self.tz).date()

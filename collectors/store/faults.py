"""What a database fault means, in one sentence: turns SQLite, PostgreSQL and file-system
errors into a :class:`StoreError` that names the database and says what to do.

Installed on every engine of the store (``guard``), so each read and write is covered in one
place. Knows no table and writes nothing.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from collectors.errors import StoreError

# SQLite's primary result codes (https://sqlite.org/rescode.html); the extended code's low
# byte is the primary one.
_SQLITE_KIND = {
    3: "read_only",  # SQLITE_PERM
    5: "locked",  # SQLITE_BUSY: another connection holds a lock past the busy timeout
    6: "locked",  # SQLITE_LOCKED
    8: "read_only",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cannot_open",  # SQLITE_CANTOPEN
    18: "data",  # SQLITE_TOOBIG
    19: "data",  # SQLITE_CONSTRAINT
    20: "data",  # SQLITE_MISMATCH
    26: "not_a_database",  # SQLITE_NOTADB
}
# PostgreSQL SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html)
_PG_CODE_KIND = {
    "53100": "full",  # disk_full
    "25006": "read_only",  # read_only_sql_transaction
    "42501": "permission",  # insufficient_privilege
    "55P03": "locked",  # lock_not_available
    "40P01": "locked",  # deadlock_detected
    "57014": "locked",  # query_canceled (statement or lock timeout)
    "XX001": "damaged",  # data_corrupted
    "XX002": "damaged",  # index_corrupted
    "3D000": "unreachable",  # invalid_catalog_name: the database does not exist
    "28P01": "unreachable",  # invalid_password
    "28000": "unreachable",  # invalid_authorization_specification
}
_PG_CLASS_KIND = {
    "08": "unreachable",  # connection exception
    "57": "unreachable",  # operator intervention (server shutting down)
    "53": "full",  # insufficient resources
    "22": "data",  # data exception (a value the column cannot hold)
    "23": "data",  # integrity constraint violation
}
_OS_KIND = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "full",
    errno.EROFS: "read_only",
    errno.EACCES: "read_only",
    errno.EPERM: "read_only",
    errno.EISDIR: "not_a_file",
    errno.ENOTDIR: "cannot_open",
}
#: kinds whose fault lies in the rows written, not in the database: a refresh fails the
#: account and goes on
ACCOUNT_LEVEL = frozenset({"data"})


def describe(url: str | sa.engine.URL, lang: str = "en") -> str:
    """The database in words, for messages (never with its password); ``lang`` "id" for
    Bahasa Indonesia."""
    indonesian = lang == "id"
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        if indonesian:
            return "URL basis data di JEJARING_DATABASE_URL"
        return "the database URL in JEJARING_DATABASE_URL"
    if parsed.get_backend_name() == "sqlite":
        path = _sqlite_path(parsed)
        name = path if path is not None else ":memory:"
        return f"berkas basis data {name}" if indonesian else f"the database file {name}"
    where = f"{parsed.host or 'localhost'}{':' + str(parsed.port) if parsed.port else ''}"
    backend = parsed.get_backend_name()
    if indonesian:
        return f"basis data {backend} '{parsed.database}' di {where}"
    return f"the {backend} database '{parsed.database}' on {where}"


def _detail(exc: BaseException) -> str:
    """The driver's own words, one short line (never a URL: it could hold a password)."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."


def _kind(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _SQLITE_KIND:
            return _SQLITE_KIND[code & 0xFF]
        message = str(orig).lower()
        if "readonly" in message or "read-only" in message:
            return "read_only"
        if "disk is full" in message:
            return "full"
        if "locked" in message:
            return "locked"
        if "not a database" in message:
            return "not_a_database"
        if "malformed" in message:
            return "damaged"
        if "unable to open" in message:
            return "cannot_open"
        return "failed"
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return _PG_CODE_KIND.get(sqlstate) or _PG_CLASS_KIND.get(sqlstate[:2], "failed")
    module = type(orig).__module__ or ""
    if module.startswith("psycopg") and type(orig).__name__ == "OperationalError":
        return "unreachable"  # psycopg gives connection failures no SQLSTATE
    if isinstance(orig, OSError):
        return _OS_KIND.get(orig.errno or 0, "cannot_open")
    return "failed"


def sqlite_in_memory(url: sa.engine.URL) -> bool:
    """Whether a SQLite URL names a database in memory (``sqlite://``, ``:memory:``, a
    ``file::memory:`` or ``mode=memory`` URI), which lives only as long as its connection."""
    database = url.database or ""
    return (
        database in ("", ":memory:")
        or database.startswith("file::memory:")
        or url.query.get("mode") == "memory"
        or "mode=memory" in database
    )


def _sqlite_path(url: str | sa.engine.URL) -> Path | None:
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        return None
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:"):
        database = database[5:].split("?", 1)[0]
    return Path(database)


def _cannot_open_kind(path: Path | None) -> tuple[str, dict[str, Any]]:
    """Why SQLite could not open a file, from what the file system says."""
    if path is None:
        return "cannot_open", {}
    if path.exists() and not path.is_file():
        return "not_a_file", {"what": _file_type(path)}
    folder = path.parent if str(path.parent) else Path(".")
    if folder.exists() and not os.access(folder, os.W_OK):
        return "read_only", {}
    if path.exists() and not os.access(path, os.W_OK):
        return "read_only", {}
    return "cannot_open", {}


def _file_type(path: Path) -> str:
    if path.is_dir():
        return "folder"
    if path.is_fifo():
        return "named pipe (FIFO)"
    if path.is_socket():
        return "socket"
    if path.is_block_device() or path.is_char_device():
        return "device"
    return "special file"


def not_a_file(path: Path, where: str, where_id: str | None = None) -> StoreError:
    """The database path names a folder, a named pipe or a device, not a file."""
    return StoreError(
        key="store_not_a_file",
        kind="not_a_file",
        where=where,
        where_id=where_id or where,
        what=_file_type(path),
    )


def store_error(
    exc: BaseException,
    where: str,
    url: str | sa.engine.URL | None = None,
    where_id: str | None = None,
) -> StoreError:
    """The sentence for a database fault: what is wrong with ``where`` (``where_id`` in
    Bahasa Indonesia; derived from ``url`` when ``where`` describes it) and what to do."""
    if isinstance(exc, StoreError):
        return exc
    if where_id is None:
        where_id = describe(url, "id") if url is not None and where == describe(url) else where
    kind = _kind(exc)
    params: dict[str, Any] = {"where": where, "where_id": where_id, "error": _detail(exc)}
    path = _sqlite_path(url) if url is not None else None
    if kind == "cannot_open" or (kind == "io" and path is not None and not path.is_file()):
        kind, extra = _cannot_open_kind(path)
        params.update(extra)
    if kind == "not_a_file" and "what" not in params:
        params["what"] = _file_type(path) if path is not None and path.exists() else "folder"
    key = f"store_{kind}"
    if kind == "locked":
        if path is not None:
            params["seconds"] = f"{sqlite_timeout(url):g}"
        else:
            key = "store_busy"  # a database server: a lock or statement timeout
    return StoreError(
        key=key,
        kind=kind,
        account_level=kind in ACCOUNT_LEVEL,
        **params,
    )


def sqlite_timeout(url: str | sa.engine.URL | None) -> float:
    """How long a SQLite writer waits for another one: the URL's ``timeout`` query parameter
    (pysqlite's own, in seconds), else 30 s."""
    try:
        value = sa.engine.make_url(url).query.get("timeout") if url is not None else None
        return float(value) if value is not None else 30.0  # type: ignore[arg-type]
    except (sa.exc.ArgumentError, TypeError, ValueError):
        return 30.0


def guard(engine: Engine, where: str) -> Engine:
    """Make every driver error of ``engine`` (connecting, reading, writing) a StoreError."""
    url = engine.url
    dbapi_error = engine.dialect.loaded_dbapi.Error

    def on_error(context: sa.engine.ExceptionContext) -> None:
        # A failed pool pre-ping is SQLAlchemy's cue to reconnect: leave it alone.
        if context.is_pre_ping or not isinstance(context.original_exception, dbapi_error):
            return
        raise store_error(context.original_exception, where, url)

    sa.event.listen(engine, "handle_error", on_error)
    return engine

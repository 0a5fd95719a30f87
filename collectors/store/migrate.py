"""Bring a store to this Jejaring's schema with Alembic, and say clearly when it cannot.

Opening a store checks its revision (one query); only an older store loads Alembic. A store
made before Alembic (``schema_version`` 1, no ``alembic_version``) is stamped with revision
0001 and then upgraded. Migrations run in one transaction under a lock, so two processes
opening the same old store never migrate it twice; on SQLite a copy of the file is saved
first.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from collectors.errors import StoreError
from collectors.store.faults import describe, guard, sqlite_timeout, store_error
from collectors.store.schema import HEAD, metadata

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Tables and columns of the store before Alembic (revision 0001).
V1_COLUMNS = {
    "schema_version": {"version", "applied_at"},
    "accounts": {"id", "library_id", "platform", "handle", "external_id", "title", "url",
                 "is_demo", "created_at", "last_full_walk_at"},
    "account_daily": {"account_id", "day", "followers", "following", "media_count",
                      "total_views", "captured_at"},
    "posts": {"platform", "post_id", "account_id", "published_at", "kind", "title", "caption",
              "url", "thumbnail_url", "duration_s", "hashtags", "mentions", "tagged",
              "coauthors", "is_pinned", "likes", "comments", "views", "plays", "metrics_at",
              "first_seen_at", "gone_at"},
    "post_daily": {"platform", "post_id", "day", "likes", "comments", "views", "plays",
                   "captured_at"},
    "runs": {"run_id", "command", "started_at", "finished_at", "status", "error"},
    "run_items": {"run_id", "account_id", "started_at", "finished_at", "status", "error",
                  "new_posts", "updated_posts", "api_units", "requests"},
}  # fmt: skip
_PG_LOCK = 0x4A454A4D  # "JEJM": one migrator at a time


def _alembic_config(conn: Connection) -> object:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def known_revisions() -> list[str]:
    """Every revision this Jejaring knows, oldest first."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)  # type: ignore[arg-type]
    script = ScriptDirectory.from_config(cfg)  # type: ignore[arg-type]
    return [s.revision for s in reversed(list(script.walk_revisions()))]


def _at(conn: Connection, where: str) -> dict[str, str]:
    """``where`` and its Bahasa Indonesia ``where_id`` for a StoreError's message."""
    url = conn.engine.url
    return {"where": where, "where_id": describe(url, "id") if where == describe(url) else where}


def _tables(conn: Connection) -> set[str]:
    return set(sa.inspect(conn).get_table_names())


def _columns(conn: Connection, tables: set[str]) -> dict[str, set[str]]:
    """Column names of ``tables`` (one query on PostgreSQL, one PRAGMA each on SQLite)."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            sa.text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = ANY(:names)"
            ),
            {"names": sorted(tables)},
        ).all()
        found: dict[str, set[str]] = {}
        for table, column in rows:
            found.setdefault(table, set()).add(column)
        return found
    return {
        t: {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{t}")').all()}
        for t in tables
    }


def current_revision(conn: Connection, where: str) -> str | None:
    """The store's revision; None for an empty database. Raises :class:`StoreError` for a
    database that is not a Jejaring store, or one whose version records are damaged."""
    tables = _tables(conn)
    if "alembic_version" in tables:
        revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        if revision is None:
            raise StoreError(key="store_revision_unknown", kind="damaged", **_at(conn, where))
        return str(revision)
    if not tables:
        return None
    if "schema_version" not in tables or "accounts" not in tables:
        raise StoreError(
            key="store_not_jejaring",
            kind="not_jejaring",
            tables=", ".join(sorted(tables)[:5]),
            **_at(conn, where),
        )
    version = conn.exec_driver_sql("SELECT max(version) FROM schema_version").scalar()
    if version != 1:
        raise StoreError(
            key="store_schema_version_bad",
            kind="damaged",
            version=repr(version),
            **_at(conn, where),
        )
    _require_columns(conn, V1_COLUMNS, where, "0001")
    return "0001-unstamped"


def _require_columns(
    conn: Connection, expected: dict[str, set[str]], where: str, revision: str
) -> None:
    found = _columns(conn, set(expected))
    for table, columns in expected.items():
        if table not in found or not found[table]:
            raise StoreError(
                key="store_table_missing",
                kind="damaged",
                table=table,
                revision=revision,
                **_at(conn, where),
            )
        missing = sorted(columns - found[table])
        if missing:
            raise StoreError(
                key="store_columns_missing",
                kind="damaged",
                table=table,
                columns=", ".join(missing),
                revision=revision,
                **_at(conn, where),
            )


def check_head(conn: Connection, where: str) -> None:
    """A store at HEAD has every table and column of :mod:`schema`."""
    expected = {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}
    _require_columns(conn, expected, where, HEAD)


def _migration_engine(url: sa.engine.URL) -> Engine:
    """An engine whose transactions cover DDL on SQLite too (pysqlite leaves DDL outside
    transactions unless told otherwise), with foreign-key checks off while tables are
    copied; PostgreSQL's DDL is transactional already."""
    where = describe(url)
    if url.get_backend_name() != "sqlite":
        return guard(sa.create_engine(url, connect_args={"connect_timeout": 10}), where)
    timeout = sqlite_timeout(url)
    engine = guard(sa.create_engine(url, connect_args={"timeout": timeout}), where)

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # one migrator at a time

    return engine


def _backup_sqlite(url: sa.engine.URL, revision: str) -> Path | None:
    """A consistent copy of the SQLite file before it is migrated (WAL included)."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    source = Path(database)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = source.with_name(f"{source.name}.schema-{revision[:4]}-{stamp}.bak")
    try:
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)  # a half-written copy is no backup
        raise store_error(
            exc,
            f"the copy {target} of {describe(url)}",
            where_id=f"salinan {target} dari {describe(url, 'id')}",
        ) from exc
    return target


def upgrade(url: str, where: str, notice: Callable[[str], None]) -> list[str]:
    """Migrate the store at ``url`` to HEAD; returns the revisions applied (none when it
    already was there). Tells ``notice`` what it does, and where the SQLite copy went."""
    from alembic import command

    parsed = sa.engine.make_url(url)
    engine = _migration_engine(parsed)
    try:
        with engine.connect() as conn:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                current = current_revision(conn, where)
            if current == HEAD:
                return []
            known = known_revisions()
            if current is not None and current.split("-")[0] not in known:
                raise StoreError(
                    key="store_newer",
                    kind="newer",
                    revision=current,
                    head=HEAD,
                    **_at(conn, where),
                )
            start = "empty" if current is None else current.split("-")[0]
            pending = known[known.index(start) + 1 :] if current is not None else known
            backup = None
            if current is not None and conn.dialect.name == "sqlite":
                backup = _backup_sqlite(parsed, start)
            if current is None:
                notice(f"Creating the Jejaring store in {where} (schema {HEAD}).")
            else:
                notice(
                    f"Upgrading the store in {where} from schema {start} to {HEAD} "
                    f"({len(pending)} migration(s))."
                    + (
                        f" A copy of the old file was saved as {backup}; delete it once "
                        "the dashboard and a refresh work."
                        if backup
                        else " Back up the database first if you have not (pg_dump)."
                    )
                )
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                current = current_revision(conn, where)  # another process may have done it
                if current == HEAD:
                    return []
                cfg = _alembic_config(conn)
                if current == "0001-unstamped":
                    command.stamp(cfg, "0001")  # type: ignore[arg-type]
                command.upgrade(cfg, HEAD)  # type: ignore[arg-type]
                if conn.dialect.name == "sqlite":
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise StoreError(
                            key="store_dangling_rows",
                            kind="damaged",
                            n=len(broken),
                            **_at(conn, where),
                        )
            return pending
    finally:
        engine.dispose()

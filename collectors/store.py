"""The one owner of Jejaring's schema: tables, idempotent writes, and reads as DataFrames.

Works on SQLite (default, WAL) and PostgreSQL through SQLAlchemy 2 Core. Nothing else writes SQL.
Times are stored in UTC; a ``day`` is the calendar day of the capture in the configured time zone.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from collectors.errors import JejaringError
from collectors.records import (
    AccountRef,
    AccountResult,
    AccountSnapshot,
    AccountState,
    PostSnapshot,
)

UTC = dt.UTC
SCHEMA_VERSION = 1


class UTCDateTime(sa.types.TypeDecorator):
    """Timestamps that must be time-zone aware; stored as UTC, read back as aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Jejaring stores only aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("library_id", sa.String(40), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(100), nullable=False),
    sa.Column("external_id", sa.String(100)),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # When a collector last walked every post of the account (YouTube: the whole playlist).
    sa.Column("last_full_walk_at", UTCDateTime),
    sa.UniqueConstraint("platform", "handle", name="uq_accounts_platform_handle"),
)

account_daily = sa.Table(
    "account_daily",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("followers", sa.BigInteger),
    sa.Column("following", sa.BigInteger),
    sa.Column("media_count", sa.BigInteger),
    sa.Column("total_views", sa.BigInteger),
    sa.Column("captured_at", UTCDateTime, nullable=False),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("caption", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("thumbnail_url", sa.Text),
    sa.Column("duration_s", sa.Float),
    # Lists are JSON text so the schema is the same on SQLite and PostgreSQL.
    sa.Column("hashtags", sa.Text, nullable=False, default="[]"),
    sa.Column("mentions", sa.Text, nullable=False, default="[]"),
    sa.Column("tagged", sa.Text, nullable=False, default="[]"),
    sa.Column("coauthors", sa.Text, nullable=False, default="[]"),
    sa.Column("is_pinned", sa.Boolean, nullable=False, default=False),
    sa.Column("likes", sa.BigInteger),
    sa.Column("comments", sa.BigInteger),
    sa.Column("views", sa.BigInteger),
    sa.Column("plays", sa.BigInteger),
    sa.Column("metrics_at", UTCDateTime, nullable=False),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("gone_at", UTCDateTime),
    sa.Index("ix_posts_account_published", "account_id", "published_at"),
    sa.Index("ix_posts_published", "published_at"),
)

post_daily = sa.Table(
    "post_daily",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("likes", sa.BigInteger),
    sa.Column("comments", sa.BigInteger),
    sa.Column("views", sa.BigInteger),
    sa.Column("plays", sa.BigInteger),
    sa.Column("captured_at", UTCDateTime, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("command", sa.Text, nullable=False, default=""),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("status", sa.String(16), nullable=False, default="running"),
    sa.Column("error", sa.Text),
)

run_items = sa.Table(
    "run_items",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("new_posts", sa.Integer, nullable=False, default=0),
    sa.Column("updated_posts", sa.Integer, nullable=False, default=0),
    sa.Column("api_units", sa.Integer, nullable=False, default=0),
    sa.Column("requests", sa.Integer, nullable=False, default=0),
)

# Store._post_rows builds rows in this column order: keep the two in step.
_POST_ROW_ORDER = [
    "platform", "post_id", "account_id", "published_at", "kind", "title", "caption", "url",
    "thumbnail_url", "duration_s", "hashtags", "mentions", "tagged", "coauthors", "is_pinned",
    "likes", "comments", "views", "plays", "metrics_at", "first_seen_at", "gone_at",
]  # fmt: skip
if [c.name for c in posts.columns] != _POST_ROW_ORDER:  # pragma: no cover - a coding error
    raise RuntimeError("posts columns changed: update Store._post_rows and _POST_ROW_ORDER")

# SQL text of the bulk upserts, compiled once per process and dialect (see Store._bulk_rows).
_COMPILED: dict[tuple[str, str, tuple[str, ...]], str | None] = {}

# Later schema versions add a function here: MIGRATIONS[n] upgrades version n-1 to n.
MIGRATIONS: dict[int, Any] = {}

_POST_METRICS = ("likes", "comments", "views", "plays")
_LIST_COLUMNS = ("hashtags", "mentions", "tagged", "coauthors")


class StoreError(JejaringError):
    """The database cannot be used as it is."""


@dataclass(frozen=True)
class WriteResult:
    new_posts: int = 0
    updated_posts: int = 0


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the dashboard read while a refresh writes; the busy timeout waits for a
    # writer instead of failing with "database is locked".
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for a SQLite file, its folder is created and WAL switched on."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


class Store:
    """Owns the connection and schema; every read returns a pandas DataFrame."""

    def __init__(self, url: str, timezone: str = "Asia/Jakarta") -> None:
        self.url = url
        self.tz = ZoneInfo(timezone)
        self.engine = make_engine(url)
        self._insert = self._dialect_insert()
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._last_capture: tuple[Any, Any, Any] = (None, None, None)
        self.create()

    # -- schema ---------------------------------------------------------------

    def _dialect_insert(self) -> Any:
        name = self.engine.dialect.name
        if name == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        elif name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            raise StoreError(f"unsupported database '{name}': use SQLite or PostgreSQL")
        return insert

    def create(self) -> None:
        """Create missing tables and bring the schema to :data:`SCHEMA_VERSION`."""
        with self.engine.begin() as conn:
            metadata.create_all(conn)
            current = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
            if current is None:
                conn.execute(
                    schema_version.insert().values(version=SCHEMA_VERSION, applied_at=_now())
                )
                return
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"the database has schema version {current}, newer than this Jejaring "
                    f"({SCHEMA_VERSION}); upgrade Jejaring"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](conn)
                conn.execute(schema_version.insert().values(version=version, applied_at=_now()))

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar())

    def dispose(self) -> None:
        self.engine.dispose()

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The calendar day of ``moment`` in the store's time zone."""
        return moment.astimezone(self.tz).date()

    # -- writes ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    def ensure_account(
        self, ref: AccountRef, *, is_demo: bool = False, conn: Connection | None = None
    ) -> int:
        """The id of the account (platform, handle), created if new."""
        if conn is None:
            with self.transaction() as own:
                return self.ensure_account(ref, is_demo=is_demo, conn=own)
        stmt = self._insert(accounts).values(
            library_id=ref.library_id,
            platform=ref.platform,
            handle=ref.handle,
            is_demo=is_demo,
            created_at=_now(),
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "handle"],
            set_={"library_id": stmt.excluded.library_id, "is_demo": stmt.excluded.is_demo},
        )
        conn.execute(stmt)
        return int(
            conn.execute(
                sa.select(accounts.c.id).where(
                    accounts.c.platform == ref.platform, accounts.c.handle == ref.handle
                )
            ).scalar_one()
        )

    def write(
        self,
        snapshots: Iterable[AccountSnapshot] = (),
        post_snapshots: Iterable[PostSnapshot] = (),
        *,
        is_demo: bool = False,
        conn: Connection | None = None,
    ) -> WriteResult:
        """Merge captures by key in one transaction; the same capture twice changes nothing.

        A newer capture replaces the latest metrics of a post and the day's history row;
        an older one (replayed) leaves them as they are.
        """
        if conn is None:
            with self.transaction() as own:
                return self.write(snapshots, post_snapshots, is_demo=is_demo, conn=own)
        ids: dict[AccountRef, int] = {}

        def account_id(ref: AccountRef) -> int:
            if ref not in ids:
                ids[ref] = self.ensure_account(ref, is_demo=is_demo, conn=conn)
            return ids[ref]

        for snap in snapshots:
            self._write_account_snapshot(conn, account_id(snap.account), snap)
        rows, history = [], []
        last_ref, last_id = None, 0
        for p in post_snapshots:
            if p.account is not last_ref:  # a batch is usually one account's posts
                last_ref, last_id = p.account, account_id(p.account)
            row, day_row = self._post_rows(last_id, p)
            rows.append(row)
            history.append(day_row)
        return self._write_posts(conn, rows, history)

    def _write_account_snapshot(self, conn: Connection, aid: int, snap: AccountSnapshot) -> None:
        meta = {
            k: v
            for k, v in {
                "external_id": snap.external_id,
                "title": snap.title,
                "url": snap.url,
            }.items()
            if v is not None
        }
        if meta:
            conn.execute(accounts.update().where(accounts.c.id == aid).values(**meta))
        stmt = self._insert(account_daily).values(
            account_id=aid,
            day=self.day_of(snap.captured_at),
            followers=snap.followers,
            following=snap.following,
            media_count=snap.media_count,
            total_views=snap.total_views,
            captured_at=_utc(snap.captured_at),
        )
        cols = ("followers", "following", "media_count", "total_views", "captured_at")
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["account_id", "day"],
                set_={c: stmt.excluded[c] for c in cols},
                where=account_daily.c.captured_at <= stmt.excluded.captured_at,
            )
        )

    def _post_rows(self, aid: int, p: PostSnapshot) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """A post record as a posts row and a post_daily row (column order, the driver's
        values; see :meth:`_db_time`)."""
        # A batch shares one capture time: convert it once.
        if self._last_capture[0] != p.captured_at:
            moment = p.captured_at
            self._last_capture = (moment, self._db_time(moment), self._db_day(self.day_of(moment)))
        _, metrics_at, day = self._last_capture
        return (
            p.platform, p.post_id, aid, self._db_time(p.published_at), p.kind, p.title,
            p.caption, p.url, p.thumbnail_url, p.duration_s, _json_text(p.hashtags),
            _json_text(p.mentions), _json_text(p.tagged), _json_text(p.coauthors), p.is_pinned,
            p.likes, p.comments, p.views, p.plays, metrics_at, metrics_at, None,
        ), (
            p.platform, p.post_id, day, p.likes, p.comments, p.views, p.plays, metrics_at,
        )  # fmt: skip

    def _db_time(self, moment: dt.datetime) -> Any:
        """An aware time in the form the driver stores, as SQLAlchemy would write it: naive
        UTC text with microseconds on SQLite (text order is time order), aware on PostgreSQL."""
        if moment.tzinfo is None:
            raise ValueError(f"naive datetime {moment!r}: Jejaring stores only aware times")
        if moment.tzinfo is not UTC:
            moment = moment.astimezone(UTC)
        if self._sqlite:
            # "YYYY-MM-DD HH:MM:SS.ffffff" without the "+00:00"
            return moment.isoformat(" ", "microseconds")[:26]
        return moment

    def _db_day(self, day: dt.date) -> Any:
        return day.isoformat() if self._sqlite else day

    def _driver_row(self, row: dict[str, Any]) -> dict[str, Any]:
        """A row of plain values with its times and days in the driver's form."""
        out = dict(row)
        for key, value in row.items():
            if isinstance(value, dt.datetime):
                out[key] = self._db_time(value)
            elif isinstance(value, dt.date):
                out[key] = self._db_day(value)
        return out

    def _bulk(self, conn: Connection, stmt: Any, rows: list[dict[str, Any]]) -> None:
        """executemany of ``stmt`` with rows already in the driver's form: the same SQL that
        SQLAlchemy would send, without its per-value processing (the bulk write's cost)."""
        if not rows:
            return
        compiled = stmt.compile(dialect=self.engine.dialect, column_keys=list(rows[0]))
        if compiled.positional:
            pick = operator.itemgetter(*compiled.positiontup)
            params: Any = [pick(row) for row in rows]
        else:
            params = rows
        conn.exec_driver_sql(str(compiled), params)

    def account_state(self, ref: AccountRef) -> AccountState:
        """What is stored of an account: its external id, known posts, last full walk."""
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(
                    accounts.c.id, accounts.c.external_id, accounts.c.last_full_walk_at
                ).where(accounts.c.platform == ref.platform, accounts.c.handle == ref.handle)
            ).first()
            if row is None:
                return AccountState()
            known = conn.execute(
                sa.select(posts.c.post_id, posts.c.gone_at, posts.c.published_at).where(
                    posts.c.account_id == row.id
                )
            ).all()
        newest = max((k.published_at for k in known if k.gone_at is None), default=None)
        return AccountState(
            account_id=row.id,
            external_id=row.external_id,
            known_posts={k.post_id: k.gone_at is not None for k in known},
            newest_published_at=newest,
            last_full_walk_at=row.last_full_walk_at,
        )

    def write_result(self, run_id: int | None, result: AccountResult) -> WriteResult:
        """Write one account's collection in one transaction, with its run item.

        What was fetched before an error is written too; a failure rolls back only this
        account's transaction, never another account's.
        """
        with self.transaction() as conn:
            account_id = self.ensure_account(result.account, conn=conn)
            written = self.write(
                [result.snapshot] if result.snapshot else [], result.posts, conn=conn
            )
            platform = result.account.platform
            if result.gone:
                self.mark_gone(conn, platform, result.gone, result.started_at)
            if result.full_walk_at is not None:
                conn.execute(
                    accounts.update()
                    .where(accounts.c.id == account_id)
                    .values(last_full_walk_at=_utc(result.full_walk_at))
                )
            if run_id is not None:
                self.record_run_item(
                    run_id,
                    account_id,
                    started_at=result.started_at,
                    status=result.status,
                    error=None if result.error is None else str(result.error),
                    new_posts=written.new_posts,
                    updated_posts=written.updated_posts,
                    api_units=result.api_units,
                    requests=result.requests,
                    conn=conn,
                )
            return written

    def _write_posts(
        self, conn: Connection, rows: list[tuple[Any, ...]], history: list[tuple[Any, ...]]
    ) -> WriteResult:
        """Merge rows made by :meth:`_post_rows` into posts (newer captures win) and into
        the day's history rows."""
        if not rows:
            return WriteResult()
        before = self._post_total(conn)
        post_cols = [c.name for c in posts.columns]
        stmt = self._insert(posts)
        updated_cols = [c for c in post_cols if c not in ("platform", "post_id", "first_seen_at")]
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id"],
            set_={c: stmt.excluded[c] for c in updated_cols},
            where=posts.c.metrics_at <= stmt.excluded.metrics_at,
        )
        daily = self._insert(post_daily)
        daily = daily.on_conflict_do_update(
            index_elements=["platform", "post_id", "day"],
            set_={c: daily.excluded[c] for c in (*_POST_METRICS, "captured_at")},
            where=post_daily.c.captured_at <= daily.excluded.captured_at,
        )
        self._bulk_rows(conn, stmt, post_cols, rows)
        self._bulk_rows(conn, daily, [c.name for c in post_daily.columns], history)
        new = self._post_total(conn) - before
        keys = {(r[0], r[1]) for r in rows}
        return WriteResult(new, len(keys) - new)

    def _post_total(self, conn: Connection) -> int:
        """A number that grows by one with each post inserted (and not with an update): the
        largest rowid on SQLite (each insert takes the next one; a lookup, not a count), the
        row count on PostgreSQL (no post is deleted while a refresh writes)."""
        if self._sqlite:
            return int(conn.exec_driver_sql("SELECT max(rowid) FROM posts").scalar() or 0)
        return int(conn.execute(sa.select(sa.func.count()).select_from(posts)).scalar())

    def _bulk_rows(
        self, conn: Connection, stmt: Any, columns: list[str], rows: list[tuple[Any, ...]]
    ) -> None:
        """executemany of ``stmt`` with rows given as tuples in ``columns`` order."""
        key = (self.engine.dialect.name, str(stmt.table.name), tuple(columns))
        if key not in _COMPILED:  # the same two statements serve every write
            compiled = stmt.compile(dialect=self.engine.dialect, column_keys=columns)
            same = compiled.positional and list(compiled.positiontup) == columns
            _COMPILED[key] = str(compiled) if same else None
        sql = _COMPILED[key]
        if sql is not None:
            conn.exec_driver_sql(sql, rows)
        else:
            self._bulk(conn, stmt, [dict(zip(columns, r, strict=True)) for r in rows])

    def write_post_history(self, rows: Sequence[dict[str, Any]]) -> None:
        """Merge past daily metric rows (platform, post_id, day, likes, comments, views,
        plays, captured_at); used to load history, e.g. the demo's."""
        stmt = self._insert(post_daily)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id", "day"],
            set_={c: stmt.excluded[c] for c in (*_POST_METRICS, "captured_at")},
            where=post_daily.c.captured_at <= stmt.excluded.captured_at,
        )
        with self.transaction() as conn:
            self._bulk(conn, stmt, [self._driver_row(r) for r in rows])

    def mark_gone(
        self, conn: Connection, platform: str, post_ids: Iterable[str], at: dt.datetime
    ) -> int:
        """Flag posts the platform no longer lists; rows are kept. Returns how many changed."""
        ids = list(post_ids)
        changed = 0
        for chunk in _chunks(ids, 500):
            changed += conn.execute(
                posts.update()
                .where(
                    posts.c.platform == platform,
                    posts.c.post_id.in_(chunk),
                    posts.c.gone_at.is_(None),
                )
                .values(gone_at=_utc(at))
            ).rowcount
        return changed

    def delete_demo(self) -> None:
        """Remove the demo accounts and everything of theirs (only demo data is ever deleted)."""
        with self.transaction() as conn:
            demo_ids = sa.select(accounts.c.id).where(accounts.c.is_demo.is_(True))
            demo_posts = sa.select(posts.c.post_id).where(posts.c.account_id.in_(demo_ids))
            conn.execute(post_daily.delete().where(post_daily.c.post_id.in_(demo_posts)))
            conn.execute(posts.delete().where(posts.c.account_id.in_(demo_ids)))
            conn.execute(account_daily.delete().where(account_daily.c.account_id.in_(demo_ids)))
            conn.execute(run_items.delete().where(run_items.c.account_id.in_(demo_ids)))
            conn.execute(accounts.delete().where(accounts.c.is_demo.is_(True)))

    def demo_span(self) -> tuple[dt.date, dt.date] | None:
        """First and last day of the stored demo's account history, or None without a demo."""
        with self.engine.connect() as conn:
            lo, hi = conn.execute(
                sa.select(sa.func.min(account_daily.c.day), sa.func.max(account_daily.c.day))
                .select_from(account_daily)
                .join(accounts, accounts.c.id == account_daily.c.account_id)
                .where(accounts.c.is_demo.is_(True))
            ).one()
        if lo is None:
            return None
        return (lo, hi)

    def write_account_history(self, rows: Sequence[dict[str, Any]]) -> None:
        """Merge past ``account_daily`` rows (used to load history, e.g. the demo's)."""
        stmt = self._insert(account_daily)
        cols = ("followers", "following", "media_count", "total_views", "captured_at")
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "day"],
            set_={c: stmt.excluded[c] for c in cols},
            where=account_daily.c.captured_at <= stmt.excluded.captured_at,
        )
        with self.transaction() as conn:
            self._bulk(conn, stmt, [self._driver_row(r) for r in rows])

    # -- runs -----------------------------------------------------------------

    def start_run(self, command: str) -> int:
        with self.transaction() as conn:
            result = conn.execute(
                runs.insert().values(command=command, started_at=_now(), status="running")
            )
            return int(result.inserted_primary_key[0])

    def close_abandoned_runs(self) -> int:
        """Mark runs left 'running' by a refresh that died as failed; call with the lock held."""
        with self.transaction() as conn:
            return conn.execute(
                runs.update()
                .where(runs.c.status == "running")
                .values(
                    status="failed",
                    error="interrupted: the refresh ended before finishing (killed or crashed)",
                    finished_at=_now(),
                )
            ).rowcount

    def finish_run(self, run_id: int, status: str, error: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.run_id == run_id)
                .values(status=status, error=error, finished_at=_now())
            )

    def record_run_item(
        self,
        run_id: int,
        account_id: int,
        *,
        started_at: dt.datetime,
        status: str,
        error: str | None = None,
        new_posts: int = 0,
        updated_posts: int = 0,
        api_units: int = 0,
        requests: int = 0,
        conn: Connection | None = None,
    ) -> None:
        if conn is None:
            with self.transaction() as own:
                return self.record_run_item(
                    run_id,
                    account_id,
                    started_at=started_at,
                    status=status,
                    error=error,
                    new_posts=new_posts,
                    updated_posts=updated_posts,
                    api_units=api_units,
                    requests=requests,
                    conn=own,
                )
        values = dict(
            started_at=_utc(started_at),
            finished_at=_now(),
            status=status,
            error=error,
            new_posts=new_posts,
            updated_posts=updated_posts,
            api_units=api_units,
            requests=requests,
        )
        stmt = self._insert(run_items).values(run_id=run_id, account_id=account_id, **values)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["run_id", "account_id"], set_=values)
        )
        return None

    # -- reads ----------------------------------------------------------------

    def _select(self, table: sa.Table, columns: Sequence[str] | None = None) -> sa.Select[Any]:
        """SELECT of a table's columns. On SQLite, times and dates come back as their stored
        text and are converted by pandas in one go (much faster than row by row)."""
        cols = [table.c[name] for name in columns] if columns else list(table.columns)
        if self.engine.dialect.name == "sqlite":
            cols = [
                sa.type_coerce(c, sa.String).label(c.name)
                if isinstance(c.type, UTCDateTime | sa.Date)
                else c
                for c in cols
            ]
        return sa.select(*cols)

    def _frame(self, stmt: sa.Select[Any], table: sa.Table) -> pd.DataFrame:
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            # Plain DBAPI tuples: pandas builds frames from them far faster than from Row
            # objects, and _typed() does the conversions for a whole column at once.
            rows = result.cursor.fetchall()
            frame = pd.DataFrame.from_records(rows, columns=list(result.keys()), coerce_float=False)
        return _typed(frame, {c.name: c.type for c in table.columns})

    def accounts(self) -> pd.DataFrame:
        """All accounts: id, library_id, platform, handle, external_id, title, url, is_demo."""
        return self._frame(self._select(accounts).order_by(accounts.c.id), accounts)

    def account_daily(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        account_ids: Sequence[int] | None = None,
        *,
        with_previous: bool = False,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Daily account rows with days in [start, end] (each bound optional), of the given
        accounts. ``with_previous`` adds each account's last row before ``start``, so that
        "the followers before the period" and "the nearest earlier capture" stay exact.
        ``columns`` narrows the columns read (account_id and day are always read)."""
        if columns is not None:
            columns = list(dict.fromkeys(["account_id", "day", *columns]))
        stmt = self._select(account_daily, columns)
        if start is not None:
            stmt = stmt.where(account_daily.c.day >= start)
        if end is not None:
            stmt = stmt.where(account_daily.c.day <= end)
        if account_ids is not None:
            stmt = stmt.where(account_daily.c.account_id.in_([int(a) for a in account_ids]))
        stmt = stmt.order_by(account_daily.c.account_id, account_daily.c.day)
        frame = self._frame(stmt, account_daily)
        if with_previous and start is not None:
            ids = (
                [int(a) for a in account_ids]
                if account_ids is not None
                else [int(a) for a in self.accounts()["id"]]
            )
            # Most accounts are captured daily: the day before start is enough for them.
            eve = start - dt.timedelta(days=1)
            # (account_id IN …, day = …) is one primary-key lookup per account.
            eve_stmt = self._select(account_daily, columns).where(
                account_daily.c.account_id.in_(ids), account_daily.c.day == eve
            )
            eve_rows = self._frame(eve_stmt, account_daily)
            if len(eve_rows):
                frame = pd.concat([eve_rows, frame], ignore_index=True)
            ids = sorted(set(ids) - {int(a) for a in eve_rows["account_id"]})
            # One indexed lookup per account (its last day before start), not a scan.
            frames = []
            earlier = account_daily.alias("earlier")
            for chunk in _chunks(ids, 500):
                last_day = (
                    sa.select(sa.func.max(earlier.c.day))
                    .where(earlier.c.account_id == accounts.c.id, earlier.c.day < start)
                    .correlate(accounts)
                    .scalar_subquery()
                )
                before = (
                    self._select(account_daily, columns)
                    .join(accounts, accounts.c.id == account_daily.c.account_id)
                    .where(accounts.c.id.in_(chunk), account_daily.c.day == last_day)
                )
                frames.append(self._frame(before, account_daily))
            if frames:
                frame = pd.concat([*frames, frame], ignore_index=True)
            frame = frame.sort_values(["account_id", "day"], kind="stable").reset_index(drop=True)
        return frame

    def last_captures(self) -> pd.DataFrame:
        """Per account: its last capture time (account_id, captured_at)."""
        newest = (
            sa.select(account_daily.c.captured_at)
            .where(account_daily.c.account_id == accounts.c.id)
            .order_by(account_daily.c.day.desc())
            .limit(1)
            .scalar_subquery()
        )
        if self._sqlite:
            newest = sa.type_coerce(newest, sa.String)
        # One indexed lookup per account (its newest day), not a scan of every day.
        stmt = sa.select(accounts.c.id.label("account_id"), newest.label("captured_at"))
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            frame = pd.DataFrame.from_records(
                result.cursor.fetchall(), columns=["account_id", "captured_at"]
            )
        frame = frame.dropna(subset=["captured_at"]).reset_index(drop=True)
        frame["captured_at"] = _utc_series(frame["captured_at"])
        frame["account_id"] = frame["account_id"].astype("Int64")
        return frame

    def posts(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        account_ids: Sequence[int] | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Posts published in [start, end) (UTC-aware bounds) of the given accounts, with
        all columns or just ``columns``; list columns are Python lists."""
        stmt = self._select(posts, columns)
        if start is not None:
            stmt = stmt.where(posts.c.published_at >= start)
        if end is not None:
            stmt = stmt.where(posts.c.published_at < end)
        if account_ids is not None:
            stmt = stmt.where(posts.c.account_id.in_([int(a) for a in account_ids]))
        frame = self._frame(
            stmt.order_by(posts.c.published_at, posts.c.platform, posts.c.post_id), posts
        )
        for col in [c for c in _LIST_COLUMNS if c in frame]:
            # Many posts carry the same list (often none): parse each distinct text once.
            # The lists are shared between rows, so readers must not change them in place.
            parsed: dict[object, list[str]] = {}
            values = frame[col].to_numpy(dtype=object)
            frame[col] = pd.Series(
                [parsed[v] if v in parsed else parsed.setdefault(v, _json_list(v)) for v in values],
                index=frame.index,
                dtype=object,
            )
        return frame

    def post_daily(self) -> pd.DataFrame:
        stmt = self._select(post_daily).order_by(
            post_daily.c.platform, post_daily.c.post_id, post_daily.c.day
        )
        return self._frame(stmt, post_daily)

    def runs(self, limit: int = 50) -> pd.DataFrame:
        stmt = self._select(runs).order_by(runs.c.run_id.desc()).limit(limit)
        return self._frame(stmt, runs)

    def run_items(self, run_ids: Sequence[int] | None = None) -> pd.DataFrame:
        stmt = self._select(run_items)
        if run_ids is not None:
            stmt = stmt.where(run_items.c.run_id.in_([int(r) for r in run_ids]))
        return self._frame(stmt.order_by(run_items.c.run_id), run_items)

    def counts(self) -> dict[str, int]:
        """Row count of every table (for tests and the status command)."""
        with self.engine.connect() as conn:
            return {
                t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar())
                for t in metadata.sorted_tables
            }

    def fingerprint(self) -> tuple[Any, ...]:
        """A cheap value that changes whenever captures are written: a cache key for readers."""
        with self.engine.connect() as conn:
            return tuple(
                conn.execute(
                    sa.select(
                        sa.select(sa.func.count()).select_from(accounts).scalar_subquery(),
                        sa.select(sa.func.max(account_daily.c.captured_at)).scalar_subquery(),
                        sa.select(sa.func.count()).select_from(posts).scalar_subquery(),
                        sa.select(sa.func.max(posts.c.metrics_at)).scalar_subquery(),
                        sa.select(sa.func.max(runs.c.run_id)).scalar_subquery(),
                        sa.select(sa.func.max(runs.c.finished_at)).scalar_subquery(),
                    )
                ).one()
            )


def _typed(frame: pd.DataFrame, types: dict[str, Any]) -> pd.DataFrame:
    """Give read columns stable dtypes: aware UTC timestamps, nullable integers."""
    for name, type_ in types.items():
        if name not in frame:
            continue
        if isinstance(type_, UTCDateTime):
            frame[name] = _utc_series(frame[name])
        elif isinstance(type_, sa.Date):
            if len(frame) and isinstance(frame[name].iloc[0], str):
                frame[name] = pd.to_datetime(frame[name], format="ISO8601").dt.date
            elif len(frame):
                frame[name] = pd.to_datetime(frame[name]).dt.date
        elif isinstance(type_, (sa.BigInteger, sa.Integer)):
            frame[name] = frame[name].astype("Int64")
        elif isinstance(type_, sa.Float):
            frame[name] = frame[name].astype("Float64")
        elif isinstance(type_, sa.Boolean):
            frame[name] = frame[name].astype(bool)
    return frame


# Printable ASCII other than the quote and the backslash: json.dumps leaves it as it is.
_PLAIN_TEXT = re.compile(r"[ !#-\[\]-~]*")


def _json_text(values: Sequence[str]) -> str:
    """JSON text of a list of strings; plain ones are joined directly (what json.dumps
    writes for them), anything that needs escaping goes through json.dumps."""
    if not values:
        return "[]"
    if _PLAIN_TEXT.fullmatch("".join(values)):  # every character of every value is plain
        return '["' + '", "'.join(values) + '"]'
    return json.dumps(list(values))


def _json_list(value: object) -> list[str]:
    """A stored JSON list of strings. Most are empty or plain ASCII without escapes, which a
    split reads several times faster than json.loads (same result)."""
    if not isinstance(value, str) or value == "[]":
        return []
    if "\\" not in value and value.startswith('["') and value.endswith('"]'):
        return value[2:-2].split('", "')
    return json.loads(value)


def _utc_series(values: pd.Series) -> pd.Series:
    """Aware UTC timestamps from stored text (SQLite, UTC without offset) or datetimes."""
    if len(values) and isinstance(values.dropna().iloc[0] if values.notna().any() else None, str):
        return pd.to_datetime(values, format="ISO8601", utc=True)
    return pd.to_datetime(values, utc=True)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)

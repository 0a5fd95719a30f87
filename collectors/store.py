"""The one owner of Jejaring's schema: tables, idempotent writes, and reads as DataFrames.

Works on SQLite (default, WAL) and PostgreSQL through SQLAlchemy 2 Core. Nothing else writes SQL.
Times are stored in UTC; a ``day`` is the calendar day of the capture in the configured time zone.
"""

from __future__ import annotations

import datetime as dt
import json
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
        rows = [self._post_row(account_id(p.account), p) for p in post_snapshots]
        return self._write_posts(conn, rows)

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

    def _post_row(self, aid: int, p: PostSnapshot) -> dict[str, Any]:
        return {
            "platform": p.platform,
            "post_id": p.post_id,
            "account_id": aid,
            "published_at": _utc(p.published_at),
            "kind": p.kind,
            "title": p.title,
            "caption": p.caption,
            "url": p.url,
            "thumbnail_url": p.thumbnail_url,
            "duration_s": p.duration_s,
            "hashtags": json.dumps(list(p.hashtags)),
            "mentions": json.dumps(list(p.mentions)),
            "tagged": json.dumps(list(p.tagged)),
            "coauthors": json.dumps(list(p.coauthors)),
            "is_pinned": p.is_pinned,
            "likes": p.likes,
            "comments": p.comments,
            "views": p.views,
            "plays": p.plays,
            "metrics_at": _utc(p.captured_at),
            "first_seen_at": _utc(p.captured_at),
            "gone_at": None,
            "day": self.day_of(p.captured_at),
        }

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

    def write_post_rows(self, rows: Sequence[dict[str, Any]]) -> WriteResult:
        """Merge already-built post rows (the demo and benchmarks use this bulk path)."""
        with self.transaction() as conn:
            return self._write_posts(conn, list(rows))

    def _write_posts(self, conn: Connection, rows: list[dict[str, Any]]) -> WriteResult:
        if not rows:
            return WriteResult()
        existing: set[tuple[str, str]] = set()
        for chunk in _chunks(rows, 500):
            platform_ids: dict[str, list[str]] = {}
            for r in chunk:
                platform_ids.setdefault(r["platform"], []).append(r["post_id"])
            for platform, pids in platform_ids.items():
                found = conn.execute(
                    sa.select(posts.c.post_id).where(
                        posts.c.platform == platform, posts.c.post_id.in_(pids)
                    )
                ).scalars()
                existing.update((platform, pid) for pid in found)
        post_cols = [c.name for c in posts.columns]
        stmt = self._insert(posts)
        updated_cols = [c for c in post_cols if c not in ("platform", "post_id", "first_seen_at")]
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id"],
            set_={c: stmt.excluded[c] for c in updated_cols},
            where=posts.c.metrics_at <= stmt.excluded.metrics_at,
        )
        history = self._insert(post_daily)
        history = history.on_conflict_do_update(
            index_elements=["platform", "post_id", "day"],
            set_={c: history.excluded[c] for c in (*_POST_METRICS, "captured_at")},
            where=post_daily.c.captured_at <= history.excluded.captured_at,
        )
        for chunk in _chunks(rows, 2000):
            conn.execute(stmt, [{c: r[c] for c in post_cols} for r in chunk])
            conn.execute(
                history,
                [
                    {
                        "platform": r["platform"],
                        "post_id": r["post_id"],
                        "day": r["day"],
                        "likes": r["likes"],
                        "comments": r["comments"],
                        "views": r["views"],
                        "plays": r["plays"],
                        "captured_at": r["metrics_at"],
                    }
                    for r in chunk
                ],
            )
        keys = {(r["platform"], r["post_id"]) for r in rows}
        return WriteResult(len(keys - existing), len(keys & existing))

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
            for chunk in _chunks(list(rows), 5000):
                conn.execute(stmt, chunk)

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
            for chunk in _chunks(list(rows), 5000):
                conn.execute(stmt, chunk)

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
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
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
    ) -> pd.DataFrame:
        """Daily account rows with days in [start, end] (each bound optional), of the given
        accounts. ``with_previous`` adds each account's last row before ``start``, so that
        "the followers before the period" and "the nearest earlier capture" stay exact."""
        stmt = self._select(account_daily)
        if start is not None:
            stmt = stmt.where(account_daily.c.day >= start)
        if end is not None:
            stmt = stmt.where(account_daily.c.day <= end)
        if account_ids is not None:
            stmt = stmt.where(account_daily.c.account_id.in_([int(a) for a in account_ids]))
        stmt = stmt.order_by(account_daily.c.account_id, account_daily.c.day)
        frame = self._frame(stmt, account_daily)
        if with_previous and start is not None:
            last = (
                sa.select(
                    account_daily.c.account_id, sa.func.max(account_daily.c.day).label("last")
                )
                .where(account_daily.c.day < start)
                .group_by(account_daily.c.account_id)
            )
            if account_ids is not None:
                last = last.where(account_daily.c.account_id.in_([int(a) for a in account_ids]))
            last = last.subquery()
            before = self._select(account_daily).join(
                last,
                sa.and_(
                    account_daily.c.account_id == last.c.account_id,
                    account_daily.c.day == last.c.last,
                ),
            )
            earlier = self._frame(before, account_daily)
            if len(earlier):
                frame = pd.concat([earlier, frame], ignore_index=True)
                frame = frame.sort_values(["account_id", "day"], kind="stable")
                frame = frame.reset_index(drop=True)
        return frame

    def last_captures(self) -> pd.DataFrame:
        """Per account: its last capture time (account_id, captured_at)."""
        stmt = sa.select(
            account_daily.c.account_id,
            sa.func.max(account_daily.c.captured_at).label("captured_at"),
        ).group_by(account_daily.c.account_id)
        if self.engine.dialect.name == "sqlite":
            stmt = sa.select(
                account_daily.c.account_id,
                sa.type_coerce(sa.func.max(account_daily.c.captured_at), sa.String).label(
                    "captured_at"
                ),
            ).group_by(account_daily.c.account_id)
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            frame = pd.DataFrame(result.fetchall(), columns=["account_id", "captured_at"])
        frame["captured_at"] = _utc_series(frame["captured_at"])
        frame["account_id"] = frame["account_id"].astype("Int64")
        return frame

    def posts(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        account_ids: Sequence[int] | None = None,
    ) -> pd.DataFrame:
        """Posts published in [start, end) (UTC-aware bounds) of the given accounts; list
        columns are Python lists."""
        stmt = self._select(posts)
        if start is not None:
            stmt = stmt.where(posts.c.published_at >= start)
        if end is not None:
            stmt = stmt.where(posts.c.published_at < end)
        if account_ids is not None:
            stmt = stmt.where(posts.c.account_id.in_([int(a) for a in account_ids]))
        frame = self._frame(
            stmt.order_by(posts.c.published_at, posts.c.platform, posts.c.post_id), posts
        )
        for col in _LIST_COLUMNS:
            frame[col] = [
                [] if v == "[]" or not isinstance(v, str) else json.loads(v) for v in frame[col]
            ]
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
            frame[name] = (
                pd.to_datetime(frame[name], format="ISO8601").dt.date if len(frame) else frame[name]
            )
        elif isinstance(type_, (sa.BigInteger, sa.Integer)):
            frame[name] = frame[name].astype("Int64")
        elif isinstance(type_, sa.Float):
            frame[name] = frame[name].astype("Float64")
        elif isinstance(type_, sa.Boolean):
            frame[name] = frame[name].astype(bool)
    return frame


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

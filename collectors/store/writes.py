"""The Store's writes: idempotent merges by key, one transaction per account.

A newer capture wins over an older one; the same capture twice changes nothing; a count that
arrived invalid (see ``records.count_value``) never replaces a stored one.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from collectors.messages import render
from collectors.records import (
    AccountMetric,
    AccountRef,
    AccountResult,
    AccountSnapshot,
    AccountState,
    PostMetric,
    PostSnapshot,
)
from collectors.records import (
    Connection as ConnectionFacts,
)
from collectors.store.schema import (
    AGES,
    UTC,
    account_daily,
    account_metrics,
    accounts,
    connections,
    derived,
    imports,
    post_ages,
    post_categories,
    post_daily,
    post_metrics,
    post_rule_categories,
    post_verdicts,
    posts,
    run_items,
    runs,
    service_daily,
    service_questions,
    services,
)

# Writes._post_rows builds rows in this column order: keep the two in step.
_POST_ROW_ORDER = [
    "platform", "post_id", "account_id", "published_at", "kind", "title", "caption", "url",
    "thumbnail_url", "duration_s", "hashtags", "mentions", "tagged", "coauthors", "is_pinned",
    "likes", "comments", "views", "plays", "metrics_at", "first_seen_at", "gone_at",
    "kind_source",
]  # fmt: skip
if [c.name for c in posts.columns] != _POST_ROW_ORDER:  # pragma: no cover - a coding error
    raise RuntimeError("posts columns changed: update Writes._post_rows and _POST_ROW_ORDER")
_DAILY_ROW_ORDER = [c.name for c in post_daily.columns]
_AGE_ROW_ORDER = [c.name for c in post_ages.columns]
_METRICS_AT = _POST_ROW_ORDER.index("metrics_at")

# SQL text of the bulk upserts, compiled once per process and dialect (see _bulk_rows).
_COMPILED: dict[tuple[str, str, tuple[str, ...], frozenset[str]], str | None] = {}

POST_METRIC_COLUMNS = ("likes", "comments", "views", "plays")
_ACCOUNT_COUNTS = ("followers", "following", "media_count", "total_views")


@dataclass(frozen=True)
class WriteResult:
    new_posts: int = 0
    updated_posts: int = 0


class Writes:
    """Mixed into :class:`collectors.store.Store` (which sets engine, tz and _insert)."""

    engine: sa.engine.Engine
    _sqlite: bool
    _insert: Any
    _last_capture: tuple[Any, Any, Any]

    def day_of(self, moment: dt.datetime) -> dt.date:  # pragma: no cover - see Store
        raise NotImplementedError

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
        account_figures: Iterable[AccountMetric] = (),
        post_figures: Iterable[PostMetric] = (),
    ) -> WriteResult:
        """Merge captures by key in one transaction; the same capture twice changes nothing.

        A newer capture replaces the latest metrics of a post and the day's history row;
        an older one (replayed) leaves them as they are. Owner-level figures go to the
        long-form tables (posts they name must be written in the same call or before).
        """
        if conn is None:
            with self.transaction() as own:
                return self.write(
                    snapshots,
                    post_snapshots,
                    is_demo=is_demo,
                    conn=own,
                    account_figures=account_figures,
                    post_figures=post_figures,
                )
        ids: dict[AccountRef, int] = {}

        def account_id(ref: AccountRef) -> int:
            if ref not in ids:
                ids[ref] = self.ensure_account(ref, is_demo=is_demo, conn=conn)
            return ids[ref]

        for snap in snapshots:
            self._write_account_snapshot(conn, account_id(snap.account), snap)
        groups: dict[frozenset[str], tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]] = (
            defaultdict(lambda: ([], []))
        )
        last_ref, last_id = None, 0
        aged: list[tuple[Any, ...]] = []
        for p in post_snapshots:
            if p.account is not last_ref:  # a batch is usually one account's posts
                last_ref, last_id = p.account, account_id(p.account)
            row, day_row = self._post_rows(last_id, p)
            rows, history = groups[p.invalid]
            rows.append(row)
            history.append(day_row)
            age = _age_of(p.published_at, p.captured_at)
            if age is not None:
                aged.append((p.platform, p.post_id, age, row[_METRICS_AT], p.likes, p.comments))
        result = WriteResult()
        for invalid, (rows, history) in groups.items():
            written = self._write_posts(conn, rows, history, invalid)
            result = WriteResult(
                result.new_posts + written.new_posts, result.updated_posts + written.updated_posts
            )
        self._write_ages(conn, aged)
        self._write_account_figures(conn, account_figures, account_id)
        self._write_post_figures(conn, post_figures)
        return result

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
        # An invalid count is not written over the day's stored one.
        cols = [c for c in (*_ACCOUNT_COUNTS, "captured_at") if c not in snap.invalid]
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
            p.likes, p.comments, p.views, p.plays, metrics_at, metrics_at, None, p.kind_source,
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
                sa.select(
                    posts.c.post_id,
                    posts.c.gone_at,
                    posts.c.published_at,
                    posts.c.kind,
                    posts.c.kind_source,
                ).where(posts.c.account_id == row.id)
            ).all()
            last_owner_day = conn.execute(
                sa.select(sa.func.max(account_metrics.c.day)).where(
                    account_metrics.c.account_id == row.id,
                    account_metrics.c.source == "owner_insights",
                )
            ).scalar()
        newest = max((k.published_at for k in known if k.gone_at is None), default=None)
        if isinstance(last_owner_day, str):  # SQLite returns max() of a date column as text
            last_owner_day = dt.date.fromisoformat(last_owner_day)
        return AccountState(
            account_id=row.id,
            external_id=row.external_id,
            known_posts={k.post_id: k.gone_at is not None for k in known},
            newest_published_at=newest,
            last_full_walk_at=row.last_full_walk_at,
            playlist_kinds={k.post_id: k.kind for k in known if k.kind_source == "playlist"},
            last_owner_day=last_owner_day,
        )

    def write_result(self, run_id: int | None, result: AccountResult) -> WriteResult:
        """Write one account's collection in one transaction, with its run item.

        What was fetched before an error is written too; a failure rolls back only this
        account's transaction, never another account's.
        """
        with self.transaction() as conn:
            account_id = self.ensure_account(result.account, conn=conn)
            written = self.write(
                [result.snapshot] if result.snapshot else [],
                result.posts,
                conn=conn,
                account_figures=result.account_metrics,
                post_figures=result.post_metrics,
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
                error = result.error
                self.record_run_item(
                    run_id,
                    account_id,
                    started_at=result.started_at,
                    status=result.status,
                    error=None if error is None else str(error),
                    error_key=getattr(error, "key", None),
                    error_params=getattr(error, "params", None),
                    new_posts=written.new_posts,
                    updated_posts=written.updated_posts,
                    api_units=result.api_units,
                    requests=result.requests,
                    path=result.path,
                    conn=conn,
                )
            return written

    def _write_posts(
        self,
        conn: Connection,
        rows: list[tuple[Any, ...]],
        history: list[tuple[Any, ...]],
        invalid: frozenset[str] = frozenset(),
    ) -> WriteResult:
        """Merge rows made by :meth:`_post_rows` into posts (newer captures win) and into
        the day's history rows; the ``invalid`` metrics are not written over stored ones."""
        if not rows:
            return WriteResult()
        before = self._post_total(conn)
        stmt = self._insert(posts)
        updated_cols = [
            c
            for c in _POST_ROW_ORDER
            if c not in ("platform", "post_id", "first_seen_at", *invalid)
        ]
        set_ = {c: stmt.excluded[c] for c in updated_cols}
        # A collector that does not say how it decided the kind keeps the stored source.
        set_["kind_source"] = sa.func.coalesce(stmt.excluded.kind_source, posts.c.kind_source)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id"],
            set_=set_,
            where=posts.c.metrics_at <= stmt.excluded.metrics_at,
        )
        daily = self._insert(post_daily)
        daily_cols = [c for c in (*POST_METRIC_COLUMNS, "captured_at") if c not in invalid]
        daily = daily.on_conflict_do_update(
            index_elements=["platform", "post_id", "day"],
            set_={c: daily.excluded[c] for c in daily_cols},
            where=post_daily.c.captured_at <= daily.excluded.captured_at,
        )
        self._bulk_rows(conn, stmt, _POST_ROW_ORDER, rows, invalid)
        self._bulk_rows(conn, daily, _DAILY_ROW_ORDER, history, invalid)
        new = self._post_total(conn) - before
        keys = {(r[0], r[1]) for r in rows}
        return WriteResult(new, len(keys) - new)

    def _write_ages(self, conn: Connection, rows: list[tuple[Any, ...]]) -> None:
        """Merge captures made at a compared age (see ``post_ages``): the first one wins."""
        if not rows:
            return
        stmt = self._insert(post_ages)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id", "age"],
            set_={c: stmt.excluded[c] for c in ("captured_at", "likes", "comments")},
            where=post_ages.c.captured_at > stmt.excluded.captured_at,
        )
        self._bulk_rows(conn, stmt, _AGE_ROW_ORDER, rows)

    def _ages_from_history(self, conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
        """Merge into post_ages the first capture at each compared age found in the daily
        history of these posts (those the store knows): for history loaded in bulk."""
        if self._sqlite:
            hours = "(julianday(d.captured_at) - julianday(p.published_at)) * 24"
        else:
            hours = "extract(epoch FROM d.captured_at - p.published_at) / 3600"
        by_platform: dict[str, list[str]] = defaultdict(list)
        for platform, post_id in dict.fromkeys(keys):
            by_platform[platform].append(post_id)
        for platform, ids in by_platform.items():
            for chunk in _chunks(ids, 500):
                for age in AGES:
                    conn.execute(
                        sa.text(
                            f"""
                            INSERT INTO post_ages
                                (platform, post_id, age, captured_at, likes, comments)
                            SELECT platform, post_id, {age}, captured_at, likes, comments FROM (
                                SELECT d.platform, d.post_id, d.captured_at, d.likes,
                                       d.comments, row_number() OVER (
                                           PARTITION BY d.platform, d.post_id
                                           ORDER BY d.captured_at) AS n
                                FROM post_daily d
                                JOIN posts p ON p.platform = d.platform
                                            AND p.post_id = d.post_id
                                WHERE d.platform = :platform AND d.post_id IN :ids
                                  AND {hours} >= {24 * age} AND {hours} < {24 * (age + 1)}
                            ) AS firsts
                            WHERE n = 1
                            ON CONFLICT (platform, post_id, age) DO UPDATE SET
                                captured_at = excluded.captured_at,
                                likes = excluded.likes, comments = excluded.comments
                            WHERE post_ages.captured_at > excluded.captured_at
                            """  # noqa: S608 (numbers of AGES only; values are bound)
                        ).bindparams(sa.bindparam("ids", expanding=True)),
                        {"platform": platform, "ids": chunk},
                    )

    def _post_total(self, conn: Connection) -> int:
        """A number that grows by one with each post inserted (and not with an update): the
        largest rowid on SQLite (each insert takes the next one; a lookup, not a count), the
        row count on PostgreSQL (no post is deleted while a refresh writes)."""
        if self._sqlite:
            return int(conn.exec_driver_sql("SELECT max(rowid) FROM posts").scalar() or 0)
        return int(conn.execute(sa.select(sa.func.count()).select_from(posts)).scalar())

    def _bulk_rows(
        self,
        conn: Connection,
        stmt: Any,
        columns: list[str],
        rows: list[tuple[Any, ...]],
        variant: frozenset[str] = frozenset(),
    ) -> None:
        """executemany of ``stmt`` with rows given as tuples in ``columns`` order;
        ``variant`` tells statements of the same table apart in the compiled cache."""
        key = (self.engine.dialect.name, str(stmt.table.name), tuple(columns), variant)
        if key not in _COMPILED:  # the same few statements serve every write
            compiled = stmt.compile(dialect=self.engine.dialect, column_keys=columns)
            same = compiled.positional and list(compiled.positiontup) == columns
            _COMPILED[key] = str(compiled) if same else None
        sql = _COMPILED[key]
        if sql is not None:
            conn.exec_driver_sql(sql, rows)
        else:
            self._bulk(conn, stmt, [dict(zip(columns, r, strict=True)) for r in rows])

    def write_post_history(
        self, rows: Sequence[dict[str, Any]], conn: Connection | None = None
    ) -> None:
        """Merge past daily metric rows (platform, post_id, day, likes, comments, views,
        plays, captured_at); used to load history, e.g. the demo's."""
        if conn is None:
            with self.transaction() as own:
                return self.write_post_history(rows, own)
        stmt = self._insert(post_daily)
        stmt = stmt.on_conflict_do_update(
            index_elements=["platform", "post_id", "day"],
            set_={c: stmt.excluded[c] for c in (*POST_METRIC_COLUMNS, "captured_at")},
            where=post_daily.c.captured_at <= stmt.excluded.captured_at,
        )
        self._bulk(conn, stmt, [self._driver_row(r) for r in rows])
        self._ages_from_history(conn, ((r["platform"], r["post_id"]) for r in rows))
        return None

    def fill_public_counts(self, rows: Sequence[dict[str, Any]], conn: Connection) -> int:
        """Public counts of stored posts from an imported file (platform, post_id, likes,
        comments, views, captured_at: the moment they describe), for posts no collector has
        stored since their import (``kind_source`` still "import": collectors that classify
        posts set their own). The day's history row is merged (newer capture of that day
        wins); the post's latest counts change only when the file's are newer than the
        stored ones — as everywhere, the newer capture wins, and a count the file lacks
        keeps the stored one. Returns how many posts' latest counts changed."""
        changed = 0
        for row in rows:
            moment = _utc(row["captured_at"])
            key = (posts.c.platform == row["platform"]) & (posts.c.post_id == row["post_id"])
            source = conn.execute(sa.select(posts.c.kind_source).where(key)).scalar()
            if source != "import":
                continue
            self.write_post_history(
                [{"platform": row["platform"], "post_id": row["post_id"],
                  "day": self.day_of(moment), "likes": row["likes"], "comments": row["comments"],
                  "views": row["views"], "plays": None, "captured_at": moment}],
                conn,
            )  # fmt: skip
            values = {
                name: sa.func.coalesce(row[name], posts.c[name])
                for name in ("likes", "comments", "views")
            }
            changed += conn.execute(
                posts.update()
                .where(key, posts.c.metrics_at <= moment)
                .values(**values, metrics_at=moment)
            ).rowcount
        return changed

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

    def delete_demo(self, conn: Connection | None = None) -> None:
        """Remove the demo accounts and everything of theirs (only demo data is ever deleted)."""
        if conn is None:
            with self.transaction() as own:
                return self.delete_demo(own)
        demo_ids = sa.select(accounts.c.id).where(accounts.c.is_demo.is_(True))
        demo_posts = sa.select(posts.c.post_id).where(posts.c.account_id.in_(demo_ids))
        for table in (post_metrics, post_categories, post_ages, post_rule_categories):
            conn.execute(table.delete().where(table.c.post_id.in_(demo_posts)))
        conn.execute(post_daily.delete().where(post_daily.c.post_id.in_(demo_posts)))
        conn.execute(posts.delete().where(posts.c.account_id.in_(demo_ids)))
        conn.execute(account_metrics.delete().where(account_metrics.c.account_id.in_(demo_ids)))
        conn.execute(account_daily.delete().where(account_daily.c.account_id.in_(demo_ids)))
        conn.execute(run_items.delete().where(run_items.c.account_id.in_(demo_ids)))
        conn.execute(
            connections.update()
            .where(connections.c.account_id.in_(demo_ids))
            .values(account_id=None)
        )
        conn.execute(post_verdicts.delete().where(post_verdicts.c.account_id.in_(demo_ids)))
        conn.execute(accounts.delete().where(accounts.c.is_demo.is_(True)))
        return None

    def demo_span(self, conn: Connection | None = None) -> tuple[dt.date, dt.date] | None:
        """First and last day of the stored demo's account history, or None without a demo."""
        if conn is None:
            with self.engine.connect() as own:
                return self.demo_span(own)
        lo, hi = conn.execute(
            sa.select(sa.func.min(account_daily.c.day), sa.func.max(account_daily.c.day))
            .select_from(account_daily)
            .join(accounts, accounts.c.id == account_daily.c.account_id)
            .where(accounts.c.is_demo.is_(True))
        ).one()
        if lo is None:
            return None
        return (lo, hi)

    def demo_counts(self, conn: Connection | None = None) -> dict[str, int]:
        """Rows of the stored demo: its accounts, their account-days, posts and post-days."""
        if conn is None:
            with self.engine.connect() as own:
                return self.demo_counts(own)
        demo_ids = sa.select(accounts.c.id).where(accounts.c.is_demo.is_(True))
        demo_posts = sa.select(posts.c.platform, posts.c.post_id).where(
            posts.c.account_id.in_(demo_ids)
        )

        def count(table: sa.Table, *where: Any) -> Any:
            return sa.select(sa.func.count()).select_from(table).where(*where).scalar_subquery()

        row = conn.execute(
            sa.select(
                count(accounts, accounts.c.is_demo.is_(True)),
                count(account_daily, account_daily.c.account_id.in_(demo_ids)),
                count(posts, posts.c.account_id.in_(demo_ids)),
                count(
                    post_daily,
                    sa.tuple_(post_daily.c.platform, post_daily.c.post_id).in_(demo_posts),
                ),
            )
        ).one()
        return dict(
            zip(("accounts", "account_days", "posts", "post_days"), map(int, row), strict=True)
        )

    def write_account_history(
        self, rows: Sequence[dict[str, Any]], conn: Connection | None = None
    ) -> None:
        """Merge past ``account_daily`` rows (used to load history, e.g. the demo's)."""
        if conn is None:
            with self.transaction() as own:
                return self.write_account_history(rows, own)
        stmt = self._insert(account_daily)
        cols = (*_ACCOUNT_COUNTS, "captured_at")
        stmt = stmt.on_conflict_do_update(
            index_elements=["account_id", "day"],
            set_={c: stmt.excluded[c] for c in cols},
            where=account_daily.c.captured_at <= stmt.excluded.captured_at,
        )
        self._bulk(conn, stmt, [self._driver_row(r) for r in rows])
        return None

    # -- owner-level figures (long form) ----------------------------------------

    def _write_account_figures(
        self, conn: Connection, figures: Iterable[AccountMetric], account_id: Any
    ) -> int:
        rows = [
            {
                "account_id": account_id(f.account),
                "day": f.day,
                "metric": f.metric,
                "source": f.source,
                "value": f.value,
                "captured_at": _utc(f.captured_at),
                "origin": f.origin or None,
            }
            for f in figures
        ]
        return self._merge_figures(
            conn, account_metrics, ["account_id", "day", "metric", "source"], rows
        )

    def _write_post_figures(self, conn: Connection, figures: Iterable[PostMetric]) -> int:
        rows = [
            {
                "platform": f.platform,
                "post_id": f.post_id,
                "metric": f.metric,
                "source": f.source,
                "day": f.day or self.day_of(f.captured_at),
                "value": f.value,
                "captured_at": _utc(f.captured_at),
                "origin": f.origin or None,
            }
            for f in figures
        ]
        return self._merge_figures(
            conn, post_metrics, ["platform", "post_id", "metric", "source", "day"], rows
        )

    def _merge_figures(
        self, conn: Connection, table: sa.Table, keys: list[str], rows: list[dict[str, Any]]
    ) -> int:
        """Upsert long-form rows; the newer capture wins, an older replay changes nothing."""
        if not rows:
            return 0
        stmt = self._insert(table)
        stmt = stmt.on_conflict_do_update(
            index_elements=keys,
            set_={c: stmt.excluded[c] for c in ("value", "captured_at", "origin")},
            where=table.c.captured_at <= stmt.excluded.captured_at,
        )
        for chunk in _chunks(rows, 5000):
            self._bulk(conn, stmt, [self._driver_row(r) for r in chunk])
        return len(rows)

    def write_figures(
        self,
        account_figures: Iterable[AccountMetric] = (),
        post_figures: Iterable[PostMetric] = (),
        conn: Connection | None = None,
    ) -> None:
        """Merge owner-level figures alone (e.g. from an import), in one transaction."""
        self.write((), (), conn=conn, account_figures=account_figures, post_figures=post_figures)

    def set_connection(self, facts: ConnectionFacts, conn: Connection | None = None) -> None:
        """Record what was last checked about a library's official-API connection (never a
        token)."""
        if conn is None:
            with self.transaction() as own:
                return self.set_connection(facts, own)
        account_id = (
            self.ensure_account(facts.account, conn=conn) if facts.account is not None else None
        )
        values = {
            "kind": facts.kind,
            "account_id": account_id,
            "external_id": facts.external_id,
            "token_source": facts.token_source,
            "expires_at": None if facts.expires_at is None else _utc(facts.expires_at),
            "scopes": json.dumps(list(facts.scopes)),
            "status": facts.status,
            "checked_at": _utc(facts.checked_at),
            "detail": facts.detail,
        }
        stmt = self._insert(connections).values(
            library_id=facts.library_id,
            platform=facts.platform,
            connected_since=_utc(facts.connected_since or facts.checked_at),
            **values,
        )
        update = dict(values)
        if facts.connected_since is not None:
            update["connected_since"] = _utc(facts.connected_since)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["library_id", "platform"], set_=update)
        )
        return None

    # -- services, imports, staff categories --------------------------------------

    def ensure_service(
        self, library_id: str, kind: str, name: str, conn: Connection | None = None
    ) -> int:
        """The id of a library's service (e.g. WhatsApp "Ask Librarian"), created if new."""
        if conn is None:
            with self.transaction() as own:
                return self.ensure_service(library_id, kind, name, own)
        stmt = self._insert(services).values(
            library_id=library_id, kind=kind, name=name, created_at=_now()
        )
        conn.execute(stmt.on_conflict_do_nothing())
        return int(
            conn.execute(
                sa.select(services.c.id).where(
                    services.c.library_id == library_id,
                    services.c.kind == kind,
                    services.c.name == name,
                )
            ).scalar_one()
        )

    def write_service_days(self, rows: Sequence[dict[str, Any]], conn: Connection) -> None:
        """Merge ``service_daily`` rows (the newer capture wins)."""
        if not rows:
            return
        stmt = self._insert(service_daily)
        cols = [
            c.name for c in service_daily.columns if c.name not in ("service_id", "day", "source")
        ]
        stmt = stmt.on_conflict_do_update(
            index_elements=["service_id", "day", "source"],
            set_={c: stmt.excluded[c] for c in cols},
            where=service_daily.c.captured_at <= stmt.excluded.captured_at,
        )
        for chunk in _chunks(list(rows), 5000):
            self._bulk(conn, stmt, [self._driver_row(r) for r in chunk])

    def write_service_questions(self, rows: Sequence[dict[str, Any]], conn: Connection) -> None:
        """Merge per-question timings (service_id, asked_at, seq, first_reply_s,
        in_service_hours, captured_at, origin): never any text."""
        if not rows:
            return
        stmt = self._insert(service_questions)
        stmt = stmt.on_conflict_do_update(
            index_elements=["service_id", "asked_at", "seq"],
            set_={
                c: stmt.excluded[c]
                for c in ("first_reply_s", "in_service_hours", "captured_at", "origin")
            },
            where=service_questions.c.captured_at <= stmt.excluded.captured_at,
        )
        for chunk in _chunks(list(rows), 5000):
            self._bulk(conn, stmt, [self._driver_row(r) for r in chunk])

    def record_import(
        self,
        kind: str,
        library_id: str,
        file_name: str,
        sha256: str,
        rows: int,
        conn: Connection,
        detail: str | None = None,
        imported_at: dt.datetime | None = None,
    ) -> tuple[int, bool]:
        """Record an imported file; returns (import id, True when this content is new).
        The same content imported again keeps its first record."""
        stmt = self._insert(imports).values(
            kind=kind,
            library_id=library_id,
            file_name=file_name,
            sha256=sha256,
            imported_at=_utc(imported_at) if imported_at is not None else _now(),
            rows=rows,
            detail=detail,
        )
        # RETURNING tells whether a row was inserted (rowcount is -1 on PostgreSQL, where
        # SQLAlchemy adds RETURNING for the new id itself).
        inserted = conn.execute(
            stmt.on_conflict_do_nothing().returning(imports.c.id)
        ).scalar_one_or_none()
        new = inserted is not None
        ident = conn.execute(
            sa.select(imports.c.id).where(
                imports.c.kind == kind,
                imports.c.library_id == library_id,
                imports.c.sha256 == sha256,
            )
        ).scalar_one()
        return int(ident), new

    def set_post_category(
        self, platform: str, post_id: str, category: str | None, set_by: str | None = None
    ) -> None:
        """Staff's category for one post (None removes it); collectors never touch these."""
        with self.transaction() as conn:
            key = (post_categories.c.platform == platform) & (post_categories.c.post_id == post_id)
            if category is None:
                conn.execute(post_categories.delete().where(key))
                return
            stmt = self._insert(post_categories).values(
                platform=platform, post_id=post_id, category=category, set_by=set_by,
                set_at=_now(),
            )  # fmt: skip
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["platform", "post_id"],
                    set_={c: stmt.excluded[c] for c in ("category", "set_by", "set_at")},
                )
            )

    def keep_rule_categories(self, rows: Sequence[dict[str, Any]], rules: str) -> None:
        """Keep what the rules ``rules`` gave these posts (platform, post_id, metrics_at,
        category, source, matched): derived data, replaced whenever worked out again."""
        if not rows:
            return
        with self.transaction() as conn:
            stmt = self._insert(post_rule_categories)
            stmt = stmt.on_conflict_do_update(
                index_elements=["platform", "post_id"],
                set_={c: stmt.excluded[c] for c in ("rules", "metrics_at", "category",
                                                    "source", "matched")},
            )  # fmt: skip
            self._bulk(conn, stmt, [self._driver_row(r | {"rules": rules}) for r in rows])

    def keep_verdicts(self, judged: Any, basis: str) -> None:
        """Replace the kept breakout verdicts (rows of ``dashboard.insights.judge``) with
        ``judged``, worked out for the state ``basis`` of the store (see ``derived``)."""
        columns = [c.name for c in post_verdicts.columns]
        frame = judged[columns].astype(object).where(judged[columns].notna(), None)
        rows = [self._driver_row(r) for r in frame.to_dict("records")]
        with self.transaction() as conn:
            conn.execute(post_verdicts.delete())
            for chunk in _chunks(rows, 20_000):
                self._bulk(conn, sa.insert(post_verdicts), chunk)
            self._set_derived(conn, "verdicts", basis)

    def _set_derived(self, conn: Connection, name: str, basis: str) -> None:
        stmt = self._insert(derived).values(name=name, basis=basis, made_at=_now())
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"],
                set_={"basis": stmt.excluded.basis, "made_at": stmt.excluded.made_at},
            )
        )

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
                    error=render("run_interrupted"),
                    error_key="run_interrupted",
                    error_params="{}",
                    finished_at=_now(),
                )
            ).rowcount

    def finish_run(
        self,
        run_id: int,
        status: str,
        error: str | None = None,
        error_key: str | None = None,
        error_params: dict[str, str] | None = None,
    ) -> None:
        """Close a run; ``error_key`` and ``error_params`` (collectors.messages) let pages
        show ``error`` in the reader's language."""
        with self.transaction() as conn:
            conn.execute(
                runs.update()
                .where(runs.c.run_id == run_id)
                .values(
                    status=status,
                    error=error,
                    error_key=error_key,
                    error_params=None if error_params is None else json.dumps(error_params),
                    finished_at=_now(),
                )
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
        path: str | None = None,
        error_key: str | None = None,
        error_params: dict[str, str] | None = None,
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
                    path=path,
                    error_key=error_key,
                    error_params=error_params,
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
            path=path,
            error_key=error_key,
            error_params=None if error_params is None else json.dumps(error_params),
        )
        stmt = self._insert(run_items).values(run_id=run_id, account_id=account_id, **values)
        conn.execute(
            stmt.on_conflict_do_update(index_elements=["run_id", "account_id"], set_=values)
        )
        return None


# Printable ASCII other than the quote and the backslash: json.dumps leaves it as it is.
_PLAIN_TEXT = re.compile(r"[ !#-\[\]-~]*")


def _age_of(published_at: dt.datetime, captured_at: dt.datetime) -> int | None:
    """The compared age (see ``schema.AGES``) a capture was made at, if any: age N covers
    N × 24 to (N + 1) × 24 hours after publication."""
    hours = (captured_at - published_at).total_seconds() / 3600
    for age in AGES:
        if 24 * age <= hours < 24 * (age + 1):
            return age
    return None


def _json_text(values: Sequence[str]) -> str:
    """JSON text of a list of strings; plain ones are joined directly (what json.dumps
    writes for them), anything that needs escaping goes through json.dumps."""
    if not values:
        return "[]"
    if _PLAIN_TEXT.fullmatch("".join(values)):  # every character of every value is plain
        return '["' + '", "'.join(values) + '"]'
    return json.dumps(list(values))


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


def _now() -> dt.datetime:
    return dt.datetime.now(UTC)

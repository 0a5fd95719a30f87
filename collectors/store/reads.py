"""The Store's reads: every read returns a pandas DataFrame with stable dtypes (aware UTC
timestamps, nullable integers, dates as ``datetime.date``), and reads only what it is asked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa

from collectors.store.schema import (
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
    service_daily,
    service_questions,
    services,
)

_LIST_COLUMNS = ("hashtags", "mentions", "tagged", "coauthors")


class Reads:
    """Mixed into :class:`collectors.store.Store` (which sets engine and _sqlite)."""

    engine: sa.engine.Engine
    _sqlite: bool

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

    def _frame(
        self, stmt: sa.Select[Any], table: sa.Table, conn: sa.Connection | None = None
    ) -> pd.DataFrame:
        """Run a SELECT (in ``conn``'s transaction when given) into a typed frame."""
        if conn is None:
            with self.engine.connect() as own:
                return self._frame(stmt, table, own)
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

    def accounts_with_data(self) -> pd.DataFrame:
        """Accounts (account_id) that have posts or owner-level figures, whoever wrote
        them: a refresh, or an imported file (which writes no daily capture)."""
        has_posts = sa.exists().where(posts.c.account_id == accounts.c.id)
        has_figures = sa.exists().where(account_metrics.c.account_id == accounts.c.id)
        # One indexed lookup per account in each table, not a scan.
        stmt = (
            sa.select(accounts.c.id.label("account_id"))
            .where(has_posts | has_figures)
            .order_by(accounts.c.id)
        )
        with self.engine.connect() as conn:
            ids = [int(r[0]) for r in conn.execute(stmt)]
        return pd.DataFrame({"account_id": pd.array(ids, dtype="Int64")})

    def first_day(self, account_ids: Sequence[int], tz: str) -> dt.date | None:
        """The first local day (in ``tz``) with data of these accounts: their earliest post
        or daily capture, whichever comes first; None when they have neither."""
        if not account_ids:
            return None
        ids = [int(a) for a in account_ids]
        # One indexed lookup per account (its first post, its first day), not a scan.
        first_post = (
            sa.select(sa.func.min(posts.c.published_at))
            .where(posts.c.account_id == accounts.c.id)
            .scalar_subquery()
        )
        first_daily = (
            sa.select(sa.func.min(account_daily.c.day))
            .where(account_daily.c.account_id == accounts.c.id)
            .scalar_subquery()
        )
        if self._sqlite:
            first_post = sa.type_coerce(first_post, sa.String)
            first_daily = sa.type_coerce(first_daily, sa.String)
        stmt = sa.select(first_post, first_daily).where(accounts.c.id.in_(ids))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        dailies = [pd.Timestamp(str(day)).date() for _, day in rows if day is not None]
        firsts = _utc_series(pd.Series([when for when, _ in rows if when is not None]))
        days = dailies + list(firsts.dt.tz_convert(tz).dt.date) if len(firsts) else dailies
        return min(days, default=None)

    def posts(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        account_ids: Sequence[int] | None = None,
        columns: Sequence[str] | None = None,
        *,
        followers_tz: str | None = None,
        naming: bool = False,
    ) -> pd.DataFrame:
        """Posts published in [start, end) (UTC-aware bounds) of the given accounts, with
        all columns or just ``columns``; list columns are Python lists. With
        ``followers_tz``, also each post's ``followers_at_post`` (the account's followers
        on the post's local day in that zone, see ``metrics.followers_at_post``), looked
        up by the database; with ``naming``, only posts that mention, tag or co-author an
        account."""
        stmt = self._select(posts, columns)
        if followers_tz is not None:
            day = self._local(followers_tz).day(posts.c.published_at)
            stmt = stmt.add_columns(self._followers_at(day).label("followers_at_post"))
        if start is not None:
            stmt = stmt.where(posts.c.published_at >= start)
        if end is not None:
            stmt = stmt.where(posts.c.published_at < end)
        if account_ids is not None:
            stmt = stmt.where(posts.c.account_id.in_([int(a) for a in account_ids]))
        if naming:  # only posts that mention, tag or co-author an account
            stmt = stmt.where(
                sa.or_(*[posts.c[c] != "[]" for c in ("mentions", "tagged", "coauthors")])
            )
        frame = self._frame(
            stmt.order_by(posts.c.published_at, posts.c.platform, posts.c.post_id), posts
        )
        if followers_tz is not None:
            frame["followers_at_post"] = frame["followers_at_post"].astype("Float64")
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

    def posts_by_keys(
        self, keys: Sequence[tuple[str, str]], columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The posts of these (platform, post_id) pairs (those the store knows), with all
        columns or just ``columns``; list columns are Python lists."""
        by_platform: dict[str, list[str]] = {}
        for platform, post_id in dict.fromkeys((str(p), str(i)) for p, i in keys):
            by_platform.setdefault(platform, []).append(post_id)
        frames = [
            self._frame(
                self._select(posts, columns).where(
                    posts.c.platform == platform, posts.c.post_id.in_(chunk)
                ),
                posts,
            )
            for platform, ids in by_platform.items()
            for chunk in _chunks(ids, 500)
        ]
        if not frames:
            frames = [self._frame(self._select(posts, columns).where(sa.false()), posts)]
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        for col in [c for c in _LIST_COLUMNS if c in frame]:
            frame[col] = [_json_list(v) for v in frame[col]]
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
        """A cheap value that changes whenever captures are written: a cache key for readers.

        Every part is an index look-up (a few milliseconds at consortium scale; every page
        run asks for it)."""
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
                        # imported files write figures without a run
                        sa.select(sa.func.max(imports.c.id)).scalar_subquery(),
                    )
                ).one()
            )

    # -- owner-level figures, connections, services, imports, categories ---------

    def account_metrics(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        account_ids: Sequence[int] | None = None,
        metrics: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Long-form account figures (account_id, day, metric, source, value, captured_at,
        origin) with days in [start, end], of the given accounts and metrics."""
        t = account_metrics
        stmt = self._select(t)
        if start is not None:
            stmt = stmt.where(t.c.day >= start)
        if end is not None:
            stmt = stmt.where(t.c.day <= end)
        if account_ids is not None:
            stmt = stmt.where(t.c.account_id.in_([int(a) for a in account_ids]))
        if metrics is not None:
            stmt = stmt.where(t.c.metric.in_(list(metrics)))
        return self._frame(stmt.order_by(t.c.account_id, t.c.day, t.c.metric), t)

    def post_metrics(
        self,
        post_ids: Sequence[tuple[str, str]] | None = None,
        metrics: Sequence[str] | None = None,
        *,
        latest: bool = False,
    ) -> pd.DataFrame:
        """Long-form post figures (platform, post_id, metric, source, day, value,
        captured_at, origin) of the given (platform, post_id) pairs; ``latest`` keeps each
        post's newest day per metric and source. No pairs: an empty frame of these columns."""
        t = post_metrics
        if post_ids is not None and not len(post_ids):
            return self._frame(self._select(t).where(sa.false()), t)
        frames = []
        if post_ids is not None and not len(post_ids):  # no post asked: an empty frame
            frames.append(self._frame(self._select(t).where(sa.false()), t))
        for chunk in _chunks(list(post_ids), 500) if post_ids is not None else [None]:
            stmt = self._select(t)
            if chunk is not None:
                stmt = stmt.where(sa.tuple_(t.c.platform, t.c.post_id).in_(chunk))
            if metrics is not None:
                stmt = stmt.where(t.c.metric.in_(list(metrics)))
            frames.append(self._frame(stmt, t))
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame = frame.sort_values(["platform", "post_id", "metric", "source", "day"])
        if latest and len(frame):
            frame = frame.groupby(["platform", "post_id", "metric", "source"]).tail(1)
        return frame.reset_index(drop=True)

    def owner_days(self, account_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Per account and source of owner-level account figures: the first and last day
        stored (account_id, source, first_day, last_day): how far back and how recent."""
        t = account_metrics
        stmt = sa.select(
            t.c.account_id,
            t.c.source,
            sa.func.min(t.c.day).label("first_day"),
            sa.func.max(t.c.day).label("last_day"),
        ).group_by(t.c.account_id, t.c.source)
        if account_ids is not None:
            stmt = stmt.where(t.c.account_id.in_([int(a) for a in account_ids]))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt.order_by(t.c.account_id, t.c.source)).all()
        frame = pd.DataFrame(rows, columns=["account_id", "source", "first_day", "last_day"])
        for column in ("first_day", "last_day"):
            frame[column] = [
                v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)[:10])
                for v in frame[column]
            ]
        frame["account_id"] = frame["account_id"].astype("Int64")
        return frame

    def connections(self) -> pd.DataFrame:
        """Every library's official-API connection facts (never a token)."""
        frame = self._frame(
            self._select(connections).order_by(connections.c.library_id, connections.c.platform),
            connections,
        )
        frame["scopes"] = [_json_list(v) for v in frame["scopes"]]
        return frame

    def services(self) -> pd.DataFrame:
        return self._frame(self._select(services).order_by(services.c.id), services)

    def service_daily(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        service_ids: Sequence[int] | None = None,
        conn: sa.Connection | None = None,
    ) -> pd.DataFrame:
        """Daily service figures with days in [start, end] (``conn``: read inside that
        transaction)."""
        t = service_daily
        stmt = self._select(t)
        if start is not None:
            stmt = stmt.where(t.c.day >= start)
        if end is not None:
            stmt = stmt.where(t.c.day <= end)
        if service_ids is not None:
            stmt = stmt.where(t.c.service_id.in_([int(s) for s in service_ids]))
        return self._frame(stmt.order_by(t.c.service_id, t.c.day, t.c.source), t, conn)

    def service_questions(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        service_ids: Sequence[int] | None = None,
        conn: sa.Connection | None = None,
    ) -> pd.DataFrame:
        """Per-question timings asked in [start, end) (UTC-aware bounds; ``conn``: read
        inside that transaction)."""
        t = service_questions
        stmt = self._select(t)
        if start is not None:
            stmt = stmt.where(t.c.asked_at >= start)
        if end is not None:
            stmt = stmt.where(t.c.asked_at < end)
        if service_ids is not None:
            stmt = stmt.where(t.c.service_id.in_([int(s) for s in service_ids]))
        return self._frame(stmt.order_by(t.c.service_id, t.c.asked_at, t.c.seq), t, conn)

    def post_owners(self, platform: str, post_ids: Sequence[str]) -> pd.DataFrame:
        """(post_id, account_id) of the given posts of a platform that the store knows."""
        frames = [
            self._frame(
                self._select(posts, ["post_id", "account_id"]).where(
                    posts.c.platform == platform, posts.c.post_id.in_(list(chunk))
                ),
                posts,
            )
            for chunk in _chunks(list(dict.fromkeys(post_ids)), 500)
        ]
        if not frames:
            return self._frame(
                self._select(posts, ["post_id", "account_id"]).where(sa.false()), posts
            )
        return pd.concat(frames, ignore_index=True)

    def imports(self) -> pd.DataFrame:
        return self._frame(self._select(imports).order_by(imports.c.id), imports)

    def post_categories(self) -> pd.DataFrame:
        """Staff's categories of single posts (platform, post_id, category, set_by, set_at)."""
        t = post_categories
        return self._frame(self._select(t).order_by(t.c.platform, t.c.post_id), t)

    # -- insights --

    def post_history(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        account_ids: Sequence[int] | None = None,
        max_age: dt.timedelta | None = None,
    ) -> pd.DataFrame:
        """Daily capture rows (post_daily) of the posts published in [start, end) (UTC-aware
        bounds) by the given accounts, only those captured less than ``max_age`` after the
        post's publication when given; ordered by post and day."""
        t = post_daily
        stmt = self._select(t).join(
            posts, (posts.c.platform == t.c.platform) & (posts.c.post_id == t.c.post_id)
        )
        if start is not None:
            stmt = stmt.where(posts.c.published_at >= start)
        if end is not None:
            stmt = stmt.where(posts.c.published_at < end)
        if account_ids is not None:
            stmt = stmt.where(posts.c.account_id.in_([int(a) for a in account_ids]))
        if max_age is not None:
            if self._sqlite:  # times are stored as UTC text there
                age = sa.func.julianday(t.c.captured_at) - sa.func.julianday(posts.c.published_at)
                stmt = stmt.where(age < max_age.total_seconds() / 86400)
            else:
                stmt = stmt.where(t.c.captured_at - posts.c.published_at < max_age)
        return self._frame(stmt.order_by(t.c.platform, t.c.post_id, t.c.day), t)


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

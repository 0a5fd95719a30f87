"""The Store's reads for the dashboard at scale: figures grouped by the database (per
account and local day, week, kind or hour) and the narrow rows the insights need, so that a
page reads hundreds of rows, not the hundreds of thousands behind them.

Every formula here mirrors one of ``dashboard.metrics`` (named in each docstring); a test
checks that both give the same figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from collectors.store.localtime import LocalTime
from collectors.store.schema import account_daily, post_ages, posts


def utc_bounds(start: dt.date, end: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """[first moment of ``start``, first moment after ``end``) of local days, in UTC."""
    zone = ZoneInfo(tz)
    lo = dt.datetime.combine(start, dt.time(0), zone).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), zone).astimezone(dt.UTC)
    return lo, hi


class Aggregates:
    """Mixed into :class:`collectors.store.Store` (which sets engine and _sqlite)."""

    engine: sa.engine.Engine
    _sqlite: bool

    def _local(self, tz: str) -> LocalTime:
        return LocalTime(self.engine.dialect.name, tz)

    def _rows(self, stmt: Any) -> tuple[list[tuple[Any, ...]], list[str]]:
        with self.engine.connect() as conn:
            result = conn.execute(stmt)
            return result.cursor.fetchall(), list(result.keys())

    def _time_param(self, moment: dt.datetime) -> Any:
        """A bound UTC time as the store keeps it (SQLite: text, so the index is used)."""
        if self._sqlite:
            return moment.astimezone(dt.UTC).isoformat(" ", "microseconds")[:26]
        return moment

    def _posts_between(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> Any:
        """WHERE of posts by these accounts published on local days [start, end]."""
        lo, hi = utc_bounds(start, end, tz)
        published = (
            sa.type_coerce(posts.c.published_at, sa.String)
            if self._sqlite
            else (posts.c.published_at)
        )
        return sa.and_(
            posts.c.account_id.in_([int(a) for a in account_ids]),
            published >= self._time_param(lo),
            published < self._time_param(hi),
        )

    def _followers_at(self, day: Any) -> Any:
        """The account's followers on a post's local day (``metrics.followers_at_post``):
        the nearest earlier daily row with followers, else the nearest later one."""
        known = sa.and_(
            account_daily.c.account_id == posts.c.account_id,
            account_daily.c.followers.is_not(None),
        )
        earlier = (
            sa.select(account_daily.c.followers)
            .where(known, account_daily.c.day <= day)
            .order_by(account_daily.c.day.desc())
            .limit(1)
            .scalar_subquery()
        )
        later = (
            sa.select(account_daily.c.followers)
            .where(known, account_daily.c.day > day)
            .order_by(account_daily.c.day)
            .limit(1)
            .scalar_subquery()
        )
        return sa.func.coalesce(earlier, later)

    # -- insights -----------------------------------------------------------------------

    def age_inputs(
        self, account_ids: Sequence[int], start: dt.date, end: dt.date, tz: str
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """What the breakout rule needs of the posts published on local days [start, end]:

        - posts: platform, post_id, account_id, kind, published_at, metrics_at (their last
          capture), followers_at_post;
        - captures: their first capture at each compared age (``post_ages``): platform,
          post_id, age, captured_at, likes, comments.
        """
        local = self._local(tz)
        where = self._posts_between(account_ids, start, end, tz)
        time = (lambda c: sa.type_coerce(c, sa.String)) if self._sqlite else (lambda c: c)
        stmt = sa.select(
            posts.c.platform,
            posts.c.post_id,
            posts.c.account_id,
            posts.c.kind,
            time(posts.c.published_at).label("published_at"),
            time(posts.c.metrics_at).label("metrics_at"),
            self._followers_at(local.day(posts.c.published_at)).label("followers_at_post"),
        ).where(where)
        rows, names = self._rows(stmt)
        frame = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        frame["account_id"] = frame["account_id"].astype("int64")
        for col in ("published_at", "metrics_at"):
            frame[col] = _utc(frame[col])
        frame["followers_at_post"] = frame["followers_at_post"].astype("Float64")
        captures = sa.select(
            post_ages.c.platform,
            post_ages.c.post_id,
            post_ages.c.age,
            time(post_ages.c.captured_at).label("captured_at"),
            post_ages.c.likes,
            post_ages.c.comments,
        ).join(
            posts, (posts.c.platform == post_ages.c.platform)
            & (posts.c.post_id == post_ages.c.post_id)
        ).where(where)  # fmt: skip
        rows, names = self._rows(captures)
        taken = pd.DataFrame.from_records(rows, columns=names, coerce_float=False)
        taken["age"] = taken["age"].astype("int64")
        taken["captured_at"] = _utc(taken["captured_at"])
        for col in ("likes", "comments"):
            taken[col] = taken[col].astype("Int64")
        return frame, taken


def _utc(values: pd.Series) -> pd.Series:
    """Aware UTC timestamps from stored text (SQLite) or driver datetimes (PostgreSQL)."""
    if values.empty:
        return pd.Series(values, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(values, utc=True, format="ISO8601")

"""Local time of stored UTC moments inside SQL, so that the database can group by local day,
week and hour (the dashboard's aggregates) without shipping every row to Python.

PostgreSQL converts with ``timezone(zone, moment)``. SQLite has no time zones: a zone that
keeps one UTC offset (Asia/Jakarta, +07:00) is a fixed shift SQLite does itself; any other
zone goes through a small Python function registered on each SQLite connection.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

LOCAL_FUNCTION = "jejaring_local"  # SQLite: jejaring_local(utc_text, zone) -> local text
SEARCH_FUNCTION = "jejaring_search_text"  # SQLite: the text a search looks in (see below)


@functools.lru_cache(maxsize=32)
def fixed_offset(zone: str) -> dt.timedelta | None:
    """The zone's UTC offset when it kept one offset from 2000 to 2040 (sampled twice a
    month: daylight saving or a change of offset shows), else None."""
    tz = ZoneInfo(zone)
    offsets = {
        dt.datetime(year, month, day, 12, tzinfo=dt.UTC).astimezone(tz).utcoffset()
        for year in range(2000, 2041)
        for month in range(1, 13)
        for day in (1, 16)
    }
    return offsets.pop() if len(offsets) == 1 else None


def _local_text(moment: str | None, zone: str) -> str | None:
    """SQLite function: a stored UTC time ("YYYY-MM-DD HH:MM:SS[.ffffff]") as local text."""
    if moment is None:
        return None
    utc = dt.datetime.fromisoformat(moment).replace(tzinfo=dt.UTC)
    return utc.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


def search_text(
    caption: str | None, title: str | None, hashtags: str, mentions: str, handle: str | None
) -> str:
    """What a search of posts looks in (as ``dashboard.posts.search_posts`` builds it):
    caption, title, hashtags, mentions (stored as JSON lists) and account, joined by spaces,
    in lower case (any alphabet: SQLite's own lower() knows only A–Z)."""
    lists = [" ".join(json.loads(v)) if v else "" for v in (hashtags, mentions)]
    return " ".join([caption or "", title or "", *lists, handle or ""]).lower()


def register(dbapi_connection: Any) -> None:
    """Make :data:`LOCAL_FUNCTION` and :data:`SEARCH_FUNCTION` known to a new SQLite
    connection."""
    dbapi_connection.create_function(LOCAL_FUNCTION, 2, _local_text, deterministic=True)
    dbapi_connection.create_function(SEARCH_FUNCTION, 5, search_text, deterministic=True)


class LocalTime:
    """SQL expressions for the local day, hour and weekday of a stored UTC time column."""

    def __init__(self, dialect: str, zone: str) -> None:
        self.sqlite = dialect == "sqlite"
        self.zone = zone
        self.offset = fixed_offset(zone) if self.sqlite else None

    def moment(self, column: Any) -> Any:
        """The local wall-clock time (SQLite: text; PostgreSQL: timestamp)."""
        if not self.sqlite:
            return sa.func.timezone(self.zone, column)
        text = sa.type_coerce(column, sa.String)
        if self.offset is not None:
            minutes = int(self.offset.total_seconds() // 60)
            return sa.func.datetime(text, f"{minutes:+d} minutes")
        return getattr(sa.func, LOCAL_FUNCTION)(text, self.zone)

    def day(self, column: Any) -> Any:
        """The local calendar day: "YYYY-MM-DD" text on SQLite (as days are stored there),
        a date on PostgreSQL."""
        if self.sqlite:
            return sa.func.date(self.moment(column))
        return sa.cast(self.moment(column), sa.Date)

    def hour(self, column: Any) -> Any:
        if self.sqlite:
            return sa.cast(sa.func.strftime("%H", self.moment(column)), sa.Integer)
        return sa.cast(sa.extract("hour", self.moment(column)), sa.Integer)

    def weekday(self, column: Any) -> Any:
        """0 = Monday … 6 = Sunday."""
        if self.sqlite:
            return (sa.cast(sa.func.strftime("%w", self.moment(column)), sa.Integer) + 6) % 7
        return sa.cast(sa.extract("isodow", self.moment(column)), sa.Integer) - 1

    def week(self, day: Any) -> Any:
        """The Monday that starts the week of a local day (as :meth:`day` gives it): the
        dashboard's one week definition."""
        if self.sqlite:
            # the next Sunday (the day itself if a Sunday), then back to its Monday
            return sa.func.date(day, "weekday 0", "-6 days")
        return sa.cast(sa.func.date_trunc("week", day), sa.Date)

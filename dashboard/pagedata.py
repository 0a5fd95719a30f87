"""What each page computes, from windows of the store: read only the days a page shows.

A :class:`Window` holds the accounts chosen, their daily rows and their enriched posts for a
range of local days; the page functions turn windows into the frames a page shows. No
Streamlit here (``app.py`` caches windows), no SQL (the store owns it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd

from collectors.config import Campaign, Config
from collectors.status import account_health
from collectors.store import Store
from dashboard import campaigns as camp
from dashboard.metrics import (
    Period,
    audience_series,
    best_time,
    compare_periods,
    content_mix,
    enrich_posts,
    in_period,
    kpis,
    weekly,
)

DAILY_COLUMNS = [
    "account_id",
    "day",
    "followers",
    "following",
    "media_count",
    "total_views",
    "captured_at",
]


@dataclass(frozen=True)
class Window:
    """The chosen accounts' rows for local days [start, end]."""

    start: dt.date
    end: dt.date
    accounts: pd.DataFrame
    daily: pd.DataFrame  # days in [start, end], plus each account's last row before start
    posts: pd.DataFrame  # published in [start, end], enriched (engagements, ER, local time)


Loader = Callable[[dt.date, dt.date], Window]


def shown_accounts(accounts: pd.DataFrame) -> pd.DataFrame:
    """Real accounts when any exist, else the demo accounts: real data is never mixed
    with demo data."""
    real = accounts[~accounts["is_demo"]]
    return (real if len(real) else accounts).reset_index(drop=True)


def choose(
    accounts: pd.DataFrame, libraries: Sequence[str], platforms: Sequence[str]
) -> pd.DataFrame:
    """The accounts of the chosen libraries and platforms."""
    mask = accounts["library_id"].isin(list(libraries)) & accounts["platform"].isin(list(platforms))
    return accounts[mask].reset_index(drop=True)


def _local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


def load_window(
    store: Store, tz: str, accounts: pd.DataFrame, start: dt.date, end: dt.date
) -> Window:
    """Read the window's rows (and nothing more) and compute the per-post metrics."""
    ids = [int(i) for i in accounts["id"]]
    if not ids:
        empty_posts = store.posts(_local_midnight(end, tz), _local_midnight(end, tz), [])
        empty_posts = empty_posts.assign(library_id=[], handle=[])
        return Window(
            start,
            end,
            accounts,
            store.account_daily(end, start, []),
            enrich_posts(empty_posts, store.account_daily(end, start, []), tz),
        )
    daily = store.account_daily(start, end, ids, with_previous=True)
    posts = store.posts(
        _local_midnight(start, tz), _local_midnight(end + dt.timedelta(days=1), tz), ids
    )
    info = accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"})
    posts = posts.merge(info, on="account_id", how="left")
    return Window(start, end, accounts, daily, enrich_posts(posts, daily, tz))


def window_loader(store: Store, tz: str, accounts: pd.DataFrame) -> Loader:
    """A loader of windows for these accounts, without caching (the dashboard caches)."""
    return lambda start, end: load_window(store, tz, accounts, start, end)


# -- pages ----------------------------------------------------------------------------


def overview(load: Loader, period: Period) -> pd.DataFrame:
    """KPIs per library and platform (and combined), now and in the previous period."""
    previous = period.previous()
    win = load(previous.start, period.end)
    return compare_periods(
        kpis(win.posts, win.daily, win.accounts, period),
        kpis(win.posts, win.daily, win.accounts, previous),
    )


@dataclass(frozen=True)
class CompareData:
    audience: pd.DataFrame
    weekly: pd.DataFrame
    content: pd.DataFrame
    best_time: pd.DataFrame


def compare(load: Loader, period: Period) -> CompareData:
    win = load(period.start, period.end)
    return CompareData(
        audience_series(win.daily, win.accounts, period),
        weekly(win.posts, period),
        content_mix(win.posts, period),
        best_time(win.posts, period),
    )


@dataclass(frozen=True)
class CampaignData:
    campaign: Campaign
    summary: pd.DataFrame  # per library and combined
    lift: pd.DataFrame  # per account, library and combined
    posts: pd.DataFrame  # the campaign's posts


def campaign_window(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The days a campaign's figures need: the campaign, and before it the 90-day baseline
    or the window of equal length, whichever is longer."""
    before = max(camp.BASELINE_DAYS, (campaign.end - campaign.start).days + 1)
    return campaign.start - dt.timedelta(days=before), campaign.end


def campaign_data(load: Loader, campaign: Campaign, handles: dict[str, set[str]]) -> CampaignData:
    start, end = campaign_window(campaign)
    win = load(start, end)
    attributed = camp.attribute(win.posts, [campaign], handles)
    return CampaignData(
        campaign,
        camp.summary(win.posts, attributed, win.daily, win.accounts, [campaign]),
        camp.lift(win.posts, attributed, campaign),
        camp.campaign_posts(win.posts, attributed, campaign.id),
    )


def cross_promotion(load: Loader, period: Period, handles: dict[str, set[str]]) -> pd.DataFrame:
    win = load(period.start, period.end)
    return camp.cross_promotion(in_period(win.posts, period), handles)


def period_posts(load: Loader, period: Period) -> pd.DataFrame:
    win = load(period.start, period.end)
    return in_period(win.posts, period)


def health(
    store: Store, accounts: pd.DataFrame, items: pd.DataFrame, now: dt.datetime
) -> pd.DataFrame:
    """Freshness and last result of each account (see ``collectors.status``)."""
    last = store.last_captures()
    daily = last.assign(day=None)[["account_id", "captured_at"]]
    return account_health(accounts, daily, items, now)


def prepare(store: Store, config: Config, page: str, start: dt.date, end: dt.date) -> object:
    """A page's whole data preparation for [start, end], uncached (the benchmark's measure)."""
    accounts = shown_accounts(store.accounts())
    load = window_loader(store, config.timezone, accounts)
    period = Period(start, end)
    handles = camp.library_handles(accounts)
    if page == "overview":
        return overview(load, period)
    if page == "compare":
        return compare(load, period)
    if page == "campaigns":
        shown = [c for c in config.campaigns if c.start <= end and c.end >= start]
        return [campaign_data(load, c, handles) for c in shown], cross_promotion(
            load, period, handles
        )
    if page == "posts":
        posts = period_posts(load, period)
        return posts, camp.hashtag_performance(posts), camp.top_posts(posts, "engagements")
    if page == "data":
        runs = store.runs(20)
        items = store.run_items([int(r) for r in runs["run_id"]])
        return health(store, accounts, items, dt.datetime.now(dt.UTC)), period_posts(load, period)
    raise ValueError(f"unknown page {page!r}")

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
from dashboard import owner as own
from dashboard.metrics import (
    ALL,
    Period,
    audience,
    audience_series,
    best_time,
    best_time_from,
    compare_periods,
    content_mix,
    content_mix_from,
    enrich_posts,
    in_period,
    kpis,
    kpis_from,
    weekly,
    weekly_from,
    with_others,
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


# Which columns of posts a window reads: the metrics' own, plus the lists of hashtags and
# accounts named (cross-promotion), or everything (texts and links too).
_METRICS = ["platform", "post_id", "account_id", "published_at", "kind", "likes", "comments",
            "views", "plays", "is_pinned"]  # fmt: skip
POST_COLUMNS: dict[str, list[str] | None] = {
    "metrics": _METRICS,
    "lists": [*_METRICS, "hashtags", "mentions", "tagged", "coauthors"],
    "all": [
        *_METRICS,
        "hashtags",
        "mentions",
        "tagged",
        "coauthors",
        "title",
        "caption",
        "url",
        "thumbnail_url",
        "duration_s",
        "gone_at",
    ],  # fmt: skip
}

POST_COLUMNS["history"] = POST_COLUMNS["all"]  # with every daily column too

Loader = Callable[..., Window]  # (start, end, detail="metrics") -> Window
LIST_LIMIT = 200  # posts a list shows at most (the search narrows; the Data page has all)


def _captured(
    accounts: pd.DataFrame, captures: pd.DataFrame | None, with_data: pd.DataFrame | None = None
) -> pd.Series:
    """Which accounts have data: a capture (``captures``: ``Store.last_captures()``), or
    posts or figures (``with_data``: ``Store.accounts_with_data()``, e.g. from an imported
    file, which writes no capture); without ``captures`` every account counts."""
    if captures is None:
        return pd.Series(True, index=accounts.index)
    ids = set(captures["account_id"].dropna().astype("int64"))
    if with_data is not None:
        ids |= set(with_data["account_id"].dropna().astype("int64"))
    return accounts["id"].isin(ids)


def shown_accounts(
    accounts: pd.DataFrame,
    captures: pd.DataFrame | None = None,
    with_data: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The real accounts that have data, once any has; until then the demo accounts.

    Real data is never mixed with demo data: real data, refreshed or imported, replaces the
    demo as soon as any exists, while a refresh that captured nothing (no key, no network)
    does not replace the demo with empty pages. ``captures`` is ``Store.last_captures()``
    and ``with_data`` ``Store.accounts_with_data()`` (an account with imported posts or
    figures counts as captured); without ``captures`` any real account counts (the rule
    before a capture was required)."""
    real = accounts[~accounts["is_demo"].astype(bool) & _captured(accounts, captures, with_data)]
    demo = accounts[accounts["is_demo"].astype(bool)]
    return (real if len(real) else demo).reset_index(drop=True)


def pending_accounts(
    accounts: pd.DataFrame, captures: pd.DataFrame, with_data: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Real accounts without any data yet (a refresh tried them and failed, or has not
    reached them; a connection was made but nothing collected): listed on the Data page,
    never on the figure pages."""
    real = accounts[~accounts["is_demo"].astype(bool) & ~_captured(accounts, captures, with_data)]
    return real.reset_index(drop=True)


def partner_handles(accounts: pd.DataFrame, config: Config) -> dict[str, set[str]]:
    """Handles of each library: its stored accounts and its configured ones (they count as
    the library's even before any capture)."""
    configured = {lib.id: [h for _, h in lib.accounts()] for lib in config.libraries}
    return camp.library_handles(accounts, configured)


def choose(
    accounts: pd.DataFrame, libraries: Sequence[str], platforms: Sequence[str]
) -> pd.DataFrame:
    """The accounts of the chosen libraries and platforms."""
    mask = accounts["library_id"].isin(list(libraries)) & accounts["platform"].isin(list(platforms))
    return accounts[mask].reset_index(drop=True)


def _local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


def load_window(
    store: Store,
    tz: str,
    accounts: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    detail: str = "metrics",
) -> Window:
    """Read the window's rows (and nothing more) and compute the per-post metrics; posts
    carry the columns of ``detail`` (see :data:`POST_COLUMNS`); daily rows carry the
    followers only, unless ``detail`` is "history" (every column, for downloads)."""
    columns = POST_COLUMNS[detail]
    daily_columns = None if detail == "history" else ["followers"]
    ids = [int(i) for i in accounts["id"]]
    if not ids:
        empty_posts = store.posts(_local_midnight(end, tz), _local_midnight(end, tz), [], columns)
        empty_posts = empty_posts.assign(library_id=[], handle=[])
        empty_daily = store.account_daily(end, start, [], columns=daily_columns)
        return Window(start, end, accounts, empty_daily, enrich_posts(empty_posts, empty_daily, tz))
    daily = store.account_daily(start, end, ids, with_previous=True, columns=daily_columns)
    posts = store.posts(
        _local_midnight(start, tz),
        _local_midnight(end + dt.timedelta(days=1), tz),
        ids,
        columns,
        followers_tz=tz,
    )
    info = accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"})
    posts = posts.merge(info, on="account_id", how="left")
    return Window(start, end, accounts, daily, enrich_posts(posts, daily, tz))


def window_loader(store: Store, tz: str, accounts: pd.DataFrame) -> Loader:
    """A loader of windows for these accounts, without caching (the dashboard caches)."""
    return lambda start, end, detail="metrics": load_window(store, tz, accounts, start, end, detail)


# -- pages ----------------------------------------------------------------------------


def overview(load: Loader, period: Period) -> pd.DataFrame:
    """KPIs per library and platform (and combined), now and in the previous period."""
    previous = period.previous()
    win = load(previous.start, period.end)
    return compare_periods(
        kpis(win.posts, win.daily, win.accounts, period),
        kpis(win.posts, win.daily, win.accounts, previous),
    )


def period_kpis(store: Store, tz: str, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """:func:`metrics.kpis` of ``period``, from what the database sums and the daily rows
    the audience rests on (no post is read)."""
    ids = [int(i) for i in accounts["id"]] or [-1]
    sums = store.post_sums(ids, period.start, period.end, tz)
    rows = store.audience_rows(ids, period.start, period.end)
    return kpis_from(sums, audience(rows, accounts, period), accounts)


def overview_figures(store: Store, tz: str, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The Overview's KPIs per library and platform, now and in the previous period (as
    :func:`overview`, without reading the posts)."""
    now = period_kpis(store, tz, accounts, period)
    return compare_periods(now, period_kpis(store, tz, accounts, period.previous()))


@dataclass(frozen=True)
class CompareData:
    audience: pd.DataFrame
    weekly: pd.DataFrame  # per library and platform (never added up across platforms)
    content: pd.DataFrame
    best_time: pd.DataFrame  # per library and platform
    others: int = 0  # libraries drawn together as metrics.OTHERS (0: every one by itself)


#: Periods longer than this draw the audience as one point a week.
DAILY_AUDIENCE_DAYS = 120


@dataclass(frozen=True)
class CompareSums:
    """What the database sums for the Compare page, per account: its audience series and
    its posts' sums per week, per kind and per weekday and hour."""

    audience: pd.DataFrame
    by_week: pd.DataFrame
    by_kind: pd.DataFrame
    slots: pd.DataFrame

    def of(self, account_ids: Sequence[int]) -> CompareSums:
        """These sums for some of the accounts (a library or platform less: no new query)."""
        wanted = set(account_ids)
        return CompareSums(
            *(
                frame[frame["account_id"].isin(wanted)]
                for frame in (self.audience, self.by_week, self.by_kind, self.slots)
            )
        )


def compare_sums(store: Store, tz: str, account_ids: Sequence[int], period: Period) -> CompareSums:
    """The sums behind the Compare page (see :func:`compare_figures`), per account."""
    ids = [int(i) for i in account_ids] or [-1]
    start, end = period.start, period.end
    weekly_audience = period.days > DAILY_AUDIENCE_DAYS
    series = store.audience_series(ids, start, end, tz, weekly=weekly_audience)
    # One statement: each post's facts made once, summed three ways.
    by_week, by_kind, slots = store.post_sums_by(
        ids, start, end, tz, [("week",), ("kind",), ("weekday", "hour")]
    )
    return CompareSums(series, by_week, by_kind, slots)


def compare_figures(
    store: Store,
    tz: str,
    accounts: pd.DataFrame,
    period: Period,
    combined_best_time: bool,
    sums: CompareSums | None = None,
) -> CompareData:
    """The Compare page's figures (as :func:`compare`) from what the database sums
    (``sums``, when given, may hold more accounts than ``accounts``); beyond
    ``metrics.MAX_SERIES`` libraries the charts' series keep the largest libraries and
    draw the others as their average (``metrics.with_others``)."""
    ids = [int(i) for i in accounts["id"]]
    sums = (sums or compare_sums(store, tz, ids, period)).of(ids)
    info = accounts[["id", "library_id", "platform", "handle"]].rename(columns={"id": "account_id"})
    series = sums.audience.merge(info, on="account_id")
    # One line per library and platform (a library's accounts on a platform summed).
    audience = series.groupby(["library_id", "platform", "day"], as_index=False).agg(
        followers=("followers", "sum"), handle=("handle", "first")
    )
    weeks = weekly_from(sums.by_week, accounts, period)
    content = content_mix_from(sums.by_kind, accounts)
    best = best_time_from(
        sums.slots, accounts.assign(library_id=ALL) if combined_best_time else accounts
    )
    audience, n1 = with_others(audience, ["platform", "day"], "followers")
    weeks, n2 = with_others(weeks, ["platform", "week"], "engagements")
    content, n3 = with_others(content, ["platform", "kind"], "posts")
    return CompareData(audience, weeks, content, best, max(n1, n2, n3))


def compare(load: Loader, period: Period, combined_best_time: bool = False) -> CompareData:
    """Audience series, weekly figures, content mix and best time to post (per platform:
    YouTube figures are never fused with another platform's); with ``combined_best_time``
    one best-time grid per platform for all the libraries together."""
    win = load(period.start, period.end)
    posts = win.posts.assign(library_id=ALL) if combined_best_time else win.posts
    return CompareData(
        audience_series(win.daily, win.accounts, period),
        weekly(win.posts, period),
        content_mix(win.posts, period),
        best_time(posts, period),
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
    win = load(start, end, detail="all")
    attributed = camp.attribute(win.posts, [campaign], handles)
    lifts = camp.lift(win.posts, attributed, campaign)
    return CampaignData(
        campaign,
        camp.summary(win.posts, attributed, win.daily, win.accounts, [campaign], lifts),
        lifts,
        camp.campaign_posts(win.posts, attributed, campaign.id),
    )


def named_cross_promotion(
    store: Store, tz: str, accounts: pd.DataFrame, period: Period, handles: dict[str, set[str]]
) -> pd.DataFrame:
    """:func:`cross_promotion` reading only the period's posts that name an account
    (mention, tag or co-author), which are the only ones that can promote a partner."""
    ids = [int(i) for i in accounts["id"]] or [-1]
    posts = store.posts(
        _local_midnight(period.start, tz),
        _local_midnight(period.end + dt.timedelta(days=1), tz),
        ids,
        POST_COLUMNS["lists"],
        naming=True,
    )
    info = accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"})
    posts = posts.merge(info, on="account_id", how="left")
    posts = enrich_posts(posts, pd.DataFrame(columns=["account_id", "day", "followers"]), tz)
    return camp.cross_promotion(in_period(posts, period), handles)


def cross_promotion(load: Loader, period: Period, handles: dict[str, set[str]]) -> pd.DataFrame:
    win = load(period.start, period.end, detail="lists")
    return camp.cross_promotion(in_period(win.posts, period), handles)


def post_list(
    store: Store,
    tz: str,
    accounts: pd.DataFrame,
    period: Period,
    words: Sequence[str] = (),
    kinds: Sequence[str] | None = None,
    order: str = "newest",
    limit: int | None = LIST_LIMIT,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """The period's posts that a search finds, the first ``limit`` in ``order`` (see
    ``Store.post_list``), enriched like a window's posts; and how many it finds on each
    platform."""
    ids = [int(i) for i in accounts["id"]]
    if not ids:
        ids = [-1]  # no account: nothing found
    rows, counts = store.post_list(
        ids, period.start, period.end, tz, words=words, kinds=kinds, order=order, limit=limit
    )
    info = accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"})
    rows = rows.merge(info, on="account_id", how="left")
    return enrich_posts(rows, pd.DataFrame(columns=["account_id", "day", "followers"]), tz), counts


def has_data(load: Loader, period: Period) -> bool:
    """Whether any chosen account was captured, or published a post, in the period."""
    win = load(period.start, period.end)
    captured = bool(((win.daily["day"] >= period.start) & (win.daily["day"] <= period.end)).any())
    return captured or not in_period(win.posts, period).empty


def period_posts(load: Loader, period: Period) -> pd.DataFrame:
    win = load(period.start, period.end, detail="all")
    return in_period(win.posts, period)


# Readers of owner-level figures (the dashboard caches them): (start, end) -> the chosen
# accounts' daily figures; posts -> their latest post figures.
FigureReader = Callable[[dt.date, dt.date], pd.DataFrame]
PostFigureReader = Callable[[pd.DataFrame], pd.DataFrame]

#: The daily owner figures the Compare page draws, per platform.
OWNER_SERIES = {"instagram": ("reach", "views"), "youtube": ("views", "estimatedMinutesWatched")}


@dataclass(frozen=True)
class OwnerOverview:
    figures: pd.DataFrame  # owner.period_figures, with value_prev and change
    reach: pd.DataFrame  # owner.reach_summary, with <column>_prev of the previous period


def owner_overview(
    load: Loader, figures_of: FigureReader, post_figures_of: PostFigureReader, period: Period
) -> OwnerOverview:
    """The connected accounts' owner-level figures of the period and of the one before it:
    daily account figures per library and platform, and the posts' reach, saves, shares
    and ER by reach (see dashboard/owner.py)."""
    previous = period.previous()
    win = load(previous.start, period.end)
    metrics = figures_of(previous.start, period.end)
    figures = own.with_previous(
        own.period_figures(metrics, win.accounts, period),
        own.period_figures(metrics, win.accounts, previous),
    )
    posts = win.posts[(win.posts["local_day"] >= previous.start)]
    posts = own.post_figures(posts, post_figures_of(posts))
    now, before = own.reach_summary(posts, period), own.reach_summary(posts, previous)
    keys = ["library_id", "platform"]
    reach = now.merge(before.drop(columns="sources"), on=keys, how="left", suffixes=("", "_prev"))
    return OwnerOverview(figures, reach)


def owner_series(load: Loader, figures_of: FigureReader, period: Period) -> pd.DataFrame:
    """The connected accounts' daily owner figures of :data:`OWNER_SERIES` in the period."""
    win = load(period.start, period.end)
    names = sorted({m for ms in OWNER_SERIES.values() for m in ms})
    return own.daily_series(figures_of(period.start, period.end), win.accounts, period, names)


def owned_posts(load: Loader, post_figures_of: PostFigureReader, period: Period) -> pd.DataFrame:
    """The period's posts with their owner-level figures (reach, saves, shares, ER by
    reach; missing for posts of accounts that are not connected)."""
    posts = period_posts(load, period)
    return own.post_figures(posts, post_figures_of(posts))


def health(
    store: Store, accounts: pd.DataFrame, items: pd.DataFrame, now: dt.datetime
) -> pd.DataFrame:
    """Freshness and last result of each account (see ``collectors.status``)."""
    # account_health takes the newest capture per account from whatever rows it gets:
    # one row per account is enough.
    return account_health(accounts, store.last_captures(), items, now)

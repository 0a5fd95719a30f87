"""Metric definitions of DESIGN.md as pure functions: DataFrames in, DataFrames out.

Each docstring states its formula; the dashboard's help texts repeat them. No I/O here.
A metric the platform hides stays missing (NA); it is never counted as 0.

Inputs use the store's column names. ``posts`` needs account_id, library_id, platform,
published_at (UTC), kind, likes, comments, views; ``daily`` needs account_id, day, followers.
Periods are local calendar days [start, end], both inclusive, in time zone ``tz``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

ALL = "all"


@dataclass(frozen=True)
class Period:
    """Local calendar days [start, end], both inclusive."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))


def local_day(published_at: pd.Series, tz: str) -> pd.Series:
    """The calendar day in ``tz`` of each UTC timestamp."""
    if published_at.empty:
        return pd.Series([], dtype=object, index=published_at.index)
    return published_at.dt.tz_convert(tz).dt.date


def engagements(posts: pd.DataFrame) -> pd.Series:
    """engagements = likes + comments.

    Unknown (NA) when the like count is hidden. Comments turned off count as 0 comments,
    since nobody can comment; the stored comment count itself stays NA.
    """
    likes = posts["likes"].astype("Float64")
    comments = posts["comments"].astype("Float64").fillna(0)
    return (likes + comments).astype("Float64")


def followers_at_post(posts: pd.DataFrame, daily: pd.DataFrame, tz: str) -> pd.Series:
    """The account's followers on the day of posting (local day): the nearest earlier
    ``account_daily`` row, else the nearest later one; NA when the account has none."""
    result = pd.Series(pd.NA, index=posts.index, dtype="Float64")
    if posts.empty or daily.empty:
        return result
    known = daily.dropna(subset=["followers"])
    left = pd.DataFrame(
        {
            "_row": posts.index,
            "account_id": posts["account_id"].astype("int64").to_numpy(),
            "_day": pd.to_datetime(local_day(posts["published_at"], tz)).to_numpy(),
        }
    ).sort_values("_day")
    right = pd.DataFrame(
        {
            "account_id": known["account_id"].astype("int64").to_numpy(),
            "_day": pd.to_datetime(known["day"]).to_numpy(),
            "followers": known["followers"].astype("float64").to_numpy(),
        }
    ).sort_values("_day")
    back = pd.merge_asof(left, right, on="_day", by="account_id", direction="backward")
    fwd = pd.merge_asof(left, right, on="_day", by="account_id", direction="forward")
    merged = back.set_index("_row")["followers"].fillna(fwd.set_index("_row")["followers"])
    result.loc[merged.index] = merged.to_numpy()
    return result


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float) -> pd.Series:
    den = denominator.astype("Float64")
    den = den.mask(den <= 0)
    return (numerator.astype("Float64") / den * scale).astype("Float64")


def enrich_posts(posts: pd.DataFrame, daily: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Posts with per-post metrics added:

    - engagements = likes + comments (see :func:`engagements`)
    - followers_at_post (see :func:`followers_at_post`), the post's potential reach
    - er_followers = engagements ÷ followers_at_post × 100 (NA when followers is 0 or unknown)
    - per_1k = engagements ÷ followers_at_post × 1000 (engagements per 1,000 followers)
    - er_views = engagements ÷ views × 100 (videos; NA without a view count)
    - local_time: published_at in ``tz``
    """
    out = posts.copy()
    out["engagements"] = engagements(out)
    if "followers_at_post" not in out:  # the store may have looked them up already
        out["followers_at_post"] = followers_at_post(out, daily, tz)
    out["er_followers"] = _ratio(out["engagements"], out["followers_at_post"], 100)
    out["per_1k"] = _ratio(out["engagements"], out["followers_at_post"], 1000)
    out["er_views"] = _ratio(out["engagements"], out["views"], 100)
    out["local_time"] = out["published_at"].dt.tz_convert(tz) if len(out) else out["published_at"]
    out["local_day"] = local_day(out["published_at"], tz)
    return out


def in_period(posts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Posts whose local publication day lies in ``period`` (needs ``local_day``)."""
    mask = (posts["local_day"] >= period.start) & (posts["local_day"] <= period.end)
    return posts[mask]


def audience(daily: pd.DataFrame, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Audience per account: followers (Instagram) or subscribers (YouTube).

    - audience = followers on the last captured day ≤ period end
    - audience_start = followers on the last captured day before the period, else the first
      captured day in the period
    - growth = audience − audience_start; growth_pct = growth ÷ audience_start × 100
    """
    known = daily.dropna(subset=["followers"]).sort_values(["account_id", "day"], kind="stable")
    upto = known[known["day"] <= period.end]
    end_rows = upto.groupby("account_id").tail(1).set_index("account_id")["followers"]
    before = upto[upto["day"] < period.start].groupby("account_id").tail(1)
    first_in = upto[upto["day"] >= period.start].groupby("account_id").head(1)
    start_rows = first_in.set_index("account_id")["followers"]
    start_rows.update(before.set_index("account_id")["followers"])
    frame = pd.DataFrame(
        {
            "account_id": end_rows.index.astype("int64"),
            "audience": end_rows.astype("float64").to_numpy(),
        }
    )
    frame["audience_start"] = (
        frame["account_id"].map(start_rows.astype("float64")).astype("float64").to_numpy()
    )
    frame = frame.merge(
        accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"}),
        on="account_id",
    )
    frame["growth"] = frame["audience"] - frame["audience_start"]
    frame["growth_pct"] = _pct(frame["growth"], frame["audience_start"])
    return frame


def _pct(change: pd.Series, base: pd.Series) -> pd.Series:
    base = base.astype("float64")
    return change.astype("float64") / base.where(base > 0) * 100


#: Sums of the posts of a group, the one input of the period figures below: posts;
#: engagements known and their sum; ER by followers known, its sum and the sum of
#: engagements per 1,000 followers; views known and their sum. The store computes the same
#: in the database (``Store.post_sums``) so that pages need not read every post.
SUM_COLUMNS = ["posts", "eng_n", "eng_sum", "er_n", "er_sum", "k_sum", "views_n", "views_sum"]


def post_sums(
    posts: pd.DataFrame, period: Period | None = None, by: Sequence[str] = ()
) -> pd.DataFrame:
    """:data:`SUM_COLUMNS` of enriched ``posts`` (of ``period`` when given) per account and
    the groups ``by``: kind, day (local), week (its Monday, :func:`week_start`), weekday
    (0 = Monday), hour (local), hashtag (a post counts once under each of its hashtags)."""
    current = in_period(posts, period) if period is not None else posts

    def floats(column: str) -> np.ndarray:  # a figure a frame lacks is unknown
        if column not in current:
            return np.full(len(current), np.nan)
        return current[column].astype("float64").to_numpy()

    frame = pd.DataFrame(
        {
            "account_id": current["account_id"].astype("int64").to_numpy(),
            "eng": floats("engagements"),
            "er": floats("er_followers"),
            "k": floats("per_1k"),
            "views": floats("views"),
        }
    )
    for group in by:
        if group == "kind":
            frame["kind"] = current["kind"].to_numpy()
        elif group == "day":
            frame["day"] = current["local_day"].to_numpy()
        elif group == "week":
            frame["week"] = week_start(current["local_day"]).to_numpy()
        elif group == "weekday":
            frame["weekday"] = current["local_time"].dt.day_of_week.to_numpy()
        elif group == "hour":
            frame["hour"] = current["local_time"].dt.hour.to_numpy()
        elif group == "hashtag":
            frame["hashtag"] = current["hashtags"].to_numpy()
            frame = frame.explode("hashtag").dropna(subset=["hashtag"])
        else:
            raise ValueError(f"unknown group {group!r}")
    keys = ["account_id", *by]
    if frame.empty:
        return pd.DataFrame(columns=[*keys, *SUM_COLUMNS])
    out = frame.groupby(keys, as_index=False).agg(
        posts=("eng", "size"),
        eng_n=("eng", "count"),
        eng_sum=("eng", lambda v: v.sum(min_count=1)),
        er_n=("er", "count"),
        er_sum=("er", lambda v: v.sum(min_count=1)),
        k_sum=("k", lambda v: v.sum(min_count=1)),
        views_n=("views", "count"),
        views_sum=("views", lambda v: v.sum(min_count=1)),
    )
    return out[[*keys, *SUM_COLUMNS]]


def resum(sums: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """:func:`post_sums` of coarser groups (per account and ``by``) from finer ones: one
    pass over the posts can serve several groupings."""
    keys = ["account_id", *by]
    if sums.empty:
        return pd.DataFrame(columns=[*keys, *SUM_COLUMNS])
    out = sums.groupby(keys, as_index=False)[SUM_COLUMNS].sum(min_count=1)
    for col in ("posts", "eng_n", "er_n", "views_n"):
        out[col] = out[col].fillna(0).astype("int64")
    return out[[*keys, *SUM_COLUMNS]]


def by_library(
    sums: pd.DataFrame, accounts: pd.DataFrame, keys: Sequence[str] = ()
) -> pd.DataFrame:
    """Sums per library, platform and ``keys`` (from per-account sums and the accounts'
    library_id and platform), with the figures they give: engagements (sum of the known;
    0 without posts), mean_engagements, mean_er, mean_per_1k (means of the posts' values
    that are known) and views (sum of the known; NA when none is known)."""
    info = accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"})
    merged = sums.merge(info, on="account_id")
    group = ["library_id", "platform", *keys]
    columns = [*group, *SUM_COLUMNS, "engagements", "mean_engagements", "mean_er",
               "mean_per_1k", "views"]  # fmt: skip
    if merged.empty:
        return pd.DataFrame(columns=columns)
    out = merged.groupby(group, as_index=False)[SUM_COLUMNS].sum(min_count=1)
    for col in ("posts", "eng_n", "er_n", "views_n"):
        out[col] = out[col].fillna(0).astype("int64")
    eng_n = out["eng_n"].where(out["eng_n"] > 0)
    er_n = out["er_n"].where(out["er_n"] > 0)
    out["engagements"] = out["eng_sum"].fillna(0.0)
    out["mean_engagements"] = out["eng_sum"] / eng_n
    out["mean_er"] = out["er_sum"] / er_n
    out["mean_per_1k"] = out["k_sum"] / er_n
    out["views"] = out["views_sum"].where(out["views_n"] > 0)
    return out[columns]


KPI_COLUMNS = [
    "library_id",
    "platform",
    "audience",
    "audience_start",
    "growth",
    "growth_pct",
    "posts",
    "engagements",
    "mean_er",
    "mean_per_1k",
    "views",
]


def kpis(
    posts: pd.DataFrame, daily: pd.DataFrame, accounts: pd.DataFrame, period: Period
) -> pd.DataFrame:
    """Per library and platform for ``period`` (see :func:`kpis_from`); ``posts`` must come
    from :func:`enrich_posts`."""
    return kpis_from(post_sums(posts, period), audience(daily, accounts, period), accounts)


def kpis_from(sums: pd.DataFrame, aud: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Per library and platform — never one figure for several platforms together:
    YouTube's developer policies forbid fusing YouTube data with another platform's into
    one metric, so a library's "combined" view shows these parts side by side.

    - audience, audience_start, growth, growth_pct: see :func:`audience` (``aud``); the sum
      over the library's accounts on that platform
    - posts = number of posts published in the period
    - engagements = sum of the posts' engagements (posts with hidden likes left out)
    - mean_er = mean of the posts' ER by followers (%); mean_per_1k likewise per 1,000
    - views = sum of the posts' views where the platform gives them (NA if none does)

    ``sums`` are the period's :func:`post_sums` per account (or ``Store.post_sums``).
    """
    keys = ["library_id", "platform"]
    index = pd.MultiIndex.from_frame(accounts[keys].drop_duplicates())
    a = aud.groupby(keys).agg(
        audience=("audience", "sum"), audience_start=("audience_start", _sum_known)
    )
    p = by_library(sums, accounts).set_index(keys)[["posts", "engagements", "mean_er",
                                                   "mean_per_1k", "views"]]  # fmt: skip
    frame = a.join(p, how="outer").reindex(index)
    frame["posts"] = frame["posts"].fillna(0).astype("int64")
    frame["engagements"] = frame["engagements"].astype("float64").fillna(0.0)
    for col in ("mean_er", "mean_per_1k", "views", "audience", "audience_start"):
        frame[col] = frame[col].astype("float64")
    frame = frame.sort_index().reset_index()
    frame["growth"] = frame["audience"] - frame["audience_start"]
    frame["growth_pct"] = _pct(frame["growth"], frame["audience_start"])
    return frame[KPI_COLUMNS]


def _sum_known(values: pd.Series) -> float:
    """Sum of the known values; NaN when none is known."""
    return values.sum(min_count=1)


def compare_periods(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """KPIs of two periods side by side: ``<kpi>`` (current), ``<kpi>_prev`` and
    ``<kpi>_change`` = current − previous."""
    keys = ["library_id", "platform"]
    merged = current.merge(previous, on=keys, how="left", suffixes=("", "_prev"))
    for col in KPI_COLUMNS:
        if col in keys or col == "audience_start":
            continue
        merged[f"{col}_change"] = merged[col] - merged[f"{col}_prev"]
    return merged


def week_start(days: pd.Series) -> pd.Series:
    """The Monday (local date) that starts the week of each local day: the one week
    definition of every weekly figure and chart."""
    stamps = pd.to_datetime(pd.Series(days, dtype=object))
    return (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.date


def period_weeks(period: Period) -> pd.DataFrame:
    """Every week (Monday start, local days) that overlaps the period: week, days (of the
    week inside the period, 1–7) and partial (days < 7). A partial week's sums are not
    comparable with a full week's."""
    first = period.start - dt.timedelta(days=period.start.weekday())
    weeks = [first + dt.timedelta(days=7 * i) for i in range((period.end - first).days // 7 + 1)]
    days = [
        (min(w + dt.timedelta(days=6), period.end) - max(w, period.start)).days + 1 for w in weeks
    ]
    return pd.DataFrame({"week": weeks, "days": days, "partial": [d < 7 for d in days]})


WEEKLY_COLUMNS = ["library_id", "week", "posts", "engagements", "mean_er", "mean_per_1k",
                  "days", "partial"]  # fmt: skip


def accounts_of(posts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Enriched posts with an account_id (posts without one, such as a library's posts
    taken together, get one per library and platform), and the accounts (id, library_id,
    platform) they name."""
    if "account_id" not in posts:
        pairs = posts["library_id"].astype(str) + "\x00" + posts["platform"].astype(str)
        posts = posts.assign(account_id=pd.factorize(pairs)[0])
    accounts = (
        posts[["account_id", "library_id", "platform"]]
        .drop_duplicates("account_id")
        .rename(columns={"account_id": "id"})
    )
    return posts, accounts


def weekly(posts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """:func:`weekly_from` the posts of the period."""
    posts, accounts = accounts_of(posts)
    return weekly_from(post_sums(posts, period, ["week"]), accounts, period)


def weekly_from(sums: pd.DataFrame, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per library, platform and local week (weeks start on Monday, see :func:`week_start`),
    for every week that overlaps the period: posts, engagements (sum; 0 in a week without
    posts), mean ER by followers and mean engagements per 1,000 followers (NA without
    posts), and how many of the week's days lie in the period (``days``, ``partial`` when
    fewer than 7). Platforms are never added up (YouTube API policy). ``sums``: the
    period's :func:`post_sums` per account and week."""
    keys = ["library_id", "platform"]
    cols = [*keys, *WEEKLY_COLUMNS[1:]]
    out = by_library(sums, accounts, ["week"])
    if out.empty:
        return pd.DataFrame(columns=cols)
    # Every week of the period for every library seen: a week without posts is a 0, not a gap.
    grid = out[keys].drop_duplicates().merge(period_weeks(period), how="cross")
    out = grid.merge(out, on=[*keys, "week"], how="left")
    out["posts"] = out["posts"].fillna(0).astype("int64")
    out["engagements"] = out["engagements"].astype("Float64").fillna(0)
    for col in ("mean_er", "mean_per_1k"):
        out[col] = out[col].astype("float64")
    return out.sort_values([*keys, "week"]).reset_index(drop=True)[cols]


def content_mix(posts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """:func:`content_mix_from` the posts of the period."""
    posts, accounts = accounts_of(posts)
    return content_mix_from(post_sums(posts, period, ["kind"]), accounts)


def content_mix_from(sums: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Per library, platform and kind: posts, share of the library's posts on that
    platform (%), mean engagements and mean ER by followers. ``sums``: :func:`post_sums`
    per account and kind."""
    cols = ["library_id", "platform", "kind", "posts", "share", "mean_engagements", "mean_er"]
    out = by_library(sums, accounts, ["kind"])
    if out.empty:
        return pd.DataFrame(columns=cols)
    totals = out.groupby(["library_id", "platform"])["posts"].transform("sum")
    out["share"] = out["posts"] / totals * 100
    return out[cols].reset_index(drop=True)


OTHERS = "others"  # the libraries a chart does not draw one by one, as their average
MAX_SERIES = 8  # libraries a chart draws one by one at most (the eighth is "the others")


def with_others(
    frame: pd.DataFrame, by: Sequence[str], rank: str, n: int = MAX_SERIES - 1
) -> tuple[pd.DataFrame, int]:
    """``frame`` (rows per library_id and ``by``) with at most ``n`` libraries — those with
    the largest total ``rank`` — and the others replaced by one library :data:`OTHERS`:
    per ``by``, the mean of the other libraries' values (a number per library, so that it
    reads like one); and how many libraries it stands for (0: none was replaced). A chart
    of fifty libraries draws eight lines, not a hundred."""
    libraries = frame["library_id"].drop_duplicates()
    if len(libraries) <= n + 1:
        return frame, 0
    ranked = frame.groupby("library_id")[rank].sum(min_count=1).astype("float64")
    top = ranked.fillna(-np.inf).sort_values(ascending=False, kind="stable").index[:n]
    kept = frame[frame["library_id"].isin(top)]
    rest = frame[~frame["library_id"].isin(top)]
    numeric = [
        c for c in frame.columns
        if c not in (*by, "library_id") and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    ]  # fmt: skip
    others = rest.groupby(list(by), as_index=False, dropna=False)[numeric].mean()
    # Texts and flags (a week's "partial"): the same for every library of a row.
    extra = [c for c in frame.columns if c not in others and c != "library_id"]
    if extra:
        first = rest.groupby(list(by), dropna=False)[extra].first().reset_index()
        others = others.merge(first, on=list(by), how="left")
    others["library_id"] = OTHERS
    out = pd.concat([kept, others[frame.columns]], ignore_index=True)
    return out, int(rest["library_id"].nunique())


BEST_TIME_MIN_POSTS = 3  # a weekday-and-hour cell with fewer posts with a known ER shows none


def best_time(
    posts: pd.DataFrame, period: Period, min_posts: int = BEST_TIME_MIN_POSTS
) -> pd.DataFrame:
    """:func:`best_time_from` the posts of the period."""
    posts, accounts = accounts_of(posts)
    return best_time_from(post_sums(posts, period, ["weekday", "hour"]), accounts, min_posts)


def best_time_from(
    sums: pd.DataFrame, accounts: pd.DataFrame, min_posts: int = BEST_TIME_MIN_POSTS
) -> pd.DataFrame:
    """Per library, platform, local weekday (0 = Monday) and hour (platforms never mixed):
    ``posts`` (all the cell's posts), ``posts_er`` (those with a known ER by followers: a
    post with hidden likes, or without a follower count, has none) and ``mean_er`` (the
    mean of those ERs); ``reliable`` when ``posts_er`` ≥ ``min_posts`` (one post's ER says
    little about a time slot) — the same rule as the digest's best slots.
    Use it as a heatmap of when posts have done best. ``sums``: :func:`post_sums` per
    account, weekday and hour."""
    keys = ["library_id", "platform"]
    cols = [*keys, "weekday", "hour", "posts", "posts_er", "mean_er", "reliable"]
    out = by_library(sums, accounts, ["weekday", "hour"])
    if out.empty:
        return pd.DataFrame(columns=cols)
    out = out.rename(columns={"er_n": "posts_er"})
    out["reliable"] = out["posts_er"] >= min_posts
    return out[cols].reset_index(drop=True)


def audience_series(daily: pd.DataFrame, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Daily audience of each account within the period (library_id, platform, day,
    followers), for the growth chart."""
    mask = (daily["day"] >= period.start) & (daily["day"] <= period.end)
    frame = daily.loc[mask, ["account_id", "day", "followers"]].dropna(subset=["followers"])
    return frame.merge(
        accounts[["id", "library_id", "platform", "handle"]].rename(columns={"id": "account_id"}),
        on="account_id",
    )

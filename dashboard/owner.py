"""Owner-level figures of connected accounts (official APIs, export files) as the dashboard
shows them: a period's figures per library and platform, each post's reach and ER by
reach, daily series, how each account is collected and how late its insights are.

Pure functions, DataFrames in and out; each docstring states its formula. No I/O, no
Streamlit. A figure nobody gave stays missing (NA), never 0; YouTube figures are never
added to another platform's (every result is per platform).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from collectors.catalog import REDEFINITIONS
from dashboard.metrics import Period, in_period

#: Sources of owner-level figures, in order of preference for the same account, day (or
#: post) and metric: the official API's own figures before an export file's.
SOURCE_RANK = {"owner_insights": 0, "file_import": 1}

#: The period figures of each platform: (figure, stored metric, how the days combine).
#: "sum": the days' values added (views, follows: counts that add up); "mean_day": the
#: mean over the days of the day's value (reach: the same person reached on two days counts
#: on both, so a sum would only be an upper bound of the people reached); "per_view":
#: averageViewDuration weighted by each day's views (the mean length of the period's views);
#: "hours": minutes added, in hours.
FIGURES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "instagram": (
        ("reach_day", "reach", "mean_day"),
        ("reach_days_sum", "reach", "sum"),
        ("views", "views", "sum"),
        ("profile_views", "profile_views", "sum"),
        ("follows", "follows", "sum"),
        ("unfollows", "unfollows", "sum"),
    ),
    "youtube": (
        ("views", "views", "sum"),
        ("watch_hours", "estimatedMinutesWatched", "hours"),
        ("avg_view_duration", "averageViewDuration", "per_view"),
        ("subscribers_gained", "subscribersGained", "sum"),
        ("subscribers_lost", "subscribersLost", "sum"),
        ("shares", "shares", "sum"),
    ),
}

#: Post figures read for the posts tables and the reach section.
POST_METRICS = ("reach", "saved", "shares")

#: How late a platform's owner insights normally are, in days after the day they describe:
#: Meta up to 48 hours, YouTube Analytics 48–72 hours (both count Pacific-time days).
EXPECTED_LAG_DAYS = {"instagram": 2, "youtube": 3}

FIGURE_COLUMNS = ["library_id", "platform", "figure", "value", "days", "sources"]


def best_source(frame: pd.DataFrame, keys: Iterable[str]) -> pd.DataFrame:
    """One row per ``keys`` among the owner sources (:data:`SOURCE_RANK`): the official
    API's figure where it has one, else the export file's; other sources are left out."""
    wanted = frame[frame["source"].isin(list(SOURCE_RANK))]
    if wanted.empty:
        return wanted
    ranked = wanted.assign(_rank=wanted["source"].map(SOURCE_RANK))
    sort = ["_rank", "day"] if "day" in ranked and "day" not in keys else ["_rank"]
    ascending = [True, False] if len(sort) == 2 else [True]
    ranked = ranked.sort_values(sort, ascending=ascending, kind="stable")
    return ranked.drop_duplicates(list(keys)).drop(columns="_rank")


def _in_days(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[(frame["day"] >= period.start) & (frame["day"] <= period.end)]


def period_figures(metrics: pd.DataFrame, accounts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per library, platform and figure of :data:`FIGURES`: the period's value from the
    daily owner-level account figures (``Store.account_metrics``), the days with a known
    value, and the sources used. Several accounts of one library on one platform are added
    day by day. Only libraries and platforms with a known value get a row."""
    if metrics.empty or accounts.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    info = accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"})
    days = best_source(_in_days(metrics, period), ["account_id", "day", "metric"])
    days = days.merge(info.astype({"account_id": "Int64"}), on="account_id")
    days = days.assign(value=pd.to_numeric(days["value"], errors="coerce").astype("float64"))
    rows = []
    for (library_id, platform), group in days.groupby(["library_id", "platform"], sort=True):
        for figure, name, how in FIGURES.get(platform, ()):
            mine = group[(group["metric"] == name) & group["value"].notna()]
            if mine.empty:
                continue
            if how == "per_view":
                views = group[group["metric"] == "views"].set_index(["account_id", "day"])
                weights = mine.set_index(["account_id", "day"])["value"].to_frame("avd")
                weights["views"] = views["value"].reindex(weights.index)
                weights = weights.dropna()
                if weights.empty or weights["views"].sum() <= 0:
                    continue
                value = float((weights["avd"] * weights["views"]).sum() / weights["views"].sum())
            elif how == "mean_day":
                value = float(mine.groupby("day")["value"].sum().mean())
            elif how == "hours":
                value = float(mine["value"].sum()) / 60
            else:
                value = float(mine["value"].sum())
            rows.append(
                {
                    "library_id": library_id,
                    "platform": platform,
                    "figure": figure,
                    "value": value,
                    "days": int(mine["day"].nunique()),
                    "sources": sorted(set(mine["source"])),
                }
            )
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


def with_previous(current: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """Period figures beside the previous period's: ``value_prev`` and ``change`` =
    value − value_prev (NA when the previous period has none)."""
    keys = ["library_id", "platform", "figure"]
    merged = current.merge(
        previous[[*keys, "value"]].rename(columns={"value": "value_prev"}), on=keys, how="left"
    )
    merged["change"] = merged["value"] - merged["value_prev"]
    return merged


def post_figures(posts: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """``posts`` (enriched: engagements, er_followers) with their owner-level figures:

    - reach, saved, shares: the post's latest lifetime value (``Store.post_metrics``,
      official API before export file); NA when none is stored
    - er_reach = engagements ÷ reach × 100 (NA when reach is unknown or 0: never 0)
    - owner_sources: the sources of these figures (empty list without any)
    """
    out = posts.copy()
    for name in POST_METRICS:
        out[name] = pd.Series(pd.NA, index=out.index, dtype="Float64")
    out["owner_sources"] = [[] for _ in range(len(out))]
    if out.empty or metrics.empty:
        out["er_reach"] = pd.Series(pd.NA, index=out.index, dtype="Float64")
        return out
    best = best_source(
        metrics[metrics["metric"].isin(POST_METRICS)], ["platform", "post_id", "metric"]
    )
    if not best.empty:
        wide = best.pivot_table(
            index=["platform", "post_id"], columns="metric", values="value", aggfunc="first"
        )
        sources = best.groupby(["platform", "post_id"])["source"].agg(lambda s: sorted(set(s)))
        keys = pd.MultiIndex.from_arrays([out["platform"], out["post_id"]])
        for name in POST_METRICS:
            if name in wide:
                out[name] = pd.array(wide[name].reindex(keys).to_numpy(), dtype="Float64")
        found = sources.reindex(keys)
        out["owner_sources"] = [s if isinstance(s, list) else [] for s in found]
    reach = out["reach"].astype("Float64")
    reach = reach.mask(reach <= 0)
    out["er_reach"] = (out["engagements"].astype("Float64") / reach * 100).astype("Float64")
    return out


REACH_COLUMNS = ["library_id", "platform", "posts", "posts_with_reach", "post_reach_sum",
                 "saved", "shares", "mean_er_reach", "mean_er_followers", "sources"]  # fmt: skip


def reach_summary(posts: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per library and platform, over the period's posts with a known reach (from
    :func:`post_figures`):

    - posts_with_reach, of posts (all the period's posts)
    - post_reach_sum = sum of the posts' reach: an upper bound of the people reached (one
      person reached by two posts counts twice)
    - saved, shares = sums over those posts
    - mean_er_reach = mean of their ER by reach; mean_er_followers = mean of the same
      posts' ER by followers (for comparison on the same posts)
    """
    current = in_period(posts, period)
    if current.empty:
        return pd.DataFrame(columns=REACH_COLUMNS)
    rows = []
    for (library_id, platform), group in current.groupby(["library_id", "platform"]):
        known = group[group["reach"].notna()]
        if known.empty:
            continue
        rows.append(
            {
                "library_id": library_id,
                "platform": platform,
                "posts": len(group),
                "posts_with_reach": len(known),
                "post_reach_sum": float(known["reach"].astype("float64").sum()),
                "saved": known["saved"].astype("float64").sum(min_count=1),
                "shares": known["shares"].astype("float64").sum(min_count=1),
                "mean_er_reach": known["er_reach"].astype("float64").mean(),
                "mean_er_followers": known["er_followers"].astype("float64").mean(),
                "sources": sorted({s for ss in known["owner_sources"] for s in ss}),
            }
        )
    return pd.DataFrame(rows, columns=REACH_COLUMNS)


def daily_series(
    metrics: pd.DataFrame, accounts: pd.DataFrame, period: Period, names: Iterable[str]
) -> pd.DataFrame:
    """Per library, platform, metric (of ``names``) and day in the period: the day's owner
    figure (the library's accounts on that platform added; NA days left out)."""
    cols = ["library_id", "platform", "metric", "day", "value"]
    if metrics.empty or accounts.empty:
        return pd.DataFrame(columns=cols)
    wanted = metrics[metrics["metric"].isin(list(names))]
    days = best_source(_in_days(wanted, period), ["account_id", "day", "metric"])
    info = accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"})
    days = days.merge(info.astype({"account_id": "Int64"}), on="account_id")
    days = days.assign(value=pd.to_numeric(days["value"], errors="coerce").astype("float64"))
    days = days.dropna(subset=["value"])
    if days.empty:
        return pd.DataFrame(columns=cols)
    out = days.groupby(["library_id", "platform", "metric", "day"], as_index=False)["value"].sum()
    return out.sort_values(["library_id", "platform", "metric", "day"]).reset_index(drop=True)[cols]


def redefinitions(platform: str, metric: str, start: dt.date, end: dt.date) -> list[tuple]:
    """The days in [start, end] on which the platform changed what ``metric`` means
    (``collectors.catalog.REDEFINITIONS``): (day, (label id, label en)) each."""
    return [
        (day, label)
        for where, name, day, label in REDEFINITIONS
        if where == platform and name == metric and start <= day <= end
    ]


COLLECTION_COLUMNS = ["account_id", "library_id", "platform", "handle", "method", "imports",
                      "token_status", "trouble", "connected_since", "expires_at",
                      "owner_last_day", "lag_days", "expected_lag_days", "late"]  # fmt: skip


def collection(
    health: pd.DataFrame,
    connections: pd.DataFrame,
    owner_days: pd.DataFrame,
    today: dt.date,
) -> pd.DataFrame:
    """Per account (rows of ``collectors.status.account_health``): how it is collected and
    how current its owner-level figures are.

    - method: the path of its last collection (``run_items.path``: graph_api,
      business_discovery, instaloader, data_api, data_api_oauth); "demo" for demo
      accounts never collected, "never" for others; imports: it has figures from export
      files
    - token_status, connected_since, expires_at: its library's official-API connection
      (``connections``, never the token), for the official paths; trouble = a status other
      than ok
    - owner_last_day: the last day with owner-level account figures (any owner source);
      lag_days = today − owner_last_day; late when lag_days > the platform's usual lag
      (:data:`EXPECTED_LAG_DAYS`) + 1 day (a refresh missed)
    """
    out = health[["account_id", "library_id", "platform", "handle"]].copy()
    out["account_id"] = out["account_id"].astype("int64")
    paths = health["last_path"] if "last_path" in health else pd.Series(None, index=health.index)
    demo = health["is_demo"].astype(bool) if "is_demo" in health else False
    out["method"] = [
        p if isinstance(p, str) and p else ("demo" if d else "never")
        for p, d in zip(paths, np.broadcast_to(demo, len(health)), strict=True)
    ]
    owner = owner_days[owner_days["source"].isin(list(SOURCE_RANK))] if len(owner_days) else None
    last: dict[int, dt.date] = {}
    imports: set[int] = set()
    if owner is not None and len(owner):
        for row in owner.itertuples():
            aid = int(row.account_id)
            last[aid] = max(last.get(aid, row.last_day), row.last_day)
            if row.source == "file_import":
                imports.add(aid)
    out["imports"] = out["account_id"].isin(imports)
    out["owner_last_day"] = [last.get(a) for a in out["account_id"]]
    out["lag_days"] = [(today - d).days if d is not None else None for d in out["owner_last_day"]]
    out["expected_lag_days"] = [EXPECTED_LAG_DAYS.get(p) for p in out["platform"]]
    out["late"] = [
        lag is not None and usual is not None and lag > usual + 1
        for lag, usual in zip(out["lag_days"], out["expected_lag_days"], strict=True)
    ]
    status, since, expires = [], [], []
    official = {"graph_api", "data_api_oauth"}
    for row in out.itertuples():
        match = (
            connections.iloc[0:0]
            if connections.empty
            else connections[
                (connections["library_id"] == row.library_id)
                & (connections["platform"] == row.platform)
            ]
        )
        own = match[match["account_id"].astype("Int64") == row.account_id] if len(match) else match
        if own.empty and row.method in official:
            own = match[match["account_id"].isna()]
        if own.empty:
            status.append(None)
            since.append(pd.NaT)
            expires.append(pd.NaT)
            continue
        first = own.iloc[0]
        status.append(first["status"])
        since.append(first["connected_since"])
        expires.append(first["expires_at"])
    out["token_status"] = status
    out["trouble"] = [s is not None and s != "ok" for s in status]
    out["connected_since"] = pd.to_datetime(pd.Series(since, index=out.index), utc=True)
    out["expires_at"] = pd.to_datetime(pd.Series(expires, index=out.index), utc=True)
    return out[COLLECTION_COLUMNS].reset_index(drop=True)

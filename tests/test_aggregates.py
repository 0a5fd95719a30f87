"""The store's aggregates (figures summed by the database) equal what dashboard/metrics.py
computes from the posts themselves, on demo data, on SQLite and PostgreSQL, in a fixed
and in a daylight-saving time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from collectors.demo import load_demo
from collectors.store.aggregates import GROUPS
from dashboard import metrics
from dashboard.posts import search_posts, search_words

END = dt.date(2026, 11, 24)
PERIOD = metrics.Period(END - dt.timedelta(days=119), END)


@pytest.fixture
def demo(store, config):
    load_demo(store, config, END, days=200)
    return store


def window_posts(store, tz: str) -> pd.DataFrame:
    """The period's posts enriched in pandas, followers looked up by pandas too."""
    accounts = store.accounts()
    ids = [int(i) for i in accounts["id"]]
    lo = dt.datetime.combine(PERIOD.start, dt.time(0), ZoneInfo(tz))
    hi = dt.datetime.combine(PERIOD.end + dt.timedelta(days=1), dt.time(0), ZoneInfo(tz))
    posts = store.posts(lo, hi, ids)  # no followers_tz: metrics.followers_at_post looks up
    daily = store.account_daily(columns=["followers"])
    posts = posts.merge(
        accounts[["id", "library_id", "handle"]].rename(columns={"id": "account_id"}),
        on="account_id",
    )
    return metrics.enrich_posts(posts, daily, tz)


def same(got: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    got = got.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    assert list(got.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-9)


@pytest.mark.parametrize("tz", ["Asia/Jakarta", "Europe/Berlin"])
@pytest.mark.parametrize("by", [(), *[(g,) for g in GROUPS], ("kind", "week")])
def test_sums_by_the_database_equal_sums_of_the_posts(demo, tz, by):
    ids = [int(i) for i in demo.accounts()["id"]]
    got = demo.post_sums(ids, PERIOD.start, PERIOD.end, tz, by)
    expected = metrics.post_sums(window_posts(demo, tz), PERIOD, by)
    assert len(got) > 3 and got["posts"].sum() >= 100
    same(got, expected, ["account_id", *by])


def test_the_figures_of_a_period_are_the_same_from_either_sums(demo, config):
    tz = config.timezone
    accounts = demo.accounts()
    ids = [int(i) for i in accounts["id"]]
    posts = window_posts(demo, tz)
    from_db = metrics.by_library(demo.post_sums(ids, PERIOD.start, PERIOD.end, tz), accounts)
    from_posts = metrics.by_library(metrics.post_sums(posts, PERIOD), accounts)
    same(from_db, from_posts, ["library_id", "platform"])
    # and they are the figures worked out from the posts directly
    current = metrics.in_period(posts, PERIOD)
    row = from_db.set_index(["library_id", "platform"]).loc[("uma", "instagram")]
    mine = current[(current["library_id"] == "uma") & (current["platform"] == "instagram")]
    assert row["posts"] == len(mine)
    assert row["mean_er"] == pytest.approx(mine["er_followers"].astype(float).mean())
    assert row["engagements"] == pytest.approx(mine["engagements"].astype(float).sum())


@pytest.mark.parametrize("order", ["newest", "engagements", "er"])
@pytest.mark.parametrize("query", ["", "literasi", "JAM #Pengumuman", "@demo.unimed", "demo-uma"])
def test_the_database_finds_and_orders_posts_as_the_search_does(demo, config, order, query):
    tz = config.timezone
    ids = [int(i) for i in demo.accounts()["id"]]
    kinds = ["image", "reel", "video"]
    rows, counts = demo.post_list(
        ids, PERIOD.start, PERIOD.end, tz, words=search_words(query), kinds=kinds,
        order=order, limit=25,
    )  # fmt: skip
    posts = metrics.in_period(window_posts(demo, tz), PERIOD)
    found = search_posts(posts, query, kinds, order)
    assert counts == found["platform"].value_counts().to_dict() and len(found) > 0
    # the same first posts in the same order (ties broken by time, then key)
    sort = {"newest": None, "engagements": "engagements", "er": "er_followers"}[order]
    found = found.assign(_k=found[sort].astype(float).fillna(-1) if sort else 0)
    found = found.sort_values(
        ["_k", "published_at", "platform", "post_id"], ascending=[False, False, True, True]
    )
    assert list(rows["post_id"]) == list(found["post_id"].head(25))
    assert rows["followers_at_post"].astype(float).tolist() == pytest.approx(
        found["followers_at_post"].head(25).astype(float).tolist()
    )


@pytest.mark.parametrize("days", [7, 30, 365])
def test_the_overview_from_the_database_equals_the_one_from_the_posts(demo, config, days):
    from dashboard.pagedata import overview, overview_figures, window_loader

    tz = config.timezone
    accounts = demo.accounts()
    period = metrics.Period(END - dt.timedelta(days=days - 1), END)
    got = overview_figures(demo, tz, accounts, period)
    expected = overview(window_loader(demo, tz, accounts), period)
    assert got["posts"].sum() > 0 and got["audience"].notna().all()
    same(got, expected, ["library_id", "platform"])


@pytest.mark.parametrize("days", [30, 200])
def test_the_compare_figures_from_the_database_equal_those_from_the_posts(demo, config, days):
    from dashboard.pagedata import DAILY_AUDIENCE_DAYS, compare, compare_figures, window_loader

    tz = config.timezone
    accounts = demo.accounts()
    period = metrics.Period(END - dt.timedelta(days=days - 1), END)
    got = compare_figures(demo, tz, accounts, period, combined_best_time=False)
    expected = compare(window_loader(demo, tz, accounts), period)
    assert got.others == 0  # two libraries: each drawn by itself
    same(got.weekly, expected.weekly, ["library_id", "platform", "week"])
    same(got.content, expected.content, ["library_id", "platform", "kind"])
    same(got.best_time, expected.best_time, ["library_id", "platform", "weekday", "hour"])
    # the audience: per library and platform, daily, or each week's last day when long
    daily = expected.audience.groupby(["library_id", "platform", "day"], as_index=False)[
        "followers"
    ].sum()
    if days > DAILY_AUDIENCE_DAYS:
        weeks = pd.to_datetime(daily["day"]).dt.to_period("W-SUN")
        daily = daily.assign(_w=weeks).groupby(["library_id", "platform", "_w"]).tail(1)
        daily = daily.drop(columns="_w")
    shown = got.audience[["library_id", "platform", "day", "followers"]]
    same(shown.astype({"followers": float}), daily.astype({"followers": float}),
         ["library_id", "platform", "day"])  # fmt: skip


def test_compare_figures_of_some_accounts_cut_from_every_accounts_sums(demo, config):
    """A library or a platform less is cut from the sums of every account (no new query):
    the same figures as those summed for the chosen accounts alone."""
    from dashboard.pagedata import compare_figures, compare_sums

    tz = config.timezone
    accounts = demo.accounts()
    period = metrics.Period(END - dt.timedelta(days=89), END)
    every = compare_sums(demo, tz, list(accounts["id"]), period)
    for chosen in (
        accounts[accounts["library_id"] == accounts["library_id"].iloc[0]],
        accounts[accounts["platform"] == "instagram"],
    ):
        chosen = chosen.reset_index(drop=True)
        cut = compare_figures(demo, tz, chosen, period, False, sums=every)
        alone = compare_figures(demo, tz, chosen, period, False)
        assert set(cut.weekly["library_id"]) == set(chosen["library_id"])
        assert set(cut.audience["platform"]) == set(chosen["platform"])
        for name, keys in (
            ("weekly", ["library_id", "platform", "week"]),
            ("content", ["library_id", "platform", "kind"]),
            ("best_time", ["library_id", "platform", "weekday", "hour"]),
            ("audience", ["library_id", "platform", "day"]),
        ):
            same(getattr(cut, name), getattr(alone, name), keys)


def test_cross_promotion_from_the_posts_that_name_an_account(demo, config):
    from dashboard.pagedata import (
        cross_promotion,
        named_cross_promotion,
        partner_handles,
        window_loader,
    )

    tz = config.timezone
    accounts = demo.accounts()
    handles = partner_handles(accounts, config)
    got = named_cross_promotion(demo, tz, accounts, PERIOD, handles)
    expected = cross_promotion(window_loader(demo, tz, accounts), PERIOD, handles)
    assert len(got) > 0
    same(got, expected, list(got.columns[:3]))


def test_a_campaign_needs_only_its_libraries_accounts(demo, config):
    from dataclasses import replace

    from dashboard.pagedata import campaign_data, partner_handles, window_loader

    tz = config.timezone
    accounts = demo.accounts()
    handles = partner_handles(accounts, config)
    campaign = replace(
        config.campaigns[0], start=END - dt.timedelta(days=40), end=END - dt.timedelta(days=10),
        libraries=("uma",), hashtags=("#literasiinformasi",),
    )  # fmt: skip
    every = campaign_data(window_loader(demo, tz, accounts), campaign, handles)
    members = accounts[accounts["library_id"] == "uma"].reset_index(drop=True)
    mine = campaign_data(window_loader(demo, tz, members), campaign, handles)
    assert len(mine.posts) > 0
    same(mine.summary, every.summary, ["library_id", "platform"])
    same(mine.lift, every.lift, ["level", "library_id", "platform", "account_id"])

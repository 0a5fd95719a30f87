"""Owner-level figures for the dashboard (dashboard/owner.py) on frames of a few rows built
by hand: the formulas, the source preference, NULL never 0, platforms never fused."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dashboard.metrics import Period
from dashboard.owner import (
    collection,
    daily_series,
    period_figures,
    post_figures,
    reach_summary,
    redefinitions,
    with_previous,
)

D = dt.date(2026, 3, 1)
ACCOUNTS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "library_id": ["uma", "uma", "unimed"],
        "platform": ["instagram", "youtube", "instagram"],
        "handle": ["uma.ig", "@uma", "unimed.ig"],
    }
)


def metrics(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["account_id", "day", "metric", "source", "value"]).astype(
        {"account_id": "Int64", "value": "Float64"}
    )


def day(n: int) -> dt.date:
    return D + dt.timedelta(days=n)


def test_period_figures_follow_their_formulas_per_platform():
    frame = metrics(
        [
            (1, day(0), "reach", "owner_insights", 100),
            (1, day(1), "reach", "owner_insights", 300),
            (1, day(2), "reach", "owner_insights", None),  # asked, none: left out
            (1, day(1), "reach", "file_import", 999),  # the API's figure wins
            (1, day(5), "reach", "owner_insights", 50),  # outside the period
            (1, day(0), "views", "file_import", 40),
            (1, day(1), "views", "owner_insights", 60),
            (2, day(0), "views", "owner_insights", 10),
            (2, day(1), "views", "owner_insights", 30),
            (2, day(0), "averageViewDuration", "owner_insights", 100),
            (2, day(1), "averageViewDuration", "owner_insights", 60),
            (2, day(0), "estimatedMinutesWatched", "owner_insights", 90),
            (2, day(1), "estimatedMinutesWatched", "owner_insights", 30),
            (2, day(0), "subscribersGained", "owner_insights", 4),
            (2, day(1), "subscribersLost", "owner_insights", 1),
            (1, day(0), "reach", "public_api", 7),  # not an owner source
        ]
    )
    out = period_figures(frame, ACCOUNTS, Period(day(0), day(2))).set_index(
        ["library_id", "platform", "figure"]
    )
    ig = out.loc[("uma", "instagram")]
    assert ig.loc["reach_day", "value"] == (100 + 300) / 2, "mean of the days with a value"
    assert ig.loc["reach_day", "days"] == 2
    assert ig.loc["reach_days_sum", "value"] == 400
    assert ig.loc["reach_day", "sources"] == ["owner_insights"]
    assert ig.loc["views", "value"] == 100
    assert ig.loc["views", "sources"] == ["file_import", "owner_insights"]
    yt = out.loc[("uma", "youtube")]
    assert yt.loc["views", "value"] == 40, "YouTube views alone, never with Instagram's"
    assert yt.loc["avg_view_duration", "value"] == pytest.approx((100 * 10 + 60 * 30) / 40)
    assert yt.loc["watch_hours", "value"] == 2.0
    assert yt.loc["subscribers_gained", "value"] == 4
    assert yt.loc["subscribers_lost", "value"] == 1
    assert "shares" not in yt.index, "no figure where none is stored (never 0)"
    assert ("unimed", "instagram") not in {k[:2] for k in out.index}

    previous = period_figures(frame, ACCOUNTS, Period(day(-3), day(-1)))
    both = with_previous(period_figures(frame, ACCOUNTS, Period(day(0), day(2))), previous)
    assert both["value_prev"].isna().all() and both["change"].isna().all()


def test_two_accounts_of_a_library_are_added_per_day():
    accounts = pd.concat(
        [ACCOUNTS, pd.DataFrame({"id": [4], "library_id": ["uma"], "platform": ["instagram"],
                                 "handle": ["uma.two"]})]
    )  # fmt: skip
    frame = metrics(
        [
            (1, day(0), "reach", "owner_insights", 100),
            (4, day(0), "reach", "owner_insights", 20),
            (1, day(1), "reach", "owner_insights", 200),
        ]
    )
    out = period_figures(frame, accounts, Period(day(0), day(1))).set_index("figure")
    assert out.loc["reach_day", "value"] == (120 + 200) / 2
    series = daily_series(frame, accounts, Period(day(0), day(1)), ["reach"])
    assert list(series["value"]) == [120, 200]


def posts_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "platform": ["instagram"] * 4 + ["youtube"],
            "post_id": ["a", "b", "c", "d", "v"],
            "library_id": ["uma", "uma", "uma", "unimed", "uma"],
            "engagements": pd.array([50, 30, None, 10, 5], dtype="Float64"),
            "er_followers": pd.array([5.0, 3.0, None, 1.0, 0.5], dtype="Float64"),
            "local_day": [day(0), day(1), day(1), day(1), day(1)],
        }
    )


def post_metric_rows(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["platform", "post_id", "metric", "source", "day", "value"]
    ).astype({"value": "Float64"})


def test_post_figures_and_er_by_reach():
    stored = post_metric_rows(
        [
            ("instagram", "a", "reach", "owner_insights", day(3), 500),
            ("instagram", "a", "reach", "file_import", day(4), 800),  # API before file
            ("instagram", "a", "saved", "owner_insights", day(3), 12),
            ("instagram", "b", "reach", "owner_insights", day(3), 0),  # 0 reach: no ER
            ("instagram", "c", "reach", "owner_insights", day(3), 200),  # hidden likes
            ("instagram", "d", "reach", "owner_insights", day(3), None),  # Meta had none
        ]
    )
    out = post_figures(posts_frame(), stored).set_index("post_id")
    assert out.loc["a", "reach"] == 500 and out.loc["a", "saved"] == 12
    assert out.loc["a", "er_reach"] == pytest.approx(50 / 500 * 100)
    assert out.loc["a", "owner_sources"] == ["owner_insights"]
    assert pd.isna(out.loc["b", "er_reach"]), "reach 0 gives no ER, not 0 or infinity"
    assert pd.isna(out.loc["c", "er_reach"]), "unknown engagements: no ER"
    assert pd.isna(out.loc["d", "reach"]) and pd.isna(out.loc["d", "er_reach"])
    assert pd.isna(out.loc["v", "reach"]) and out.loc["v", "owner_sources"] == []

    summary = reach_summary(out.reset_index(), Period(day(0), day(1))).set_index(
        ["library_id", "platform"]
    )
    uma = summary.loc[("uma", "instagram")]
    assert uma["posts"] == 3 and uma["posts_with_reach"] == 3
    assert uma["post_reach_sum"] == 700, "an upper bound: the posts' reach added"
    assert uma["mean_er_reach"] == pytest.approx(10.0), "only posts with an ER by reach"
    assert uma["mean_er_followers"] == pytest.approx((5.0 + 3.0) / 2), "the same posts"
    assert uma["saved"] == 12 and pd.isna(uma["shares"])
    assert ("unimed", "instagram") not in summary.index, "no known reach: no row"
    assert ("uma", "youtube") not in summary.index


def test_post_figures_without_any_stored():
    out = post_figures(posts_frame(), post_metric_rows([]))
    assert out["reach"].isna().all() and out["er_reach"].isna().all()


def test_redefinitions_in_a_period():
    assert redefinitions("instagram", "views", dt.date(2025, 4, 1), dt.date(2025, 5, 1)) == [
        (dt.date(2025, 4, 21), ("Instagram: views menggantikan impressions dan plays",
                                "Instagram: views replace impressions and plays"))
    ]  # fmt: skip
    assert redefinitions("instagram", "reach", dt.date(2025, 4, 1), dt.date(2025, 5, 1)) == []
    days = [d for d, _ in redefinitions("youtube", "views", dt.date(2025, 1, 1), D.replace(
        year=2026, month=12))]  # fmt: skip
    assert days == [dt.date(2025, 3, 31), dt.date(2026, 8, 27)]


def test_collection_names_path_token_and_lag():
    health = pd.DataFrame(
        {
            "account_id": [1, 2, 3, 5],
            "library_id": ["uma", "uma", "unimed", "usu"],
            "platform": ["instagram", "youtube", "instagram", "instagram"],
            "handle": ["uma.ig", "@uma", "unimed.ig", "usu.ig"],
            "is_demo": [False] * 4,
            "last_path": ["graph_api", "data_api_oauth", "business_discovery", None],
        }
    )
    when = pd.Timestamp("2026-01-01", tz="UTC")
    connections = pd.DataFrame(
        {
            "library_id": ["uma", "uma"],
            "platform": ["instagram", "youtube"],
            "account_id": pd.array([1, None], dtype="Int64"),
            "status": ["expiring", "ok"],
            "connected_since": [when, when],
            "expires_at": [when + pd.Timedelta(days=60), pd.NaT],
        }
    )
    owner_days = pd.DataFrame(
        {
            "account_id": pd.array([1, 2, 2], dtype="Int64"),
            "source": ["owner_insights", "owner_insights", "file_import"],
            "first_day": [day(-90), day(-900), day(-900)],
            "last_day": [day(-1), day(-8), day(-2)],
        }
    )
    out = collection(health, connections, owner_days, D).set_index("handle")
    assert list(out["method"]) == ["graph_api", "data_api_oauth", "business_discovery", "never"]
    assert out.loc["uma.ig", "token_status"] == "expiring" and out.loc["uma.ig", "trouble"]
    assert out.loc["uma.ig", "expires_at"] == when + pd.Timedelta(days=60)
    assert out.loc["@uma", "token_status"] == "ok", "the library's row without an account"
    assert pd.isna(out.loc["unimed.ig", "token_status"]), "business discovery has no token"
    assert (out.loc["uma.ig", "lag_days"], out.loc["uma.ig", "late"]) == (1, False)
    assert out.loc["@uma", "owner_last_day"] == day(-2) and out.loc["@uma", "imports"]
    assert out.loc["@uma", "expected_lag_days"] == 3 and not out.loc["@uma", "late"]
    assert pd.isna(out.loc["usu.ig", "lag_days"]) and not out.loc["usu.ig", "late"]
    later = collection(health, connections, owner_days, D + dt.timedelta(days=3))
    assert later.set_index("handle").loc["uma.ig", "late"], "4 days behind Meta's 48 hours"

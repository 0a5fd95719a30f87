"""Metric definitions against values computed by hand on tiny tables."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from dashboard import metrics as m

TZ = "Asia/Jakarta"


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


ACCOUNTS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "library_id": ["uma", "uma", "unimed"],
        "platform": ["instagram", "youtube", "instagram"],
        "handle": ["a", "@b", "c"],
    }
)

DAILY = pd.DataFrame(
    {
        "account_id": pd.array([1, 1, 1, 2, 3, 3], dtype="Int64"),
        "day": [
            dt.date(2025, 9, 1),
            dt.date(2025, 9, 10),
            dt.date(2025, 9, 30),
            dt.date(2025, 9, 5),
            dt.date(2025, 8, 1),
            dt.date(2025, 9, 30),
        ],
        "followers": pd.array([1000, 1100, 1200, 500, 0, 2000], dtype="Int64"),
    }
)


def posts_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "post_id": ["p1", "p2", "p3", "p4", "p5"],
            "account_id": pd.array([1, 1, 2, 3, 1], dtype="Int64"),
            "library_id": ["uma", "uma", "uma", "unimed", "uma"],
            "platform": ["instagram", "instagram", "youtube", "instagram", "instagram"],
            "kind": ["image", "reel", "video", "image", "carousel"],
            # p1: 2025-09-10 16:30 UTC = 23:30 WIB on 10 Sep (local day 10 Sep)
            # p2: 2025-09-10 17:30 UTC = 00:30 WIB on 11 Sep
            # p3: before the YouTube account's first snapshot (5 Sep): uses the later one
            # p4: UNIMED account had 0 followers on its earlier snapshot
            # p5: hidden like count
            "published_at": [
                ts("2025-09-10 16:30"),
                ts("2025-09-10 17:30"),
                ts("2025-09-02 03:00"),
                ts("2025-09-15 03:00"),
                ts("2025-09-20 03:00"),
            ],
            "likes": pd.array([100, 50, 30, 40, None], dtype="Int64"),
            "comments": pd.array([10, None, 5, 0, 7], dtype="Int64"),
            "views": pd.array([None, 2000, 700, None, None], dtype="Int64"),
        }
    )


def test_engagements_hidden_likes_are_unknown_disabled_comments_are_zero():
    e = m.engagements(posts_frame())
    assert list(e[:4]) == [110, 50, 35, 40]
    assert pd.isna(e[4])


def test_followers_at_post_nearest_earlier_else_later():
    f = m.followers_at_post(posts_frame(), DAILY, TZ)
    # p1: local day 10 Sep -> row of 10 Sep (1100); p2: local day 11 Sep -> still 1100
    # p3: 2 Sep, YouTube's first row is 5 Sep -> 500 (nearest later)
    # p4: 15 Sep, UNIMED's nearest earlier row is 1 Aug with 0 followers -> 0
    assert list(f) == [1100, 1100, 500, 0, 1100]


def test_enriched_rates_by_hand():
    e = m.enrich_posts(posts_frame(), DAILY, TZ)
    assert e.loc[0, "er_followers"] == pytest.approx(110 / 1100 * 100)
    assert e.loc[1, "er_followers"] == pytest.approx(50 / 1100 * 100)
    assert e.loc[2, "er_followers"] == pytest.approx(35 / 500 * 100)
    assert pd.isna(e.loc[3, "er_followers"]), "zero followers gives no ER, not infinity"
    assert pd.isna(e.loc[4, "er_followers"]), "hidden likes give no ER"
    assert e.loc[1, "er_views"] == pytest.approx(50 / 2000 * 100)
    assert pd.isna(e.loc[0, "er_views"]), "no views, no ER by views"
    assert e.loc[0, "per_1k"] == pytest.approx(100.0)
    assert e.loc[0, "local_day"] == dt.date(2025, 9, 10)
    assert e.loc[1, "local_day"] == dt.date(2025, 9, 11)


def test_audience_and_growth_over_a_period():
    a = m.audience(DAILY, ACCOUNTS, m.Period(dt.date(2025, 9, 2), dt.date(2025, 9, 20)))
    a = a.set_index("account_id")
    # account 1: before the period 1000 (1 Sep), at its end 1100 (10 Sep)
    assert a.loc[1, "audience"] == 1100 and a.loc[1, "audience_start"] == 1000
    assert a.loc[1, "growth"] == 100 and a.loc[1, "growth_pct"] == pytest.approx(10.0)
    # account 2: no row before the period: starts from its first row in it
    assert a.loc[2, "audience_start"] == 500 and a.loc[2, "growth"] == 0
    # account 3: started from 0 followers: growth % is undefined, not infinite
    assert a.loc[3, "audience"] == 0 and math.isnan(a.loc[3, "growth_pct"])


def test_kpis_per_platform_never_fused():
    enriched = m.enrich_posts(posts_frame(), DAILY, TZ)
    period = m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    k = m.kpis(enriched, DAILY, ACCOUNTS, period).set_index(["library_id", "platform"])
    uma_ig = k.loc[("uma", "instagram")]
    assert uma_ig["posts"] == 3
    assert uma_ig["engagements"] == 160  # 110 + 50, p5 unknown
    assert uma_ig["mean_er"] == pytest.approx((10 + 50 / 11) / 2)
    assert uma_ig["views"] == 2000
    assert uma_ig["audience"] == 1200 and uma_ig["audience_start"] == 1000
    uma_yt = k.loc[("uma", "youtube")]
    assert uma_yt["posts"] == 1 and uma_yt["audience"] == 500 and uma_yt["engagements"] == 35
    assert uma_yt["views"] == 700 and uma_yt["mean_er"] == pytest.approx(7)
    # No row adds Instagram and YouTube up (YouTube API policy): only the parts exist.
    assert set(k.index.get_level_values("platform")) == {"instagram", "youtube"}
    unimed = k.loc[("unimed", "instagram")]
    assert unimed["posts"] == 1 and math.isnan(unimed["mean_er"]) and math.isnan(unimed["views"])


def test_previous_period_and_comparison():
    period = m.Period(dt.date(2025, 9, 11), dt.date(2025, 9, 20))
    assert period.previous() == m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 10))
    enriched = m.enrich_posts(posts_frame(), DAILY, TZ)
    cur = m.kpis(enriched, DAILY, ACCOUNTS, period)
    prev = m.kpis(enriched, DAILY, ACCOUNTS, period.previous())
    both = m.compare_periods(cur, prev).set_index(["library_id", "platform"])
    row = both.loc[("uma", "instagram")]
    assert (row["posts"], row["posts_prev"], row["posts_change"]) == (2, 1, 1)


def test_weekly_content_mix_and_best_time():
    enriched = m.enrich_posts(posts_frame(), DAILY, TZ)
    period = m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    w = m.weekly(enriched, period)
    uma_ig = w[(w["library_id"] == "uma") & (w["platform"] == "instagram")].set_index("week")
    uma_yt = w[(w["library_id"] == "uma") & (w["platform"] == "youtube")].set_index("week")
    # 10 and 11 Sep are in the week of Monday 8 Sep; 20 Sep in the week of 15 Sep
    assert uma_ig.loc[dt.date(2025, 9, 8), "posts"] == 2
    assert uma_ig.loc[dt.date(2025, 9, 8), "engagements"] == 160
    assert uma_yt.loc[dt.date(2025, 9, 1), "posts"] == 1  # the YouTube video of 2 Sep
    assert uma_ig.loc[dt.date(2025, 9, 1), "posts"] == 0  # not added to Instagram's
    mix = m.content_mix(enriched, period)
    ig = mix[(mix["library_id"] == "uma") & (mix["platform"] == "instagram")].set_index("kind")
    assert ig["share"].sum() == pytest.approx(100)
    assert ig.loc["image", "posts"] == 1
    best = m.best_time(enriched, period)
    slot = best[(best["library_id"] == "uma") & (best["weekday"] == 2) & (best["hour"] == 23)]
    assert len(slot) == 1 and slot.iloc[0]["mean_er"] == pytest.approx(10.0)  # p1, Wed 23:30


def test_empty_inputs_give_empty_frames():
    empty = m.enrich_posts(posts_frame().iloc[0:0], DAILY, TZ)
    period = m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    assert m.weekly(empty, period).empty and m.best_time(empty, period).empty
    k = m.kpis(empty, DAILY.iloc[0:0], ACCOUNTS, period)
    assert (k["posts"] == 0).all()


def test_weeks_start_on_monday_and_partial_weeks_are_marked():
    # Wednesday 3 Sep to Tuesday 30 Sep 2025: first week has 5 days, last week 2
    period = m.Period(dt.date(2025, 9, 3), dt.date(2025, 9, 30))
    weeks = m.period_weeks(period)
    assert list(weeks["week"]) == [dt.date(2025, 9, d) for d in (1, 8, 15, 22, 29)]
    assert all(w.weekday() == 0 for w in weeks["week"])
    assert list(weeks["days"]) == [5, 7, 7, 7, 2]
    assert list(weeks["partial"]) == [True, False, False, False, True]
    assert m.week_start(pd.Series([dt.date(2025, 9, 7), dt.date(2025, 9, 8)])).tolist() == [
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 8),
    ]


def test_weekly_has_every_week_of_the_period_and_splits_platforms():
    enriched = m.enrich_posts(posts_frame(), DAILY, TZ)
    period = m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    w = m.weekly(enriched, period).set_index(["library_id", "platform", "week"])
    # UNIMED posted in one week only; the other weeks are 0 posts, 0 engagements, no ER
    unimed = w.loc[("unimed", "instagram")]
    assert len(unimed) == 5 and unimed["posts"].sum() == 1
    quiet = unimed[unimed["posts"] == 0]
    assert (quiet["engagements"] == 0).all() and quiet["mean_er"].isna().all()
    assert bool(w.loc[("uma", "instagram", dt.date(2025, 9, 29)), "partial"])  # 29–30 Sep
    assert w.loc[("uma", "youtube", dt.date(2025, 9, 1)), "posts"] == 1
    assert w.loc[("uma", "instagram", dt.date(2025, 9, 1)), "posts"] == 0


def test_best_time_marks_cells_with_too_few_posts():
    enriched = m.enrich_posts(posts_frame(), DAILY, TZ)
    period = m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    best = m.best_time(enriched, period, min_posts=2)
    assert not best["reliable"].any(), "every slot here has one post"
    one = m.best_time(enriched, period, min_posts=1).set_index(["library_id", "weekday", "hour"])
    # no ER, so their cells rest on no post: p5 (Sat 10:00 WIB) hides its likes, p4 (Mon
    # 10:00) was posted when its account showed 0 followers
    without = [("uma", 5, 10), ("unimed", 0, 10)]
    assert not one.loc[without, "reliable"].any() and (one.loc[without, "posts_er"] == 0).all()
    assert one.drop(index=without)["reliable"].all()
    split = m.best_time(enriched, period)
    assert set(split["platform"]) == {"instagram", "youtube"}


def test_best_time_counts_only_posts_with_a_known_er():
    """A cell's "enough posts" counts posts with a known ER (like the digest's best slots):
    three posts at Monday 09:00 of which one hides its likes rest on two ERs."""
    monday_9 = pd.Timestamp("2025-09-08 09:00", tz=TZ)
    tuesday_9 = pd.Timestamp("2025-09-09 09:00", tz=TZ)
    posts = pd.DataFrame(
        {
            "post_id": ["a", "b", "c", "d", "e", "f"],
            "library_id": ["uma"] * 6,
            "platform": ["instagram"] * 6,
            "local_day": [t.date() for t in [monday_9] * 3 + [tuesday_9] * 3],
            "local_time": [monday_9] * 3 + [tuesday_9] * 3,
            "er_followers": pd.array([2.0, 4.0, None, 1.0, 2.0, 3.0], dtype="Float64"),
        }
    )
    best = m.best_time(posts, m.Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30)))
    cells = best.set_index(["weekday", "hour"])
    monday, tuesday = cells.loc[(0, 9)], cells.loc[(1, 9)]
    assert (monday["posts"], monday["posts_er"], monday["mean_er"]) == (3, 2, 3.0)
    assert not monday["reliable"], "two ERs are fewer than the three a cell needs"
    assert (tuesday["posts"], tuesday["posts_er"], tuesday["mean_er"]) == (3, 3, 2.0)
    assert tuesday["reliable"]


def test_beyond_eight_libraries_a_chart_draws_the_others_as_their_average():
    weeks = [dt.date(2026, 11, 2), dt.date(2026, 11, 9)]
    frame = pd.DataFrame(
        {
            "library_id": [f"lib{i:02d}" for i in range(10) for _ in weeks],
            "platform": "instagram",
            "week": weeks * 10,
            # library i has i × 10 engagements a week: lib09 … lib03 are the seven largest
            "engagements": [float(i * 10) for i in range(10) for _ in weeks],
            "partial": [False, True] * 10,
        }
    )
    out, others = m.with_others(frame, ["platform", "week"], "engagements")
    assert others == 3
    kept = sorted(set(out["library_id"]) - {m.OTHERS})
    assert kept == [f"lib{i:02d}" for i in range(3, 10)]
    rest = out[out["library_id"] == m.OTHERS].sort_values("week")
    # lib00, lib01, lib02: (0 + 10 + 20) / 3 = 10 engagements a week, per library
    assert list(rest["engagements"]) == [10.0, 10.0]
    assert list(rest["partial"]) == [False, True]  # the week's flag is kept
    small, none = m.with_others(frame[frame["library_id"] <= "lib07"], ["week"], "engagements")
    assert none == 0 and len(small) == 16  # eight libraries: every one by itself

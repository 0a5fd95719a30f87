"""Breakout rule, content categories and best slots on hand-built frames.

Every expected value is worked out by hand in the test (the arithmetic is written out), not
by the code under test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from collectors.config import Categories, parse_config
from collectors.records import AccountRef, PostSnapshot
from dashboard import insights as ins

WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC


def wib(day: int, hour: int, minute: int = 0, month: int = 11) -> pd.Timestamp:
    return pd.Timestamp(dt.datetime(2026, month, day, hour, minute, tzinfo=WIB)).tz_convert(UTC)


# -- age_metrics: which capture is "day N" -------------------------------------------------


def one_post(likes=90, comments=10, followers=1000.0):
    return pd.DataFrame(
        {
            "platform": ["instagram"],
            "post_id": ["P1"],
            "account_id": [1],
            "kind": ["image"],
            "published_at": [wib(2, 20)],  # 2 Nov 20:00 WIB
            "followers_at_post": pd.array([followers], dtype="Float64"),
            "likes": [likes],
            "comments": [comments],
        }
    )


def captures(days, likes=90, comments=10):
    """Daily captures at 06:15 WIB on the given November days (same counts each)."""
    return pd.DataFrame(
        {
            "platform": "instagram",
            "post_id": "P1",
            "day": [dt.date(2026, 11, d) for d in days],
            "likes": pd.array([likes] * len(days), dtype="Int64"),
            "comments": pd.array([comments] * len(days), dtype="Int64"),
            "captured_at": [wib(d, 6, 15) for d in days],
        }
    )


def test_day_n_is_the_first_capture_between_n_and_n_plus_one_days_old():
    # Published 2 Nov 20:00; captures 3 Nov 06:15 (10.25 h), 4 Nov (34.25 h), 5 Nov
    # (58.25 h: in [48, 72) -> day 2), ..., 10 Nov (178.25 h: in [168, 192) -> day 7).
    history = captures(range(3, 13))
    out = ins.age_metrics(one_post(), history).set_index("age")
    assert out.loc[2, "captured_at"] == wib(5, 6, 15)
    assert out.loc[7, "captured_at"] == wib(10, 6, 15)
    # ER = (90 + 10) ÷ 1000 × 100 = 10
    assert out.loc[2, "er"] == pytest.approx(10.0)
    assert list(out["status"]) == ["ok", "ok"]


def test_missing_day_capture_gives_no_value_at_that_age():
    # 5 Nov missing: the 6 Nov capture is 82.25 h old, outside [48, 72) -> no day-2 value.
    history = captures([3, 4, 6, 7, 8, 9, 10, 11])
    out = ins.age_metrics(one_post(), history).set_index("age")
    assert out.loc[2, "status"] == "no_capture" and pd.isna(out.loc[2, "er"])
    assert out.loc[7, "status"] == "ok"


def test_young_post_and_post_older_than_the_history():
    young = ins.age_metrics(one_post(), captures([3, 4, 5])).set_index("age")
    assert young.loc[2, "status"] == "ok"
    assert young.loc[7, "status"] == "too_young"  # last seen 58.25 h old
    # first collected 40 days after publication: nothing at day 2 or 7
    late = captures([3])
    late["day"] = [dt.date(2026, 12, 12)]
    late["captured_at"] = [wib(12, 6, 15, month=12)]
    old = ins.age_metrics(one_post(), late).set_index("age")
    assert list(old["status"]) == ["no_capture", "no_capture"]


def test_hidden_likes_and_unknown_followers_give_no_er():
    hidden = ins.age_metrics(one_post(), captures(range(3, 13), likes=None))
    assert (hidden["status"] == "no_er").all() and hidden["er"].isna().all()
    no_followers = ins.age_metrics(one_post(followers=0.0), captures(range(3, 13)))
    assert (no_followers["status"] == "no_er").all()


# -- judge: the breakout rule ----------------------------------------------------------------


def ages_frame(ers, kind="image", account=1, start=0, statuses=None, times=None):
    """Day-2 rows of posts published a day apart (or at ``times``), with the given ERs."""
    n = len(ers)
    published = times or [wib(1, 9) + pd.Timedelta(days=start + i) for i in range(n)]
    return pd.DataFrame(
        {
            "platform": "instagram",
            "post_id": [f"{kind}{account}-{start + i:03d}" for i in range(n)],
            "account_id": account,
            "kind": kind,
            "published_at": published,
            "age": 2,
            "captured_at": [p + pd.Timedelta(hours=50) for p in published],
            "engagements": pd.array([None] * n, dtype="Float64"),
            "er": pd.array(ers, dtype="Float64"),
            "status": statuses or ["ok" if e is not None else "no_er" for e in ers],
        }
    )


# Baseline: sorted 0.7 0.8 0.9 1.0 1.0 1.1 1.2 1.3 -> median (1.0 + 1.0) / 2 = 1.0;
# |b - 1| sorted 0 0 .1 .1 .2 .2 .3 .3 -> MAD (0.1 + 0.2) / 2 = 0.15.
BASE = [1.0, 1.2, 0.8, 1.1, 0.9, 1.0, 1.3, 0.7]


def last(judged: pd.DataFrame) -> pd.Series:
    return judged.sort_values("published_at").iloc[-1]


def test_breakout_when_z_and_ratio_both_pass_bounds_included():
    row = last(ins.judge(ages_frame([*BASE, 2.0])))
    assert row["median"] == 1.0 and row["mad"] == pytest.approx(0.15)
    # z = 0.6745 × (2.0 − 1.0) ÷ 0.15 = 4.4967 ≥ 3.5; ratio = 2.0 ÷ 1.0 = 2 (bound included)
    assert row["z"] == pytest.approx(4.4967, abs=1e-4)
    assert row["ratio"] == 2.0
    assert row["verdict"] == "breakout" and row["baseline_posts"] == 8


def test_high_z_but_less_than_twice_the_median_is_typical():
    # z = 0.6745 × 0.9 ÷ 0.15 = 4.047 ≥ 3.5 but ratio 1.9 < 2
    row = last(ins.judge(ages_frame([*BASE, 1.9])))
    assert row["z"] == pytest.approx(4.047, abs=1e-3)
    assert row["verdict"] == "typical"


def test_underperformer_needs_a_consistent_account():
    # On BASE, 0.5 is half the median but z = 0.6745 × (−0.5) ÷ 0.15 = −2.248 > −3.5.
    row = last(ins.judge(ages_frame([*BASE, 0.5])))
    assert row["z"] == pytest.approx(-2.248, abs=1e-3) and row["verdict"] == "typical"
    # A steady account: sorted .97 .98 .99 1.0 1.0 1.01 1.02 1.03 -> median 1.0,
    # MAD = (0.01 + 0.02) / 2 = 0.015; z = 0.6745 × (0.5 − 1) ÷ 0.015 = −22.48; ratio 0.5.
    steady = [1.0, 1.02, 0.98, 1.01, 0.99, 1.0, 1.03, 0.97]
    row = last(ins.judge(ages_frame([*steady, 0.5])))
    assert row["z"] == pytest.approx(-22.48, abs=1e-2)
    assert row["ratio"] == 0.5 and row["verdict"] == "underperformer"


def test_fewer_than_eight_earlier_posts_give_no_verdict():
    judged = ins.judge(ages_frame([*BASE[:7], 5.0]))
    row = last(judged)
    assert row["verdict"] == "few_earlier" and row["baseline_posts"] == 7
    assert (judged["verdict"] == "few_earlier").all()


def test_hidden_likes_are_neither_judged_nor_part_of_baselines():
    # 7 known ERs and one hidden: only 7 earlier posts count -> no verdict for the last.
    ers = [*BASE[:4], None, *BASE[4:7], 5.0]
    rows = ins.judge(ages_frame(ers)).sort_values("published_at")
    assert rows.iloc[4]["verdict"] == "no_er"
    assert rows.iloc[-1]["verdict"] == "few_earlier" and rows.iloc[-1]["baseline_posts"] == 7
    # with the eighth known one, the hidden post still does not count: baseline = BASE
    ers = [*BASE[:4], None, *BASE[4:], 2.0]
    row = last(ins.judge(ages_frame(ers)))
    assert row["baseline_posts"] == 8 and row["median"] == 1.0 and row["verdict"] == "breakout"


def test_no_value_at_an_age_gives_no_verdict_and_is_left_out_of_baselines():
    statuses = ["ok"] * 8 + ["no_capture", "too_young"]
    judged = ins.judge(ages_frame([*BASE, None, None], statuses=statuses))
    assert list(judged.sort_values("published_at")["verdict"])[-2:] == [
        "no_capture",
        "too_young",
    ]


def test_posts_of_the_same_minute_are_not_each_others_baseline():
    times = [wib(1, 9) + pd.Timedelta(days=i) for i in range(8)] + [wib(20, 10)] * 2
    judged = ins.judge(ages_frame([*BASE, 2.0, 2.0], times=times))
    tied = judged[judged["published_at"] == wib(20, 10)]
    assert list(tied["baseline_posts"]) == [8, 8]
    assert list(tied["verdict"]) == ["breakout", "breakout"]


def test_baseline_is_the_last_twenty_earlier_posts():
    # five old posts at ER 100, then 20 at BASE-like values: the 100s drop out.
    # twenty sorted: 0.7 ×2, 0.8 ×3, 0.9 ×2, 1.0 ×5, 1.1 ×3, 1.2 ×3, 1.3 ×2: median 1.0;
    # |b − 1| sorted: 0 ×5, 0.1 ×5, 0.2 ×6, 0.3 ×4: MAD (0.1 + 0.2) / 2 = 0.15
    twenty = BASE * 2 + BASE[:4]
    row = last(ins.judge(ages_frame([100.0] * 5 + twenty + [2.5])))
    assert row["baseline_posts"] == 20 and row["median"] == 1.0
    assert row["verdict"] == "breakout"


def test_mad_zero_falls_back_to_the_mean_absolute_deviation():
    # nine posts at 1.0 and one at 2.0: median 1.0, MAD 0, mean |b − 1| = 1 ÷ 10 = 0.1;
    # z = (2.0 − 1.0) ÷ (1.253314 × 0.1) = 7.9789
    base = [1.0] * 9 + [2.0]
    row = last(ins.judge(ages_frame([*base, 2.0])))
    assert row["mad"] == 0 and row["spread"] == "meanad"
    assert row["z"] == pytest.approx(7.9789, abs=1e-4) and row["verdict"] == "breakout"
    # 1.4: z = 0.4 ÷ 0.1253314 = 3.19 < 3.5 -> typical
    assert last(ins.judge(ages_frame([*base, 1.4])))["verdict"] == "typical"


def test_all_equal_baseline_uses_the_ratio_alone():
    same = [1.0] * 8
    for x, verdict in [(2.0, "breakout"), (1.9, "typical"), (0.5, "underperformer")]:
        row = last(ins.judge(ages_frame([*same, x])))
        assert row["spread"] == "none" and pd.isna(row["z"])
        assert row["verdict"] == verdict, x


def test_zero_median_gives_no_verdict():
    row = last(ins.judge(ages_frame([0.0] * 8 + [3.0])))
    assert row["verdict"] == "zero_median"


def test_other_kinds_and_accounts_are_never_compared():
    reels = ages_frame([50.0] * 8, kind="reel")
    other = ages_frame([50.0] * 8, account=2)
    images = ages_frame([*BASE, 2.0])
    judged = ins.judge(pd.concat([reels, other, images], ignore_index=True))
    row = judged[judged["post_id"] == "image1-008"].iloc[0]
    assert row["median"] == 1.0 and row["baseline_posts"] == 8 and row["verdict"] == "breakout"


def test_one_verdict_per_post_and_the_week_it_was_first_flagged():
    day2 = ages_frame([*BASE, 2.0])
    day7 = ages_frame([*BASE, 1.2]).assign(age=7)
    day7["captured_at"] = day7["published_at"] + pd.Timedelta(hours=170)
    judged = ins.judge(pd.concat([day2, day7], ignore_index=True))
    verdicts = ins.verdicts(judged).set_index("post_id")
    post = verdicts.loc["image1-008"]
    assert post["verdict"] == "breakout" and post["age"] == 2 and post["ratio"] == 2.0
    assert post["flagged_at"] == wib(9, 9) + pd.Timedelta(hours=50)
    # a post with too few earlier ones has no verdict at any age
    assert verdicts.loc["image1-007", "verdict"] == "few_earlier"
    first = ins.first_flagged(judged, "breakout")
    assert list(first["post_id"]) == ["image1-008"] and list(first["age"]) == [2]


# -- content categories ---------------------------------------------------------------------


def posts_for_categories():
    rows = [
        ("A", "Pengumuman jam layanan selama libur", [], None),  # orienting ×3
        ("B", "Koleksi baru! Cara meminjam e-book", ["#koleksibaru"], None),  # see below
        ("C", "Caranya mudah", [], None),  # 'cara' is not a whole word here
        ("D", "Kenalan dengan tim kami", [], None),  # humanizing ×2
        ("E", "Kelas literasi", [], None),  # nothing
        ("F", "Vote buku favoritmu", [], "https://www.instagram.com/p/F/"),
        ("G", "Koleksi e-journal", [], None),
    ]
    return pd.DataFrame(
        {
            "platform": "instagram",
            "post_id": [r[0] for r in rows],
            "caption": [r[1] for r in rows],
            "title": None,
            "hashtags": [r[2] for r in rows],
            "url": [r[3] or f"https://www.instagram.com/p/{r[0]}/" for r in rows],
        }
    )


def test_rules_pick_the_category_with_most_matches_and_break_ties_by_order():
    out = ins.categorise(posts_for_categories(), Categories()).set_index("post_id")
    assert out.loc["A", "category"] == "orienting"
    assert out.loc["A", "matched"] == "jam layanan, pengumuman, libur"
    # B: showcasing has koleksi, koleksi baru, e-book, #koleksibaru (4); orienting has cara (1)
    assert out.loc["B", "category"] == "showcasing"
    assert pd.isna(out.loc["C", "category"]) and pd.isna(out.loc["C", "source"])
    assert out.loc["D", "category"] == "humanizing"
    assert pd.isna(out.loc["E", "category"])
    assert out.loc["F", "category"] == "crowdsourcing" and out.loc["F", "source"] == "rules"
    # a tie (one match each) goes to the first category in `order`
    text = """
[[libraries]]
id = "uma"
name = "UMA"
color = "#1b7f3b"
[categories]
order = ["showcasing", "orienting", "humanizing", "crowdsourcing"]
[categories.showcasing]
keywords = ["e-journal"]
hashtags = []
[categories.orienting]
keywords = ["koleksi"]
"""
    custom = parse_config(text).categories
    assert ins.categorise(posts_for_categories(), custom).set_index("post_id").loc[
        "G", "category"
    ] == ("showcasing")
    flipped = parse_config(
        text.replace(
            '["showcasing", "orienting", "humanizing", "crowdsourcing"]',
            '["orienting", "showcasing", "humanizing", "crowdsourcing"]',
        )
    ).categories
    assert (
        ins.categorise(posts_for_categories(), flipped).set_index("post_id").loc["G", "category"]
        == "orienting"
    )


def test_url_and_staff_overrides_win_over_rules():
    config = parse_config(
        """
[[libraries]]
id = "uma"
name = "UMA"
color = "#1b7f3b"
[categories.urls]
"http://instagram.com/p/A?igsh=xyz" = "humanizing"
"https://www.instagram.com/p/D/" = "none"
"""
    )
    overrides = pd.DataFrame(
        {
            "platform": ["instagram", "instagram"],
            "post_id": ["A", "E"],
            "category": ["crowdsourcing", "showcasing"],
            "set_by": ["rina@uma.ac.id", "rina@uma.ac.id"],
            "set_at": [wib(3, 9), wib(3, 9)],
        }
    )
    out = ins.categorise(posts_for_categories(), config.categories).set_index("post_id")
    assert out.loc["A", "category"] == "humanizing" and out.loc["A", "source"] == "url"
    assert pd.isna(out.loc["D", "category"]) and out.loc["D", "source"] == "url"
    out = ins.categorise(posts_for_categories(), config.categories, overrides).set_index("post_id")
    assert out.loc["A", "category"] == "crowdsourcing" and out.loc["A", "source"] == "staff"
    assert out.loc["E", "category"] == "showcasing" and out.loc["E", "set_by"] == "rina@uma.ac.id"
    assert out.loc["B", "source"] == "rules"


def test_category_summary_per_library_and_platform():
    posts = pd.DataFrame(
        {
            "platform": ["instagram"] * 5 + ["youtube"],
            "post_id": ["1", "2", "3", "4", "5", "v1"],
            "library_id": ["uma", "uma", "uma", "uma", "unimed", "uma"],
            "er_followers": pd.array([2.0, 4.0, None, 6.0, 1.0, 9.0], dtype="Float64"),
        }
    )
    categorised = pd.DataFrame(
        {
            "platform": ["instagram"] * 5 + ["youtube"],
            "post_id": ["1", "2", "3", "4", "5", "v1"],
            "category": ["orienting", "orienting", "orienting", None, "humanizing", "orienting"],
        }
    )
    verdicts = pd.DataFrame({"platform": ["instagram"], "post_id": ["2"], "verdict": ["breakout"]})
    out = ins.category_summary(posts, categorised, verdicts).set_index(
        ["library_id", "platform", "category"]
    )
    orienting = out.loc[("uma", "instagram", "orienting")]
    # 3 of uma's 4 Instagram posts = 75 %; mean ER of 2.0 and 4.0 (hidden likes left out)
    # = 3.0: the YouTube video of the same category is not mixed in
    assert orienting["posts"] == 3 and orienting["share"] == 75.0
    assert orienting["mean_er"] == 3.0 and orienting["breakouts"] == 1
    youtube = out.loc[("uma", "youtube", "orienting")]
    assert youtube["posts"] == 1 and youtube["share"] == 100.0 and youtube["mean_er"] == 9.0
    assert out.loc[("uma", "instagram", "uncategorised"), "posts"] == 1
    assert out.loc[("uma", "instagram", "humanizing"), "posts"] == 0
    assert out.loc[("all", "instagram", "humanizing"), "share"] == 20.0  # 1 of 5
    assert ("unimed", "youtube", "orienting") not in out.index  # no YouTube posts


# -- best slots ------------------------------------------------------------------------------


def test_best_slots_need_enough_posts():
    def slot(day, hour, ers):
        return [(wib(day, hour), er) for er in ers]

    rows = (
        slot(2, 9, [1.0, 2.0, 3.0, 2.0, 2.0])  # Monday 9:00: 5 posts, mean 2.0
        + slot(3, 19, [9.0, 9.0, 9.0, 9.0])  # Tuesday 19:00: only 4 posts
        + slot(4, 10, [2.0] * 6)  # Wednesday 10:00: 6 posts, mean 2.0 (tie: more posts)
        + slot(5, 8, [1.0] * 5 + [None])  # Thursday 8:00: 5 known, mean 1.0
    )
    posts = pd.DataFrame(
        {
            "library_id": "uma",
            "platform": "instagram",
            "post_id": [str(i) for i in range(len(rows))],
            "local_time": [t.tz_convert(WIB) for t, _ in rows],
            "er_followers": pd.array([er for _, er in rows], dtype="Float64"),
        }
    )
    out = ins.best_slots(posts, min_posts=5)
    assert list(zip(out["weekday"], out["hour"], out["posts"], out["rank"], strict=True)) == [
        (2, 10, 6, 1),
        (0, 9, 5, 2),
        (3, 8, 5, 3),
    ]
    assert ins.best_slots(posts, min_posts=7).empty


# -- store: overrides survive refreshes --------------------------------------------------------


def snapshot(captured: dt.datetime, likes: int) -> PostSnapshot:
    return PostSnapshot(
        AccountRef("uma", "instagram", "perpustakaan.uma"),
        "instagram",
        "OVR1",
        dt.datetime(2026, 11, 2, 13, 0, tzinfo=UTC),
        "image",
        captured,
        url="https://www.instagram.com/p/OVR1/",
        caption="Koleksi baru di ruang baca",
        likes=likes,
        comments=1,
    )


def test_staff_override_survives_a_newer_capture(store):
    store.write([], [snapshot(dt.datetime(2026, 11, 3, 0, 0, tzinfo=UTC), 10)])
    store.set_post_category("instagram", "OVR1", "humanizing", "rina@uma.ac.id")
    store.write([], [snapshot(dt.datetime(2026, 11, 4, 0, 0, tzinfo=UTC), 25)])
    posts = store.posts()
    assert int(posts.loc[0, "likes"]) == 25  # the newer capture was written
    out = ins.categorise(posts, Categories(), store.post_categories()).iloc[0]
    assert out["category"] == "humanizing" and out["source"] == "staff"
    assert out["set_by"] == "rina@uma.ac.id"
    store.set_post_category("instagram", "OVR1", None)
    out = ins.categorise(store.posts(), Categories(), store.post_categories()).iloc[0]
    assert out["category"] == "showcasing" and out["source"] == "rules"


def test_post_history_reads_the_first_days_of_the_chosen_posts(store):
    for day in range(3, 15):
        store.write([], [snapshot(dt.datetime(2026, 11, day, 0, 0, tzinfo=UTC), day)])
    accounts = [int(a) for a in store.accounts()["id"]]
    # published 2 Nov 13:00 UTC; captures at 00:00 UTC from 3 Nov (11 h) to 14 Nov (275 h)
    rows = store.post_history(account_ids=accounts, max_age=dt.timedelta(days=9))
    # ages 11, 35, ..., 203 h < 216 h: 3 Nov .. 11 Nov = 9 rows
    assert len(rows) == 9 and rows["day"].max() == dt.date(2026, 11, 11)
    assert store.post_history(account_ids=[]).empty
    later = store.post_history(start=dt.datetime(2026, 11, 3, tzinfo=UTC))
    assert later.empty


# -- the store keeps each post's captures at the compared ages --------------------------------


def test_the_stored_captures_give_what_the_daily_history_gives(store, config):
    from collectors.demo import load_demo
    from dashboard.insight_data import local_midnight
    from dashboard.pagedata import load_window

    end = dt.date(2026, 11, 24)
    load_demo(store, config, end, days=200)
    accounts = store.accounts()
    ids = [int(i) for i in accounts["id"]]
    start = end - dt.timedelta(days=199)
    window = load_window(store, "Asia/Jakarta", accounts, start, end)
    history = store.post_history(
        local_midnight(start, "Asia/Jakarta"),
        local_midnight(end + dt.timedelta(days=1), "Asia/Jakarta"),
        ids,
        dt.timedelta(days=8),
    )
    expected = ins.age_metrics(window.posts, history)
    posts, captures = store.age_inputs(ids, start, end, "Asia/Jakarta")
    got = ins.ages_from_captures(posts, captures)
    assert len(got) == len(expected) > 400 and (got["status"] == "ok").sum() > 200
    keys = ["platform", "post_id", "age"]
    expected = expected.sort_values(keys).reset_index(drop=True)
    got = got.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, check_exact=False)
    # and so the verdicts are the same
    pd.testing.assert_frame_equal(ins.judge(got), ins.judge(expected), check_dtype=False)


def aged_post(captured: dt.datetime, likes: int) -> PostSnapshot:
    return PostSnapshot(
        AccountRef("uma", "instagram", "perpustakaan.uma"),
        "instagram",
        "AGE1",
        dt.datetime(2026, 11, 2, 13, 0, tzinfo=UTC),
        "image",
        captured,
        likes=likes,
        comments=2,
    )


def test_the_first_capture_at_an_age_is_kept_whatever_order_they_arrive_in(store):
    published = dt.datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    late = published + dt.timedelta(hours=60)  # day 2, later in the window
    early = published + dt.timedelta(hours=50)  # day 2, first in the window
    store.write([], [aged_post(late, 30)])
    store.write([], [aged_post(early, 20)])  # an older capture written afterwards
    store.write([], [aged_post(published + dt.timedelta(hours=71), 40)])
    store.write([], [aged_post(published + dt.timedelta(hours=100), 50)])  # no compared age
    ids = [int(i) for i in store.accounts()["id"]]
    _, captures = store.age_inputs(ids, dt.date(2026, 11, 1), dt.date(2026, 11, 30), "UTC")
    assert list(zip(captures["age"], captures["likes"], strict=True)) == [(2, 20)]
    assert captures["captured_at"].iloc[0] == pd.Timestamp(early)


def test_a_baseline_reaches_back_one_year_before_each_post():
    # Ten earlier posts, the first two more than 365 days before the judged post: eight
    # remain, enough for a verdict; with a shorter look back, too few.
    start = wib(1, 9) - pd.Timedelta(days=400)
    times = [start, start + pd.Timedelta(days=1)] + [
        wib(1, 9) - pd.Timedelta(days=300 - i) for i in range(8)
    ]
    frame = ages_frame([*[1.0, 1.0], *BASE, 2.0], times=[*times, wib(1, 9)])
    judged = last(ins.judge(frame))
    assert judged["baseline_posts"] == 8 and judged["verdict"] == "breakout"
    assert last(ins.judge(frame, pd.Timedelta(days=200)))["verdict"] == "few_earlier"


def test_rule_categories_are_kept_and_worked_out_again_only_when_stale(store, config, monkeypatch):
    from collectors.demo import load_demo
    from dashboard import insight_data
    from dashboard.metrics import Period

    end = dt.date(2026, 11, 24)
    load_demo(store, config, end, days=120)
    accounts = store.accounts()
    period = Period(end - dt.timedelta(days=119), end)
    got = insight_data.rule_categories(store, "Asia/Jakarta", accounts, period, config.categories)
    expected = ins.categorise(store.posts(), config.categories)
    keys = ["platform", "post_id"]
    both = got.merge(expected, on=keys, suffixes=("", "_direct"))
    assert len(both) == len(got) == len(expected) > 100
    for column in ("category", "source", "matched"):
        assert both[column].fillna("-").tolist() == both[f"{column}_direct"].fillna("-").tolist()
    # kept: a second look works nothing out again
    worked = []
    real = ins.categorise
    monkeypatch.setattr(ins, "categorise", lambda posts, *a, **k: worked.append(len(posts))
                        or real(posts, *a, **k))  # fmt: skip
    again = insight_data.rule_categories(store, "Asia/Jakarta", accounts, period, config.categories)
    assert (
        worked == []
        and again["category"].fillna("-").tolist() == got["category"].fillna("-").tolist()
    )
    # a newer capture (an edited caption) makes that post's category stale
    first = store.posts().iloc[0]
    edited = PostSnapshot(
        AccountRef("uma", first["platform"], accounts.set_index("id").loc[first["account_id"],
                   "handle"]),
        first["platform"], first["post_id"], first["published_at"].to_pydatetime(),
        first["kind"], dt.datetime(2026, 11, 25, tzinfo=UTC),
        caption="Pengumuman jam layanan baru", likes=1,
    )  # fmt: skip
    store.write([], [edited], is_demo=True)
    changed = insight_data.rule_categories(
        store, "Asia/Jakarta", accounts, period, config.categories
    ).set_index(keys)
    assert worked == [1]
    assert changed.loc[(first["platform"], first["post_id"]), "category"] == "orienting"
    # other rules: every post worked out again
    other = Categories(order=tuple(reversed(config.categories.order)))
    insight_data.rule_categories(store, "Asia/Jakarta", accounts, period, other)
    assert worked[-1] == len(got)


def test_kept_verdicts_are_the_rule_s_and_are_worked_out_again_after_a_write(store, config):
    from collectors.demo import load_demo
    from dashboard import insight_data
    from dashboard.metrics import Period

    end = dt.date(2026, 11, 24)
    load_demo(store, config, end, days=200)
    tz = "Asia/Jakarta"
    ids = [int(i) for i in store.accounts()["id"]]
    assert insight_data.ensure_verdicts(store, tz) is True
    assert insight_data.ensure_verdicts(store, tz) is False, "kept: nothing worked out again"
    assert store.derived_basis("verdicts") == insight_data.verdict_basis(store, tz)
    period = Period(end - dt.timedelta(days=59), end)
    judged, verdicts = insight_data.judge_period(store, tz, ids, period)
    in_period = verdicts[(verdicts["local_day"] >= period.start)]
    flagged, kept, unjudged = insight_data.kept_verdicts(store, tz, ids, period)
    expected = in_period[in_period["verdict"].isin([ins.BREAKOUT, ins.UNDERPERFORMER])]
    assert len(expected) > 0
    keys = ["platform", "post_id"]
    got = kept.sort_values(keys).reset_index(drop=True)
    want = expected.sort_values(keys).reset_index(drop=True)
    assert list(zip(got["post_id"], got["verdict"], got["age"], strict=True)) == list(
        zip(want["post_id"], want["verdict"], want["age"], strict=True)
    )
    assert got["ratio"].tolist() == pytest.approx(want["ratio"].astype(float).tolist())
    assert unjudged == int(in_period["verdict"].isin(ins.NO_VERDICT).sum())
    # a new capture changes the store: the verdicts are worked out again
    first = store.posts().iloc[-1]
    handle = store.accounts().set_index("id").loc[first["account_id"], "handle"]
    store.write([], [PostSnapshot(
        AccountRef("uma", first["platform"], handle), first["platform"], first["post_id"],
        first["published_at"].to_pydatetime(), first["kind"],
        dt.datetime(2026, 11, 25, tzinfo=UTC), likes=1,
    )], is_demo=True)  # fmt: skip
    assert insight_data.ensure_verdicts(store, tz) is True

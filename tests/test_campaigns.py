"""Campaign attribution, lift, cross-promotion and hashtags against hand-computed values."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from collectors.config import Campaign
from dashboard import campaigns as c
from dashboard.metrics import enrich_posts

TZ = "Asia/Jakarta"
ACCOUNTS = pd.DataFrame(
    {
        "id": [1, 2, 3],
        "library_id": ["uma", "unimed", "uma"],
        "platform": ["instagram", "instagram", "youtube"],
        "handle": ["perpustakaan.uma", "digilib.unimed", "@perpustakaanuma"],
    }
)
DAILY = pd.DataFrame(
    {
        "account_id": pd.array([1, 2, 3, 1, 2, 3], dtype="Int64"),
        "day": [dt.date(2025, 5, 1)] * 3 + [dt.date(2025, 9, 15)] * 3,
        "followers": pd.array([1000, 2000, 500, 1100, 2100, 520], dtype="Int64"),
    }
)
LIT = Campaign(
    "lit",
    "Bulan Literasi",
    dt.date(2025, 9, 1),
    dt.date(2025, 9, 30),
    ("uma", "unimed"),
    hashtags=("#bulanliterasi",),
    keywords=("bulan literasi",),
    include_urls=("https://www.instagram.com/p/INCL/",),
    exclude_urls=("https://instagram.com/p/EXCL",),
)
OTHER = Campaign(
    "kolab",
    "Kolaborasi",
    dt.date(2025, 9, 20),
    dt.date(2025, 10, 10),
    ("uma", "unimed"),
    hashtags=("#perpustakaanbersama",),
)


def post(
    pid,
    account,
    when,
    caption="",
    likes=100,
    comments=0,
    views=None,
    mentions=(),
    tagged=(),
    coauthors=(),
    title=None,
):
    lib = ACCOUNTS.set_index("id").loc[account]
    return {
        "platform": lib["platform"],
        "post_id": pid,
        "account_id": account,
        "library_id": lib["library_id"],
        "handle": lib["handle"],
        "published_at": pd.Timestamp(when, tz="UTC"),
        "kind": "image",
        "caption": caption,
        "title": title,
        "url": f"https://www.instagram.com/p/{pid}/",
        "hashtags": [t.lower() for t in caption.split() if t.startswith("#")],
        "mentions": list(mentions),
        "tagged": list(tagged),
        "coauthors": list(coauthors),
        "likes": likes,
        "comments": comments,
        "views": views,
    }


def frame(rows):
    df = pd.DataFrame(rows)
    for col in ("likes", "comments", "views"):
        df[col] = df[col].astype("Int64")
    df["account_id"] = df["account_id"].astype("Int64")
    return enrich_posts(df, DAILY, TZ)


POSTS = frame(
    [
        # 30 Sep 16:30 UTC = 23:30 WIB on the last day: inside
        post("LAST", 1, "2025-09-30 16:30", "Penutupan #BulanLiterasi"),
        # 30 Sep 17:30 UTC = 00:30 WIB on 1 Oct: outside
        post("AFTER", 1, "2025-09-30 17:30", "Terima kasih #bulanliterasi"),
        # a longer hashtag containing the campaign's: no match
        post("LONGER", 2, "2025-09-10 03:00", "Hadiah #bulanliterasi2025"),
        # keyword, any case, whole words
        post("KEYWORD", 2, "2025-09-11 03:00", "Ayo ikut Bulan Literasi di perpustakaan"),
        # mention of the partner's account
        post(
            "MENTION",
            1,
            "2025-09-12 03:00",
            "Cek layanan @digilib.unimed",
            mentions=["digilib.unimed"],
        ),
        # co-author (collab post) and in the second campaign by hashtag too
        post(
            "COLLAB",
            2,
            "2025-09-21 03:00",
            "Kolaborasi #perpustakaanbersama",
            coauthors=["perpustakaan.uma"],
        ),
        # mentioning its own library's account is not a partner mention
        post(
            "SELF",
            3,
            "2025-09-13 03:00",
            "Tonton juga @perpustakaan.uma",
            mentions=["perpustakaan.uma"],
        ),
        # include and exclude lists
        post("INCL", 1, "2025-08-01 03:00", "Pengumuman lama"),
        post("EXCL", 1, "2025-09-14 03:00", "#bulanliterasi tapi dikecualikan"),
        # baseline posts of UMA's Instagram in the 90 days before 1 September
        post("B1", 1, "2025-07-01 03:00", "biasa", likes=20),
        post("B2", 1, "2025-07-15 03:00", "biasa", likes=40),
        post("B3", 1, "2025-08-20 03:00", "biasa", likes=60),
        post("OLD", 1, "2025-05-01 03:00", "terlalu lama", likes=500),
    ]
)


def attributed():
    return c.attribute(POSTS, [LIT, OTHER], c.library_handles(ACCOUNTS))


def test_attribution_rules_and_edges():
    a = attributed()
    lit = dict(
        zip(
            a.loc[a["campaign_id"] == "lit", "post_id"],
            a.loc[a["campaign_id"] == "lit", "reason"],
            strict=True,
        )
    )
    assert lit == {
        "LAST": "hashtag",
        "KEYWORD": "keyword",
        "MENTION": "partner",
        "COLLAB": "partner",
        "INCL": "url",
    }
    kolab = set(a.loc[a["campaign_id"] == "kolab", "post_id"])
    assert kolab == {"COLLAB"}
    # the same post in two campaigns
    assert (a["post_id"] == "COLLAB").sum() == 2


def test_lift_against_hand_computed_medians():
    lifts = c.lift(POSTS, attributed(), LIT).set_index(["level", "library_id", "handle"])
    row = lifts.loc[("account", "uma", "perpustakaan.uma")]
    # campaign posts of UMA Instagram: LAST, MENTION, INCL. Followers at posting: LAST and
    # MENTION 1100 (15 Sep row is after 12 Sep for MENTION -> nearest earlier is 1 May: 1000)
    # LAST: 100/1100*100; MENTION: 100/1000*100; INCL (1 Aug): 100/1000*100
    campaign = sorted([100 / 1100 * 100, 10.0, 10.0])
    assert row["campaign_posts"] == 3
    assert row["campaign_median_er"] == pytest.approx(campaign[1])
    # baseline: B1, B2, B3 (INCL is a campaign post; OLD is older than 90 days)
    assert row["baseline_posts"] == 3
    assert row["baseline_median_er"] == pytest.approx(4.0)
    assert row["lift"] == pytest.approx(10.0 / 4.0)
    unimed = lifts.loc[("account", "unimed", "digilib.unimed")]
    assert unimed["baseline_posts"] == 0 and np.isnan(unimed["lift"])


def test_summary_per_library_and_platform_never_fused():
    s = c.summary(POSTS, attributed(), DAILY, ACCOUNTS, [LIT]).set_index(["library_id", "platform"])
    # UMA has Instagram and YouTube, UNIMED Instagram only: no row adds platforms up
    assert set(s.index) == {
        ("uma", "instagram"),
        ("uma", "youtube"),
        ("unimed", "instagram"),
        ("all", "instagram"),
        ("all", "youtube"),
    }
    assert (
        s.loc[("uma", "instagram"), "posts"] == 3 and s.loc[("unimed", "instagram"), "posts"] == 2
    )
    assert s.loc[("uma", "youtube"), "posts"] == 0  # SELF names its own library only
    assert s.loc[("all", "instagram"), "posts"] == 5
    assert s.loc[("all", "instagram"), "engagements"] == 500
    # potential reach: followers at posting time summed: UMA 1100 + 1000 + 1000,
    # UNIMED KEYWORD 2000 (11 Sep), COLLAB 2100 (21 Sep)
    assert s.loc[("uma", "instagram"), "potential_reach"] == 3100
    assert s.loc[("all", "instagram"), "potential_reach"] == 3100 + 4100
    # growth during the campaign: from the 1 May rows to the 15 Sep rows, per platform
    assert s.loc[("all", "instagram"), "audience_growth"] == 100 + 100
    assert s.loc[("uma", "youtube"), "audience_growth"] == 20
    assert np.isnan(s.loc[("uma", "instagram"), "views"])


def test_combined_lift_lies_between_the_libraries_lifts():
    """Two libraries of very different ER: pooling their posts puts the pooled campaign
    median next to the low-ER library's baseline, and a ratio of pooled medians (the old
    combined lift, 1.0×) falls below both libraries' lifts (1.2× and 1.5×)."""
    daily = pd.DataFrame(
        {
            "account_id": pd.array([1, 2], dtype="Int64"),
            "day": [dt.date(2025, 5, 1)] * 2,
            "followers": pd.array([100, 100], dtype="Int64"),
        }
    )
    rows = []
    # A: baseline ER 10%, campaign ER 12% (lift 1.2); B: baseline 2%, campaign 3% (1.5)
    for i, (account, likes, when) in enumerate(
        [
            (1, 10, "2025-08-01"),
            (1, 10, "2025-08-02"),
            (1, 10, "2025-08-03"),
            (1, 12, "2025-09-02"),
            (2, 2, "2025-08-01"),
            (2, 2, "2025-08-02"),
            (2, 3, "2025-09-02"),
            (2, 3, "2025-09-03"),
            (2, 3, "2025-09-04"),
        ]  # fmt: skip
    ):
        rows.append(
            {
                "platform": "instagram",
                "post_id": f"P{i}",
                "account_id": account,
                "library_id": ["uma", "unimed"][account - 1],
                "handle": "ab"[account - 1],
                "published_at": pd.Timestamp(f"{when} 03:00", tz="UTC"),
                "likes": likes,
                "comments": 0,
                "views": None,
            }
        )
    posts = pd.DataFrame(rows)
    for col in ("likes", "comments", "views", "account_id"):
        posts[col] = posts[col].astype("Int64")
    posts = enrich_posts(posts, daily, TZ)
    campaign = Campaign("x", "X", dt.date(2025, 9, 1), dt.date(2025, 9, 30), ("uma", "unimed"))
    attributed = posts.loc[posts["published_at"] >= pd.Timestamp("2025-09-01", tz="UTC")]
    attributed = attributed.assign(campaign_id="x", reason="url")[c.ATTRIBUTION_COLUMNS]
    lifts = c.lift(posts, attributed, campaign).set_index(["level", "library_id", "platform"])
    uma = lifts.loc[("library", "uma", "instagram"), "lift"]
    unimed = lifts.loc[("library", "unimed", "instagram"), "lift"]
    assert (uma, unimed) == (pytest.approx(1.2), pytest.approx(1.5))
    # the old definition: median of the pooled campaign ERs ÷ median of the pooled baseline
    pooled = np.median([12, 3, 3, 3]) / np.median([10, 10, 10, 2, 2])
    assert pooled < min(uma, unimed)
    combined = lifts.loc[("all", "all", "instagram"), "lift"]
    # campaign posts as weights: (1 × 1.2 + 3 × 1.5) ÷ 4
    assert combined == pytest.approx((1 * 1.2 + 3 * 1.5) / 4)
    assert min(uma, unimed) <= combined <= max(uma, unimed)


def test_cross_promotion_edges():
    edges = c.cross_promotion(POSTS, c.library_handles(ACCOUNTS)).set_index(
        ["source", "target", "how"]
    )
    assert edges.loc[("uma", "unimed", "mention"), "posts"] == 1
    assert edges.loc[("unimed", "uma", "coauthor"), "posts"] == 1
    assert edges.loc[("unimed", "uma", "any"), "engagements"] == 100
    assert ("uma", "uma", "mention") not in edges.index, "self mentions are not edges"


def test_hashtag_performance_threshold_and_order():
    tags = c.hashtag_performance(POSTS, min_posts=2)
    assert list(tags["hashtag"]) == ["#bulanliterasi"]
    assert tags.iloc[0]["posts"] == 3  # LAST, AFTER, EXCL
    assert c.hashtag_performance(POSTS, min_posts=1).iloc[0]["posts"] >= 1


def test_cross_promotion_and_hashtags_never_add_youtube_to_instagram():
    """YouTube API policy: no figure fuses YouTube data with another platform's. UMA names
    UNIMED in an Instagram post (100 engagements) and in a YouTube video (30): two edges,
    one per platform, never one of 130; a hashtag used on both gets one row each."""
    posts = frame(
        [
            post("IG1", 1, "2025-09-12 03:00", "Cek @digilib.unimed #literasi",
                 mentions=["digilib.unimed"], likes=100),
            post("IG2", 1, "2025-09-13 03:00", "Lagi #literasi", likes=60),
            post("YT1", 3, "2025-09-14 03:00", "Video bersama @digilib.unimed #literasi",
                 mentions=["digilib.unimed"], likes=30),
        ]
    )  # fmt: skip
    edges = c.cross_promotion(posts, c.library_handles(ACCOUNTS))
    totals = edges[edges["how"] == "any"].set_index(["source", "target", "platform"])
    assert totals["engagements"].to_dict() == {
        ("uma", "unimed", "instagram"): 100.0,
        ("uma", "unimed", "youtube"): 30.0,
    }
    assert totals["posts"].to_dict() == {
        ("uma", "unimed", "instagram"): 1,
        ("uma", "unimed", "youtube"): 1,
    }
    tags = c.hashtag_performance(posts, min_posts=1).set_index(["hashtag", "platform"])
    assert tags.loc[("#literasi", "instagram"), "posts"] == 2
    assert tags.loc[("#literasi", "instagram"), "engagements"] == 160
    assert tags.loc[("#literasi", "youtube"), "posts"] == 1
    assert tags.loc[("#literasi", "youtube"), "engagements"] == 30
    assert len(tags) == 2, "one row per hashtag and platform, none of both"
    # the threshold counts a platform's posts only: 2 on Instagram, 1 on YouTube
    assert list(c.hashtag_performance(posts, min_posts=2)["platform"]) == ["instagram"]


def test_top_posts():
    top = c.top_posts(POSTS, "engagements", 2)
    assert top.iloc[0]["post_id"] == "OLD" and len(top) == 2
    by_er = c.top_posts(POSTS, "er_followers", 1)
    assert by_er.iloc[0]["post_id"] == "OLD"  # 500 / 1000 followers


def test_url_normalisation():
    assert c.normalize_url("https://www.instagram.com/p/ABC/?igsh=x") == "instagram.com/p/ABC"
    assert c.normalize_url("https://instagram.com/p/abc") != c.normalize_url("instagram.com/p/ABC")
    assert c.normalize_url("http://m.youtube.com/watch") == "youtube.com/watch"

"""Insights that tell outreach staff what to do: breakout and underperforming posts, content
categories, the best posting slots. Pure functions, DataFrames in and out; no I/O here.

Inputs use the store's column names; ``posts`` come from ``metrics.enrich_posts`` (they
carry engagements, followers_at_post, er_followers, local_time), ``history`` is the store's
``post_history`` (daily captures: platform, post_id, day, likes, comments, captured_at).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from collectors.config import CATEGORIES, NO_CATEGORY, Categories
from dashboard.campaigns import normalize_url
from dashboard.metrics import engagements

#: Ages (days after publication) at which posts are compared with their account's others.
AGES = (2, 7)
MIN_EARLIER = 8  # fewer earlier posts of the kind: no verdict
MAX_EARLIER = 20  # the baseline is at most the last 20 earlier posts of the kind
Z_LIMIT = 3.5  # Iglewicz & Hoaglin's cut-off for the modified z-score
RATIO = 2.0  # a breakout is also at least 2× the median; an underperformer at most ½
MAD_FACTOR = 0.6745  # modified z = 0.6745 × (x − median) ÷ MAD
MEANAD_FACTOR = 1.253314  # when MAD is 0: z = (x − median) ÷ (1.253314 × mean absolute dev.)
#: Verdicts; the others say why a post has none.
BREAKOUT, UNDERPERFORMER, TYPICAL = "breakout", "underperformer", "typical"
NO_VERDICT = ("few_earlier", "zero_median", "no_er", "no_capture", "too_young")
UNCATEGORISED = "uncategorised"
#: The fewest posts (with a known ER) a weekday × hour slot needs to be called a best slot.
BEST_SLOT_MIN_POSTS = 5

AGE_COLUMNS = [
    "platform", "post_id", "account_id", "kind", "published_at", "age", "captured_at",
    "engagements", "er", "status",
]  # fmt: skip
JUDGED_COLUMNS = [
    *AGE_COLUMNS, "baseline_posts", "median", "mad", "spread", "z", "ratio", "verdict",
]  # fmt: skip
VERDICT_COLUMNS = [
    "platform", "post_id", "verdict", "age", "er", "median", "ratio", "z", "baseline_posts",
    "flagged_at",
]  # fmt: skip


def age_metrics(
    posts: pd.DataFrame, history: pd.DataFrame, ages: Sequence[int] = AGES
) -> pd.DataFrame:
    """Each post's engagements and ER by followers at a comparable age.

    "Day N" is the post's first capture made at least N×24 hours and less than (N+1)×24
    hours after publication (the daily refresh makes one such capture; a post published at
    20:00 and captured at 06:15 every morning has its day-2 capture 58¼ hours later). When
    there is none, the post has no value at that age: ``status`` says ``too_young`` (its
    last capture was made before it was N days old) or ``no_capture`` (the refresh missed
    that day, or the post was first collected when already older than N days).

    - engagements = likes + comments of that capture (see ``metrics.engagements``)
    - er = engagements ÷ followers_at_post × 100; NA with ``status`` ``no_er`` when the
      likes were hidden or the followers are unknown or 0.

    One row per post and age: platform, post_id, account_id, kind, published_at, age,
    captured_at, engagements, er, status (``ok`` or the reason there is no value).
    """
    keys = ["platform", "post_id"]
    base = posts[[*keys, "account_id", "kind", "published_at", "followers_at_post"]]
    base = base.drop_duplicates(keys).reset_index(drop=True)
    hist = history[[*keys, "likes", "comments", "captured_at"]].merge(
        base[[*keys, "published_at"]], on=keys
    )
    hours = (hist["captured_at"] - hist["published_at"]).dt.total_seconds() / 3600
    last_seen = hist.assign(_h=hours).groupby(keys)["_h"].max()
    frames = []
    for age in ages:
        inside = hist[(hours >= 24 * age) & (hours < 24 * (age + 1))]
        first = inside.sort_values("captured_at", kind="stable").groupby(keys).head(1)
        frame = base.merge(first.drop(columns="published_at"), on=keys, how="left")
        frame["age"] = age
        frame["engagements"] = engagements(frame)
        followers = frame["followers_at_post"].astype("Float64")
        frame["er"] = (frame["engagements"] / followers.mask(followers <= 0) * 100).astype(
            "Float64"
        )
        seen = pd.MultiIndex.from_frame(frame[keys]).map(last_seen.to_dict().get)
        seen = pd.Series(seen, index=frame.index, dtype="float64")
        status = np.where(
            frame["captured_at"].notna(),
            np.where(frame["er"].isna(), "no_er", "ok"),
            np.where(seen.notna() & (seen < 24 * age), "too_young", "no_capture"),
        )
        frame["status"] = status
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=AGE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return out[AGE_COLUMNS]


def _spread(values: np.ndarray, median: float) -> tuple[float, str]:
    """(scale, name) of the baseline's spread around its median: MAD ÷ 0.6745 when MAD > 0,
    else 1.253314 × the mean absolute deviation, else 0 ("none": all values equal)."""
    deviations = np.abs(values - median)
    mad = float(np.median(deviations))
    if mad > 0:
        return mad / MAD_FACTOR, "mad"
    mean_ad = float(np.mean(deviations))
    if mean_ad > 0:
        return MEANAD_FACTOR * mean_ad, "meanad"
    return 0.0, "none"


def judge(ages: pd.DataFrame) -> pd.DataFrame:
    """Breakout and underperforming posts, per post and age (from :func:`age_metrics`).

    Each post's ER at age N (x) is compared with its account's earlier posts of the same
    kind (same account, hence same platform; published strictly before it, so posts of the
    same minute are not each other's baseline) that have an ER at that age: the last 20 of
    them, and at least 8 (else ``few_earlier``). With their median m:

    - MAD = median of |b − m| over the baseline; modified z = 0.6745 × (x − m) ÷ MAD
      (Iglewicz & Hoaglin). When MAD is 0 (half the baseline or more has one value),
      z = (x − m) ÷ (1.253314 × mean |b − m|); when that is 0 too (every baseline value
      equal), there is no z and the ratio alone decides.
    - ratio = x ÷ m; with m = 0 there is no "typical" to compare with (``zero_median``).
    - breakout: z ≥ 3.5 and ratio ≥ 2; underperformer: z ≤ −3.5 and ratio ≤ 0.5
      (both bounds included); otherwise ``typical``.

    Posts without an ER at that age (hidden likes, no capture, too young) get no verdict
    and are never part of another post's baseline.
    """
    rows = []
    ordered = ages.sort_values(["account_id", "kind", "age", "published_at", "post_id"])
    for _, group in ordered.groupby(["account_id", "kind", "age"], sort=False):
        times = group["published_at"].to_numpy()
        ers = group["er"].astype("float64").to_numpy()
        valid = (group["status"] == "ok").to_numpy()
        for i in range(len(group)):
            result = dict.fromkeys(("median", "mad", "z", "ratio"), np.nan)
            result.update(baseline_posts=0, spread=None)
            earlier = np.flatnonzero(valid[:i] & (times[:i] < times[i]))[-MAX_EARLIER:]
            result["baseline_posts"] = len(earlier)
            if not valid[i]:
                verdict = group["status"].iat[i]
            elif len(earlier) < MIN_EARLIER:
                verdict = "few_earlier"
            else:
                baseline = ers[earlier]
                m = float(np.median(baseline))
                x = ers[i]
                scale, name = _spread(baseline, m)
                result.update(median=m, mad=float(np.median(np.abs(baseline - m))), spread=name)
                if m <= 0:
                    verdict = "zero_median"
                else:
                    ratio = x / m
                    z = (x - m) / scale if scale > 0 else np.nan
                    result.update(ratio=ratio, z=z)
                    high = ratio >= RATIO and (scale == 0 or z >= Z_LIMIT)
                    low = ratio <= 1 / RATIO and (scale == 0 or z <= -Z_LIMIT)
                    verdict = BREAKOUT if high else UNDERPERFORMER if low else TYPICAL
            result["verdict"] = verdict
            rows.append(result)
    judged = pd.DataFrame(rows, index=ordered.index)
    out = pd.concat([ordered, judged], axis=1) if len(ordered) else ordered
    for col in JUDGED_COLUMNS:
        if col not in out:
            out[col] = pd.Series(dtype="object")
    return out[JUDGED_COLUMNS].sort_index().reset_index(drop=True)


def verdicts(judged: pd.DataFrame) -> pd.DataFrame:
    """One verdict per post from :func:`judge`'s rows: ``breakout`` when it was one at any
    age, else ``underperformer`` when it was one at any age, else ``typical`` when judged
    at some age, else the reason of its first age. The figures shown (age, er, median,
    ratio, z, flagged_at = the capture that decided) are those of the first age flagged,
    or of the last age judged for a typical post."""
    if judged.empty:
        return pd.DataFrame(columns=VERDICT_COLUMNS)
    rank = judged["verdict"].map({BREAKOUT: 0, UNDERPERFORMER: 1, TYPICAL: 2}).fillna(3)
    # Flagged: the earliest age; typical: the latest; no verdict: the earliest.
    age_order = np.where(judged["verdict"] == TYPICAL, -judged["age"], judged["age"])
    chosen = (
        judged.assign(_rank=rank, _age=age_order)
        .sort_values(["platform", "post_id", "_rank", "_age"])
        .groupby(["platform", "post_id"], sort=False)
        .head(1)
    )
    out = chosen.rename(columns={"captured_at": "flagged_at"})
    return out[VERDICT_COLUMNS].reset_index(drop=True)


def first_flagged(judged: pd.DataFrame, verdict: str) -> pd.DataFrame:
    """Per post flagged ``verdict`` at some age: the age and capture time at which it was
    flagged first (platform, post_id, age, flagged_at); for the weekly digest, which lists
    a post in the week it was first flagged."""
    hits = judged[judged["verdict"] == verdict].sort_values("captured_at")
    first = hits.groupby(["platform", "post_id"], sort=False).head(1)
    return first[["platform", "post_id", "age", "captured_at"]].rename(
        columns={"captured_at": "flagged_at"}
    )


# -- content categories -----------------------------------------------------------------

CATEGORY_COLUMNS = ["platform", "post_id", "category", "source", "matched", "set_by", "set_at"]


def _phrase(word: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(word.lower()) + r"(?!\w)")


def categorise(
    posts: pd.DataFrame, categories: Categories, overrides: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The content category of each post (Doney, Wikle & Martinez 2020: showcasing,
    orienting, humanizing, crowdsourcing), decided in this order:

    1. staff's choice on the dashboard (``overrides``: the store's post_categories), then
    2. the configured ``urls`` (post URL -> category; scheme, www. and query ignored), then
    3. the rules: a category's score = the number of its different keywords (whole words,
       any case, in caption or title) and hashtags (whole hashtags) the post has; the
       highest score wins, a tie goes to the first category in ``order``;
    4. no match: NA (uncategorised — never guessed).

    A choice of ``none`` (staff or URL) means "no category fits": NA too. ``source`` says
    which step decided (staff, url, rules; NA when none did), ``matched`` the words found.
    """
    if posts.empty:
        return pd.DataFrame(columns=CATEGORY_COLUMNS)
    rules = [
        (rule.category, [(k, _phrase(k)) for k in rule.keywords], set(rule.hashtags))
        for rule in categories.rules
    ]
    order = {c: i for i, c in enumerate(categories.order)}
    texts = (
        (posts["caption"].fillna("").astype(str) + " " + posts["title"].fillna("").astype(str))
        .str.lower()
        .to_numpy(dtype=object)
    )
    rows = []
    for platform, post_id, text, hashtags in zip(
        posts["platform"].to_numpy(dtype=object),
        posts["post_id"].to_numpy(dtype=object),
        texts,
        posts["hashtags"].to_numpy(dtype=object),
        strict=True,
    ):
        tags = {h.lower() for h in hashtags} | {
            "#" + t for t in re.findall(r"(?<![\w&])#(\w+)", text)
        }
        best: tuple[int, int] | None = None
        category, matched = None, ""
        for name, phrases, rule_tags in rules:
            hits = [k for k, pattern in phrases if pattern.search(text)]
            hits += sorted(rule_tags & tags)
            if not hits:
                continue
            key = (-len(hits), order.get(name, len(order)))
            if best is None or key < best:
                best, category, matched = key, name, ", ".join(hits)
        rows.append((platform, post_id, category, "rules" if category else None, matched))
    out = pd.DataFrame(rows, columns=["platform", "post_id", "category", "source", "matched"])
    out["set_by"] = None
    out["set_at"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    if categories.urls:
        by_url = {normalize_url(u): c for u, c in categories.urls.items()}
        chosen = posts["url"].map(
            lambda u: by_url.get(normalize_url(u)) if isinstance(u, str) else None
        )
        hit = chosen.notna().to_numpy()
        out.loc[hit, "category"] = chosen[hit].to_numpy()
        out.loc[hit, "source"] = "url"
        out.loc[hit, "matched"] = ""
    if overrides is not None and len(overrides):
        staff = overrides.set_index(["platform", "post_id"])
        index = pd.MultiIndex.from_frame(out[["platform", "post_id"]])
        hit = index.isin(staff.index)
        picked = staff.reindex(index[hit])
        out.loc[hit, "category"] = picked["category"].to_numpy()
        out.loc[hit, "source"] = "staff"
        out.loc[hit, "matched"] = ""
        out.loc[hit, "set_by"] = picked["set_by"].to_numpy()
        out.loc[hit, "set_at"] = pd.to_datetime(picked["set_at"], utc=True).to_numpy()
    out["category"] = out["category"].where(out["category"] != NO_CATEGORY, None)
    return out[CATEGORY_COLUMNS]


CATEGORY_SUMMARY_COLUMNS = [
    "library_id", "platform", "category", "posts", "share", "mean_er", "breakouts"
]  # fmt: skip


def category_summary(
    posts: pd.DataFrame, categorised: pd.DataFrame, post_verdicts: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per library and platform, and per platform for all libraries together (library
    ``all``), and per category (``uncategorised`` for posts without one):

    - posts; share = posts ÷ the library's posts on that platform × 100
    - mean_er = mean of the posts' ER by followers (posts with hidden likes left out)
    - breakouts = posts of the category flagged as breakouts (see :func:`judge`)

    Platforms are never mixed: one figure for Instagram and YouTube posts together would
    fuse YouTube data with another platform's (YouTube API policy). Categories in the
    paper's order, then uncategorised; every category is listed for every library and
    platform it posts on, with 0 posts when it has none.
    """
    keys = ["platform", "post_id"]
    frame = posts[[*keys, "library_id", "er_followers"]].merge(
        categorised[[*keys, "category"]], on=keys, how="left"
    )
    frame["category"] = frame["category"].fillna(UNCATEGORISED)
    if post_verdicts is not None and len(post_verdicts):
        flagged = post_verdicts.loc[post_verdicts["verdict"] == BREAKOUT, keys].assign(_b=1)
        frame = frame.merge(flagged, on=keys, how="left")
        frame["_b"] = frame["_b"].fillna(0)
    else:
        frame["_b"] = 0
    frame["er_followers"] = frame["er_followers"].astype("float64")
    rows = []
    for platform in sorted(set(frame["platform"])):
        on_platform = frame[frame["platform"] == platform]
        libraries = sorted(set(on_platform["library_id"]))
        for library in [*libraries, "all"]:
            mine = (
                on_platform
                if library == "all"
                else on_platform[on_platform["library_id"] == library]
            )
            for category in [*CATEGORIES, UNCATEGORISED]:
                part = mine[mine["category"] == category]
                rows.append(
                    {
                        "library_id": library,
                        "platform": platform,
                        "category": category,
                        "posts": len(part),
                        "share": len(part) / len(mine) * 100 if len(mine) else np.nan,
                        "mean_er": float(part["er_followers"].mean()) if len(part) else np.nan,
                        "breakouts": int(part["_b"].sum()),
                    }
                )
    return pd.DataFrame(rows, columns=CATEGORY_SUMMARY_COLUMNS)


# -- best time to post -------------------------------------------------------------------

SLOT_COLUMNS = ["library_id", "platform", "weekday", "hour", "posts", "mean_er", "rank"]


def best_slots(
    posts: pd.DataFrame, min_posts: int = BEST_SLOT_MIN_POSTS, n: int = 3
) -> pd.DataFrame:
    """The best posting slots per library and platform: local weekday (0 = Monday) × hour
    of the posts given, ranked by the mean ER by followers of their posts (as the Compare
    page's heatmap colours them), keeping only slots with at least ``min_posts`` posts
    with a known ER; the top ``n`` per library and platform (fewer, or none, when few slots
    rest on enough posts). Ties: more posts first, then the earlier slot."""
    known = posts[posts["er_followers"].notna()]
    if known.empty:
        return pd.DataFrame(columns=SLOT_COLUMNS)
    local = known["local_time"]
    slots = (
        known.assign(
            weekday=local.dt.day_of_week,
            hour=local.dt.hour,
            _er=known["er_followers"].astype("float64"),
        )
        .groupby(["library_id", "platform", "weekday", "hour"], as_index=False)
        .agg(posts=("post_id", "size"), mean_er=("_er", "mean"))
    )
    slots = slots[slots["posts"] >= min_posts]
    slots = slots.sort_values(
        ["library_id", "platform", "mean_er", "posts", "weekday", "hour"],
        ascending=[True, True, False, False, True, True],
    )
    slots["rank"] = slots.groupby(["library_id", "platform"]).cumcount() + 1
    return slots[slots["rank"] <= n][SLOT_COLUMNS].reset_index(drop=True)

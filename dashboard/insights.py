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
from collectors.store.schema import AGES as STORED_AGES
from dashboard.campaigns import normalize_url
from dashboard.metrics import engagements

#: Ages (days after publication) at which posts are compared with their account's others
#: (the store keeps each post's first capture at these ages: ``post_ages``).
AGES = STORED_AGES
MIN_EARLIER = 8  # fewer earlier posts of the kind: no verdict
MAX_EARLIER = 20  # the baseline is at most the last 20 earlier posts of the kind
Z_LIMIT = 3.5  # Iglewicz & Hoaglin's cut-off for the modified z-score
RATIO = 2.0  # a breakout is also at least 2× the median; an underperformer at most ½
MAD_FACTOR = 0.6745  # modified z = 0.6745 × (x − median) ÷ MAD
MEANAD_FACTOR = 1.253314  # when MAD is 0: z = (x − median) ÷ (1.253314 × mean absolute dev.)
#: Earlier posts count in a post's baseline only when published within this time before it.
LOOKBACK = pd.Timedelta(days=365)
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


def ages_from_captures(
    posts: pd.DataFrame, captures: pd.DataFrame, ages: Sequence[int] = AGES
) -> pd.DataFrame:
    """:func:`age_metrics` from the store's kept captures (``Store.age_inputs``): ``posts``
    (platform, post_id, account_id, kind, published_at, metrics_at = the last capture,
    followers_at_post) and ``captures`` (platform, post_id, age, captured_at, likes,
    comments: the first capture at each age). Same rows, same rules."""
    keys = ["platform", "post_id"]
    base = posts[[*keys, "account_id", "kind", "published_at", "metrics_at",
                  "followers_at_post"]].drop_duplicates(keys)  # fmt: skip
    frames = []
    for age in ages:
        taken = captures.loc[captures["age"] == age, [*keys, "captured_at", "likes", "comments"]]
        frame = base.merge(taken, on=keys, how="left")
        frame["age"] = age
        frame["engagements"] = engagements(frame)
        followers = frame["followers_at_post"].astype("Float64")
        frame["er"] = (frame["engagements"] / followers.mask(followers <= 0) * 100).astype(
            "Float64"
        )
        seen = (frame["metrics_at"] - frame["published_at"]).dt.total_seconds() / 3600
        frame["status"] = np.where(
            frame["captured_at"].notna(),
            np.where(frame["er"].isna(), "no_er", "ok"),
            np.where(seen < 24 * age, "too_young", "no_capture"),
        )
        frames.append(frame)
    if not frames or base.empty:
        return pd.DataFrame(columns=AGE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[AGE_COLUMNS]


def _medians(windows: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Row medians of ``windows`` whose first ``counts`` values (per row) are set and the
    rest NaN; NaN for a row without values."""
    ordered = np.sort(windows, axis=1)  # NaN last
    rows = np.arange(len(ordered))
    low = np.clip((counts - 1) // 2, 0, None)
    high = np.clip(counts // 2, 0, None)
    values = (ordered[rows, low] + ordered[rows, high]) / 2
    return np.where(counts > 0, values, np.nan)


def judge(ages: pd.DataFrame, lookback: pd.Timedelta = LOOKBACK) -> pd.DataFrame:
    """Breakout and underperforming posts, per post and age (from :func:`age_metrics`).

    Each post's ER at age N (x) is compared with its account's earlier posts of the same
    kind (same account, hence same platform; published strictly before it, so posts of the
    same minute are not each other's baseline, and within ``lookback`` before it) that have
    an ER at that age: the last 20 of them, and at least 8 (else ``few_earlier``). With
    their median m:

    - MAD = median of |b − m| over the baseline; modified z = 0.6745 × (x − m) ÷ MAD
      (Iglewicz & Hoaglin). When MAD is 0 (half the baseline or more has one value),
      z = (x − m) ÷ (1.253314 × mean |b − m|); when that is 0 too (every baseline value
      equal), there is no z and the ratio alone decides.
    - ratio = x ÷ m; with m = 0 there is no "typical" to compare with (``zero_median``).
    - breakout: z ≥ 3.5 and ratio ≥ 2; underperformer: z ≤ −3.5 and ratio ≤ 0.5
      (both bounds included); otherwise ``typical``.

    Posts without an ER at that age (hidden likes, no capture, too young) get no verdict
    and are never part of another post's baseline. The verdict of a post depends only on
    the post and the posts before it, whatever period is shown.
    """
    ordered = ages.sort_values(["account_id", "kind", "age", "published_at", "post_id"])
    n = len(ordered)
    baseline_posts = np.zeros(n, dtype="int64")
    median = np.full(n, np.nan)
    mad = np.full(n, np.nan)
    scale = np.full(n, np.nan)
    spread = np.full(n, None, dtype=object)
    times_all = ordered["published_at"].to_numpy(dtype="datetime64[ns]")
    er_all = ordered["er"].astype("float64").to_numpy()
    valid_all = (ordered["status"] == "ok").to_numpy()
    keys = ordered[["account_id", "kind", "age"]]
    group_starts = (
        np.flatnonzero(
            np.r_[True, (keys.iloc[1:].to_numpy() != keys.iloc[:-1].to_numpy()).any(axis=1)]
        )
        if n
        else np.array([], dtype="int64")
    )
    bounds = [*group_starts.tolist(), n]
    for start, end in zip(bounds[:-1], bounds[1:], strict=True):
        times, ers, valid = times_all[start:end], er_all[start:end], valid_all[start:end]
        v_times, v_ers = times[valid], ers[valid]
        # Earlier valid posts: strictly before the post, and not before its lookback.
        last = np.searchsorted(v_times, times, side="left")
        first = np.maximum(
            np.searchsorted(v_times, times - np.timedelta64(lookback), side="left"),
            last - MAX_EARLIER,
        )
        counts = np.maximum(last - first, 0)
        baseline_posts[start:end] = counts
        offsets = first[:, None] + np.arange(MAX_EARLIER)[None, :]
        inside = offsets < last[:, None]
        windows = np.where(inside, v_ers[np.clip(offsets, 0, max(len(v_ers) - 1, 0))]
                           if len(v_ers) else np.nan, np.nan)  # fmt: skip
        m = _medians(windows, counts)
        deviations = np.abs(windows - m[:, None])
        mads = _medians(deviations, counts)
        with np.errstate(invalid="ignore"):
            mean_ad = np.nansum(deviations, axis=1) / np.where(counts > 0, counts, np.nan)
        scales = np.where(mads > 0, mads / MAD_FACTOR, np.where(mean_ad > 0,
                          MEANAD_FACTOR * mean_ad, 0.0))  # fmt: skip
        names = np.where(mads > 0, "mad", np.where(mean_ad > 0, "meanad", "none"))
        judged = valid & (counts >= MIN_EARLIER)
        median[start:end] = np.where(judged, m, np.nan)
        mad[start:end] = np.where(judged, mads, np.nan)
        scale[start:end] = np.where(judged, scales, np.nan)
        spread[start:end] = np.where(judged, names, None)
    x = er_all
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(median > 0, x / median, np.nan)
        z = np.where((median > 0) & (scale > 0), (x - median) / scale, np.nan)
    no_spread = scale == 0
    high = (ratio >= RATIO) & (no_spread | (z >= Z_LIMIT))
    low = (ratio <= 1 / RATIO) & (no_spread | (z <= -Z_LIMIT))
    status = ordered["status"].to_numpy(dtype=object)
    verdict = np.where(
        ~valid_all,
        status,
        np.where(
            baseline_posts < MIN_EARLIER,
            "few_earlier",
            np.where(
                ~(median > 0),
                "zero_median",
                np.where(high, BREAKOUT, np.where(low, UNDERPERFORMER, TYPICAL)),
            ),
        ),
    )
    out = ordered.assign(
        baseline_posts=baseline_posts,
        median=median,
        mad=mad,
        spread=spread,
        z=z,
        ratio=ratio,
        verdict=verdict,
    )
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


_HASHTAG = re.compile(r"(?<![\w&])(#\w+)")


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
    texts = (
        posts["caption"].fillna("").astype(str) + " " + posts["title"].fillna("").astype(str)
    ).str.lower()
    # Every post's hashtags: those the platform lists and those written in the text.
    listed = posts["hashtags"].explode().dropna().astype(str).str.lower()
    found = [_HASHTAG.findall(text) for text in texts.to_numpy(dtype=object)]
    written = pd.Series(
        [tag for tags in found for tag in tags],
        index=np.repeat(posts.index.to_numpy(), [len(tags) for tags in found]),
        dtype=object,
    )
    tags = pd.concat([listed, written])
    # Positions 0 … n-1 of the posts, whatever their index.
    tags.index = posts.index.get_indexer(tags.index)
    tagged = pd.Series(tags.index, index=tags.to_numpy()) if len(tags) else pd.Series(dtype=object)
    n = len(posts)
    rows = np.arange(n)
    best_score = np.zeros(n, dtype="int64")
    best_rank = np.full(n, np.iinfo("int64").max)
    category = np.full(n, None, dtype=object)
    matched = np.full(n, "", dtype=object)
    order = {c: i for i, c in enumerate(categories.order)}
    for rule in categories.rules:
        terms: list[str] = []
        columns: list[np.ndarray] = []
        for word in rule.keywords:
            # A plain substring test first (fast), the whole-word test only where it is.
            found = texts.str.contains(word.lower(), regex=False).to_numpy(dtype=bool, copy=True)
            if found.any():
                exact = texts[found].str.contains(_phrase(word).pattern, regex=True)
                found[found] = exact.to_numpy()
            terms.append(word)
            columns.append(found)
        for tag in sorted(rule.hashtags):
            found = np.zeros(n, dtype=bool)
            positions = tagged.get(tag.lower())
            if positions is not None:
                found[np.atleast_1d(positions)] = True
            terms.append(tag)
            columns.append(found)
        if not columns:
            continue
        hits = np.column_stack(columns)
        score = hits.sum(axis=1)
        rank = order.get(rule.category, len(order))
        wins = (score > 0) & ((score > best_score) | ((score == best_score) & (rank < best_rank)))
        best_score = np.where(wins, score, best_score)
        best_rank = np.where(wins, rank, best_rank)
        category[wins] = rule.category
        names = np.array(terms, dtype=object)
        for row in rows[wins]:
            matched[row] = ", ".join(names[hits[row]])
    out = pd.DataFrame(
        {
            "platform": posts["platform"].to_numpy(dtype=object),
            "post_id": posts["post_id"].to_numpy(dtype=object),
            "category": category,
            "source": np.where(pd.notna(category), "rules", None),
            "matched": matched,
        }
    )
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
    return with_overrides(out, overrides)


def with_overrides(categorised: pd.DataFrame, overrides: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`categorise`'s step 1: staff's choices (the store's post_categories) replace
    what the URLs and rules decided."""
    out = categorised.copy()
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
    if frame.empty:
        return pd.DataFrame(columns=CATEGORY_SUMMARY_COLUMNS)
    # Each library, and all libraries together, per platform.
    both = pd.concat([frame, frame.assign(library_id="all")], ignore_index=True)
    sums = both.groupby(["platform", "library_id", "category"]).agg(
        posts=("post_id", "size"), mean_er=("er_followers", "mean"), breakouts=("_b", "sum")
    )
    libraries = (
        both[["platform", "library_id"]].drop_duplicates().sort_values(["platform", "library_id"])
    )
    libraries["_order"] = (libraries["library_id"] == "all").astype(int)
    libraries = libraries.sort_values(["platform", "_order", "library_id"])
    grid = libraries[["platform", "library_id"]].merge(
        pd.DataFrame({"category": [*CATEGORIES, UNCATEGORISED]}), how="cross"
    )
    out = grid.merge(sums.reset_index(), on=["platform", "library_id", "category"], how="left")
    out["posts"] = out["posts"].fillna(0).astype("int64")
    out["breakouts"] = out["breakouts"].fillna(0).astype("int64")
    totals = out.groupby(["platform", "library_id"])["posts"].transform("sum")
    out["share"] = out["posts"] / totals.where(totals > 0) * 100
    out["mean_er"] = out["mean_er"].astype("float64")
    return out[CATEGORY_SUMMARY_COLUMNS].reset_index(drop=True)


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

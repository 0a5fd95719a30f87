"""Joint campaigns and cross-promotion as pure functions: DataFrames in, DataFrames out.

Each docstring states its rule or formula; the Campaigns page's help texts repeat them.
``posts`` are enriched posts (see ``metrics.enrich_posts``); no I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from collectors.config import Campaign
from dashboard.metrics import Period, accounts_of, audience, in_period, post_sums

ALL = "all"
BASELINE_DAYS = 90
ATTRIBUTION_COLUMNS = ["campaign_id", "platform", "post_id", "library_id", "reason"]


def normalize_url(url: str) -> str:
    """A post URL without scheme, query, fragment, ``www.`` and trailing slash; the host in
    lower case (the path is kept: Instagram shortcodes are case-sensitive)."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    return f"{host}{parts.path.rstrip('/')}"


def library_handles(
    accounts: pd.DataFrame, extra: dict[str, Iterable[str]] | None = None
) -> dict[str, set[str]]:
    """Handles of each library's accounts, lower-case and without '@' (YouTube handles too)."""
    handles: dict[str, set[str]] = {}
    for row in accounts.itertuples():
        handles.setdefault(row.library_id, set()).add(str(row.handle).lower().lstrip("@"))
    for library_id, names in (extra or {}).items():
        handles.setdefault(library_id, set()).update(n.lower().lstrip("@") for n in names)
    return handles


def _keyword_pattern(keywords: Sequence[str]) -> re.Pattern[str] | None:
    words = [re.escape(k.strip().lower()) for k in keywords if k.strip()]
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)")


def _text_hashtags(text: str) -> set[str]:
    return {"#" + t.lower() for t in re.findall(r"(?<![\w&])#(\w+)", text)}


def attribute(
    posts: pd.DataFrame,
    campaigns: Sequence[Campaign],
    handles: dict[str, set[str]],
) -> pd.DataFrame:
    """Which posts belong to which campaign, and why.

    A post belongs to campaign C when it is published on a day in [start, end] (local days,
    both included) by an account of a library in C, and its caption or title contains one
    of C's hashtags (the whole hashtag, any case: ``#bulanliterasi2025`` does not match
    ``#bulanliterasi``) or keywords (whole words, any case), or it mentions, tags or
    co-authors an account of another library in C. A post whose URL is in C's
    ``include_urls`` belongs to C if its library is in C, whatever its date or text; one in
    ``exclude_urls`` never does. A post may belong to several campaigns.

    ``posts`` need local_day, library_id, platform, post_id, caption, title, hashtags,
    mentions, tagged, coauthors and url. ``reason`` is hashtag, keyword, partner or url.
    """
    rows = []
    if posts.empty:
        return pd.DataFrame(columns=ATTRIBUTION_COLUMNS)
    for campaign in campaigns:
        members = set(campaign.libraries)
        include = {normalize_url(u) for u in campaign.include_urls}
        exclude = {normalize_url(u) for u in campaign.exclude_urls}
        mask = posts["library_id"].isin(members)
        if not include:  # only listed URLs may lie outside the campaign's days
            mask &= (posts["local_day"] >= campaign.start) & (posts["local_day"] <= campaign.end)
        chosen = posts[mask]
        if chosen.empty:
            continue
        tags = set(campaign.hashtags)
        keywords = _keyword_pattern(campaign.keywords)
        partners = {
            lib: set().union(*(handles.get(o, set()) for o in members if o != lib))
            for lib in members
        }
        texts = (
            (
                chosen["caption"].fillna("").astype(str)
                + " "
                + chosen["title"].fillna("").astype(str)
            )
            .str.lower()
            .to_numpy(dtype=object)
        )
        urls = chosen["url"].fillna("").to_numpy(dtype=object)
        columns = zip(
            chosen["library_id"].to_numpy(dtype=object),
            chosen["platform"].to_numpy(dtype=object),
            chosen["post_id"].to_numpy(dtype=object),
            chosen["local_day"].to_numpy(dtype=object),
            chosen["hashtags"].to_numpy(dtype=object),
            chosen["mentions"].to_numpy(dtype=object),
            chosen["tagged"].to_numpy(dtype=object),
            chosen["coauthors"].to_numpy(dtype=object),
            texts,
            urls,
            strict=True,
        )
        for (
            library,
            platform,
            post_id,
            day,
            hashtags,
            mentions,
            tagged,
            coauthors,
            text,
            url,
        ) in columns:
            normalized = normalize_url(url) if include or exclude else ""
            if normalized in exclude:
                continue
            reason = None
            if normalized and normalized in include:
                reason = "url"
            elif campaign.start <= day <= campaign.end:
                if tags & (set(hashtags) | _text_hashtags(text)):
                    reason = "hashtag"
                elif keywords is not None and keywords.search(text):
                    reason = "keyword"
                else:
                    named = {h.lower().lstrip("@") for h in (*mentions, *tagged, *coauthors)}
                    if partners[library] & named:
                        reason = "partner"
            if reason:
                rows.append((campaign.id, platform, post_id, library, reason))
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


def campaign_posts(posts: pd.DataFrame, attributed: pd.DataFrame, campaign_id: str) -> pd.DataFrame:
    """The enriched posts of one campaign."""
    keys = attributed.loc[attributed["campaign_id"] == campaign_id, ["platform", "post_id"]]
    return posts.merge(keys, on=["platform", "post_id"])


def _median(values: pd.Series) -> float:
    known = values.dropna()
    return float(known.median()) if len(known) else np.nan


# The columns the campaign figures use: filtering only these is much cheaper than filtering
# posts with their texts.
_FIGURE_COLUMNS = [
    "platform", "post_id", "account_id", "library_id", "handle", "local_day", "engagements",
    "er_followers", "views", "followers_at_post",
]  # fmt: skip


LIFT_COLUMNS = ["level", "library_id", "platform", "account_id", "handle", "campaign_posts",
                "campaign_median_er", "baseline_posts", "baseline_median_er", "lift"]  # fmt: skip


def group_lift(accounts: pd.DataFrame) -> float:
    """The lift of a group of accounts (a library's accounts on one platform, or every
    library's): the mean of its accounts' lifts weighted by their campaign posts,

        Σ (campaign_posts_a × lift_a) ÷ Σ campaign_posts_a   over accounts a with a lift,

    NA when no account has one. A weighted mean of the parts always lies between the
    smallest and the largest of them: a combined lift can never fall below (or rise above)
    every library's, as a median of pooled posts can when accounts of very different ER are
    pooled. ``accounts`` are rows of :func:`lift` at level "account"."""
    known = accounts.dropna(subset=["lift"])
    weights = known["campaign_posts"].astype("float64")
    if known.empty or weights.sum() <= 0:
        return np.nan
    return float((known["lift"].astype("float64") * weights).sum() / weights.sum())


def lift(posts: pd.DataFrame, attributed: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    """Campaign lift per account, then per library and platform, and per platform for all
    the libraries together (level ``all``):

    - account: lift = median ER (followers) of the account's campaign posts ÷ median ER of
      its non-campaign posts in the 90 days before the campaign starts (NA without either);
    - library and all: the campaign-post-weighted mean of their accounts' lifts, see
      :func:`group_lift`. Platforms are never mixed (YouTube figures are not fused with
      another platform's). Their campaign_posts and baseline_posts are sums; their medians
      are left NA, since the group's lift is not their ratio.

    Columns: level (account/library/all), library_id, platform, account_id, handle,
    campaign_posts, campaign_median_er, baseline_posts, baseline_median_er, lift.
    """
    posts = posts[[c for c in _FIGURE_COLUMNS if c in posts]]  # cheaper filters below
    inside = campaign_posts(posts, attributed, campaign.id)
    in_any = attributed[["platform", "post_id"]].drop_duplicates()
    before = Period(
        campaign.start - dt.timedelta(days=BASELINE_DAYS), campaign.start - dt.timedelta(days=1)
    )
    base = in_period(posts, before)
    base = base.merge(in_any, on=["platform", "post_id"], how="left", indicator=True)
    base = base[base["_merge"] == "left_only"].drop(columns="_merge")
    rows = []
    accounts_in = inside[["account_id", "library_id", "platform", "handle"]].drop_duplicates()
    for acc in accounts_in.sort_values(["library_id", "platform", "handle"]).itertuples():
        c = inside[inside["account_id"] == acc.account_id]
        b = base[base["account_id"] == acc.account_id]
        cm, bm = _median(c["er_followers"]), _median(b["er_followers"])
        rows.append(
            {
                "level": "account",
                "library_id": acc.library_id,
                "platform": acc.platform,
                "account_id": acc.account_id,
                "handle": acc.handle,
                "campaign_posts": len(c),
                "campaign_median_er": cm,
                "baseline_posts": len(b),
                "baseline_median_er": bm,
                "lift": cm / bm if bm and not np.isnan(bm) and not np.isnan(cm) else np.nan,
            }
        )
    per_account = pd.DataFrame(rows, columns=LIFT_COLUMNS)
    for keys, level in ((["library_id", "platform"], "library"), (["platform"], ALL)):
        for key, group in per_account.groupby(keys, sort=True):
            library_id, platform = key if level == "library" else (ALL, key[0])
            rows.append(
                {
                    "level": level,
                    "library_id": library_id,
                    "platform": platform,
                    "account_id": None,
                    "handle": "",
                    "campaign_posts": int(group["campaign_posts"].sum()),
                    "campaign_median_er": np.nan,
                    "baseline_posts": int(group["baseline_posts"].sum()),
                    "baseline_median_er": np.nan,
                    "lift": group_lift(group),
                }
            )
    return pd.DataFrame(rows, columns=LIFT_COLUMNS)


SUMMARY_COLUMNS = [
    "campaign_id",
    "library_id",
    "platform",
    "posts",
    "engagements",
    "views",
    "mean_er",
    "potential_reach",
    "lift",
    "audience_growth",
    "audience_growth_before",
]


def summary(
    posts: pd.DataFrame,
    attributed: pd.DataFrame,
    daily: pd.DataFrame,
    accounts: pd.DataFrame,
    campaigns: Sequence[Campaign],
    precomputed: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per campaign, platform and library, and per platform for all the libraries together
    (library ``all``). Platforms are never added up: YouTube figures are not fused with
    another platform's (YouTube API policy), so "all" means all libraries, one platform.

    - posts, engagements (sum), views (sum where given, NA if none), mean ER by followers
    - potential_reach = sum of the audience at posting time of the campaign's posts (people
      reached at most; public data has no real reach)
    - lift: see :func:`lift` (``precomputed``: its result, for a single campaign)
    - audience_growth = followers gained during the campaign (its libraries' accounts), and
      audience_growth_before = gained in the window of equal length just before it
    """
    rows = []
    posts = posts[[c for c in _FIGURE_COLUMNS if c in posts]]
    for campaign in campaigns:
        inside = campaign_posts(posts, attributed, campaign.id)
        lifts = (
            lift(posts, attributed, campaign) if precomputed is None else precomputed
        ).set_index(["level", "library_id", "platform"])
        period = Period(campaign.start, campaign.end)
        member_accounts = accounts[accounts["library_id"].isin(campaign.libraries)]
        members = [lib for lib in campaign.libraries if lib in set(accounts["library_id"])]
        aud_now = audience(daily, accounts, period)
        aud_before = audience(daily, accounts, period.previous())
        for platform in [
            p for p in ("instagram", "youtube") if p in set(member_accounts["platform"])
        ]:
            on_platform = set(
                member_accounts.loc[member_accounts["platform"] == platform, "library_id"]
            )
            for library_id in [*[m for m in members if m in on_platform], ALL]:
                chosen = members if library_id == ALL else [library_id]
                p = inside[inside["library_id"].isin(chosen) & (inside["platform"] == platform)]
                views = p["views"].dropna()
                level = ALL if library_id == ALL else "library"
                key = (level, library_id, platform)
                now = aud_now[
                    aud_now["library_id"].isin(chosen) & (aud_now["platform"] == platform)
                ]
                was = aud_before[
                    aud_before["library_id"].isin(chosen) & (aud_before["platform"] == platform)
                ]
                rows.append(
                    {
                        "campaign_id": campaign.id,
                        "library_id": library_id,
                        "platform": platform,
                        "posts": len(p),
                        "engagements": float(p["engagements"].sum()),
                        "views": float(views.sum()) if len(views) else np.nan,
                        "mean_er": float(p["er_followers"].dropna().mean())
                        if p["er_followers"].notna().any()
                        else np.nan,
                        "potential_reach": float(p["followers_at_post"].sum()),
                        "lift": lifts.loc[key, "lift"] if key in lifts.index else np.nan,
                        "audience_growth": now["growth"].sum(min_count=1),
                        "audience_growth_before": was["growth"].sum(min_count=1),
                    }
                )
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


CROSS_COLUMNS = ["source", "target", "platform", "how", "posts", "engagements"]


def cross_promotion(posts: pd.DataFrame, handles: dict[str, set[str]]) -> pd.DataFrame:
    """Edges A → B per platform: posts of library A on that platform that mention, tag or
    co-author an account of library B, with their count and engagements. ``how`` is
    mention, tag, coauthor, or any (a post counted once per pair whatever the ways).
    Platforms are never added up: YouTube figures are not fused with another platform's
    (YouTube API policy)."""
    owner = {h: lib for lib, names in handles.items() for h in names}
    rows = []
    named = posts[
        (posts["mentions"].map(len) + posts["tagged"].map(len) + posts["coauthors"].map(len)) > 0
    ]
    for library, platform, engagements, mentions, tagged, coauthors in zip(
        named["library_id"].to_numpy(dtype=object),
        named["platform"].to_numpy(dtype=object),
        named["engagements"].astype("float64").to_numpy(),
        named["mentions"].to_numpy(dtype=object),
        named["tagged"].to_numpy(dtype=object),
        named["coauthors"].to_numpy(dtype=object),
        strict=True,
    ):
        seen: set[str] = set()
        for how, names in (("mention", mentions), ("tag", tagged), ("coauthor", coauthors)):
            targets = {owner.get(n.lower().lstrip("@")) for n in names} - {None, library}
            for target in targets:
                rows.append((library, target, platform, how, engagements))
                seen.add(target)
        for target in seen:
            rows.append((library, target, platform, "any", engagements))
    if not rows:
        return pd.DataFrame(columns=CROSS_COLUMNS)
    frame = pd.DataFrame(rows, columns=["source", "target", "platform", "how", "engagements"])
    out = frame.groupby(["source", "target", "platform", "how"], as_index=False).agg(
        posts=("engagements", "size"), engagements=("engagements", "sum")
    )
    return out[CROSS_COLUMNS]


HASHTAG_COLUMNS = ["hashtag", "platform", "posts", "mean_er", "engagements", "libraries"]


def hashtag_performance(posts: pd.DataFrame, min_posts: int = 3) -> pd.DataFrame:
    """:func:`hashtag_totals` of enriched posts (their library_id and platform name the
    accounts)."""
    posts, accounts = accounts_of(posts)
    return hashtag_totals(post_sums(posts, by=["hashtag"]), accounts, min_posts)


def hashtag_totals(sums: pd.DataFrame, accounts: pd.DataFrame, min_posts: int = 3) -> pd.DataFrame:
    """Per hashtag and platform, for those used in at least ``min_posts`` posts on that
    platform: posts, mean ER by followers, total engagements and the libraries using it;
    best mean ER first. A hashtag used on Instagram and YouTube gets one row per platform:
    YouTube figures are not fused with another platform's (YouTube API policy). ``sums``
    are ``metrics.post_sums`` per account and hashtag (or ``Store.post_sums``)."""
    info = accounts[["id", "library_id", "platform"]].rename(columns={"id": "account_id"})
    merged = sums.merge(info, on="account_id")
    if merged.empty:
        return pd.DataFrame(columns=HASHTAG_COLUMNS)
    out = merged.groupby(["hashtag", "platform"], as_index=False).agg(
        posts=("posts", "sum"),
        er_n=("er_n", "sum"),
        er_sum=("er_sum", lambda v: v.sum(min_count=1)),
        engagements=("eng_sum", "sum"),
        libraries=("library_id", lambda v: ", ".join(sorted(set(v)))),
    )
    out["mean_er"] = out["er_sum"] / out["er_n"].where(out["er_n"] > 0)
    out = out[out["posts"] >= min_posts]
    return out.sort_values(
        ["mean_er", "posts", "hashtag", "platform"],
        ascending=[False, False, True, True],
        na_position="last",
    )[HASHTAG_COLUMNS].reset_index(drop=True)


def top_posts(posts: pd.DataFrame, by: str, n: int = 10) -> pd.DataFrame:
    """The ``n`` posts with the highest ``by`` (engagements or er_followers); unknown last."""
    return posts.sort_values(by, ascending=False, na_position="last").head(n)

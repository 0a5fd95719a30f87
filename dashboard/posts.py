"""Searching and ordering posts for the Posts page; pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from dashboard import i18n


def search_words(query: str) -> list[str]:
    """The words a search looks for: in lower case, without a leading @."""
    return [w.lower().lstrip("@") for w in query.split() if w.strip()]


def search_posts(
    posts: pd.DataFrame, query: str, kinds: Sequence[str], order: str = "newest"
) -> pd.DataFrame:
    """Posts of the given kinds whose caption, title, hashtags, mentions or account contain
    every word of ``query`` (any case); ordered newest first, or by engagements, ER by
    followers ("er") or ER by reach ("er_reach", posts without one last)."""
    mask = posts["kind"].isin(list(kinds))
    words = search_words(query)
    if words:
        haystack = (
            posts["caption"].fillna("").astype(str)
            + " "
            + posts["title"].fillna("").astype(str)
            + " "
            + posts["hashtags"].map(" ".join)
            + " "
            + posts["mentions"].map(" ".join)
            + " "
            + posts["handle"].fillna("").astype(str)
        ).str.lower()
        for word in words:
            mask &= haystack.str.contains(word, regex=False)
    found = posts[mask]
    if order == "engagements":
        return found.sort_values("engagements", ascending=False, na_position="last")
    if order == "er":
        return found.sort_values("er_followers", ascending=False, na_position="last")
    if order == "er_reach" and "er_reach" in found:
        return found.sort_values("er_reach", ascending=False, na_position="last")
    return found.sort_values("published_at", ascending=False)


def count_per_platform(counts: Mapping[str, int] | pd.DataFrame, lang: str) -> str:
    """How many posts each platform has (``counts``: per platform, or posts to count),
    side by side: "Instagram 100 · YouTube 23" (never one count of both: YouTube figures
    are not fused with another platform's); "0" when there are none."""
    if isinstance(counts, pd.DataFrame):
        counts = counts["platform"].value_counts().to_dict()
    parts = [
        f"{i18n.text(p, lang)} {i18n.number(counts[p], lang)}"
        for p in ("instagram", "youtube")
        if counts.get(p, 0)
    ]
    return " · ".join(parts) or i18n.number(0, lang)


def post_label(post: pd.Series, labels: Mapping[str, str], lang: str) -> str:
    """A one-line name for a post: library, account, local time, kind."""
    when = i18n.datetime(post["local_time"].to_pydatetime(), lang)
    library = labels.get(post["library_id"], post["library_id"])
    return f"{library} · {post['handle']} · {when} · {i18n.kind(post['kind'], lang)}"


def post_labels(posts: pd.DataFrame, labels: Mapping[str, str], lang: str) -> list[str]:
    """:func:`post_label` of many posts at once (their times formatted in one pass)."""
    times = i18n.datetimes(posts["local_time"], lang)
    return [
        f"{labels.get(library, library)} · {handle} · {when} · {i18n.kind(kind, lang)}"
        for library, handle, when, kind in zip(
            posts["library_id"], posts["handle"], times, posts["kind"], strict=True
        )
    ]


def post_text(post: pd.Series) -> str:
    """Title and caption of a post, as they were posted."""
    parts = [post.get("title"), post.get("caption")]
    return "\n\n".join(str(p) for p in parts if p is not None and not pd.isna(p)) or "–"

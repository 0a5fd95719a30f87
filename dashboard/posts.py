"""Searching and ordering posts for the Posts page; pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd


def search_posts(
    posts: pd.DataFrame, query: str, kinds: Sequence[str], order: str = "newest"
) -> pd.DataFrame:
    """Posts of the given kinds whose caption, title, hashtags, mentions or account contain
    every word of ``query`` (any case); ordered newest first, or by engagements or ER."""
    mask = posts["kind"].isin(list(kinds))
    words = [w.lower().lstrip("@") for w in query.split() if w.strip()]
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
    return found.sort_values("published_at", ascending=False)

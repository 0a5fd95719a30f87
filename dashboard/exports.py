"""Downloads: posts and account history of the current filters as CSV and Excel bytes.

Columns keep the store's names (stable for spreadsheets and scripts); times are local.
Nothing secret is in these frames.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from dashboard.metrics import Period, in_period

POST_COLUMNS = [
    "library",
    "platform",
    "account",
    "post_id",
    "published_local",
    "kind",
    "title",
    "caption",
    "url",
    "likes",
    "comments",
    "views",
    "plays",
    "engagements",
    "followers_at_post",
    "er_followers_pct",
    "er_views_pct",
    "hashtags",
    "mentions",
    "tagged",
    "coauthors",
    "is_pinned",
    "gone",
]
HISTORY_COLUMNS = [
    "library",
    "platform",
    "account",
    "day",
    "followers",
    "following",
    "media_count",
    "total_views",
    "captured_local",
]


def _local(values: pd.Series, tz: str) -> pd.Series:
    if values.empty:
        return values.astype(str)
    return values.dt.tz_convert(tz).dt.strftime("%Y-%m-%d %H:%M")


def posts_export(
    posts: pd.DataFrame, period: Period, labels: Mapping[str, str], tz: str
) -> pd.DataFrame:
    """The period's posts (from :func:`metrics.enrich_posts`), one row each."""
    p = in_period(posts, period).sort_values("published_at")
    out = pd.DataFrame(
        {
            "library": [labels.get(x, x) for x in p["library_id"]],
            "platform": p["platform"].to_numpy(),
            "account": p["handle"].to_numpy(),
            "post_id": p["post_id"].to_numpy(),
            "published_local": _local(p["published_at"], tz).to_numpy(),
            "kind": p["kind"].to_numpy(),
            "title": p["title"].to_numpy(),
            "caption": p["caption"].to_numpy(),
            "url": p["url"].to_numpy(),
            "likes": p["likes"].to_numpy(),
            "comments": p["comments"].to_numpy(),
            "views": p["views"].to_numpy(),
            "plays": p["plays"].to_numpy(),
            "engagements": p["engagements"].to_numpy(),
            "followers_at_post": p["followers_at_post"].to_numpy(),
            "er_followers_pct": p["er_followers"].round(4).to_numpy(),
            "er_views_pct": p["er_views"].round(4).to_numpy(),
            "hashtags": [" ".join(x) for x in p["hashtags"]],
            "mentions": [" ".join("@" + m for m in x) for x in p["mentions"]],
            "tagged": [" ".join("@" + m for m in x) for x in p["tagged"]],
            "coauthors": [" ".join("@" + m for m in x) for x in p["coauthors"]],
            "is_pinned": p["is_pinned"].to_numpy(),
            "gone": p["gone_at"].notna().to_numpy(),
        },
        columns=POST_COLUMNS,
    )
    return out


def history_export(
    daily: pd.DataFrame, accounts: pd.DataFrame, period: Period, labels: Mapping[str, str], tz: str
) -> pd.DataFrame:
    """Daily account rows of the period."""
    mask = (daily["day"] >= period.start) & (daily["day"] <= period.end)
    d = (
        daily[mask]
        .merge(
            accounts[["id", "library_id", "platform", "handle"]].rename(
                columns={"id": "account_id"}
            ),
            on="account_id",
        )
        .sort_values(["library_id", "platform", "handle", "day"])
    )
    return pd.DataFrame(
        {
            "library": [labels.get(x, x) for x in d["library_id"]],
            "platform": d["platform"].to_numpy(),
            "account": d["handle"].to_numpy(),
            "day": [x.isoformat() for x in d["day"]],
            "followers": d["followers"].to_numpy(),
            "following": d["following"].to_numpy(),
            "media_count": d["media_count"].to_numpy(),
            "total_views": d["total_views"].to_numpy(),
            "captured_local": _local(d["captured_at"], tz).to_numpy(),
        },
        columns=HISTORY_COLUMNS,
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    # UTF-8 with BOM so that Excel opens Indonesian text correctly from a double click.
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()

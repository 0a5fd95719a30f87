"""Downloads: posts and account history of the current filters as CSV and Excel bytes.

The frames built here have stable machine names (the store's); :func:`localize` turns one
into what the reader downloads: headers and words in the chosen language, since the people
who open these files are managers in a spreadsheet, not scripts (scripts read the store or
the CLI). The columns and their order are the same in both languages. Times are local.
Nothing secret is in these frames.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from dashboard import i18n
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


_YES_NO = ("is_pinned", "gone")


def localize(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The export as a reader of ``lang`` gets it: column headers in the language (text keys
    ``export_<column>``), platform and content-type names and yes/no in the language.
    Numbers stay numbers."""
    out = frame.copy()
    if "platform" in out:
        out["platform"] = [i18n.text(p, lang) for p in out["platform"]]
    if "kind" in out:
        out["kind"] = [i18n.kind(k, lang) for k in out["kind"]]
    yes, no = i18n.text("yes", lang), i18n.text("no", lang)
    for column in _YES_NO:
        if column in out:
            out[column] = [yes if bool(v) else no for v in out[column]]
    return out.rename(columns={c: i18n.text(f"export_{c}", lang) for c in out.columns})


def csv_bytes(frame: pd.DataFrame, lang: str | None = None) -> bytes:
    """CSV as a spreadsheet of the reader's locale opens it with a double click: UTF-8 with
    BOM (Indonesian text), and for Bahasa Indonesia ';' between fields and ',' as decimal
    mark (what a spreadsheet set to Indonesian expects, as in most of Europe); English and
    no language give ',' and '.'."""
    if lang is not None and i18n.separators(lang)[0] == ",":
        return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
    return frame.to_csv(index=False).encode("utf-8-sig")


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()

"""Tables as shown on pages: column names in the chosen language, numbers formatted for it.

Takes frames from ``metrics.py``; computes nothing new. Columns are formatted a whole
column at a time (``i18n.numbers``), never row by row. A table puts the figure it is about
right after what names the row, so that it stays in view when the rest scrolls.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

import pandas as pd

from collectors.messages import render
from dashboard import i18n

# KPI column -> (text key, decimals, is a percentage); the order of the KPI table's rows.
_KPI_FORMAT = {
    "audience": ("kpi_audience", 0, False),
    "growth": ("kpi_growth_abs", 0, False),
    "growth_pct": ("kpi_growth_pct", 2, True),
    "posts": ("kpi_posts", 0, False),
    "engagements": ("kpi_engagements", 0, False),
    "mean_er": ("kpi_er", 2, True),
    "views": ("kpi_views", 0, False),
}


def _labels(values: pd.Series, labels: Mapping[str, str], lang: str) -> list[str]:
    return [i18n.text("all_libraries", lang) if x == "all" else labels.get(x, x) for x in values]


def kpi_table(frame: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One row per KPI, library and platform: the KPI now, in the previous period, and the
    change. Platforms are never added up (no "combined" rows). The audience's change is the
    audience growth, shown on its own row, so it is not repeated; a percentage's change is
    in percentage points."""
    rows = frame[frame["platform"] != "all"]
    previous, change = i18n.text("col_previous", lang), i18n.text("col_change", lang)
    points = " " + i18n.text("pp", lang)
    parts = []
    for col, (key, decimals, is_pct) in _KPI_FORMAT.items():
        fmt = i18n.percents if is_pct else i18n.numbers
        signed = col in ("growth", "growth_pct")
        if col == "audience":
            changes = [""] * len(rows)
        else:
            changes = i18n.numbers(rows[f"{col}_change"], lang, decimals, sign=True)
            if is_pct:
                changes = [c if c == i18n.MISSING else c + points for c in changes]
        parts.append(
            pd.DataFrame(
                {
                    i18n.text("col_measure", lang): i18n.text(key, lang),
                    i18n.text("col_library", lang): _labels(rows["library_id"], labels, lang),
                    i18n.text("col_platform", lang): [i18n.text(p, lang) for p in rows["platform"]],
                    i18n.text("col_now", lang): fmt(rows[col], lang, decimals, sign=signed),
                    previous.capitalize(): fmt(rows[f"{col}_prev"], lang, decimals, sign=signed),
                    change.capitalize(): changes,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def kpi_parts(row_by_platform: Mapping[str, pd.Series], column: str, lang: str) -> str:
    """A KPI of a library as its platforms' parts, sources named, never one sum:
    "Instagram 5.432 + YouTube 1.503" (YouTube API policy: no metric fused across
    platforms)."""
    key, decimals, is_pct = _KPI_FORMAT[column]
    fmt = i18n.percent if is_pct else i18n.number
    return " + ".join(
        f"{i18n.text(platform, lang)} {fmt(row[column], lang, decimals)}"
        for platform, row in row_by_platform.items()
    )


def _message(texts: pd.Series, keys: pd.Series, params: pd.Series, lang: str) -> list[str]:
    """Stored errors in the reader's language: from the message key and its parameters
    (collectors.messages), else the stored English text (rows written before keys)."""
    out = []
    for text, key, raw in zip(texts, keys, params, strict=True):
        if isinstance(key, str) and key:
            try:
                values = json.loads(raw) if isinstance(raw, str) and raw else {}
            except ValueError:
                values = {}
            out.append(render(key, lang, **values))
        else:
            out.append("" if text is None or pd.isna(text) else str(text))
    return out


def health_table(
    health: pd.DataFrame, labels: Mapping[str, str], lang: str, tz: str
) -> pd.DataFrame:
    """Per account: last capture (local), age, fresh or stale, last result and its message."""
    captured = pd.to_datetime(health["last_capture"], utc=True).dt.tz_convert(tz)
    when = i18n.datetimes(captured, lang)
    none = health["last_capture"].isna().to_numpy()
    empty = pd.Series([None] * len(health), index=health.index, dtype=object)
    return pd.DataFrame(
        {
            i18n.text("col_library", lang): _labels(health["library_id"], labels, lang),
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in health["platform"]],
            i18n.text("col_account", lang): health["handle"].to_numpy(),
            i18n.text("col_last_capture", lang): [
                i18n.text("never", lang) if gone else w for w, gone in zip(when, none, strict=True)
            ],
            # A capture stamped a little ahead of this clock (another host's) is 0 hours old.
            i18n.text("col_age", lang): i18n.numbers(health["age_hours"].clip(lower=0), lang),
            i18n.text("col_fresh", lang): [
                i18n.text("stale" if s else "fresh", lang) for s in health["stale"]
            ],
            i18n.text("col_last_run", lang): [i18n.status(s, lang) for s in health["last_status"]],
            i18n.text("col_error", lang): _message(
                health["last_error"],
                health.get("last_error_key", empty),
                health.get("last_error_params", empty),
                lang,
            ),
        }
    )


def runs_table(runs: pd.DataFrame, lang: str, tz: str) -> pd.DataFrame:
    """The last refresh runs: when, how long, how it went."""
    seconds = (runs["finished_at"] - runs["started_at"]).dt.total_seconds()
    empty = pd.Series([None] * len(runs), index=runs.index, dtype=object)
    return pd.DataFrame(
        {
            i18n.text("col_run", lang): runs["run_id"].astype(str).to_numpy(),
            i18n.text("col_started", lang): i18n.datetimes(
                pd.to_datetime(runs["started_at"], utc=True).dt.tz_convert(tz), lang
            ),
            i18n.text("col_duration", lang): i18n.numbers(seconds, lang),
            i18n.text("col_status", lang): [i18n.status(s, lang) for s in runs["status"]],
            i18n.text("col_error", lang): _message(
                runs["error"],
                runs.get("error_key", empty),
                runs.get("error_params", empty),
                lang,
            ),
        }
    )


def campaign_table(
    summary: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """Per campaign, library and platform (and all libraries per platform): engagements
    first, then posts, views, mean ER and lift."""
    return pd.DataFrame(
        {
            i18n.text("campaign", lang): [names.get(c, c) for c in summary["campaign_id"]],
            i18n.text("col_library", lang): _labels(summary["library_id"], labels, lang),
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in summary["platform"]],
            i18n.text("kpi_engagements", lang): i18n.numbers(summary["engagements"], lang),
            i18n.text("kpi_posts", lang): i18n.numbers(summary["posts"], lang),
            i18n.text("kpi_views", lang): i18n.numbers(summary["views"], lang),
            i18n.text("kpi_er", lang): i18n.percents(summary["mean_er"], lang, 2),
            i18n.text("kpi_lift", lang): [i18n.ratio(v, lang) for v in summary["lift"]],
        }
    )


def lift_table(lifts: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Per account: the lift first, then the medians and post counts it comes from."""
    rows = lifts[lifts["level"] == "account"]
    return pd.DataFrame(
        {
            i18n.text("col_account", lang): rows["handle"].to_numpy(),
            i18n.text("kpi_lift", lang): [i18n.ratio(v, lang) for v in rows["lift"]],
            i18n.text("col_library", lang): _labels(rows["library_id"], labels, lang),
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in rows["platform"]],
            i18n.text("col_campaign_er", lang): i18n.percents(rows["campaign_median_er"], lang, 2),
            i18n.text("col_baseline_er", lang): i18n.percents(rows["baseline_median_er"], lang, 2),
            i18n.text("col_campaign_posts", lang): i18n.numbers(rows["campaign_posts"], lang),
            i18n.text("col_baseline_posts", lang): i18n.numbers(rows["baseline_posts"], lang),
        }
    )


def cross_table(edges: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Totals of cross-promotion: per pair of libraries and platform, the posts that name
    the partner in any way (each post once) and their engagements; platforms are never
    added up. The ways are in :func:`cross_ways`."""
    total = edges[edges["how"] == "any"].sort_values(["platform", "source", "target"])
    return pd.DataFrame(
        {
            i18n.text("col_from", lang): [labels.get(x, x) for x in total["source"]],
            i18n.text("col_to", lang): [labels.get(x, x) for x in total["target"]],
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in total["platform"]],
            i18n.text("kpi_posts", lang): i18n.numbers(total["posts"], lang),
            i18n.text("kpi_engagements", lang): i18n.numbers(total["engagements"], lang),
        }
    )


def cross_ways(edges: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Per pair of libraries and platform, the posts by way of naming (mention, tag,
    co-author). A post can name a partner in several ways, so the ways do not add up to
    the total."""
    ways = edges[edges["how"] != "any"]
    table = ways.pivot_table(
        index=["platform", "source", "target"],
        columns="how",
        values="posts",
        aggfunc="sum",
        fill_value=0,
    ).reindex(columns=["mention", "tag", "coauthor"], fill_value=0)
    table = table.reset_index()
    out = pd.DataFrame(
        {
            i18n.text("col_from", lang): [labels.get(x, x) for x in table["source"]],
            i18n.text("col_to", lang): [labels.get(x, x) for x in table["target"]],
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in table["platform"]],
        }
    )
    for how in ("mention", "tag", "coauthor"):
        out[i18n.text(f"how_{how}", lang).capitalize()] = i18n.numbers(table[how], lang)
    return out


# The figure a posts table is about -> (text key, source column, decimals, is a percentage)
_POST_FIGURES = {
    "engagements": ("kpi_engagements", "engagements", 0, False),
    "er_followers": ("col_er", "er_followers", 2, False),
    "likes": ("col_likes", "likes", 0, False),
    "comments": ("col_comments", "comments", 0, False),
    "views": ("col_views", "views", 0, False),
    # owner-level figures (connected accounts only): shown when some post has them
    "reach": ("col_reach", "reach", 0, False),
    "er_reach": ("col_er_reach", "er_reach", 2, False),
    "saved": ("col_saved", "saved", 0, False),
    "shares": ("col_shares", "shares", 0, False),
}
_OWNER_FIGURES = ("reach", "er_reach", "saved", "shares")


def _post_texts(posts: pd.DataFrame, length: int) -> list[str]:
    title = posts["title"] if "title" in posts else pd.Series(None, index=posts.index)
    caption = posts["caption"] if "caption" in posts else pd.Series(None, index=posts.index)
    out = []
    for t, c in zip(title.to_numpy(dtype=object), caption.to_numpy(dtype=object), strict=True):
        joined = " — ".join(str(x) for x in (t, c) if x is not None and not pd.isna(x))
        out.append(joined if len(joined) <= length else joined[: length - 1] + "…")
    return out


def posts_table(
    posts: pd.DataFrame,
    labels: Mapping[str, str],
    lang: str,
    figure: str = "engagements",
    text_length: int = 280,
) -> pd.DataFrame:
    """Posts as shown on pages: image, text, then ``figure`` (the figure the table is
    about: engagements, er_followers, …) and the other figures (reach, ER by reach, saves
    and shares too when some post has them), then when, who and the link.
    Text stays text (never rendered as HTML/Markdown); ``text_length`` shortens it."""
    # Owner-level figures only when some post of the table has them (connected accounts).
    shown = [
        f
        for f in _POST_FIGURES
        if f not in _OWNER_FIGURES or (f in posts and posts[f].notna().any())
    ]
    order = [figure, *[f for f in shown if f != figure]]
    columns: dict[str, object] = {
        i18n.text("col_thumb", lang): [_safe_url(u, images=True) for u in posts["thumbnail_url"]],
        i18n.text("col_text", lang): _post_texts(posts, text_length),
    }
    for name in order:
        key, source, decimals, _ = _POST_FIGURES[name]
        columns[i18n.text(key, lang)] = i18n.numbers(posts[source], lang, decimals)
    columns |= {
        i18n.text("col_published", lang): i18n.datetimes(posts["local_time"], lang),
        i18n.text("col_library", lang): [labels.get(x, x) for x in posts["library_id"]],
        i18n.text("col_account", lang): posts["handle"].to_numpy(),
        i18n.text("col_kind", lang): [i18n.kind(k, lang) for k in posts["kind"]],
        i18n.text("col_link", lang): [_safe_url(u) for u in posts["url"]],
    }
    return pd.DataFrame(columns)


# A plain grey square for a post without a (safe) thumbnail: an empty image cell would show
# Streamlit's English "None".
NO_IMAGE = "data:image/svg+xml;base64," + base64.b64encode(
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<rect width="64" height="64" rx="6" fill="#e6e6e6"/></svg>'
).decode("ascii")


def _safe_url(url: object, images: bool = False) -> str | None:
    """Only https links (and inline images for thumbnails) reach the page: URLs come from
    social media and could be javascript: or plain http. A thumbnail that is missing or
    unsafe becomes :data:`NO_IMAGE`."""
    if isinstance(url, str) and (
        url.startswith("https://") or (images and url.startswith("data:image/"))
    ):
        return url
    return NO_IMAGE if images else None


def hashtag_table(tags: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Per hashtag and platform (never both platforms in one row): mean ER (the order of
    the table) first, then posts and engagements."""
    return pd.DataFrame(
        {
            i18n.text("col_hashtag", lang): tags["hashtag"].to_numpy(),
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in tags["platform"]],
            i18n.text("kpi_er", lang): i18n.percents(tags["mean_er"], lang, 2),
            i18n.text("kpi_posts", lang): i18n.numbers(tags["posts"], lang),
            i18n.text("kpi_engagements", lang): i18n.numbers(tags["engagements"], lang),
            i18n.text("col_libraries", lang): [
                ", ".join(labels.get(x.strip(), x.strip()) for x in v.split(","))
                for v in tags["libraries"]
            ],
        }
    )

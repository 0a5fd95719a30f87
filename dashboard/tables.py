"""Tables as shown on pages: column names in the chosen language, numbers formatted for it.

Takes frames from ``metrics.py``; computes nothing new.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard import i18n

# KPI column -> (text key, decimals, is a percentage)
_KPI_FORMAT = {
    "audience": ("kpi_audience", 0, False),
    "growth": ("kpi_growth", 0, False),
    "growth_pct": ("kpi_growth", 2, True),
    "posts": ("kpi_posts", 0, False),
    "engagements": ("kpi_engagements", 0, False),
    "mean_er": ("kpi_er", 2, True),
    "views": ("kpi_views", 0, False),
}


def kpi_table(frame: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """One row per library and platform: each KPI now, in the previous period, and change."""
    out = pd.DataFrame(
        {
            i18n.text("col_library", lang): [labels.get(x, x) for x in frame["library_id"]],
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in frame["platform"]],
        }
    )
    previous, change = i18n.text("col_previous", lang), i18n.text("col_change", lang)
    for col, (key, decimals, is_pct) in _KPI_FORMAT.items():
        name = i18n.text(key, lang) + (" %" if col == "growth_pct" else "")
        fmt = i18n.percent if is_pct else i18n.number
        out[name] = [fmt(v, lang, decimals) for v in frame[col]]
        out[f"{name} ({previous})"] = [fmt(v, lang, decimals) for v in frame[f"{col}_prev"]]
        out[f"{name} ({change})"] = [
            i18n.number(v, lang, decimals, sign=True) for v in frame[f"{col}_change"]
        ]
    return out


def health_table(
    health: pd.DataFrame, labels: Mapping[str, str], lang: str, tz: str
) -> pd.DataFrame:
    """Per account: last capture (local), age, fresh or stale, last result and its message."""

    def when(value: object) -> str:
        if value is None or pd.isna(value):
            return i18n.text("never", lang)
        return i18n.datetime(pd.Timestamp(value).tz_convert(tz).to_pydatetime(), lang)

    return pd.DataFrame(
        {
            i18n.text("col_library", lang): [labels.get(x, x) for x in health["library_id"]],
            i18n.text("col_platform", lang): [i18n.text(p, lang) for p in health["platform"]],
            i18n.text("col_account", lang): health["handle"].to_numpy(),
            i18n.text("col_last_capture", lang): [when(v) for v in health["last_capture"]],
            i18n.text("col_age", lang): [i18n.number(v, lang) for v in health["age_hours"]],
            i18n.text("col_fresh", lang): [
                i18n.text("stale" if s else "fresh", lang) for s in health["stale"]
            ],
            i18n.text("col_last_run", lang): [i18n.status(s, lang) for s in health["last_status"]],
            i18n.text("col_error", lang): [
                "" if e is None or pd.isna(e) else str(e) for e in health["last_error"]
            ],
        }
    )


def runs_table(runs: pd.DataFrame, lang: str, tz: str) -> pd.DataFrame:
    """The last refresh runs: when, how long, how it went."""
    seconds = (runs["finished_at"] - runs["started_at"]).dt.total_seconds()
    return pd.DataFrame(
        {
            i18n.text("col_run", lang): runs["run_id"].to_numpy(),
            i18n.text("col_started", lang): [
                i18n.datetime(t.tz_convert(tz).to_pydatetime(), lang) for t in runs["started_at"]
            ],
            i18n.text("col_duration", lang): [i18n.number(s, lang) for s in seconds],
            i18n.text("col_status", lang): [i18n.status(s, lang) for s in runs["status"]],
            i18n.text("col_error", lang): [
                "" if e is None or pd.isna(e) else str(e) for e in runs["error"]
            ],
        }
    )


def campaign_table(
    summary: pd.DataFrame, names: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """Per campaign and library (and combined): posts, engagements, views, mean ER, lift."""
    return pd.DataFrame(
        {
            i18n.text("campaign", lang): [names.get(c, c) for c in summary["campaign_id"]],
            i18n.text("col_library", lang): [
                i18n.text("all", lang) if x == "all" else labels.get(x, x)
                for x in summary["library_id"]
            ],
            i18n.text("kpi_posts", lang): [i18n.number(v, lang) for v in summary["posts"]],
            i18n.text("kpi_engagements", lang): [
                i18n.number(v, lang) for v in summary["engagements"]
            ],
            i18n.text("kpi_views", lang): [i18n.number(v, lang) for v in summary["views"]],
            i18n.text("kpi_er", lang): [i18n.percent(v, lang, 2) for v in summary["mean_er"]],
            i18n.text("kpi_lift", lang): [i18n.ratio(v, lang) for v in summary["lift"]],
        }
    )


def lift_table(lifts: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    rows = lifts[lifts["level"] == "account"]
    return pd.DataFrame(
        {
            i18n.text("col_library", lang): [labels.get(x, x) for x in rows["library_id"]],
            i18n.text("col_account", lang): rows["handle"].to_numpy(),
            i18n.text("col_campaign_posts", lang): [
                i18n.number(v, lang) for v in rows["campaign_posts"]
            ],
            i18n.text("col_campaign_er", lang): [
                i18n.percent(v, lang, 2) for v in rows["campaign_median_er"]
            ],
            i18n.text("col_baseline_posts", lang): [
                i18n.number(v, lang) for v in rows["baseline_posts"]
            ],
            i18n.text("col_baseline_er", lang): [
                i18n.percent(v, lang, 2) for v in rows["baseline_median_er"]
            ],
            i18n.text("kpi_lift", lang): [i18n.ratio(v, lang) for v in rows["lift"]],
        }
    )


def cross_table(edges: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            i18n.text("col_from", lang): [labels.get(x, x) for x in edges["source"]],
            i18n.text("col_to", lang): [labels.get(x, x) for x in edges["target"]],
            i18n.text("col_how", lang): [i18n.text(f"how_{h}", lang) for h in edges["how"]],
            i18n.text("kpi_posts", lang): [i18n.number(v, lang) for v in edges["posts"]],
            i18n.text("kpi_engagements", lang): [
                i18n.number(v, lang) for v in edges["engagements"]
            ],
        }
    )


def posts_table(posts: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Posts as shown in the explorer: text stays text (never rendered as HTML/Markdown)."""

    def text_of(row: object) -> str:
        title = getattr(row, "title", None)
        caption = getattr(row, "caption", None)
        parts = [str(x) for x in (title, caption) if x is not None and not pd.isna(x)]
        joined = " — ".join(parts)
        return joined if len(joined) <= 280 else joined[:279] + "…"

    return pd.DataFrame(
        {
            i18n.text("col_thumb", lang): [
                _safe_url(u, images=True) for u in posts["thumbnail_url"]
            ],
            i18n.text("col_library", lang): [labels.get(x, x) for x in posts["library_id"]],
            i18n.text("col_account", lang): posts["handle"].to_numpy(),
            i18n.text("col_published", lang): [
                i18n.datetime(t.to_pydatetime(), lang) for t in posts["local_time"]
            ],
            i18n.text("col_kind", lang): [i18n.kind(k, lang) for k in posts["kind"]],
            i18n.text("col_text", lang): [text_of(r) for r in posts.itertuples()],
            i18n.text("col_likes", lang): [i18n.number(v, lang) for v in posts["likes"]],
            i18n.text("col_comments", lang): [i18n.number(v, lang) for v in posts["comments"]],
            i18n.text("col_views", lang): [i18n.number(v, lang) for v in posts["views"]],
            i18n.text("kpi_engagements", lang): [
                i18n.number(v, lang) for v in posts["engagements"]
            ],
            i18n.text("col_er", lang): [i18n.number(v, lang, 2) for v in posts["er_followers"]],
            i18n.text("col_link", lang): [_safe_url(u) for u in posts["url"]],
        }
    )


def _safe_url(url: object, images: bool = False) -> str | None:
    """Only https links (and inline images for thumbnails) reach the page: URLs come from
    social media and could be javascript: or plain http."""
    if not isinstance(url, str):
        return None
    if url.startswith("https://") or (images and url.startswith("data:image/")):
        return url
    return None


def hashtag_table(tags: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            i18n.text("col_hashtag", lang): tags["hashtag"].to_numpy(),
            i18n.text("kpi_posts", lang): [i18n.number(v, lang) for v in tags["posts"]],
            i18n.text("kpi_er", lang): [i18n.percent(v, lang, 2) for v in tags["mean_er"]],
            i18n.text("kpi_engagements", lang): [i18n.number(v, lang) for v in tags["engagements"]],
            i18n.text("col_libraries", lang): [
                ", ".join(labels.get(x.strip(), x.strip()) for x in v.split(","))
                for v in tags["libraries"]
            ],
        }
    )

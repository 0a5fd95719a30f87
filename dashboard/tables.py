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

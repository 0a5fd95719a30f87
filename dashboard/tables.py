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

"""Plotly figures of the services page: questions per day and the busiest weekday × hour.

Takes frames from ``dashboard/services.py`` and labels from ``i18n.py``; computes nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n

_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10),
    legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
    hovermode="x unified",
    height=320,
)


def questions_per_day(days: pd.DataFrame, color: str, lang: str) -> go.Figure:
    """Bars of questions and answered questions per local day (days without figures are
    gaps, not zeros)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    x = [pd.Timestamp(d) for d in days["day"]]
    fig = go.Figure()
    fig.add_bar(
        x=x,
        y=pd.to_numeric(days["questions"], errors="coerce").astype(float),
        name=t("svc_col_questions"),
        marker_color="#b8c2cc",
    )
    fig.add_bar(
        x=x,
        y=pd.to_numeric(days["answered"], errors="coerce").astype(float),
        name=t("svc_col_answered"),
        marker_color=color,
    )
    fig.update_layout(title=t("svc_chart_days"), barmode="overlay", **_LAYOUT)
    fig.update_traces(opacity=0.9)
    fig.update_yaxes(title=t("svc_col_questions"), rangemode="tozero")
    return fig


def busy_heatmap(slots: pd.DataFrame, color: str, lang: str) -> go.Figure:
    """Weekday × hour grid of the number of questions asked (local time)."""
    z = np.full((7, 24), np.nan)
    median = np.full((7, 24), np.nan)
    for row in slots.itertuples(index=False):
        z[int(row.weekday), int(row.hour)] = row.questions
        if row.median_reply_s is not None and not pd.isna(row.median_reply_s):
            median[int(row.weekday), int(row.hour)] = float(row.median_reply_s) / 60
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(24)),
            y=i18n.weekdays(lang),
            customdata=median,
            colorscale=[[0, "#f4f4f4"], [1, color]],
            zmin=0,
            zmax=max(1.0, float(np.nanmax(z))) if np.isfinite(z).any() else 1.0,
            hoverongaps=False,
            hovertemplate="%{y} %{x}:00 · %{z} "
            + i18n.text("svc_col_questions", lang).lower()
            + " · "
            + i18n.text("svc_median_short", lang)
            + " %{customdata:.0f} min<extra></extra>",
            colorbar=dict(title="n", thickness=10),
        )
    )
    fig.update_layout(
        title=i18n.text("svc_chart_busy", lang), margin=dict(l=10, r=10, t=40, b=10), height=300
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=i18n.text("axis_hour", lang), dtick=3, range=[-0.5, 23.5])
    return fig

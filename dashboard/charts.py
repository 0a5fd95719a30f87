"""Plotly figures for the dashboard, libraries in their configured colours.

Takes frames from ``metrics.py`` and labels from ``i18n.py``; computes no metric itself.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import i18n

_LAYOUT = dict(
    margin=dict(l=10, r=10, t=40, b=10),
    legend=dict(orientation="h", yanchor="top", y=-0.18, xanchor="left", x=0),
    hovermode="x unified",
    height=360,
)


def _floats(values: pd.Series) -> np.ndarray:
    """Plain floats for plotly, NaN where a value is unknown."""
    return (
        pd.to_numeric(values, errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )


def _blank(title: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, **_LAYOUT)
    return fig


def audience_over_time(
    series: pd.DataFrame, colors: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> go.Figure:
    """One line per account: solid for Instagram, dotted for YouTube."""
    fig = _blank(i18n.text("chart_audience", lang))
    for (library_id, platform, handle), group in series.groupby(
        ["library_id", "platform", "handle"], sort=True
    ):
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["day"]),
                y=group["followers"].pipe(_floats),
                mode="lines",
                name=f"{labels.get(library_id, library_id)} · {i18n.text(platform, lang)}",
                line=dict(
                    color=colors.get(library_id, "#777777"),
                    dash="solid" if platform == "instagram" else "dot",
                    width=2.5,
                ),
                hovertemplate="%{y:,.0f}",
                meta=handle,
            )
        )
    # Not from zero: audiences move a few percent a month, which a zero baseline would hide.
    fig.update_yaxes(title=i18n.text("axis_followers", lang))
    fig.update_xaxes(title=None)
    return fig


def weekly_lines(
    weekly: pd.DataFrame,
    value: str,
    title: str,
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    bars: bool = False,
) -> go.Figure:
    """Weekly values per library, as grouped bars or lines."""
    fig = _blank(title)
    for library_id, group in weekly.groupby("library_id", sort=True):
        x = pd.to_datetime(group["week"])
        y = group[value].pipe(_floats)
        name = labels.get(library_id, library_id)
        color = colors.get(library_id, "#777777")
        if bars:
            fig.add_trace(go.Bar(x=x, y=y, name=name, marker_color=color))
        else:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    name=name,
                    mode="lines+markers",
                    line=dict(color=color, width=2),
                    marker=dict(size=4),
                )
            )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=axis, rangemode="tozero")
    return fig


def content_types(
    mix: pd.DataFrame,
    value: str,
    title: str,
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
) -> go.Figure:
    """Grouped bars: content types on the x axis, one bar per library."""
    fig = _blank(title)
    for library_id, group in mix.groupby("library_id", sort=True):
        fig.add_trace(
            go.Bar(
                x=[i18n.kind(k, lang) for k in group["kind"]],
                y=group[value].pipe(_floats),
                name=labels.get(library_id, library_id),
                marker_color=colors.get(library_id, "#777777"),
            )
        )
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_yaxes(title=axis, rangemode="tozero")
    return fig


def best_time_heatmap(
    slots: pd.DataFrame, color: str, title: str, lang: str, zmax: float | None = None
) -> go.Figure:
    """Weekday × hour grid of mean ER, shaded from white to the library's colour."""
    z = np.full((7, 24), np.nan)
    count = np.zeros((7, 24), dtype=int)
    er = _floats(slots["mean_er"])
    for i, row in enumerate(slots.itertuples(index=False)):
        z[int(row.weekday), int(row.hour)] = er[i]
        count[int(row.weekday), int(row.hour)] = row.posts
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=list(range(24)),
            y=i18n.weekdays(lang),
            customdata=count,
            colorscale=[[0, "#f4f4f4"], [1, color]],
            zmin=0,
            zmax=zmax,
            hoverongaps=False,
            hovertemplate="%{y} %{x}:00 · ER %{z:.2f}% · n=%{customdata}<extra></extra>",
            colorbar=dict(title="ER %", thickness=10),
        )
    )
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=40, b=10), height=300)
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=i18n.text("axis_hour", lang), dtick=3)
    return fig


def campaign_timeline(
    posts: pd.DataFrame,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    title: str,
) -> go.Figure:
    """Each campaign post as a point: local time against engagements, by library."""
    fig = _blank(title)
    for library_id, group in posts.groupby("library_id", sort=True):
        fig.add_trace(
            go.Scatter(
                x=group["local_time"].dt.tz_localize(None),
                y=_floats(group["engagements"]),
                mode="markers",
                name=labels.get(library_id, library_id),
                marker=dict(
                    color=colors.get(library_id, "#777777"),
                    size=11,
                    opacity=0.85,
                    symbol=["circle" if p == "instagram" else "diamond" for p in group["platform"]],
                    line=dict(width=1, color="white"),
                ),
                customdata=[i18n.kind(k, lang) for k in group["kind"]],
                hovertemplate="%{x|%d %b %H:%M} · %{customdata} · %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(title=i18n.text("axis_engagements", lang), rangemode="tozero")
    return fig


def campaigns_side_by_side(
    summary: pd.DataFrame,
    value: str,
    names: Mapping[str, str],
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
) -> go.Figure:
    """Grouped bars: campaigns on the x axis, one bar per library and one for combined."""
    fig = _blank(axis)
    for library_id, group in summary.groupby("library_id", sort=False):
        fig.add_trace(
            go.Bar(
                x=[names.get(c, c) for c in group["campaign_id"]],
                y=_floats(group[value]),
                name=i18n.text("all", lang)
                if library_id == "all"
                else labels.get(library_id, library_id),
                marker_color="#555555"
                if library_id == "all"
                else colors.get(library_id, "#777777"),
            )
        )
    fig.update_layout(barmode="group", hovermode="closest")
    fig.update_yaxes(title=axis, rangemode="tozero")
    return fig


def cross_sankey(
    edges: pd.DataFrame,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    title: str,
) -> go.Figure:
    """Who promotes whom: library → library, width = posts (all ways together)."""
    any_way = edges[edges["how"] == "any"]
    libraries = sorted(set(any_way["source"]) | set(any_way["target"]))
    # Sources on the left, targets on the right: each library appears on both sides.
    left = {lib: i for i, lib in enumerate(libraries)}
    right = {lib: i + len(libraries) for i, lib in enumerate(libraries)}
    node_labels = [labels.get(x, x) for x in libraries] * 2
    node_colors = [colors.get(x, "#777777") for x in libraries] * 2
    fig = go.Figure(
        go.Sankey(
            node=dict(label=node_labels, color=node_colors, pad=20, thickness=18),
            link=dict(
                source=[left[s] for s in any_way["source"]],
                target=[right[t] for t in any_way["target"]],
                value=_floats(any_way["posts"]),
                color=[colors.get(s, "#777777") + "66" for s in any_way["source"]],
                customdata=_floats(any_way["engagements"]),
                hovertemplate="%{source.label} → %{target.label}: %{value} · "
                + i18n.text("axis_engagements", lang)
                + " %{customdata:,.0f}<extra></extra>",
            ),
        )
    )
    fig.update_layout(title=title, margin=dict(l=10, r=10, t=40, b=10), height=320)
    return fig

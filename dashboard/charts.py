"""Plotly figures for the dashboard, libraries in their configured colours.

Takes frames from ``metrics.py`` and labels from ``i18n.py``; computes no metric itself.
Axis labels, dates and numbers follow the chosen language: plotly's own locale files are
not loaded by Streamlit, so date ticks are computed here (``tickvals``/``ticktext`` from
Babel) and numbers use ``layout.separators``. Every legend says what a mark encodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

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


def _blank(title: str, lang: str = i18n.DEFAULT_LANGUAGE) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(title=title, separators=i18n.separators(lang), **_LAYOUT)
    return fig


def date_ticks(start: dt.date, end: dt.date, lang: str) -> tuple[list[dt.date], list[str]]:
    """Tick positions and labels in the language for a date axis from start to end: weekly
    ticks on Mondays (27 Okt) up to about three months, else the first of each month
    (Okt 2026), at most about ten."""
    days = (end - start).days + 1
    if days <= 100:
        first = start + dt.timedelta(days=(7 - start.weekday()) % 7)  # the first Monday
        step = 7 * max(1, -(-days // 70))
        ticks = [first + dt.timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
        return ticks, [i18n.month_day(d, lang) for d in ticks]
    months = []
    month = dt.date(start.year, start.month, 1)
    if month < start:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    while month <= end:
        months.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    step = max(1, -(-len(months) // 10))
    ticks = months[::step]
    return ticks, [i18n.month_year(d, lang) for d in ticks]


def _date_axis(fig: go.Figure, start: dt.date, end: dt.date, lang: str) -> None:
    """Localised date ticks, and hover dates in the locale's numeric short form."""
    values, labels = date_ticks(start, end, lang)
    fig.update_xaxes(
        tickmode="array",
        tickvals=[pd.Timestamp(v) for v in values],
        ticktext=labels,
        hoverformat=i18n.short_date_d3(lang),
    )


def audience_over_time(
    series: pd.DataFrame, colors: Mapping[str, str], labels: Mapping[str, str], lang: str
) -> go.Figure:
    """One line per account: solid for Instagram, dotted for YouTube."""
    fig = _blank(i18n.text("chart_audience", lang), lang)
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
    fig.update_yaxes(title=i18n.text("axis_followers", lang), tickformat=",~f")
    fig.update_xaxes(title=None)
    if len(series):
        days = pd.to_datetime(series["day"])
        _date_axis(fig, days.min().date(), days.max().date(), lang)
    return fig


WEEK_TICKS = 8  # at most this many weeks are labelled: the labels stay level and apart


def week_ticks(weeks: Sequence[dt.date], most: int = WEEK_TICKS) -> list[dt.date]:
    """The weeks a weekly axis labels: every week when there are at most ``most``, else
    every k-th week counted back from the last one (the latest week is always labelled),
    so that at most ``most`` labels share the axis."""
    step = max(1, -(-len(weeks) // most))
    return list(weeks)[::-1][::step][::-1]


def week_labels(
    weeks: Sequence[dt.date], partial: Mapping[dt.date, bool], lang: str
) -> tuple[list[str], list[dt.date], list[str]]:
    """For a weekly axis: each week's name (its Monday, "22 Des"; with the year when the
    weeks span several years, so that no two weeks share a name; * for a partial week),
    the weeks labelled (:func:`week_ticks`) and their tick texts: the Monday's day and
    month, and under it the year on the first tick and wherever the year changes (when
    the weeks span several years)."""
    years = len({w.year for w in weeks}) > 1
    star = {w: "*" if partial.get(w) else "" for w in weeks}
    names = [(i18n.date if years else i18n.month_day)(w, lang) + star[w] for w in weeks]
    ticks = week_ticks(weeks)
    texts = []
    for i, week in enumerate(ticks):
        text = i18n.month_day(week, lang) + star[week]
        if years and (i == 0 or week.year != ticks[i - 1].year):
            text += "<br>" + i18n.year(week, lang)
        texts.append(text)
    return names, ticks, texts


MAX_BAR_WEEKS = 26  # weekly charts draw bars, and points on lines, up to half a year


def weekly_lines(
    weekly: pd.DataFrame,
    value: str,
    title: str,
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    bars: bool = False,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> go.Figure:
    """Weekly values per library, as grouped bars or lines. Weeks start on Monday and are
    labelled by that Monday (a few of them when there are many, see :func:`week_labels`);
    a week only partly inside the period (``partial``, see ``metrics.period_weeks``) is
    marked with * and drawn hatched or hollow, and the figure says so. Beyond
    ``MAX_BAR_WEEKS`` weeks bars become lines and lines lose their point markers: grouped
    bars of eight libraries over a year are narrower than a pixel, and each bar or marker
    is an element the browser draws (thousands at all time)."""
    fig = _blank(title, lang)
    weeks = weekly.drop_duplicates("week").sort_values("week")
    many = len(weeks) > MAX_BAR_WEEKS
    bars = bars and not many
    partial = (
        dict(zip(weeks["week"], weeks["partial"].astype(bool), strict=True))
        if "partial" in weekly
        else {}
    )
    order, ticks, tick_texts = week_labels(list(weeks["week"]), partial, lang)
    names = dict(zip(weeks["week"], order, strict=True))
    for library_id, group in weekly.groupby("library_id", sort=True):
        x = np.array([names[w] for w in group["week"]], dtype=object)
        y = group[value].pipe(_floats)
        cut = np.array([bool(partial.get(w)) for w in group["week"]], dtype=bool)
        name = labels.get(library_id, library_id)
        color = colors.get(library_id, "#777777")
        if bars:
            # Full and partial weeks as two traces at the same offset, so that the legend
            # shows the library's plain colour and partial weeks stay hatched.
            for part, shown in ((~cut, True), (cut, False)):
                fig.add_trace(
                    go.Bar(
                        x=x[part],
                        y=y[part],
                        name=name,
                        legendgroup=library_id,
                        offsetgroup=library_id,
                        showlegend=shown,
                        marker=dict(
                            color=color,
                            opacity=1.0 if shown else 0.45,
                            pattern=dict(shape="" if shown else "/"),
                        ),
                    )
                )
        else:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=y,
                    name=name,
                    legendgroup=library_id,
                    mode="lines" if many else "lines+markers",
                    line=dict(color=color, width=2),
                    marker=None if many else dict(size=np.where(cut, 0, 5)),
                )
            )
            fig.add_trace(  # partial weeks: hollow markers over the line
                go.Scatter(
                    x=x[cut],
                    y=y[cut],
                    name=name,
                    legendgroup=library_id,
                    showlegend=False,
                    mode="markers",
                    marker=dict(size=10, symbol="circle-open", color=color, line=dict(width=2)),
                    hoverinfo="skip",
                )
            )
    # Thinned, level tick labels; the legend sits below them, clear of a second line (year).
    fig.update_layout(
        barmode="group",
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
        height=_LAYOUT["height"] + 30,
    )
    fig.update_xaxes(
        type="category",
        categoryorder="array",
        categoryarray=order,
        tickmode="array",
        tickvals=[names[w] for w in ticks],
        ticktext=tick_texts,
        tickangle=0,
    )
    fig.update_yaxes(title=axis, rangemode="tozero", tickformat=",~f")
    if value == "posts" and len(weekly) and float(weekly["posts"].max()) <= 8:
        fig.update_yaxes(dtick=1)  # whole posts
    if any(partial.values()):
        fig.add_annotation(
            text=i18n.text("partial_week_note", lang),
            xref="paper",
            yref="paper",
            x=1,
            y=1.02,
            xanchor="right",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=11, color="#555555"),
        )
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
    """Grouped bars: content types on the x axis under their platform (an Instagram video
    and a YouTube video are two bars, never one), one bar per library."""
    fig = _blank(title, lang)
    mix = mix.sort_values(["platform", "kind"])  # instagram before youtube
    for library_id, group in mix.groupby("library_id", sort=True):
        fig.add_trace(
            go.Bar(
                x=[
                    [i18n.text(p, lang) for p in group["platform"]],
                    # "Siaran<br>langsung": a long name on two lines keeps all level
                    [i18n.kind(k, lang).replace(" ", "<br>", 1) for k in group["kind"]],
                ],
                y=group[value].pipe(_floats),
                name=labels.get(library_id, library_id),
                marker_color=colors.get(library_id, "#777777"),
            )
        )
    fig.update_layout(
        barmode="group",
        hovermode="closest",
        legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0),
        height=_LAYOUT["height"] + 30,
    )
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title=axis, rangemode="tozero")
    return fig


def best_time_heatmap(
    slots: pd.DataFrame, color: str, title: str, lang: str, zmax: float | None = None
) -> go.Figure:
    """Weekday × hour grid of mean ER, shaded from white to the library's colour. Every cell
    with posts shows how many have a known ER (``posts_er``, what its ER rests on; the
    hover also gives all its posts); a cell with too few of them (``reliable`` false, see
    ``metrics.best_time``) is grey and shows no ER."""
    z = np.full((7, 24), np.nan)
    few = np.full((7, 24), np.nan)
    count = np.zeros((7, 24, 2), dtype=int)  # (posts with a known ER, all posts)
    text = np.full((7, 24), "", dtype=object)
    er = _floats(slots["mean_er"])
    reliable = (
        slots["reliable"].astype(bool).to_numpy()
        if "reliable" in slots
        else np.ones(len(slots), dtype=bool)
    )
    known = slots["posts_er"] if "posts_er" in slots else slots["posts"]
    for i, (weekday, hour, posts, with_er) in enumerate(
        zip(slots["weekday"], slots["hour"], slots["posts"], known, strict=True)
    ):
        w, h = int(weekday), int(hour)
        count[w, h] = (int(with_er), int(posts))
        text[w, h] = str(int(with_er))
        if reliable[i]:
            z[w, h] = er[i]
        else:
            few[w, h] = 1.0
    days = i18n.weekdays(lang)
    few_label = i18n.text("best_time_few", lang)
    # plotly fills in the cell's (posts with a known ER, all posts)
    counts_label = i18n.text(
        "best_time_counts", lang, n="%{customdata[0]}", total="%{customdata[1]}"
    )
    fig = go.Figure(
        [
            go.Heatmap(
                z=few,
                x=list(range(24)),
                y=days,
                customdata=count,
                colorscale=[[0, "#d0d0d0"], [1, "#d0d0d0"]],
                showscale=False,
                hoverongaps=False,
                hovertemplate="%{y} %{x}:00 · "
                + counts_label
                + " · "
                + few_label
                + "<extra></extra>",
                xgap=1,
                ygap=1,
            ),
            go.Heatmap(
                z=z,
                x=list(range(24)),
                y=days,
                customdata=count,
                text=text,
                texttemplate="%{text}",
                textfont=dict(size=9, color="#222222"),
                colorscale=[[0, "#f4f4f4"], [1, color]],
                zmin=0,
                zmax=zmax,
                hoverongaps=False,
                hovertemplate="%{y} %{x}:00 · ER %{z:.2f}% · " + counts_label + "<extra></extra>",
                colorbar=dict(title="ER %", thickness=10),
                xgap=1,
                ygap=1,
            ),
        ]
    )
    # The grey cells' counts, drawn over them (the first trace has no text of its own).
    grey = np.where(np.isnan(few), "", text)
    fig.data[0].update(text=grey, texttemplate="%{text}", textfont=dict(size=9, color="#444444"))
    fig.update_layout(
        title=title,
        margin=dict(l=10, r=10, t=40, b=10),
        height=300,
        separators=i18n.separators(lang),
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=i18n.text("axis_hour", lang), dtick=3)
    return fig


def campaign_timeline(
    posts: pd.DataFrame,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    title: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> go.Figure:
    """Each campaign post as a point: local time against engagements. Colour = library,
    shape = platform (● Instagram, ◆ YouTube); one legend entry per library and platform,
    so the legend names both."""
    fig = _blank(title, lang)
    symbols = {"instagram": "circle", "youtube": "diamond"}
    for (library_id, platform), group in posts.groupby(["library_id", "platform"], sort=True):
        fig.add_trace(
            go.Scatter(
                x=group["local_time"].dt.tz_localize(None),
                y=_floats(group["engagements"]),
                mode="markers",
                name=f"{labels.get(library_id, library_id)} · {i18n.text(platform, lang)}",
                marker=dict(
                    color=colors.get(library_id, "#777777"),
                    size=11,
                    opacity=0.85,
                    symbol=symbols.get(platform, "square"),
                    line=dict(width=1, color="white"),
                ),
                customdata=np.column_stack(
                    [
                        i18n.datetimes(group["local_time"], lang),
                        [i18n.kind(k, lang) for k in group["kind"]],
                    ]
                ),
                hovertemplate="%{customdata[0]} · %{customdata[1]} · %{y:,.0f}<extra></extra>",
            )
        )
    fig.update_layout(hovermode="closest", showlegend=True)
    fig.update_yaxes(title=i18n.text("axis_engagements", lang), rangemode="tozero")
    if start is None and len(posts):
        start, end = posts["local_day"].min(), posts["local_day"].max()
    if start is not None and end is not None:
        _date_axis(fig, start, end, lang)
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
    """Grouped bars: campaigns on the x axis, one bar per library and one for all the
    libraries together (of one platform: pass one platform's rows)."""
    fig = _blank(axis, lang)
    for library_id, group in summary.groupby("library_id", sort=False):
        fig.add_trace(
            go.Bar(
                x=[names.get(c, c) for c in group["campaign_id"]],
                y=_floats(group[value]),
                name=i18n.text("all_libraries", lang)
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
    platform: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    title: str,
) -> go.Figure:
    """Who promotes whom on one platform: library → library, width = the platform's posts
    naming the partner in any way (each post once). Left: the libraries that name a
    partner, with their posts; right: the libraries named, with the posts naming them.
    One figure per platform: its counts never add YouTube posts to another platform's."""
    any_way = edges[(edges["how"] == "any") & (edges["platform"] == platform)]
    sources = sorted(set(any_way["source"]))
    targets = sorted(set(any_way["target"]))
    # Sources on the left, targets on the right: a library can appear on both sides.
    left = {lib: i for i, lib in enumerate(sources)}
    right = {lib: i + len(sources) for i, lib in enumerate(targets)}
    sent = any_way.groupby("source")["posts"].sum()
    received = any_way.groupby("target")["posts"].sum()
    posts_word = i18n.text("axis_posts", lang).lower()
    node_labels = [
        f"{labels.get(x, x)}: {i18n.number(sent[x], lang)} {posts_word}" for x in sources
    ] + [f"{labels.get(x, x)}: {i18n.number(received[x], lang)} {posts_word}" for x in targets]
    node_colors = [colors.get(x, "#777777") for x in [*sources, *targets]]
    fig = go.Figure(
        go.Sankey(
            node=dict(
                label=node_labels,
                color=node_colors,
                pad=24,
                thickness=22,
                line=dict(color="#333333", width=0.5),
            ),
            link=dict(
                source=[left[s] for s in any_way["source"]],
                target=[right[t] for t in any_way["target"]],
                value=_floats(any_way["posts"]),
                color=[colors.get(s, "#777777") + "99" for s in any_way["source"]],
                customdata=_floats(any_way["engagements"]),
                hovertemplate="%{source.label} → %{target.label}: %{value} · "
                + i18n.text("axis_engagements", lang)
                + " %{customdata:,.0f}<extra></extra>",
            ),
            textfont=dict(size=15, color="#111111", family="sans-serif"),
        )
    )
    libraries = sorted(set(sources) | set(targets))
    for x, anchor, key in ((0, "left", "sankey_from"), (1, "right", "sankey_to")):
        fig.add_annotation(
            text=f"<b>{i18n.text(key, lang)}</b>",
            xref="paper",
            yref="paper",
            x=x,
            y=1.0,
            xanchor=anchor,
            yanchor="bottom",
            showarrow=False,
            font=dict(size=13, color="#333333"),
        )
    fig.update_layout(
        title=dict(text=title, y=0.98, yanchor="top"),
        margin=dict(l=10, r=10, t=80, b=10),
        height=max(260, 110 * len(libraries)),
        separators=i18n.separators(lang),
    )
    return fig


def owner_daily(
    series: pd.DataFrame,
    title: str,
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    start: dt.date,
    end: dt.date,
    markers: Sequence[tuple[dt.date, tuple[str, str]]] = (),
    scale: float = 1.0,
) -> go.Figure:
    """One line per library: a daily owner-level figure of one platform (``series`` from
    ``owner.daily_series``, values × ``scale``), over the period [start, end]. Each of
    ``markers`` (a day the platform redefined the metric) is a dashed vertical line with a
    short label; the whole sentence shows on hover."""
    fig = _blank(title, lang)
    for library_id, group in series.groupby("library_id", sort=True):
        group = group.sort_values("day")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["day"]),
                y=_floats(group["value"]) * scale,
                mode="lines",
                name=labels.get(library_id, library_id),
                line=dict(color=colors.get(library_id, "#777777"), width=2),
                hovertemplate="%{y:,.0f}",
            )
        )
    fig.update_layout(showlegend=True)  # the library's name, even for one line
    fig.update_yaxes(title=axis, rangemode="tozero", tickformat=",~f")
    fig.update_xaxes(title=None, range=[pd.Timestamp(start), pd.Timestamp(end)])
    _date_axis(fig, start, end, lang)
    index = 1 if lang == "en" else 0
    for day, label in markers:
        x = pd.Timestamp(day)
        fig.add_shape(
            type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
            line=dict(color="#444444", width=1.5, dash="dash"),
        )  # fmt: skip
        fig.add_annotation(
            x=x,
            xref="x",
            y=1,
            yref="paper",
            text=i18n.text("redefined_short", lang, day=i18n.month_day(day, lang)),
            hovertext=label[index],
            showarrow=False,
            xanchor="left",
            yanchor="top",
            font=dict(size=11, color="#333333"),
            bgcolor="rgba(255,255,255,0.8)",
        )
    return fig

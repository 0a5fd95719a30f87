"""The report's charts for print: matplotlib figures rendered to SVG, sized for A4 portrait.

Takes frames from ``metrics.py``/``campaigns.py``; computes no metric. Uses matplotlib's
object API only (no pyplot: the dashboard renders reports in several threads at once). The
dashboard's own interactive charts are in ``dashboard/charts.py`` (plotly).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator

from dashboard import i18n
from dashboard.charts import week_ticks

# 7 in = 178 mm: the text width of A4 portrait with 16 mm margins; the HTML scales it to the
# page, the PDF places it at the text width, so 8 pt here stays about 8 pt on paper.
WIDTH_IN = 7.0
FONT_PT = 7.5
GREY = "#777777"
INK = "#222222"
MARKERS = {"instagram": "o", "youtube": "D"}  # circle / diamond, as on the dashboard
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


def _figure(height_in: float, panels: int = 1) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(WIDTH_IN, height_in), layout="constrained")
    axes = list(np.atleast_1d(fig.subplots(1, panels, sharex=True)))
    for ax in axes:
        ax.spines[["top", "right"]].set_visible(False)
        ax.spines[["left", "bottom"]].set_color("#999999")
        ax.tick_params(labelsize=FONT_PT, colors="#333333", length=3)
        ax.grid(axis="y", color="#e3e3e3", linewidth=0.6)
        ax.set_axisbelow(True)
    return fig, axes


def _svg(fig: Figure) -> str:
    """The figure as a standalone SVG document; text drawn as paths, so it needs no font
    on the reader's machine and is measured exactly as drawn (no clipped labels)."""
    for text in fig.findobj(Text):
        # A text left at the default colour carries no fill in the SVG, which fpdf2 then
        # draws nearly white: give every text its colour explicitly.
        if text.get_color() in ("black", "k", "#000000"):
            text.set_color(INK)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    # No creation date or tool name inside the chart: the report says when it was made.
    return _METADATA.sub("", out.getvalue())


def _decimals(values: Sequence[float]) -> int:
    """Decimals needed to tell the axis ticks apart (0 for whole steps)."""
    finite = sorted(v for v in values if math.isfinite(v))
    steps = [b - a for a, b in zip(finite, finite[1:], strict=False) if b > a]
    if not steps:
        return 0
    step = min(steps)
    return (
        0
        if step >= 1 and float(step).is_integer()
        else max(0, min(3, -math.floor(math.log10(step))))
    )


def _number_axis(ax: Axes, lang: str, label: str) -> None:
    """Y ticks in the report's language (12.345 / 12,345), with the axis title beside them."""
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))

    def fmt(value: float, _pos: int) -> str:
        return i18n.number(value, lang, _decimals(list(ax.get_yticks())))

    ax.yaxis.set_major_formatter(FuncFormatter(fmt))
    ax.set_ylabel(label, fontsize=FONT_PT, color="#333333")


def _date_axis(ax: Axes, lang: str, start: dt.date, end: dt.date) -> None:
    """Date ticks in the report's language, at most five so the labels never overlap."""
    locator = mdates.AutoDateLocator(minticks=2, maxticks=5)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: i18n.date(mdates.num2date(x).date(), lang))
    )
    pad = dt.timedelta(days=max(1, (end - start).days // 40))
    ax.set_xlim(
        mdates.date2num(dt.datetime.combine(start - pad, dt.time())),
        mdates.date2num(dt.datetime.combine(end + pad, dt.time(23, 59))),
    )


def _week_axis(ax: Axes, lang: str, weeks: Sequence[dt.date]) -> None:
    """Ticks on the weeks' Mondays, where the points sit, at most five (every k-th week
    counted back from the last, see ``charts.week_ticks``), labelled in the report's
    language."""
    ticks = week_ticks(sorted(set(weeks)), most=5)
    ax.xaxis.set_major_locator(FixedLocator([mdates.date2num(_day(w)) for w in ticks]))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _pos: i18n.date(mdates.num2date(x).date(), lang))
    )
    ax.xaxis.set_minor_locator(NullLocator())
    if weeks:
        pad = dt.timedelta(days=3)
        ax.set_xlim(
            mdates.date2num(_day(min(weeks) - pad)), mdates.date2num(_day(max(weeks) + pad))
        )


def _day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _title(text: str) -> Line2D:
    """A legend entry that is only words: the heading of a group of entries."""
    return Line2D([], [], linestyle="none", label=text)


def _legend(fig: Figure, groups: Sequence[tuple[str, Sequence[Line2D]]]) -> None:
    """A legend under the chart, read line by line; each group starts with what its marks
    encode ("Colour = library:", "Marker = platform:")."""
    handles: list[Line2D] = []
    headings = {heading for heading, _entries in groups if heading}
    for heading, entries in groups:
        if entries:
            handles += [_title(heading), *entries] if heading else list(entries)
    if not handles:
        return
    # As many entries a line as fit the figure's width (labels differ in length).
    for ncols in range(min(len(handles), 8), 0, -1):
        legend = _legend_of(fig, handles, ncols, headings)
        if legend.get_window_extent().width <= fig.bbox.width * 0.98 or ncols == 1:
            break
        legend.remove()


def _legend_of(fig: Figure, handles: list[Line2D], ncols: int, headings: set[str]) -> Legend:
    """A legend of ``handles`` read line by line (matplotlib fills a legend column by
    column, so it gets the entries column by column, padded with blanks); the groups'
    ``headings`` in bold grey."""
    rows = math.ceil(len(handles) / ncols)
    blank = Line2D([], [], linestyle="none", label=" ")
    padded = handles + [blank] * (rows * ncols - len(handles))
    legend = fig.legend(
        handles=[padded[r * ncols + c] for c in range(ncols) for r in range(rows)],
        loc="outside lower left",
        ncols=ncols,
        frameon=False,
        fontsize=FONT_PT,
        handlelength=1.8,
        columnspacing=1.2,
        handletextpad=0.5,
    )
    for text in legend.get_texts():
        if text.get_text() in headings:
            text.set_color("#555555")
            text.set_fontweight("bold")
    return legend


def _library_entries(
    libraries: Sequence[str],
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    marker: str | None = None,
) -> list[Line2D]:
    return [
        Line2D(
            [],
            [],
            color=colors.get(lib, GREY),
            linewidth=0 if marker else 2.2,
            marker=marker or "s",
            markersize=6 if marker else 0,
            label=labels.get(lib, lib),
        )
        for lib in libraries
    ]


def _days(values: pd.Series) -> list[dt.datetime]:
    return [dt.datetime.combine(pd.Timestamp(v).date(), dt.time()) for v in values]


def _floats(values: pd.Series) -> np.ndarray:
    return (
        pd.to_numeric(values, errors="coerce")
        .astype("Float64")
        .to_numpy(dtype=float, na_value=np.nan)
    )


def audience_chart(
    series: pd.DataFrame,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    start: dt.date,
    end: dt.date,
) -> str:
    """Followers/subscribers per day: one panel per platform (their sizes differ too much
    for one scale), one line per account, coloured by library."""
    platforms = [p for p in ("instagram", "youtube") if p in set(series["platform"])]
    fig, axes = _figure(2.7, max(1, len(platforms)))
    for ax, platform in zip(axes, platforms, strict=False):
        rows = series[series["platform"] == platform]
        for (library_id, _handle), group in rows.groupby(["library_id", "handle"], sort=True):
            group = group.sort_values("day")
            ax.plot(
                _days(group["day"]),
                _floats(group["followers"]),
                color=colors.get(library_id, GREY),
                linewidth=1.8,
            )
        ax.set_title(i18n.text(platform, lang), fontsize=FONT_PT + 1)
        _number_axis(ax, lang, i18n.text("axis_followers", lang) if ax is axes[0] else "")
        _date_axis(ax, lang, start, end)
        ax.tick_params(axis="x", labelrotation=0)
    libraries = sorted(set(series["library_id"]))
    _legend(
        fig,
        [(i18n.text("report_legend_library", lang), _library_entries(libraries, colors, labels))],
    )
    return _svg(fig)


def weekly_chart(
    weekly: pd.DataFrame,
    value: str,
    axis: str,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    start: dt.date,
    end: dt.date,
) -> str:
    """One line per library through its weekly values (weeks start on Monday, and are
    labelled by their Monday, where the points sit); a week only partly inside the period
    has a hollow mark, so a short last week does not read as a fall (the report says so
    under the chart)."""
    fig, (ax,) = _figure(2.5)
    for library_id, group in weekly.groupby("library_id", sort=True):
        group = group.sort_values("week")
        days = _days(group["week"])
        values = _floats(group[value])
        color = colors.get(library_id, GREY)
        ax.plot(days, values, color=color, linewidth=1.8, marker="o", markersize=3.5)
        partial = [d.date() < start or d.date() + dt.timedelta(days=6) > end for d in days]
        if any(partial):
            ax.plot(
                [d for d, p in zip(days, partial, strict=True) if p],
                [v for v, p in zip(values, partial, strict=True) if p],
                linestyle="none",
                marker="o",
                markersize=5,
                markerfacecolor="white",
                markeredgecolor=color,
                markeredgewidth=1.4,
            )
    ax.set_ylim(bottom=0)
    _number_axis(ax, lang, axis)
    _week_axis(ax, lang, [pd.Timestamp(w).date() for w in weekly["week"]])
    libraries = sorted(set(weekly["library_id"]))
    _legend(
        fig,
        [(i18n.text("report_legend_library", lang), _library_entries(libraries, colors, labels))],
    )
    return _svg(fig)


def timeline_chart(
    posts: pd.DataFrame,
    colors: Mapping[str, str],
    labels: Mapping[str, str],
    lang: str,
    start: dt.date,
    end: dt.date,
) -> str:
    """Each campaign post as a mark at its local publication time and its engagements:
    colour = library, marker = platform."""
    fig, (ax,) = _figure(2.4)
    platforms = [p for p in ("instagram", "youtube") if p in set(posts["platform"])]
    for (library_id, platform), group in posts.groupby(["library_id", "platform"], sort=True):
        ax.scatter(
            [t.replace(tzinfo=None) for t in group["local_time"].dt.to_pydatetime()],
            _floats(group["engagements"]),
            color=colors.get(library_id, GREY),
            marker=MARKERS.get(platform, "o"),
            s=28,
            alpha=0.85,
            edgecolors="white",
            linewidths=0.6,
        )
    ax.set_ylim(bottom=0)
    _number_axis(ax, lang, i18n.text("axis_engagements", lang))
    _date_axis(ax, lang, start, end)
    libraries = sorted(set(posts["library_id"]))
    markers = [
        Line2D([], [], color=GREY, linewidth=0, marker=MARKERS[p], markersize=5.5,
               label=i18n.text(p, lang))
        for p in platforms
    ]  # fmt: skip
    _legend(
        fig,
        [
            (
                i18n.text("report_legend_library", lang),
                _library_entries(libraries, colors, labels, marker="s"),
            ),
            (i18n.text("report_legend_platform", lang), markers),
        ],
    )
    return _svg(fig)

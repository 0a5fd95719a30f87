"""The connected accounts' owner-level figures on the pages: the Overview's reach section,
the Compare page's daily reach and views, and the Data page's table of how each account
is collected. Every figure carries its source; platforms stay apart.

Reads through the context's cached readers (no SQL) and computes with
``dashboard/owner.py`` (no formulas here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
import streamlit as st

from collectors.catalog import source_label
from dashboard import charts, i18n
from dashboard import owner as own
from dashboard.app import MAX_CARDS, Context, library_rule
from dashboard.pagedata import OWNER_SERIES, OwnerOverview, owner_overview, owner_series

CONNECT_COMMAND = ".venv/bin/python -m collectors connect"  # as the README gives it

# (label and help key, how the value is shown) of the Overview's cards per platform; the
# value comes from owner.period_figures ("figure:NAME") or owner.reach_summary ("post:COL").
_CARDS = {
    "instagram": (
        ("own_reach_day", "figure:reach_day", "number"),
        ("own_views", "figure:views", "number"),
        ("own_post_reach", "post:post_reach_sum", "number"),
        ("own_saved", "post:saved", "number"),
        ("own_shares", "post:shares", "number"),
        ("own_er_reach", "post:mean_er_reach", "percent"),
        ("own_er_followers", "post:mean_er_followers", "percent"),
        ("own_follows", "figure:follows/unfollows", "flow"),
    ),
    "youtube": (
        ("own_yt_views", "figure:views", "number"),
        ("own_watch_hours", "figure:watch_hours", "hours"),
        ("own_avg_view", "figure:avg_view_duration", "duration"),
        ("own_subscribers", "figure:subscribers_gained/subscribers_lost", "flow"),
        ("own_yt_shares", "figure:shares", "number"),
    ),
}


def sources_marker(sources: Iterable[str], platform: str, ctx: Context) -> str:
    """ "sumber: API resmi (Instagram Graph)" — the sources of one figure, marked demo on
    demo data."""
    names = ", ".join(source_label(s, platform, ctx.lang) for s in sorted(set(sources)))
    text = ctx.t("source_marker", sources=names or i18n.MISSING)
    return text + (" · " + ctx.t("demo_word") if ctx.demo else "")


def _value(kind: str, values: list[Any], lang: str) -> str:
    if kind == "percent":
        return i18n.percent(values[0], lang, 2)
    if kind == "hours":
        return i18n.number(values[0], lang, 1)
    if kind == "duration":  # a view's length: minutes and seconds
        seconds = values[0]
        if seconds is None or pd.isna(seconds) or float(seconds) < 60:
            return i18n.duration(seconds, lang)
        minutes, rest = divmod(round(float(seconds)), 60)
        unit = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
        return f"{minutes} {unit('unit_min')} {rest:02d} {unit('unit_s')}"
    if kind == "flow":  # gained / lost, each with its sign
        gained, lost = values
        return f"{i18n.number(gained, lang, sign=True)} / {i18n.number(-lost, lang)}"
    return i18n.number(values[0], lang)


def _change(kind: str, change: Any, lang: str, vs: str) -> str | None:
    if kind in ("flow", "duration") or change is None or pd.isna(change):
        return None
    if kind == "percent":
        return i18n.delta(change, lang, 2, " " + i18n.text("pp", lang) + vs)
    return i18n.delta(change, lang, 1 if kind == "hours" else 0, suffix=vs)


def library_cards(
    data: OwnerOverview, library_id: str, platform: str, ctx: Context
) -> list[tuple[str, str, str | None, str]]:
    """(label key, value, change, source marker) of one library's cards on one platform;
    figures it has none of are left out (never shown as 0)."""
    figures = data.figures[
        (data.figures["library_id"] == library_id) & (data.figures["platform"] == platform)
    ].set_index("figure")
    reach = data.reach[
        (data.reach["library_id"] == library_id) & (data.reach["platform"] == platform)
    ]
    vs = " " + ctx.t("vs_previous")
    cards = []
    for key, where, kind in _CARDS[platform]:
        part, names = where.split(":")
        if part == "figure":
            wanted = names.split("/")
            if not all(n in figures.index for n in wanted):
                continue
            values = [figures.loc[n, "value"] for n in wanted]
            change = figures.loc[wanted[0], "change"] if len(wanted) == 1 else None
            sources = {s for n in wanted for s in figures.loc[n, "sources"]}
        else:
            if reach.empty or pd.isna(reach.iloc[0][names]):
                continue
            row = reach.iloc[0]
            values = [row[names]]
            change = row[names] - row[f"{names}_prev"] if f"{names}_prev" in row else None
            sources = set(row["sources"])
        cards.append(
            (key, _value(kind, values, ctx.lang), _change(kind, change, ctx.lang, vs),
             sources_marker(sources, platform, ctx))
        )  # fmt: skip
    return cards


def overview_reach(ctx: Context) -> None:
    """The Overview's section of real reach: per platform, the connected libraries' cards
    (each figure with its source), and which chosen libraries are not connected."""
    t = ctx.t
    platforms = [p for p in ("instagram", "youtube") if p in ctx.platforms]
    own_ctx = ctx.connected()  # read the connected accounts' rows only
    if own_ctx.accounts.empty:  # none: nothing to read
        st.header(t("own_title"), anchor=False, help=t("own_title_help"))
        st.info(t("own_none"), icon=":material/link_off:")
        return
    data = owner_overview(
        own_ctx.load, own_ctx.owner_metrics, own_ctx.post_owner_metrics, ctx.period
    )
    st.header(t("own_title"), anchor=False, help=t("own_title_help"))
    connected = {
        (lib, p)
        for frame in (data.figures, data.reach)
        for lib, p in zip(frame["library_id"], frame["platform"], strict=True)
    }
    if not connected:
        st.info(t("own_none"), icon=":material/link_off:")
        return
    st.caption(t("own_caption"))
    for platform in platforms:
        libraries = [lib for lib in ctx.libraries if (lib, platform) in connected]
        missing = [ctx.labels.get(lib, lib) for lib in ctx.libraries if lib not in libraries]
        if not libraries:
            continue
        st.subheader(t(platform), anchor=False)
        if missing:
            st.caption(t("own_not_connected", names=", ".join(missing)))
        if len(ctx.libraries) > MAX_CARDS:  # as the KPIs above: a table, not cards
            ctx.table(owner_table(data, libraries, platform, ctx))
            continue
        if len(libraries) == 1:  # one library: its cards three to a row
            library_id = libraries[0]
            _library_line(library_id, ctx)
            cards = library_cards(data, library_id, platform, ctx)
            for first in range(0, len(cards), 3):
                for column, card in zip(st.columns(3), cards[first : first + 3], strict=False):
                    with column:
                        _card(card, ctx)
            continue
        # several: side by side, a column each, the same figure at the same height
        for column, library_id in zip(st.columns(len(libraries)), libraries, strict=True):
            with column:
                _library_line(library_id, ctx)
                for card in library_cards(data, library_id, platform, ctx):
                    _card(card, ctx)


def _library_line(library_id: str, ctx: Context) -> None:
    library_rule(ctx.colors.get(library_id, "#777777"))
    st.markdown(f"**{ctx.labels.get(library_id, library_id)}**")


def _card(card: tuple[str, str, str | None, str], ctx: Context) -> None:
    """A figure's card and, under it, its source."""
    key, value, change, marker = card
    st.metric(ctx.t(key), value, delta=change, help=ctx.t(f"{key}_help"), border=True)
    st.caption(marker)


def owner_table(
    data: OwnerOverview, libraries: list[str], platform: str, ctx: Context
) -> pd.DataFrame:
    """The cards of many libraries as one table: a row per library and figure."""
    rows = []
    for library_id in libraries:
        for key, value, change, marker in library_cards(data, library_id, platform, ctx):
            rows.append(
                {
                    ctx.t("col_library"): ctx.labels.get(library_id, library_id),
                    ctx.t("col_measure"): ctx.t(key),
                    ctx.t("col_now"): value,
                    ctx.t("col_change").capitalize(): change or "",
                    ctx.t("col_figure_source"): marker,
                }
            )
    return pd.DataFrame(rows)


# (metric, title key, axis key, scale) of the Compare page's charts per platform
_SERIES_CHARTS = {
    "instagram": (("reach", "own_chart_reach", "axis_reach", 1.0),
                  ("views", "own_chart_views", "axis_views", 1.0)),
    "youtube": (("views", "own_chart_yt_views", "axis_views", 1.0),
                ("estimatedMinutesWatched", "own_chart_watch", "axis_hours", 1 / 60)),
}  # fmt: skip


def compare_reach(ctx: Context) -> None:
    """The Compare page's daily reach and views of connected accounts, per platform, with
    the days a platform redefined a metric marked."""
    t = ctx.t
    own_ctx = ctx.connected()  # read the connected accounts' rows only
    st.subheader(t("own_series_title"), anchor=False, help=t("own_series_help"))
    if own_ctx.accounts.empty:  # none: nothing to read
        st.caption(t("own_none_short"))
        return
    series = owner_series(own_ctx.load, own_ctx.owner_metrics, ctx.period)
    if series.empty:
        st.caption(t("own_none_short"))
        return
    st.caption(t("own_series_caption"))
    for platform in [p for p in ("instagram", "youtube") if p in ctx.platforms]:
        mine = series[series["platform"] == platform]
        if mine.empty:
            continue
        for column, (metric, title, axis, scale) in zip(
            st.columns(2), _SERIES_CHARTS[platform], strict=True
        ):
            assert metric in OWNER_SERIES[platform]
            part = mine[mine["metric"] == metric]
            marks = own.redefinitions(platform, metric, ctx.period.start, ctx.period.end)
            with column:
                st.plotly_chart(
                    charts.owner_daily(
                        part,
                        t(title),
                        t(axis),
                        ctx.colors,
                        ctx.labels,
                        ctx.lang,
                        ctx.period.start,
                        ctx.period.end,
                        marks,
                        scale,
                    ),
                    key=f"owner_{platform}_{metric}",
                )
                if marks:
                    st.caption(
                        " · ".join(
                            f"{i18n.date(day, ctx.lang)}: {label[1 if ctx.lang == 'en' else 0]}"
                            for day, label in marks
                        )
                    )


# -- the Data page ---------------------------------------------------------------------


def collection_table(ctx: Context, health: pd.DataFrame) -> None:
    """The Data page's table of how each account is collected, its token's state and
    expiry, and how late its owner-level figures are."""
    t, lang = ctx.t, ctx.lang
    connections, owner_days = ctx.collection()
    today = dt.datetime.now(ctx.config.tz).date()
    table = own.collection(health, connections, owner_days, today)
    st.subheader(t("collection_title"), anchor=False, help=t("collection_help"))
    st.caption(t("collection_caption"))
    trouble = table[table["trouble"]]
    for row in trouble.drop_duplicates(["library_id", "platform"]).itertuples():
        st.warning(
            t(
                "token_trouble",
                library=ctx.labels.get(row.library_id, row.library_id),
                platform=t(row.platform),
                state=t(f"token_{row.token_status}"),
                command=f"{CONNECT_COMMAND} {row.platform} --library {row.library_id}",
            ),
            icon=":material/key_off:",
        )
    ctx.table(collection_frame(table, ctx.labels, lang, ctx.tz))


def collection_frame(
    table: pd.DataFrame, labels: dict[str, str], lang: str, tz: str
) -> pd.DataFrame:
    """:func:`owner.collection` as shown, in the reader's language."""

    def text(key: str, **values: object) -> str:
        return i18n.text(key, lang, **values)

    def when(values: pd.Series) -> list[str]:
        shown = i18n.datetimes(pd.to_datetime(values, utc=True).dt.tz_convert(tz), lang)
        return [i18n.MISSING if pd.isna(v) else s for v, s in zip(values, shown, strict=True)]

    methods = []
    for method, imports, last in zip(
        table["method"], table["imports"], table["owner_last_day"], strict=True
    ):
        if method == "demo" and last is not None and not pd.isna(last):
            method = "demo_official"  # the demo's connected library
        methods.append(text(f"path_{method}") + (" + " + text("path_file_import") if imports
                                                 else ""))  # fmt: skip
    tokens = [
        i18n.MISSING if not isinstance(s, str) else text(f"token_{s}")
        for s in table["token_status"]
    ]
    lags = []
    for lag, late in zip(table["lag_days"], table["late"], strict=True):
        if lag is None or pd.isna(lag):
            lags.append(i18n.MISSING)
            continue
        words = text("lag_one_day") if lag == 1 else text("lag_days", n=i18n.number(lag, lang))
        lags.append(words + (" · " + text("lag_late") if late else ""))
    return pd.DataFrame(
        {
            text("col_library"): [labels.get(x, x) for x in table["library_id"]],
            text("col_platform"): [text(p) for p in table["platform"]],
            text("col_account"): table["handle"].to_numpy(),
            text("col_method"): methods,
            text("col_token"): tokens,
            text("col_connected_since"): when(table["connected_since"]),
            text("col_expires"): [
                text("never_expires") if isinstance(s, str) and pd.isna(e) else w
                for s, e, w in zip(
                    table["token_status"],
                    table["expires_at"],
                    when(table["expires_at"]),
                    strict=True,
                )
            ],
            text("col_owner_until"): [
                i18n.MISSING if d is None or pd.isna(d) else i18n.date(d, lang)
                for d in table["owner_last_day"]
            ],
            text("col_lag"): lags,
            text("col_usual_lag"): [text(f"usual_lag_{p}") for p in table["platform"]],
        }
    )

"""Overview page: per library, the period's KPIs against the previous period of equal length."""

import streamlit as st

from dashboard import i18n
from dashboard.app import MAX_CARDS, context, library_rule, still
from dashboard.insight_panels import breakouts_card
from dashboard.metrics import ALL
from dashboard.owner_panels import overview_reach
from dashboard.report.buttons import report_buttons
from dashboard.service_panels import overview_services
from dashboard.tables import kpi_table

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("overview_title"))
ctx.period_caption(compared=True)

report_buttons(ctx)  # HTML and PDF, built only when clicked

ctx.require_data()
if ctx.no_data_in_period():  # a period before any data: no cards of "–" and zeros
    overview_services(ctx)
    ctx.stop()

table = ctx.overview().set_index(["library_id", "platform"])

vs = " " + t("vs_previous")
platforms = [p for p in ("instagram", "youtube") if p in ctx.platforms]


def cards(row) -> list[tuple[str, str, str | None, dict[str, str]]]:
    """(label and help key, value shown, change shown, its style): one unit per card; a
    change of zero is grey, without an arrow."""
    # (label and help key, value shown, change column, decimals of the change, its suffix)
    shown = [
        ("kpi_audience", i18n.number(row["audience"], lang), "growth", 0, " " + t("this_period")),
        ("kpi_growth", i18n.percent(row["growth_pct"], lang, 2, sign=True), "growth_pct_change",
         2, " " + t("pp") + vs),
        ("kpi_posts", i18n.number(row["posts"], lang), "posts_change", 0, vs),
        ("kpi_engagements", i18n.number(row["engagements"], lang), "engagements_change", 0, vs),
        ("kpi_er", i18n.percent(row["mean_er"], lang, 2), "mean_er_change", 2,
         " " + t("pp") + vs),
        ("kpi_views", i18n.number(row["views"], lang), "views_change", 0, vs),
    ]  # fmt: skip
    return [
        (key, value, i18n.delta(row[col], lang, decimals, suffix), still(row[col], decimals))
        for key, value, col, decimals, suffix in shown
    ]


def short(change: str | None) -> str | None:
    """A change without its "vs previous period" (the "Gabungan" tab says it once)."""
    if change is None:
        return None
    for suffix in (vs, " " + t("this_period")):
        change = change.removesuffix(suffix)
    return change


def library_header(library_id: str) -> None:
    library_rule(ctx.colors.get(library_id, "#777777"), width=6)
    st.subheader(ctx.labels.get(library_id, library_id), anchor=False)


# "Gabungan" shows each platform's part side by side, never one sum: YouTube figures are
# not fused with another platform's (YouTube API policy).
views = ([ALL] if len(platforms) > 1 else []) + platforms
for tab, platform in zip(st.tabs([t(v) for v in views]), views, strict=True):
    with tab:
        shown = platforms if platform == ALL else [platform]
        libraries = [lib for lib in ctx.libraries if any((lib, p) in table.index for p in shown)]
        if not libraries:
            st.info(t("no_data"))
            continue
        if platform == ALL:
            st.caption(t("combined_parts"))
        if len(libraries) > MAX_CARDS:
            # Cards for dozens of libraries would be unreadable: one row each instead.
            st.caption(t("many_libraries", n=len(libraries), max=MAX_CARDS))
            keys = [(lib, p) for lib in libraries for p in shown if (lib, p) in table.index]
            ctx.table(kpi_table(table.loc[keys].reset_index(), ctx.labels, lang))
            continue
        for column, library_id in zip(st.columns(len(libraries)), libraries, strict=True):
            with column:
                library_header(library_id)
                parts = [p for p in shown if (library_id, p) in table.index]
                rows = {p: cards(table.loc[(library_id, p)]) for p in parts}
                for index, (key, *_) in enumerate(rows[parts[0]]):
                    if platform == ALL:
                        # The KPI, then one card per platform: the parts, sources named.
                        st.markdown(f"**{t(key)}**", help=t(f"{key}_help"))
                        for inner, p in zip(st.columns(len(parts)), parts, strict=True):
                            _, value, change, style = rows[p][index]
                            inner.metric(t(p), value, delta=short(change), border=True, **style)
                    else:
                        _, value, change, style = rows[platform][index]
                        st.metric(
                            t(key), value, delta=change, help=t(f"{key}_help"), border=True,
                            **style,
                        )  # fmt: skip

overview_reach(ctx)  # connected accounts: real reach, ER by reach, sources

if len(ctx.libraries) <= MAX_CARDS:  # with more, the tabs above hold this table already
    st.subheader(t("kpi_table"), anchor=False)
    ctx.table(kpi_table(table.reset_index(), ctx.labels, lang))

breakouts_card(ctx)

overview_services(ctx)  # Ask Librarian's headline figures (dashboard/service_panels.py)

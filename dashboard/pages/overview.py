"""Overview page: per library, the period's KPIs against the previous period of equal length."""

import streamlit as st

from dashboard import i18n
from dashboard.app import MAX_CARDS, context
from dashboard.metrics import ALL
from dashboard.pagedata import overview
from dashboard.report import build_report
from dashboard.service_panels import overview_services
from dashboard.tables import kpi_table

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("overview_title"))
previous = ctx.period.previous()
st.caption(
    t(
        "period_line",
        start=i18n.date(ctx.period.start, lang),
        end=i18n.date(ctx.period.end, lang),
        days=ctx.period.days,
        pstart=i18n.date(previous.start, lang),
        pend=i18n.date(previous.end, lang),
    )
)

st.download_button(
    t("report_button"),
    # Built only when clicked: the report embeds plotly.js and every campaign of the period.
    data=lambda: build_report(ctx.load, ctx.all_accounts, ctx.config, ctx.period, lang, ctx.demo),
    file_name=f"jejaring_laporan_{ctx.period.start:%Y%m%d}-{ctx.period.end:%Y%m%d}.html",
    mime="text/html",
    on_click="ignore",
    icon=":material/download:",
    key="report",
)

if not ctx.libraries or not ctx.platforms:
    st.warning(t("no_selection"))
    st.stop()
if ctx.accounts.empty:
    st.info(t("no_data"))
    st.stop()

table = overview(ctx.load, ctx.period).set_index(["library_id", "platform"])

vs = " " + t("vs_previous")
views = [ALL, *[p for p in ("instagram", "youtube") if p in ctx.platforms]]
for tab, platform in zip(st.tabs([t(v) for v in views]), views, strict=True):
    with tab:
        libraries = [lib for lib in ctx.libraries if (lib, platform) in table.index]
        if not libraries:
            st.info(t("no_data"))
            continue
        if len(libraries) > MAX_CARDS:
            # Cards for dozens of libraries would be unreadable: one row each instead.
            st.caption(t("many_libraries", n=len(libraries), max=MAX_CARDS))
            rows = table.loc[[(lib, platform) for lib in libraries]].reset_index()
            st.dataframe(kpi_table(rows, ctx.labels, lang), hide_index=True)
            continue
        for column, library_id in zip(st.columns(len(libraries)), libraries, strict=True):
            row = table.loc[(library_id, platform)]
            with column:
                st.markdown(
                    f"<div style='border-top:6px solid {ctx.colors.get(library_id, '#777')};"
                    "margin-bottom:4px'></div>",
                    unsafe_allow_html=True,  # colour only: validated '#rrggbb' from config
                )
                st.subheader(ctx.labels.get(library_id, library_id), anchor=False)
                # (label and help key, value shown, change shown)
                cards = [
                    ("kpi_audience", i18n.number(row["audience"], lang),
                     i18n.delta(row["growth"], lang, suffix=" " + t("this_period"))),
                    ("kpi_growth", i18n.percent(row["growth_pct"], lang, 2, sign=True),
                     i18n.delta(row["growth_change"], lang, suffix=vs)),
                    ("kpi_posts", i18n.number(row["posts"], lang),
                     i18n.delta(row["posts_change"], lang, suffix=vs)),
                    ("kpi_engagements", i18n.number(row["engagements"], lang),
                     i18n.delta(row["engagements_change"], lang, suffix=vs)),
                    ("kpi_er", i18n.percent(row["mean_er"], lang, 2),
                     i18n.delta(row["mean_er_change"], lang, 2, " pp " + vs)),
                    ("kpi_views", i18n.number(row["views"], lang),
                     i18n.delta(row["views_change"], lang, suffix=vs)),
                ]  # fmt: skip
                for key, value, change in cards:
                    st.metric(t(key), value, delta=change, help=t(f"{key}_help"), border=True)

st.subheader(t("kpi_table"), anchor=False)
st.dataframe(kpi_table(table.reset_index(), ctx.labels, lang), hide_index=True)

overview_services(ctx)  # Ask Librarian's headline figures (dashboard/service_panels.py)

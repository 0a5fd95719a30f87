"""Campaigns page: what each joint campaign of the period achieved per library and
together, and who promotes whom."""

import pandas as pd
import streamlit as st

from dashboard import charts, i18n
from dashboard.app import MAX_CARDS, context
from dashboard.campaigns import top_posts
from dashboard.pagedata import campaign_data, cross_promotion
from dashboard.tables import campaign_table, cross_table, lift_table, posts_table

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("campaigns_title"))
st.caption(t("campaigns_rule"))

if not ctx.libraries or not ctx.platforms:
    st.warning(t("no_selection"))
    st.stop()

campaigns = [
    c for c in ctx.config.campaigns if c.start <= ctx.period.end and c.end >= ctx.period.start
]
names = {c.id: c.name for c in ctx.config.campaigns}
handles = ctx.handles

if not ctx.config.campaigns:
    st.info(t("no_campaigns"))
elif not campaigns:
    st.info(t("no_campaigns_in_period"))
else:
    data = {c.id: campaign_data(ctx.load, c, handles) for c in campaigns}
    table = pd.concat([d.summary for d in data.values()], ignore_index=True)
    st.subheader(t("all_campaigns"), anchor=False, help=t("kpi_lift_help"))
    st.dataframe(campaign_table(table, names, ctx.labels, lang), hide_index=True)

    chosen_id = st.selectbox(
        t("campaign"), list(data), format_func=names.__getitem__, key="campaign"
    )
    chosen = data[chosen_id]
    campaign = chosen.campaign
    st.header(campaign.name, anchor=False)
    st.caption(
        t(
            "campaign_dates",
            start=i18n.date(campaign.start, lang),
            end=i18n.date(campaign.end, lang),
            libraries=", ".join(ctx.labels.get(x, x) for x in campaign.libraries),
        )
    )
    rows = chosen.summary.set_index("library_id")
    vs = " " + t("vs_before")
    if len(rows) > MAX_CARDS + 1:
        st.dataframe(campaign_table(chosen.summary, names, ctx.labels, lang), hide_index=True)
    else:
        for column, library_id in zip(st.columns(len(rows)), rows.index, strict=True):
            row = rows.loc[library_id]
            with column:
                st.subheader(
                    t("all") if library_id == "all" else ctx.labels.get(library_id, library_id),
                    anchor=False,
                )
                # (label key, value shown, change shown, help key)
                cards = [
                    ("kpi_posts", i18n.number(row["posts"], lang), None, None),
                    ("kpi_engagements", i18n.number(row["engagements"], lang), None,
                     "kpi_engagements_help"),
                    ("kpi_views", i18n.number(row["views"], lang), None, "kpi_views_help"),
                    ("kpi_potential_reach", i18n.number(row["potential_reach"], lang), None,
                     "kpi_potential_reach_help"),
                    ("kpi_er", i18n.percent(row["mean_er"], lang, 2), None, "kpi_er_help"),
                    ("kpi_lift", i18n.ratio(row["lift"], lang), None, "kpi_lift_help"),
                    ("kpi_growth_campaign", i18n.number(row["audience_growth"], lang),
                     i18n.delta(row["audience_growth"] - row["audience_growth_before"], lang,
                                suffix=vs), "kpi_growth_campaign_help"),
                ]  # fmt: skip
                for key, value, change, help_key in cards:
                    st.metric(
                        t(key),
                        value,
                        delta=change,
                        border=True,
                        help=t(help_key) if help_key else None,
                    )

    st.plotly_chart(
        charts.campaign_timeline(chosen.posts, ctx.colors, ctx.labels, lang, t("chart_timeline")),
        key="campaign_timeline",
    )
    st.subheader(t("lift_table"), anchor=False, help=t("kpi_lift_help"))
    st.dataframe(lift_table(chosen.lift, ctx.labels, lang), hide_index=True)
    st.subheader(t("top_posts"), anchor=False)
    st.dataframe(
        posts_table(top_posts(chosen.posts, "engagements", 10), ctx.labels, lang),
        hide_index=True,
        column_config=ctx.post_columns,
    )

    if len(data) > 1:
        st.header(t("compare_campaigns"), anchor=False)
        picked = st.multiselect(
            t("campaign"),
            list(data),
            default=list(data)[:3],
            format_func=names.__getitem__,
            key="compare_campaigns",
        )
        measures = {
            "engagements": t("kpi_engagements"),
            "posts": t("kpi_posts"),
            "potential_reach": t("kpi_potential_reach"),
            "mean_er": t("kpi_er"),
            "lift": t("kpi_lift"),
            "views": t("kpi_views"),
        }
        measure = st.selectbox(
            t("compare_metric"), list(measures), format_func=measures.__getitem__, key="measure"
        )
        st.plotly_chart(
            charts.campaigns_side_by_side(
                table[table["campaign_id"].isin(picked)],
                measure,
                names,
                measures[measure],
                ctx.colors,
                ctx.labels,
                lang,
            ),
            key="campaigns_compare",
        )

st.header(t("cross_title"), anchor=False, help=t("cross_help"))
edges = cross_promotion(ctx.load, ctx.period, handles)
if edges.empty:
    st.info(t("no_cross"))
else:
    st.plotly_chart(
        charts.cross_sankey(edges, ctx.colors, ctx.labels, lang, t("cross_title")), key="sankey"
    )
    st.dataframe(cross_table(edges, ctx.labels, lang), hide_index=True)

"""Campaigns page: what each joint campaign achieved per library and platform, and who
promotes whom."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, i18n
from dashboard.app import MAX_CARDS, context, still
from dashboard.campaigns import top_posts
from dashboard.tables import campaign_table, cross_table, cross_ways, lift_table, posts_table

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("campaigns_title"))
st.caption(t("campaigns_rule"))
ctx.require_data()

today = dt.datetime.now(ctx.config.tz).date()
# Every configured campaign, newest first, whatever the sidebar's period.
every = sorted(ctx.config.campaigns, key=lambda c: (c.start, c.end), reverse=True)
names = {c.id: c.name for c in every}
handles = ctx.handles
platforms = [p for p in ("instagram", "youtube") if p in ctx.platforms]


def state(campaign) -> str:
    if campaign.start > today:
        return "upcoming"
    return "running" if campaign.end >= today else "past"


def campaign_label(campaign_id: str) -> str:
    campaign = next(c for c in every if c.id == campaign_id)
    when = f"{i18n.date(campaign.start, lang)} – {i18n.date(campaign.end, lang)}"
    mark = {"upcoming": f" · {t('campaign_upcoming')}", "running": f" · {t('campaign_running')}"}
    return f"{campaign.name} ({when}){mark.get(state(campaign), '')}"


if not every:
    st.info(t("no_campaigns"))
else:
    started = [c.id for c in every if state(c) != "upcoming"]
    chosen_id = st.selectbox(
        t("campaign"),
        [c.id for c in every],
        format_func=campaign_label,
        help=t("campaign_choice_help"),
        **ctx.keep("campaign", (started or [every[0].id])[0], [c.id for c in every], url=True),
    )
    chosen = ctx.campaign(next(c for c in every if c.id == chosen_id))
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
    if state(campaign) == "upcoming":
        st.info(t("campaign_not_started"))
    summary = chosen.summary[chosen.summary["platform"].isin(platforms)]
    vs = " " + t("vs_before")
    shown_platforms = [p for p in platforms if p in set(summary["platform"])]
    # One tab per platform: YouTube figures are never added to another platform's.
    for tab, platform in zip(
        st.tabs([t(p) for p in shown_platforms]), shown_platforms, strict=True
    ):
        with tab:
            rows = summary[summary["platform"] == platform].set_index("library_id")
            if len(rows) > MAX_CARDS + 1:
                ctx.table(campaign_table(rows.reset_index(), names, ctx.labels, lang))
                continue
            for column, library_id in zip(st.columns(len(rows)), rows.index, strict=True):
                row = rows.loc[library_id]
                with column:
                    st.subheader(
                        t("all_libraries")
                        if library_id == "all"
                        else ctx.labels.get(library_id, library_id),
                        anchor=False,
                    )
                    gained = row["audience_growth"] - row["audience_growth_before"]
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
                         i18n.delta(gained, lang, suffix=vs), "kpi_growth_campaign_help"),
                    ]  # fmt: skip
                    for key, value, change, help_key in cards:
                        st.metric(
                            t(key),
                            value,
                            delta=change,
                            border=True,
                            help=t(help_key) if help_key else None,
                            **(still(gained) if change else {}),
                        )

    st.plotly_chart(
        charts.campaign_timeline(
            chosen.posts[chosen.posts["platform"].isin(platforms)],
            ctx.colors,
            ctx.labels,
            lang,
            t("chart_timeline"),
            campaign.start,
            campaign.end,
        ),
        key="campaign_timeline",
    )
    st.subheader(t("lift_table"), anchor=False, help=t("kpi_lift_help"))
    ctx.table(lift_table(chosen.lift, ctx.labels, lang))
    st.subheader(t("top_posts"), anchor=False)
    ctx.table(
        posts_table(top_posts(chosen.posts, "engagements", 10), ctx.labels, lang, text_length=90),
        column_config=ctx.post_columns,
    )

    # The sidebar's period narrows this overview only.
    st.header(t("all_campaigns"), anchor=False, help=t("kpi_lift_help"))
    ctx.period_caption()
    in_period = [c for c in every if c.start <= ctx.period.end and c.end >= ctx.period.start]
    if not in_period:
        st.info(t("no_campaigns_in_period"))
    else:
        data = {c.id: ctx.campaign(c) for c in in_period}
        table = pd.concat([d.summary for d in data.values()], ignore_index=True)
        table = table[table["platform"].isin(platforms)]
        ctx.table(campaign_table(table, names, ctx.labels, lang))
        if len(data) > 1:
            st.subheader(t("compare_campaigns"), anchor=False)
            picked = st.multiselect(
                t("campaign"),
                list(data),
                format_func=names.__getitem__,
                **ctx.keep("compare_campaigns", list(data)[:3], list(data)),
            )
            measures = {
                "engagements": t("kpi_engagements"),
                "posts": t("kpi_posts"),
                "potential_reach": t("kpi_potential_reach"),
                "mean_er": t("kpi_er"),
                "lift": t("kpi_lift"),
                "views": t("kpi_views"),
            }
            left, right = st.columns(2)
            measure = left.selectbox(
                t("compare_metric"),
                list(measures),
                format_func=measures.__getitem__,
                **ctx.keep("measure", "engagements", list(measures)),
            )
            platform = right.radio(
                t("col_platform"),
                platforms,
                format_func=t,
                horizontal=True,
                **ctx.keep("compare_platform", platforms[0], platforms),
            )
            st.plotly_chart(
                charts.campaigns_side_by_side(
                    table[table["campaign_id"].isin(picked) & (table["platform"] == platform)],
                    measure,
                    names,
                    f"{measures[measure]} · {t(platform)}",
                    ctx.colors,
                    ctx.labels,
                    lang,
                ),
                key="campaigns_compare",
            )

st.header(t("cross_title"), anchor=False, help=t("cross_help"))
ctx.period_caption()
edges = ctx.cross_promotion()
if edges.empty:
    st.info(t("no_cross"))
else:
    # One Sankey per platform: YouTube posts are never counted with another platform's.
    shown = [p for p in ("instagram", "youtube") if p in set(edges["platform"])]
    for column, platform in zip(st.columns(len(shown)), shown, strict=True):
        with column:
            st.plotly_chart(
                charts.cross_sankey(
                    edges,
                    platform,
                    ctx.colors,
                    ctx.labels,
                    lang,
                    t("cross_sankey_title_of", platform=t(platform)),
                ),
                key=f"sankey_{platform}",
            )
    st.subheader(t("cross_totals"), anchor=False)
    ctx.table(cross_table(edges, ctx.labels, lang))
    st.subheader(t("cross_ways_title"), anchor=False)
    st.caption(t("cross_ways_note"))
    ctx.table(cross_ways(edges, ctx.labels, lang))

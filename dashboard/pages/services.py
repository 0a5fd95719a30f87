"""Services page: each chosen library's "Ask Librarian" questions, response times and busy
hours, beside the library's social figures for the same period."""

import streamlit as st

from dashboard import i18n
from dashboard import services as svc
from dashboard.app import context, library_rule
from dashboard.metrics import in_period
from dashboard.service_charts import busy_heatmap, questions_per_day
from dashboard.service_panels import (
    days_table,
    load,
    period_window,
    post_figures,
    post_figures_table,
    social_table,
    sources_text,
)

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("services_title"))
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
st.info(t("services_privacy"), icon=":material/lock:")
if ctx.demo:  # service figures come only from imports: they are never demo data
    st.caption(t("services_demo_note"))

if not ctx.libraries:
    st.warning(t("no_selection"))
    ctx.stop()
data = load(ctx, *period_window(ctx.period))
if data.services.empty:
    st.info(t("services_none_configured"))
    ctx.stop()

current = svc.figures(data.services, data.daily, data.questions, ctx.period, ctx.tz)
table = svc.compare(
    current, svc.figures(data.services, data.daily, data.questions, previous, ctx.tz)
)
days = svc.service_days(data.daily, ctx.period)
asked = svc.local_questions(data.questions, ctx.tz, ctx.period)
busy = svc.busy_hours(asked)
social = ctx.overview()  # the period's KPIs (summed by the database)
# Posts with owner-level figures: only connected accounts have them, read only theirs.
connected = ctx.connected()
owned = connected.load(ctx.period.start, ctx.period.end, detail="all").posts
owned_posts = post_figures(ctx, in_period(owned, ctx.period))
owner = svc.owner_figures(ctx.owner_metrics(ctx.period.start, ctx.period.end), ctx.accounts,
                          ctx.period)  # fmt: skip

vs = " " + t("vs_previous")
for row in table.itertuples():
    color = ctx.colors.get(row.library_id, "#777777")
    library_rule(color, width=6, above=True)
    st.subheader(f"{ctx.labels.get(row.library_id, row.library_id)} · {row.name}", anchor=False)
    if not row.days:
        st.info(t("services_no_data"))
        continue
    st.caption(t("services_sources", sources=sources_text(row.sources, lang), days=row.days))
    cards = [  # (label and help key, value, change)
        ("svc_questions", i18n.number(row.questions, lang),
         i18n.delta(row.questions_change, lang, suffix=vs)),
        ("svc_answered", i18n.percent(row.answered_pct, lang, 0),
         i18n.delta(row.answered_pct_change, lang, 0, " pp" + vs)),
        ("svc_median", i18n.duration(row.median_reply_s, lang), None),
        ("svc_p90", i18n.duration(row.p90_reply_s, lang), None),
        ("svc_within_1h", i18n.percent(row.within_1h_pct, lang, 0),
         i18n.delta(row.within_1h_pct_change, lang, 0, " pp" + vs)),
        ("svc_within_hours", i18n.percent(row.within_hours_pct, lang, 0), None),
        ("svc_askers", i18n.number(row.askers, lang), None),
    ]  # fmt: skip
    for start in range(0, len(cards), 4):  # four to a row: the labels stay readable
        row_cards = cards[start : start + 4]
        for column, (key, value, change) in zip(st.columns(4), row_cards, strict=False):
            column.metric(t(key), value, delta=change, help=t(f"{key}_help"), border=True)
    mine = days[days["service_id"] == row.service_id]
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            questions_per_day(svc.daily_series(mine, ctx.period), color, lang),
            key=f"days_{row.service_id}",
        )
    with right:
        slots = busy[busy["service_id"] == row.service_id]
        if slots.empty:
            st.caption(t("services_no_timings"))
        else:
            st.plotly_chart(busy_heatmap(slots, color, lang), key=f"busy_{row.service_id}")
    st.markdown(f"**{t('svc_social_title')}**")
    st.caption(t("svc_social_caption"))
    beside = social_table(social, owner, row.library_id, lang)
    if beside.empty:
        st.caption(t("no_data"))
    else:
        st.dataframe(beside, hide_index=True)
    posts_table = post_figures_table(owned_posts, row.library_id, lang, ctx.tz)
    if not posts_table.empty:
        with st.expander(t("svc_posts_table", n=len(posts_table))):
            st.dataframe(posts_table, hide_index=True, column_config=ctx.post_columns)
    with st.expander(t("svc_days_table")):
        st.dataframe(days_table(mine, lang), hide_index=True)

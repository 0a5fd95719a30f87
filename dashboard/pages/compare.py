"""Compare page: the libraries side by side over time, by content type and by posting time."""

import streamlit as st

from dashboard import charts
from dashboard.app import MAX_CARDS, context
from dashboard.metrics import ALL
from dashboard.pagedata import compare

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("compare_title"))

if not ctx.libraries or not ctx.platforms:
    st.warning(t("no_selection"))
    st.stop()
if ctx.accounts.empty:
    st.info(t("no_data"))
    st.stop()

data = compare(ctx.load, ctx.period, combined_best_time=len(ctx.libraries) > MAX_CARDS)
st.plotly_chart(
    charts.audience_over_time(data.audience, ctx.colors, ctx.labels, lang), key="audience"
)

weeks = data.weekly
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.weekly_lines(
            weeks,
            "posts",
            t("chart_weekly_posts"),
            t("axis_posts"),
            ctx.colors,
            ctx.labels,
            bars=True,
        ),
        key="weekly_posts",
    )
with right:
    per_1k = st.toggle(t("per_1k_toggle"), help=t("per_1k_help"), key="per_1k")
    if per_1k:
        figure = charts.weekly_lines(
            weeks, "mean_per_1k", t("chart_per_1k"), t("axis_per_1k"), ctx.colors, ctx.labels
        )
    else:
        figure = charts.weekly_lines(
            weeks,
            "engagements",
            t("chart_weekly_engagements"),
            t("axis_engagements"),
            ctx.colors,
            ctx.labels,
        )
    st.plotly_chart(figure, key="weekly_engagements")

mix = data.content
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.content_types(
            mix, "posts", t("chart_content"), t("axis_posts"), ctx.colors, ctx.labels, lang
        ),
        key="content_posts",
    )
with right:
    st.plotly_chart(
        charts.content_types(
            mix, "mean_er", t("chart_content_er"), t("axis_er"), ctx.colors, ctx.labels, lang
        ),
        key="content_er",
    )

st.subheader(t("chart_best_time", tz=ctx.tz), anchor=False, help=t("best_time_help"))
slots = data.best_time
zmax = float(slots["mean_er"].max()) if len(slots) and slots["mean_er"].notna().any() else None
shown = sorted(set(slots["library_id"])) if len(ctx.libraries) > MAX_CARDS else ctx.libraries
if len(ctx.libraries) > MAX_CARDS:
    st.caption(t("many_libraries_heatmap", n=len(ctx.libraries), max=MAX_CARDS))
for column, library_id in zip(st.columns(min(len(shown), 3) or 1), shown, strict=False):
    with column:
        st.plotly_chart(
            charts.best_time_heatmap(
                slots[slots["library_id"] == library_id],
                ctx.colors.get(library_id, "#555555"),
                t("all") if library_id == ALL else ctx.labels.get(library_id, library_id),
                lang,
                zmax,
            ),
            key=f"best_time_{library_id}",
        )

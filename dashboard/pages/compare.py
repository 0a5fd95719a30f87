"""Compare page: the libraries side by side over time, by content type and by posting time."""

import streamlit as st

from dashboard import charts
from dashboard.app import MAX_CARDS, context
from dashboard.metrics import ALL, BEST_TIME_MIN_POSTS, MAX_SERIES
from dashboard.owner_panels import compare_reach

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("compare_title"))
ctx.period_caption()
ctx.require_data()
if ctx.no_data_in_period():  # a period before any data: no empty charts
    ctx.stop()

data = ctx.compare(combined_best_time=len(ctx.libraries) > MAX_CARDS)
colors, labels = ctx.series_names(data.others)
if data.others:
    st.caption(t("others_rule", shown=MAX_SERIES - 1, n=data.others))
st.plotly_chart(charts.audience_over_time(data.audience, colors, labels, lang), key="audience")
compare_reach(ctx)  # connected accounts' daily reach and views, redefinitions marked

# Weekly figures per platform: a YouTube figure is never added to another platform's.
st.caption(t("weekly_rule"))
per_1k = st.toggle(t("per_1k_toggle"), help=t("per_1k_help"), **ctx.keep("per_1k", False))
platforms = [p for p in ("instagram", "youtube") if p in ctx.platforms]
weekly = data.weekly
for platform in platforms:
    weeks = weekly[weekly["platform"] == platform]
    name = t(platform)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            charts.weekly_lines(
                weeks,
                "posts",
                t("chart_weekly_posts_of", platform=name),
                t("axis_posts"),
                colors,
                labels,
                bars=True,
                lang=lang,
            ),
            key=f"weekly_posts_{platform}",
        )
    with right:
        if per_1k:
            figure = charts.weekly_lines(
                weeks,
                "mean_per_1k",
                t("chart_per_1k_of", platform=name),
                t("axis_per_1k"),
                colors,
                labels,
                lang=lang,
            )
        else:
            figure = charts.weekly_lines(
                weeks,
                "engagements",
                t("chart_weekly_engagements_of", platform=name),
                t("axis_engagements"),
                colors,
                labels,
                lang=lang,
            )
        st.plotly_chart(figure, key=f"weekly_engagements_{platform}")

mix = data.content
left, right = st.columns(2)
with left:
    st.plotly_chart(
        charts.content_types(
            mix, "posts", t("chart_content"), t("axis_posts"), colors, labels, lang
        ),
        key="content_posts",
    )
with right:
    st.plotly_chart(
        charts.content_types(
            mix, "mean_er", t("chart_content_er"), t("axis_er"), colors, labels, lang
        ),
        key="content_er",
    )

st.subheader(t("chart_best_time", tz=ctx.tz), anchor=False, help=t("best_time_help"))
st.caption(t("best_time_rule", n=BEST_TIME_MIN_POSTS))
platform = (
    st.segmented_control(
        t("col_platform"),
        platforms,
        format_func=t,
        **ctx.keep("best_time_platform", platforms[0], platforms),
    )
    or platforms[0]
)
slots = data.best_time[data.best_time["platform"] == platform]
reliable = slots[slots["reliable"].astype(bool)]
zmax = float(reliable["mean_er"].max()) if reliable["mean_er"].notna().any() else None
shown = sorted(set(slots["library_id"])) if len(ctx.libraries) > MAX_CARDS else ctx.libraries
if len(ctx.libraries) > MAX_CARDS:
    st.caption(t("many_libraries_heatmap", n=len(ctx.libraries), max=MAX_CARDS))
for first in range(0, len(shown), 3):  # three grids a row
    row = shown[first : first + 3]
    for column, library_id in zip(st.columns(min(len(shown), 3)), row, strict=False):
        with column:
            st.plotly_chart(
                charts.best_time_heatmap(
                    slots[slots["library_id"] == library_id],
                    ctx.colors.get(library_id, "#555555"),
                    t("all_libraries")
                    if library_id == ALL
                    else ctx.labels.get(library_id, library_id),
                    lang,
                    zmax,
                ),
                key=f"best_time_{library_id}",
            )

"""Posts page: searchable table of posts with thumbnails and links, top posts, hashtags."""

import streamlit as st

from dashboard import i18n
from dashboard import owner as own
from dashboard.app import context, fragment_finished
from dashboard.campaigns import hashtag_totals
from dashboard.insight_panels import breakouts_section
from dashboard.owner_panels import sources_marker
from dashboard.posts import count_per_platform, post_labels, post_text, search_words
from dashboard.tables import hashtag_table, posts_table

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("posts_title"))
ctx.period_caption()
ctx.require_data()


@st.fragment
def post_list() -> None:
    """Search, kinds, order and the list: a fragment, so that typing a search reruns this
    part alone, not the whole page."""
    left, middle, right = st.columns([3, 2, 1])
    query = left.text_input(t("search"), **ctx.keep("search", ""))
    kinds = ctx.post_kinds()
    chosen = middle.multiselect(
        t("kinds"), kinds, default=kinds, format_func=lambda k: ctx.t(f"kind_{k}"), key="kinds"
    )
    orders = {"newest": t("sort_newest"), "engagements": t("sort_engagements"), "er": t("sort_er")}
    if ctx.connected_ids():  # ER by reach needs an account connected through its official API
        orders["er_reach"] = t("sort_er_reach")
    order = right.selectbox(
        t("sort_by"),
        list(orders),
        format_func=orders.__getitem__,
        **ctx.keep("order", "newest", list(orders)),
    )
    # The database searches and sorts; the page gets the first LIST_LIMIT posts it finds,
    # with reach, saves, shares and ER by reach where the account is connected.
    found, counts = ctx.post_list(search_words(query), chosen, order)
    found = own.post_figures(found, ctx.post_owner_metrics(found))  # the listed posts' only
    st.caption(t("posts_found", parts=count_per_platform(counts, lang)))
    if sum(counts.values()) > len(found):
        st.caption(t("list_limited", shown=i18n.number(len(found), lang)))
    owned = found[found["owner_sources"].map(bool)]
    if len(owned):
        markers = sorted(
            {sources_marker(s, p, ctx) for p, s in zip(owned["platform"], owned["owner_sources"],
                                                       strict=True)}
        )  # fmt: skip
        st.caption(t("posts_owner_note", sources="; ".join(markers)))
    # The figure the list is sorted by comes first after the post's text.
    first = {"er": "er_followers", "er_reach": "er_reach"}.get(order, "engagements")
    ctx.table(
        posts_table(found, ctx.labels, lang, first),
        column_config=ctx.post_columns,
        row_height=60,
    )

    if len(found):
        # The full text of one post, shown as plain text: captions are untrusted input.
        shown = found.head(200)
        names = post_labels(shown, ctx.labels, lang)
        chosen_post = st.selectbox(
            t("post_detail"),
            list(range(len(shown))),
            key="post_detail",
            format_func=names.__getitem__,
        )
        post = shown.iloc[chosen_post]
        st.text(post_text(post))
        if isinstance(post["url"], str) and post["url"].startswith("https://"):
            st.link_button(t("open_post"), post["url"])

    fragment_finished(ctx)


post_list()

left, right = st.columns(2)
with left:
    st.subheader(t("top_by_engagements"), anchor=False)
    ctx.table(
        posts_table(
            ctx.post_list(order="engagements", limit=5)[0], ctx.labels, lang, text_length=60
        ),  # fmt: skip
        column_config=ctx.post_columns,
    )
with right:
    st.subheader(t("top_by_er"), anchor=False, help=t("kpi_er_help"))
    ctx.table(
        posts_table(ctx.owned_list(order="er", limit=5), ctx.labels, lang, "er_followers", 60),
        column_config=ctx.post_columns,
    )

breakouts_section(ctx)

st.subheader(t("hashtags_title"), anchor=False)
minimum = st.number_input(t("min_posts"), min_value=1, max_value=50, **ctx.keep("min_posts", 3))
tags = hashtag_totals(ctx.post_sums(["hashtag"]), ctx.accounts, int(minimum))
ctx.table(hashtag_table(tags, ctx.labels, lang))

"""The insights on the dashboard: the Overview's breakout card, the Posts page's breakout
section, and the Content categories page with staff's category control.

Pages call these with one line each; data comes from ``insight_data`` (cached here), words
from ``i18n``, tables from ``insight_tables``. No formulas and no SQL here.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from collectors.config import CATEGORIES, NO_CATEGORY, Categories
from collectors.store import Store
from dashboard import i18n
from dashboard import insights as ins
from dashboard.app import Context
from dashboard.insight_data import (
    Insights,
    category_data,
    kept_verdicts,
    post_details,
    rule_categories,
)
from dashboard.insight_tables import (
    categorised_posts_table,
    category_name,
    category_table,
    flagged_table,
)
from dashboard.metrics import OTHERS, Period, with_others
from dashboard.posts import post_labels, post_text

_FOLLOW_RULES = "__rules__"  # the choice that removes staff's category
SHOWN_POSTS = 300  # the newest posts of the period listed with their category
SHOWN_FLAGGED = 50  # flagged posts listed on the Posts page (the furthest from typical)


# The fingerprint argument is only a cache key: it changes whenever a capture is written.
# Verdicts are small (a few numbers per post): a few periods are kept for an hour.
@st.cache_data(show_spinner=False, max_entries=8, ttl=3600)
def _verdicts(
    _store: Store,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    return kept_verdicts(_store, tz, ids, Period(start, end))


@st.cache_data(show_spinner=False, max_entries=4, ttl=3600)
def _ruled(
    _store: Store,
    _categories: Categories,
    _accounts: pd.DataFrame,
    url: str,
    tz: str,
    fingerprint: tuple[object, ...],
    ids: tuple[int, ...],
    start: dt.date,
    end: dt.date,
    rules: str,  # the categories' settings, as a cache key
) -> pd.DataFrame:
    return rule_categories(_store, tz, _accounts, Period(start, end), _categories)


def insights_of(ctx: Context) -> Insights:
    """The period's posts' verdicts, cached until the store changes."""
    ids = tuple(int(i) for i in ctx.accounts["id"])
    judged, verdicts, unjudged = _verdicts(
        ctx.store,
        ctx.settings.database_url,
        ctx.tz,
        ctx.fingerprint,
        ids,
        ctx.period.start,
        ctx.period.end,
    )
    details = post_details(ctx.store, ctx.tz, ctx.accounts)
    return Insights(ctx.period, judged, verdicts, details, unjudged)


def breakouts_card(ctx: Context) -> None:
    """Overview: the period's breakout posts with the reason, in a bordered card."""
    if ctx.accounts.empty:
        return
    flagged = insights_of(ctx).flagged(ins.BREAKOUT, limit=10)
    with st.container(border=True):
        st.subheader(ctx.t("breakouts_card"), anchor=False, help=ctx.t("breakouts_help"))
        if flagged.empty:
            st.caption(ctx.t("no_breakouts"))
        else:
            st.dataframe(
                flagged_table(flagged, ctx.labels, ctx.lang),
                hide_index=True,
                column_config=ctx.post_columns,
                key="breakouts_card",
            )


def breakouts_section(ctx: Context) -> None:
    """Posts page: breakout and underperforming posts of the period, and how many posts
    have no verdict."""
    if ctx.accounts.empty:
        return
    data = insights_of(ctx)
    st.subheader(ctx.t("breakouts_title"), anchor=False, help=ctx.t("breakouts_help"))
    for verdict, none_key in (
        (ins.BREAKOUT, "no_breakouts"),
        (ins.UNDERPERFORMER, "no_underperformers"),
    ):
        flagged = data.flagged(verdict, limit=SHOWN_FLAGGED)
        if verdict == ins.UNDERPERFORMER:
            st.markdown(f"**{ctx.t('underperformers_title')}**")
        if flagged.empty:
            st.caption(ctx.t(none_key))
            continue
        total = int((data.period_verdicts()["verdict"] == verdict).sum())
        if total > len(flagged):
            st.caption(ctx.t("flagged_shown", shown=len(flagged), n=i18n.number(total, ctx.lang)))
        st.dataframe(
            flagged_table(flagged, ctx.labels, ctx.lang),
            hide_index=True,
            column_config=ctx.post_columns,
            key=f"posts_{verdict}",
        )
    unjudged = data.without_verdict()
    if unjudged:
        st.caption(ctx.t("no_verdict_count", n=unjudged))


def _signed_in_email() -> str:
    try:
        return str(st.user.email) if st.user.is_logged_in else ""
    except Exception:  # no sign-in configured
        return ""


def _category_chart(summary: pd.DataFrame, ctx: Context, platform: str) -> go.Figure:
    """Mean ER per category on one platform, one bar per library in its colour (beyond
    eight libraries, the seven with most posts and the others' average)."""
    fig = go.Figure()
    categories = [*CATEGORIES, ins.UNCATEGORISED]
    names = [category_name(c, ctx.lang) for c in categories]
    mine = summary[(summary["platform"] == platform) & (summary["library_id"] != "all")]
    mine = mine[mine["library_id"].isin(ctx.libraries)]
    columns = ["library_id", "platform", "category", "posts", "mean_er"]
    shown, others = with_others(mine[columns], ["platform", "category"], "posts")
    colors, labels = ctx.series_names(others)
    order = [x for x in ctx.libraries if x in set(shown["library_id"])]
    order += [OTHERS] if others else []
    for library_id in order:
        rows = shown[shown["library_id"] == library_id].set_index("category")
        rows = rows.reindex(categories)
        fig.add_trace(
            go.Bar(
                x=names,
                y=rows["mean_er"].astype("float64").to_numpy(),
                name=labels.get(library_id, library_id),
                marker_color=colors.get(library_id, "#777777"),
                customdata=rows["posts"].to_numpy(),
                hovertemplate="%{y:.2f}% (n = %{customdata})",
            )
        )
    fig.update_layout(
        title=ctx.t("chart_category_er_of", platform=ctx.t(platform)),
        barmode="group",
        height=340,
        margin=dict(l=10, r=10, t=40, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
        yaxis_title=ctx.t("axis_er"),
        separators=i18n.separators(ctx.lang),
    )
    return fig


def categories_page(ctx: Context) -> None:
    """The Content categories page: per library and category, share of posts, mean ER and
    breakouts; the control to change a post's category; the period's posts with theirs."""
    t, lang = ctx.t, ctx.lang
    st.title(t("categories_title"))
    ctx.period_caption()
    st.caption(t("categories_intro"))
    if not ctx.libraries or not ctx.platforms:
        st.warning(t("no_selection"))
        return
    if ctx.accounts.empty:
        st.info(t("no_data"))
        return
    if st.session_state.pop("category_saved", False):
        st.success(t("override_saved"))
    st.markdown(
        "\n".join(f"- **{category_name(c, lang)}**: {t(f'cat_help_{c}')}" for c in CATEGORIES)
    )
    insights = insights_of(ctx)
    ruled = _ruled(
        ctx.store,
        ctx.config.categories,
        ctx.accounts,
        ctx.settings.database_url,
        ctx.tz,
        ctx.fingerprint,
        tuple(int(i) for i in ctx.accounts["id"]),
        ctx.period.start,
        ctx.period.end,
        repr(ctx.config.categories),
    )
    data = category_data(ruled, insights.period_verdicts(), ctx.store.post_categories())
    st.subheader(t("categories_summary"), anchor=False, help=t("breakouts_help"))
    ctx.table(category_table(data.summary, ctx.labels, lang))
    # One chart per platform: platforms are never mixed in one figure (YouTube API policy).
    for platform in [p for p in ctx.platforms if p in set(data.summary["platform"])]:
        st.plotly_chart(_category_chart(data.summary, ctx, platform), key=f"category_er_{platform}")
    newest = data.posts.sort_values("published_at", ascending=False).head(SHOWN_POSTS)
    keys = ["platform", "post_id"]
    shown = insights.details(newest[keys]).merge(
        newest.drop(columns=["account_id", "library_id", "kind", "published_at"]), on=keys
    )
    shown = shown.sort_values("published_at", ascending=False)
    _override_control(ctx, shown)
    st.subheader(t("categories_posts"), anchor=False)
    if len(data.posts) > len(shown):
        st.caption(t("newest_shown", shown=i18n.number(len(shown), lang),
                     n=i18n.number(len(data.posts), lang)))  # fmt: skip
    ctx.table(categorised_posts_table(shown, ctx.labels, lang), column_config=ctx.post_columns)


def _choice_name(choice: str, lang: str) -> str:
    if choice == _FOLLOW_RULES:
        return i18n.text("override_rules", lang)
    if choice == NO_CATEGORY:
        return i18n.text("cat_none", lang)
    return category_name(choice, lang)


def _override_control(ctx: Context, posts: pd.DataFrame) -> None:
    """Choose a post, choose a category, save (kept in the store's post_categories, which
    collectors never write); shows who set the current one and when."""
    t, lang = ctx.t, ctx.lang
    st.subheader(t("override_title"), anchor=False)
    if posts.empty:
        st.info(t("no_posts_period"))
        return
    names = [
        f"{label} · {category_name(category, lang)}"
        for label, category in zip(post_labels(posts, ctx.labels, lang), posts["category"],
                                   strict=True)
    ]  # fmt: skip
    index = st.selectbox(
        t("override_post"),
        list(range(len(posts))),
        format_func=lambda i: names[i],
        key=f"category_post_{lang}",  # formatted labels follow a language switch
    )
    post = posts.iloc[index]
    st.text(post_text(post)[:600])  # plain text: captions are untrusted input
    staff = post["source"] == "staff"
    if staff:
        when = pd.Timestamp(post["set_at"]).tz_convert(ctx.tz).to_pydatetime()
        who = post["set_by"] if isinstance(post["set_by"], str) else t("someone")
        st.caption(
            t(
                "override_current",
                category=_choice_name(post["category"] if isinstance(post["category"], str)
                                      else NO_CATEGORY, lang),
                who=who,
                when=i18n.datetime(when, lang),
            )
        )  # fmt: skip
    else:
        source = post["source"] if isinstance(post["source"], str) else "rules"
        st.caption(
            t(
                "override_current_rules",
                category=category_name(post["category"], lang),
                source=t(f"source_{source}"),
            )
        )
    choices = [*CATEGORIES, NO_CATEGORY, _FOLLOW_RULES]
    current = _FOLLOW_RULES
    if staff:
        current = post["category"] if isinstance(post["category"], str) else NO_CATEGORY
    with st.form("category_override", border=True):
        choice = st.selectbox(
            t("override_category"),
            choices,
            index=choices.index(current),
            format_func=lambda c: _choice_name(c, lang),
            key=f"category_choice_{lang}",
        )
        who = st.text_input(
            t("override_name"), value=_signed_in_email(), key=f"category_who_{lang}"
        )
        if not st.form_submit_button(t("override_save")):
            return
    ctx.store.set_post_category(
        str(post["platform"]),
        str(post["post_id"]),
        None if choice == _FOLLOW_RULES else choice,
        who.strip() or None,
    )
    st.session_state["category_saved"] = True
    st.rerun()

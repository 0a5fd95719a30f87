"""Insights as people read them: the reason of a verdict in words, tables of flagged posts
and of content categories, in the chosen language. Computes nothing new; no Streamlit."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from dashboard import i18n
from dashboard import insights as ins
from dashboard.tables import _safe_url


def kinds(kind: str, lang: str) -> str:
    """A kind of post in the plural ("reels"), for the reason of a verdict."""
    key = f"kinds_{kind}"
    return i18n.text(key, lang) if key in i18n.TEXT else kind


def reason(post: Mapping[str, object] | pd.Series, lang: str) -> str:
    """Why a post was flagged: "3.4× this account's typical reels at day 2"."""
    verdict = post["verdict"]
    if verdict not in (ins.BREAKOUT, ins.UNDERPERFORMER):
        return ""
    return i18n.text(
        f"reason_{verdict}",
        lang,
        ratio=i18n.number(post["ratio"], lang, 1),
        kinds=kinds(str(post["kind"]), lang),
        age=int(post["age"]),
    )


def category_name(category: object, lang: str) -> str:
    if category is None or (not isinstance(category, str) and pd.isna(category)):
        category = ins.UNCATEGORISED
    key = f"cat_{category}"
    return i18n.text(key, lang) if key in i18n.TEXT else str(category)


def flagged_table(posts: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Flagged posts: library, account, published (local), kind, reason, ER that day, typical
    ER, link (https only)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("col_library"): [labels.get(x, x) for x in posts["library_id"]],
            t("col_account"): posts["handle"].to_numpy(),
            t("col_published"): [
                i18n.datetime(v.to_pydatetime(), lang) for v in posts["local_time"]
            ],
            t("col_kind"): [i18n.kind(k, lang) for k in posts["kind"]],
            t("col_reason"): [reason(row, lang) for _, row in posts.iterrows()],
            t("col_er_at_age"): [i18n.number(v, lang, 2) for v in posts["er"]],
            t("col_typical_er"): [i18n.number(v, lang, 2) for v in posts["median"]],
            t("col_link"): [_safe_url(u) for u in posts["url"]],
        }
    )


def category_table(summary: pd.DataFrame, labels: Mapping[str, str], lang: str) -> pd.DataFrame:
    """Per library, platform and category: posts, share, mean ER, breakouts."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731
    return pd.DataFrame(
        {
            t("col_library"): [
                t("all_libraries") if x == "all" else labels.get(x, x)
                for x in summary["library_id"]
            ],
            t("col_platform"): [t(p) for p in summary["platform"]],
            t("col_category"): [category_name(c, lang) for c in summary["category"]],
            t("kpi_posts"): [i18n.number(v, lang) for v in summary["posts"]],
            t("col_share"): [i18n.number(v, lang, 1) for v in summary["share"]],
            t("kpi_er"): [i18n.percent(v, lang, 2) for v in summary["mean_er"]],
            t("col_breakouts"): [i18n.number(v, lang) for v in summary["breakouts"]],
        }
    )


def categorised_posts_table(
    posts: pd.DataFrame, labels: Mapping[str, str], lang: str
) -> pd.DataFrame:
    """The period's posts with their category and how it was decided (text stays text)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731

    def text_of(title: object, caption: object) -> str:
        parts = [str(x) for x in (title, caption) if x is not None and not pd.isna(x)]
        joined = " — ".join(parts)
        return joined if len(joined) <= 160 else joined[:159] + "…"

    return pd.DataFrame(
        {
            t("col_library"): [labels.get(x, x) for x in posts["library_id"]],
            t("col_account"): posts["handle"].to_numpy(),
            t("col_published"): [
                i18n.datetime(v.to_pydatetime(), lang) for v in posts["local_time"]
            ],
            t("col_kind"): [i18n.kind(k, lang) for k in posts["kind"]],
            t("col_category"): [category_name(c, lang) for c in posts["category"]],
            t("col_source"): [
                t(f"source_{s}") if isinstance(s, str) else "" for s in posts["source"]
            ],
            t("col_matched"): posts["matched"].fillna("").to_numpy(),
            t("col_text"): [
                text_of(a, b) for a, b in zip(posts["title"], posts["caption"], strict=True)
            ],
            t("col_er"): [i18n.number(v, lang, 2) for v in posts["er_followers"]],
            t("col_link"): [_safe_url(u) for u in posts["url"]],
        }
    )

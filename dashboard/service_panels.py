"""The services' data and panels for pages: cached reads of the service tables, the
Overview's headline figures per library, and the services page's tables in either language.

Reads through the store (no SQL) and computes with ``dashboard/services.py`` (no formulas).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from collectors.catalog import SOURCES, metric
from dashboard import i18n
from dashboard import services as svc

# The dashboard's one shared store (cached per database URL and time zone).
from dashboard.app import Context, _store, library_rule
from dashboard.metrics import Period


@dataclass(frozen=True)
class ServiceData:
    """The chosen libraries' services and their figures for [start, end] (local days)."""

    services: pd.DataFrame  # id, library_id, kind, name (stored, or configured not yet)
    daily: pd.DataFrame
    questions: pd.DataFrame


def _midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


# The fingerprint argument is only a cache key: it changes whenever a file is imported.
@st.cache_data(show_spinner=False, max_entries=16)
def _read(
    url: str, tz: str, fingerprint: tuple[object, ...], start: dt.date, end: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    store = _store(url, tz)
    services = store.services()
    ids = [int(i) for i in services["id"]]
    daily = store.service_daily(start, end, ids)
    questions = store.service_questions(
        _midnight(start, tz), _midnight(end + dt.timedelta(days=1), tz), ids
    )
    return services, daily, questions


def post_figures(ctx: Context, posts: pd.DataFrame) -> pd.DataFrame:
    """Owner-level figures of the given posts (see ``services.post_owner_figures``)."""
    names = {m for ms in svc.POST_FIGURES.values() for m in ms}
    return svc.post_owner_figures(posts, ctx.post_owner_metrics(posts, names))


def load(ctx: Context, start: dt.date, end: dt.date) -> ServiceData:
    """Services of the chosen libraries (configured ones without data too, with id −1…)
    and their figures for local days [start, end]."""
    stored, daily, questions = _read(ctx.settings.database_url, ctx.tz, ctx.fingerprint, start, end)
    frame = svc.chosen_services(stored, ctx.config.libraries, ctx.libraries)
    ids = set(frame["id"])
    return ServiceData(
        frame,
        daily[daily["service_id"].isin(ids)].reset_index(drop=True),
        questions[questions["service_id"].isin(ids)].reset_index(drop=True),
    )


# -- words and numbers ------------------------------------------------------------------


def sources_text(sources: object, lang: str) -> str:
    index = 1 if lang == "en" else 0
    return ", ".join(SOURCES.get(s, (s, s))[index] for s in (sources or []))  # type: ignore[union-attr]


def days_table(days: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The period's days of one service as shown: local day, source, counts and timings."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    return pd.DataFrame(
        {
            t("svc_col_day"): [i18n.date(d, lang) for d in days["day"]],
            t("svc_col_questions"): [i18n.number(v, lang) for v in days["questions"]],
            t("svc_col_answered"): [i18n.number(v, lang) for v in days["answered"]],
            t("svc_col_median"): [i18n.duration(v, lang) for v in days["median_first_reply_s"]],
            t("svc_col_p90"): [i18n.duration(v, lang) for v in days["p90_first_reply_s"]],
            t("svc_col_within_1h"): [i18n.number(v, lang) for v in days["within_1h"]],
            t("svc_col_within_hours"): [i18n.number(v, lang) for v in days["within_hours"]],
            t("svc_col_askers"): [i18n.number(v, lang) for v in days["askers"]],
            t("svc_col_source"): [sources_text([s], lang) for s in days["source"]],
        }
    )


def social_table(
    kpi: pd.DataFrame, owner: pd.DataFrame, library_id: str, lang: str
) -> pd.DataFrame:
    """The library's social figures of the same period, one row per platform (never one
    number across platforms): audience, posts, views, and owner-level figures with their
    source."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    rows = []
    for row in kpi[(kpi["library_id"] == library_id) & (kpi["platform"] != "all")].itertuples():
        mine = owner[(owner["library_id"] == library_id) & (owner["platform"] == row.platform)]
        extra = []
        for item in mine.itertuples():
            entry = metric(row.platform, "account", item.metric)
            label = entry.label[1 if lang == "en" else 0] if entry else item.metric
            value = (
                i18n.percent(item.value, lang, 1)
                if item.how == "mean"
                else i18n.number(item.value, lang)
            )
            note = t("svc_sum_upper") if item.metric == "reach" else ""
            extra.append(f"{label}{note}: {value} ({sources_text(item.sources, lang)})")
        rows.append(
            {
                t("col_platform"): t(row.platform),
                t("kpi_audience"): i18n.number(row.audience, lang),
                t("kpi_posts"): i18n.number(row.posts, lang),
                t("kpi_views"): i18n.number(row.views, lang),
                t("svc_col_owner"): "; ".join(extra) or "–",
            }
        )
    return pd.DataFrame(rows)


def post_figures_table(figures: pd.DataFrame, library_id: str, lang: str, tz: str) -> pd.DataFrame:
    """The library's posts with owner-level figures, as shown: platform, day, text, one
    column per figure (labels of the catalogue), sources and link."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    mine = figures[figures["library_id"] == library_id]
    out = pd.DataFrame(
        {
            t("col_platform"): [t(p) for p in mine["platform"]],
            t("svc_col_day"): [
                i18n.date(v.tz_convert(tz).date(), lang) for v in mine["published_at"]
            ],
            t("col_text"): [
                " ".join(str(title if isinstance(title, str) and title else caption or "").split())[
                    :80
                ]
                for title, caption in zip(mine["title"], mine["caption"], strict=True)
            ],
        }
    )
    for name in sorted({m for ms in svc.POST_FIGURES.values() for m in ms}):
        if name not in mine or mine[name].isna().all():
            continue
        entry = metric("youtube", "post", name) or metric("instagram", "post", name)
        label = entry.label[1 if lang == "en" else 0] if entry else name
        if entry and entry.unit == "percent":
            out[label] = [i18n.percent(v, lang, 1) for v in mine[name]]
        else:
            out[label] = [i18n.number(v, lang, 0 if pd.isna(v) or float(v).is_integer() else 1)
                          for v in mine[name]]  # fmt: skip
    out[t("svc_col_source")] = [sources_text(s, lang) for s in mine["sources"]]
    out[t("col_link")] = [u if isinstance(u, str) and u.startswith("https://") else None
                          for u in mine["url"]]  # fmt: skip
    return out


# -- the Overview's headline figures -------------------------------------------------------


def overview_services(ctx: Context) -> None:
    """Ask Librarian's headline figures per chosen library on the Overview: questions (and
    change against the previous period), median time to the first reply, share answered
    within one hour. Shows nothing when no chosen library's service has figures in the
    period or the one before."""
    period, previous = ctx.period, ctx.period.previous()
    data = load(ctx, previous.start, period.end)
    if data.services.empty:
        return
    current = svc.figures(data.services, data.daily, data.questions, period, ctx.tz)
    before = svc.figures(data.services, data.daily, data.questions, previous, ctx.tz)
    table = svc.compare(current, before)
    table = table[(table["days"] > 0) | table["questions_prev"].notna()]
    if table.empty:  # configured, but nothing imported for these periods yet
        return
    t, lang = ctx.t, ctx.lang
    st.subheader(t("ov_services_title"), anchor=False)
    st.caption(t("ov_services_caption"))
    vs = " " + t("vs_previous")
    shown = table.head(8)  # beyond a handful, the services page lists them all
    for column, row in zip(st.columns(len(shown)), shown.itertuples(), strict=True):
        with column:
            library_rule(ctx.colors.get(row.library_id, "#777777"))
            st.caption(f"{ctx.labels.get(row.library_id, row.library_id)} · {row.name}")
            st.metric(
                t("svc_questions"),
                i18n.number(row.questions, lang),
                delta=i18n.delta(row.questions_change, lang, suffix=vs),
                help=t("svc_questions_help"),
                border=True,
            )
            st.metric(
                t("svc_median"),
                i18n.duration(row.median_reply_s, lang),
                help=t("svc_median_help"),
                border=True,
            )
            st.metric(
                t("svc_within_1h"),
                i18n.percent(row.within_1h_pct, lang, 0),
                help=t("svc_within_1h_help"),
                border=True,
            )


def period_window(period: Period) -> tuple[dt.date, dt.date]:
    """The days a services page needs: the period and the one before it."""
    return period.previous().start, period.end

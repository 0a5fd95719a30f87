"""Importing files from the Data page: choose the library and the file, see what would be
written, confirm, see the result. The reading, matching and writing is ``collectors.imports``.

Holds no SQL and no formulas; the preview tables are built here in the reader's language.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from collectors.catalog import metric
from collectors.config import Config
from collectors.errors import ImportFileError
from collectors.exportfile import MAX_FILE_MB
from collectors.imports import Options, Plan, Result, commit, prepare
from collectors.store import Store
from dashboard import i18n

# The dashboard's one shared store (cached per database URL and time zone).
from dashboard.app import Context, _store

STATUS_KEYS = {
    "known": "upload_status_known",
    "new": "upload_status_new",
    "partner": "upload_status_partner",
    "skipped": "upload_status_skipped",
}


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$&:])")


def plain(text: str) -> str:
    """Text from a file (names, values, columns) made safe for Streamlit's Markdown alerts:
    every Markdown character escaped, so nothing in it becomes a link or formatting."""
    return _MARKDOWN.sub(r"\\\1", text)


def preview(store: Store, config: Config, name: str, data: bytes, options: Options) -> Plan:
    """What importing the uploaded file would write (reads the store, writes nothing)."""
    return prepare(store, config, name, options, data=data)


def confirm(store: Store, plan: Plan, lang: str) -> tuple[Result, str]:
    """Write the previewed import; returns the result and a sentence saying what happened."""
    result = commit(store, plan)
    key = "upload_done" if result.first_time else "upload_done_again"
    return result, i18n.text(
        key, lang, name=plan.shown_name, number=result.import_id, rows=result.counts["rows"]
    )


def _metric_label(platform: str | None, scope: str, name: str, lang: str) -> str:
    entry = metric(platform or "", scope, name)
    return entry.label[1 if lang == "en" else 0] if entry else name


def _figure(value: float | None, lang: str) -> str:
    if value is None:
        return "–"
    return i18n.number(value, lang, 0 if float(value).is_integer() else 2)


def summary(plan: Plan, lang: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """What a plan is (label, text) and how much it writes (label, count)."""
    t = lambda key, **v: i18n.text(key, lang, **v)  # noqa: E731 - a short alias
    counts = plan.counts()
    facts = [(t("upload_kind"), t(f"upload_kind_{plan.kind}"))]
    if plan.account is not None:
        facts.append((t("col_account"), plan.account.handle))
    if plan.service is not None:
        facts.append((t("upload_service"), plan.service.name))
    if plan.period is not None:
        start, end = (i18n.date(d, lang) for d in plan.period)
        facts.append((t("upload_period"), f"{start} – {end}"))
    if plan.kind == "whatsapp":
        numbers = [
            (t("upload_chats"), plan.chats),
            (t("svc_col_questions"), counts["questions"]),
            (t("upload_days"), counts["service_days"]),
        ]
    elif plan.kind == "service_csv":
        numbers = [(t("upload_days"), counts["service_days"])]
    else:
        numbers = [
            (t("upload_matched"), counts["posts_matched"]),
            (t("upload_new_posts"), counts["posts_new"]),
            (t("upload_skipped"), counts["posts_skipped"]),
            (t("upload_figures"), counts["post_figures"] + counts["account_figures"]),
        ]
    return facts, [(label, i18n.number(value, lang)) for label, value in numbers]


def post_table(plan: Plan, lang: str) -> pd.DataFrame:
    """One row per post row of the file: line, what happens to it, and its figures."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    names = list(dict.fromkeys(n for p in plan.posts for n in p.figures))
    rows = []
    for post in plan.posts:
        row = {
            t("upload_col_line"): f"{post.part} : {post.line}"
            if post.part != plan.shown_name
            else str(post.line),
            t("upload_col_status"): t(STATUS_KEYS[post.status]),
            t("upload_col_post"): post.post_id,
            t("col_text"): post.title or "",
            t("upload_col_day"): i18n.date(post.day, lang) if post.day else t("upload_capture_day"),
        }
        for name in names:
            value = post.figures.get(name)
            row[_metric_label(plan.platform, "post", name, lang)] = (
                "–"
                if value is None
                else i18n.number(value, lang, 0 if float(value).is_integer() else 2)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def day_table(plan: Plan, lang: str) -> pd.DataFrame:
    """One row per account day of the file (YouTube Totals, Instagram daily export)."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    names = list(dict.fromkeys(n for d in plan.days for n in d.figures))
    rows = []
    for day in plan.days:
        row = {t("upload_col_line"): str(day.line), t("svc_col_day"): i18n.date(day.day, lang)}
        for name in names:
            value = day.figures.get(name)
            row[_metric_label(plan.platform, "account", name, lang)] = (
                "–"
                if value is None
                else i18n.number(value, lang, 0 if float(value).is_integer() else 2)
            )
        rows.append(row)
    return pd.DataFrame(rows)


def service_table(plan: Plan, lang: str) -> pd.DataFrame:
    """One row per day of a chat export or of hand-kept counts: what the day gets."""
    t = lambda key: i18n.text(key, lang)  # noqa: E731 - a short alias
    rows = []
    for day, values in plan.service_days.items():
        rows.append(
            {
                t("svc_col_day"): i18n.date(day, lang),
                t("svc_col_questions"): i18n.number(values.get("questions"), lang),
                t("svc_col_answered"): i18n.number(values.get("answered"), lang),
                t("svc_col_median"): i18n.duration(values.get("median_first_reply_s"), lang),
                t("svc_col_p90"): i18n.duration(values.get("p90_first_reply_s"), lang),
                t("svc_col_within_1h"): i18n.number(values.get("within_1h"), lang),
                t("svc_col_within_hours"): i18n.number(values.get("within_hours"), lang),
                t("svc_col_askers"): i18n.number(values.get("askers"), lang),
            }
        )
    return pd.DataFrame(rows)


def _choices(ctx: Context, library_id: str) -> tuple[str | None, str | None]:
    """Account and service pickers, shown only when the library leaves a choice."""
    library = ctx.config.library(library_id)
    account = service = None
    handles = [f"{p}:{h}" for p, h in library.accounts()]
    by_platform = {p: [h for q, h in library.accounts() if q == p] for p, _ in library.accounts()}
    if any(len(v) > 1 for v in by_platform.values()):
        picked = st.selectbox(
            ctx.t("col_account"), ["", *handles], key="upload_account",
            format_func=lambda x: x.split(":", 1)[-1] if x else ctx.t("upload_auto"),
        )  # fmt: skip
        account = picked.split(":", 1)[1] if picked else None
    if len(library.services) > 1:
        service = st.selectbox(
            ctx.t("upload_service"), [s.name for s in library.services], key="upload_service"
        )
    return account, service


def upload_panel(ctx: Context) -> None:
    """The Data page's import section."""
    t, lang = ctx.t, ctx.lang
    st.subheader(t("upload_title"), anchor=False)
    st.caption(t("upload_intro", mb=MAX_FILE_MB))
    done = st.session_state.pop("upload_message", None)
    if done:
        st.success(plain(done), icon=":material/check_circle:")
    libraries = [lib.id for lib in ctx.config.libraries]
    library = st.selectbox(
        t("upload_library"), libraries, format_func=lambda x: ctx.labels.get(x, x),
        key="upload_library",
    )  # fmt: skip
    account, service = _choices(ctx, library)
    nonce = st.session_state.get("upload_nonce", 0)
    upload = st.file_uploader(
        t("upload_file"),
        type=["csv", "zip", "txt"],
        key=f"upload_file_{nonce}",
        help=t("upload_help", mb=MAX_FILE_MB),
        max_upload_size=MAX_FILE_MB,
    )
    if upload is None:
        return
    store = _store(ctx.settings.database_url, ctx.tz)
    options = Options(library, account, service)
    try:
        plan = preview(store, ctx.config, upload.name, upload.getvalue(), options)
    except ImportFileError as exc:
        st.error(plain(exc.text(lang)), icon=":material/error:")
        st.caption(t("upload_nothing_written"))
        return
    st.markdown(f"**{t('upload_preview')}**")
    facts, numbers = summary(plan, lang)
    # Labels and values of the file's own words are shown as text, never as Markdown.
    st.text(" · ".join(f"{label}: {value}" for label, value in facts))
    for column, (label, value) in zip(st.columns(len(numbers)), numbers, strict=True):
        column.metric(label, value, border=True)
    if plan.kind == "whatsapp":
        st.info(t("services_privacy"), icon=":material/lock:")
    if plan.notices:
        items = "\n".join(f"- {plain(item.text(lang))}" for item in plan.notices)
        st.warning(f"{t('upload_warnings')}\n\n{items}", icon=":material/warning:")
    if plan.posts:
        st.dataframe(post_table(plan, lang), hide_index=True)
    if plan.days:
        st.dataframe(day_table(plan, lang), hide_index=True)
    if plan.service_days:
        st.dataframe(service_table(plan, lang), hide_index=True)
    counts = plan.counts()
    if not any(counts[k] for k in ("posts_new", "post_figures", "account_figures", "service_days")):
        st.info(t("upload_nothing_to_write"))
        return
    if st.button(t("upload_confirm"), type="primary", key="upload_confirm"):
        _, message = confirm(store, plan, lang)
        st.session_state["upload_message"] = message
        st.session_state["upload_nonce"] = nonce + 1  # a fresh, empty uploader
        st.rerun()

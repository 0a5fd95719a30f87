"""Data page: freshness and health of every account, last refreshes, quota, downloads."""

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from collectors.status import last_quota_reset, spent_since
from dashboard import i18n
from dashboard.app import REFRESH_COMMAND, context
from dashboard.exports import csv_bytes, excel_bytes, history_export, localize, posts_export
from dashboard.owner_panels import collection_table
from dashboard.tables import health_table, runs_table
from dashboard.uploads import upload_panel

ctx = context()
t, lang = ctx.t, ctx.lang
st.title(t("data_title"))
st.caption(t("data_intro"))

now = dt.datetime.now(dt.UTC)
tz = ZoneInfo(ctx.tz)
reset = last_quota_reset(now)
runs, items = ctx.runs()
health = ctx.health()
listed = health[["account_id", "platform"]].rename(columns={"account_id": "id"})
youtube = spent_since(items, listed, reset)
today = dt.datetime.combine(now.astimezone(tz).date(), dt.time(0), tz)
instagram = spent_since(items, listed, today)

a, b, c = st.columns(3)
a.metric(
    t("yt_units"),
    i18n.number(youtube["youtube_units"], lang),
    help=t("yt_units_help", reset=i18n.time_of_day(reset.astimezone(tz), lang)),
    border=True,
)
b.metric(
    t("ig_requests"),
    i18n.number(instagram["instagram_requests"], lang),
    help=t("ig_requests_help"),
    border=True,
)
c.metric(t("stale_accounts"), i18n.number(int(health["stale"].sum()), lang), border=True)

st.subheader(t("accounts_table"), anchor=False)
ctx.table(health_table(health, ctx.labels, lang, ctx.tz))

collection_table(ctx, health)  # official API / public API / scraper / files, tokens, lag

st.subheader(t("runs_table"), anchor=False)
if runs.empty:
    st.info(t("no_runs", refresh=REFRESH_COMMAND))
else:
    ctx.table(runs_table(runs.head(20), lang, ctx.tz))

st.subheader(t("downloads"), anchor=False)
ctx.period_caption()


def exports() -> tuple[object, object]:
    """The downloads' two tables (posts, account history) of the period, in the reader's
    language; read only when a download is clicked (all years can be a lot)."""
    window = ctx.load(ctx.period.start, ctx.period.end, detail="history")
    posts = localize(posts_export(window.posts, ctx.period, ctx.labels, ctx.tz), lang)
    history = history_export(window.daily, window.accounts, ctx.period, ctx.labels, ctx.tz)
    return posts, localize(history, lang)


stem = f"jejaring_{ctx.period.start:%Y%m%d}-{ctx.period.end:%Y%m%d}"
posts_name, history_name = t("export_posts_name"), t("export_accounts_name")
xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
downloads = [  # (label key, data, file name, MIME type): each built only when clicked
    ("dl_posts_csv", lambda: csv_bytes(exports()[0], lang), f"{stem}_{posts_name}.csv",
     "text/csv"),
    ("dl_posts_xlsx", lambda: excel_bytes({posts_name: exports()[0]}),
     f"{stem}_{posts_name}.xlsx", xlsx),
    ("dl_history_csv", lambda: csv_bytes(exports()[1], lang), f"{stem}_{history_name}.csv",
     "text/csv"),
    ("dl_history_xlsx", lambda: excel_bytes({history_name: exports()[1]}),
     f"{stem}_{history_name}.xlsx", xlsx),
]  # fmt: skip
for column, (key, data, name, mime) in zip(st.columns(4), downloads, strict=True):
    column.download_button(t(key), data, name, mime, key=key, on_click="ignore")
st.caption(t("downloads_note"))

upload_panel(ctx)  # importing export files (dashboard/uploads.py)

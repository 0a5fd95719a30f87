"""Data page: freshness and health of every account, last refreshes, quota, downloads."""

import datetime as dt
from zoneinfo import ZoneInfo

import streamlit as st

from collectors.status import last_quota_reset, spent_since
from dashboard import i18n
from dashboard.app import context
from dashboard.exports import csv_bytes, excel_bytes, history_export, posts_export
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
youtube = spent_since(items, ctx.all_accounts, reset)
today = dt.datetime.combine(now.astimezone(tz).date(), dt.time(0), tz)
instagram = spent_since(items, ctx.all_accounts, today)

a, b, c = st.columns(3)
a.metric(
    t("yt_units"),
    i18n.number(youtube["youtube_units"], lang),
    help=t("yt_units_help", reset=f"{reset.astimezone(tz):%H:%M}"),
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
st.dataframe(health_table(health, ctx.labels, lang, ctx.tz), hide_index=True)

st.subheader(t("runs_table"), anchor=False)
if runs.empty:
    st.info(t("no_runs"))
else:
    st.dataframe(runs_table(runs.head(20), lang, ctx.tz), hide_index=True)

st.subheader(t("downloads"), anchor=False)
window = ctx.load(ctx.period.start, ctx.period.end, detail="history")
posts = posts_export(window.posts, ctx.period, ctx.labels, ctx.tz)
history = history_export(window.daily, window.accounts, ctx.period, ctx.labels, ctx.tz)
stem = f"jejaring_{ctx.period.start:%Y%m%d}-{ctx.period.end:%Y%m%d}"
xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
downloads = [  # (label key, data, file name, MIME type); Excel is built only when clicked
    ("dl_posts_csv", csv_bytes(posts), f"{stem}_posts.csv", "text/csv"),
    ("dl_posts_xlsx", lambda: excel_bytes({"posts": posts}), f"{stem}_posts.xlsx", xlsx),
    ("dl_history_csv", csv_bytes(history), f"{stem}_accounts.csv", "text/csv"),
    ("dl_history_xlsx", lambda: excel_bytes({"accounts": history}), f"{stem}_accounts.xlsx", xlsx),
]
for column, (key, data, name, mime) in zip(st.columns(4), downloads, strict=True):
    column.download_button(t(key), data, name, mime, key=key, on_click="ignore")

upload_panel(ctx)  # importing export files (dashboard/uploads.py)

"""The Overview page's report downloads: HTML and PDF buttons side by side.

Each report is built only when its button is clicked (it reads every campaign of the
period and draws its charts). Streamlit here; what the report says is in ``content``.
"""

from __future__ import annotations

import streamlit as st

from dashboard.app import Context
from dashboard.report.content import Report, Sources, report_content, sources_of
from dashboard.report.render_html import render_html
from dashboard.report.render_pdf import render_pdf


def _sources(ctx: Context) -> Sources:
    health = ctx.health()
    captures = health[["account_id", "last_capture"]].rename(
        columns={"last_capture": "captured_at"}
    )
    _runs, items = ctx.runs()
    return sources_of(ctx.accounts, captures, items)


def _report(ctx: Context) -> Report:
    return report_content(
        ctx.load, ctx.all_accounts, ctx.config, ctx.period, ctx.lang, _sources(ctx)
    )


def report_buttons(ctx: Context) -> None:
    """Two download buttons: the report of the chosen period, libraries and platforms as
    HTML and as PDF."""
    stem = f"jejaring_laporan_{ctx.period.start:%Y%m%d}-{ctx.period.end:%Y%m%d}"
    with st.container(horizontal=True):
        st.download_button(
            ctx.t("report_button"),
            data=lambda: render_html(_report(ctx)),
            file_name=f"{stem}.html",
            mime="text/html",
            on_click="ignore",
            icon=":material/download:",
            key="report",
        )
        st.download_button(
            ctx.t("report_pdf_button"),
            data=lambda: render_pdf(_report(ctx)),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key="report_pdf",
        )

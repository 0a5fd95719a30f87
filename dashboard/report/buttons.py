"""The Overview page's report downloads: HTML and PDF buttons side by side.

Each report is built only when its button is clicked (it reads every campaign of the
period and draws its charts), and only then are matplotlib and fpdf2 loaded. Streamlit
here; what the report says is in ``content``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from dashboard.report import file_stem

if TYPE_CHECKING:
    from dashboard.app import Context
    from dashboard.report.content import Report


def _report(ctx: Context) -> Report:
    from dashboard.report.content import report_content, sources_of

    health = ctx.health()
    captures = health[["account_id", "last_capture"]].rename(
        columns={"last_capture": "captured_at"}
    )
    _runs, items = ctx.runs()
    sources = sources_of(ctx.accounts, captures, items)
    return report_content(ctx.load, ctx.all_accounts, ctx.config, ctx.period, ctx.lang, sources)


def _html(ctx: Context) -> str:
    from dashboard.report.render_html import render_html

    return render_html(_report(ctx))


def _pdf(ctx: Context) -> bytes:
    from dashboard.report.render_pdf import render_pdf

    return render_pdf(_report(ctx))


def report_buttons(ctx: Context) -> None:
    """Two download buttons: the report of the chosen period, libraries and platforms as
    HTML and as PDF."""
    stem = file_stem(ctx.period)
    with st.container(horizontal=True):
        st.download_button(
            ctx.t("report_button"),
            data=lambda: _html(ctx),
            file_name=f"{stem}.html",
            mime="text/html",
            on_click="ignore",
            icon=":material/download:",
            key="report",
        )
        st.download_button(
            ctx.t("report_pdf_button"),
            data=lambda: _pdf(ctx),
            file_name=f"{stem}.pdf",
            mime="application/pdf",
            on_click="ignore",
            icon=":material/picture_as_pdf:",
            key="report_pdf",
        )

"""The manager's report, to print and forward: one self-contained HTML file or a PDF, both
A4 portrait, with the period and the data sources on every page.

``content`` decides what the report says; ``render_html``/``render_pdf`` lay it out;
``figures`` draws its charts (matplotlib); ``cli`` is ``python -m dashboard.report``;
``buttons`` the Overview page's downloads. Nothing here writes to the store. Importing the
package is cheap: matplotlib and fpdf2 load when a report is built.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from dashboard import i18n

if TYPE_CHECKING:
    from collectors.config import Config
    from dashboard.metrics import Period
    from dashboard.pagedata import Loader
    from dashboard.report.content import Sources

__all__ = ["build_pdf", "build_report", "file_stem"]


def file_stem(period: Period) -> str:
    """The report's file name without its ending, as the dashboard and the command line
    name it: jejaring_laporan_20261001-20261031."""
    return f"jejaring_laporan_{period.start:%Y%m%d}-{period.end:%Y%m%d}"


def build_report(
    load: Loader,
    all_accounts: pd.DataFrame,
    config: Config,
    period: Period,
    lang: str = i18n.DEFAULT_LANGUAGE,
    sources: Sources | None = None,
    now: dt.datetime | None = None,
) -> str:
    """The report of ``period`` as one HTML document (see ``content.report_content``)."""
    from dashboard.report.content import report_content
    from dashboard.report.render_html import render_html

    return render_html(report_content(load, all_accounts, config, period, lang, sources, now))


def build_pdf(
    load: Loader,
    all_accounts: pd.DataFrame,
    config: Config,
    period: Period,
    lang: str = i18n.DEFAULT_LANGUAGE,
    sources: Sources | None = None,
    now: dt.datetime | None = None,
) -> bytes:
    """The report of ``period`` as a PDF (see ``content.report_content``)."""
    from dashboard.report.content import report_content
    from dashboard.report.render_pdf import render_pdf

    return render_pdf(report_content(load, all_accounts, config, period, lang, sources, now))

"""The manager's report: one self-contained HTML file (charts embedded, opens offline).

``python -m dashboard.report --from 2026-10-01 --to 2026-10-31 --out report.html`` or the
dashboard's download button. Every text from social media is HTML-escaped here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from collectors.config import Config, load_config, load_settings
from collectors.errors import ConfigError, StoreError
from collectors.store import Store
from dashboard import charts, i18n
from dashboard.campaigns import top_posts
from dashboard.metrics import Period
from dashboard.pagedata import (
    Loader,
    campaign_data,
    choose,
    compare,
    overview,
    partner_handles,
    shown_accounts,
    window_loader,
)
from dashboard.tables import campaign_table, kpi_table

_STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } .muted { color: #666; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.6rem 0 1.4rem; font-size: 0.88rem; width: 100%; }
th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f3; } .notice { background: #eef4fb; padding: 0.6rem 1rem;
border-radius: 6px; } section { margin-bottom: 2rem; } .wide { overflow-x: auto; }
"""


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f"<div class='wide'><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</div>"
    )


class _Figures:
    """Embeds plotly figures; the plotly.js library is inlined once, with the first one."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, fig: go.Figure) -> str:
        out = fig.to_html(full_html=False, include_plotlyjs=self.first, config={"responsive": True})
        self.first = False
        return out


def build_report(
    load: Loader,
    all_accounts: pd.DataFrame,
    config: Config,
    period: Period,
    lang: str = i18n.DEFAULT_LANGUAGE,
    demo: bool = False,
) -> str:
    """The report of ``period`` as one HTML document; ``load`` gives the chosen accounts'
    windows, ``all_accounts`` every shown account (for partner handles)."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    labels = {lib.id: lib.label for lib in config.libraries}
    colors = {lib.id: lib.color for lib in config.libraries}
    previous = period.previous()
    libraries = sorted(set(load(period.end, period.end).accounts["library_id"]))
    figure = _Figures()
    now = dt.datetime.now(config.tz)
    line = t(
        "period_line",
        start=i18n.date(period.start, lang),
        end=i18n.date(period.end, lang),
        days=period.days,
        pstart=i18n.date(previous.start, lang),
        pend=i18n.date(previous.end, lang),
    )
    made = t("report_generated", when=i18n.datetime(now, lang), tz=config.timezone)
    shown = ", ".join(labels.get(x, x) for x in libraries)
    parts = [
        f"<h1>{html.escape(t('report_title'))}</h1>",
        f"<p class='muted'>{html.escape(line)}<br>{html.escape(made)} · {html.escape(shown)}</p>",
    ]
    if demo:
        parts.append(f"<p class='notice'>{html.escape(t('demo_notice'))}</p>")
    table = overview(load, period)
    parts.append(f"<section><h2>{html.escape(t('overview_title'))}</h2>")
    parts.append(_table(kpi_table(table, labels, lang)))
    parts.append("</section>")

    parts.append(f"<section><h2>{html.escape(t('compare_title'))}</h2>")
    data = compare(load, period)
    parts.append(figure(charts.audience_over_time(data.audience, colors, labels, lang)))
    weeks = data.weekly
    parts.append(
        figure(
            charts.weekly_lines(
                weeks,
                "engagements",
                t("chart_weekly_engagements"),
                t("axis_engagements"),
                colors,
                labels,
            )
        )
    )
    parts.append(
        figure(
            charts.weekly_lines(
                weeks, "mean_per_1k", t("chart_per_1k"), t("axis_per_1k"), colors, labels
            )
        )
    )
    parts.append("</section>")

    parts.append(f"<section><h2>{html.escape(t('report_campaigns'))}</h2>")
    inside_period = [c for c in config.campaigns if c.start <= period.end and c.end >= period.start]
    if not inside_period:
        parts.append(f"<p>{html.escape(t('report_no_campaigns'))}</p>")
    else:
        handles = partner_handles(all_accounts, config)
        names = {c.id: c.name for c in inside_period}
        for campaign in inside_period:
            chosen = campaign_data(load, campaign, handles)
            parts.append(
                f"<h3>{html.escape(campaign.name)}</h3><p class='muted'>"
                + html.escape(
                    t(
                        "campaign_dates",
                        start=i18n.date(campaign.start, lang),
                        end=i18n.date(campaign.end, lang),
                        libraries=", ".join(labels.get(x, x) for x in campaign.libraries),
                    )
                )
                + "</p>"
            )
            parts.append(_table(campaign_table(chosen.summary, names, labels, lang)))
            inside = chosen.posts
            parts.append(
                figure(charts.campaign_timeline(inside, colors, labels, lang, t("chart_timeline")))
            )
            best = top_posts(inside, "engagements", 5)
            parts.append(f"<h4>{html.escape(t('top_posts'))}</h4>")
            parts.append(
                _table(
                    pd.DataFrame(
                        {
                            t("col_library"): [labels.get(x, x) for x in best["library_id"]],
                            t("col_published"): [
                                i18n.datetime(x.to_pydatetime(), lang) for x in best["local_time"]
                            ],
                            t("col_text"): [
                                str(x)[:200] if x is not None and not pd.isna(x) else ""
                                for x in best["caption"]
                            ],
                            t("kpi_engagements"): [
                                i18n.number(v, lang) for v in best["engagements"]
                            ],
                            t("col_link"): best["url"].fillna("").to_numpy(),
                        }
                    )
                )
            )
    parts.append("</section>")
    parts.append(f"<section><h2>{html.escape(t('report_definitions'))}</h2><ul>")
    for key in (
        "kpi_engagements_help",
        "kpi_er_help",
        "kpi_audience_help",
        "kpi_views_help",
        "kpi_potential_reach_help",
        "kpi_lift_help",
        "campaigns_rule",
    ):
        parts.append(f"<li>{html.escape(t(key))}</li>")
    parts.append("</ul></section>")
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(t('report_title'))} {period.start}–{period.end}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.report",
        description="Write the manager's report as one HTML file.",
    )
    parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="the HTML file to write")
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE)
    parser.add_argument("--library", action="append", help="only these library ids")
    args = parser.parse_args(argv)
    try:
        start, end = dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end)
    except ValueError as exc:
        print(f"Bad date: {exc}", file=sys.stderr)
        return 2
    if end < start:
        print(f"--to {end} is before --from {start}", file=sys.stderr)
        return 2
    settings = load_settings()
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        store = Store(settings.database_url, config.timezone)
        shown = shown_accounts(store.accounts())
        chosen = choose(shown, args.library or list(shown["library_id"]), ["instagram", "youtube"])
        document = build_report(
            window_loader(store, config.timezone, chosen),
            shown,
            config,
            Period(start, end),
            args.lang,
            demo=bool(len(shown)) and bool(shown["is_demo"].all()),
        )
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return 4  # as python -m collectors: the database cannot be used
    Path(args.out).write_text(document, encoding="utf-8")
    print(f"Report written to {args.out} ({len(document) // 1024} KiB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

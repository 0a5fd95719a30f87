"""What the manager's report says, as plain blocks (headings, tables, charts) that the HTML
and the PDF renderers lay out alike.

Texts are final here (chosen language, numbers and dates through ``i18n``); texts from
social media stay raw — each renderer escapes (HTML) or draws them literally (PDF). No
Streamlit and no SQL here: windows come from a loader, store facts from the caller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from collectors.config import Config
from dashboard import i18n
from dashboard.campaigns import top_posts
from dashboard.metrics import ALL, Period
from dashboard.pagedata import (
    Loader,
    campaign_data,
    compare,
    has_data,
    overview,
    partner_handles,
)
from dashboard.report import figures

TOP_POSTS = 5
TEXT_CHARS = 160  # of a caption in the top-posts table: enough to recognise the post
KEEP_ROWS = 30  # a table of at most this many rows is never split across pages

# How an account was collected when its runs recorded no path: runs before schema 0002 did
# not, and then these were the only collectors of each platform.
_DEFAULT_PATH = {"instagram": "instaloader", "youtube": "data_api"}
PATH_KEYS = ("graph_api", "business_discovery", "instaloader", "data_api", "data_api_oauth", "demo")


# -- blocks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A link to a post: shown as ``text``; ``url`` is always https."""

    text: str
    url: str


Cell = str | Link


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2  # 2 section, 3 sub-section (a campaign), 4 a table's or chart's title


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "text"  # text, muted, notice


@dataclass(frozen=True)
class Bullets:
    items: list[tuple[str, str]]  # (term, its explanation)


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Cell]]
    numeric: list[bool]  # right-aligned columns
    widths: list[float]  # relative column widths, in the HTML and the PDF alike
    groups: list[tuple[str, int]] = field(default_factory=list)  # a header row above columns
    note: str | None = None  # a line under the table

    @property
    def keep_together(self) -> bool:
        return len(self.rows) <= KEEP_ROWS


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str  # a standalone SVG document, text drawn as paths
    alt: str
    note: str | None = None  # a line under the chart


Block = Heading | Paragraph | Bullets | Table | Chart


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    period: Period
    period_line: str  # "Periode 1 Okt 2026 – 31 Okt 2026 (31 hari), dibandingkan …"
    sources_line: str  # platforms, collection paths, demo or real, last capture
    generated_line: str
    libraries_line: str
    blocks: list[Block]
    empty: bool  # nothing was captured or published in the period

    @property
    def running_head(self) -> list[str]:
        """The lines printed at the top of every page."""
        return [f"{self.title} · {self.period_line}", self.sources_line]


# -- data sources ---------------------------------------------------------------------


@dataclass(frozen=True)
class Sources:
    """Where the report's numbers come from: per chosen account its platform, collection
    path and last capture (UTC), and whether they are demo data."""

    accounts: pd.DataFrame  # library_id, platform, handle, path, last_capture
    demo: bool

    @property
    def platforms(self) -> list[str]:
        return [p for p in ("instagram", "youtube") if p in set(self.accounts["platform"])]

    @property
    def last_capture(self) -> pd.Timestamp | None:
        known = self.accounts["last_capture"].dropna()
        return None if known.empty else pd.Timestamp(known.max())


def sources_of(accounts: pd.DataFrame, captures: pd.DataFrame, items: pd.DataFrame) -> Sources:
    """Sources of the chosen ``accounts`` (id, library_id, platform, handle, is_demo), from
    each account's last capture (``captures``: account_id, captured_at) and the path of its
    newest refresh item that recorded one (``items``: run items with account_id, path)."""
    out = accounts[["id", "library_id", "platform", "handle", "is_demo"]].copy()
    last = captures.groupby("account_id")["captured_at"].max() if len(captures) else {}
    out["last_capture"] = pd.to_datetime(out["id"].map(last), utc=True)
    paths: dict[int, str] = {}
    if len(items) and "path" in items:
        known = items.dropna(subset=["path"]).sort_values("run_id")
        paths = {int(k): str(v) for k, v in known.groupby("account_id")["path"].last().items()}
    out["path"] = [
        "demo" if demo else paths.get(int(i), _DEFAULT_PATH.get(p, "unknown"))
        for i, p, demo in zip(out["id"], out["platform"], out["is_demo"], strict=True)
    ]
    demo = bool(len(out)) and bool(out["is_demo"].all())
    return Sources(out.drop(columns=["is_demo"]).reset_index(drop=True), demo)


def _path_text(path: str, lang: str) -> str:
    key = f"report_path_{path}"
    return i18n.text(key, lang) if key in i18n.TEXT else path


def _when(value: object, tz: str, lang: str) -> str:
    if value is None or pd.isna(value):
        return i18n.text("never", lang)
    return i18n.datetime(pd.Timestamp(value).tz_convert(tz).to_pydatetime(), lang)


def sources_line(sources: Sources, tz: str, lang: str) -> str:
    """The sources in one line, e.g. Sumber: Instagram – instaloader (halaman publik);
    YouTube – YouTube Data API (data publik) · data nyata · terakhir diambil …"""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    parts = []
    for platform in sources.platforms:
        used = set(sources.accounts.loc[sources.accounts["platform"] == platform, "path"])
        paths = ", ".join(_path_text(p, lang) for p in sorted(used - {"demo"}, key=_path_order))
        parts.append(f"{t(platform)} – {paths}" if paths else t(platform))
    kind = t(
        "report_kind_none"
        if sources.accounts.empty
        else ("report_kind_demo" if sources.demo else "report_kind_real")
    )
    when = (
        t("report_never_captured")
        if sources.last_capture is None
        else t("report_last_capture", when=_when(sources.last_capture, tz, lang), tz=tz)
    )
    return t("report_sources", sources="; ".join(parts) or "–", kind=kind, when=when)


def _path_order(path: str) -> int:
    return PATH_KEYS.index(path) if path in PATH_KEYS else len(PATH_KEYS)


# -- the report -------------------------------------------------------------------------


def _cell(value: object) -> str:
    return (
        ""
        if value is None or (not isinstance(value, list | tuple) and pd.isna(value))
        else str(value)
    )


def _post_text(title: object, caption: object) -> str:
    text = " — ".join(x for x in (_cell(title), _cell(caption)) if x)
    text = " ".join(text.split())  # line breaks of a caption would only waste paper
    return text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…"


def _post_link(url: object) -> Cell:
    """Only https links leave the report (URLs come from social media)."""
    if isinstance(url, str) and url.startswith("https://"):
        shown = url.removeprefix("https://").removeprefix("www.").rstrip("/")
        return Link(shown, url)
    return ""


# (KPI column, text key, decimals, is a percentage)
Measure = tuple[str, str, int, bool]
KPI_GROUPS: list[tuple[str, list[Measure]]] = [
    ("report_group_audience", [("audience", "kpi_audience", 0, False),
                               ("growth_pct", "report_growth_pct", 2, True)]),
    ("report_group_posts", [("posts", "kpi_posts", 0, False),
                            ("engagements", "kpi_engagements", 0, False)]),
    ("report_group_er", [("mean_er", "kpi_er", 2, True),
                         ("mean_per_1k", "axis_per_1k", 2, False)]),
    ("report_group_views", [("views", "kpi_views", 0, False)]),
]  # fmt: skip


def kpi_tables(
    table: pd.DataFrame, labels: Mapping[str, str], lang: str
) -> list[tuple[str, Table]]:
    """The period's KPIs (``pagedata.overview``) as one table per group of measures: a row
    per library and platform, for each measure this period, the previous one and the
    change (percentage points for percentages)."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    out = []
    for group_key, measures in KPI_GROUPS:
        columns = [t("col_library"), t("col_platform")]
        groups: list[tuple[str, int]] = [("", 2)]
        for _col, key, _dec, _pct in measures:
            columns += [t("report_this_period"), t("col_previous"), t("col_change")]
            groups.append((t(key), 3))
        rows: list[list[Cell]] = []
        for row in table.itertuples(index=False):
            cells: list[Cell] = [labels.get(row.library_id, row.library_id), t(row.platform)]
            for col, _key, decimals, pct in measures:
                fmt = i18n.percent if pct else i18n.number
                change = getattr(row, f"{col}_change")
                shown = i18n.number(change, lang, decimals, sign=True)
                cells += [
                    fmt(getattr(row, col), lang, decimals),
                    fmt(getattr(row, f"{col}_prev"), lang, decimals),
                    shown + " pp" if pct and shown != "–" else shown,
                ]
            rows.append(cells)
        n = len(columns) - 2
        out.append(
            (
                t(group_key),
                Table(
                    columns,
                    rows,
                    [False, False, *[True] * n],
                    [1.5, 1.2, *[1.0] * n],
                    groups,
                    t("report_pp_note") if any(p for *_, p in measures) else None,
                ),
            )
        )
    return out


def _campaign_blocks(
    load: Loader,
    config: Config,
    all_accounts: pd.DataFrame,
    period: Period,
    lang: str,
) -> list[Block]:
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    labels = {lib.id: lib.label for lib in config.libraries}
    colors = {lib.id: lib.color for lib in config.libraries}
    blocks: list[Block] = [Heading(t("report_campaigns"))]
    inside_period = [c for c in config.campaigns if c.start <= period.end and c.end >= period.start]
    if not inside_period:
        return [*blocks, Paragraph(t("report_no_campaigns"), "muted")]
    handles = partner_handles(all_accounts, config)
    for campaign in inside_period:
        data = campaign_data(load, campaign, handles)
        libraries = ", ".join(labels.get(x, x) for x in campaign.libraries)
        blocks += [
            Heading(campaign.name, 3),
            Paragraph(
                t(
                    "campaign_dates",
                    start=i18n.date(campaign.start, lang),
                    end=i18n.date(campaign.end, lang),
                    libraries=libraries,
                ),
                "muted",
            ),
        ]
        summary = data.summary
        rows: list[list[Cell]] = []
        for row in summary.itertuples(index=False):
            gained = i18n.number(row.audience_growth, lang)
            before = i18n.number(row.audience_growth_before, lang)
            rows.append(
                [
                    t("all_libraries")
                    if row.library_id == ALL
                    else labels.get(row.library_id, row.library_id),
                    t(row.platform),
                    i18n.number(row.posts, lang),
                    i18n.number(row.engagements, lang),
                    i18n.number(row.views, lang),
                    i18n.percent(row.mean_er, lang, 2),
                    i18n.number(row.potential_reach, lang),
                    i18n.ratio(row.lift, lang),
                    f"{gained} ({before})",
                ]
            )
        blocks += [
            Heading(t("report_campaign_kpis"), 4),
            Table(
                [
                    t("col_library"),
                    t("col_platform"),
                    t("kpi_posts"),
                    t("kpi_engagements"),
                    t("kpi_views"),
                    t("kpi_er"),
                    t("kpi_potential_reach"),
                    t("kpi_lift"),
                    t("report_audience_gained"),
                ],
                rows,
                [False, False, *[True] * 7],
                [1.3, 1.0, 0.9, 1.1, 1.0, 1.0, 1.2, 0.8, 1.5],
            ),
        ]
        posts = data.posts
        if posts.empty:
            blocks.append(Paragraph(t("report_no_campaign_posts"), "muted"))
            continue
        blocks.append(
            Chart(
                t("chart_timeline"),
                figures.timeline_chart(posts, colors, labels, lang, campaign.start, campaign.end),
                t("chart_timeline"),
            )
        )
        lifts = data.lift[data.lift["level"] == "account"]
        blocks += [
            Heading(t("lift_table"), 4),
            Table(
                [
                    t("col_library"),
                    t("col_account"),
                    t("col_campaign_posts"),
                    t("col_campaign_er"),
                    t("col_baseline_posts"),
                    t("col_baseline_er"),
                    t("kpi_lift"),
                ],
                [
                    [
                        labels.get(r.library_id, r.library_id),
                        _cell(r.handle),
                        i18n.number(r.campaign_posts, lang),
                        i18n.percent(r.campaign_median_er, lang, 2),
                        i18n.number(r.baseline_posts, lang),
                        i18n.percent(r.baseline_median_er, lang, 2),
                        i18n.ratio(r.lift, lang),
                    ]
                    for r in lifts.itertuples(index=False)
                ],
                [False, False, True, True, True, True, True],
                [1.1, 1.6, 1.0, 1.1, 1.0, 1.1, 0.8],
                note=t("kpi_lift_help"),
            ),
        ]
        best = top_posts(posts, "engagements", TOP_POSTS)
        blocks += [
            Heading(t("top_posts"), 4),
            Table(
                [
                    t("col_library"),
                    t("col_published"),
                    t("col_text"),
                    t("kpi_engagements"),
                    t("col_er"),
                    t("col_link"),
                ],
                [
                    [
                        f"{labels.get(r.library_id, r.library_id)} · {t(r.platform)}",
                        i18n.datetime(r.local_time.to_pydatetime(), lang),
                        _post_text(getattr(r, "title", None), getattr(r, "caption", None)),
                        i18n.number(r.engagements, lang),
                        i18n.number(r.er_followers, lang, 2),
                        _post_link(r.url),
                    ]
                    for r in best.itertuples(index=False)
                ],
                [False, False, False, True, True, False],
                [1.2, 1.1, 3.1, 1.2, 1.0, 1.8],
            ),
        ]
    return blocks


def _chart_blocks(load: Loader, config: Config, period: Period, lang: str) -> list[Block]:
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    labels = {lib.id: lib.label for lib in config.libraries}
    colors = {lib.id: lib.color for lib in config.libraries}
    data = compare(load, period)
    blocks: list[Block] = [Heading(t("compare_title"))]
    if not data.audience.empty:
        blocks.append(
            Chart(
                t("chart_audience"),
                figures.audience_chart(
                    data.audience, colors, labels, lang, period.start, period.end
                ),
                t("chart_audience"),
            )
        )
    if data.weekly.empty:
        return [*blocks, Paragraph(t("report_no_posts"), "muted")]
    # Weeks start on Monday: a period from another weekday has partial first/last weeks.
    partial = period.start.weekday() != 0 or period.end.weekday() != 6
    # One chart per platform: YouTube figures are never added to another platform's.
    for platform in [p for p in ("instagram", "youtube") if p in set(data.weekly["platform"])]:
        weeks = data.weekly[data.weekly["platform"] == platform]
        for value, title, axis in (
            ("engagements", "chart_weekly_engagements_of", "axis_engagements"),
            ("mean_per_1k", "chart_per_1k_of", "axis_per_1k"),
        ):
            name = t(title, platform=t(platform))
            blocks.append(
                Chart(
                    name,
                    figures.weekly_chart(
                        weeks, value, t(axis), colors, labels, lang, period.start, period.end
                    ),
                    name,
                    t("report_partial_week") if partial else None,
                )
            )
    return blocks


def _sources_table(sources: Sources, labels: Mapping[str, str], tz: str, lang: str) -> Table:
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    rows: list[list[Cell]] = [
        [
            labels.get(r.library_id, r.library_id),
            t(r.platform),
            _cell(r.handle),
            _path_text(r.path, lang),
            _when(r.last_capture, tz, lang),
        ]
        for r in sources.accounts.itertuples(index=False)
    ]
    return Table(
        [t("col_library"), t("col_platform"), t("col_account"), t("report_col_path"),
         t("col_last_capture")],
        rows,
        [False] * 5,
        [1.1, 1.0, 1.6, 2.2, 1.4],
    )  # fmt: skip


# (term, definition): the dashboard's help texts, each under the name it explains
DEFINITIONS = (
    ("kpi_audience", "kpi_audience_help"),
    ("kpi_growth", "kpi_growth_help"),
    ("kpi_posts", "kpi_posts_help"),
    ("kpi_engagements", "kpi_engagements_help"),
    ("kpi_er", "kpi_er_help"),
    ("axis_per_1k", "per_1k_help"),
    ("kpi_views", "kpi_views_help"),
    ("kpi_potential_reach", "kpi_potential_reach_help"),
    ("kpi_lift", "kpi_lift_help"),
    ("campaign", "campaigns_rule"),
)


def report_content(
    load: Loader,
    all_accounts: pd.DataFrame,
    config: Config,
    period: Period,
    lang: str = i18n.DEFAULT_LANGUAGE,
    sources: Sources | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """The report of ``period``: ``load`` gives the chosen accounts' windows,
    ``all_accounts`` every shown account (for partner handles), ``sources`` where the
    numbers come from (default: the chosen accounts, with no capture facts)."""
    t = lambda key, **kw: i18n.text(key, lang, **kw)  # noqa: E731
    tz = config.timezone
    labels = {lib.id: lib.label for lib in config.libraries}
    chosen = load(period.end, period.end).accounts
    if sources is None:
        sources = sources_of(
            chosen,
            pd.DataFrame(columns=["account_id", "captured_at"]),
            pd.DataFrame(columns=["run_id", "account_id", "path"]),
        )
    previous = period.previous()
    period_line = t(
        "period_line",
        start=i18n.date(period.start, lang),
        end=i18n.date(period.end, lang),
        days=period.days,
        pstart=i18n.date(previous.start, lang),
        pend=i18n.date(previous.end, lang),
    )
    made = now or dt.datetime.now(config.tz)
    order = {lib.id: i for i, lib in enumerate(config.libraries)}
    libraries = sorted(set(chosen["library_id"]), key=lambda x: (order.get(x, len(order)), x))
    empty = not has_data(load, period)
    blocks: list[Block] = []
    if sources.demo:
        blocks.append(Paragraph(t("report_demo_notice"), "notice"))
    if empty:
        blocks.append(
            Paragraph(
                t(
                    "report_no_data",
                    start=i18n.date(period.start, lang),
                    end=i18n.date(period.end, lang),
                ),
                "notice",
            )
        )
    blocks.append(Heading(t("report_key_figures")))
    if chosen.empty:
        blocks.append(Paragraph(t("report_no_accounts"), "muted"))
    else:
        for title, table in kpi_tables(overview(load, period), labels, lang):
            blocks += [Heading(title, 4), table]
        blocks += _chart_blocks(load, config, period, lang)
        blocks += _campaign_blocks(load, config, all_accounts, period, lang)
    blocks += [
        Heading(t("report_sources_title")),
        Paragraph(sources_line(sources, tz, lang), "text"),
    ]
    if len(sources.accounts):
        blocks.append(_sources_table(sources, labels, tz, lang))
    blocks += [
        Heading(t("report_definitions")),
        Bullets([(t(term), t(text)) for term, text in DEFINITIONS]),
    ]
    return Report(
        lang=lang,
        title=t("report_title"),
        period=period,
        period_line=period_line,
        sources_line=sources_line(sources, tz, lang),
        generated_line=t("report_generated", when=i18n.datetime(made, lang), tz=tz),
        libraries_line=t(
            "report_libraries", names=", ".join(labels.get(x, x) for x in libraries) or "–"
        ),
        blocks=blocks,
        empty=empty,
    )


def keep_groups(blocks: list[Block]) -> list[tuple[list[Block], bool]]:
    """The blocks in the runs a page break must not split: headings and short captions
    stay with the table or chart they introduce; ``True`` when the whole run fits one page
    (charts, short tables), ``False`` for a long table, which breaks with its header
    repeated."""
    runs: list[tuple[list[Block], bool]] = []
    leads: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) or (isinstance(block, Paragraph) and block.style == "muted"):
            leads.append(block)
            continue
        whole = isinstance(block, Chart) or (isinstance(block, Table) and block.keep_together)
        runs.append(([*leads, block], whole))
        leads = []
    if leads:
        runs.append((leads, True))
    return runs

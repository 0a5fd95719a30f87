"""The weekly digest: per library and for the partnership, the week's numbers against the
week before, breakout and underperforming posts, campaigns, cross-promotion, best times to
post and data problems — as an HTML e-mail body and a short plain text for WhatsApp.

``python -m dashboard.digest --week last``. Every text from social media is escaped in the
HTML; the HTML has inline styles only, no script, no remote image or font.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import html
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from collectors.config import (
    Config,
    load_config,
    load_file_secrets,
    load_settings,
    smtp_settings,
)
from collectors.errors import ConfigError, StoreError
from collectors.messages import render
from collectors.status import account_health
from collectors.store import Store
from dashboard import i18n
from dashboard import insights as ins
from dashboard import services as svc
from dashboard.insight_data import load_insights, local_midnight
from dashboard.insight_tables import reason
from dashboard.mailer import MailError, build_message, send
from dashboard.metrics import ALL, Period, in_period
from dashboard.pagedata import (
    campaign_data,
    choose,
    cross_promotion,
    overview,
    partner_handles,
    shown_accounts,
    window_loader,
)
from dashboard.tables import _safe_url

PARTNERSHIP = "partnership"
#: The plain text aims at one screen of a phone in a WhatsApp group.
TEXT_LIMIT = 1500
UPCOMING_DAYS = 28  # campaigns starting within this many days after the week are "upcoming"
TOKEN_WARNING = dt.timedelta(days=14)  # connections expiring this soon are a data problem
FLAG_AGE = dt.timedelta(days=max(ins.AGES) + 1)  # posts flagged in a week are this young
DEFAULT_OUT = "data/digest"
EXIT_OK, EXIT_NOT_SENT, EXIT_CONFIG, EXIT_STORE = 0, 1, 2, 4


def parse_week(value: str, today: dt.date) -> Period:
    """Monday–Sunday of ``last`` (the last complete week before ``today``), of an ISO week
    (``2026-W47``), or of the week containing a date (``2026-11-18``)."""
    value = value.strip()
    if value == "last":
        monday = today - dt.timedelta(days=today.weekday() + 7)
    elif match := re.fullmatch(r"(\d{4})-?W(\d{1,2})", value, flags=re.IGNORECASE):
        try:
            monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
        except ValueError:
            raise ValueError(
                f"'{value}' is not an ISO week (weeks run from W01 to W52/53)"
            ) from None
    else:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"'{value}' is not a week: write last, an ISO week like 2026-W47, or a date "
                "like 2026-11-18"
            ) from None
        monday = day - dt.timedelta(days=day.weekday())
    return Period(monday, monday + dt.timedelta(days=6))


@dataclass(frozen=True)
class Digest:
    """Everything a digest shows, before it is put into words."""

    week: Period
    now: dt.datetime
    tz: str
    demo: bool
    has_data: bool
    libraries: list[str]  # the libraries shown, in configuration order
    numbers: pd.DataFrame  # per library and platform (and partnership): KPIs, _prev, _change
    breakouts: pd.DataFrame
    underperformers: pd.DataFrame
    running: list[dict[str, object]]
    upcoming: list[dict[str, object]]
    cross: pd.DataFrame  # source, target, platform, posts (any way; per platform)
    slots: pd.DataFrame  # best slots per library and platform (insights.best_slots)
    stale: pd.DataFrame  # health rows of stale accounts
    failures: pd.DataFrame  # per account failing in the week: n and its last error
    tokens: pd.DataFrame  # connections in trouble or expiring soon
    # per service of the chosen libraries (services.compare): the week and the one before
    services: pd.DataFrame = dataclasses.field(default_factory=pd.DataFrame)


def collect(
    store: Store,
    config: Config,
    week: Period,
    now: dt.datetime,
    libraries: Sequence[str] | None = None,
) -> Digest:
    """Read and compute the digest of ``week`` (``now``: when it is made, for freshness)."""
    tz = config.timezone
    shown = shown_accounts(store.accounts())
    chosen_ids = [lib.id for lib in config.libraries if libraries is None or lib.id in libraries]
    accounts = choose(shown, chosen_ids, ["instagram", "youtube"])
    present = [x for x in chosen_ids if x in set(accounts["library_id"])]
    load = window_loader(store, tz, accounts)
    together = window_loader(store, tz, accounts.assign(library_id=PARTNERSHIP))
    # Per library and platform: platforms are never added up (YouTube API policy).
    numbers = pd.concat([overview(load, week), overview(together, week)], ignore_index=True)
    has_data = bool(numbers["posts"].sum() > 0 or numbers["audience"].notna().any())
    # Posts flagged during the week were published up to 8 days before it.
    insights = load_insights(store, tz, accounts, Period(week.start - FLAG_AGE, week.end))
    start, end = local_midnight(week.start, tz), local_midnight(week.end + dt.timedelta(days=1), tz)
    handles = partner_handles(shown, config)
    running, upcoming = [], []
    for campaign in config.campaigns:
        if not set(campaign.libraries) & set(present):
            continue
        if campaign.start <= week.end and campaign.end >= week.start:
            so_far = dataclasses.replace(campaign, end=min(campaign.end, week.end))
            summary = campaign_data(load, so_far, handles).summary
            together_rows = summary[summary["library_id"] == ALL]
            running.append(
                {
                    "campaign": campaign,
                    # per platform, all the campaign's libraries together
                    "platforms": [
                        (row.platform, int(row.posts), row.lift)
                        for row in together_rows.itertuples()
                    ],
                }
            )
        elif week.end < campaign.start <= week.end + dt.timedelta(days=UPCOMING_DAYS):
            upcoming.append({"campaign": campaign})
    cross = cross_promotion(load, week, handles)
    cross = cross[cross["how"] == "any"] if len(cross) else cross
    year = Period(week.end - dt.timedelta(days=364), week.end)
    recent = in_period(load(year.start, year.end).posts, year)
    runs = store.runs(500)  # the last runs are enough: a week has at most a few dozen
    items = store.run_items([int(r) for r in runs["run_id"]])
    # Freshness as it was at the end of the week (or now, for the running week), from the
    # captures made by then: the problems belong to the week the digest tells about.
    as_of = min(now.astimezone(dt.UTC), end)
    captures = store.account_daily(
        week.end - dt.timedelta(days=2), week.end, [int(i) for i in accounts["id"]],
        with_previous=True, columns=["captured_at"],
    )  # fmt: skip
    captures = captures[captures["captured_at"] <= pd.Timestamp(as_of)]
    health = account_health(accounts, captures, items, as_of)
    in_week = items[(items["started_at"] >= start) & (items["started_at"] < end)]
    return Digest(
        week=week,
        now=now,
        tz=tz,
        demo=bool(len(accounts)) and bool(accounts["is_demo"].all()),
        has_data=has_data,
        libraries=present,
        numbers=numbers.reset_index(drop=True),
        breakouts=insights.first_flagged_in(start, end, ins.BREAKOUT),
        underperformers=insights.first_flagged_in(start, end, ins.UNDERPERFORMER),
        running=running,
        upcoming=upcoming,
        cross=cross.reset_index(drop=True),
        slots=ins.best_slots(recent),
        stale=health[health["stale"]].reset_index(drop=True),
        failures=_failures(in_week, accounts),
        tokens=_tokens(store.connections(), now, present),
        services=_services(store, config, chosen_ids, week),
    )


def _services(store: Store, config: Config, libraries: Sequence[str], week: Period) -> pd.DataFrame:
    """Ask Librarian's figures of the week and the week before, per service of the chosen
    libraries (configured ones with nothing imported too: their figures are empty)."""
    tz = config.timezone
    services = svc.chosen_services(store.services(), config.libraries, libraries)
    if services.empty:
        return pd.DataFrame()
    previous = week.previous()
    ids = [int(i) for i in services["id"] if i > 0]
    daily = store.service_daily(previous.start, week.end, ids)
    questions = store.service_questions(
        local_midnight(previous.start, tz), local_midnight(week.end + dt.timedelta(days=1), tz), ids
    )
    return svc.compare(
        svc.figures(services, daily, questions, week, tz),
        svc.figures(services, daily, questions, previous, tz),
    )


def _failures(items: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """Per account: how many of the week's refreshes (``items``) failed for it, and its
    last error."""
    cols = ["library_id", "platform", "handle", "n", "error", "error_key", "error_params"]
    failed = items[items["status"] == "failed"]
    if failed.empty:
        return pd.DataFrame(columns=cols)
    failed = failed.sort_values("started_at")
    out = failed.groupby("account_id").agg(
        n=("run_id", "size"),
        error=("error", "last"),
        error_key=("error_key", "last"),
        error_params=("error_params", "last"),
    )
    info = accounts.set_index("id")[["library_id", "platform", "handle"]]
    return out.join(info, how="inner").reset_index(drop=True)[cols]


def _tokens(connections: pd.DataFrame, now: dt.datetime, libraries: Sequence[str]) -> pd.DataFrame:
    """Connections not ok, or expiring within two weeks of ``now``."""
    if connections.empty:
        return connections
    mine = connections[connections["library_id"].isin(list(libraries))]
    soon = mine["expires_at"].notna() & (mine["expires_at"] <= pd.Timestamp(now + TOKEN_WARNING))
    return mine[(mine["status"] != "ok") | soon].reset_index(drop=True)


# -- words ------------------------------------------------------------------------------


class _Words:
    """The digest's texts in one language, with its number formats."""

    def __init__(self, digest: Digest, config: Config, lang: str) -> None:
        self.d, self.lang = digest, lang
        self.labels = {lib.id: lib.label for lib in config.libraries}
        self.colors = {lib.id: lib.color for lib in config.libraries}

    def t(self, key: str, **values: object) -> str:
        return i18n.text(key, self.lang, **values)

    def date(self, day: dt.date) -> str:
        return i18n.date(day, self.lang)

    def library(self, library_id: str) -> str:
        if library_id == PARTNERSHIP:
            return self.t("digest_partnership")
        return self.labels.get(library_id, library_id)

    def week_line(self) -> str:
        week, previous = self.d.week, self.d.week.previous()
        return self.t(
            "digest_week",
            start=self.date(week.start),
            end=self.date(week.end),
            tz=self.d.tz,
            pstart=self.date(previous.start),
            pend=self.date(previous.end),
        )

    def subject(self) -> str:
        return self.t(
            "digest_subject", start=self.date(self.d.week.start), end=self.date(self.d.week.end)
        )

    def numbers(self, row: pd.Series) -> str:
        n = lambda v, dec=0, sign=False: i18n.number(v, self.lang, dec, sign)  # noqa: E731
        return self.t(
            "digest_line",
            posts=n(row["posts"]),
            dposts=n(row["posts_change"], sign=True),
            eng=n(row["engagements"]),
            deng=n(row["engagements_change"], sign=True),
            er=i18n.percent(row["mean_er"], self.lang, 2),
            der=n(row["mean_er_change"], 2, sign=True),
            aud=n(row["audience"]),
            daud=n(row["growth"], sign=True),
        )

    def post(self, row: pd.Series) -> str:
        when = i18n.date(row["local_time"].date(), self.lang)
        return (
            f"{self.library(row['library_id'])} · {row['handle']} · "
            f"{i18n.kind(row['kind'], self.lang)} · {when}: {reason(row, self.lang)}"
        )

    def campaign(self, item: dict[str, object]) -> str:
        c = item["campaign"]
        if "platforms" not in item:
            return self.t("digest_upcoming", name=c.name, start=self.date(c.start))
        parts = "; ".join(
            self.t(
                "digest_running_part",
                platform=i18n.text(platform, self.lang),
                posts=i18n.number(posts, self.lang),
                lift=i18n.ratio(lift, self.lang),
            )
            for platform, posts, lift in item["platforms"]  # type: ignore[attr-defined]
        )
        return self.t(
            "digest_running",
            name=c.name,
            start=self.date(c.start),
            end=self.date(c.end),
            parts=parts or self.t("digest_running_none"),
        )

    def row_name(self, row: pd.Series) -> str:
        """Library (or partnership) and platform of a numbers row."""
        return f"{self.library(row['library_id'])} · {i18n.text(row['platform'], self.lang)}"

    def service(self, row: pd.Series) -> str:
        """A service's week: questions, answered share and median first reply, each
        against the week before; or that nothing was imported for the week."""
        name = f"{self.library(row['library_id'])} · {row['name']}"
        if not row["days"]:  # nothing imported for the week (not the same as no question)
            return self.t("digest_service_none", name=name)
        return self.t(
            "digest_service_line",
            name=name,
            questions=i18n.number(row["questions"], self.lang),
            dquestions=i18n.number(row["questions_change"], self.lang, sign=True),
            answered=i18n.percent(row["answered_pct"], self.lang, 0),
            danswered=i18n.number(row["answered_pct_change"], self.lang, sign=True),
            median=i18n.duration(row["median_reply_s"], self.lang),
            pmedian=i18n.duration(row["median_reply_s_prev"], self.lang),
        )

    def slot(self, row: pd.Series) -> str:
        return self.t(
            "digest_slot",
            day=i18n.weekdays(self.lang)[int(row["weekday"])],
            hour=f"{int(row['hour']):02d}",
            er=i18n.percent(row["mean_er"], self.lang, 2),
            posts=i18n.number(row["posts"], self.lang),
        )

    def problems(self) -> list[str]:
        out = []
        tz = self.d.tz
        for row in self.d.stale.itertuples():
            library = self.library(row.library_id)
            if pd.isna(row.last_capture):
                out.append(self.t("digest_stale_never", account=row.handle, library=library))
            else:
                when = i18n.datetime(row.last_capture.tz_convert(tz).to_pydatetime(), self.lang)
                out.append(self.t("digest_stale", account=row.handle, library=library, when=when))
        for row in self.d.failures.itertuples():
            out.append(
                self.t(
                    "digest_failed",
                    account=row.handle,
                    library=self.library(row.library_id),
                    n=int(row.n),
                    error=_error_text(row.error, row.error_key, row.error_params, self.lang),
                )
            )
        for row in self.d.tokens.itertuples():
            expires = ""
            if not pd.isna(row.expires_at):
                when = i18n.date(row.expires_at.tz_convert(tz).date(), self.lang)
                expires = self.t("digest_token_expires", when=when)
            key = f"token_status_{row.status}"
            out.append(
                self.t(
                    "digest_token",
                    platform=i18n.text(row.platform, self.lang)
                    if row.platform in i18n.TEXT
                    else row.platform,
                    library=self.library(row.library_id),
                    status=self.t(key) if key in i18n.TEXT else str(row.status),
                    expires=expires,
                )
            )
        return out

    def no_data(self) -> str:
        """A week without data says so, and points to the data problems only when there
        are some."""
        return self.t("digest_no_data" if self.problems() else "digest_no_data_plain")

    def footer(self) -> str:
        now = self.d.now.astimezone(dt.UTC)
        local = pd.Timestamp(now).tz_convert(self.d.tz).to_pydatetime()
        return self.t("digest_footer", when=i18n.datetime(local, self.lang), tz=self.d.tz)


def _error_text(error: object, key: object, params: object, lang: str) -> str:
    """A run item's error in ``lang`` when it carries a message key, else as stored."""
    import json

    if isinstance(key, str) and key:
        try:
            values = json.loads(params) if isinstance(params, str) else {}
        except ValueError:
            values = {}
        return render(key, lang, **values)
    return "" if error is None or pd.isna(error) else str(error)


def _ordered_numbers(d: Digest) -> list[pd.Series]:
    """Numbers rows: the partnership's first, then each library's, Instagram before YouTube."""
    rows = d.numbers
    order = [PARTNERSHIP, *d.libraries]
    return [
        row
        for library_id in order
        for _, row in rows[rows["library_id"] == library_id].sort_values("platform").iterrows()
    ]


# -- plain text (WhatsApp) ---------------------------------------------------------------


def render_text(digest: Digest, config: Config, lang: str, limit: int = TEXT_LIMIT) -> str:
    """The digest as plain text for a WhatsApp group (``*bold*`` headings), at most
    ``limit`` characters: lists are shortened ("… and N more (see the e-mail)") to fit."""
    w = _Words(digest, config, lang)
    for caps in _caps():
        text = _text(w, caps)
        if len(text) <= limit:
            return text
    return text[: limit - 1].rsplit("\n", 1)[0] + "\n…"


#: The plain text's lists, from the first to give up lines when the text is too long to the
#: last: what staff act on (their numbers, services, flagged posts) stays longest.
SHORTEN_ORDER = ("slots", "cross", "campaigns", "problems", "underperformers", "breakouts",
                 "services", "numbers")  # fmt: skip


def _caps() -> Iterator[dict[str, int]]:
    """Items shown per list: 5 each, then each list in turn down to 3, 2, 1 and 0."""
    caps = dict.fromkeys(SHORTEN_ORDER, 5)
    yield dict(caps)
    for level in (3, 2, 1, 0):
        for name in SHORTEN_ORDER:
            caps[name] = level
            yield dict(caps)


def _text(w: _Words, caps: dict[str, int]) -> str:
    d = w.d
    lines = [f"*{w.t('digest_title')}*", w.week_line()]
    if d.demo:
        lines.append(w.t("digest_demo"))
    if not d.has_data:
        lines.append(w.no_data())

    def listed(heading: str, items: list[str], cap: int) -> None:
        if not items:
            lines.append(f"*{heading}*: {w.t('digest_none')}")
            return
        lines.append(f"*{heading}*")
        shown = items[:cap] if cap else []
        lines.extend(f"• {item}" for item in shown)
        if len(items) > len(shown):
            lines.append(w.t("digest_more", n=len(items) - len(shown)))

    if d.has_data:
        lines.append(f"*{w.t('digest_numbers')}* ({w.t('digest_vs')})")
        rows = _ordered_numbers(d)
        partnership = [r for r in rows if r["library_id"] == PARTNERSHIP]
        libraries = [r for r in rows if r["library_id"] != PARTNERSHIP]
        shown = libraries[: 2 * (max(caps["numbers"], 1) + 1)]
        for row in partnership + shown:
            lines.append(f"• {w.row_name(row)}: {w.numbers(row)}")
        if len(libraries) > len(shown):
            lines.append(w.t("digest_more", n=len(libraries) - len(shown)))
    if len(d.services):
        listed(
            w.t("digest_services"),
            [w.service(r) for _, r in d.services.iterrows()],
            caps["services"],
        )
    listed(
        w.t("digest_breakouts"),
        [f"{w.post(r)} {u}" for r, u in _with_links(d.breakouts)],
        caps["breakouts"],
    )
    listed(
        w.t("digest_underperformers"),
        [f"{w.post(r)} {u}" for r, u in _with_links(d.underperformers)],
        caps["underperformers"],
    )
    campaigns = [w.campaign(c) for c in [*d.running, *d.upcoming]]
    listed(w.t("digest_campaigns"), campaigns, caps["campaigns"])
    listed(
        w.t("digest_cross"),
        [
            w.t(
                "digest_cross_line",
                source=w.library(r.source),
                target=w.library(r.target),
                platform=i18n.text(r.platform, w.lang),
                posts=i18n.number(r.posts, w.lang),
            )
            for r in d.cross.itertuples()
        ],
        caps["cross"],
    )
    best = d.slots[d.slots["rank"] == 1]
    listed(
        w.t("digest_best_time"),
        [
            f"{w.library(r['library_id'])} {i18n.text(r['platform'], w.lang)}: {w.slot(r)}"
            for _, r in best.iterrows()
        ]
        or [w.t("digest_no_slots", n=ins.BEST_SLOT_MIN_POSTS)],
        caps["slots"],
    )
    listed(w.t("digest_problems"), w.problems(), caps["problems"])
    return "\n".join(lines)


def _with_links(posts: pd.DataFrame) -> list[tuple[pd.Series, str]]:
    return [(row, _safe_url(row["url"]) or "") for _, row in posts.iterrows()]


# -- HTML e-mail -------------------------------------------------------------------------

_FONT = "font-family:Arial,Helvetica,sans-serif;"
_H2 = (
    "font-size:16px;margin:22px 0 8px;padding-bottom:4px;border-bottom:1px solid #dddddd;"
    "color:#1b3a2b;"
)
_TD = "padding:4px 8px;border-bottom:1px solid #eeeeee;text-align:left;vertical-align:top;"
_TH = _TD + "background:#f3f5f3;font-weight:bold;"
_MUTED = "color:#666666;font-size:13px;"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_html(digest: Digest, config: Config, lang: str) -> str:
    """The digest as an HTML e-mail body: inline styles only, no script, no remote image or
    font; links only to posts (https); every text escaped."""
    w = _Words(digest, config, lang)
    d = digest
    parts = [
        f"<h1 style='font-size:20px;margin:0 0 4px;color:#1b3a2b'>{_e(w.t('digest_title'))}</h1>",
        f"<p style='{_MUTED}margin:0 0 12px'>{_e(w.week_line())}</p>",
    ]
    if d.demo:
        parts.append(_note(w.t("digest_demo")))
    if not d.has_data:
        parts.append(_note(w.no_data()))
    else:
        parts.append(_h2(w.t("digest_numbers") + " (" + w.t("digest_vs") + ")"))
        parts.append(_numbers_table(w))
    if len(d.services):
        parts.append(_h2(w.t("digest_services")))
        parts.append(f"<p style='{_MUTED}'>{_e(w.t('digest_services_note'))}</p>")
        parts.append(_ul([w.service(r) for _, r in d.services.iterrows()]))
    parts.append(_h2(w.t("digest_breakouts")))
    parts.append(f"<p style='{_MUTED}'>{_e(w.t('digest_breakouts_note'))}</p>")
    parts.append(_posts_list(w, d.breakouts))
    parts.append(_h2(w.t("digest_underperformers")))
    parts.append(_posts_list(w, d.underperformers))
    parts.append(_h2(w.t("digest_campaigns")))
    items = [w.campaign(c) for c in [*d.running, *d.upcoming]]
    parts.append(_ul(items) if items else _p(w.t("digest_no_campaigns")))
    parts.append(_h2(w.t("digest_cross")))
    cross = [
        w.t(
            "digest_cross_line",
            source=w.library(r.source),
            target=w.library(r.target),
            platform=i18n.text(r.platform, lang),
            posts=i18n.number(r.posts, lang),
        )
        for r in d.cross.itertuples()
    ]
    parts.append(_ul(cross) if cross else _p(w.t("digest_none")))
    parts.append(_h2(w.t("digest_best_time")))
    parts.append(
        f"<p style='{_MUTED}'>"
        + _e(w.t("digest_best_time_note", tz=d.tz, n=ins.BEST_SLOT_MIN_POSTS))
        + "</p>"
    )
    slots = []
    for (library_id, platform), group in d.slots.groupby(["library_id", "platform"], sort=False):
        best = " · ".join(w.slot(r) for _, r in group.iterrows())
        slots.append(f"{w.library(library_id)} {i18n.text(platform, lang)}: {best}")
    parts.append(_ul(slots) if slots else _p(w.t("digest_no_slots", n=ins.BEST_SLOT_MIN_POSTS)))
    parts.append(_h2(w.t("digest_problems")))
    problems = w.problems()
    parts.append(_ul(problems) if problems else _p(w.t("digest_no_problems")))
    parts.append(f"<p style='{_MUTED}margin-top:24px'>{_e(w.footer())}</p>")
    body = "".join(parts)
    return (
        f"<!DOCTYPE html><html lang='{_e(lang)}'><head><meta charset='utf-8'>"
        f"<title>{_e(w.subject())}</title></head>"
        f"<body style='margin:0;padding:16px;background:#f5f6f5;{_FONT}color:#222222'>"
        "<div style='max-width:720px;margin:0 auto;background:#ffffff;padding:20px;"
        f"border-radius:6px'>{body}</div></body></html>\n"
    )


def _h2(text: str) -> str:
    return f"<h2 style='{_H2}'>{_e(text)}</h2>"


def _p(text: str) -> str:
    return f"<p style='margin:4px 0;font-size:14px'>{_e(text)}</p>"


def _note(text: str) -> str:
    return (
        "<p style='background:#eef4fb;padding:8px 12px;border-radius:4px;font-size:14px'>"
        f"{_e(text)}</p>"
    )


def _ul(items: list[str]) -> str:
    lis = "".join(f"<li style='margin:2px 0'>{_e(i)}</li>" for i in items)
    return f"<ul style='margin:4px 0;padding-left:20px;font-size:14px'>{lis}</ul>"


def _numbers_table(w: _Words) -> str:
    t = w.t
    heads = [
        t("col_library"),
        t("col_platform"),
        t("kpi_posts"),
        t("kpi_engagements"),
        t("kpi_er"),
        t("kpi_audience"),
        t("kpi_views"),
    ]
    rows = []
    for row in _ordered_numbers(w.d):
        library_id = row["library_id"]
        color = w.colors.get(library_id, "#1b3a2b")
        bold = "font-weight:bold;" if library_id == PARTNERSHIP else ""
        name = _e(w.library(library_id))
        cells = [
            f"<td style='{_TD}{bold}border-left:4px solid {_e(color)}'>{name}</td>",
            f"<td style='{_TD}{bold}'>{_e(i18n.text(row['platform'], w.lang))}</td>",
        ]
        for value, change in (
            (
                i18n.number(row["posts"], w.lang),
                i18n.number(row["posts_change"], w.lang, sign=True),
            ),
            (
                i18n.number(row["engagements"], w.lang),
                i18n.number(row["engagements_change"], w.lang, sign=True),
            ),
            (
                i18n.percent(row["mean_er"], w.lang, 2),
                i18n.number(row["mean_er_change"], w.lang, 2, sign=True) + " " + t("pp"),
            ),
            (i18n.number(row["audience"], w.lang), i18n.number(row["growth"], w.lang, sign=True)),
            (
                i18n.number(row["views"], w.lang),
                i18n.number(row["views_change"], w.lang, sign=True),
            ),
        ):
            cells.append(
                f"<td style='{_TD}{bold}'>{_e(value)} "
                f"<span style='color:#666666;font-size:12px'>({_e(change)})</span></td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    head = "".join(f"<th style='{_TH}'>{_e(h)}</th>" for h in heads)
    return (
        "<table role='presentation' style='border-collapse:collapse;width:100%;font-size:13px'>"
        f"<tr>{head}</tr>{''.join(rows)}</table>"
    )


def _posts_list(w: _Words, posts: pd.DataFrame) -> str:
    if posts.empty:
        return _p(w.t("digest_none"))
    items = []
    for _, row in posts.iterrows():
        url = _safe_url(row["url"])
        link = f" <a href='{_e(url)}' style='color:#1f5fa8'>{_e(w.t('open'))}</a>" if url else ""
        items.append(f"<li style='margin:2px 0'>{_e(w.post(row))}{link}</li>")
    return f"<ul style='margin:4px 0;padding-left:20px;font-size:14px'>{''.join(items)}</ul>"


# -- command line ------------------------------------------------------------------------


def write_files(digest: Digest, config: Config, lang: str, out: Path) -> tuple[Path, Path]:
    """Write the HTML and text forms to ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    iso = digest.week.start.isocalendar()
    stem = f"jejaring-digest-{iso.year}-W{iso.week:02d}-{lang}"
    html_path, text_path = out / f"{stem}.html", out / f"{stem}.txt"
    html_path.write_text(render_html(digest, config, lang), encoding="utf-8")
    text_path.write_text(render_text(digest, config, lang) + "\n", encoding="utf-8")
    return html_path, text_path


def main(
    argv: Sequence[str] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.digest",
        description="Make the weekly digest; e-mail it when a mail server and recipients are "
        "configured, else write it to files.",
    )
    parser.add_argument(
        "--week", default="last", help="last (default), an ISO week like 2026-W47, or a date"
    )
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), help="default: [digest] language")
    parser.add_argument("--out", help=f"also write the HTML and text files here (default when "
                        f"not sending: {DEFAULT_OUT})")  # fmt: skip
    parser.add_argument("--library", action="append", help="only these library ids")
    parser.add_argument("--no-send", action="store_true", help="write files, send nothing")
    args = parser.parse_args(argv)
    try:
        # The environment first; Streamlit's secrets files fill what it lacks, as on the
        # dashboard (without a running Streamlit).
        settings = load_settings(secrets=load_file_secrets())
        config = load_config(settings.config_path)
        smtp = smtp_settings(settings)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    moment = now()
    try:
        week = parse_week(args.week, moment.astimezone(config.tz).date())
    except ValueError as exc:
        print(f"--week: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    unknown = sorted(set(args.library or []) - {lib.id for lib in config.libraries})
    if unknown:
        print(f"Unknown library {', '.join(unknown)} (see {config.path}).", file=sys.stderr)
        return EXIT_CONFIG
    lang = args.lang or config.digest.language
    recipients = config.digest.recipients
    sending = bool(smtp and recipients) and not args.no_send
    sender = config.digest.sender or (smtp.user if smtp and smtp.user else "")
    if sending and "@" not in sender:
        print(
            f"Configuration error: {config.path}: [digest]: field 'sender': set the From address "
            "(JEJARING_SMTP_USER is not an e-mail address)",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    try:
        store = Store(settings.database_url, config.timezone)
        try:
            digest = collect(store, config, week, moment, args.library)
        finally:
            store.dispose()
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return EXIT_STORE
    label = f"{week.start} – {week.end}"
    if args.out or not sending:
        try:
            html_path, text_path = write_files(digest, config, lang, Path(args.out or DEFAULT_OUT))
        except OSError as exc:
            print(f"Cannot write the digest to {args.out or DEFAULT_OUT}: {exc}", file=sys.stderr)
            return EXIT_CONFIG
        length = len(render_text(digest, config, lang))
        print(f"Digest of the week {label} written to {html_path} and {text_path} "
              f"({length} characters of text).")  # fmt: skip
    if not sending:
        if not args.no_send:
            print(
                "Not e-mailed: set JEJARING_SMTP_HOST (environment or .streamlit/secrets.toml) "
                "and [digest] recipients to send it."
            )
        return EXIT_OK
    words = _Words(digest, config, lang)
    message = build_message(
        sender,
        recipients,
        words.subject(),
        render_text(digest, config, lang),
        render_html(digest, config, lang),
    )
    try:
        send(smtp, message)
    except MailError as exc:
        print(f"Digest not sent: {exc}", file=sys.stderr)
        if not args.out:
            try:
                html_path, _ = write_files(digest, config, lang, Path(DEFAULT_OUT))
                print(f"It was written to {html_path.parent} instead.", file=sys.stderr)
            except OSError as write_error:
                print(f"Nor could it be written to {DEFAULT_OUT}: {write_error}", file=sys.stderr)
        return EXIT_NOT_SENT
    print(f"Digest of the week {label} sent to {len(recipients)} recipient(s) via "
          f"{smtp.host}:{smtp.port}.")  # fmt: skip
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())

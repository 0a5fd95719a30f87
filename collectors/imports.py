"""Importing files: platform exports (YouTube Studio, Meta Business Suite), WhatsApp chat
exports of a library's service, and a service's daily counts kept by hand.

:func:`prepare` reads a file, matches its rows to the library's accounts and posts, and
returns a :class:`Plan` of what would be written (the preview); :func:`commit` writes a
plan in one transaction through the store. Importing the same file twice changes nothing.
No SQL and no Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pandas as pd

from collectors import business_suite, studio, whatsapp
from collectors.config import Config, Library, Service
from collectors.errors import ImportFileError
from collectors.exportfile import (
    DayRow,
    Notice,
    Parsed,
    Source,
    Table,
    column_key,
    decode,
    notice,
    number,
    read_bytes,
    read_path,
    read_table,
    when,
)
from collectors.records import (
    AccountMetric,
    AccountRef,
    PostMetric,
    PostSnapshot,
    hashtags_in,
    mentions_in,
)
from collectors.store import Store

SOURCE = "file_import"
PLATFORM_NAMES = {"instagram": "Instagram", "youtube": "YouTube"}
MANUAL = "manual"
KIND_NAMES = {
    studio.KIND: "YouTube Studio export",
    business_suite.KIND: "Meta Business Suite Instagram content export",
    business_suite.DAILY_KIND: "Meta Business Suite Instagram daily export",
    whatsapp.KIND: "WhatsApp chat export",
    "service_csv": "service daily counts (CSV)",
}
#: Columns of the CSV of a service's daily counts kept by hand (README, "Services").
SERVICE_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "tanggal"),
    "questions": ("questions", "pertanyaan"),
    "answered": ("answered", "terjawab"),
    "within_1h": ("within_1h", "within 1h", "dalam_1_jam", "dalam 1 jam"),
    "askers": ("askers", "penanya"),
    "median_reply_minutes": ("median_reply_minutes", "median_balasan_menit"),
    "p90_reply_minutes": ("p90_reply_minutes", "p90_balasan_menit"),
}
_SERVICE_LOOKUP = {
    alias.replace("_", " "): name for name, aliases in SERVICE_COLUMNS.items() for alias in aliases
}


@dataclass(frozen=True)
class Options:
    """What the person importing chose: the library, and where the file leaves a choice."""

    library: str
    account: str | None = None  # handle, when the library has several on the platform
    service: str | None = None  # service name, when the library has several
    timezone: str | None = None  # local zone of the file's times (default: the config's)


@dataclass
class PlannedPost:
    """A post row of a platform export and what happens to it."""

    line: int
    part: str
    post_id: str
    account: AccountRef | None
    status: str  # known, new, partner (stored as another account's), skipped
    figures: dict[str, float | None]
    day: dt.date | None
    title: str | None = None
    snapshot: PostSnapshot | None = None  # for a new post
    counts: PublicCounts | None = None  # the post's public counts, when the file has them


@dataclass(frozen=True)
class PublicCounts:
    """A post's public counts in a file (lifetime totals) and the moment they describe."""

    likes: int | None
    comments: int | None
    views: int | None
    at: dt.datetime


@dataclass
class Plan:
    """What importing a file would write: the preview, and what :func:`commit` writes."""

    file: str  # the name stored with the import (neutral for chats: no patron's name)
    shown_name: str  # the name as chosen, for messages on screen
    kind: str
    library: str
    sha256: str
    size: int
    captured_at: dt.datetime
    timezone: str
    already: dt.datetime | None = None  # when the same content was first imported
    notices: list[Notice] = field(default_factory=list)
    platform: str | None = None
    account: AccountRef | None = None
    posts: list[PlannedPost] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    period: tuple[dt.date, dt.date] | None = None
    # services
    service: Service | None = None
    questions: list[whatsapp.Question] = field(default_factory=list)
    service_days: dict[dt.date, dict[str, Any]] = field(default_factory=dict)
    chats: int = 0
    messages: int = 0

    @property
    def kind_name(self) -> str:
        return KIND_NAMES.get(self.kind, self.kind)

    @property
    def written_posts(self) -> list[PlannedPost]:
        return [p for p in self.posts if p.status != "skipped"]

    def counts(self) -> dict[str, int]:
        """How many rows of each kind the import writes (an upper bound: unchanged rows
        are rewritten with the same values)."""
        written = self.written_posts
        return {
            "rows": len(self.posts) + len(self.days) + len(self.service_days),
            "posts_matched": sum(1 for p in written if p.status in ("known", "partner")),
            "posts_new": sum(1 for p in written if p.status == "new"),
            "posts_skipped": sum(1 for p in self.posts if p.status == "skipped"),
            "post_figures": sum(1 for p in written for v in p.figures.values() if v is not None),
            "account_figures": sum(
                1 for d in self.days for v in d.figures.values() if v is not None
            ),
            "service_days": len(self.service_days),
            "questions": len(self.questions),
        }


@dataclass(frozen=True)
class Result:
    import_id: int
    first_time: bool
    counts: dict[str, int]


# -- reading and recognising a file ----------------------------------------------------


def _source(name: str, data: bytes | None, path: str | Path | None) -> Source:
    if data is not None:
        return read_bytes(name, data)
    if path is None:
        raise ValueError("give the file's bytes or its path")
    return read_path(path, name)


def _where(source: Source, part: str) -> str:
    return source.name if not source.is_zip else f"{source.name} › {Path(part).name}"


def _csv_kind(table: Table) -> str | None:
    if business_suite.is_content(table.header):
        return business_suite.KIND
    keys = {column_key(h).replace("_", " ") for h in table.header}
    if {"date", "questions"} <= {_SERVICE_LOOKUP.get(k) for k in keys}:
        return "service_csv"
    kind = studio.classify(table.header)
    return studio.KIND if kind else None


def _tz(config: Config, options: Options) -> str:
    zone = options.timezone or config.timezone
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFileError("--timezone", "import_unknown_timezone", value=zone) from None
    return zone


def prepare(
    store: Store,
    config: Config,
    name: str,
    options: Options,
    *,
    data: bytes | None = None,
    path: str | Path | None = None,
    now: dt.datetime | None = None,
) -> Plan:
    """Read a file (its ``data``, or from ``path``) for ``options.library`` and plan the
    import. Raises :class:`ImportFileError` with one message naming file and line when
    the file cannot be imported; reads the store, writes nothing."""
    try:
        library = config.library(options.library)
    except KeyError:
        raise ImportFileError(name, "import_unknown_library", library=options.library) from None
    source = _source(name, data, path)
    tz = _tz(config, options)
    texts = [(part, *decode(part, _where(source, part.name))) for part in source.parts]
    chat_parts = [t for t in texts if t[0].name.lower().endswith(".txt")]
    csv_parts = [t for t in texts if t[0].name.lower().endswith(".csv")]
    if chat_parts and csv_parts:
        raise ImportFileError(source.name, "import_zip_mixed")
    if chat_parts:
        return _plan_chats(store, config, library, source, [t[1] for t in chat_parts], options, now)
    notices: list[Notice] = [n for t in texts for n in t[2]]
    if len(csv_parts) == 1 and business_suite.is_daily(csv_parts[0][1]):
        part, text, _ = csv_parts[0]
        parsed = business_suite.parse_daily(_where(source, part.name), text, part.base)
        parsed.timezone = tz
        return _plan_export(store, config, library, source, parsed, options, now, notices)
    tables = []
    for part, text, _ in csv_parts:
        where = _where(source, part.name)
        table = read_table(text, where)
        if business_suite.is_facebook(table.header):
            raise ImportFileError(where, "import_facebook_export")
        kind = _csv_kind(table)
        if kind is None:
            raise ImportFileError(where, "import_unknown_csv", columns=", ".join(table.header))
        tables.append((part, kind, table))
    kinds = {kind for _, kind, _ in tables}
    if len(kinds) > 1 or (len(tables) > 1 and kinds != {studio.KIND}):
        raise ImportFileError(source.name, "import_zip_mixed")
    kind = kinds.pop()
    if kind == "service_csv":
        part, _, table = tables[0]
        return _plan_service_csv(
            store, config, library, source, table, options, now, _where(source, part.name)
        )
    if kind == business_suite.KIND:
        part, _, table = tables[0]
        parsed = business_suite.parse(_where(source, part.name), table, tz, part.base)
    else:
        names = (source.name, *(p.name for p, _, _ in tables))
        parsed = studio.parse(
            source.name, [(p.base if source.is_zip else source.name, t) for p, _, t in tables],
            tz, names,
        )  # fmt: skip
    return _plan_export(store, config, library, source, parsed, options, now, notices)


def _first_import(store: Store, kind: str, library: str, sha: str) -> dt.datetime | None:
    done = store.imports()
    done = done[(done["kind"] == kind) & (done["library_id"] == library) & (done["sha256"] == sha)]
    return None if done.empty else done["imported_at"].iloc[0].to_pydatetime()


def _start(store: Store, kind: str, library: str, source: Source, now: dt.datetime | None):
    """(capture time, first import time): a file imported again keeps its first capture
    time, so the second import writes exactly the same rows."""
    already = _first_import(store, kind, library, source.sha256)
    moment = already or (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return moment, already


# -- platform exports --------------------------------------------------------------------


def _stored_accounts(store: Store) -> pd.DataFrame:
    accounts = store.accounts()
    return accounts[~accounts["is_demo"]]


def _owner_of(config: Config, platform: str, handle: str) -> str | None:
    for lib in config.libraries:
        if (platform, handle) in lib.accounts():
            return lib.id
    return None


def _handle(platform: str, raw: str) -> str:
    raw = raw.strip()
    if platform == "instagram":
        return raw.lstrip("@").lower()
    return raw.lower() if raw.startswith("@") else raw


def _plan_export(
    store: Store,
    config: Config,
    library: Library,
    source: Source,
    parsed: Parsed,
    options: Options,
    now: dt.datetime | None,
    notices: list[Notice],
) -> Plan:
    captured, already = _start(store, parsed.kind, library.id, source, now)
    plan = Plan(
        file=source.name,
        shown_name=source.name,
        kind=parsed.kind,
        library=library.id,
        sha256=source.sha256,
        size=source.size,
        captured_at=captured,
        timezone=parsed.timezone,
        already=already,
        platform=parsed.platform,
        period=parsed.period,
    )
    platform = parsed.platform
    accounts = _stored_accounts(store)
    by_id = {int(r.id): r for r in accounts.itertuples()}
    mine = [h for p, h in library.accounts() if p == platform]
    mine += [
        h
        for h in accounts[
            (accounts["library_id"] == library.id) & (accounts["platform"] == platform)
        ]["handle"]
        if h not in mine
    ]
    chosen: str | None = None
    if options.account:
        chosen = _handle(platform, options.account)
        if chosen not in mine:
            raise ImportFileError(
                source.name, "import_unknown_account", account=chosen, library=library.id,
                platform=PLATFORM_NAMES[platform], known=", ".join(mine) or "–",
            )  # fmt: skip
    rows = [p for p in parsed.posts if not p.story]
    owners = store.post_owners(platform, [p.post_id for p in rows])
    owner_of_post = {
        str(r.post_id): by_id.get(int(r.account_id))
        for r in owners.itertuples()
        if int(r.account_id) in by_id
    }

    def fail_other(line: int | None, part: str, handle: str, other: str) -> ImportFileError:
        where = part if part == source.name or not source.is_zip else f"{source.name} › {part}"
        return ImportFileError(
            where, "import_another_library", line, account=handle, other=other,
            library=library.id,
        )  # fmt: skip

    # Whose rows are these? A file of another library's account is refused as a whole.
    row_accounts: dict[int, str] = {}
    if platform == "youtube":
        seen: dict[str, int] = {}
        for row in rows:
            owner = owner_of_post.get(row.post_id)
            if owner is None:
                continue
            if owner.library_id != library.id:
                raise fail_other(row.line, row.part, owner.handle, owner.library_id)
            seen.setdefault(owner.handle, row.line)
        if chosen and any(h != chosen for h in seen):
            other = next(h for h in seen if h != chosen)
            raise ImportFileError(
                source.name, "import_mixed_channels", seen[other], first=chosen, second=other
            )
        if len(seen) > 1:
            first, second = list(seen)[:2]
            raise ImportFileError(
                source.name, "import_mixed_channels", seen[second], first=first, second=second
            )
        account = chosen or (next(iter(seen)) if seen else None)
        if account is None:
            account = _only_account(source.name, library.id, platform, mine)
            if rows:
                plan.notices.append(
                    notice(
                        "import_warn_assumed_account",
                        account=account,
                        platform=PLATFORM_NAMES[platform],
                    )
                )
        row_accounts = {id(row): account for row in rows}
    elif parsed.kind == business_suite.KIND:
        # Whose account a row names: by its username (configured, or stored), else by the
        # platform's account id of a stored account (a partner may have renamed itself).
        stored = accounts[accounts["platform"] == platform]
        by_handle = dict(zip(stored["handle"], stored["library_id"], strict=True))
        by_external = {
            str(e): lib
            for e, lib in zip(stored["external_id"], stored["library_id"], strict=True)
            if isinstance(e, str) and e
        }

        def owner_library(row: Any) -> str | None:
            if row.account is not None:
                found = _owner_of(config, platform, row.account) or by_handle.get(row.account)
                if found is not None:
                    return found
            return by_external.get(row.account_id or "")

        own_rows, partner_rows, foreign_rows, anonymous = [], [], [], []
        row_owner: dict[int, str | None] = {}
        for row in rows:
            handle = row.account
            owner_lib = row_owner[id(row)] = owner_library(row)
            if handle in mine and (chosen is None or handle == chosen):
                own_rows.append(row)
            elif owner_lib not in (None, library.id):
                partner_rows.append(row)
            elif handle is None:
                anonymous.append(row)
            else:
                foreign_rows.append(row)
        if not own_rows and not anonymous:
            if partner_rows:
                row = partner_rows[0]
                raise fail_other(
                    row.line, row.part, row.account or f"id {row.account_id}",
                    row_owner[id(row)] or "",
                )  # fmt: skip
            if foreign_rows:
                row = foreign_rows[0]
                raise ImportFileError(
                    _where(source, row.part), "import_unknown_account", row.line,
                    account=row.account, library=library.id, platform=PLATFORM_NAMES[platform],
                    known=", ".join(mine) or "–",
                )  # fmt: skip
        fallback = chosen
        if anonymous and fallback is None:
            fallback = _only_account(source.name, library.id, platform, mine)
        for row in own_rows:
            row_accounts[id(row)] = row.account
        for row in anonymous:
            row_accounts[id(row)] = fallback
        for row in partner_rows:
            plan.notices.append(
                notice(
                    "import_warn_other_account_row",
                    row.line,
                    row.part,
                    account=row.account or f"id {row.account_id}",
                    library=row_owner[id(row)],
                )  # fmt: skip
            )
        if foreign_rows:
            plan.notices.append(
                notice(
                    "import_warn_foreign_rows",
                    count=len(foreign_rows),
                    accounts=", ".join(sorted({r.account or "" for r in foreign_rows})),
                )
            )
    # Daily account rows (YouTube Totals, Instagram daily export) belong to one account.
    day_account = None
    if parsed.days:
        used = set(row_accounts.values()) - {None}
        day_account = (
            chosen
            or (next(iter(used)) if len(used) == 1 else None)
            or _only_account(source.name, library.id, platform, mine)
        )
        plan.account = AccountRef(library.id, platform, day_account)
        plan.days = parsed.days
    accounts_used = set(row_accounts.values()) - {None}
    if len(accounts_used) == 1 and plan.account is None:
        plan.account = AccountRef(library.id, platform, next(iter(accounts_used)))

    partner_posts = 0
    for row in parsed.posts:
        handle = row_accounts.get(id(row))
        if row.story or handle is None:
            plan.posts.append(
                PlannedPost(row.line, row.part, row.post_id, None, "skipped", row.figures, row.day)
            )
            continue
        ref = AccountRef(library.id, platform, handle)
        owner = owner_of_post.get(row.post_id)
        planned = PlannedPost(
            row.line, row.part, row.post_id, ref, "known", row.figures, row.day,
            title=row.title or _short(row.caption),
        )  # fmt: skip
        if owner is not None and owner.handle != handle:
            planned.status = "partner"
            partner_posts += 1
        elif owner is None:
            if row.published_at is None:
                planned.status = "skipped"
                plan.notices.append(
                    notice("import_warn_new_post_no_time", row.line, row.part, post=row.post_id)
                )
            else:
                planned.status = "new"
                # The row's public counts are those of their own moment (the end of a
                # Studio export's period), so that a newer capture wins over them.
                planned.snapshot = PostSnapshot(
                    account=ref,
                    platform=platform,
                    post_id=row.post_id,
                    published_at=row.published_at,
                    kind=row.kind or ("video" if platform == "youtube" else "image"),
                    captured_at=_counts_at(row.counts_at, captured),
                    url=row.url,
                    title=row.title,
                    caption=row.caption,
                    duration_s=row.duration_s,
                    hashtags=hashtags_in(row.title, row.caption),
                    mentions=mentions_in(row.title, row.caption),
                    likes=row.public.get("likes"),
                    comments=row.public.get("comments"),
                    views=row.public.get("views"),
                    kind_source="import",
                )
        if planned.status != "skipped" and any(v is not None for v in row.public.values()):
            planned.counts = PublicCounts(
                row.public.get("likes"), row.public.get("comments"), row.public.get("views"),
                _counts_at(row.counts_at, captured),
            )  # fmt: skip
        plan.posts.append(planned)
    if partner_posts:
        plan.notices.append(notice("import_warn_partner_post", count=partner_posts))
    if platform == "youtube" and rows:
        if parsed.period is None:
            day = captured.astimezone(ZoneInfo(config.timezone)).date()
            plan.notices.append(notice("import_warn_range_unknown", day=day.isoformat()))
        else:
            start, end = parsed.period
            early = [
                r
                for r in rows
                if r.published_at is not None
                and r.published_at.astimezone(ZoneInfo(parsed.timezone)).date() < start
            ]
            if early:
                plan.notices.append(
                    notice(
                        "import_warn_range_partial",
                        count=len(early),
                        start=start.isoformat(),
                        end=end.isoformat(),
                    )
                )
    if any(r.published_at is not None for r in rows):
        plan.notices.append(notice("import_warn_timezone", tz=parsed.timezone))
    plan.notices = notices + parsed.notices + plan.notices
    if already is not None:
        plan.notices.insert(0, notice("import_warn_already", when=_when(already, config)))
    return plan


def _counts_at(moment: dt.datetime | None, captured: dt.datetime) -> dt.datetime:
    """When a row's public counts were true: their own moment, never after the import."""
    return captured if moment is None else min(moment, captured)


def _only_account(file: str, library: str, platform: str, mine: list[str]) -> str:
    if not mine:
        raise ImportFileError(
            file, "import_no_platform_account", library=library, platform=PLATFORM_NAMES[platform]
        )
    if len(mine) > 1:
        raise ImportFileError(
            file, "import_choose_account", library=library, platform=PLATFORM_NAMES[platform],
            accounts=", ".join(mine),
        )  # fmt: skip
    return mine[0]


def _short(text: str | None, length: int = 60) -> str | None:
    if not text:
        return None
    line = " ".join(text.split())
    return line if len(line) <= length else line[: length - 1] + "…"


def _when(moment: dt.datetime, config: Config) -> str:
    return f"{moment.astimezone(ZoneInfo(config.timezone)):%Y-%m-%d %H:%M} ({config.timezone})"


# -- services -----------------------------------------------------------------------------


def _service(file: str, library: Library, options: Options) -> Service:
    services = [s for s in library.services if s.kind == whatsapp.KIND]
    if options.service:
        for service in services:
            if service.name.casefold() == options.service.strip().casefold():
                return service
        raise ImportFileError(
            file, "import_unknown_service", service=options.service, library=library.id,
            services=", ".join(s.name for s in services) or "–",
        )  # fmt: skip
    if not services:
        raise ImportFileError(file, "import_no_service", library=library.id)
    if len(services) > 1:
        raise ImportFileError(
            file, "import_choose_service", library=library.id,
            services=", ".join(s.name for s in services),
        )  # fmt: skip
    return services[0]


def _plan_chats(
    store: Store,
    config: Config,
    library: Library,
    source: Source,
    texts: list[str],
    options: Options,
    now: dt.datetime | None,
) -> Plan:
    service = _service(source.name, library, options)
    tz = config.timezone  # service hours are local (WIB) times of the configuration
    salt = secrets.token_bytes(32)  # for this import only; never stored
    export = whatsapp.read_chats(texts, source.name, service, tz, salt)
    captured, already = _start(store, whatsapp.KIND, library.id, source, now)
    # The stored name never carries the file's own (WhatsApp names it after the contact).
    neutral = f"WhatsApp chat export ({len(texts)} chat{'s' if len(texts) != 1 else ''})"
    figures = whatsapp.day_figures(
        [whatsapp.Timing(q.asked_at, q.first_reply_s, q.in_hours) for q in export.questions],
        service,
        tz,
    )
    for day, askers in whatsapp.askers_per_day(export.questions, tz).items():
        figures[day]["askers"] = askers
    plan = Plan(
        file=neutral,
        shown_name=source.name,
        kind=whatsapp.KIND,
        library=library.id,
        sha256=source.sha256,
        size=source.size,
        captured_at=captured,
        timezone=tz,
        already=already,
        service=service,
        questions=export.questions,
        service_days=figures,
        chats=len(export.chats),
        messages=sum(len(c.messages) for c in export.chats),
    )
    if figures:
        plan.period = (min(figures), max(figures))
    plan.notices = export.notices
    if already is not None:
        plan.notices.insert(0, notice("import_warn_already", when=_when(already, config)))
    return plan


def _plan_service_csv(
    store: Store,
    config: Config,
    library: Library,
    source: Source,
    table: Table,
    options: Options,
    now: dt.datetime | None,
    where: str,
) -> Plan:
    service = _service(source.name, library, options)
    index: dict[str, int] = {}
    unknown = []
    for position, name in enumerate(table.header):
        canonical = _SERVICE_LOOKUP.get(column_key(name).replace("_", " "))
        if canonical and canonical not in index:
            index[canonical] = position
        elif canonical:
            raise ImportFileError(where, "import_duplicate_column", column=name)
        else:
            unknown.append(name)
    if not table.rows:
        raise ImportFileError(where, "import_no_rows")
    decimal_comma = table.delimiter == ";"
    days: dict[dt.date, dict[str, Any]] = {}
    first_line: dict[dt.date, int] = {}
    for line, row in table.rows:
        raw_day = row[index["date"]].strip()
        moment = when(raw_day, "dmy")
        if moment is None:
            raise ImportFileError(
                where, "import_bad_date", line, column=table.header[index["date"]], value=raw_day
            )
        day = moment[0].date()
        if day in days:
            raise ImportFileError(
                where, "import_duplicate_day", line, day=day.isoformat(), first=first_line[day]
            )
        values: dict[str, Any] = {}
        for name in ("questions", "answered", "within_1h", "askers"):
            values[name] = _count_cell(where, table, index, row, line, name, decimal_comma)
        for name, target in (
            ("median_reply_minutes", "median_first_reply_s"),
            ("p90_reply_minutes", "p90_first_reply_s"),
        ):
            minutes = _number_cell(where, table, index, row, line, name, decimal_comma)
            values[target] = None if minutes is None else minutes * 60
        if values["questions"] is None:
            raise ImportFileError(
                where, "import_bad_number", line, column=table.header[index["questions"]],
                value="",
            )  # fmt: skip
        for name in ("answered", "within_1h", "askers"):
            if values[name] is not None and values[name] > values["questions"]:
                raise ImportFileError(
                    where, "import_service_counts", line, what=table.header[index[name]],
                    value=values[name], questions=values["questions"],
                )  # fmt: skip
        values["within_hours"] = None
        days[day] = values
        first_line[day] = line
    captured, already = _start(store, "service_csv", library.id, source, now)
    plan = Plan(
        file=source.name,
        shown_name=source.name,
        kind="service_csv",
        library=library.id,
        sha256=source.sha256,
        size=source.size,
        captured_at=captured,
        timezone=config.timezone,
        already=already,
        service=service,
        service_days=dict(sorted(days.items())),
        period=(min(days), max(days)),
    )
    if unknown:
        plan.notices.append(notice("import_warn_unknown_columns", columns=", ".join(unknown)))
    if already is not None:
        plan.notices.insert(0, notice("import_warn_already", when=_when(already, config)))
    return plan


def _number_cell(where, table, index, row, line, name, decimal_comma) -> float | None:
    if name not in index:
        return None
    raw = row[index[name]]
    try:
        value = number(raw, decimal_comma)
    except ValueError:
        value = -1.0
    if value is not None and value < 0:
        raise ImportFileError(
            where, "import_bad_number", line, column=table.header[index[name]], value=raw.strip()
        )
    return value


def _count_cell(where, table, index, row, line, name, decimal_comma) -> int | None:
    value = _number_cell(where, table, index, row, line, name, decimal_comma)
    if value is not None and not float(value).is_integer():
        raise ImportFileError(
            where, "import_bad_number", line, column=table.header[index[name]],
            value=row[index[name]].strip(),
        )  # fmt: skip
    return None if value is None else int(value)


# -- writing --------------------------------------------------------------------------------


def commit(store: Store, plan: Plan) -> Result:
    """Write a plan in one transaction: the import record, new posts, figures, service
    days and question timings. Nothing is written when any part fails."""
    counts = plan.counts()
    detail = json.dumps(
        {
            "kind": plan.kind,
            "account": plan.account.handle if plan.account else None,
            "service": plan.service.name if plan.service else None,
            "period": [d.isoformat() for d in plan.period] if plan.period else None,
            **counts,
        }
    )
    with store.transaction() as conn:
        import_id, first = store.record_import(
            plan.kind, plan.library, plan.file, plan.sha256, counts["rows"], conn,
            detail=detail, imported_at=plan.captured_at,
        )  # fmt: skip
        origin = f"import #{import_id}: {plan.file}"
        if plan.kind in ("whatsapp", "service_csv"):
            _write_service(store, plan, origin, conn)
        else:
            _write_figures(store, plan, origin, conn)
    return Result(import_id, first, counts)


def _write_figures(store: Store, plan: Plan, origin: str, conn: Any) -> None:
    written = plan.written_posts
    # A post a refresh stored since the preview is no longer new: never overwrite its row.
    known = set(store.post_owners(plan.platform or "", [p.post_id for p in written])["post_id"])
    snapshots = [p.snapshot for p in written if p.snapshot is not None and p.post_id not in known]
    post_figures = [
        PostMetric(
            p.account,
            plan.platform or "",
            p.post_id,
            name,
            value,
            SOURCE,
            plan.captured_at,
            day=p.day,
            origin=origin,
        )  # fmt: skip
        for p in written
        if p.account is not None
        for name, value in p.figures.items()
        if value is not None
    ]
    account_figures = [
        AccountMetric(plan.account, d.day, name, value, SOURCE, plan.captured_at, origin)
        for d in plan.days
        if plan.account is not None
        for name, value in d.figures.items()
        if value is not None
    ]
    store.write(
        (), snapshots, conn=conn, account_figures=account_figures, post_figures=post_figures
    )
    # A post stored before (by an earlier import) gets the file's counts when no collector
    # has stored it since and the file's counts are newer than the stored ones.
    written_new = {s.post_id for s in snapshots}
    store.fill_public_counts(
        [
            {"platform": plan.platform or "", "post_id": p.post_id, "likes": p.counts.likes,
             "comments": p.counts.comments, "views": p.counts.views, "captured_at": p.counts.at}
            for p in written
            if p.counts is not None and p.post_id not in written_new
        ],
        conn,
    )  # fmt: skip


def _local_midnight(day: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), ZoneInfo(tz)).astimezone(dt.UTC)


def _write_service(store: Store, plan: Plan, origin: str, conn: Any) -> None:
    service = plan.service
    assert service is not None
    service_id = store.ensure_service(plan.library, service.kind, service.name, conn)
    if not plan.service_days:
        return
    first, last = min(plan.service_days), max(plan.service_days)
    if plan.kind == "service_csv":
        store.write_service_days(
            [
                {"service_id": service_id, "day": day, "source": MANUAL, **values,
                 "captured_at": plan.captured_at, "origin": origin}
                for day, values in plan.service_days.items()
            ],
            conn,
        )  # fmt: skip
        return
    stored = store.service_questions(
        _local_midnight(first, plan.timezone),
        _local_midnight(last + dt.timedelta(days=1), plan.timezone),
        [service_id],
        conn=conn,
    )
    rows, timings, added = merge_questions(
        stored, plan.questions, plan.captured_at, service_id, origin
    )
    store.write_service_questions(rows, conn)
    figures = whatsapp.day_figures(timings, service, plan.timezone)
    # Patrons are hashed per import and cannot be recognised in another one: a day's
    # askers grow by the distinct askers of the questions this import adds to it (a chat
    # exported again adds none; another patron's chat adds its own).
    new_askers = whatsapp.askers_per_day(added, plan.timezone)
    before = store.service_daily(first, last, [service_id], conn=conn)
    before = before[before["source"] == SOURCE].set_index("day")
    days = []
    for day in plan.service_days:
        values = dict(figures.get(day, {}))
        captured = plan.captured_at
        askers = new_askers.get(day, 0)
        if day in before.index:
            previous = before.loc[day]
            if not pd.isna(previous["askers"]):
                askers += int(previous["askers"])
            captured = max(captured, previous["captured_at"].to_pydatetime())
        days.append(
            {"service_id": service_id, "day": day, "source": SOURCE, **values, "askers": askers,
             "captured_at": captured, "origin": origin}
        )  # fmt: skip
    store.write_service_days(days, conn)


def merge_questions(
    stored: pd.DataFrame,
    found: list[whatsapp.Question],
    captured_at: dt.datetime,
    service_id: int,
    origin: str,
) -> tuple[list[dict[str, Any]], list[whatsapp.Timing], list[whatsapp.Question]]:
    """Merge an import's questions with those stored for the same days.

    A question is the stored one asked at the same moment with the same first reply (or
    the stored one still unanswered when the new export shows its reply; or, for an older
    export seen later, the stored answered one, which is kept). Any other question asked at
    the same moment is another patron's: it gets the next free ``seq``. Returns the rows to
    upsert, the timings of every question of those days afterwards, and the questions
    that were not stored before."""
    slots: dict[dt.datetime, list[dict[str, Any]]] = {}
    for row in stored.itertuples():
        slots.setdefault(row.asked_at.to_pydatetime(), []).append(
            {
                "seq": int(row.seq),
                "first_reply_s": None if pd.isna(row.first_reply_s) else float(row.first_reply_s),
                "in_service_hours": bool(row.in_service_hours),
                "captured_at": row.captured_at.to_pydatetime(),
                "origin": row.origin,
                "used": False,
            }
        )
    upserts: list[dict[str, Any]] = []
    added: list[whatsapp.Question] = []
    for question in sorted(found, key=lambda q: (q.asked_at, q.first_reply_s or -1)):
        slot = slots.setdefault(question.asked_at, [])
        free = [s for s in slot if not s["used"]]
        reply = question.first_reply_s
        match = (
            next((s for s in free if _same(s["first_reply_s"], reply)), None)
            or next((s for s in free if s["first_reply_s"] is None and reply is not None), None)
            or next((s for s in free if s["first_reply_s"] is not None and reply is None), None)
        )
        if match is not None:
            match["used"] = True
            if match["first_reply_s"] is not None and reply is None:
                continue  # an older export: the stored reply stays
            if _same(match["first_reply_s"], reply) and (
                match["in_service_hours"] == question.in_hours
            ):
                continue  # unchanged
            match.update(
                first_reply_s=reply,
                in_service_hours=question.in_hours,
                captured_at=max(match["captured_at"], captured_at),
                origin=origin,
            )
            upserts.append({"service_id": service_id, "asked_at": question.asked_at, **match})
            continue
        seq = max((s["seq"] for s in slot), default=-1) + 1
        entry = {
            "seq": seq,
            "first_reply_s": reply,
            "in_service_hours": question.in_hours,
            "captured_at": captured_at,
            "origin": origin,
            "used": True,
        }
        slot.append(entry)
        added.append(question)
        upserts.append({"service_id": service_id, "asked_at": question.asked_at, **entry})
    rows = [{k: v for k, v in row.items() if k != "used"} for row in upserts]
    timings = [
        whatsapp.Timing(moment, s["first_reply_s"], s["in_service_hours"])
        for moment, slot in slots.items()
        for s in slot
    ]
    return rows, timings, added


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 0.5

"""YouTube Studio "Advanced mode" exports (the Content report: ``Table data.csv``,
``Chart data.csv``, ``Totals.csv``, alone or in Studio's ZIP) read into export rows.

Studio's quirks stay here: column names in the UI's language, the "Total" row, durations as
H:MM:SS, days without times. Knows no database: :mod:`collectors.imports` matches the rows.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from collectors.errors import ImportFileError
from collectors.exportfile import (
    DayRow,
    Notice,
    Parsed,
    PostRow,
    Table,
    clock_seconds,
    column_key,
    notice,
    number,
    numeric_order,
    to_utc,
    when,
)
from collectors.youtube import SHORT_MAX_SECONDS, SHORT_SURE_SECONDS

PLATFORM = "youtube"
KIND = "youtube_studio"

# Column names follow the Studio UI's language. English names are Studio's own. Indonesian
# names were checked against public code and documents that read Indonesian Studio exports
# or its UI: "Konten", "Judul video", "Waktu publikasi video", "Durasi", "Penayangan" (views),
# "Waktu tonton (jam)", "Subscriber", "Tayangan" (impressions: Studio's Indonesian UI says
# "tayangan" for impressions and "penayangan" for views), "Rasio klik-tayang dari tayangan
# (%)", "Rata-rata durasi tonton", "Persentase penayangan rata-rata", "Penonton unik",
# "Suka", "Komentar ditambahkan", "Subscriber yang diperoleh", "Subscriber yang hilang",
# "Pembagian" (shares). NOT confirmed (no public source found; kept as likely spellings):
# every Indonesian name for engaged views, "Impresi", "Dibagikan", "Pelanggan …", and the
# Indonesian file names of the CSVs (files are recognised by their columns, not names).
FIELDS: dict[str, tuple[str, ...]] = {
    "content": ("content", "konten"),
    "title": ("video title", "judul video"),
    "published": (
        "video publish time",
        "waktu publikasi video",
        "video publish date",
        "tanggal publikasi video",
    ),
    "duration": ("duration", "durasi"),
    "date": ("date", "tanggal"),
}
METRICS: dict[str, tuple[str, ...]] = {
    "views": ("views", "penayangan"),
    "engagedViews": ("engaged views", "penayangan engaged", "penayangan dengan interaksi"),
    "watchTimeHours": ("watch time (hours)", "waktu tonton (jam)"),
    "averageViewDuration": (
        "average view duration",
        "rata-rata durasi tonton",
        "durasi tonton rata-rata",
        "durasi penayangan rata-rata",
    ),
    "averagePercentageViewed": (
        "average percentage viewed (%)",
        "persentase penayangan rata-rata (%)",
        "persentase penayangan rata-rata",
    ),
    "impressions": ("impressions", "thumbnail impressions", "tayangan", "impresi"),
    "impressionsCtr": (
        "impressions click-through rate (%)",
        "thumbnail click-through rate (%)",
        "rasio klik-tayang dari tayangan (%)",
        "rasio klik-tayang tayangan (%)",
    ),
    "likes": ("likes", "suka"),
    "comments": ("comments added", "komentar ditambahkan"),
    "shares": ("shares", "pembagian", "dibagikan"),
    "subscribersGained": ("subscribers gained", "subscriber yang diperoleh"),
    "subscribersLost": ("subscribers lost", "subscriber yang hilang"),
    "subscribersNet": ("subscribers", "subscriber", "pelanggan"),
    "uniqueViewers": ("unique viewers", "penonton unik"),
}
#: Studio columns Jejaring recognises and deliberately does not keep.
NOT_STORED = frozenset(
    column_key(c)
    for c in (
        "Estimated revenue (USD)",
        "Your estimated revenue (USD)",
        "Dislikes",
        "Tidak suka",
        "New viewers",
        "Penonton baru",
        "Returning viewers",
        "Penonton yang kembali",
        "YouTube Premium views",
        "Penayangan YouTube Premium",
        "Average views per viewer",
        "Penayangan rata-rata per penonton",
        "Stayed to watch (%)",
        "Likes (vs. dislikes) (%)",
        "Suka (vs. tidak suka) (%)",
    )
)
_LOOKUP = {alias: name for name, aliases in (FIELDS | METRICS).items() for alias in aliases}
_TOTAL_WORDS = {"total", "totals", "jumlah", "total keseluruhan"}
_VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})")


def columns(header: list[str]) -> dict[str, int]:
    """Canonical name → position of the Studio columns a header has."""
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        canonical = _LOOKUP.get(column_key(name))
        if canonical and canonical not in found:
            found[canonical] = position
    return found


def classify(header: list[str]) -> str | None:
    """Which Studio CSV a header is: "table" (per video), "chart" (per video and day),
    "totals" (per day), "other" (a Studio report by something else, e.g. traffic source),
    or None when it is not Studio's."""
    found = columns(header)
    metrics = [c for c in found if c in METRICS]
    if "content" in found:
        return "chart" if "date" in found else "table"
    if "date" in found and metrics:
        return "totals"
    if len(metrics) >= 2:
        return "other"
    return None


def period_in_names(*names: str) -> tuple[dt.date, dt.date] | None:
    """The period in Studio's export names ("Content 2025-11-01_2025-11-30 Channel")."""
    for name in names:
        if match := _PERIOD.search(name):
            start, end = (dt.date.fromisoformat(g) for g in match.groups())
            if start <= end:
                return start, end
    return None


def video_kind(duration_s: float | None, title: str | None) -> str:
    """The same Shorts rule as the YouTube collector: at most 60 s, or at most 180 s and
    saying #shorts; Studio's table does not tell lives apart, so they are videos here."""
    if duration_s is not None and 0 < duration_s <= SHORT_MAX_SECONDS:
        text = (title or "").lower()
        if duration_s <= SHORT_SURE_SECONDS or "#shorts" in text or "#short " in f"{text} ":
            return "short"
    return "video"


def _lifetime_counts(row: PostRow, period: tuple[dt.date, dt.date], tz: str) -> None:
    """A video published within the export's period has its whole life in it: its views,
    likes and comments are then the public counts at the end of the period's last day
    (``row.public`` and ``row.counts_at``). Of an older video they are the period's part
    only, and of an export whose period is unknown nobody can tell: none is filled."""
    if row.published_at is None:
        return
    zone = ZoneInfo(tz)
    if row.published_at.astimezone(zone).date() < period[0]:
        return
    row.public = {name: _whole(row.figures.get(name)) for name in ("views", "likes", "comments")}
    end = dt.datetime.combine(period[1], dt.time(23, 59, 59), zone)
    row.counts_at = end.astimezone(dt.UTC)


def _whole(value: float | None) -> int | None:
    return int(value) if value is not None and float(value).is_integer() and value >= 0 else None


class _Reader:
    def __init__(self, file: str, table: Table, part: str) -> None:
        self.file = file
        self.table = table
        self.part = part
        self.index = columns(table.header)
        self.decimal_comma = table.delimiter == ";"

    def value(self, row: list[str], name: str) -> str:
        return row[self.index[name]].strip() if name in self.index else ""

    def figures(self, line: int, row: list[str]) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for name in METRICS:
            if name not in self.index:
                continue
            raw = row[self.index[name]]
            try:
                out[name] = (
                    clock_seconds(raw, self.decimal_comma)
                    if name == "averageViewDuration"
                    else number(raw, self.decimal_comma)
                )
            except ValueError:
                column = self.table.header[self.index[name]]
                raise ImportFileError(
                    self.file, "import_bad_number", line, column=column, value=raw.strip()
                ) from None
        return out

    def day(self, line: int, row: list[str]) -> dt.date:
        raw = self.value(row, "date")
        parsed = when(raw, "dmy" if self.decimal_comma else "mdy")
        if parsed is None:
            column = self.table.header[self.index["date"]]
            raise ImportFileError(self.file, "import_bad_date", line, column=column, value=raw)
        return parsed[0].date()


def unknown_columns(tables: list[tuple[str, Table]]) -> tuple[list[str], list[str]]:
    """Columns of the tables that are not Studio's (named, never fatal), and those Jejaring
    knows but does not keep."""
    unknown: dict[str, None] = {}
    ignored: dict[str, None] = {}
    for _, table in tables:
        for name in table.header:
            key = column_key(name)
            if key in _LOOKUP:
                continue
            (ignored if key in NOT_STORED else unknown).setdefault(name, None)
    return list(unknown), list(ignored)


def parse(
    file: str, tables: list[tuple[str, Table]], tz: str, names: tuple[str, ...] = ()
) -> Parsed:
    """Read the Studio CSVs of one export (``tables``: (part name, table), each already
    classified as Studio's); ``names`` are the file and folder names, which may carry the
    period. Times are read as local time in ``tz``."""
    parsed = Parsed(KIND, PLATFORM, timezone=tz)
    notices: list[Notice] = []
    chart_skipped = False
    day_only = False
    for part, table in tables:
        kind = classify(table.header)
        where = f"{file} › {part}" if part != file else file
        reader = _Reader(where, table, part)
        if kind == "other":
            raise ImportFileError(where, "import_studio_other_report", column=table.header[0])
        if not table.rows:
            raise ImportFileError(where, "import_no_rows")
        published = [reader.value(r, "published") for _, r in table.rows]
        order = numeric_order([p for p in published if p])
        for line, row in table.rows:
            content = reader.value(row, "content")
            if kind in ("chart", "totals"):
                if kind == "chart" and content and content.lower() not in _TOTAL_WORDS:
                    chart_skipped = True  # per-video daily lines: see the notice below
                    continue
                parsed.days.append(
                    DayRow(line, part, reader.day(line, row), reader.figures(line, row))
                )
                continue
            if content.lower() in _TOTAL_WORDS or not content:
                notices.append(notice("import_warn_total_row", line, part))
                continue
            if not _VIDEO_ID.fullmatch(content):
                column = table.header[reader.index["content"]]
                raise ImportFileError(
                    where, "import_bad_video_id", line, column=column, value=content
                )
            title = reader.value(row, "title") or None
            duration = None
            if "duration" in reader.index:
                raw = reader.value(row, "duration")
                try:
                    duration = clock_seconds(raw, reader.decimal_comma)
                except ValueError:
                    column = table.header[reader.index["duration"]]
                    raise ImportFileError(
                        where, "import_bad_number", line, column=column, value=raw
                    ) from None
            published_at, has_time = None, False
            raw_time = reader.value(row, "published")
            if raw_time:
                moment = when(raw_time, order)
                if moment is None:
                    column = table.header[reader.index["published"]]
                    raise ImportFileError(
                        where, "import_bad_date", line, column=column, value=raw_time
                    )
                published_at, has_time = to_utc(moment[0], tz, moment[2]), moment[1]
                day_only = day_only or not has_time
            kind_of = video_kind(duration, title)
            parsed.posts.append(
                PostRow(
                    line=line,
                    part=part,
                    post_id=content,
                    figures=reader.figures(line, row),
                    published_at=published_at,
                    day_only=published_at is not None and not has_time,
                    kind=kind_of,
                    url=(
                        f"https://www.youtube.com/shorts/{content}"
                        if kind_of == "short"
                        else f"https://www.youtube.com/watch?v={content}"
                    ),
                    title=title,
                    duration_s=duration,
                )
            )
    # Studio names the export after the period chosen ("Content 2025-11-01_2025-11-30 …");
    # without such a name, the days of Totals/Chart data tell it.
    parsed.period = period_in_names(*names)
    if parsed.period is None and parsed.days:
        parsed.period = (min(d.day for d in parsed.days), max(d.day for d in parsed.days))
    if parsed.period is not None:
        for row in parsed.posts:
            row.day = parsed.period[1]
            _lifetime_counts(row, parsed.period, tz)
    if chart_skipped:
        notices.append(notice("import_warn_chart_per_video"))
    if day_only:
        notices.append(notice("import_warn_day_only"))
    unknown, ignored = unknown_columns(tables)
    if unknown:
        notices.append(notice("import_warn_unknown_columns", columns=", ".join(unknown)))
    if ignored:
        notices.append(notice("import_warn_not_stored", columns=", ".join(ignored)))
    parsed.notices = notices
    return parsed

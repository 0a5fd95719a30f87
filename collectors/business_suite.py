"""Meta Business Suite Instagram exports read into export rows: the content export (one
row per post, "Post ID … Permalink … Post type … Date … Views, Reach, Likes …") and the
daily account export (one metric per file: a title row, then "Date","Primary" rows).

Meta's quirks stay here: columns in any order and in the UI's language, "Lifetime" dates,
thousands separators, MM/DD/YYYY times, shortcodes inside permalinks. Knows no database.
"""

from __future__ import annotations

import csv
import io
import re

from collectors.errors import ImportFileError
from collectors.exportfile import (
    DayRow,
    Parsed,
    PostRow,
    Table,
    column_key,
    notice,
    number,
    numeric_order,
    to_utc,
    when,
)

PLATFORM = "instagram"
KIND = "instagram_content"
DAILY_KIND = "instagram_daily"

# English names are Meta's own; Indonesian ones come from public code written against real
# Indonesian Business Suite exports ("ID postingan", "ID akun", "Nama pengguna akun", "Nama
# akun", "Deskripsi", "Durasi (detik)", "Waktu penerbitan", "Permalink", "Jenis postingan",
# "Tanggal", "Tayangan", "Jangkauan", "Suka", "Frekuensi dibagikan", "Komentar", "Frekuensi
# disimpan", "Kunjungan profil", "Mengikuti"). NOT confirmed: "Komentar data", "Tautan
# permanen", "Waktu publikasi", "Seumur hidup" (for "Lifetime"), "Impresi".
FIELDS: dict[str, tuple[str, ...]] = {
    "post_id": ("post id", "id postingan"),
    "account_id": ("account id", "id akun"),
    "username": ("account username", "nama pengguna akun"),
    "account_name": ("account name", "nama akun"),
    "description": ("description", "deskripsi"),
    "duration": ("duration (sec)", "durasi (detik)", "durasi"),
    "published": ("publish time", "waktu penerbitan", "waktu publikasi"),
    "permalink": ("permalink", "tautan permanen"),
    "post_type": ("post type", "jenis postingan"),
    "data_comment": ("data comment", "komentar data"),
    "date": ("date", "tanggal"),
}
#: column → metric of the catalogue (instagram, post)
METRICS: dict[str, tuple[str, ...]] = {
    "views": ("views", "tayangan"),
    "reach": ("reach", "jangkauan"),
    "likes": ("likes", "suka"),
    "shares": ("shares", "frekuensi dibagikan", "dibagikan"),
    "follows": ("follows", "mengikuti"),
    "comments": ("comments", "komentar"),
    "saved": ("saves", "frekuensi disimpan", "disimpan"),
    "impressions": ("impressions", "impresi"),
    "profile_visits": ("profile visits", "kunjungan profil"),
}
NOT_STORED = frozenset(
    column_key(c)
    for c in (
        "Replies",
        "Balasan",
        "Navigation",
        "Navigasi",
        "Sticker taps",
        "Ketukan stiker",
        "Link clicks",
        "Klik tautan",
        "Profile activity",
    )
)
#: title of a daily export → metric of the catalogue (instagram, account)
DAILY_METRICS: dict[str, tuple[str, ...]] = {
    "views": ("views", "tayangan"),
    "reach": ("reach", "jangkauan"),
    "profile_views": ("profile visits", "instagram profile visits", "kunjungan profil"),
    "follows": ("follows", "new follows", "pengikut", "pengikut baru"),
    "total_interactions": ("interactions", "content interactions", "interaksi"),
    "profile_links_taps": ("link clicks", "external link taps", "klik tautan"),
}
#: Indonesian titles of daily exports: their numbers use decimal commas ("1.250" = 1250).
_DAILY_INDONESIAN = frozenset(
    ("tayangan", "jangkauan", "kunjungan profil", "pengikut", "pengikut baru", "interaksi",
     "klik tautan")
)  # fmt: skip
_LOOKUP = {alias: name for name, aliases in (FIELDS | METRICS).items() for alias in aliases}
_DAILY_LOOKUP = {alias: name for name, aliases in DAILY_METRICS.items() for alias in aliases}
_LIFETIME = {"", "lifetime", "seumur hidup", "total", "sepanjang waktu"}
_SHORTCODE = re.compile(
    r"^https?://(?:www\.)?instagram\.com/(?:[A-Za-z0-9._]+/)?(p|reels?|tv)/([A-Za-z0-9_-]+)/?"
)
_STORY = re.compile(r"^https?://(?:www\.)?instagram\.com/stories/")


def columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        canonical = _LOOKUP.get(column_key(name))
        if canonical and canonical not in found:
            found[canonical] = position
    return found


def is_content(header: list[str]) -> bool:
    found = columns(header)
    return "post_id" in found and ("permalink" in found or "username" in found)


def is_facebook(header: list[str]) -> bool:
    keys = {column_key(h) for h in header}
    return bool(keys & {"page id", "id halaman", "page name", "nama halaman"})


def is_daily(text: str) -> bool:
    """A daily account export: an optional ``sep=`` line, a one-cell title, then a
    "Date","Primary" header."""
    rows = [r for r in csv.reader(io.StringIO(text[:4096])) if any(c.strip() for c in r)]
    if rows and rows[0][0].lower().startswith("sep="):
        rows = rows[1:]
    return (
        len(rows) >= 2
        and len(rows[0]) == 1
        and column_key(rows[1][0]) in ("date", "tanggal")
        and len(rows[1]) >= 2
    )


def post_kind(post_type: str, permalink: str) -> str | None:
    """Jejaring's kind of an Instagram post type ("IG reel", "IG image", "IG carousel",
    and their translations); None for stories (not posts)."""
    text = post_type.lower()
    if "story" in text or "cerita" in text or _STORY.match(permalink):
        return None
    if "reel" in text or "/reel/" in permalink:
        return "reel"
    if "carousel" in text or "korsel" in text or "karusel" in text or "album" in text:
        return "carousel"
    if "video" in text:
        return "reel"  # Instagram shows feed videos as reels since 2022
    return "image"


def shortcode(permalink: str) -> str | None:
    match = _SHORTCODE.match(permalink.strip())
    return match.group(2) if match else None


def unknown_columns(header: list[str]) -> tuple[list[str], list[str]]:
    unknown = [
        h for h in header if column_key(h) not in _LOOKUP and column_key(h) not in NOT_STORED
    ]
    ignored = [h for h in header if column_key(h) in NOT_STORED]
    return unknown, ignored


def parse(file: str, table: Table, tz: str, part: str) -> Parsed:
    """Read a content export. Publish times are local time in ``tz`` (Business Suite
    writes them in the viewer's time zone, without saying which); stored in UTC."""
    index = columns(table.header)
    for needed in ("post_id", "permalink"):
        if needed not in index:
            raise ImportFileError(
                file,
                "import_missing_column",
                column=FIELDS[needed][0].title() if needed != "post_id" else "Post ID",
                columns=", ".join(table.header),
            )
    if not table.rows:
        raise ImportFileError(file, "import_no_rows")
    decimal_comma = table.delimiter == ";"

    def value(row: list[str], name: str) -> str:
        return row[index[name]].strip() if name in index else ""

    order = numeric_order([value(r, "published") for _, r in table.rows])
    parsed = Parsed(KIND, PLATFORM, timezone=tz)
    for line, row in table.rows:
        figures: dict[str, float | None] = {}
        for name in METRICS:
            if name not in index:
                continue
            raw = row[index[name]]
            try:
                figures[name] = number(raw, decimal_comma)
            except ValueError:
                raise ImportFileError(
                    file, "import_bad_number", line, column=table.header[index[name]],
                    value=raw.strip(),
                ) from None  # fmt: skip
        permalink = value(row, "permalink")
        kind = post_kind(value(row, "post_type"), permalink)
        if kind is None:
            parsed.posts.append(PostRow(line, part, value(row, "post_id"), {}, story=True))
            continue
        code = shortcode(permalink)
        if code is None:
            raise ImportFileError(file, "import_bad_permalink", line, value=permalink)
        published_at = None
        raw_time = value(row, "published")
        if raw_time:
            moment = when(raw_time, order)
            if moment is None:
                raise ImportFileError(
                    file, "import_bad_date", line, column=table.header[index["published"]],
                    value=raw_time,
                )  # fmt: skip
            published_at = to_utc(moment[0], tz, moment[2])
        date_text = value(row, "date")
        day = None
        if date_text.lower() not in _LIFETIME:
            moment = when(date_text, order)
            if moment is None:
                raise ImportFileError(
                    file, "import_bad_date", line, column=table.header[index["date"]],
                    value=date_text,
                )  # fmt: skip
            day = moment[0].date()
        duration = None
        if value(row, "duration"):
            try:
                duration = number(value(row, "duration"), decimal_comma)
            except ValueError:
                raise ImportFileError(
                    file, "import_bad_number", line, column=table.header[index["duration"]],
                    value=value(row, "duration"),
                ) from None  # fmt: skip
        caption = value(row, "description") or None
        public: dict[str, int | None] = {}
        if day is None:  # lifetime totals: the same counts anyone sees on the post
            public = {
                "likes": _whole(figures.get("likes")),
                "comments": _whole(figures.get("comments")),
                "views": _whole(figures.get("views")) if kind == "reel" else None,
            }
        parsed.posts.append(
            PostRow(
                line=line,
                part=part,
                post_id=code,
                figures=figures,
                account=value(row, "username").lstrip("@").lower() or None,
                account_id=value(row, "account_id") or None,
                published_at=published_at,
                kind=kind,
                url=f"https://www.instagram.com/{'reel' if kind == 'reel' else 'p'}/{code}/",
                caption=caption,
                duration_s=duration if duration else None,
                day=day,
                public=public,
            )
        )
    unknown, ignored = unknown_columns(table.header)
    if unknown:
        parsed.notices.append(notice("import_warn_unknown_columns", columns=", ".join(unknown)))
    if ignored:
        parsed.notices.append(notice("import_warn_not_stored", columns=", ".join(ignored)))
    stories = sum(1 for p in parsed.posts if p.story)
    if stories:
        parsed.notices.append(notice("import_warn_stories", count=stories))
    return parsed


def _whole(value: float | None) -> int | None:
    return int(value) if value is not None and float(value).is_integer() and value >= 0 else None


def parse_daily(file: str, text: str, part: str) -> Parsed:
    """Read a daily account export: title rows name the metric, then (date, value) rows."""
    parsed = Parsed(DAILY_KIND, PLATFORM)
    reader = csv.reader(io.StringIO(text))
    metric: str | None = None
    title = ""
    decimal_comma = False
    by_day: dict = {}
    unknown: list[str] = []
    for record in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in record) or record[0].lower().startswith("sep="):
            continue
        first = record[0].strip()
        if len(record) == 1 or (len(record) >= 1 and not any(c.strip() for c in record[1:])):
            title = first
            metric = _DAILY_LOOKUP.get(column_key(first))
            decimal_comma = column_key(first) in _DAILY_INDONESIAN
            if metric is None and first not in unknown:
                unknown.append(first)
            continue
        if column_key(first) in ("date", "tanggal"):
            continue
        moment = when(first)
        if moment is None:
            raise ImportFileError(file, "import_bad_date", line, column="Date", value=first)
        if metric is None:
            continue  # rows of a metric Jejaring does not know (named in a notice)
        try:
            amount = number(record[1], decimal_comma)
        except ValueError:
            raise ImportFileError(
                file, "import_bad_number", line, column=title, value=record[1]
            ) from None
        day = moment[0].date()
        by_day.setdefault((day, line), {})[metric] = amount
    for (day, line), figures in sorted(by_day.items()):
        parsed.days.append(DayRow(line, part, day, figures))
    if not parsed.days and not unknown:
        raise ImportFileError(file, "import_no_rows")
    for name in unknown:
        parsed.notices.append(notice("import_warn_unlisted_metric", metric=name))
    if parsed.days:
        parsed.period = (min(d.day for d in parsed.days), max(d.day for d in parsed.days))
    return parsed

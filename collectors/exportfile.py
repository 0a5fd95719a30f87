"""Reading export files safely: sizes checked before reading, ZIP archives, text encodings,
CSV separators, and numbers written in either locale, with the line of every row.

Knows no platform and no database. Every failure is one :class:`ImportFileError` naming the
file and, where there is one, the line.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from collectors.errors import ImportFileError
from collectors.messages import render

MB = 1024 * 1024
#: Largest file accepted (the dashboard's upload limit is the same): exports without media
#: are far smaller; a chat export with media is refused with advice to export without it.
MAX_FILE_MB = 50
#: Largest CSV or chat text inside a ZIP once unpacked, and all of them together.
MAX_MEMBER_MB = 50
MAX_UNPACKED_MB = 100
TEXT_SUFFIXES = (".csv", ".txt")
SUFFIXES = (".csv", ".txt", ".zip")


@dataclass(frozen=True)
class Notice:
    """A warning about a file, by message key, shown in the preview and by the CLI."""

    key: str
    line: int | None = None
    params: tuple[tuple[str, str], ...] = ()
    #: the part of the file it is about (e.g. "Totals.csv" in a ZIP); None: the whole file
    part: str | None = None

    def text(self, lang: str = "en") -> str:
        message = render(self.key, lang, **dict(self.params))
        where = self.part
        if self.line is not None:
            where = render("import_where_line", lang, file=self.part or "", line=self.line)
            where = where.lstrip(", ")
        return f"{where}: {message}" if where else message


def notice(key: str, line: int | None = None, part: str | None = None, **params: object) -> Notice:
    return Notice(key, line, tuple((k, str(v)) for k, v in params.items()), part)


@dataclass(frozen=True)
class Part:
    """A text-bearing file: the file itself, or one CSV/TXT inside a ZIP."""

    name: str  # path inside the ZIP, or the file's own name
    data: bytes = field(repr=False)

    @property
    def base(self) -> str:
        return PurePosixPath(self.name).name


@dataclass(frozen=True)
class Source:
    """A file to import, read within the limits: its name, content hash and text parts."""

    name: str
    sha256: str
    size: int
    parts: tuple[Part, ...]
    is_zip: bool = False


def _mb(size: int) -> str:
    return f"{size / MB:.1f}"


def _check_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportFileError(name, "import_file_type", suffix=suffix or "no extension")
    return suffix


def read_path(path: str | Path, name: str | None = None) -> Source:
    """Read a file from disk. Its size is checked before a byte is read; a ZIP is opened
    in place (only the CSV/TXT files in it are read, each within its limit)."""
    path = Path(path)
    name = name or path.name
    suffix = _check_name(name)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFileError(name, "import_not_found") from None
    except OSError as exc:
        raise ImportFileError(name, "import_unreadable", error=exc.strerror or exc) from None
    if size > MAX_FILE_MB * MB:
        raise ImportFileError(name, "import_too_big", size=_mb(size), limit=MAX_FILE_MB)
    if size == 0:
        raise ImportFileError(name, "import_empty")
    try:
        with path.open("rb") as handle:
            digest = hashlib.sha256()
            for block in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(block)
            if suffix == ".zip":
                handle.seek(0)
                parts = _zip_parts(name, handle)
                return Source(name, digest.hexdigest(), size, parts, is_zip=True)
            handle.seek(0)
            data = handle.read(MAX_FILE_MB * MB + 1)
    except OSError as exc:
        raise ImportFileError(name, "import_unreadable", error=exc.strerror or exc) from None
    return Source(name, digest.hexdigest(), size, (Part(name, data),))


def read_bytes(name: str, data: bytes) -> Source:
    """A file already in memory (an upload; the uploader enforces the same size limit)."""
    suffix = _check_name(name)
    if len(data) > MAX_FILE_MB * MB:
        raise ImportFileError(name, "import_too_big", size=_mb(len(data)), limit=MAX_FILE_MB)
    if not data:
        raise ImportFileError(name, "import_empty")
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".zip":
        return Source(name, digest, len(data), _zip_parts(name, io.BytesIO(data)), is_zip=True)
    return Source(name, digest, len(data), (Part(name, data),))


def _zip_parts(name: str, handle: io.BufferedIOBase | io.BytesIO) -> tuple[Part, ...]:
    """The CSV and TXT files of a ZIP, read within the limits; anything else in it (media,
    folders, macOS resource forks) is neither read nor named."""
    try:
        with zipfile.ZipFile(handle) as archive:
            wanted = []
            for info in archive.infolist():
                path = PurePosixPath(info.filename)
                if info.is_dir() or "__MACOSX" in path.parts or path.name.startswith("."):
                    continue
                if path.suffix.lower() not in TEXT_SUFFIXES:
                    continue
                if info.file_size > MAX_MEMBER_MB * MB:
                    raise ImportFileError(
                        name,
                        "import_zip_member_too_big",
                        member=path.name,
                        size=_mb(info.file_size),
                        limit=MAX_MEMBER_MB,
                    )
                wanted.append(info)
            if sum(i.file_size for i in wanted) > MAX_UNPACKED_MB * MB:
                total = sum(i.file_size for i in wanted)
                raise ImportFileError(
                    name, "import_zip_member_too_big", member="*", size=_mb(total),
                    limit=MAX_UNPACKED_MB,
                )  # fmt: skip
            parts = []
            for info in wanted:
                # The header's size may lie: read at most one byte more than the limit.
                with archive.open(info) as member:
                    data = member.read(MAX_MEMBER_MB * MB + 1)
                if len(data) > MAX_MEMBER_MB * MB:
                    raise ImportFileError(
                        name,
                        "import_zip_member_too_big",
                        member=PurePosixPath(info.filename).name,
                        size=f">{MAX_MEMBER_MB}",
                        limit=MAX_MEMBER_MB,
                    )
                parts.append(Part(info.filename, data))
    except ImportFileError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
        raise ImportFileError(name, "import_zip_damaged", error=str(exc) or "truncated") from None
    except (NotImplementedError, RuntimeError) as exc:  # unknown compression, encrypted
        raise ImportFileError(name, "import_zip_damaged", error=str(exc)) from None
    if not parts:
        raise ImportFileError(name, "import_zip_nothing")
    return tuple(parts)


# -- text ------------------------------------------------------------------------------


def decode(part: Part, file: str) -> tuple[str, list[Notice]]:
    """The text of a part: UTF-8 (with or without BOM) or UTF-16 with BOM; anything else
    is read as Windows-1252 with a warning (Excel saves CSV so)."""
    data = part.data
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError as exc:
            raise ImportFileError(file, "import_unreadable", error=exc.reason) from None
    if b"\x00" in data[:4096]:
        raise ImportFileError(file, "import_not_text")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportFileError(file, "import_not_text") from None
    return text, [notice("import_warn_not_text_utf8", part=part.base)]


@dataclass(frozen=True)
class Table:
    """A CSV: its header and rows, each row with the line it starts on."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    delimiter: str
    header_line: int = 1


def _delimiter(line: str) -> str:
    """The separator of a header line: the most frequent of , ; and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", line)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(text: str, file: str, skip: int = 0) -> Table:
    """Parse CSV text (after ``skip`` leading lines); empty lines are dropped. A row whose
    number of values differs from the header's is an error naming its line."""
    lines = text.splitlines(keepends=True)
    if lines and lines[0].lower().startswith("sep="):  # Excel's separator hint
        delimiter = lines[0].strip()[4:5] or ","
        skip = max(skip, 1)
    else:
        first = next((ln for ln in lines[skip:] if ln.strip()), "")
        delimiter = _delimiter(first)
    source = iter(lines[skip:])
    reader = csv.reader(source, delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = skip + 1
    rows: list[tuple[int, list[str]]] = []
    start = skip + 1
    try:
        for record in reader:
            line = start
            start = skip + reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lstrip("\ufeff") for cell in record]
                header_line = line
                continue
            if len(record) != len(header):
                # Trailing empty cells are harmless; anything else is a broken row.
                trimmed = record[: len(header)]
                if len(record) < len(header) or any(c.strip() for c in record[len(header) :]):
                    raise ImportFileError(
                        file, "import_row_width", line, found=len(record), expected=len(header)
                    )
                record = trimmed
            rows.append((line, record))
    except csv.Error as exc:
        raise ImportFileError(file, "import_csv_syntax", start, error=exc) from None
    if header is None:
        raise ImportFileError(file, "import_no_header")
    return Table(header, rows, delimiter, header_line)


def column_key(name: str) -> str:
    """A header as a lookup key: lower case, single spaces, no BOM or quotes."""
    return re.sub(r"\s+", " ", name.replace("\ufeff", "").replace("\u00a0", " ")).strip().lower()


# -- values -----------------------------------------------------------------------------

_MISSING = {"", "-", "–", "—", "n/a", "na", "nan", "none", "null"}
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def number(raw: str, decimal_comma: bool = False) -> float | None:
    """A number written by an export in either locale, or None when the cell is empty or a
    dash. ``1,234`` is one thousand two hundred thirty-four in English files, and 1.234 in
    files with decimal commas (Indonesian, ``;``-separated); ``12,5`` and ``1.234,5`` are
    read unambiguously. Raises ValueError when the text is not a number."""
    text = raw.strip()
    if text.lower() in _MISSING:
        return None
    text = _SPACES.sub("", text).rstrip("%")
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    for th, dec in ((thousands, decimal), (decimal, thousands)):
        grouped = rf"\d{{1,3}}(?:{re.escape(th)}\d{{3}})+(?:{re.escape(dec)}\d+)?"
        plain = rf"\d+(?:{re.escape(dec)}\d+)?"
        if re.fullmatch(grouped, text) or re.fullmatch(plain, text):
            return sign * float(text.replace(th, "").replace(dec, "."))
    raise ValueError(raw)


def clock_seconds(raw: str, decimal_comma: bool = False) -> float | None:
    """``H:MM:SS`` or ``M:SS`` (YouTube Studio's durations) as seconds; a plain number is
    seconds already. None for an empty cell; ValueError otherwise."""
    text = raw.strip()
    if text.lower() in _MISSING:
        return None
    match = re.fullmatch(r"(?:(\d+):)?([0-5]?\d):([0-5]\d)", text)
    if match:
        hours, minutes, seconds = match.groups()
        return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    value = number(text, decimal_comma)
    if value is None or value < 0:
        raise ValueError(raw)
    return value


def cells(row: list[str], index: dict[str, int]) -> Iterator[tuple[str, str]]:
    """(canonical name, raw value) of a row for the columns in ``index``."""
    for name, position in index.items():
        yield name, row[position]


# -- what a platform export holds, before it is matched to the store ----------------------


@dataclass
class PostRow:
    """One post's figures in an export, with what a new post needs (publish time, kind,
    link); ``day`` is the local day the figures describe (None: the capture's day)."""

    line: int
    part: str
    post_id: str
    figures: dict[str, float | None]
    account: str | None = None  # the account the row names (Instagram username)
    account_id: str | None = None  # the platform's id of that account
    published_at: dt.datetime | None = None  # aware UTC
    day_only: bool = False  # the export gave a day without a time
    kind: str | None = None
    url: str | None = None
    title: str | None = None
    caption: str | None = None
    duration_s: float | None = None
    day: dt.date | None = None
    #: public counts (likes, comments, views) for the posts row of a post that no collector
    #: has stored (empty when the file's figures are not the post's lifetime counts)
    public: dict[str, int | None] = field(default_factory=dict)
    #: the moment ``public`` describes (aware UTC); None: the import's capture time
    counts_at: dt.datetime | None = None
    story: bool = False  # Instagram stories are not posts: skipped


@dataclass
class DayRow:
    """An account's figures for one local day."""

    line: int
    part: str
    day: dt.date
    figures: dict[str, float | None]


@dataclass
class Parsed:
    """A platform export read into rows, with its warnings."""

    kind: str  # youtube_studio, instagram_content, instagram_daily
    platform: str
    posts: list[PostRow] = field(default_factory=list)
    days: list[DayRow] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    #: the period the figures cover, when the file says so
    period: tuple[dt.date, dt.date] | None = None
    #: local time zone the file's times were read in
    timezone: str = "Asia/Jakarta"


# -- dates and times as exports write them ------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january", "januari"),
            ("feb", "february", "februari", "peb"),
            ("mar", "march", "maret"),
            ("apr", "april"),
            ("may", "mei"),
            ("jun", "june", "juni"),
            ("jul", "july", "juli"),
            ("aug", "august", "agu", "agt", "agustus", "ags"),
            ("sep", "sept", "september"),
            ("oct", "october", "okt", "oktober"),
            ("nov", "november", "nop", "nopember"),
            ("dec", "december", "des", "desember"),
        ],
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?\s*([AaPp]\.?[Mm]\.?)?)?"
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME + r"\s*(Z|[+-]\d{2}:?\d{2})?")
_NAMED_MDY = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})" + _TIME)
_NAMED_DMY = re.compile(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})" + _TIME)
_NUMERIC = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})" + _TIME)


def _clock(groups: tuple[str | None, ...]) -> dt.time | None:
    hour, minute, second, ampm = groups
    if hour is None:
        return None
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    if ampm:
        if not 1 <= h <= 12:
            raise ValueError("hour")
        h = h % 12 + (12 if ampm.lower().startswith("p") else 0)
    return dt.time(h, m, s)


def numeric_order(values: list[str]) -> str:
    """'mdy' or 'dmy' for numeric dates A/B/Y: whichever the values allow (a part above 12
    can only be a day); 'mdy' (Meta's own order) when both readings are possible."""
    firsts, seconds = [], []
    for value in values:
        match = _NUMERIC.match(value.strip())
        if match:
            firsts.append(int(match.group(1)))
            seconds.append(int(match.group(2)))
    if any(a > 12 for a in firsts) and not any(b > 12 for b in seconds):
        return "dmy"
    return "mdy"


def when(text: str, order: str = "mdy") -> tuple[dt.datetime, bool, str | None] | None:
    """A date or date-time as an export writes it: naive local time, whether a time was
    given, and a UTC offset when the text carries one. None when the text is not one."""
    value = text.strip()
    try:
        if match := _ISO.fullmatch(value):
            y, mo, d = (int(g) for g in match.groups()[:3])
            clock = _clock(match.groups()[3:7])
            moment = dt.datetime.combine(dt.date(y, mo, d), clock or dt.time(0))
            return moment, clock is not None, match.group(8)
        for pattern, named_first in ((_NAMED_MDY, True), (_NAMED_DMY, False)):
            if match := pattern.fullmatch(value):
                a, b, y = match.groups()[:3]
                month_name, day = (a, b) if named_first else (b, a)
                month = _MONTHS.get(month_name.lower())
                if month is None:
                    return None
                clock = _clock(match.groups()[3:7])
                moment = dt.datetime.combine(dt.date(int(y), month, int(day)), clock or dt.time(0))
                return moment, clock is not None, None
        if match := _NUMERIC.fullmatch(value):
            a, b, y = (int(g) for g in match.groups()[:3])
            month, day = (a, b) if order == "mdy" else (b, a)
            year = y + 2000 if y < 100 else y
            clock = _clock(match.groups()[3:7])
            moment = dt.datetime.combine(dt.date(year, month, day), clock or dt.time(0))
            return moment, clock is not None, None
    except ValueError:
        return None
    return None


def to_utc(local: dt.datetime, tz: str, offset: str | None = None) -> dt.datetime:
    """A naive local time in ``tz`` (or at the given UTC offset) as aware UTC."""
    from zoneinfo import ZoneInfo

    if offset:
        if offset == "Z":
            zone: dt.tzinfo = dt.UTC
        else:
            sign = 1 if offset[0] == "+" else -1
            digits = offset[1:].replace(":", "")
            zone = dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
        return local.replace(tzinfo=zone).astimezone(dt.UTC)
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)

"""WhatsApp chat exports (Android and iOS, Indonesian and English) turned into the timings
of a library's "Ask Librarian" questions and their daily aggregates.

Only counts and timings leave this module. Message text is read line by line and dropped;
senders become "staff" (a name listed in jejaring.toml) or a patron, and a patron only a
salted hash that lives for one import (the salt is random and never stored), used to count
distinct askers. Knows no database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from collectors.config import Service
from collectors.errors import ImportFileError
from collectors.exportfile import Notice, notice

KIND = "whatsapp"
_AMPM = r"(?:[\s\u202f\u00a0]*(?P<ampm>[AaPp]\.?\s?[Mm]\.?))?"
_DATE = r"(?P<date>\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})"
_TIMEPART = r"(?P<time>\d{1,2}[.:]\d{2}(?:[.:]\d{2})?)"
# Android: "25/11/26 14.05 - Name: text"; "11/25/26, 2:05 PM - Name: text"
_ANDROID = re.compile(rf"^{_DATE},?\s{_TIMEPART}{_AMPM}\s[-–]\s(?P<rest>.*)$")
# iOS: "[25/11/26 14.05.33] Name: text"; "[11/25/26, 2:05:33 PM] Name: text"
_IOS = re.compile(rf"^\[{_DATE},?\s{_TIMEPART}{_AMPM}\]\s(?P<rest>.*)$")
# Marks WhatsApp puts around names and before notices; they are not part of any name.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
)

# Notices WhatsApp writes into a chat (not messages of anyone), in Indonesian and English.
_SYSTEM = tuple(
    s.casefold()
    for s in (
        "Messages and calls are end-to-end encrypted",
        "Messages to this group are now secured with end-to-end encryption",
        "Pesan dan panggilan terenkripsi secara end-to-end",
        "Pesan dan panggilan dienkripsi secara end-to-end",
        "This business uses a secure service from Meta",
        "This business is now using a secure service from Meta",
        "Bisnis ini menggunakan layanan aman dari Meta",
        "This chat is with a business account",
        "This chat is with the official business account",
        "Chat ini dengan akun bisnis",
        "Obrolan ini dengan akun bisnis",
        "created group",
        "created this group",
        "membuat grup",
        "joined using this group's invite link",
        "joined using this group\u2019s invite link",
        "bergabung menggunakan tautan undangan grup ini",
        "changed their phone number",
        "changed the subject",
        "changed this group's icon",
        "telah mengganti nomor",
        "mengubah nomor telepon",
        "mengubah subjek",
        "mengubah ikon grup",
        "Missed voice call",
        "Missed video call",
        "Panggilan suara tak terjawab",
        "Panggilan video tak terjawab",
        "Disappearing messages",
        "Pesan sementara",
        "security code",
        "kode keamanan",
        "You blocked this contact",
        "You unblocked this contact",
        "Anda memblokir kontak ini",
        "Anda membuka blokir kontak ini",
    )
)
# A sender's line that is only about the group: "X left", "X added Y", "X diganti ke …"
_SYSTEM_EVENT = re.compile(
    r"(?:\s(?:left|keluar|added|menambahkan|removed|mengeluarkan)\b.*|"
    r"\schanged to\s.*|\stelah diganti ke\s.*|\sberganti ke\s.*)$",
    re.IGNORECASE,
)
# Messages the sender deleted: nothing is left to answer, so they are not messages here.
_DELETED = tuple(
    s.casefold()
    for s in (
        "This message was deleted",
        "You deleted this message",
        "Pesan ini telah dihapus",
        "Pesan ini dihapus",
        "Anda menghapus pesan ini",
    )
)
_MEDIA = tuple(
    s.casefold()
    for s in (
        "<Media omitted>",
        "<Media tidak disertakan>",
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "document omitted",
        "gambar tidak disertakan",
        "video tidak disertakan",
        "audio tidak disertakan",
        "stiker tidak disertakan",
        "dokumen tidak disertakan",
        "<attached:",
        "<terlampir:",
    )
)


@dataclass(frozen=True)
class Message:
    """One message: when, and whether staff sent it; for a patron, the import's hash."""

    at: dt.datetime  # aware UTC
    staff: bool
    patron: str | None = None


@dataclass
class Chat:
    """What one chat export holds, without any text, name or number."""

    messages: list[Message] = field(default_factory=list)
    system_lines: int = 0
    media: int = 0
    deleted: int = 0

    @property
    def staff_seen(self) -> bool:
        return any(m.staff for m in self.messages)

    @property
    def patrons(self) -> int:
        return len({m.patron for m in self.messages if not m.staff})


@dataclass(frozen=True)
class Question:
    """One patron question: when it was asked, how long until the first staff reply."""

    asked_at: dt.datetime  # aware UTC
    first_reply_s: float | None  # None: no staff reply in the export
    in_hours: bool  # asked in service hours
    asker: str  # salted hash, for counting distinct askers in this import only


def _name(raw: str) -> str:
    """A sender as written, for comparing with the configured staff names."""
    text = unicodedata.normalize("NFC", raw.translate(_INVISIBLE)).replace("\u202f", " ")
    return re.sub(r"\s+", " ", text).strip().lstrip("~").strip().casefold()


def pseudonym(sender: str, salt: bytes) -> str:
    """A patron as a salted hash: equal for the same sender within one import only."""
    return hmac.new(salt, _name(sender).encode(), hashlib.sha256).hexdigest()


def _stamp(match: re.Match[str], order: str) -> dt.datetime | None:
    parts = re.split(r"[/.\-]", match.group("date"))
    a, b, year = (int(p) for p in parts)
    month, day = (a, b) if order == "mdy" else (b, a)
    year = year + 2000 if year < 100 else year
    clock = [int(p) for p in re.split(r"[.:]", match.group("time"))]
    hour, minute, second = clock[0], clock[1], clock[2] if len(clock) > 2 else 0
    if match.group("ampm"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group("ampm").lower().startswith("p") else 0)
    try:
        return dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Line:
    number: int
    match: re.Match[str]


def _header_lines(text: str) -> tuple[list[_Line], int]:
    """The lines that start a message or notice, and the number of lines read."""
    found = []
    count = 0
    for count, raw in enumerate(text.splitlines(), start=1):
        line = raw.lstrip("\ufeff\u200e\u200f")
        match = _IOS.match(line) or _ANDROID.match(line)
        if match:
            found.append(_Line(count, match))
    return found, count


def date_order(lines: Sequence[_Line], file: str) -> tuple[str, bool]:
    """'dmy' or 'mdy' for the chat's dates, and whether both would have been possible.

    A reading is possible when every date is a real date; between two possible readings,
    the one that keeps the chat in time order wins, then day-first unless the times carry
    AM/PM (WhatsApp's US English format)."""
    readings: dict[str, list[dt.datetime]] = {}
    first_bad: dict[str, _Line] = {}
    for order in ("dmy", "mdy"):
        stamps = []
        for line in lines:
            stamp = _stamp(line.match, order)
            if stamp is None:
                first_bad[order] = line
                break
            stamps.append(stamp)
        else:
            readings[order] = stamps
    if not readings:
        bad = first_bad["dmy"]
        raise ImportFileError(
            file, "import_chat_bad_date", bad.number, value=bad.match.group("date")
        )
    if len(readings) == 1:
        return next(iter(readings)), False

    def disorder(stamps: list[dt.datetime]) -> int:
        return sum(1 for x, y in zip(stamps, stamps[1:], strict=False) if y < x)

    dmy, mdy = disorder(readings["dmy"]), disorder(readings["mdy"])
    if dmy != mdy:
        return ("dmy" if dmy < mdy else "mdy"), False
    ampm = any(line.match.group("ampm") for line in lines)
    return ("mdy" if ampm else "dmy"), True


def parse_chat(
    text: str, file: str, tz: str, staff: Iterable[str], salt: bytes
) -> tuple[Chat, str, bool]:
    """Read one chat export into messages (time, staff or patron hash); returns the chat,
    the date order used and whether that order was ambiguous. Continuation lines of
    multi-line messages belong to the message before them; notices are counted, not kept."""
    lines, _ = _header_lines(text)
    if not lines:
        raise ImportFileError(file, "import_chat_no_messages")
    order, ambiguous = date_order(lines, file)
    zone = ZoneInfo(tz)
    staff_names = {_name(s) for s in staff}
    chat = Chat()
    for line in lines:
        stamp = _stamp(line.match, order)
        assert stamp is not None  # checked by date_order
        at = stamp.replace(tzinfo=zone).astimezone(dt.UTC)
        rest = line.match.group("rest")
        sender, sep, body = rest.partition(": ")
        if not sep:  # Android notices have no sender: encryption, joined, left, changed…
            chat.system_lines += 1
            continue
        content = body.translate(_INVISIBLE).strip().casefold()
        if any(content.startswith(d) for d in _DELETED):
            chat.deleted += 1
            continue
        if any(content.startswith(m) for m in _MEDIA):
            chat.media += 1
        elif any(content.startswith(s) for s in _SYSTEM) or (
            body.startswith("\u200e") and _SYSTEM_EVENT.search(content)
        ):
            chat.system_lines += 1  # iOS writes notices under the chat's name
            continue
        name = _name(sender)
        if not name:
            chat.system_lines += 1
            continue
        if name in staff_names:
            chat.messages.append(Message(at, True))
        else:
            chat.messages.append(Message(at, False, pseudonym(sender, salt)))
    chat.messages.sort(key=lambda m: m.at)
    return chat, order, ambiguous


def questions(chat: Chat, service: Service, tz: str) -> list[Question]:
    """The questions of one chat.

    A patron message starts a new question when nothing came before it, or when at least
    ``service.silence_minutes`` passed since the patron's last activity: their own last
    message or the last staff message, whichever is later (in a chat with one patron, a
    staff message before the patron's first one counts too, so a reply to the library's
    own message is not a question). A patron's earlier question still unanswered when
    they start a new one stays unanswered. The first reply of a question is the first
    staff message after it (in a group chat, a staff message answers every open question).
    """
    silence = dt.timedelta(minutes=service.silence_minutes)
    zone = ZoneInfo(tz)
    one_patron = chat.patrons == 1
    last_own: dict[str, dt.datetime] = {}
    last_staff: dt.datetime | None = None
    open_questions: dict[str, tuple[dt.datetime, str]] = {}
    answered: dict[tuple[dt.datetime, str], float] = {}
    asked: list[tuple[dt.datetime, str]] = []
    for message in chat.messages:
        if message.staff:
            for start in open_questions.values():
                answered[start] = (message.at - start[0]).total_seconds()
            open_questions.clear()
            last_staff = message.at
            continue
        patron = message.patron or ""
        own = last_own.get(patron)
        if own is not None:
            activity: dt.datetime | None = max(own, last_staff) if last_staff else own
        else:
            activity = last_staff if one_patron else None
        if activity is None or message.at - activity >= silence:
            start = (message.at, patron)
            asked.append(start)
            open_questions[patron] = start
        last_own[patron] = message.at
    result = []
    for start in asked:
        local = start[0].astimezone(zone)
        result.append(Question(start[0], answered.get(start), service.in_hours(local), start[1]))
    return result


def within_hours(asked_at: dt.datetime, reply_s: float | None, service: Service, tz: str) -> bool:
    """Asked in service hours and first answered before that day's service hours ended."""
    if reply_s is None:
        return False
    local = asked_at.astimezone(ZoneInfo(tz))
    if not service.in_hours(local):
        return False
    replied = local + dt.timedelta(seconds=reply_s)
    return replied.date() == local.date() and replied.time() < service.closes


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th quantile (0…1) by linear interpolation between the closest ranks: with
    the values sorted x₀ … xₙ₋₁ and h = (n − 1)·p, it is x⌊h⌋ + (h − ⌊h⌋)·(x⌈h⌉ − x⌊h⌋)
    (the median is p = 0.5). None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    low, high = math.floor(h), math.ceil(h)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@dataclass(frozen=True)
class Timing:
    """A stored or new question's timing, for the daily figures."""

    asked_at: dt.datetime
    first_reply_s: float | None
    in_hours: bool


def day_figures(
    timings: Iterable[Timing], service: Service, tz: str
) -> dict[dt.date, dict[str, float | int | None]]:
    """Per local day of asking:

    - questions: questions asked that day; answered: those with a staff reply
    - median_first_reply_s, p90_first_reply_s: median and 90th percentile (see
      :func:`percentile`) of the seconds to the first staff reply, over the answered ones
    - within_1h: answered within 3,600 s
    - within_hours: asked in service hours and answered before they ended that day
    """
    zone = ZoneInfo(tz)
    by_day: dict[dt.date, list[Timing]] = {}
    for timing in timings:
        by_day.setdefault(timing.asked_at.astimezone(zone).date(), []).append(timing)
    out: dict[dt.date, dict[str, float | int | None]] = {}
    for day, items in sorted(by_day.items()):
        replies = [t.first_reply_s for t in items if t.first_reply_s is not None]
        out[day] = {
            "questions": len(items),
            "answered": len(replies),
            "median_first_reply_s": percentile(replies, 0.5),
            "p90_first_reply_s": percentile(replies, 0.9),
            "within_1h": sum(1 for r in replies if r <= 3600),
            "within_hours": sum(
                1 for t in items if within_hours(t.asked_at, t.first_reply_s, service, tz)
            ),
        }
    return out


def askers_per_day(found: Iterable[Question], tz: str) -> dict[dt.date, int]:
    """Distinct askers (salted hashes of this import) per local day of asking."""
    zone = ZoneInfo(tz)
    days: dict[dt.date, set[str]] = {}
    for question in found:
        days.setdefault(question.asked_at.astimezone(zone).date(), set()).add(question.asker)
    return {day: len(people) for day, people in days.items()}


@dataclass
class ChatExport:
    """Every chat of one import, reduced to timings."""

    chats: list[Chat]
    questions: list[Question]
    notices: list[Notice]

    @property
    def span(self) -> tuple[dt.datetime, dt.datetime] | None:
        stamps = [m.at for c in self.chats for m in c.messages]
        return (min(stamps), max(stamps)) if stamps else None


def read_chats(
    texts: Sequence[str], file: str, service: Service, tz: str, salt: bytes
) -> ChatExport:
    """Read the chats of one import (a .txt, or every .txt in WhatsApp's .zip)."""
    chats, found, notices = [], [], []
    ambiguous_orders = set()
    for number, text in enumerate(texts, start=1):
        where = file if len(texts) == 1 else f"{file} › chat {number}"
        chat, order, ambiguous = parse_chat(text, where, tz, service.staff, salt)
        if ambiguous:
            ambiguous_orders.add(order)
        chats.append(chat)
        found.extend(questions(chat, service, tz))
        if not chat.staff_seen and any(not m.staff for m in chat.messages):
            notices.append(
                notice("import_warn_no_staff", chat=number, staff=", ".join(service.staff))
            )
    for order in sorted(ambiguous_orders):
        notices.append(
            notice(
                "import_warn_ambiguous_dates",
                order="day/month/year" if order == "dmy" else "month/day/year",
            )
        )
    return ChatExport(chats, sorted(found, key=lambda q: q.asked_at), notices)

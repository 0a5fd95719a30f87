"""The record contract between collectors and the store: small frozen dataclasses.

Collectors yield these; the store writes them. No SQL and no platform objects here.
A metric the platform does not show is ``None``, never 0.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass, field
from typing import Any

from collectors.catalog import SOURCES, metric

KINDS = ("image", "carousel", "reel", "video", "short", "live")
KIND_SOURCES = ("platform", "playlist", "duration", "import")
#: How an account was collected in a run: shown on the Data page.
PATHS = {
    "graph_api": "official",  # Instagram Graph API with the library's own token
    "business_discovery": "official",  # Graph API business discovery through a partner
    "instaloader": "web_scraper",
    "data_api": "public_api",  # YouTube Data API v3 with an API key
    "data_api_oauth": "official",  # YouTube Data API + Analytics with the library's consent
}
BIGINT_MAX = 2**63 - 1
# A long-form metric value beyond this is not a plausible figure of a library account.
_VALUE_MAX = 1e15

log = logging.getLogger("jejaring.records")


def count_value(value: Any) -> int | None:
    """A platform count as a whole number from 0 to 2^63 − 1, or None when it is not one
    (negative, fractional, too large, not a number). Numeric text is accepted: YouTube sends
    counts as JSON strings."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\s*\d{1,19}\s*", value):
        number = int(value)
    else:
        return None
    return number if 0 <= number <= BIGINT_MAX else None


def _checked_counts(record: object, names: tuple[str, ...], what: str) -> frozenset[str]:
    """Validate the counts of a frozen record in place; returns the names of the invalid
    ones (set to None, and never written over a stored value), each logged once."""
    invalid = set()
    for name in names:
        raw = getattr(record, name)
        if raw is None:
            continue
        value = count_value(raw)
        if value is None:
            invalid.add(name)
            log.warning(
                "%s: %s %r is not a count (a whole number from 0 to 2^63-1); it is not "
                "stored and the value stored before is kept",
                what,
                name,
                _short(raw),
            )
        if value != raw or type(raw) is not int:
            object.__setattr__(record, name, value)
    return frozenset(invalid)


def storable_text(value: Any) -> Any:
    """Text as every store can hold it: without NUL characters (PostgreSQL refuses them) and
    with lone surrogates (JSON may carry ``\\udcff``; UTF-8 cannot) replaced by U+FFFD.
    Anything that is not text is left for the record's own checks."""
    if not isinstance(value, str):
        return value
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATE_RE.sub("\ufffd", value)
    return value


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _clean_texts(record: object, names: tuple[str, ...]) -> None:
    for name in names:
        raw = getattr(record, name)
        value = (
            tuple(storable_text(v) for v in raw) if isinstance(raw, tuple) else storable_text(raw)
        )
        if value is not raw:
            object.__setattr__(record, name, value)


def _short(raw: Any) -> Any:
    text = repr(raw)
    return raw if len(text) <= 60 else text[:57] + "..."


_HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)", re.UNICODE)
_MENTION_RE = re.compile(r"(?<![\w.@])@([A-Za-z0-9._-]{1,30})(?<!\.)")


def hashtags_in(*texts: str | None) -> tuple[str, ...]:
    """Distinct lower-case ``#tags`` in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for tag in _HASHTAG_RE.findall(text or ""):
            seen.setdefault("#" + tag.lower(), None)
    return tuple(seen)


def mentions_in(*texts: str | None) -> tuple[str, ...]:
    """Distinct lower-case ``@handles`` (without the @) in order of appearance."""
    seen: dict[str, None] = {}
    for text in texts:
        for handle in _MENTION_RE.findall(text or ""):
            seen.setdefault(handle.lower(), None)
    return tuple(seen)


@dataclass(frozen=True)
class AccountRef:
    """Which configured account a record belongs to."""

    library_id: str
    platform: str
    handle: str


@dataclass(frozen=True)
class AccountSnapshot:
    """An account's public size at one capture."""

    account: AccountRef
    captured_at: dt.datetime
    external_id: str | None = None
    title: str | None = None
    url: str | None = None
    followers: int | None = None
    following: int | None = None
    media_count: int | None = None
    total_views: int | None = None
    #: counts that arrived invalid: None here, and the stored value is kept
    invalid: frozenset[str] = field(default=frozenset(), compare=False)

    COUNTS = ("followers", "following", "media_count", "total_views")
    TEXTS = ("external_id", "title", "url")

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError(f"account {self.account.handle}: captured_at must carry a time zone")
        _clean_texts(self, self.TEXTS)
        bad = _checked_counts(
            self, self.COUNTS, f"{self.account.platform} account {self.account.handle}"
        )
        object.__setattr__(self, "invalid", self.invalid | bad)


@dataclass(frozen=True)
class PostSnapshot:
    """One post's metadata and public metrics at one capture."""

    account: AccountRef
    platform: str
    post_id: str
    published_at: dt.datetime
    kind: str
    captured_at: dt.datetime
    url: str | None = None
    title: str | None = None
    caption: str | None = None
    thumbnail_url: str | None = None
    duration_s: float | None = None
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    tagged: tuple[str, ...] = ()
    coauthors: tuple[str, ...] = ()
    is_pinned: bool = False
    likes: int | None = None
    comments: int | None = None
    views: int | None = None
    plays: int | None = None
    #: how ``kind`` was decided (see KIND_SOURCES); None keeps what is stored
    kind_source: str | None = None
    #: counts that arrived invalid: None here, and the stored value is kept
    invalid: frozenset[str] = field(default=frozenset(), compare=False)

    COUNTS = ("likes", "comments", "views", "plays")
    TEXTS = ("title", "caption", "url", "thumbnail_url", "hashtags", "mentions", "tagged",
             "coauthors")  # fmt: skip

    def __post_init__(self) -> None:
        _clean_texts(self, self.TEXTS)
        if self.kind not in KINDS:
            raise ValueError(f"post {self.post_id}: unknown kind {self.kind!r}")
        if self.kind_source is not None and self.kind_source not in KIND_SOURCES:
            raise ValueError(f"post {self.post_id}: unknown kind source {self.kind_source!r}")
        for name in ("published_at", "captured_at"):
            value = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"post {self.post_id}: {name} must carry a time zone")
        bad = _checked_counts(self, self.COUNTS, f"{self.platform} post {self.post_id}")
        object.__setattr__(self, "invalid", self.invalid | bad)


def _metric_value(
    platform: str, scope: str, name: str, value: Any, source: str, what: str
) -> float | None:
    """A long-form metric value as a finite float within range (negative only for signed
    metrics), or None with a warning naming ``what``."""
    if source not in SOURCES:
        raise ValueError(f"{what}: unknown source {source!r}")
    if value is None:
        return None
    entry = metric(platform, scope, name)
    number: float | None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    else:
        number = None
    if number is not None and (
        not math.isfinite(number)
        or abs(number) > _VALUE_MAX
        or (number < 0 and not (entry and entry.signed))
    ):
        number = None
    if number is None:
        log.warning("%s: %s %r is not a valid value; it is not stored", what, name, _short(value))
    return number


@dataclass(frozen=True)
class AccountMetric:
    """One owner-level figure of an account for one local day (long form)."""

    account: AccountRef
    day: dt.date
    metric: str
    value: float | None
    source: str
    captured_at: dt.datetime
    #: where the figure came from: the API and its version, or the file and its import
    origin: str = ""

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError(f"metric {self.metric}: captured_at must carry a time zone")
        what = f"{self.account.platform} account {self.account.handle} on {self.day}"
        object.__setattr__(
            self,
            "value",
            _metric_value(
                self.account.platform, "account", self.metric, self.value, self.source, what
            ),
        )


@dataclass(frozen=True)
class PostMetric:
    """One owner-level figure of a post (long form); ``day`` is the local day it describes
    (for lifetime totals, the capture's day: the store fills it in when None)."""

    account: AccountRef
    platform: str
    post_id: str
    metric: str
    value: float | None
    source: str
    captured_at: dt.datetime
    day: dt.date | None = None
    origin: str = ""

    def __post_init__(self) -> None:
        if self.captured_at.tzinfo is None:
            raise ValueError(f"metric {self.metric}: captured_at must carry a time zone")
        what = f"{self.platform} post {self.post_id}"
        object.__setattr__(
            self,
            "value",
            _metric_value(self.platform, "post", self.metric, self.value, self.source, what),
        )


@dataclass(frozen=True)
class Connection:
    """Non-secret facts about a library's official-API connection, as last checked."""

    library_id: str
    platform: str
    kind: str  # instagram_graph, youtube_analytics
    status: str  # ok, expiring, expired, revoked, error
    checked_at: dt.datetime
    token_source: str | None = None  # env, secrets, file
    external_id: str | None = None
    account: AccountRef | None = None
    connected_since: dt.datetime | None = None
    expires_at: dt.datetime | None = None
    scopes: tuple[str, ...] = ()
    detail: str | None = None


@dataclass(frozen=True)
class AccountState:
    """What the store already knows of an account; collectors use it to stop early."""

    account_id: int | None = None
    external_id: str | None = None
    #: post id -> True when the post is marked gone
    known_posts: dict[str, bool] = field(default_factory=dict)
    newest_published_at: dt.datetime | None = None
    last_full_walk_at: dt.datetime | None = None
    #: post id -> kind, for the posts whose kind was decided by a platform playlist (YouTube
    #: Shorts): they need not be classified again
    playlist_kinds: dict[str, str] = field(default_factory=dict)
    #: the last day with owner-level account figures (official APIs), None before any
    last_owner_day: dt.date | None = None


@dataclass
class AccountResult:
    """One account's outcome of a collection: what to write, and what went wrong."""

    account: AccountRef
    started_at: dt.datetime
    snapshot: AccountSnapshot | None = None
    posts: list[PostSnapshot] = field(default_factory=list)
    #: post ids the platform no longer returns (deleted or private): marked ``gone_at``
    gone: list[str] = field(default_factory=list)
    #: set when this collection walked every post of the account
    full_walk_at: dt.datetime | None = None
    #: owner-level figures (official APIs), long form
    account_metrics: list[AccountMetric] = field(default_factory=list)
    post_metrics: list[PostMetric] = field(default_factory=list)
    #: how the account was collected (see PATHS)
    path: str | None = None
    api_units: int = 0
    requests: int = 0
    error: Exception | None = None
    #: True when the account was not attempted because the platform stopped for this run
    skipped: bool = False

    @property
    def status(self) -> str:
        if self.skipped:
            return "skipped"
        if self.error is None:
            return "ok"
        return "partial" if self.snapshot or self.posts else "failed"

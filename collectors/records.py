"""The record contract between collectors and the store: small frozen dataclasses.

Collectors yield these; the store writes them. No SQL and no platform objects here.
A metric the platform does not show is ``None``, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

KINDS = ("image", "carousel", "reel", "video", "short", "live")

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

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"post {self.post_id}: unknown kind {self.kind!r}")
        for name in ("published_at", "captured_at"):
            value = getattr(self, name)
            if value.tzinfo is None:
                raise ValueError(f"post {self.post_id}: {name} must carry a time zone")


@dataclass(frozen=True)
class AccountState:
    """What the store already knows of an account; collectors use it to stop early."""

    account_id: int | None = None
    external_id: str | None = None
    #: post id -> True when the post is marked gone
    known_posts: dict[str, bool] = field(default_factory=dict)
    newest_published_at: dt.datetime | None = None
    last_full_walk_at: dt.datetime | None = None


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

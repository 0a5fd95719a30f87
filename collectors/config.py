"""Parse and validate ``jejaring.toml`` and the environment into typed objects, once.

Every other module receives these objects; none reads TOML or environment variables itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from collectors.errors import ConfigError

DEFAULT_CONFIG = "jejaring.toml"
DEFAULT_DATABASE_URL = "sqlite:///data/jejaring.db"
DEFAULT_TOKEN_DIR = "data/tokens"  # noqa: S105 - a folder, not a secret
# Official-API tokens per library: INSTAGRAM_TOKEN_UMA, YOUTUBE_TOKEN_UMA, ... (collectors.tokens)
_TOKEN_NAME_RE = re.compile(r"^(INSTAGRAM|YOUTUBE)_TOKEN_[A-Z0-9_]+$")
PLATFORMS = ("instagram", "youtube")

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# Instagram usernames: letters, digits, dot and underscore, at most 30 characters.
_INSTAGRAM_RE = re.compile(r"^@?[A-Za-z0-9._]{1,30}$")
# YouTube: @handle (3-30 of letters, digits, _ - .) or a channel id UC + 22 characters.
_YT_HANDLE_RE = re.compile(r"^@[A-Za-z0-9_.\-]{3,30}$")
_YT_CHANNEL_RE = re.compile(r"^UC[A-Za-z0-9_-]{22}$")


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SERVICE_KINDS = ("whatsapp",)


@dataclass(frozen=True)
class Service:
    """A library's service without an API, e.g. the WhatsApp "Ask Librarian" number.

    ``staff`` are the WhatsApp display names of the staff who answer (every other sender is
    a patron); service hours are local times in the configured time zone (WIB by default)
    on ``days`` (Monday = 0); a patron message after ``silence_minutes`` without messages
    starts a new question.
    """

    kind: str
    name: str
    staff: tuple[str, ...]
    opens: dt.time = dt.time(8, 0)
    closes: dt.time = dt.time(16, 0)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    silence_minutes: int = 60

    def in_hours(self, local: dt.datetime) -> bool:
        """True when the local moment falls in the service hours of its day."""
        return local.weekday() in self.days and self.opens <= local.time() < self.closes


@dataclass(frozen=True)
class Library:
    id: str
    name: str
    color: str
    instagram: tuple[str, ...] = ()
    youtube: tuple[str, ...] = ()
    short_name: str = ""
    #: False while staff have not confirmed that the handles really are the library's.
    handles_confirmed: bool = True
    #: how this library's Instagram accounts are collected: "auto" or one of INSTAGRAM_PATHS
    instagram_path: str = "auto"
    #: services without an API beside the accounts (WhatsApp "Ask Librarian")
    services: tuple[Service, ...] = ()

    @property
    def label(self) -> str:
        return self.short_name or self.id.upper()

    def accounts(self) -> list[tuple[str, str]]:
        """(platform, handle) pairs of this library, Instagram first."""
        return [("instagram", h) for h in self.instagram] + [("youtube", h) for h in self.youtube]


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str
    start: dt.date
    end: dt.date
    libraries: tuple[str, ...]
    hashtags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    include_urls: tuple[str, ...] = ()
    exclude_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstagramOptions:
    recheck_days: int = 30
    max_posts_per_run: int = 200


# -- Instagram Graph API (graph workstream) -------------------------------------------
#: Forced Instagram paths a library may choose (``instagram_path``); "auto" picks the best
#: available (collectors.refresh._instagram).
INSTAGRAM_PATHS = ("auto", "graph_api", "business_discovery", "instaloader")
DEFAULT_GRAPH_VERSION = "v27.0"  # Graph API of 4 November 2026 (Meta's changelog)


@dataclass(frozen=True)
class InstagramGraphOptions:
    """``[instagram_graph]``: the official API for the libraries' own accounts."""

    version: str = DEFAULT_GRAPH_VERSION
    #: days of account insights fetched again on every refresh (Meta: up to 48 h late)
    refetch_days: int = 3
    #: how far back a first connection fills daily account insights (Meta keeps ~2 years)
    history_days: int = 729
    #: percent of Meta's rate-limit usage from which requests slow down
    slow_down_at: int = 75


@dataclass(frozen=True)
class NetworkOptions:
    """Time limits of every platform request (``[network]`` in jejaring.toml)."""

    #: seconds one request may take in all, connecting to the last byte of the answer
    deadline: float = 60.0
    #: seconds one API call may take with its retries and their pauses
    call_budget: float = 180.0
    #: retries of a call after a network fault, a 5xx or a 429
    retries: int = 4


@dataclass(frozen=True)
class Access:
    """Who may open the dashboard when sign-in is on (any allow-list entry turns it on)."""

    allowed_emails: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    #: name of the provider section in secrets ([auth.NAME]); empty for a single [auth]
    provider: str = ""
    #: providers ([auth.NAME] names; "default" for a single [auth]) whose sign-ins are
    #: trusted although their ID token has no ``email_verified`` claim
    unverified_email_providers: tuple[str, ...] = ()

    @property
    def required(self) -> bool:
        return bool(self.allowed_emails or self.allowed_domains)

    def allows(self, email: object) -> bool:
        """True for an address on the list, or in a listed domain (compared whole). The
        address must be exactly ``local@domain``: one ``@``, nothing empty, no spaces."""
        address = email_address(email)
        if address is None:
            return False
        return address in self.allowed_emails or address.split("@")[1] in self.allowed_domains

    def trusts_without_verification(self, provider: object) -> bool:
        return isinstance(provider, str) and provider in self.unverified_email_providers


_ADDRESS_RE = re.compile(r"[^@\s]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")


def email_address(value: object) -> str | None:
    """``value`` as a lower-case e-mail address, or None unless it is exactly one: one
    ``@``, a local part, and a domain of dot-separated labels (letters, digits, '-')."""
    if not isinstance(value, str):
        return None
    address = value.strip().lower()
    return address if _ADDRESS_RE.fullmatch(address) else None


@dataclass(frozen=True)
class Config:
    path: str
    timezone: str = "Asia/Jakarta"
    libraries: tuple[Library, ...] = ()
    campaigns: tuple[Campaign, ...] = ()
    instagram: InstagramOptions = field(default_factory=InstagramOptions)
    access: Access = field(default_factory=Access)
    instagram_graph: InstagramGraphOptions = field(default_factory=InstagramGraphOptions)
    categories: Categories = field(default_factory=lambda: Categories())
    digest: DigestOptions = field(default_factory=lambda: DigestOptions())
    network: NetworkOptions = field(default_factory=NetworkOptions)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def library(self, library_id: str) -> Library:
        for lib in self.libraries:
            if lib.id == library_id:
                return lib
        raise KeyError(library_id)


@dataclass(frozen=True)
class Settings:
    """Values from the environment (or Streamlit secrets). Secrets are kept out of repr."""

    config_path: str = DEFAULT_CONFIG
    database_url: str = DEFAULT_DATABASE_URL
    youtube_api_key: str | None = field(default=None, repr=False)
    youtube_api_url: str | None = None
    #: YouTube Analytics API root and OAuth token endpoint (proxies, the local test server)
    youtube_analytics_api_url: str | None = None
    youtube_oauth_token_url: str | None = None
    #: the "Desktop app" OAuth client downloaded from Google Cloud (client id and secret)
    youtube_oauth_client_file: str | None = None
    instagram_user: str | None = None
    instagram_session_file: str | None = None
    token_dir: str = DEFAULT_TOKEN_DIR
    #: official-API tokens by variable name: (the secret, "env" or "secrets")
    tokens: Mapping[str, tuple[str, str]] = field(default_factory=dict, repr=False)
    #: Instagram Graph API root for a proxy or the local test server (default Meta's)
    instagram_graph_api_url: str | None = None
    #: the library's own Meta app, for `connect instagram` only (the secret kept out of repr)
    meta_app_id: str | None = None
    meta_app_secret: str | None = field(default=None, repr=False)
    #: a short-lived user token from the Graph API Explorer, for `connect instagram` only
    meta_user_token: str | None = field(default=None, repr=False)
    #: the digest's mail server, as given (checked by :func:`smtp_settings`)
    smtp_host: str | None = None
    smtp_port: str | None = None
    smtp_starttls: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)


SETTING_NAMES = {
    "config_path": "JEJARING_CONFIG",
    "database_url": "JEJARING_DATABASE_URL",
    "youtube_api_key": "YOUTUBE_API_KEY",
    "youtube_api_url": "YOUTUBE_API_URL",
    "youtube_analytics_api_url": "YOUTUBE_ANALYTICS_API_URL",
    "youtube_oauth_token_url": "YOUTUBE_OAUTH_TOKEN_URL",
    "youtube_oauth_client_file": "YOUTUBE_OAUTH_CLIENT_FILE",
    "instagram_user": "INSTAGRAM_USER",
    "instagram_session_file": "INSTAGRAM_SESSION_FILE",
    "token_dir": "JEJARING_TOKEN_DIR",
    "instagram_graph_api_url": "INSTAGRAM_GRAPH_API_URL",
    "meta_app_id": "META_APP_ID",
    "meta_app_secret": "META_APP_SECRET",
    "meta_user_token": "META_USER_TOKEN",
    "smtp_host": "JEJARING_SMTP_HOST",
    "smtp_port": "JEJARING_SMTP_PORT",
    "smtp_starttls": "JEJARING_SMTP_STARTTLS",
    "smtp_user": "JEJARING_SMTP_USER",
    "smtp_password": "JEJARING_SMTP_PASSWORD",
}


def load_settings(
    environ: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> Settings:
    """Read settings from the environment; Streamlit secrets fill what the environment lacks."""
    environ = os.environ if environ is None else environ
    values: dict[str, str] = {}
    for attr, name in SETTING_NAMES.items():
        value = environ.get(name)
        if not value and secrets is not None:
            try:
                value = secrets.get(name)
            except Exception:  # st.secrets raises when no secrets file exists
                value = None
        if value:
            values[attr] = str(value)
    tokens: dict[str, tuple[str, str]] = {}
    for name in _secret_names(secrets):
        value = _secret(secrets, name)
        if _TOKEN_NAME_RE.match(name) and isinstance(value, str) and value:
            tokens[name] = (value, "secrets")
    for name, value in environ.items():
        if _TOKEN_NAME_RE.match(name) and value:
            tokens[name] = (value, "env")  # the environment wins over secrets
    return Settings(**values, tokens=tokens)


def _secret_names(secrets: Mapping[str, Any] | None) -> list[str]:
    if secrets is None:
        return []
    try:
        return [str(k) for k in secrets]
    except Exception:  # st.secrets raises when no secrets file exists
        return []


def _secret(secrets: Mapping[str, Any] | None, name: str) -> Any:
    try:
        return secrets.get(name) if secrets is not None else None
    except Exception:  # st.secrets raises when no secrets file exists
        return None


def secrets_files(cwd: Path | None = None, home: Path | None = None) -> list[Path]:
    """Where Streamlit looks for ``secrets.toml``, in its order (a later file wins): the
    user's ``~/.streamlit/secrets.toml``, then the project's ``.streamlit/secrets.toml`` in
    the folder the command runs from (the Jejaring folder, where the dashboard starts)."""
    cwd = Path.cwd() if cwd is None else cwd
    home = Path.home() if home is None else home
    found = [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]
    return list(dict.fromkeys(found))


def load_file_secrets(paths: list[Path] | None = None) -> dict[str, Any]:
    """Streamlit's secrets for commands that run without Streamlit (e.g. the digest): the
    top-level values of the files of :func:`secrets_files` that exist, a later file's
    winning. A file that cannot be read raises :class:`ConfigError` naming the file and
    the line, never a value."""
    values: dict[str, Any] = {}
    for path in secrets_files() if paths is None else paths:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(str(path), f"cannot be read: {type(exc).__name__}") from None
        try:
            values.update(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            # tomllib's message says where ("… (at line 3, column 10)"), never the value
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else None
            raise ConfigError(str(path), "is not valid TOML", line=line) from None
    return values


# ---------------------------------------------------------------------------
# TOML loading and validation


class _Lines:
    """Finds the line of a table entry or key in the raw TOML text, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def of(self, table: str | None, index: int | None = None, key: str | None = None) -> int | None:
        """The line of ``key`` in the ``index``-th ``[[table]]``, or in the single
        ``[table]`` when ``index`` is None (the table's header line without a key)."""
        start, stop = 0, len(self.lines)
        if table is not None:
            if index is None:
                header = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
                index = 0
            else:
                header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
            found = [i for i, line in enumerate(self.lines) if header.match(line)]
            if index >= len(found):
                return None
            start = found[index]
            nxt = [
                i
                for i, line in enumerate(self.lines)
                if i > start and line.lstrip().startswith("[")
            ]
            stop = nxt[0] if nxt else len(self.lines)
            if key is None:
                return start + 1
        if key is None:
            return None
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start, stop):
            if pattern.match(self.lines[i]):
                if table is None and any(line.lstrip().startswith("[") for line in self.lines[:i]):
                    return None  # a top-level key must come before the first table
                return i + 1
        return start + 1 if table is not None else None

    def nested(self, parent: str, parent_index: int, child: str, child_index: int) -> int | None:
        """The global index of the ``child_index``-th ``[[parent.child]]`` table written
        under the ``parent_index``-th ``[[parent]]`` (what :meth:`of` takes), or None."""
        parent_re = re.compile(rf"^\s*\[\[\s*{re.escape(parent)}\s*\]\]")
        child_re = re.compile(rf"^\s*\[\[\s*{re.escape(parent)}\.{re.escape(child)}\s*\]\]")
        parents = [i for i, line in enumerate(self.lines) if parent_re.match(line)]
        if parent_index >= len(parents):
            return None
        start = parents[parent_index]
        stop = parents[parent_index + 1] if parent_index + 1 < len(parents) else len(self.lines)
        children = [i for i, line in enumerate(self.lines) if child_re.match(line)]
        before = sum(1 for i in children if i < start)
        mine = [i for i in children if start < i < stop]
        return before + child_index if child_index < len(mine) else None


class _Validator:
    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.where = _Lines(text)

    def fail(
        self,
        message: str,
        *,
        table: str | None = None,
        index: int | None = None,
        entry: str | None = None,
        key: str | None = None,
    ) -> ConfigError:
        line = self.where.of(table, index, key)
        return ConfigError(self.path, message, entry=entry, field=key, line=line)

    def check_keys(
        self,
        data: Mapping[str, Any],
        allowed: set[str],
        table: str | None,
        index: int | None,
        entry: str | None,
    ) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(
                    f"unknown key; allowed keys are {', '.join(sorted(allowed))}",
                    table=table,
                    index=index,
                    entry=entry,
                    key=key,
                )


def _entry_name(table: str, index: int, data: Mapping[str, Any]) -> str:
    ident = data.get("id")
    return f"{table}[{index + 1}]" + (f" (id '{ident}')" if isinstance(ident, str) else "")


def _string_list(
    v: _Validator, data: Mapping[str, Any], key: str, table: str, index: int, entry: str
) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise v.fail("must be a list of strings", table=table, index=index, entry=entry, key=key)
    return tuple(x.strip() for x in value if x.strip())


def _text(
    v: _Validator,
    data: Mapping[str, Any],
    key: str,
    table: str,
    index: int,
    entry: str,
    required: bool = True,
    default: str = "",
) -> str:
    if key not in data:
        if required:
            raise v.fail("is missing", table=table, index=index, entry=entry, key=key)
        return default
    value = data[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise v.fail("must be a non-empty string", table=table, index=index, entry=entry, key=key)
    return value.strip()


def _ident(v: _Validator, data: Mapping[str, Any], table: str, index: int, entry: str) -> str:
    ident = _text(v, data, "id", table, index, entry)
    if not _ID_RE.match(ident):
        raise v.fail(
            f"'{ident}' is not a valid id: use lower-case letters, digits, '-' or '_' "
            "(at most 40 characters, starting with a letter or digit)",
            table=table,
            index=index,
            entry=entry,
            key="id",
        )
    return ident


_LIBRARY_KEYS = {
    "id",
    "name",
    "short_name",
    "color",
    "instagram",
    "youtube",
    "handles_confirmed",
    "instagram_path",
    "services",
}
_SERVICE_KEYS = {"kind", "name", "staff", "hours", "days", "silence_minutes"}
_HOURS_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CAMPAIGN_KEYS = {
    "id",
    "name",
    "start",
    "end",
    "libraries",
    "hashtags",
    "keywords",
    "include_urls",
    "exclude_urls",
}
_TOP_KEYS = {
    "timezone", "libraries", "campaigns", "instagram", "access", "instagram_graph",
    "categories", "digest", "network",
}  # fmt: skip
_ACCESS_KEYS = {"allowed_emails", "allowed_domains", "provider", "unverified_email_providers"}
_EMAIL_RE = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_PROVIDER_RE = re.compile(r"^[a-z0-9_]+$")
_DOMAIN_RE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_INSTAGRAM_KEYS = {"recheck_days", "max_posts_per_run"}


def _library(v: _Validator, data: Any, index: int) -> Library:
    table = "libraries"
    entry = _entry_name(table, index, data if isinstance(data, dict) else {})
    if not isinstance(data, dict):
        raise v.fail("must be a table", table=table, index=index, entry=entry)
    v.check_keys(data, _LIBRARY_KEYS, table, index, entry)
    ident = _ident(v, data, table, index, entry)
    name = _text(v, data, "name", table, index, entry)
    color = _text(v, data, "color", table, index, entry)
    if not _COLOR_RE.match(color):
        raise v.fail(
            f"'{color}' is not a colour; write it as '#rrggbb', e.g. '#1b7f3b'",
            table=table,
            index=index,
            entry=entry,
            key="color",
        )
    instagram = []
    for handle in _string_list(v, data, "instagram", table, index, entry):
        if not _INSTAGRAM_RE.match(handle) or ".." in handle or handle.strip("@").endswith("."):
            raise v.fail(
                f"'{handle}' is not an Instagram username (letters, digits, '.' and '_', "
                "at most 30 characters)",
                table=table,
                index=index,
                entry=entry,
                key="instagram",
            )
        instagram.append(handle.lstrip("@").lower())
    youtube = []
    for handle in _string_list(v, data, "youtube", table, index, entry):
        if not (_YT_HANDLE_RE.match(handle) or _YT_CHANNEL_RE.match(handle)):
            raise v.fail(
                f"'{handle}' is neither a YouTube @handle (e.g. '@perpustakaan') nor a channel id "
                "('UC' followed by 22 characters)",
                table=table,
                index=index,
                entry=entry,
                key="youtube",
            )
        youtube.append(handle.lower() if handle.startswith("@") else handle)
    confirmed = data.get("handles_confirmed", True)
    if not isinstance(confirmed, bool):
        raise v.fail(
            "must be true or false",
            table=table,
            index=index,
            entry=entry,
            key="handles_confirmed",
        )
    short = _text(v, data, "short_name", table, index, entry, required=False)
    path = data.get("instagram_path", "auto")
    if path not in INSTAGRAM_PATHS:
        raise v.fail(
            f"{path!r} is not an Instagram path; use one of " + ", ".join(INSTAGRAM_PATHS),
            table=table,
            index=index,
            entry=entry,
            key="instagram_path",
        )
    services = _services(v, data.get("services", []), index, entry)
    return Library(
        ident,
        name,
        color.lower(),
        tuple(instagram),
        tuple(youtube),
        short,
        confirmed,
        instagram_path=path,
        services=services,
    )


def _services(v: _Validator, raw: Any, lib_index: int, lib_entry: str) -> tuple[Service, ...]:
    """The ``[[libraries.services]]`` of one library, each error naming its line."""
    if not isinstance(raw, list) or not all(isinstance(x, dict) for x in raw):
        raise v.fail(
            "must be written as [[libraries.services]] tables",
            table="libraries",
            index=lib_index,
            entry=lib_entry,
            key="services",
        )
    services: list[Service] = []
    for j, data in enumerate(raw):
        index = v.where.nested("libraries", lib_index, "services", j)
        entry = f"{lib_entry} services[{j + 1}]"

        def fail(message: str, key: str | None = None, *, index=index, entry=entry) -> ConfigError:
            if index is None:  # written inline, not as a table: point at the library
                return v.fail(message, table="libraries", index=lib_index, entry=entry, key=key)
            return v.fail(message, table="libraries.services", index=index, entry=entry, key=key)

        for key in data:
            if key not in _SERVICE_KEYS:
                raise fail(f"unknown key; allowed keys are {', '.join(sorted(_SERVICE_KEYS))}", key)
        kind = data.get("kind")
        if kind not in SERVICE_KINDS:
            raise fail(
                f"{kind!r} is not a service kind; use one of {', '.join(SERVICE_KINDS)}"
                if "kind" in data
                else "is missing",
                "kind",
            )
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("must be a non-empty string" if "name" in data else "is missing", "name")
        staff = data.get("staff")
        if (
            not isinstance(staff, list)
            or not staff
            or not all(isinstance(x, str) and x.strip() for x in staff)
        ):
            raise fail(
                "must list the WhatsApp display names of the staff who answer, e.g. "
                '["Perpustakaan UMA"]',
                "staff",
            )
        hours = data.get("hours", "08:00-16:00")
        match = _HOURS_RE.match(hours) if isinstance(hours, str) else None
        times = None
        if match:
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60 and (h1, m1) < (h2, m2):
                times = (dt.time(h1, m1), dt.time(23, 59, 59) if h2 == 24 else dt.time(h2, m2))
        if times is None:
            raise fail(
                f"{hours!r} is not a span of service hours; write it like '08:00-16:00' "
                "(local time, opening before closing)",
                "hours",
            )
        days = data.get("days", ["mon", "tue", "wed", "thu", "fri"])
        if (
            not isinstance(days, list)
            or not days
            or not all(isinstance(d, str) and d.strip().lower()[:3] in WEEKDAYS for d in days)
        ):
            raise fail(f"must be a list of weekdays from {', '.join(WEEKDAYS)}", "days")
        silence = data.get("silence_minutes", 60)
        if isinstance(silence, bool) or not isinstance(silence, int) or not 5 <= silence <= 1440:
            raise fail("must be a whole number of minutes from 5 to 1440", "silence_minutes")
        if any(s.name.lower() == name.strip().lower() for s in services):
            raise fail(f"duplicate service name '{name.strip()}'", "name")
        services.append(
            Service(
                kind,
                name.strip(),
                tuple(dict.fromkeys(x.strip() for x in staff)),
                times[0],
                times[1],
                tuple(sorted({WEEKDAYS.index(d.strip().lower()[:3]) for d in days})),
                silence,
            )
        )
    return tuple(services)


def _date(v: _Validator, data: Mapping[str, Any], key: str, index: int, entry: str) -> dt.date:
    table = "campaigns"
    if key not in data:
        raise v.fail("is missing", table=table, index=index, entry=entry, key=key)
    value = data[key]
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise v.fail(
            "must be a date without quotes, like 2025-09-01",
            table=table,
            index=index,
            entry=entry,
            key=key,
        )
    return value


def _campaign(v: _Validator, data: Any, index: int, library_ids: set[str]) -> Campaign:
    table = "campaigns"
    entry = _entry_name(table, index, data if isinstance(data, dict) else {})
    if not isinstance(data, dict):
        raise v.fail("must be a table", table=table, index=index, entry=entry)
    v.check_keys(data, _CAMPAIGN_KEYS, table, index, entry)
    ident = _ident(v, data, table, index, entry)
    name = _text(v, data, "name", table, index, entry)
    start = _date(v, data, "start", index, entry)
    end = _date(v, data, "end", index, entry)
    if end < start:
        raise v.fail(
            f"end {end} is before start {start}", table=table, index=index, entry=entry, key="end"
        )
    libraries = _string_list(v, data, "libraries", table, index, entry)
    if not libraries:
        raise v.fail("names no library", table=table, index=index, entry=entry, key="libraries")
    for lib in libraries:
        if lib not in library_ids:
            raise v.fail(
                f"unknown library '{lib}'; known libraries are {', '.join(sorted(library_ids))}",
                table=table,
                index=index,
                entry=entry,
                key="libraries",
            )
    hashtags = tuple(
        "#" + h.lstrip("#").lower() for h in _string_list(v, data, "hashtags", table, index, entry)
    )
    for tag in hashtags:
        if not re.fullmatch(r"#\w+", tag):
            raise v.fail(
                f"'{tag}' is not a hashtag (letters, digits and '_' only)",
                table=table,
                index=index,
                entry=entry,
                key="hashtags",
            )
    return Campaign(
        ident,
        name,
        start,
        end,
        libraries,
        hashtags,
        _string_list(v, data, "keywords", table, index, entry),
        _string_list(v, data, "include_urls", table, index, entry),
        _string_list(v, data, "exclude_urls", table, index, entry),
    )


def _single_table(v: _Validator, data: Any, name: str, allowed: set[str]) -> dict[str, Any]:
    """A ``[name]`` table with only ``allowed`` keys; errors carry the key's line."""
    if not isinstance(data, dict):
        raise v.fail("must be a table", key=name)
    for key in data:
        if key not in allowed:
            raise v.fail(
                f"unknown key; allowed keys are {', '.join(sorted(allowed))}",
                table=name,
                entry=f"[{name}]",
                key=key,
            )
    return data


def _instagram_options(v: _Validator, data: Any) -> InstagramOptions:
    data = _single_table(v, data, "instagram", _INSTAGRAM_KEYS)
    values = {}
    for key in _INSTAGRAM_KEYS:
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise v.fail(
                    "must be a whole number of at least 1",
                    table="instagram",
                    entry="[instagram]",
                    key=key,
                )
            values[key] = value
    return InstagramOptions(**values)


# [network]: (smallest, largest) allowed; seconds for the two time limits
_NETWORK_LIMITS: dict[str, tuple[float, float]] = {
    "deadline": (1, 3600),
    "call_budget": (1, 86400),
    "retries": (0, 20),
}


def _network_options(v: _Validator, data: Any) -> NetworkOptions:
    data = _single_table(v, data, "network", set(_NETWORK_LIMITS))
    values: dict[str, Any] = {}
    for key, (low, high) in _NETWORK_LIMITS.items():
        if key not in data:
            continue
        value = data[key]
        whole = key == "retries"
        if (
            isinstance(value, bool)
            or not isinstance(value, int if whole else int | float)
            or not low <= value <= high
        ):
            what = "a whole number" if whole else "a number of seconds"
            raise v.fail(
                f"must be {what} from {low:g} to {high:g}",
                table="network",
                entry="[network]",
                key=key,
            )
        values[key] = value if whole else float(value)
    options = NetworkOptions(**values)
    if options.call_budget < options.deadline:
        raise v.fail(
            f"call_budget ({options.call_budget:g} s) is shorter than deadline "
            f"({options.deadline:g} s): one call could not even finish one request",
            table="network",
            entry="[network]",
            key="call_budget" if "call_budget" in data else "deadline",
        )
    return options


def parse_config(text: str, path: str = DEFAULT_CONFIG) -> Config:
    """Parse TOML text into a validated :class:`Config`; raise :class:`ConfigError` otherwise."""
    text = text.removeprefix("\ufeff")  # a byte-order mark (Windows Notepad) is no statement
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        line = int(match.group(1)) if match else None
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        if match:
            detail += f" (column {match.group(2)})"
        raise ConfigError(path, f"TOML syntax error: {detail}", line=line) from None
    v = _Validator(path, text)
    for key in data:
        if key not in _TOP_KEYS:
            raise v.fail(
                f"unknown top-level key; allowed keys are {', '.join(sorted(_TOP_KEYS))}",
                key=key,
            )
    timezone = data.get("timezone", "Asia/Jakarta")
    try:
        if not isinstance(timezone, str) or not timezone:
            raise ValueError
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise v.fail(
            f"'{timezone}' is not a time zone name; use an IANA name such as 'Asia/Jakarta'",
            key="timezone",
        ) from None

    raw_libraries = data.get("libraries", [])
    if not isinstance(raw_libraries, list) or not raw_libraries:
        raise v.fail("at least one [[libraries]] entry is needed", key="libraries")
    libraries = [_library(v, item, i) for i, item in enumerate(raw_libraries)]
    _no_duplicates(v, "libraries", [lib.id for lib in libraries])
    seen: dict[tuple[str, str], str] = {}
    for i, lib in enumerate(libraries):
        for platform, handle in lib.accounts():
            other = seen.setdefault((platform, handle), lib.id)
            if other != lib.id:
                raise v.fail(
                    f"{platform} account '{handle}' is also listed under library '{other}'",
                    table="libraries",
                    index=i,
                    entry=_entry_name("libraries", i, {"id": lib.id}),
                    key=platform,
                )

    raw_campaigns = data.get("campaigns", [])
    if not isinstance(raw_campaigns, list):
        raise v.fail("must be written as [[campaigns]] tables", key="campaigns")
    ids = {lib.id for lib in libraries}
    campaigns = [_campaign(v, item, i, ids) for i, item in enumerate(raw_campaigns)]
    _no_duplicates(v, "campaigns", [c.id for c in campaigns])
    options = _instagram_options(v, data.get("instagram", {}))
    access = _access(v, data.get("access", {}))
    graph = _instagram_graph_options(v, data.get("instagram_graph", {}))
    categories = _categories(v, data.get("categories", {}))
    digest = _digest(v, data.get("digest", {}))
    network = _network_options(v, data.get("network", {}))
    return Config(
        path,
        timezone,
        tuple(libraries),
        tuple(campaigns),
        options,
        access,
        graph,
        categories,
        digest,
        network,
    )


def _access(v: _Validator, data: Any) -> Access:
    data = _single_table(v, data, "access", _ACCESS_KEYS)
    lists = {}
    for key, pattern, example in (
        ("allowed_emails", _EMAIL_RE, "kepala@uma.ac.id"),
        ("allowed_domains", _DOMAIN_RE, "uma.ac.id"),
        ("unverified_email_providers", _PROVIDER_RE, "microsoft"),
    ):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise v.fail("must be a list of strings", table="access", entry="[access]", key=key)
        cleaned = tuple(x.strip().lower().lstrip("@") for x in value if x.strip())
        for item in cleaned:
            if not pattern.match(item):
                raise v.fail(
                    f"'{item}' is not valid; write it like '{example}'",
                    table="access",
                    entry="[access]",
                    key=key,
                )
        lists[key] = cleaned
    provider = data.get("provider", "")
    if not isinstance(provider, str) or not _PROVIDER_RE.fullmatch(provider or "x"):
        raise v.fail(
            "must be the name of an [auth.NAME] section, e.g. 'google'",
            table="access",
            entry="[access]",
            key="provider",
        )
    return Access(
        lists["allowed_emails"],
        lists["allowed_domains"],
        provider,
        lists["unverified_email_providers"],
    )


_GRAPH_KEYS = {"version": None, "refetch_days": (1, 30), "history_days": (1, 729),
               "slow_down_at": (10, 99)}  # fmt: skip


def _section_line(v: _Validator, section: str, key: str | None) -> int | None:
    """The line of ``key`` in a ``[section]`` table (or of its header), for messages."""
    lines = v.where.lines
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        return None
    if key is not None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i in range(start + 1, len(lines)):
            if lines[i].lstrip().startswith("["):
                break
            if pattern.match(lines[i]):
                return i + 1
    return start + 1


def _instagram_graph_options(v: _Validator, data: Any) -> InstagramGraphOptions:
    def fail(message: str, key: str | None = None) -> ConfigError:
        line = _section_line(v, "instagram_graph", key)
        return ConfigError(v.path, message, entry="[instagram_graph]", field=key, line=line)

    if not isinstance(data, dict):
        raise v.fail("must be a table", key="instagram_graph")
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _GRAPH_KEYS:
            raise fail(f"unknown key; allowed keys are {', '.join(sorted(_GRAPH_KEYS))}", key)
        bounds = _GRAPH_KEYS[key]
        if bounds is None:
            if not isinstance(value, str) or not re.fullmatch(r"v\d{1,3}\.\d{1,2}", value):
                raise fail(f"{value!r} is not a Graph API version; write it like 'v27.0'", key)
        elif isinstance(value, bool) or not isinstance(value, int):
            raise fail("must be a whole number", key)
        elif not bounds[0] <= value <= bounds[1]:
            raise fail(f"must be from {bounds[0]} to {bounds[1]}", key)
        values[key] = value
    return InstagramGraphOptions(**values)


def _no_duplicates(v: _Validator, table: str, ids: list[str]) -> None:
    for i, ident in enumerate(ids):
        first = ids.index(ident)
        if first != i:
            raise v.fail(
                f"duplicate id '{ident}' (already used by {table}[{first + 1}])",
                table=table,
                index=i,
                entry=f"{table}[{i + 1}]",
                key="id",
            )


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Load the configuration file (``JEJARING_CONFIG`` or ``jejaring.toml``).

    Only a regular file is opened (a named pipe would block for ever); a UTF-8 byte-order
    mark, as Windows Notepad writes, is accepted.
    """
    path = Path(path or load_settings().config_path)
    name = str(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(
            name, "file not found; copy jejaring.toml from the repository or set JEJARING_CONFIG"
        ) from None
    except OSError as exc:
        raise ConfigError(name, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise ConfigError(
            name, "is a folder, not a file; set JEJARING_CONFIG to the path of jejaring.toml"
        )
    if not stat.S_ISREG(mode):
        raise ConfigError(
            name,
            "is not a regular file (a named pipe, socket or device); set JEJARING_CONFIG to "
            "the path of jejaring.toml",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            name,
            f"cannot be read ({exc.strerror or exc}); let the user running Jejaring read it",
        ) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(name, f"not UTF-8 text ({exc.reason})") from None
    return parse_config(text, name)


# -- insights: content categories, weekly digest, the digest's mail server ----------------

#: Content categories of library posts after Doney, Wikle & Martinez (2020), "Likes,
#: Comments, Views: A Content Analysis of Academic Library Instagram Posts", ITAL 39(3).
CATEGORIES = ("showcasing", "orienting", "humanizing", "crowdsourcing")
#: A staff override meaning "none of the categories fits" (the rules' guess is overruled).
NO_CATEGORY = "none"
#: Default rules, Bahasa Indonesia and English; whole words / whole hashtags, any case.
DEFAULT_CATEGORY_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "showcasing": (
        ("koleksi", "koleksi baru", "buku baru", "e-journal", "e-book", "e-resources",
         "jurnal", "repositori", "ruang baca", "fasilitas", "layanan baru", "database",
         "new books", "new arrivals", "collection", "repository", "study room"),
        ("#koleksibaru", "#bukubaru", "#repositori", "#eresources", "#newbooks"),
    ),
    "orienting": (
        ("jam layanan", "jam buka", "panduan", "cara", "tutorial", "tips", "pengumuman",
         "jadwal", "libur", "alur", "syarat", "webinar", "opening hours", "guide", "how to",
         "announcement", "schedule", "closed"),
        ("#pengumuman", "#infoperpustakaan", "#tipsmahasiswa", "#webinar", "#announcement"),
    ),
    "humanizing": (
        ("pustakawan", "tim kami", "di balik layar", "kenalan", "selamat hari",
         "selamat ulang tahun", "terima kasih", "staf", "librarian", "our team",
         "behind the scenes", "meet the", "happy"),
        ("#pustakawan", "#timperpustakaan", "#dibaliklayar", "#behindthescenes",
         "#librarian"),
    ),
    "crowdsourcing": (
        ("kolom komentar", "tulis di komentar", "komentar di bawah", "vote", "polling", "kuis",
         "bagikan", "tag temanmu", "ceritakan", "menurutmu", "comment below", "tell us",
         "poll", "quiz", "share your"),
        ("#kuis", "#polling", "#giveaway", "#quiz"),
    ),
}  # fmt: skip


@dataclass(frozen=True)
class CategoryRule:
    category: str
    keywords: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()  # lower case, with '#'


def _default_rules() -> tuple[CategoryRule, ...]:
    return tuple(CategoryRule(c, *DEFAULT_CATEGORY_RULES[c]) for c in CATEGORIES)


@dataclass(frozen=True)
class Categories:
    """How posts get a content category: per-URL choices, then rules (see
    ``dashboard.insights.categorise``); ``order`` breaks ties between categories."""

    rules: tuple[CategoryRule, ...] = field(default_factory=_default_rules)
    order: tuple[str, ...] = ("crowdsourcing", "humanizing", "orienting", "showcasing")
    urls: Mapping[str, str] = field(default_factory=dict)  # post URL -> category


@dataclass(frozen=True)
class DigestOptions:
    recipients: tuple[str, ...] = ()
    language: str = "id"
    sender: str = ""


@dataclass(frozen=True)
class SmtpSettings:
    """The digest's mail server (from JEJARING_SMTP_*); the password is kept out of repr."""

    host: str
    port: int = 587
    starttls: bool = True
    user: str | None = None
    password: str | None = field(default=None, repr=False)


def smtp_settings(settings: Settings) -> SmtpSettings | None:
    """The mail server of ``settings``; None when JEJARING_SMTP_HOST is not set. A bad port
    or STARTTLS value raises :class:`ConfigError` naming the variable (never its secret)."""
    if not settings.smtp_host:
        return None
    port = 587
    if settings.smtp_port:
        try:
            port = int(settings.smtp_port)
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            raise ConfigError(
                "JEJARING_SMTP_PORT", f"'{settings.smtp_port}' is not a port number (e.g. 587)"
            ) from None
    starttls = True
    if settings.smtp_starttls:
        flag = settings.smtp_starttls.strip().lower()
        if flag not in ("true", "false", "1", "0", "yes", "no"):
            raise ConfigError("JEJARING_SMTP_STARTTLS", "must be true or false")
        starttls = flag in ("true", "1", "yes")
    if bool(settings.smtp_user) != bool(settings.smtp_password):
        raise ConfigError(
            "JEJARING_SMTP_USER" if not settings.smtp_user else "JEJARING_SMTP_PASSWORD",
            "JEJARING_SMTP_USER and JEJARING_SMTP_PASSWORD go together: set both or neither",
        )
    return SmtpSettings(
        settings.smtp_host.strip(), port, starttls, settings.smtp_user, settings.smtp_password
    )


def _section_line(v: _Validator, section: str, key: str | None = None) -> int | None:
    """The line of ``[section]`` (or of ``key`` in it): for errors in plain tables such as
    ``[categories.orienting]`` or ``[digest]``."""
    lines = v.where.lines
    parent, _, child = section.rpartition(".")
    header = re.compile(rf"^\s*\[\s*{re.escape(section)}\s*\]")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None and parent:
        # written inline in the parent table: orienting = { keywords = [...] }
        at = _section_line(v, parent, child)
        return at
    if start is None:
        return None
    if key is None:
        return start + 1
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=")
    for i in range(start + 1, len(lines)):
        if lines[i].lstrip().startswith("["):
            break
        if pattern.match(lines[i]):
            return i + 1
    return start + 1


def _section_error(v: _Validator, section: str, key: str | None, message: str) -> ConfigError:
    return ConfigError(
        v.path, message, entry=f"[{section}]", field=key, line=_section_line(v, section, key)
    )


def _section_strings(v: _Validator, data: Mapping[str, Any], section: str, key: str) -> list[str]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise _section_error(v, section, key, "must be a list of strings")
    return [x.strip() for x in value if x.strip()]


_CATEGORY_RULE_KEYS = {"keywords", "hashtags"}


def _categories(v: _Validator, data: Any) -> Categories:
    """``[categories]``: per category ``keywords`` and ``hashtags`` (each given list replaces
    that default), ``order`` (tie-break), and ``urls`` (post URL -> category)."""
    if not isinstance(data, dict):
        raise v.fail("must be a table", key="categories")
    known = {*CATEGORIES, "order", "urls"}
    for key in data:
        if key not in known:
            raise _section_error(
                v, "categories", key, f"unknown key; allowed keys are {', '.join(sorted(known))}"
            )
    rules = []
    for category in CATEGORIES:
        keywords, hashtags = DEFAULT_CATEGORY_RULES[category]
        section = f"categories.{category}"
        given = data.get(category, {})
        if not isinstance(given, dict):
            raise _section_error(v, "categories", category, "must be a table")
        for key in given:
            if key not in _CATEGORY_RULE_KEYS:
                raise _section_error(
                    v, section, key, "unknown key; allowed keys are hashtags, keywords"
                )
        if "keywords" in given:
            keywords = tuple(k.lower() for k in _section_strings(v, given, section, "keywords"))
        if "hashtags" in given:
            tags = [
                "#" + h.lstrip("#").lower() for h in _section_strings(v, given, section, "hashtags")
            ]
            for tag in tags:
                if not re.fullmatch(r"#\w+", tag):
                    raise _section_error(
                        v,
                        section,
                        "hashtags",
                        f"'{tag}' is not a hashtag (letters, digits and '_' only)",
                    )
            hashtags = tuple(tags)
        rules.append(CategoryRule(category, tuple(keywords), tuple(hashtags)))
    order = Categories().order
    if "order" in data:
        given_order = _section_strings(v, data, "categories", "order")
        if sorted(given_order) != sorted(CATEGORIES):
            raise _section_error(
                v, "categories", "order", f"must list each of {', '.join(CATEGORIES)} once"
            )
        order = tuple(given_order)
    urls = data.get("urls", {})
    if not isinstance(urls, dict):
        raise _section_error(v, "categories", "urls", 'must be a table of "post URL" = "category"')
    for url, category in urls.items():
        if category not in (*CATEGORIES, NO_CATEGORY):
            raise _section_error(
                v,
                "categories.urls",
                url,
                f"'{category}' is not a category; use one of {', '.join(CATEGORIES)} or "
                f"'{NO_CATEGORY}'",
            )
        if not url.startswith(("https://", "http://")):
            raise _section_error(v, "categories.urls", url, "is not a post URL (https://…)")
    return Categories(tuple(rules), order, dict(urls))


_DIGEST_KEYS = {"recipients", "language", "sender"}


def _digest(v: _Validator, data: Any) -> DigestOptions:
    """``[digest]``: recipients (e-mail addresses), language (id or en), sender."""
    if not isinstance(data, dict):
        raise v.fail("must be a table", key="digest")
    for key in data:
        if key not in _DIGEST_KEYS:
            raise _section_error(
                v, "digest", key, f"unknown key; allowed keys are {', '.join(sorted(_DIGEST_KEYS))}"
            )
    recipients = _section_strings(v, data, "digest", "recipients")
    for address in recipients:
        if not _EMAIL_RE.match(address):
            raise _section_error(v, "digest", "recipients", f"'{address}' is not an e-mail address")
    language = data.get("language", "id")
    if language not in ("id", "en"):
        raise _section_error(v, "digest", "language", "must be 'id' or 'en'")
    sender = data.get("sender", "")
    if not isinstance(sender, str) or (sender and not _EMAIL_RE.match(sender.strip())):
        raise _section_error(v, "digest", "sender", f"'{sender}' is not an e-mail address")
    return DigestOptions(tuple(recipients), language, sender.strip())

"""YouTube Analytics API v2 for channels whose library authorised Jejaring: daily channel
figures and lifetime per-video figures (owner insights), and the consent flow that stores a
library's refresh token.

Turns answers into records (added to the channel's ``AccountResult``) and connection facts;
knows no SQL and no Streamlit. Never prints, logs or stores a token or the client secret.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httplib2
from google.auth.exceptions import GoogleAuthError, RefreshError, TransportError
from google.oauth2.credentials import Credentials
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from collectors.config import Config, Settings
from collectors.errors import CollectorError, ConfigError, JejaringError, TransientError
from collectors.http import (
    DEFAULT_BUDGET,
    DEFAULT_DEADLINE,
    Budget,
    BudgetExhausted,
    DeadlineExceeded,
    DeadlineHttp,
)
from collectors.records import (
    AccountMetric,
    AccountResult,
    AccountState,
    Connection,
    PostMetric,
)
from collectors.tokens import TokenFileError, find_token, save_token
from collectors.youtube import (
    PLATFORM,
    Planned,
    YouTubeClient,
    YouTubeCollector,
    _reason,
)

log = logging.getLogger("jejaring.youtube_analytics")

SCOPES = (
    "https://www.googleapis.com/auth/yt-analytics.readonly",
    "https://www.googleapis.com/auth/youtube.readonly",
)
#: Channel figures per day and lifetime figures per video; one query may combine all of
#: them (Google's channel reports: "time-based" and "top videos" reports).
METRICS = (
    "views",
    "engagedViews",
    "estimatedMinutesWatched",
    "averageViewDuration",
    "subscribersGained",
    "subscribersLost",
    "likes",
    "comments",
    "shares",
)
SOURCE = "owner_insights"
ORIGIN = "youtubeAnalytics v2"
KIND = "youtube_analytics"
GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"  # noqa: S105 - an address
#: Analytics days are Pacific-time days (YouTube's reporting day); stored as YouTube gives them.
PACIFIC = ZoneInfo("America/Los_Angeles")
#: One query per year of days on the first backfill: small answers, and what was fetched
#: before a fault is kept (the next refresh continues from the last stored day).
CHUNK_DAYS = 365
#: Analytics lags 48-72 hours and revises recent days: re-fetch this many before the last
#: stored day.
REVISE_DAYS = 7
#: A video report needs a sort and returns at most 200 rows: query the channel's videos by
#: id, 200 at a time, so every video is covered (not only the top 200).
VIDEOS_PER_QUERY = 200
#: Before any channel existed (YouTube's first upload): a floor for an unknown first day.
YOUTUBE_FIRST_DAY = dt.date(2005, 4, 23)


@dataclass(frozen=True)
class Authorisation:
    """A library's stored YouTube authorisation: the refresh token and its OAuth client
    (secrets kept out of repr) and the non-secret facts recorded at connection."""

    library_id: str
    refresh_token: str = field(repr=False)
    client_id: str
    client_secret: str | None = field(repr=False)
    token_uri: str
    source: str  # env, secrets or file
    channel_id: str | None = None
    channel_title: str | None = None
    channel_published_at: dt.datetime | None = None
    scopes: tuple[str, ...] = SCOPES
    connected_since: dt.datetime | None = None

    def covers(self, channel_id: str | None) -> bool:
        """Whether this authorisation is for ``channel_id`` (unknown channels are tried: an
        authorisation from the environment does not name its channel)."""
        return self.channel_id is None or channel_id is None or self.channel_id == channel_id


class AuthorisationProblem(JejaringError):
    """A library's authorisation exists but cannot be used; carries a message key."""

    def __init__(self, key: str, **params: str) -> None:
        from collectors.messages import render

        self.key, self.params = key, params
        super().__init__(render(key, "en", **params))

    def for_account(self, account: str) -> CollectorError:
        return CollectorError(account, key=self.key, **self.params)


def load_authorisation(
    library_id: str, settings: Settings, warn: Callable[[str], None] = lambda text: None
) -> Authorisation | None:
    """The library's YouTube authorisation, or None when it never connected.

    The refresh token comes from ``YOUTUBE_TOKEN_<LIB>`` (environment or secrets) or the
    library's token file (written by ``connect``, which also holds the OAuth client); the
    client comes from that file or from ``YOUTUBE_OAUTH_CLIENT_FILE``. The token endpoint
    is the client's ``token_uri`` unless ``YOUTUBE_OAUTH_TOKEN_URL`` overrides it.
    """
    try:
        token = find_token("youtube", library_id, settings, warn)
    except TokenFileError:
        path = Path(settings.token_dir) / f"youtube-{library_id}.json"
        raise AuthorisationProblem(
            "youtube_analytics_token_file", library=library_id, path=str(path)
        ) from None
    if token is None:
        return None
    facts = dict(token.facts)
    client = {k: facts.get(k) for k in ("client_id", "client_secret", "token_uri")}
    if not client["client_id"] and settings.youtube_oauth_client_file:
        client = read_client_file(settings.youtube_oauth_client_file)
    if not client.get("client_id"):
        raise AuthorisationProblem("youtube_analytics_no_client", library=library_id)
    scopes = facts.get("scopes")
    return Authorisation(
        library_id=library_id,
        refresh_token=token.value,
        client_id=str(client["client_id"]),
        client_secret=client.get("client_secret"),
        token_uri=settings.youtube_oauth_token_url or client.get("token_uri") or GOOGLE_TOKEN_URI,
        source=token.source,
        channel_id=facts.get("channel_id") or None,
        channel_title=facts.get("channel_title") or None,
        channel_published_at=_time(facts.get("channel_published_at")),
        scopes=tuple(scopes) if isinstance(scopes, list) and scopes else SCOPES,
        connected_since=token.connected_since,
    )


def read_client_file(path: str | Path) -> dict[str, Any]:
    """client_id, client_secret and token_uri of an OAuth client file from Google Cloud
    (a "Desktop app" client: its JSON has an ``installed`` section)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ConfigError(
            str(path), "cannot be read as the OAuth client JSON downloaded from Google Cloud"
        ) from None
    section = data.get("installed") if isinstance(data, dict) else None
    if not isinstance(section, dict) or not section.get("client_id"):
        kind = "a 'Web application' client" if isinstance(data, dict) and "web" in data else ""
        raise ConfigError(
            str(path),
            f"is not a 'Desktop app' OAuth client{' (it is ' + kind + ')' if kind else ''}; "
            "in Google Cloud create an OAuth client of type 'Desktop app' and download its JSON",
        )
    return {
        "client_id": section["client_id"],
        "client_secret": section.get("client_secret"),
        "token_uri": section.get("token_uri") or GOOGLE_TOKEN_URI,
        "installed": section,
    }


def credentials(auth: Authorisation) -> Credentials:
    """google-auth user credentials that refresh themselves from the refresh token."""
    return Credentials(
        token=None,
        refresh_token=auth.refresh_token,
        token_uri=auth.token_uri,
        client_id=auth.client_id,
        client_secret=auth.client_secret,
        scopes=list(auth.scopes),
    )


def authorised_http(creds: Credentials, http: DeadlineHttp) -> AuthorizedHttp:
    """``http`` with the credentials: every API request AND every token refresh go through
    the same :class:`DeadlineHttp` (google_auth_httplib2 refreshes over the http it wraps),
    so a silent token endpoint is bounded like the API."""
    return AuthorizedHttp(creds, http=http)


class AnalyticsClient:
    """The youtubeAnalytics v2 resource of one library's authorisation, with error
    translation and a request count."""

    def __init__(
        self,
        auth: Authorisation,
        api_url: str | None = None,
        *,
        num_retries: int = 4,
        timeout: float = DEFAULT_DEADLINE,
        budget: float = DEFAULT_BUDGET,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.auth = auth
        self.num_retries = num_retries
        self.http = DeadlineHttp(deadline=timeout, budget=Budget(budget))
        self.credentials = credentials(auth)
        self.authed = authorised_http(self.credentials, self.http)
        self.requests = 0
        self.sleep = sleep
        options = {"api_endpoint": api_url.rstrip("/") + "/"} if api_url else None

        def request_builder(*args: Any, **kwargs: Any) -> HttpRequest:
            request = HttpRequest(*args, **kwargs)
            request._sleep = sleep  # backoff between retries; tests make it instant
            return request

        self.service = build(
            "youtubeAnalytics",
            "v2",
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
            http=self.authed,
            requestBuilder=request_builder,
        )

    def query(self, account: str, channel: str, **params: Any) -> dict[str, Any]:
        """One ``reports.query``; raises a :class:`CollectorError` naming library and
        channel."""
        request = self.service.reports().query(**params)
        self.requests += 1
        self.http.budget.start()
        try:
            return request.execute(num_retries=self.num_retries)
        except Exception as err:  # translated below; anything else is re-raised
            raise fault(err, account, self.auth.library_id, channel) from None


def fault(err: Exception, account: str, library: str, channel: str) -> CollectorError:
    """A Google API, token or network error as a message a librarian can act on."""
    where = {"library": library, "channel": channel}
    if isinstance(err, RefreshError):
        data = err.args[1] if len(err.args) > 1 and isinstance(err.args[1], Mapping) else {}
        code = str(data.get("error") or str(err).split(":", 1)[0]).strip()
        if code == "invalid_grant":
            return CollectorError(account, key="youtube_analytics_revoked", **where)
        return CollectorError(account, key="youtube_analytics_refused", error=code, **where)
    if isinstance(err, HttpError):
        status = err.resp.status
        reason, message, _details = _reason(err)
        if status == 429 or reason in (
            "quotaExceeded",
            "dailyLimitExceeded",
            "rateLimitExceeded",
            "userRateLimitExceeded",
        ):
            return CollectorError(account, key="youtube_analytics_quota", **where)
        if status == 401:
            return CollectorError(account, key="youtube_analytics_refused", error="401", **where)
        if status == 403 and (
            reason == "insufficientPermissions" or "SCOPE_INSUFFICIENT" in message
        ):
            return CollectorError(account, key="youtube_analytics_scopes", **where)
        if status == 403:
            return CollectorError(account, key="youtube_analytics_forbidden", **where)
        if status >= 500:
            return TransientError(
                account, key="youtube_analytics_unreachable", error=f"HTTP {status}", **where
            )
        return CollectorError(
            account,
            key="youtube_analytics_failed",
            status=status,
            reason=reason or "error",
            **where,
        )
    if isinstance(
        err,
        DeadlineExceeded | BudgetExhausted | OSError | httplib2.HttpLib2Error | TransportError,
    ):
        return TransientError(
            account, key="youtube_analytics_unreachable", error=type(err).__name__, **where
        )
    if isinstance(err, GoogleAuthError):
        return CollectorError(
            account, key="youtube_analytics_refused", error=type(err).__name__, **where
        )
    raise err


# -- reading reports -------------------------------------------------------------------


def table_rows(table: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Rows of a ``youtubeAnalytics#resultTable`` as dicts keyed by column name (the
    ``columnHeaders`` order: dimensions, then metrics); no ``rows`` key means no data."""
    names = [h.get("name") for h in table.get("columnHeaders") or []]
    for row in table.get("rows") or []:
        if isinstance(row, list) and len(row) == len(names):
            yield dict(zip(names, row, strict=True))
        else:
            log.warning("YouTube Analytics sent a row that does not match its columns; skipped")


def day_ranges(start: dt.date, end: dt.date, size: int = CHUNK_DAYS) -> Iterator[tuple]:
    """[start, end] in consecutive inclusive ranges of at most ``size`` days."""
    while start <= end:
        stop = min(end, start + dt.timedelta(days=size - 1))
        yield start, stop
        start = stop + dt.timedelta(days=1)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class OwnerCollector:
    """Adds the owner figures of connected channels to their :class:`AccountResult`.

    One client per library; once the Analytics quota is spent, the remaining channels wait
    for the next refresh (their public figures are still collected).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        sleep: Callable[[float], None] = time.sleep,
        num_retries: int = 4,
        timeout: float = DEFAULT_DEADLINE,
        budget: float = DEFAULT_BUDGET,
    ) -> None:
        self.settings = settings
        self.now = now
        self.options = {
            "num_retries": num_retries,
            "timeout": timeout,
            "budget": budget,
            "sleep": sleep,
        }
        self.clients: dict[str, AnalyticsClient] = {}
        self.quota_spent = False

    def authorisations(
        self, libraries: Iterable[str], warn: Callable[[str], None]
    ) -> dict[str, Authorisation | AuthorisationProblem]:
        """Each library's authorisation (or the problem with it); libraries that never
        connected are left out."""
        found: dict[str, Authorisation | AuthorisationProblem] = {}
        for library in dict.fromkeys(libraries):
            try:
                auth = load_authorisation(library, self.settings, warn)
            except AuthorisationProblem as problem:
                found[library] = problem
                continue
            except ConfigError as err:  # YOUTUBE_OAUTH_CLIENT_FILE unreadable
                found[library] = AuthorisationProblem(
                    "youtube_analytics_no_client", library=library
                )
                warn(str(err))
                continue
            if auth is not None:
                found[library] = auth
        return found

    def _network(self) -> dict[str, Any]:
        """The deadline, call budget, retries and pause of every client made here (the
        Data API's with a library's authorisation too): ``[network]`` in jejaring.toml."""
        return {
            "num_retries": self.options["num_retries"],
            "timeout": self.options["timeout"],
            "budget": self.options["budget"],
            "sleep": self.options["sleep"],
        }

    def client(self, auth: Authorisation) -> AnalyticsClient:
        if auth.library_id not in self.clients:
            self.clients[auth.library_id] = AnalyticsClient(
                auth, self.settings.youtube_analytics_api_url, **self.options
            )
        return self.clients[auth.library_id]

    def public_with_oauth(
        self, plan: Planned, auth: Authorisation, full: bool, tz: str
    ) -> AccountResult:
        """The channel's Data API collection with the library's own authorisation (when no
        API key is set); units count against the OAuth client's project."""
        client = YouTubeClient(
            None,
            self.settings.youtube_api_url,
            tz=tz,
            credentials=self.client(auth).credentials,
            **self._network(),
        )
        try:
            [result] = list(YouTubeCollector(client, full=full).collect([plan]))
        except GoogleAuthError as err:  # the token refresh failed before any figure came
            channel = plan.state.external_id or plan.account.handle
            result = AccountResult(plan.account, started_at=self.now())
            result.error = fault(err, plan.account.handle, auth.library_id, channel)
        return result

    def add(
        self,
        result: AccountResult,
        state: AccountState,
        auth: Authorisation | AuthorisationProblem | None,
    ) -> Connection | None:
        """Collect the channel's owner figures into ``result`` when its library authorised
        this channel; returns the connection facts to record (None: not connected)."""
        if auth is None or result.skipped:
            return None
        ref = result.account
        channel = (result.snapshot.external_id if result.snapshot else None) or state.external_id
        if isinstance(auth, AuthorisationProblem):
            self._failed(result, auth.for_account(ref.handle))
            return None
        if channel is None or not auth.covers(channel):
            return None
        result.path = "data_api_oauth"
        client = self.client(auth)
        before = client.requests
        captured = self.now()
        last_day = state.last_owner_day
        error: CollectorError | None = None
        if self.quota_spent:
            where = {"library": auth.library_id, "channel": channel}
            error = CollectorError(ref.handle, key="youtube_analytics_quota", **where)
        else:
            try:
                last_day = self._collect(client, auth, channel, result, state, captured)
            except CollectorError as err:
                error = err
                self.quota_spent = err.key == "youtube_analytics_quota"
                stored = [m.day for m in result.account_metrics if m.source == SOURCE]
                last_day = max([*stored, *([last_day] if last_day else [])], default=None)
        result.requests += client.requests - before
        if error is not None:
            self._failed(result, error)
        status = "ok"
        if error is not None:
            status = "revoked" if error.key == "youtube_analytics_revoked" else "error"
        detail = {
            "last_day": last_day.isoformat() if last_day else None,
            "error_key": error.key if error is not None else None,
            "error_params": error.params if error is not None else None,
        }
        return Connection(
            library_id=auth.library_id,
            platform=PLATFORM,
            kind=KIND,
            status=status,
            checked_at=captured,
            token_source=auth.source,
            external_id=channel,
            account=ref,
            connected_since=auth.connected_since,
            scopes=auth.scopes,
            detail=json.dumps(detail, sort_keys=True),
        )

    def _failed(self, result: AccountResult, error: CollectorError) -> None:
        """The account's error is the first one (the Data API's, if any); a later Analytics
        fault goes to the refresh log instead of replacing it."""
        if result.error is None:
            result.error = error
        else:
            log.warning("%s", error)

    def _collect(
        self,
        client: AnalyticsClient,
        auth: Authorisation,
        channel: str,
        result: AccountResult,
        state: AccountState,
        captured: dt.datetime,
    ) -> dt.date | None:
        """Daily channel figures (backfill from the first day, then the last days again)
        and lifetime figures of every known video; returns the last day with data."""
        ref = result.account
        today = captured.astimezone(PACIFIC).date()
        first = self._first_day(client, auth, channel, result, state)
        start = first
        if state.last_owner_day is not None:  # revised days again, then the new ones
            start = max(first, state.last_owner_day - dt.timedelta(days=REVISE_DAYS))
        last_day = state.last_owner_day
        metrics = ",".join(METRICS)
        for begin, end in day_ranges(start, today):
            table = client.query(
                ref.handle,
                channel,
                ids=f"channel=={channel}",
                startDate=begin.isoformat(),
                endDate=end.isoformat(),
                metrics=metrics,
                dimensions="day",
                sort="day",
            )
            for row in table_rows(table):
                try:
                    day = dt.date.fromisoformat(str(row.pop("day")))
                except (KeyError, ValueError):
                    log.warning("YouTube Analytics sent a row without a valid day; skipped")
                    continue
                last_day = max(day, last_day) if last_day else day
                result.account_metrics.extend(
                    AccountMetric(ref, day, name, value, SOURCE, captured, ORIGIN)
                    for name, value in row.items()
                    if name in METRICS
                )
        videos = sorted({*state.known_posts, *(p.post_id for p in result.posts)})
        for chunk in _chunks(videos, VIDEOS_PER_QUERY):
            table = client.query(
                ref.handle,
                channel,
                ids=f"channel=={channel}",
                startDate=first.isoformat(),
                endDate=today.isoformat(),
                metrics=metrics,
                dimensions="video",
                filters="video==" + ",".join(chunk),
                sort="-views",
                maxResults=VIDEOS_PER_QUERY,
            )
            wanted = set(chunk)
            for row in table_rows(table):
                video = row.pop("video", None)
                if video not in wanted:  # only videos stored as posts (their key)
                    continue
                result.post_metrics.extend(
                    PostMetric(ref, PLATFORM, video, name, value, SOURCE, captured, None, ORIGIN)
                    for name, value in row.items()
                    if name in METRICS
                )
        return last_day

    def _first_day(
        self,
        client: AnalyticsClient,
        auth: Authorisation,
        channel: str,
        result: AccountResult,
        state: AccountState,
    ) -> dt.date:
        """The channel's first day (Pacific): from the connection's facts, else one
        ``channels.list`` with the library's authorisation (1 unit)."""
        created = auth.channel_published_at if auth.channel_id == channel else None
        if created is None:
            youtube = YouTubeClient(
                None,
                self.settings.youtube_api_url,
                credentials=client.credentials,
                **self._network(),
            )
            from collectors.youtube import Meter

            meter = Meter()
            try:
                answer = youtube.call(
                    "channels.list", meter, result.account.handle, part="snippet", id=channel
                )
            except GoogleAuthError as err:
                raise fault(err, result.account.handle, auth.library_id, channel) from None
            finally:
                result.api_units += meter.units
                result.requests += meter.requests
            items = answer.get("items") or [{}]
            created = _time(items[0].get("snippet", {}).get("publishedAt"))
        if created is None:
            return YOUTUBE_FIRST_DAY
        return max(YOUTUBE_FIRST_DAY, created.astimezone(PACIFIC).date())


# -- connecting (on a staff member's machine) --------------------------------------------


class ConnectError(JejaringError):
    """The consent flow did not end with a usable authorisation; nothing was saved."""


def connect(
    library_id: str,
    config: Config,
    settings: Settings,
    client_file: str | None = None,
    *,
    port: int = 0,
    open_browser: bool = True,
    out: Callable[[str], None] = print,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> Path:
    """Run Google's consent flow for a library's YouTube channel and save its refresh token.

    The browser returns to a loopback address (``InstalledAppFlow.run_local_server``; the
    copy-and-paste "out-of-band" flow no longer exists). The authorised channel must be
    one of the library's configured channels. Prints what was connected, never a token.
    """
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        library = config.library(library_id)
    except KeyError:
        raise ConfigError(config.path, f"no library with id '{library_id}'") from None
    path = client_file or settings.youtube_oauth_client_file
    if not path:
        raise ConfigError(
            "YOUTUBE_OAUTH_CLIENT_FILE",
            "not set: download the 'Desktop app' OAuth client JSON from Google Cloud and "
            "pass it with --client-file or set YOUTUBE_OAUTH_CLIENT_FILE",
        )
    client = read_client_file(path)
    installed = dict(client["installed"])
    if settings.youtube_oauth_token_url:
        installed["token_uri"] = settings.youtube_oauth_token_url
    # Google lets a person untick a permission: oauthlib would then stop with a bare
    # "Scope has changed" warning; relaxed, the check below names what is missing.
    os.environ.setdefault("OAUTHLIB_RELAX_TOKEN_SCOPE", "1")
    flow = InstalledAppFlow.from_client_config({"installed": installed}, scopes=list(SCOPES))
    _bound(flow.oauth2session)
    try:
        creds = flow.run_local_server(
            host="localhost",
            port=port,
            open_browser=open_browser,
            authorization_prompt_message=(
                f"Sign in with the Google account of {library.name}'s YouTube channel "
                "(choose the channel's brand account if asked) and allow both permissions:\n"
                "{url}"
            ),
            success_message="Jejaring is connected. You may close this window.",
            timeout_seconds=600,
            access_type="offline",
            prompt="consent",  # a refresh token every time, even after an earlier consent
        )
    except Exception as err:  # the flow's own errors: say what happened, never the token
        raise ConnectError(f"the Google sign-in did not finish ({type(err).__name__}: "
                           f"{_first_line(err)})") from None  # fmt: skip
    if not creds.refresh_token:
        raise ConnectError("Google returned no refresh token; run the command again")
    granted = set(creds.granted_scopes or creds.scopes or ())
    missing = [s for s in SCOPES if s not in granted]
    if missing:
        raise ConnectError(
            "not every permission was allowed (missing: "
            + ", ".join(s.rsplit("/", 1)[-1] for s in missing)
            + "); run the command again and tick both boxes"
        )
    channel = _my_channel(creds, settings)
    if channel is None:
        raise ConnectError("the Google account that signed in has no YouTube channel")
    configured = {h.lower() for h in library.youtube}
    custom = str(channel.get("snippet", {}).get("customUrl") or "").lower()
    if channel["id"].lower() not in configured and custom not in configured:
        raise ConnectError(
            f"the authorised channel {channel['id']} ({custom or 'no handle'}) is not one of "
            f"library '{library_id}''s YouTube channels ({', '.join(library.youtube) or 'none'}"
            f" in {config.path}); sign in with that channel's account. Nothing was saved."
        )
    snippet = channel.get("snippet", {})
    connected = now()
    saved = save_token(
        settings.token_dir,
        "youtube",
        library_id,
        {
            "token": creds.refresh_token,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
            "token_uri": installed.get("token_uri") or GOOGLE_TOKEN_URI,
            "channel_id": channel["id"],
            "channel_title": snippet.get("title"),
            "channel_published_at": snippet.get("publishedAt"),
            "scopes": list(SCOPES),
            "connected_since": connected,
        },
    )
    out(
        f"Connected library '{library_id}' to YouTube channel '{snippet.get('title')}' "
        f"({channel['id']}{', ' + custom if custom else ''}).\n"
        f"Scopes: {', '.join(SCOPES)}.\n"
        f"The authorisation is saved in {saved} (readable by you only); keep it secret. The "
        "next refresh collects the channel's YouTube Analytics figures, from its first day."
    )
    return saved


def _bound(session: Any) -> None:
    """Give the code exchange (google-auth-oauthlib uses requests) a timeout: requests
    waits for ever without one. A person watches this command, so a per-read timeout is
    enough here."""
    original = session.request

    def request(*args: Any, **kwargs: Any) -> Any:
        kwargs["timeout"] = kwargs.get("timeout") or DEFAULT_DEADLINE
        return original(*args, **kwargs)

    session.request = request


def _my_channel(creds: Credentials, settings: Settings) -> dict[str, Any] | None:
    """The authorised account's own channel (``channels.list(mine=true)``, 1 unit)."""
    from collectors.youtube import Meter

    client = YouTubeClient(None, settings.youtube_api_url, credentials=creds)
    try:
        answer = client.call("channels.list", Meter(), "connect", part="id,snippet", mine=True)
    except (CollectorError, GoogleAuthError) as err:
        raise ConnectError(f"YouTube did not tell which channel signed in: {err}") from None
    items = answer.get("items") or []
    return items[0] if items else None


def _first_line(err: Exception) -> str:
    return (str(err).splitlines() or [""])[0][:200]

"""Instagram Graph API collector ("Instagram API with Facebook Login") for the libraries' own
professional accounts: account size, daily account insights, media with their insights, the
tags edge, and business discovery of partners that have no token of their own.

Yields records only: no SQL, no Streamlit. A token goes into the Authorization header and
nowhere else; no URL is ever logged or put into an error.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from collectors import http
from collectors.config import Config, Settings
from collectors.errors import (
    AccountNotFound,
    AuthFailed,
    CollectorError,
    RateLimited,
    TransientError,
)
from collectors.paging import PageGuard, PagingStopped
from collectors.records import (
    AccountMetric,
    AccountRef,
    AccountResult,
    AccountSnapshot,
    AccountState,
    Connection,
    PostMetric,
    PostSnapshot,
    hashtags_in,
    mentions_in,
)
from collectors.tokens import Token, TokenFileError, find_token, token_path

UTC = dt.UTC
PLATFORM = "instagram"
DEFAULT_API_URL = "https://graph.facebook.com/"
SOURCE = "owner_insights"
#: Meta reports insights by its own day, midnight to midnight Pacific time (the end_time of
#: a daily value is the next midnight there); Jejaring files them under that date.
INSIGHT_TZ = ZoneInfo("America/Los_Angeles")
MAX_WINDOW_SECONDS = 30 * 86400  # Meta: since and until at most 30 days apart
PAGE_SIZE = 50
#: Retries of a call after a 5xx, a timeout, a cut-off or a non-JSON answer, unless
#: ``[network] retries`` says otherwise (GraphClient's ``retries``).
DEFAULT_RETRIES = 2
MAX_PAUSE = 60.0  # longest slow-down pause (seconds) before the usage limit
EXPIRING_DAYS = 7
#: Query parameters that carry secrets (the token exchange): kept out of error messages.
SECRET_PARAMS = ("client_secret", "fb_exchange_token", "input_token", "access_token")
REQUIRED_SCOPES = ("instagram_basic", "instagram_manage_insights", "pages_read_engagement")

ACCOUNT_FIELDS = "id,username,name,followers_count,follows_count,media_count"
MEDIA_FIELDS = (
    "id,caption,media_type,media_product_type,permalink,timestamp,like_count,"
    "comments_count,thumbnail_url,media_url"
)
TAG_FIELDS = (
    "id,username,caption,media_type,permalink,timestamp,like_count,comments_count,media_url"
)
#: media_url is a public field of IG Media (edges such as business discovery return it;
#: thumbnail_url is not, and media_url is left out for videos with licensed audio).
BD_MEDIA_FIELDS = "id,caption,like_count,comments_count,media_type,timestamp,permalink,media_url"
BD_FIELDS = "id,username,name,followers_count,follows_count,media_count"

#: Account insights that take metric_type=total_value, one day per request (Meta's
#: "Instagram Account Insights" reference); reach also has a daily time series.
ACCOUNT_TOTALS = (
    "views",
    "profile_views",
    "accounts_engaged",
    "total_interactions",
    "profile_links_taps",
)
FOLLOW_TYPES = {"FOLLOWER": "follows", "NON_FOLLOWER": "unfollows"}
DAILY_METRICS = ("reach", *ACCOUNT_TOTALS, *FOLLOW_TYPES.values())
MEDIA_METRICS = ("reach", "views", "saved", "shares", "total_interactions")
REEL_METRICS = (*MEDIA_METRICS, "ig_reels_avg_watch_time")
#: What the Graph API does not say about a post: the stored value is kept (the records'
#: "not written over a stored value" set), so a switch from instaloader loses nothing.
NOT_IN_GRAPH = frozenset({"tagged", "coauthors", "is_pinned", "views", "plays", "duration_s"})

RATE_LIMIT_CODES = {4, 17, 32, 613, 80001, 80002}
PERMISSION_CODES = {10, 200}
# OAuthException 190 subcodes (Meta's "Access Token" error guide): 463 = expired; the others
# (458 app removed, 459 checkpoint, 460 password changed, 464 unconfirmed, 467 invalid, 492
# session invalidated) mean the token will not work again.
EXPIRED_SUBCODES = {463}

Sleep = Callable[[float], None]
Clock = Callable[[], dt.datetime]


# -- the client -------------------------------------------------------------------


class GraphApiError(Exception):
    """An answer of the Graph API that is an error (the message never carries a token or
    a URL); translated into a CollectorError at the collector's edge."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        code: int | None = None,
        subcode: int | None = None,
        kind: str = "",
        regain_minutes: int = 0,
    ) -> None:
        self.status = status
        self.code = code
        self.subcode = subcode
        #: "api" (Meta's error JSON), "unreachable", "not_json", "usage" (our own stop)
        self.kind = kind
        self.regain_minutes = regain_minutes
        super().__init__(message)

    @property
    def rate_limited(self) -> bool:
        return self.kind == "usage" or self.code in RATE_LIMIT_CODES

    @property
    def token_invalid(self) -> bool:
        return self.code == 190

    @property
    def permission(self) -> bool:
        return self.code in PERMISSION_CODES


def read_usage(headers: Mapping[str, str]) -> tuple[int, int]:
    """The highest usage percentage in ``X-App-Usage`` and ``X-Business-Use-Case-Usage``,
    and the longest ``estimated_time_to_regain_access`` (minutes) found there."""
    percent, regain = 0, 0
    entries: list[Any] = []
    for name in ("x-app-usage", "x-business-use-case-usage"):
        raw = headers.get(name)
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if name == "x-app-usage":
            entries.append(data)
        elif isinstance(data, dict):
            for value in data.values():
                entries.extend(value if isinstance(value, list) else [value])
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        for key in ("call_count", "total_cputime", "total_time"):
            value = entry.get(key)
            if isinstance(value, int | float) and not isinstance(value, bool):
                percent = max(percent, int(value))
        value = entry.get("estimated_time_to_regain_access")
        if isinstance(value, int | float) and not isinstance(value, bool):
            regain = max(regain, int(value))
    return percent, regain


class GraphClient:
    """GET requests to the Graph API through :func:`collectors.http.request`: a total
    deadline each (``deadline`` seconds), at most ``retries`` retries within ``budget``
    seconds per call (``[network]`` in jejaring.toml), and the usage headers read after
    every answer (slow down from ``slow_down_at`` percent, stop at the limit)."""

    def __init__(
        self,
        token: str | None,
        *,
        version: str,
        api_url: str | None = None,
        sleep: Sleep = time.sleep,
        slow_down_at: int = 75,
        deadline: float = http.DEFAULT_DEADLINE,
        retries: int = DEFAULT_RETRIES,
        budget: float = http.DEFAULT_BUDGET,
    ) -> None:
        self._token = token
        self.version = version
        self.root = (api_url or DEFAULT_API_URL).rstrip("/") + "/" + version + "/"
        self.sleep = sleep
        self.slow_down_at = slow_down_at
        self.deadline = deadline
        self.retries = max(0, int(retries))
        self.budget = budget
        self.requests = 0
        self.usage = 0
        self.regain_minutes = 0
        self.paused = 0.0

    def get(
        self, path: str, params: Mapping[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        """The JSON object at ``path``; raises :class:`GraphApiError`."""
        self._pace()
        secret = token or self._token
        headers = {"Accept": "application/json"}
        if secret:
            headers["Authorization"] = f"Bearer {secret}"
        url = self.root + quote(path, safe="/") + ("?" + urlencode(params) if params else "")
        last = GraphApiError("no answer", kind="unreachable")
        budget = http.Budget(self.budget)
        budget.start()
        for attempt in range(self.retries + 1):
            if attempt:
                pause = 2.0**attempt
                if budget.left() <= pause:  # no time left for another attempt
                    break
                self.sleep(pause)
            left = budget.left()
            if left <= 0:
                break
            self.requests += 1
            try:
                answer = http.request(
                    "GET", url, headers=headers, deadline=min(self.deadline, left)
                )
            except (http.DeadlineExceeded, http.TruncatedResponse, OSError) as err:
                last = GraphApiError(_transport_words(err), kind="unreachable")
                continue
            self.usage, self.regain_minutes = read_usage(answer.headers)
            data = _json_object(answer.body)
            if data is None:  # an HTML page, a proxy's notice, an empty body
                kind = answer.headers.get("content-type", "").split(";")[0].strip() or "no type"
                last = GraphApiError(
                    f"HTTP {answer.status}, {kind}", status=answer.status, kind="not_json"
                )
                continue
            error = data.get("error")
            if isinstance(error, dict):
                hidden = [secret, *(str(params[k]) for k in SECRET_PARAMS if k in (params or {}))]
                err = _api_error(error, answer.status, self.regain_minutes, hidden)
                if not _transient(err, error):
                    raise err
                last = err
                continue
            if answer.status >= 500:
                last = GraphApiError(
                    f"HTTP {answer.status}", status=answer.status, kind="unreachable"
                )
                continue
            return data
        raise last

    def _pace(self) -> None:
        """Wait before a request when the last answer said usage is high; refuse it at the
        limit (Meta would throttle it, and every further call extends the block)."""
        if self.usage >= 100 or self.regain_minutes > 0:
            raise GraphApiError(
                f"usage at {self.usage}%",
                kind="usage",
                regain_minutes=self.regain_minutes,
            )
        if self.usage >= self.slow_down_at:
            pause = MAX_PAUSE * (self.usage - self.slow_down_at) / (100 - self.slow_down_at)
            pause = max(1.0, round(pause, 1))
            self.paused += pause
            self.sleep(pause)


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _transport_words(err: BaseException) -> str:
    if isinstance(err, http.DeadlineExceeded):
        return "no complete answer in time"
    if isinstance(err, http.TruncatedResponse):
        return "the answer was cut off"
    return f"no connection ({type(err).__name__})"


def _api_error(
    error: Mapping[str, Any], status: int, regain: int, secrets: list[str | None]
) -> GraphApiError:
    code = error.get("code")
    subcode = error.get("error_subcode")
    message = str(error.get("error_user_msg") or error.get("message") or "error")
    for secret in secrets:  # Meta quotes a malformed token back in some messages
        if secret:
            message = message.replace(secret, "<secret>")
    message = re.sub(r"\s+", " ", message).strip()[:200]
    return GraphApiError(
        message,
        status=status,
        code=code if isinstance(code, int) else None,
        subcode=subcode if isinstance(subcode, int) else None,
        kind="api",
        regain_minutes=regain,
    )


def _transient(err: GraphApiError, error: Mapping[str, Any]) -> bool:
    """Meta's own temporary faults (is_transient, code 2 "service unavailable", a 5xx) are
    retried; rate limits are not (retrying extends the block), nor OAuth refusals."""
    if err.rate_limited or err.token_invalid:
        return False
    return bool(error.get("is_transient")) or err.code == 2 or err.status >= 500


def paginate(
    client: GraphClient,
    path: str,
    params: Mapping[str, Any],
    guard: PageGuard,
    *,
    token: str | None = None,
) -> Iterator[dict[str, Any]]:
    """The items of a cursor-paged edge, page after page (Meta's ``paging.cursors.after``,
    followed while ``paging.next`` says there is more)."""
    cursor: str | None = None
    while True:
        query = dict(params)
        if cursor:
            query["after"] = cursor
        page = client.get(path, query, token=token)
        yield from (item for item in page.get("data") or [] if isinstance(item, dict))
        paging = page.get("paging") or {}
        cursor = (paging.get("cursors") or {}).get("after") if paging.get("next") else None
        if not guard.next_page(cursor):
            return


# -- records ----------------------------------------------------------------------

_SHORTCODE_RE = re.compile(r"instagram\.com/(?:[A-Za-z0-9._]+/)?(?:p|reel|reels|tv)/([\w-]+)")


def shortcode_of(permalink: str | None) -> str | None:
    """The post's shortcode from its permalink: the key instaloader's posts already have."""
    match = _SHORTCODE_RE.search(permalink or "")
    return match.group(1) if match else None


def media_kind(item: Mapping[str, Any]) -> str:
    """REELS -> reel, CAROUSEL_ALBUM -> carousel, VIDEO in the feed -> video, else image.
    Without media_product_type (business discovery, tags) a /reel/ permalink tells."""
    if item.get("media_product_type") == "REELS" or "/reel/" in str(item.get("permalink")):
        return "reel"
    media_type = item.get("media_type")
    if media_type == "CAROUSEL_ALBUM":
        return "carousel"
    if media_type == "VIDEO":
        return "video"
    return "image"


def _count(value: Any) -> int | None:
    """A count as the API gives it; absent (a hidden like count) is None, never 0."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= 0 else None


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def media_record(
    account: AccountRef,
    item: Mapping[str, Any],
    captured_at: dt.datetime,
    *,
    tagged: tuple[str, ...] = (),
    keep: frozenset[str] = NOT_IN_GRAPH,
) -> PostSnapshot | None:
    """An IG Media object as a post record keyed by its shortcode; None without a
    timestamp. ``keep`` names what this answer does not know (kept from the store)."""
    published = _time(item.get("timestamp"))
    if published is None:
        return None
    code = shortcode_of(item.get("permalink")) or str(item.get("id"))
    kind = media_kind(item)
    caption = item.get("caption") if isinstance(item.get("caption"), str) else None
    thumb = item.get("thumbnail_url") or (
        item.get("media_url") if kind in ("image", "carousel") else None
    )
    if not isinstance(thumb, str) or not thumb:
        # No picture in this answer (business discovery and tags have no thumbnail_url;
        # a reel's media_url is a video): the stored one (e.g. instaloader's) is kept.
        thumb, keep = None, keep | {"thumbnail_url"}
    return PostSnapshot(
        account=account,
        platform=PLATFORM,
        post_id=code,
        published_at=published.astimezone(UTC),
        kind=kind,
        captured_at=captured_at,
        url=f"https://www.instagram.com/{'reel' if kind == 'reel' else 'p'}/{code}/",
        caption=caption,
        thumbnail_url=thumb,
        hashtags=hashtags_in(caption),
        mentions=mentions_in(caption),
        tagged=tagged,
        likes=_count(item.get("like_count")),
        comments=_count(item.get("comments_count")),
        kind_source="platform",
        invalid=keep,
    )


def account_record(
    account: AccountRef, data: Mapping[str, Any], captured_at: dt.datetime
) -> AccountSnapshot:
    username = str(data.get("username") or account.handle)
    return AccountSnapshot(
        account=account,
        captured_at=captured_at,
        external_id=str(data["id"]) if data.get("id") else None,
        title=data.get("name") or username,
        url=f"https://www.instagram.com/{username}/",
        followers=_count(data.get("followers_count")),
        following=_count(data.get("follows_count")),
        media_count=_count(data.get("media_count")),
    )


def _metric_value(row: Mapping[str, Any]) -> Any:
    """An insight's value: ``total_value.value`` or the first of ``values``."""
    total = row.get("total_value")
    if isinstance(total, dict):
        return total.get("value")
    values = row.get("values")
    if isinstance(values, list) and values and isinstance(values[0], dict):
        return values[0].get("value")
    return None


# -- account insights ---------------------------------------------------------------


def insight_day(moment: dt.datetime) -> dt.date:
    """Meta's reporting day of a moment."""
    return moment.astimezone(INSIGHT_TZ).date()


def day_bounds(first: dt.date, last: dt.date) -> tuple[int, int]:
    """since and until (Unix seconds) covering Meta's days first..last."""
    start = dt.datetime.combine(first, dt.time(), INSIGHT_TZ)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), INSIGHT_TZ)
    return int(start.timestamp()), int(end.timestamp())


def days_to_fetch(
    yesterday: dt.date, complete: set[dt.date], refetch_days: int, history_days: int
) -> list[dt.date]:
    """Newest first: the last ``refetch_days`` (insights arrive up to 48 h late) and every
    older day back to ``history_days`` that the store lacks (the first connection's
    backfill, resumed by later runs if one stops early)."""
    days = []
    for back in range(history_days):
        day = yesterday - dt.timedelta(days=back)
        if back < refetch_days or day not in complete:
            days.append(day)
    return days


def windows(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Newest-first days as (first, last) runs of consecutive days, each within Meta's 30
    days (2,592,000 s) between since and until: 29 days where a run crosses the autumn
    clock change in the Pacific time zone."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if runs:
            first, last = runs[-1]
            since, until = day_bounds(day, last)
            if first - day == dt.timedelta(days=1) and until - since <= MAX_WINDOW_SECONDS:
                runs[-1] = (day, last)
                continue
        runs.append((day, day))
    return runs


def reach_series(
    client: GraphClient, ig_id: str, first: dt.date, last: dt.date
) -> dict[dt.date, Any]:
    """Daily reach for first..last (at most 30 days) from the time series."""
    since, until = day_bounds(first, last)
    page = client.get(
        f"{ig_id}/insights",
        {
            "metric": "reach",
            "period": "day",
            "metric_type": "time_series",
            "since": since,
            "until": until,
        },
    )
    values: dict[dt.date, Any] = {}
    for row in page.get("data") or []:
        if not isinstance(row, dict) or row.get("name") != "reach":
            continue
        for point in row.get("values") or []:
            end = _time(point.get("end_time")) if isinstance(point, dict) else None
            if end is not None:
                # end_time is the midnight (Pacific) ending the day the value describes
                values[insight_day(end - dt.timedelta(hours=1))] = point.get("value")
    return values


def day_totals(client: GraphClient, ig_id: str, day: dt.date) -> dict[str, Any]:
    """One day's total_value metrics, follows and unfollows included; absent is None."""
    since, until = day_bounds(day, day)
    window = {"period": "day", "metric_type": "total_value", "since": since, "until": until}
    values: dict[str, Any] = dict.fromkeys((*ACCOUNT_TOTALS, *FOLLOW_TYPES.values()))
    page = client.get(f"{ig_id}/insights", {"metric": ",".join(ACCOUNT_TOTALS), **window})
    for row in page.get("data") or []:
        if isinstance(row, dict) and row.get("name") in ACCOUNT_TOTALS:
            values[row["name"]] = _metric_value(row)
    page = client.get(
        f"{ig_id}/insights",
        {"metric": "follows_and_unfollows", "breakdown": "follow_type", **window},
    )
    for row in page.get("data") or []:
        if isinstance(row, dict) and row.get("name") == "follows_and_unfollows":
            values.update(follow_split(row.get("total_value")))
    return values


def follow_split(total: Any) -> dict[str, Any]:
    """follows (FOLLOWER) and unfollows (NON_FOLLOWER) from a follow_type breakdown. Meta
    leaves out a type with nothing in it: one is then the total minus the other, and both
    are 0 when the total is 0. Without the numbers to tell, None."""
    if not isinstance(total, dict):
        return {}
    found: dict[str, Any] = {}
    for breakdown in total.get("breakdowns") or []:
        keys = breakdown.get("dimension_keys") or []
        if "follow_type" not in keys:
            continue
        at = keys.index("follow_type")
        for result in breakdown.get("results") or []:
            dims = result.get("dimension_values") or []
            if len(dims) > at and dims[at] in FOLLOW_TYPES:
                found[FOLLOW_TYPES[dims[at]]] = result.get("value")
    whole = total.get("value")
    if isinstance(whole, int | float) and not isinstance(whole, bool):
        known = [v for v in found.values() if isinstance(v, int | float)]
        if len(known) == len(found):
            rest = whole - sum(known)
            missing = [name for name in FOLLOW_TYPES.values() if name not in found]
            if len(missing) == 1 and rest >= 0:
                found[missing[0]] = rest
            elif len(missing) == 2 and whole == 0:
                found = dict.fromkeys(FOLLOW_TYPES.values(), 0)
    return found


def media_insights(client: GraphClient, media_id: str, kind: str) -> dict[str, Any]:
    """A post's lifetime insights. An empty answer, error #10 "not enough viewers" or a
    post made before the account turned professional give None for each (never 0)."""
    wanted = REEL_METRICS if kind == "reel" else MEDIA_METRICS
    values: dict[str, Any] = dict.fromkeys(wanted)
    try:
        page = client.get(f"{media_id}/insights", {"metric": ",".join(wanted)})
    except GraphApiError as err:
        if err.code == 10 and "viewer" in str(err).lower():
            return values
        if err.code == 100 and err.subcode == 2108006:  # posted before the conversion
            return values
        raise
    for row in page.get("data") or []:
        if isinstance(row, dict) and row.get("name") in values:
            values[row["name"]] = _metric_value(row)
    watch = values.get("ig_reels_avg_watch_time")
    if isinstance(watch, int | float) and not isinstance(watch, bool):
        values["ig_reels_avg_watch_time"] = watch / 1000  # Meta gives milliseconds
    return values


# -- business discovery ---------------------------------------------------------------


def discovery_pages(
    client: GraphClient, source_id: str, username: str
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(profile, media page) of a professional account seen from ``source_id``, page by
    page through ``media.after(cursor)``, guarded by the media count it reports."""
    cursor: str | None = None
    guard: PageGuard | None = None
    while True:
        edge = f"media.after({cursor})" if cursor else "media"
        fields = (
            f"business_discovery.username({username})"
            f"{{{BD_FIELDS},{edge}.limit({PAGE_SIZE}){{{BD_MEDIA_FIELDS}}}}}"
        )
        data = client.get(source_id, {"fields": fields}).get("business_discovery")
        if not isinstance(data, dict):
            raise GraphApiError("no business_discovery in the answer", kind="not_json")
        media = data.get("media") if isinstance(data.get("media"), dict) else {}
        items = [m for m in media.get("data") or [] if isinstance(m, dict)]
        yield data, items
        if guard is None:
            guard = PageGuard(
                f"the posts of @{username}", PAGE_SIZE, _count(data.get("media_count"))
            )
        paging = media.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        # Nested edges do not always carry "next": a full page with a cursor goes on.
        more = bool(after) and bool(items) and ("next" in paging or len(items) >= PAGE_SIZE)
        if not guard.next_page(after if more else None):
            return
        cursor = after


# -- the collector ------------------------------------------------------------------


@dataclass
class Link:
    """A library's token and the Instagram accounts it reaches (handle -> IG user id)."""

    library_id: str
    token: Token | None
    client: GraphClient | None = None
    accounts: dict[str, str] = field(default_factory=dict)
    #: the fault that makes the token unusable in this run (expired, revoked, unreadable)
    error: CollectorError | None = None
    resolved: bool = False
    status: str = "ok"
    detail: str | None = None
    #: per handle, the last day of a history window Meta refused (#100: older than what
    #: it keeps); days up to it are not asked again (kept in the connection's detail)
    refused: dict[str, str] = field(default_factory=dict)

    @property
    def usable(self) -> bool:
        return self.token is not None and self.error is None and bool(self.accounts)


class GraphCollector:
    """Chooses each Instagram account's path and collects the graph_api and
    business_discovery ones. Connection facts gathered on the way wait in
    :meth:`take_connections` for the refresh to store."""

    def __init__(
        self,
        store: Any,
        settings: Settings,
        config: Config,
        *,
        full: bool = False,
        warn: Callable[[str], None] = lambda text: None,
        sleep: Sleep = time.sleep,
        now: Clock = lambda: dt.datetime.now(UTC),
    ) -> None:
        self.store = store
        self.settings = settings
        self.config = config
        self.options = config.instagram_graph
        self.full = full
        self.warn = warn
        self.sleep = sleep
        self.now = now
        self.origin = f"graph {self.options.version}"
        self.links: dict[str, Link] = {}
        self.stopped: CollectorError | None = None
        self._connections: list[Connection] = []
        self._owners = {
            handle: AccountRef(lib.id, PLATFORM, handle)
            for lib in config.libraries
            for handle in lib.instagram
        }
        self._tagged_cache: dict[AccountRef, dict[str, tuple[str, ...]]] = {}

    # -- tokens and paths ------------------------------------------------------

    def link(self, library_id: str) -> Link:
        """The library's token, read once, with the accounts it reaches (resolved over
        the network when the token file does not say)."""
        if library_id in self.links:
            return self.links[library_id]
        try:
            token = find_token(PLATFORM, library_id, self.settings, self.warn)
        except TokenFileError as err:
            link = Link(library_id, None)
            path = token_path(self.settings.token_dir, PLATFORM, library_id)
            link.error = TokenRejected(
                library_id, key="graph_token_unreadable", library=library_id, path=path
            )
            link.status, link.detail = "error", str(err)
            self.links[library_id] = link
            self._record(link)
            return link
        link = Link(library_id, token, refused=self._stored_refusals(library_id))
        self.links[library_id] = link
        if token is not None:
            network = self.config.network
            link.client = GraphClient(
                token.value,
                version=self.options.version,
                api_url=self.settings.instagram_graph_api_url,
                sleep=self.sleep,
                slow_down_at=self.options.slow_down_at,
                deadline=network.deadline,
                retries=network.retries,
                budget=network.call_budget,
            )
        return link

    def _stored_refusals(self, library_id: str) -> dict[str, str]:
        """The refused history boundaries recorded in the library's connection."""
        frame = self.store.connections()
        rows = frame[(frame["library_id"] == library_id) & (frame["platform"] == PLATFORM)]
        if rows.empty:
            return {}
        refused = connection_detail(rows.iloc[0]["detail"]).get("insights_refused_through")
        if not isinstance(refused, dict):
            return {}
        return {str(h): str(d) for h, d in refused.items() if _date(d) is not None}

    def resolve(self, link: Link) -> Link:
        """Fill ``link.accounts`` (from the token file's facts, else /me or /me/accounts)
        and record the connection's state."""
        if link.resolved or link.token is None or link.client is None:
            return link
        link.resolved = True
        facts = link.token.facts
        now = self.now()
        expires = link.token.expires_at
        if expires is not None and expires <= now:  # Meta would refuse it: not even tried
            self._token_fault(link, GraphApiError("expired", code=190, subcode=463), expires)
            return link
        # Meta's data-access date (90 days after the person last used the app) warns too;
        # whether it stops a Page token is Meta's to say (a 190 then), so it is still tried.
        expires = _earliest(expires, _moment(facts.get("data_access_expires_at")))
        if facts.get("ig_user_id") and facts.get("username"):
            link.accounts = {str(facts["username"]).lower(): str(facts["ig_user_id"])}
        else:
            try:
                link.accounts = self._reachable(link.client)
            except GraphApiError as err:
                if err.token_invalid:
                    self._token_fault(link, err, None)
                elif err.rate_limited:
                    self._stop(err, link.library_id, link.library_id, "checking the token")
                else:
                    link.error = self._fault(
                        err, link.library_id, link.library_id, "checking the token"
                    )
                    link.status, link.detail = "error", str(link.error)
                self._record(link)
                return link
            except PagingStopped as err:
                link.error = _paging_error(link.library_id, err)
                link.status, link.detail = "error", str(link.error)
                self._record(link)
                return link
        if not link.accounts:
            link.status, link.detail = (
                "error",
                "the token reaches no Instagram professional account",
            )
        elif expires is not None and expires - now < dt.timedelta(days=EXPIRING_DAYS):
            link.status = "expiring"
            link.detail = f"expires on {expires:%Y-%m-%d %H:%M} UTC"
            self.warn(
                f"the Instagram token of library {link.library_id} expires on "
                f"{expires:%Y-%m-%d} ({max((expires - now).days, 0)} days); reconnect before then: "
                f".venv/bin/python -m collectors connect instagram --library {link.library_id}"
            )
        self._record(link)
        return link

    def _reachable(self, client: GraphClient) -> dict[str, str]:
        """handle -> IG user id of the accounts a token reaches: a Page token answers /me
        with its Page; a user token lists its Pages in /me/accounts."""
        fields = "id,name,instagram_business_account{id,username}"
        try:
            pages = [client.get("me", {"fields": fields})]
        except GraphApiError as err:
            if err.code != 100:  # 100: /me is a user, who has no such field
                raise
            pages = list(
                paginate(
                    client,
                    "me/accounts",
                    {"fields": fields, "limit": 100},
                    PageGuard("the token's Facebook Pages", 100),
                )
            )
        found = {}
        for page in pages:
            ig = page.get("instagram_business_account")
            if isinstance(ig, dict) and ig.get("id") and ig.get("username"):
                found[str(ig["username"]).lower()] = str(ig["id"])
        return found

    def plan(self, accounts: Iterable[AccountRef]) -> dict[AccountRef, str]:
        """Each account's path: graph_api when its library's token reaches it,
        business_discovery when another connected library can look it up, instaloader
        otherwise; ``instagram_path`` in jejaring.toml forces one."""
        paths: dict[AccountRef, str] = {}
        for ref in accounts:
            forced = self.config.library(ref.library_id).instagram_path
            if forced in ("graph_api", "instaloader"):
                paths[ref] = forced
                continue
            link = self.resolve(self.link(ref.library_id))
            if forced == "business_discovery":
                paths[ref] = forced
            elif (link.token is not None or link.error is not None) and (
                ref.handle in link.accounts or not link.usable
            ):
                # a token that fails says so on the account: staff meant it to work
                paths[ref] = "graph_api"
            elif self.source(exclude=()) is not None:
                if link.usable:
                    self.warn(
                        f"the Instagram token of library {ref.library_id} does not reach "
                        f"@{ref.handle}; it goes through business discovery"
                    )
                paths[ref] = "business_discovery"
            else:
                paths[ref] = "instaloader"
        return paths

    def source(self, exclude: Iterable[str]) -> Link | None:
        """A working connected library for business discovery, in configuration order."""
        skip = set(exclude)
        for lib in self.config.libraries:
            if lib.id in skip or not lib.instagram:
                continue
            link = self.resolve(self.link(lib.id))
            if link.usable:
                return link
        return None

    def take_connections(self) -> list[Connection]:
        taken, self._connections = self._connections, []
        return taken

    # -- collecting -------------------------------------------------------------

    def collect(
        self, accounts: list[AccountRef], paths: Mapping[AccountRef, str]
    ) -> Iterator[AccountResult]:
        """One result per account, graph_api ones first; a rate limit skips the rest."""
        ordered = [a for a in accounts if paths[a] == "graph_api"] + [
            a for a in accounts if paths[a] == "business_discovery"
        ]
        for ref in ordered:
            path = paths[ref]
            if self.stopped is not None:
                yield AccountResult(
                    ref, started_at=self.now(), error=self.stopped, skipped=True, path=path
                )
                continue
            if path == "graph_api":
                yield self.collect_own(ref)
            else:
                yield self.collect_partner(ref)

    def collect_own(self, ref: AccountRef) -> AccountResult:
        """The library's own account: size, posts, post and account insights, tags."""
        result = AccountResult(ref, started_at=self.now(), path="graph_api")
        link = self.link(ref.library_id)
        if link.token is None and link.error is None:
            result.error = TokenRejected(ref.handle, key="graph_no_token", library=ref.library_id)
            return result
        self.resolve(link)
        if link.error is not None:
            result.error = _naming(link.error, ref.handle)
            return result
        ig_id = link.accounts.get(ref.handle)
        if ig_id is None:
            reached = ", ".join("@" + h for h in sorted(link.accounts)) or "no account"
            result.error = TokenRejected(
                ref.handle,
                key="graph_not_reached",
                library=ref.library_id,
                reached=reached,
                handle=ref.handle,
            )
            return result
        client = link.client
        assert client is not None
        before = client.requests
        during = "reading the account"
        try:
            state = self.store.account_state(ref)
            had = self._posts_with_insights(
                [code for code, gone in state.known_posts.items() if not gone]
            )
            # The first connection is the first time the account has owner figures, however
            # complete an earlier walk (instaloader, business discovery) was. Posts stored
            # without insights (the first connection's backfill cut short, posts read on
            # another path) are reached by walking every post again.
            first_connect = not had and state.last_owner_day is None
            lacking = {c for c, gone in state.known_posts.items() if not gone} - had
            data = client.get(ig_id, {"fields": ACCOUNT_FIELDS})
            captured = self.now()
            result.snapshot = account_record(ref, data, captured)
            during = "reading the posts"
            media, complete = self._own_media(
                client,
                ig_id,
                ref,
                state,
                result,
                captured,
                expected=result.snapshot.media_count,
                full=self.full or first_connect or bool(lacking),
            )
            during = "reading post insights"
            self._post_insights(client, ref, media, had, result, captured)
            if complete:
                # only now: a first connection cut short walks everything again next time
                result.full_walk_at = captured
                # Stored posts the account's media list does not give (deleted, or another
                # account's post instaloader listed): asked, and Meta has no figures for
                # them; said so once (empty, never 0) instead of walking for them again.
                result.post_metrics.extend(
                    PostMetric(ref, PLATFORM, code, "reach", None, SOURCE, captured,
                               origin=self.origin)
                    for code in sorted(lacking - set(media))
                )  # fmt: skip
            during = "reading account insights"
            self._account_insights(client, ig_id, ref, state, result, captured)
            during = "reading the posts the account is tagged in"
            self._tags(client, ig_id, ref, result, captured, first_connect)
        except GraphApiError as err:
            result.error = self._account_fault(err, link, ref, during)
        except PagingStopped as err:
            result.error = _paging_error(ref.handle, err)
        result.requests = client.requests - before
        return result

    def _own_media(
        self,
        client: GraphClient,
        ig_id: str,
        ref: AccountRef,
        state: AccountState,
        result: AccountResult,
        captured: dt.datetime,
        *,
        expected: int | None,
        full: bool,
    ) -> tuple[dict[str, tuple[str, str]], bool]:
        """Walk /media newest first into ``result.posts``; returns shortcode -> (media id,
        kind), and whether the walk reached the end. Stops at a known post older than the
        re-check window unless ``full``."""
        cutoff = captured - dt.timedelta(days=self.config.instagram.recheck_days)
        guard = PageGuard(f"the posts of @{ref.handle}", PAGE_SIZE, expected)
        media: dict[str, tuple[str, str]] = {}
        complete = True
        for item in paginate(
            client, f"{ig_id}/media", {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}, guard
        ):
            record = media_record(ref, item, captured)
            if record is None:
                continue
            result.posts.append(record)
            media[record.post_id] = (str(item.get("id")), record.kind)
            if not full and record.published_at < cutoff and record.post_id in state.known_posts:
                complete = False
                break
        return media, complete

    def _post_insights(
        self,
        client: GraphClient,
        ref: AccountRef,
        media: Mapping[str, tuple[str, str]],
        had: set[str],
        result: AccountResult,
        captured: dt.datetime,
    ) -> None:
        """Insights of the walked posts in the re-check window and of those that never had
        any (``had``: the posts with stored insights): every post on the first connection
        (whose walk is complete), only the recent ones later, to stay well within the rate
        limits."""
        cutoff = captured - dt.timedelta(days=self.config.instagram.recheck_days)
        published = {p.post_id: p.published_at for p in result.posts if p.account == ref}
        for code, (media_id, kind) in media.items():
            if published[code] < cutoff and code in had:
                continue
            values = media_insights(client, media_id, kind)
            result.post_metrics.extend(
                PostMetric(ref, PLATFORM, code, name, value, SOURCE, captured, origin=self.origin)
                for name, value in values.items()
            )

    def _posts_with_insights(self, codes: list[str]) -> set[str]:
        """Which of these posts have owner insights stored (a reach row, even empty)."""
        if not codes:
            return set()
        frame = self.store.post_metrics([(PLATFORM, c) for c in codes], ["reach"])
        return set(frame.loc[frame["source"] == SOURCE, "post_id"])

    def _account_insights(
        self,
        client: GraphClient,
        ig_id: str,
        ref: AccountRef,
        state: AccountState,
        result: AccountResult,
        captured: dt.datetime,
    ) -> None:
        """Daily account insights: the last days again, and the history the store lacks
        (newest first, so a run that stops early keeps the most recent)."""
        yesterday = insight_day(captured) - dt.timedelta(days=1)
        oldest = yesterday - dt.timedelta(days=self.options.history_days - 1)
        link = self.links[ref.library_id]
        refused = _date(link.refused.get(ref.handle))
        if refused is not None:  # Meta said no before: not asked again
            oldest = max(oldest, refused + dt.timedelta(days=1))
        if oldest > yesterday:
            return
        complete: set[dt.date] = set()
        if state.account_id is not None:
            frame = self.store.account_metrics(oldest, yesterday, [state.account_id], DAILY_METRICS)
            frame = frame[frame["source"] == SOURCE]
            counts = frame.groupby("day")["metric"].nunique()
            complete = {day for day, n in counts.items() if n == len(DAILY_METRICS)}
        span = (yesterday - oldest).days + 1
        days = days_to_fetch(yesterday, complete, self.options.refetch_days, span)
        recent = yesterday - dt.timedelta(days=self.options.refetch_days)
        for first, last in windows(days):
            try:
                reach = reach_series(client, ig_id, first, last)
                for back in range((last - first).days + 1):
                    day = last - dt.timedelta(days=back)
                    values = {"reach": reach.get(day), **day_totals(client, ig_id, day)}
                    result.account_metrics.extend(
                        AccountMetric(ref, day, name, value, SOURCE, captured, origin=self.origin)
                        for name, value in values.items()
                    )
            except GraphApiError as err:
                if err.code == 100 and last <= recent:
                    # Meta keeps about two years: an older window is refused, not missing.
                    # Remembered, so that later refreshes neither ask nor warn again.
                    self.warn(
                        f"@{ref.handle}: Meta keeps no account insights from {last} back "
                        f"({err}); not asked again"
                    )
                    link.refused[ref.handle] = last.isoformat()
                    self._record(link)
                    return
                raise

    def _tags(
        self,
        client: GraphClient,
        ig_id: str,
        ref: AccountRef,
        result: AccountResult,
        captured: dt.datetime,
        first_connect: bool,
    ) -> None:
        """Posts of other configured accounts that tag this one get its handle in their
        ``tagged`` list (cross-promotion reads it). Needs instagram_manage_comments: without
        it, a warning and nothing else."""
        cutoff = captured - dt.timedelta(days=self.config.instagram.recheck_days)
        guard = PageGuard(f"the posts that tag @{ref.handle}", PAGE_SIZE)
        try:
            for item in paginate(
                client, f"{ig_id}/tags", {"fields": TAG_FIELDS, "limit": PAGE_SIZE}, guard
            ):
                published = _time(item.get("timestamp"))
                if (
                    published is not None
                    and published < cutoff
                    and not (self.full or first_connect)
                ):
                    break
                owner = self._owners.get(str(item.get("username") or "").lower())
                if owner is None or owner == ref:
                    continue
                code = shortcode_of(item.get("permalink")) or str(item.get("id"))
                stored = self._stored_tagged(owner).get(code, ())
                tagged = tuple(dict.fromkeys((*stored, ref.handle)))
                record = media_record(
                    owner, item, captured, tagged=tagged, keep=NOT_IN_GRAPH - {"tagged"}
                )
                if record is not None:
                    result.posts.append(record)
                    self._tagged_cache[owner][code] = tagged
        except GraphApiError as err:
            if not err.permission:
                raise
            self.warn(
                f"library {ref.library_id}: the posts that tag @{ref.handle} cannot be read "
                f"(#{err.code}: {err}); grant instagram_manage_comments when connecting to "
                "see them"
            )

    def _stored_tagged(self, owner: AccountRef) -> dict[str, tuple[str, ...]]:
        if owner not in self._tagged_cache:
            state = self.store.account_state(owner)
            tagged: dict[str, tuple[str, ...]] = {}
            if state.account_id is not None:
                frame = self.store.posts(
                    account_ids=[state.account_id], columns=["post_id", "tagged"]
                )
                tagged = {
                    p: tuple(t) for p, t in zip(frame["post_id"], frame["tagged"], strict=True)
                }
            self._tagged_cache[owner] = tagged
        return self._tagged_cache[owner]

    def collect_partner(self, ref: AccountRef) -> AccountResult:
        """A professional account without a token of its own, through business discovery
        from a connected library (another one if a token fails on the way)."""
        result = AccountResult(ref, started_at=self.now(), path="business_discovery")
        tried: list[str] = []
        while True:
            link = self.source(exclude=tried)
            if link is None:
                result.error = result.error or CollectorError(
                    ref.handle, key="graph_no_source", handle=ref.handle, library=ref.library_id
                )
                return result
            tried.append(link.library_id)
            client = link.client
            assert client is not None
            before = client.requests
            try:
                self._discover(client, next(iter(link.accounts.values())), ref, result)
                result.requests += client.requests - before
                return result
            except GraphApiError as err:
                result.requests += client.requests - before
                if err.token_invalid:
                    self._token_fault(link, err, None)
                    result.error = _naming(link.error, ref.handle)
                    continue  # try the next connected library
                if err.code == 110 or err.subcode == 2207013:  # personal or unknown
                    result.error = AccountNotFound(
                        ref.handle,
                        key="graph_bd_not_found",
                        source=link.library_id,
                        handle=ref.handle,
                        library=ref.library_id,
                    )
                else:
                    result.error = self._account_fault(err, link, ref, "business discovery")
                return result
            except PagingStopped as err:
                result.error = _paging_error(ref.handle, err)
                return result

    def _discover(
        self, client: GraphClient, source_id: str, ref: AccountRef, result: AccountResult
    ) -> None:
        state = self.store.account_state(ref)
        full = self.full or state.last_full_walk_at is None
        captured = self.now()
        cutoff = captured - dt.timedelta(days=self.config.instagram.recheck_days)
        result.posts, result.snapshot, result.error = [], None, None
        for profile, items in discovery_pages(client, source_id, ref.handle):
            if result.snapshot is None:
                result.snapshot = account_record(ref, profile, captured)
            for item in items:
                record = media_record(ref, item, captured)
                if record is None:
                    continue
                result.posts.append(record)
                if (
                    not full
                    and record.published_at < cutoff
                    and record.post_id in state.known_posts
                ):
                    return
        result.full_walk_at = captured

    # -- faults ---------------------------------------------------------------------

    def _account_fault(
        self, err: GraphApiError, link: Link, ref: AccountRef, during: str
    ) -> CollectorError:
        if err.token_invalid:
            self._token_fault(link, err, None)
            return _naming(link.error, ref.handle)
        if err.rate_limited:
            return self._stop(err, ref.handle, ref.library_id, during)
        error = self._fault(err, ref.handle, ref.library_id, during)
        if err.permission:
            link.status, link.detail = "error", str(error)
            self._record(link)
        return error

    def _fault(self, err: GraphApiError, handle: str, library: str, during: str) -> CollectorError:
        if err.permission:
            return PermissionMissing(
                handle,
                key="graph_permission",
                library=library,
                during=during,
                code=err.code,
                detail=str(err),
            )
        if err.kind == "not_json":
            return TransientError(handle, key="graph_bad_answer", during=during, what=str(err))
        if err.kind == "unreachable":
            return TransientError(handle, key="graph_unreachable", during=during, error=str(err))
        return CollectorError(
            handle, key="graph_refused", during=during, code=err.code, detail=str(err)
        )

    def _stop(self, err: GraphApiError, handle: str, library: str, during: str) -> CollectorError:
        """Stop Instagram Graph for this run; say when to try again."""
        what = str(err)
        minutes = err.regain_minutes
        retry = (
            f"in about {minutes} minutes" if minutes else "in an hour, or at the next daily refresh"
        )
        self.stopped = RateLimited(
            handle, key="graph_rate_limited", what=what, during=during, retry=retry, library=library
        )
        return self.stopped

    def _token_fault(self, link: Link, err: GraphApiError, when: dt.datetime | None) -> None:
        """A token Meta refuses (OAuthException 190): the library must reconnect."""
        expired = err.subcode in EXPIRED_SUBCODES
        if link.token is not None and link.token.expires_at and link.token.expires_at <= self.now():
            expired = True
            when = when or link.token.expires_at
        library = link.library_id
        if expired:
            on = f" on {when:%Y-%m-%d}" if when else ""
            link.error = TokenRejected(library, key="graph_token_expired", library=library, when=on)
            link.status = "expired"
        else:
            link.error = TokenRejected(library, key="graph_token_revoked", library=library)
            link.status = "revoked"
        link.detail = str(err)
        self._record(link)

    def _record(self, link: Link) -> None:
        token = link.token
        facts = token.facts if token is not None else {}
        handle, ig_id = next(iter(link.accounts.items()), (None, None))
        if handle is None and facts.get("username"):
            handle, ig_id = str(facts["username"]).lower(), facts.get("ig_user_id")
        configured = handle if handle in self._owners else None
        scopes = facts.get("scopes")
        self._connections.append(
            Connection(
                library_id=link.library_id,
                platform=PLATFORM,
                kind="instagram_graph",
                status=link.status,
                checked_at=self.now(),
                token_source=token.source if token is not None else None,
                external_id=str(ig_id) if ig_id else None,
                account=self._owners[configured] if configured else None,
                connected_since=token.connected_since if token is not None else None,
                expires_at=token.expires_at if token is not None else None,
                scopes=tuple(str(s) for s in scopes) if isinstance(scopes, list) else (),
                detail=json.dumps(
                    {"note": link.detail, "insights_refused_through": link.refused},
                    sort_keys=True,
                ),
            )
        )


class TokenRejected(AuthFailed):
    """One library's token is refused (190), unreadable or missing: that library
    reconnects, the others go on."""

    stops_platform = False


class PermissionMissing(AuthFailed):
    """A permission (#10, #200) is missing for one library's token: the others go on."""

    stops_platform = False


def _naming(error: CollectorError | None, handle: str) -> CollectorError:
    """A library's token fault as the error of one of its accounts (the account first)."""
    assert error is not None
    return type(error)(handle, key=error.key, **error.params)


def _paging_error(handle: str, err: PagingStopped) -> CollectorError:
    text = str(err)
    what = text.split(":", 1)[0]
    key = "graph_cursor_repeated" if "same page cursor" in text else "graph_too_many_pages"
    return CollectorError(handle, key=key, what=what)


def connection_detail(value: Any) -> dict[str, Any]:
    """A stored connection's detail as a dict: JSON (``note``, ``insights_refused_through``);
    the plain text of stores written before is its note."""
    if not isinstance(value, str) or not value:
        return {}
    try:
        data = json.loads(value)
    except ValueError:
        return {"note": value}
    return data if isinstance(data, dict) else {"note": value}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: Any) -> dt.datetime | None:
    return _time(value) if isinstance(value, str) else None


def _earliest(*moments: dt.datetime | None) -> dt.datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None

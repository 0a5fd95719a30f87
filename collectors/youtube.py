"""YouTube Data API v3 collector: channel size and every upload's metrics, at minimum quota.

Turns API answers into records (``AccountResult``); knows nothing of the database or Streamlit.
The API key is never put in a message or a log line: googleapiclient's loggers are redacted.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import httplib2
from google_auth_httplib2 import AuthorizedHttp
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from collectors.errors import (
    AccountNotFound,
    AuthFailed,
    BadAnswer,
    CollectorError,
    QuotaExceeded,
    RateLimited,
    TransientError,
)
from collectors.http import (
    DEFAULT_BUDGET,
    DEFAULT_DEADLINE,
    Budget,
    BudgetExhausted,
    DeadlineExceeded,
    DeadlineHttp,
    TruncatedResponse,
)
from collectors.paging import PageGuard, PagingStopped
from collectors.records import (
    AccountRef,
    AccountResult,
    AccountSnapshot,
    AccountState,
    PostSnapshot,
    count_value,
    hashtags_in,
    mentions_in,
)

UTC = dt.UTC
PLATFORM = "youtube"
PAGE = 50  # the API's maximum ids or items per call
FULL_WALK_EVERY = dt.timedelta(days=7)
# Since October 2024 a Short may last up to three minutes; the API has no Shorts flag.
SHORT_MAX_SECONDS = 180
SHORT_SURE_SECONDS = 60
# The Shorts playlist is walked a little past the oldest video it must decide: its order
# follows upload time, which may differ slightly from the published time.
SHORTS_WALK_MARGIN = dt.timedelta(days=7)
UNIT_COST = {"channels.list": 1, "playlistItems.list": 1, "videos.list": 1}

_KEY_RE = re.compile(r"(key=)[^&\s'\"]+")
log = logging.getLogger("jejaring.youtube")


class MalformedItem(ValueError):
    """An item of an answer lacks what every such item has (an id, a publish time)."""


def _dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: answers are read defensively."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _RedactKey(logging.Filter):
    """Removes ``key=…`` from googleapiclient's log records (their URIs carry the API key)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own handling
            return True
        record.msg, record.args = _KEY_RE.sub(r"\1<redacted>", message), None
        return True


def _install_redaction() -> None:
    for name in ("googleapiclient.http", "googleapiclient.discovery", "googleapiclient.model"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactKey) for f in logger.filters):
            logger.addFilter(_RedactKey())


_install_redaction()


def parse_duration(text: str | None) -> float | None:
    """Seconds of an ISO 8601 duration such as ``PT1H2M3S`` or ``P0D``; None if absent."""
    if not text or not isinstance(text, str):
        return None
    match = re.fullmatch(
        r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?", text
    )
    if not match:
        return None
    weeks, days, hours, minutes, seconds = match.groups()
    return (
        int(weeks or 0) * 604800
        + int(days or 0) * 86400
        + int(hours or 0) * 3600
        + int(minutes or 0) * 60
        + float(seconds or 0)
    )


def _count(stats: Any, key: str) -> Any:
    """A count as the API sent it (a JSON string; absent when hidden): the record boundary
    (``records.count_value``) decides whether it is one, and warns when it is not."""
    return _dict(stats).get(key)


def _time(text: Any) -> dt.datetime:
    """An RFC 3339 time of the API (``2026-11-20T03:00:00Z``) in UTC; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"not a time: {text!r}")
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # the API always says Z; without a zone, read it as UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def video_kind(item: dict[str, Any]) -> str:
    """``live`` for lives and premieres (past, current or upcoming); ``short`` for a video of
    at most 60 s, or at most 180 s that says #shorts; else ``video``."""
    snippet = _dict(item.get("snippet"))
    if "liveStreamingDetails" in item or snippet.get("liveBroadcastContent") in (
        "live",
        "upcoming",
    ):
        return "live"
    seconds = parse_duration(_dict(item.get("contentDetails")).get("duration"))
    if seconds is not None and 0 < seconds <= SHORT_MAX_SECONDS:
        text = f"{_text(snippet.get('title')) or ''} {_text(snippet.get('description')) or ''}"
        text = text.lower()
        if seconds <= SHORT_SURE_SECONDS or "#shorts" in text or "#short " in f"{text} ":
            return "short"
    return "video"


def video_record(
    account: AccountRef, item: dict[str, Any], captured_at: dt.datetime
) -> PostSnapshot:
    """A ``videos.list`` item as a post record; hidden counts stay None. Counts go to the
    record as sent (it checks them); an item without an id or a publish time raises
    :class:`MalformedItem`."""
    vid = item.get("id")
    if not isinstance(vid, str) or not vid:
        raise MalformedItem(f"a video without an id ({_short(vid)})")
    snippet = _dict(item.get("snippet"))
    try:
        published = _time(snippet.get("publishedAt"))
    except ValueError:
        raise MalformedItem(
            f"video {vid} has no valid publish time ({_short(snippet.get('publishedAt'))})"
        ) from None
    stats = item.get("statistics")
    kind = video_kind(item)
    thumbs = _dict(snippet.get("thumbnails"))
    urls = (_text(_dict(thumbs.get(k)).get("url")) for k in ("medium", "high", "default"))
    thumb = next((url for url in urls if url), None)
    title = _text(snippet.get("title"))
    description = _text(snippet.get("description"))
    return PostSnapshot(
        account=account,
        platform=PLATFORM,
        post_id=vid,
        published_at=published,
        kind=kind,
        captured_at=captured_at,
        url=(
            f"https://www.youtube.com/shorts/{vid}"
            if kind == "short"
            else f"https://www.youtube.com/watch?v={vid}"
        ),
        title=title,
        caption=description,
        thumbnail_url=thumb,
        duration_s=parse_duration(_dict(item.get("contentDetails")).get("duration")),
        hashtags=hashtags_in(title, description),
        mentions=mentions_in(title, description),
        likes=_count(stats, "likeCount"),
        comments=_count(stats, "commentCount"),
        views=_count(stats, "viewCount"),
    )


def channel_record(
    account: AccountRef, item: dict[str, Any], captured_at: dt.datetime
) -> AccountSnapshot:
    """A ``channels.list`` item as an account record; counts go to the record as sent."""
    channel_id = item.get("id")
    if not isinstance(channel_id, str) or not channel_id:
        raise MalformedItem(f"a channel without an id ({_short(channel_id)})")
    stats = _dict(item.get("statistics"))
    snippet = _dict(item.get("snippet"))
    hidden = stats.get("hiddenSubscriberCount") in (True, "true")
    custom = _text(snippet.get("customUrl"))
    return AccountSnapshot(
        account=account,
        captured_at=captured_at,
        external_id=channel_id,
        title=_text(snippet.get("title")),
        url=f"https://www.youtube.com/{custom}"
        if custom
        else f"https://www.youtube.com/channel/{channel_id}",
        followers=None if hidden else _count(stats, "subscriberCount"),
        media_count=_count(stats, "videoCount"),
        total_views=_count(stats, "viewCount"),
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def next_quota_reset(now: dt.datetime) -> dt.datetime:
    """The next midnight in Pacific time, when YouTube's daily quota resets."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    return dt.datetime.combine(pacific.date() + dt.timedelta(days=1), dt.time(0), pacific.tzinfo)


def _reason(err: HttpError) -> tuple[str, str, frozenset[str]]:
    """(reason, message, ErrorInfo reasons) of an API error body, without the request URI
    (it holds the key)."""
    try:
        body = json.loads(err.content.decode("utf-8"))["error"]
    except (ValueError, KeyError, AttributeError, TypeError):
        return "", "", frozenset()
    if not isinstance(body, dict):
        return "", "", frozenset()
    reasons = body.get("errors") or [{}]
    reason = str(_dict(reasons[0] if isinstance(reasons, list) else {}).get("reason", ""))
    details = frozenset(
        str(d.get("reason", "")) for d in body.get("details") or [] if isinstance(d, dict)
    )
    message = str(body.get("message", ""))
    return reason, f"{message} {' '.join(sorted(details))}".strip(), details


# How each error reason of the YouTube Data API (and of Google's API front end, which checks
# the key before YouTube sees the call) is handled. Only what concerns the key, the project
# or its quota stops YouTube for the run; anything about one channel, playlist or video
# fails that account alone. Reasons from https://developers.google.com/youtube/v3/docs/errors
# and the methods' own lists (channels.list, playlistItems.list, videos.list).
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "dailyLimitExceededUnreg"})
# Per-minute limits: googleapiclient retries them; still refused after that, stop for the run.
RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded", "RATE_LIMIT_EXCEEDED"})
KEY_INVALID_REASONS = frozenset({"keyInvalid", "keyExpired", "API_KEY_INVALID", "API_KEY_EXPIRED"})
KEY_REFUSED_REASONS = frozenset(
    {
        "accessNotConfigured",  # the API is not enabled in the key's project
        "SERVICE_DISABLED",
        "API_KEY_SERVICE_BLOCKED",  # the key is restricted to other APIs
        "ipRefererBlocked",
        "API_KEY_HTTP_REFERRER_BLOCKED",
        "API_KEY_IP_ADDRESS_BLOCKED",
        "API_KEY_ANDROID_APP_BLOCKED",
        "API_KEY_IOS_APP_BLOCKED",
        "CONSUMER_INVALID",  # the key's project was deleted
        "CONSUMER_SUSPENDED",
        "BILLING_DISABLED",
        "keyMissing",
        "authError",
        "unauthorized",
        "required",
    }
)
CHANNEL_GONE_REASONS = frozenset(
    {"channelClosed", "channelSuspended", "channelForbidden", "channelNotFound"}
)
UPLOADS_REFUSED_REASONS = frozenset({"playlistItemsNotAccessible", "playlistForbidden"})
# Everything else falls to the status: 404 (playlistNotFound, videoNotFound, notFound) is a
# missing item; 5xx (backendError, internalError) and a 429 left after the retries are
# transient; any other 400 or 403 (badRequest, invalidValue, invalidPageToken,
# invalidCriteria, incompatibleParameters, missingRequiredParameter, forbidden,
# watchHistoryNotAccessible, insufficientPermissions, accountDelegationForbidden, …) fails
# the account whose call it was, never the platform.


@dataclass
class Meter:
    """Quota units and HTTP calls spent, per account."""

    units: int = 0
    requests: int = 0


class YouTubeClient:
    """The API resource plus error translation and unit counting."""

    def __init__(
        self,
        api_key: str | None,
        api_url: str | None = None,
        *,
        num_retries: int = 4,
        timeout: float = DEFAULT_DEADLINE,
        budget: float = DEFAULT_BUDGET,
        sleep: Callable[[float], None] = time.sleep,
        tz: str = "Asia/Jakarta",
        credentials: Any = None,
    ) -> None:
        self.num_retries = num_retries
        # Each request ends within ``timeout`` seconds; each call, retries included, within
        # ``budget`` seconds.
        self.http = DeadlineHttp(deadline=timeout, budget=Budget(budget))
        self.tz = tz
        options = {"api_endpoint": api_url.rstrip("/") + "/"} if api_url else None

        def request_builder(*args: Any, **kwargs: Any) -> HttpRequest:
            request = HttpRequest(*args, **kwargs)
            request._sleep = sleep  # backoff between retries; tests make it instant
            return request

        self.service = build(
            "youtube",
            "v3",
            developerKey=api_key,
            static_discovery=True,
            cache_discovery=False,
            client_options=options,
            # A library's OAuth credentials (google-auth) instead of a key: the token
            # refresh goes through the same deadline-bound http.
            http=self.http if credentials is None else AuthorizedHttp(credentials, self.http),
            requestBuilder=request_builder,
        )

    def call(self, method: str, meter: Meter, account: str, **params: Any) -> dict[str, Any]:
        """One API call (retried by googleapiclient on network faults, 5xx and 429); its
        answer is a JSON object whose ``items``, if any, are a list of objects (items that
        are not objects are dropped, with a warning)."""
        answer = self.fetch(method, meter, account, **params)
        items = answer.get("items", [])
        bad = [i for i in items if not isinstance(i, dict)]
        if bad:
            log.warning(
                "YouTube %s for %s: %d item(s) not objects, ignored", method, account, len(bad)
            )
            answer["items"] = [i for i in items if isinstance(i, dict)]
        return answer

    def fetch(self, method: str, meter: Meter, account: str, **params: Any) -> dict[str, Any]:
        """One API call, as :meth:`call`, but its ``items`` as sent: a list of anything (for
        callers that must know when an answer holds items that cannot be read)."""
        resource, verb = method.split(".")
        request = getattr(getattr(self.service, resource)(), verb)(**params)
        meter.units += UNIT_COST[method]
        meter.requests += 1
        self.http.budget.start()
        self.http.last_status = None
        try:
            answer = request.execute(num_retries=self.num_retries)
        except HttpError as err:
            raise self._translate(err, account) from None
        except (DeadlineExceeded, BudgetExhausted) as err:
            raise TransientError(account, key="yt_timeout", error=str(err)) from None
        except TruncatedResponse as err:  # still cut short after the retries
            raise BadAnswer(account, key="yt_bad_answer", error=str(err)) from None
        except (OSError, httplib2.HttpLib2Error) as err:
            raise TransientError(
                account, key="yt_unreachable", error=type(err).__name__, retries=self.num_retries
            ) from None
        except ValueError as err:  # a body that is not UTF-8 text
            raise BadAnswer(account, key="yt_bad_answer", error=type(err).__name__) from None
        except (AttributeError, TypeError, IndexError, KeyError) as err:
            # googleapiclient reads an error answer's body to decide on retries and to build
            # HttpError, and fails itself on bodies of another shape (``error`` null, a
            # ``message`` that is no text, a list). That is an unreadable answer, not a bug
            # of ours; anything raised elsewhere is.
            if not _raised_in(err, "googleapiclient"):
                raise
            status = self.http.last_status
            if status is not None and (status >= 500 or status == 429):
                raise TransientError(
                    account, key="yt_failing", status=status, retries=self.num_retries
                ) from None
            raise BadAnswer(
                account,
                key="yt_bad_answer",
                error=f"HTTP {status or '?'} with an error body of unexpected shape",
            ) from None
        # googleapiclient hands back a body that is not JSON as text (an HTML error page
        # answered with 200, a body cut short without a length): not an answer.
        if not isinstance(answer, dict):
            raise BadAnswer(account, key="yt_bad_answer", error="not a JSON object")
        if not isinstance(answer.get("items", []), list):
            raise BadAnswer(account, key="yt_bad_answer", error="'items' is not a list")
        return answer

    def _translate(self, err: HttpError, account: str) -> CollectorError:
        status = err.resp.status
        reason, message, details = _reason(err)
        said = {reason, *details}
        label = reason or str(status)
        if said & QUOTA_REASONS:
            reset = next_quota_reset(dt.datetime.now(UTC)).astimezone(ZoneInfo(self.tz))
            return QuotaExceeded(
                account, key="yt_quota", reset=f"{reset:%Y-%m-%d %H:%M}", tz=self.tz
            )
        if said & KEY_INVALID_REASONS or (status == 400 and "API key not valid" in message):
            return AuthFailed(account, key="yt_key_invalid")
        if said & KEY_REFUSED_REASONS or status == 401:
            return AuthFailed(account, key="yt_forbidden", reason=label)
        if said & RATE_REASONS:
            return RateLimited(account, key="yt_rate_limited", retries=self.num_retries)
        if said & UPLOADS_REFUSED_REASONS:
            return CollectorError(account, key="yt_uploads_refused", reason=label)
        if said & CHANNEL_GONE_REASONS:
            return AccountNotFound(account, key="yt_channel_gone", reason=label)
        if status == 404:
            return AccountNotFound(account, key="yt_not_found", reason=label)
        if status >= 500 or status == 429:
            return TransientError(
                account, key="yt_failing", status=status, retries=self.num_retries
            )
        # Any other refusal (a generic 403 "forbidden", 400 "invalidValue", …) concerns what
        # this call asked for: that account fails, the others go on.
        return CollectorError(account, key="yt_refused", reason=label, status=status)


def _raised_in(err: BaseException, package: str) -> bool:
    """Whether ``err`` was raised by code of ``package`` (its innermost frame)."""
    tb = err.__traceback__
    module = ""
    while tb is not None:
        module = str(tb.tb_frame.f_globals.get("__name__", ""))
        tb = tb.tb_next
    return module == package or module.startswith(package + ".")


def _unreadable(item: Any) -> str | None:
    """Why an item of a ``channels.list`` or ``videos.list`` answer cannot be read (it is
    no object, or has no id), or None when it can be."""
    if not isinstance(item, dict):
        return f"an item that is not an object ({_short(item)})"
    ident = item.get("id")
    if not isinstance(ident, str) or not ident:
        return f"an item without an id ({_short(ident)})"
    return None


def _chunks(items: Sequence[str], size: int = PAGE) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def paginate(
    client: YouTubeClient,
    method: str,
    meter: Meter,
    account: str,
    stop_when: Callable[[list[dict[str, Any]]], bool] = lambda items: False,
    expected: int | None = None,
    **params: Any,
) -> Iterator[dict[str, Any]]:
    """Yield items across pages, following ``nextPageToken``; stop after the page on which
    ``stop_when(items)`` is true.

    A :class:`PageGuard` bounds the walk by the item count YouTube reports (the first page's
    ``pageInfo.totalResults``, or ``expected``, whichever is larger): a token sent twice, or
    more pages than that count allows, raise :class:`PagingStopped` once the items already
    fetched have been yielded.
    """
    token: str | None = None
    guard: PageGuard | None = None
    while True:
        page = (
            client.call(method, meter, account, pageToken=token, **params)
            if token
            else client.call(method, meter, account, **params)
        )
        items = page.get("items", [])
        yield from items
        if guard is None:
            reported = count_value(_dict(page.get("pageInfo")).get("totalResults"))
            known = [n for n in (reported, expected) if n is not None]
            guard = PageGuard(f"{account}: {method}", PAGE, max(known) if known else None)
        token = _text(page.get("nextPageToken"))
        if stop_when(items) or not guard.next_page(token):
            return


def _is_item_fault(err: CollectorError) -> bool:
    """Whether a failed call shared by several items may have failed because of one of them
    (an unreadable answer, a refusal), rather than the network or the server."""
    return not err.stops_platform and not isinstance(err, TransientError)


@dataclass(frozen=True)
class Planned:
    """One configured channel and what the store knows of it."""

    account: AccountRef
    state: AccountState


class YouTubeCollector:
    """Collects channels; yields one :class:`AccountResult` per account, in config order."""

    def __init__(
        self,
        client: YouTubeClient,
        *,
        full: bool = False,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
    ) -> None:
        self.client = client
        self.full = full
        self.now = now

    def collect(self, planned: Iterable[Planned]) -> Iterator[AccountResult]:
        planned = list(planned)
        if not planned:
            return
        started = self.now()
        channels, results, stop = self._resolve(planned, started)
        for plan in planned:
            handle = plan.account.handle
            if handle in results:  # failed to resolve, or the platform stopped
                yield results[handle]
                continue
            result = AccountResult(plan.account, started_at=self.now(), path="data_api")
            meter = Meter()
            item = channels[handle]
            result.snapshot = channel_record(plan.account, item, self.now())
            try:
                if stop is not None:
                    spent = self._resolve_meters[handle]
                    result.api_units, result.requests = spent.units, spent.requests
                    raise stop.for_account(handle)  # keep the channel's figures, fetch no more
                self._collect_videos(plan, item, result, meter)
            except CollectorError as err:
                result.error = err
            result.api_units += meter.units
            result.requests += meter.requests
            yield result
            if result.error is not None and getattr(result.error, "stops_platform", False):
                for rest in planned[planned.index(plan) + 1 :]:
                    yield AccountResult(
                        rest.account,
                        started_at=self.now(),
                        error=result.error.for_account(rest.account.handle),
                        skipped=True,
                    )
                return

    def _by_id(
        self,
        method: str,
        ids: list[str],
        meter_of: Callable[[str], Meter],
        account_of: Callable[[str], str],
        **params: Any,
    ) -> tuple[list[dict[str, Any]], dict[str, CollectorError], CollectorError | None]:
        """``method`` for ``ids``, 50 a call: (items returned, errors by id, the error that
        stops YouTube or None). A call that fails for a reason tied to what it asked for
        (an unreadable answer, a refusal), or whose answer holds items that cannot be read
        (no object, no id), is asked again id by id for the ids it did not return, so that
        one bad channel or video fails alone; each error is filed under its own account.
        An id is missing from the items only when a readable answer left it out: an id
        whose answer could not be read has an error instead, and is never taken as gone."""
        items: list[dict[str, Any]] = []
        failed: dict[str, CollectorError] = {}

        def ask(asked: list[str]) -> list[str]:
            """Ask for ``asked`` in one call; the ids to ask again alone."""
            first = asked[0]
            try:
                answer = self.client.fetch(
                    method, meter_of(first), account_of(first), id=",".join(asked), **params
                )
            except CollectorError as err:
                if err.stops_platform:
                    raise
                if len(asked) == 1 or not _is_item_fault(err):
                    failed.update({i: err.for_account(account_of(i)) for i in asked})
                    return []
                log.warning(
                    "YouTube %s for %d ids failed (%s); asking for each alone",
                    method,
                    len(asked),
                    err.detail,
                )
                return asked
            readable = [i for i in answer.get("items", []) if _unreadable(i) is None]
            why = [w for w in map(_unreadable, answer.get("items", [])) if w is not None]
            items.extend(readable)
            if not why:
                return []
            returned = {i["id"] for i in readable}
            unread = [i for i in asked if i not in returned]
            log.warning(
                "YouTube %s for %s: %d item(s) that cannot be read (%s)%s",
                method,
                account_of(first),
                len(why),
                why[0],
                "; asking for each id not read alone" if len(asked) > 1 and unread else "",
            )
            if len(asked) > 1:
                return unread
            failed.update(
                {i: BadAnswer(account_of(i), key="yt_bad_answer", error=why[0]) for i in unread}
            )
            return []

        try:
            for chunk in _chunks(ids):
                for one in ask(chunk):
                    ask([one])
        except CollectorError as stop:
            return items, failed, stop
        return items, failed, None

    def _resolve(
        self, planned: list[Planned], started: dt.datetime
    ) -> tuple[dict[str, dict[str, Any]], dict[str, AccountResult], CollectorError | None]:
        """Channel items by handle: known ids in one call per 50, new @handles one by one.

        The resolution calls' units are charged to the first account they serve.
        """
        part = "snippet,statistics,contentDetails"
        found: dict[str, dict[str, Any]] = {}
        failed: dict[str, AccountResult] = {}
        meters = {p.account.handle: Meter() for p in planned}
        by_id: dict[str, str] = {}
        for p in planned:
            channel_id = p.state.external_id or (
                p.account.handle if not p.account.handle.startswith("@") else None
            )
            if channel_id:
                by_id[channel_id] = p.account.handle
        pending = [p for p in planned if p.account.handle not in by_id.values()]
        items, errors_by_id, stop = self._by_id(
            "channels.list",
            list(by_id),
            lambda cid: meters[by_id[cid]],
            lambda cid: by_id[cid],
            part=part,
            maxResults=PAGE,
        )
        errors: dict[str, CollectorError] = {by_id[c]: e for c, e in errors_by_id.items()}
        for item in items:
            channel_id = item.get("id")
            if isinstance(channel_id, str) and channel_id in by_id:
                found[by_id[channel_id]] = item
        for p in pending if stop is None else []:
            handle = p.account.handle
            try:
                answer = self.client.fetch(
                    "channels.list", meters[handle], handle, part=part, forHandle=handle
                )
            except CollectorError as err:
                if err.stops_platform:
                    stop = err
                    break
                errors[handle] = err
                continue
            usable = [i for i in answer.get("items", []) if _unreadable(i) is None]
            why = [w for w in map(_unreadable, answer.get("items", [])) if w is not None]
            if usable:
                found[handle] = usable[0]
            elif why:  # no channel that can be read: not the same as no channel
                errors[handle] = BadAnswer(handle, key="yt_bad_answer", error=why[0])
        for p in planned:
            handle = p.account.handle
            meter = meters[handle]
            if handle in found:
                continue
            result = AccountResult(
                p.account, started_at=started, api_units=meter.units, requests=meter.requests
            )
            if handle in errors:
                result.error = errors[handle]
            elif stop is not None:
                result.error, result.skipped = stop.for_account(handle), meter.requests == 0
            else:
                result.error = AccountNotFound(handle, key="yt_no_channel")
            failed[handle] = result
        # Units spent resolving channels that were found go to their own result later.
        self._resolve_meters = meters
        return found, failed, stop

    def _walk_uploads(
        self,
        handle: str,
        uploads: str,
        meter: Meter,
        listed: list[str],
        expected: int | None,
        stop_when: Callable[[list[dict[str, Any]]], bool] = lambda items: False,
    ) -> None:
        """Append the video ids of the uploads playlist to ``listed`` as they come."""
        for item in paginate(
            self.client,
            "playlistItems.list",
            meter,
            handle,
            stop_when=stop_when,
            expected=expected,
            part="contentDetails",
            playlistId=uploads,
            maxResults=PAGE,
        ):
            video_id = _text(_dict(item.get("contentDetails")).get("videoId"))
            if video_id:
                listed.append(video_id)
            else:
                log.warning("YouTube %s: a playlist item without a video id, ignored", handle)

    def _collect_videos(
        self, plan: Planned, channel: dict[str, Any], result: AccountResult, meter: Meter
    ) -> None:
        handle = plan.account.handle
        spent = self._resolve_meters.get(handle, Meter())
        result.api_units, result.requests = spent.units, spent.requests
        uploads = _text(
            _dict(_dict(channel.get("contentDetails")).get("relatedPlaylists")).get("uploads")
        )
        known = plan.state.known_posts
        last_full = plan.state.last_full_walk_at
        full = (
            self.full or not known or last_full is None or self.now() - last_full >= FULL_WALK_EVERY
        )
        video_count = count_value(_count(channel.get("statistics"), "videoCount"))
        listed: list[str] = []
        stopped: PagingStopped | None = None
        if uploads:

            def reached_known(items: list[dict[str, Any]]) -> bool:
                return not full and any(
                    _dict(i.get("contentDetails")).get("videoId") in known for i in items
                )

            try:
                try:
                    self._walk_uploads(handle, uploads, meter, listed, video_count, reached_known)
                except AccountNotFound:
                    # A channel without uploads has no uploads playlist: nothing to list.
                    if video_count:
                        raise
                walked_all = full
                if not full and video_count is not None:
                    visible = set(known) | set(listed)
                    if len(visible) < video_count:
                        # The channel has uploads the short walk did not reach: walk it all.
                        walked_all = True
                        self._walk_uploads(handle, uploads, meter, listed, video_count)
            except PagingStopped as err:
                # Keep what was listed; the walk is not complete, so it is no full walk.
                stopped, walked_all = err, False
        else:
            walked_all = True
        wanted = list(dict.fromkeys([*listed, *known]))
        returned: set[str] = set()
        captured = self.now()
        items, unread, stop = self._by_id(
            "videos.list",
            wanted,
            lambda _vid: meter,
            lambda _vid: handle,
            part="snippet,statistics,contentDetails,liveStreamingDetails",
            maxResults=PAGE,
        )
        for item in items:
            try:
                record = video_record(plan.account, item, captured)
            except MalformedItem as err:
                log.warning("YouTube %s: %s; this video is skipped in this refresh", handle, err)
                if isinstance(item.get("id"), str):
                    returned.add(item["id"])  # it exists: never mark it gone
                continue
            returned.add(record.post_id)
            result.posts.append(record)
        if stop is not None:
            raise stop  # the quota ran out: what was read is kept, nothing is marked gone
        self._classify_shorts(plan, channel, result, meter)
        # Deleted or private videos are no longer returned: mark the known ones gone (never
        # one whose call failed: its absence says nothing).
        result.gone = [v for v in known if v not in returned and v not in unread and not known[v]]
        problems: list[CollectorError] = []
        if stopped is not None:
            problems.append(
                CollectorError(
                    handle,
                    key="yt_paging_repeated" if stopped.reason == "repeated" else "yt_paging_bound",
                    pages=stopped.pages,
                    expected="?" if stopped.expected is None else stopped.expected,
                    listed=len(set(listed)),
                )
            )
        if unread:
            first = next(iter(unread.values()))
            problems.append(
                CollectorError(
                    handle,
                    key="yt_videos_unread",
                    n=len(unread),
                    ids=", ".join(sorted(unread)[:5]) + (" …" if len(unread) > 5 else ""),
                    error=first.text("en").split(": ", 1)[-1],
                )
            )
        if problems:
            result.error = problems[0]
        if walked_all and stopped is None:
            result.full_walk_at = captured

    # -- Shorts by playlist (new; kept apart from the walk above) --------------------------

    def _classify_shorts(
        self, plan: Planned, channel: dict[str, Any], result: AccountResult, meter: Meter
    ) -> None:
        """Decide Short or video by membership of the channel's Shorts playlist, for the
        videos no playlist has decided yet; keep how each kind was decided in
        ``kind_source`` (platform: lives; playlist; duration: the fallback rule).

        Only videos that could be Shorts (at most 180 s, not lives) and are not decided yet
        make the Shorts playlist be listed (1 unit per 50 items), newest first, until the
        oldest of them is passed. Without the playlist (none, or not accessible) the
        duration rule of :func:`video_kind` stays, and the next refresh tries again.
        """
        decided = plan.state.playlist_kinds
        pending = {
            p.post_id: p
            for p in result.posts
            if p.kind != "live"
            and p.post_id not in decided
            and (p.duration_s is None or p.duration_s <= SHORT_MAX_SECONDS)
        }
        shorts: set[str] | None = None
        stopped: CollectorError | None = None
        if pending:
            try:
                shorts = self._list_shorts(
                    channel["id"], list(pending.values()), meter, plan.account.handle
                )
            except CollectorError as err:  # not answering: fall back for this run
                if err.stops_platform:
                    stopped = err  # e.g. the quota: relabel what is known, then stop
        for i, post in enumerate(result.posts):
            if post.kind == "live":
                kind, source = "live", "platform"
            elif post.post_id in decided:
                kind, source = decided[post.post_id], "playlist"
            elif post.post_id in pending and shorts is not None:
                kind, source = ("short" if post.post_id in shorts else "video"), "playlist"
            else:
                kind, source = post.kind, "duration"
            result.posts[i] = replace(
                post, kind=kind, kind_source=source, url=video_url(post.post_id, kind)
            )
        if stopped is not None:
            raise stopped

    def _list_shorts(
        self, channel_id: str, pending: list[PostSnapshot], meter: Meter, account: str
    ) -> set[str] | None:
        """Ids listed in the channel's Shorts playlist down to the oldest pending video;
        None when the channel has no Shorts playlist or it cannot be read."""
        playlist = shorts_playlist_id(channel_id)
        if playlist is None:
            return None
        wanted = {p.post_id for p in pending}
        oldest = min(p.published_at for p in pending) - SHORTS_WALK_MARGIN
        listed: set[str] = set()

        def passed(items: list[dict[str, Any]]) -> bool:
            if wanted <= listed:
                return True
            times = [
                _time(i["contentDetails"]["videoPublishedAt"])
                for i in items
                if i.get("contentDetails", {}).get("videoPublishedAt")
            ]
            return bool(times) and min(times) < oldest

        try:
            for item in paginate(
                self.client,
                "playlistItems.list",
                meter,
                account,
                stop_when=passed,
                part="contentDetails",
                playlistId=playlist,
                maxResults=PAGE,
            ):
                listed.add(item["contentDetails"]["videoId"])
        except AuthFailed:
            # 403 playlistItemsNotAccessible: the duration rule decides (a 404
            # playlistNotFound, a channel without Shorts, falls back in the caller).
            return None
        except PagingStopped as err:
            # A Shorts playlist that pages for ever is as good as none: the duration rule
            # decides for this run.
            log.warning("YouTube %s: Shorts playlist not used: %s", account, err)
            return None
        return listed


def shorts_playlist_id(channel_id: str) -> str | None:
    """The channel's Shorts-only system playlist: ``UUSH`` + the id without ``UC``
    (undocumented by Google, widely used; uploads are ``UU…``, long videos ``UULF…``)."""
    return f"UUSH{channel_id[2:]}" if channel_id.startswith("UC") else None


def video_url(video_id: str, kind: str) -> str:
    """The watch address of a video; Shorts open in the Shorts player."""
    if kind == "short":
        return f"https://www.youtube.com/shorts/{video_id}"
    return f"https://www.youtube.com/watch?v={video_id}"

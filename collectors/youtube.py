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
    CollectorError,
    QuotaExceeded,
    TransientError,
)
from collectors.http import (
    DEFAULT_BUDGET,
    DEFAULT_DEADLINE,
    Budget,
    BudgetExhausted,
    DeadlineExceeded,
    DeadlineHttp,
)
from collectors.records import (
    AccountRef,
    AccountResult,
    AccountSnapshot,
    AccountState,
    PostSnapshot,
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
    if not text:
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


def _count(stats: dict[str, Any], key: str) -> int | None:
    """API counts come as JSON strings and are absent when hidden: absent stays None."""
    value = stats.get(key)
    return None if value is None else int(value)


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def video_kind(item: dict[str, Any]) -> str:
    """``live`` for lives and premieres (past, current or upcoming); ``short`` for a video of
    at most 60 s, or at most 180 s that says #shorts; else ``video``."""
    snippet = item.get("snippet", {})
    if "liveStreamingDetails" in item or snippet.get("liveBroadcastContent") in (
        "live",
        "upcoming",
    ):
        return "live"
    seconds = parse_duration(item.get("contentDetails", {}).get("duration"))
    if seconds is not None and 0 < seconds <= SHORT_MAX_SECONDS:
        text = f"{snippet.get('title', '')} {snippet.get('description', '')}".lower()
        if seconds <= SHORT_SURE_SECONDS or "#shorts" in text or "#short " in f"{text} ":
            return "short"
    return "video"


def video_record(
    account: AccountRef, item: dict[str, Any], captured_at: dt.datetime
) -> PostSnapshot:
    """A ``videos.list`` item as a post record; hidden counts stay None."""
    snippet = item.get("snippet", {})
    stats = item.get("statistics", {})
    kind = video_kind(item)
    thumbs = snippet.get("thumbnails", {})
    thumb = next((thumbs[k]["url"] for k in ("medium", "high", "default") if k in thumbs), None)
    vid = item["id"]
    title = snippet.get("title")
    description = snippet.get("description")
    return PostSnapshot(
        account=account,
        platform=PLATFORM,
        post_id=vid,
        published_at=_time(snippet["publishedAt"]),
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
        duration_s=parse_duration(item.get("contentDetails", {}).get("duration")),
        hashtags=hashtags_in(title, description),
        mentions=mentions_in(title, description),
        likes=_count(stats, "likeCount"),
        comments=_count(stats, "commentCount"),
        views=_count(stats, "viewCount"),
    )


def channel_record(
    account: AccountRef, item: dict[str, Any], captured_at: dt.datetime
) -> AccountSnapshot:
    stats = item.get("statistics", {})
    snippet = item.get("snippet", {})
    hidden = stats.get("hiddenSubscriberCount", False)
    custom = snippet.get("customUrl")
    return AccountSnapshot(
        account=account,
        captured_at=captured_at,
        external_id=item["id"],
        title=snippet.get("title"),
        url=f"https://www.youtube.com/{custom}"
        if custom
        else f"https://www.youtube.com/channel/{item['id']}",
        followers=None if hidden else _count(stats, "subscriberCount"),
        media_count=_count(stats, "videoCount"),
        total_views=_count(stats, "viewCount"),
    )


def next_quota_reset(now: dt.datetime) -> dt.datetime:
    """The next midnight in Pacific time, when YouTube's daily quota resets."""
    pacific = now.astimezone(ZoneInfo("America/Los_Angeles"))
    return dt.datetime.combine(pacific.date() + dt.timedelta(days=1), dt.time(0), pacific.tzinfo)


def _reason(err: HttpError) -> tuple[str, str]:
    """(reason, message) of an API error body, without the request URI (it holds the key)."""
    try:
        body = json.loads(err.content.decode("utf-8"))["error"]
    except (ValueError, KeyError, AttributeError, TypeError):
        return "", ""
    reasons = body.get("errors") or [{}]
    reason = str(reasons[0].get("reason", ""))
    detail = " ".join(
        str(d.get("reason", "")) for d in body.get("details", []) if isinstance(d, dict)
    )
    return reason, f"{body.get('message', '')} {detail}".strip()


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
        resource, verb = method.split(".")
        request = getattr(getattr(self.service, resource)(), verb)(**params)
        meter.units += UNIT_COST[method]
        meter.requests += 1
        self.http.budget.start()
        try:
            return request.execute(num_retries=self.num_retries)
        except HttpError as err:
            raise self._translate(err, account) from None
        except (DeadlineExceeded, BudgetExhausted) as err:
            raise TransientError(account, key="yt_timeout", error=err) from None
        except (OSError, httplib2.HttpLib2Error) as err:
            raise TransientError(
                account,
                key="yt_unreachable",
                error=type(err).__name__,
                retries=self.num_retries,
            ) from None

    def _translate(self, err: HttpError, account: str) -> CollectorError:
        status = err.resp.status
        reason, message = _reason(err)
        if reason in ("quotaExceeded", "dailyLimitExceeded"):
            reset = next_quota_reset(dt.datetime.now(UTC)).astimezone(ZoneInfo(self.tz))
            return QuotaExceeded(
                account, key="yt_quota", reset=f"{reset:%Y-%m-%d %H:%M}", tz=self.tz
            )
        if (
            reason == "keyInvalid"
            or "API_KEY_INVALID" in message
            or (status == 400 and "API key not valid" in message)
        ):
            return AuthFailed(account, key="yt_key_invalid")
        if status == 403:
            return AuthFailed(account, key="yt_forbidden", reason=reason or "forbidden")
        if status == 404:
            return AccountNotFound(account, key="yt_not_found", reason=reason or 404)
        if status >= 500 or status == 429:
            return TransientError(
                account, key="yt_failing", status=status, retries=self.num_retries
            )
        return CollectorError(account, key="yt_http", status=status, reason=reason or "error")


def _chunks(items: Sequence[str], size: int = PAGE) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def paginate(
    client: YouTubeClient,
    method: str,
    meter: Meter,
    account: str,
    stop_when: Callable[[list[dict[str, Any]]], bool] = lambda items: False,
    **params: Any,
) -> Iterator[dict[str, Any]]:
    """Yield items across pages, following ``nextPageToken``; stop after the page on which
    ``stop_when(items)`` is true."""
    token = None
    while True:
        page = (
            client.call(method, meter, account, pageToken=token, **params)
            if token
            else (client.call(method, meter, account, **params))
        )
        items = page.get("items", [])
        yield from items
        token = page.get("nextPageToken")
        if not token or stop_when(items):
            return


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
                    raise stop  # keep the channel's figures, fetch nothing more
                self._collect_videos(plan, item, result, meter)
            except CollectorError as err:
                result.error = err
            result.api_units += meter.units
            result.requests += meter.requests
            yield result
            if result.error is not None and getattr(result.error, "stops_platform", False):
                for rest in planned[planned.index(plan) + 1 :]:
                    yield AccountResult(
                        rest.account, started_at=self.now(), error=result.error, skipped=True
                    )
                return

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
        stop: CollectorError | None = None
        errors: dict[str, CollectorError] = {}
        for chunk in _chunks(list(by_id)):
            first = by_id[chunk[0]]
            try:
                answer = self.client.call(
                    "channels.list",
                    meters[first],
                    first,
                    part=part,
                    id=",".join(chunk),
                    maxResults=PAGE,
                )
            except CollectorError as err:
                if err.stops_platform:
                    stop = err
                    break
                errors.update({by_id[c]: err for c in chunk})
                continue
            for item in answer.get("items", []):
                if item["id"] in by_id:
                    found[by_id[item["id"]]] = item
        for p in pending if stop is None else []:
            handle = p.account.handle
            try:
                answer = self.client.call(
                    "channels.list", meters[handle], handle, part=part, forHandle=handle
                )
            except CollectorError as err:
                if err.stops_platform:
                    stop = err
                    break
                errors[handle] = err
                continue
            items = answer.get("items", [])
            if items:
                found[handle] = items[0]
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
                result.error, result.skipped = stop, meter.requests == 0
            else:
                result.error = AccountNotFound(handle, key="yt_no_channel")
            failed[handle] = result
        # Units spent resolving channels that were found go to their own result later.
        self._resolve_meters = meters
        return found, failed, stop

    def _collect_videos(
        self, plan: Planned, channel: dict[str, Any], result: AccountResult, meter: Meter
    ) -> None:
        handle = plan.account.handle
        spent = self._resolve_meters.get(handle, Meter())
        result.api_units, result.requests = spent.units, spent.requests
        uploads = channel.get("contentDetails", {}).get("relatedPlaylists", {}).get("uploads")
        known = plan.state.known_posts
        last_full = plan.state.last_full_walk_at
        full = (
            self.full or not known or last_full is None or self.now() - last_full >= FULL_WALK_EVERY
        )
        listed: list[str] = []
        if uploads:

            def reached_known(items: list[dict[str, Any]]) -> bool:
                return not full and any(i["contentDetails"]["videoId"] in known for i in items)

            try:
                for item in paginate(
                    self.client,
                    "playlistItems.list",
                    meter,
                    handle,
                    stop_when=reached_known,
                    part="contentDetails",
                    playlistId=uploads,
                    maxResults=PAGE,
                ):
                    listed.append(item["contentDetails"]["videoId"])
            except AccountNotFound:
                # A channel without uploads has no uploads playlist: nothing to list.
                if int(channel.get("statistics", {}).get("videoCount", "0") or 0) > 0:
                    raise
            walked_all = full
            video_count = _count(channel.get("statistics", {}), "videoCount")
            if not full and video_count is not None:
                visible = set(known) | set(listed)
                if len(visible) < video_count:
                    # The channel has uploads the short walk did not reach: walk it all.
                    walked_all = True
                    for item in paginate(
                        self.client,
                        "playlistItems.list",
                        meter,
                        handle,
                        part="contentDetails",
                        playlistId=uploads,
                        maxResults=PAGE,
                    ):
                        listed.append(item["contentDetails"]["videoId"])
        else:
            walked_all = True
        wanted = list(dict.fromkeys([*listed, *known]))
        returned: set[str] = set()
        captured = self.now()
        for chunk in _chunks(wanted):
            answer = self.client.call(
                "videos.list",
                meter,
                handle,
                part="snippet,statistics,contentDetails,liveStreamingDetails",
                id=",".join(chunk),
                maxResults=PAGE,
            )
            for item in answer.get("items", []):
                returned.add(item["id"])
                result.posts.append(video_record(plan.account, item, captured))
        self._classify_shorts(plan, channel, result, meter)
        # Deleted or private videos are no longer returned: mark the known ones gone.
        result.gone = [v for v in known if v not in returned and not known[v]]
        if walked_all:
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

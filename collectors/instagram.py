"""Instagram collector with instaloader: profile size and post metrics, polite and incremental.

Reads counts from the raw post node (``instaloader.get_json_structure``) so that no post
costs an extra request; knows nothing of the database or Streamlit.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import stat
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import instaloader
import instaloader.instaloadercontext
import requests
from instaloader import Instaloader, InstaloaderContext, Post, Profile, RateController
from instaloader.exceptions import (
    AbortDownloadException,
    ConnectionException,
    InstaloaderException,
    LoginRequiredException,
    PrivateProfileNotFollowedException,
    ProfileNotExistsException,
    QueryReturnedBadRequestException,
    QueryReturnedForbiddenException,
    QueryReturnedNotFoundException,
    TooManyRequestsException,
)

from collectors.config import Config, NetworkOptions, Settings
from collectors.errors import (
    AccountNotFound,
    AccountPrivate,
    AuthFailed,
    CollectorError,
    RateLimited,
    TransientError,
)
from collectors.http import DEFAULT_DEADLINE, DeadlineAdapter
from collectors.paging import DEFAULT_MAX_PAGES, PageGuard, PagingStopped
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
PLATFORM = "instagram"
log = logging.getLogger("jejaring.instagram")

ProfileFetcher = Callable[[InstaloaderContext, str], Profile]
PostSource = Callable[[Profile], Iterable[Post]]


class CountingRateController(RateController):
    """instaloader's own rate control (it waits before queries), counting the requests too."""

    def __init__(self, context: InstaloaderContext) -> None:
        super().__init__(context)
        self.requests = 0

    def wait_before_query(self, query_type: str) -> None:
        self.requests += 1
        super().wait_before_query(query_type)


class _Transport:
    """How instaloader reaches Instagram: every ``requests`` session its context makes
    (anonymous, logged in, or the short-lived copies it makes for GraphQL and the iPhone API)
    sends through :class:`DeadlineAdapter`, so each request ends within the deadline
    (instaloader's ``request_timeout`` bounds each read only, and a server dripping bytes
    holds it for ever). The statuses Instagram answered are noted: a "profile does not
    exist" after a 400/401/403 means Instagram refused us, not that the profile is gone."""

    def __init__(self) -> None:
        self.deadline = DEFAULT_DEADLINE
        self.statuses: deque[int] = deque(maxlen=500)
        self.answers = 0

    def seen(self, status: int, url: str) -> None:
        self.statuses.append(status)
        self.answers += 1

    def since(self, mark: int) -> list[int]:
        """Statuses answered since ``answers`` was ``mark``."""
        new = self.answers - mark
        return list(self.statuses)[-new:] if new > 0 else []


TRANSPORT = _Transport()


class _BoundedSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        adapter = DeadlineAdapter(TRANSPORT.deadline, on_response=TRANSPORT.seen)
        self.mount("https://", adapter)
        self.mount("http://", adapter)


class _RequestsForInstaloader(types.ModuleType):
    """``requests`` as instaloader's context module sees it: the same, but its sessions are
    bounded. Only that module's name is rebound; ``requests`` itself is left alone."""

    Session = _BoundedSession

    def __getattr__(self, name: str) -> Any:
        return getattr(requests, name)


def install_transport(deadline: float) -> None:
    """Bound every request instaloader makes from now on by ``deadline`` seconds."""
    TRANSPORT.deadline = deadline
    context_module = instaloader.instaloadercontext
    if not isinstance(context_module.requests, _RequestsForInstaloader):
        context_module.requests = _RequestsForInstaloader("requests")


def make_loader(
    settings: Settings,
    warn: Callable[[str], None] = lambda text: None,
    network: NetworkOptions | None = None,
) -> Instaloader:
    """A quiet loader that downloads nothing, whose every request ends within the network
    deadline; logged in when INSTAGRAM_USER is set."""
    network = network or NetworkOptions()
    install_transport(network.deadline)  # before the loader makes its first session
    loader = Instaloader(
        quiet=True,
        download_pictures=False,
        download_videos=False,
        download_video_thumbnails=False,
        download_geotags=False,
        download_comments=False,
        save_metadata=False,
        compress_json=False,
        post_metadata_txt_pattern="",
        storyitem_metadata_txt_pattern="",
        # Logged in, iPhone support makes Post.url and video_url call the iPhone API once
        # per post; Jejaring needs neither.
        iphone_support=False,
        rate_controller=CountingRateController,
        max_connection_attempts=network.retries + 1,
    )
    user = settings.instagram_user
    if user:
        path = (
            settings.instagram_session_file
            or instaloader.instaloader.get_default_session_filename(user)
        )
        if not os.path.exists(path):
            raise AuthFailed(user, key="ig_session_missing", user=user, path=path)
        mode = os.stat(path).st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            warn(
                f"the Instagram session file {path} can be read by other users of this "
                f"machine; it is as good as a password. Fix it with: chmod 600 {path}"
            )
        try:
            loader.load_session_from_file(user, path)
        except (OSError, ValueError, EOFError, KeyError) as err:
            raise AuthFailed(
                user, key="ig_session_unreadable", user=user, path=path, error=type(err).__name__
            ) from None
    return loader


def requests_made(loader: Instaloader) -> int:
    controller = getattr(loader.context, "_rate_controller", None)
    return controller.requests if isinstance(controller, CountingRateController) else 0


# -- raw node reading -------------------------------------------------------------


def raw_media(post: Post) -> dict[str, Any]:
    """The post's node as Instagram sent it: the timeline's media item when logged in, the
    (normalized, key-preserving) media of the post query when anonymous, or a legacy node."""
    node = instaloader.get_json_structure(post)["node"]
    return node.get("iphone_struct") or node


def _get(data: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(data, dict):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and len(data) > key:
            data = data[key]
        else:
            return None
    return data


def _count(value: Any) -> Any:
    """A count as Instagram gives it, for the record boundary to check (it keeps the stored
    value, with a warning, when this is no count); absent and instaloader's -1 ("hidden")
    are None."""
    if value is None or (not isinstance(value, bool) and value in (-1, "-1")):
        return None
    return value


def post_kind(media: dict[str, Any]) -> str:
    media_type = media.get("media_type")
    typename = media.get("__typename")
    if media_type == 8 or typename == "GraphSidecar":
        return "carousel"
    if media_type == 2 or typename == "GraphVideo" or media.get("is_video"):
        return "reel" if media.get("product_type") == "clips" else "video"
    return "image"


def post_record(account: AccountRef, post: Post, captured_at: dt.datetime) -> PostSnapshot:
    """A post as a record, read from its raw node only (no request)."""
    media = raw_media(post)
    polaris = "code" in media or "pk" in media  # the current API's media items
    hidden = bool(media.get("like_and_view_counts_disabled"))
    if polaris:
        likes = _count(media.get("like_count"))
        comments = _count(media.get("comment_count"))
        views = _count(media.get("view_count"))
        plays = _count(media.get("play_count") or media.get("ig_play_count"))
        caption = (
            _get(media, "caption", "text")
            if isinstance(media.get("caption"), dict)
            else (media.get("caption"))
        )
        shortcode = media["code"]
        taken = media["taken_at"]
        tagged = [_get(t, "user", "username") for t in _get(media, "usertags", "in") or []]
        pinned = bool(media.get("timeline_pinned_user_ids"))
        thumb = _get(media, "image_versions2", "candidates", 0, "url") or _get(
            media, "carousel_media", 0, "image_versions2", "candidates", 0, "url"
        )
    else:  # legacy GraphQL node
        likes = _count(_get(media, "edge_media_preview_like", "count"))
        comments = _count(
            _get(media, "edge_media_to_comment", "count")
            if _get(media, "edge_media_to_comment", "count") is not None
            else _get(media, "edge_media_to_parent_comment", "count")
        )
        views = _count(media.get("video_view_count"))
        plays = _count(media.get("video_play_count"))
        caption = _get(media, "edge_media_to_caption", "edges", 0, "node", "text")
        shortcode = media["shortcode"]
        taken = media.get("taken_at_timestamp", media.get("date"))
        tagged = [
            _get(e, "node", "user", "username")
            for e in _get(media, "edge_media_to_tagged_user", "edges") or []
        ]
        pinned = bool(media.get("pinned_for_users"))
        thumb = media.get("display_url")
    if hidden:
        likes = views = plays = None
    if media.get("comments_disabled"):
        comments = None
    kind = post_kind(media)
    owner = (_get(media, "user", "username") or _get(media, "owner", "username") or "").lower()
    coauthors = [
        str(c.get("username", "")).lower()
        for c in media.get("coauthor_producers") or []
        if isinstance(c, dict) and c.get("username") and str(c["username"]).lower() != owner
    ]
    if kind == "image":
        views = plays = None
    path = "reel" if kind == "reel" else "p"
    return PostSnapshot(
        account=account,
        platform=PLATFORM,
        post_id=shortcode,
        published_at=dt.datetime.fromtimestamp(int(taken), UTC),
        kind=kind,
        captured_at=captured_at,
        url=f"https://www.instagram.com/{path}/{shortcode}/",
        caption=caption,
        thumbnail_url=thumb,
        duration_s=media.get("video_duration"),
        hashtags=hashtags_in(caption),
        mentions=mentions_in(caption),
        tagged=tuple(t.lower() for t in tagged if t),
        coauthors=tuple(coauthors),
        is_pinned=pinned,
        likes=likes,
        comments=comments,
        views=views,
        plays=plays,
    )


def profile_record(
    account: AccountRef, profile: Profile, captured_at: dt.datetime
) -> AccountSnapshot:
    return AccountSnapshot(
        account=account,
        captured_at=captured_at,
        external_id=str(profile.userid),
        title=profile.full_name or profile.username,
        url=f"https://www.instagram.com/{profile.username}/",
        followers=_count(profile.followers),
        following=_count(profile.followees),
        media_count=_count(profile.mediacount),
    )


# -- the walk ---------------------------------------------------------------------


#: Posts per page of instaloader's timeline queries (NodeIterator._graphql_page_length).
IG_PAGE = 12


def walk(
    account: AccountRef,
    posts: Iterable[Post],
    state: AccountState,
    now: dt.datetime,
    *,
    recheck_days: int,
    max_posts: int,
    full: bool = False,
    expected: int | None = None,
) -> Iterator[PostSnapshot]:
    """Posts newest first, as records, until the stop rule says enough.

    Stop once a post is older than the re-check window and already stored (pinned posts,
    which Instagram shows first and out of date order, never stop the walk), or after
    ``max_posts`` posts. ``full`` walks every post.

    instaloader follows the page cursors itself and stops only when a page repeats the
    previous one exactly, so Instagram sending pages in a cycle (or pages without end) would
    hold even a ``full`` walk for ever. A :class:`PageGuard` over the posts themselves (a
    post is this walk's "page") raises :class:`PagingStopped` on a post already yielded, or
    past the ``expected`` count (the profile's media count) plus a margin and a page.
    """
    cutoff = now - dt.timedelta(days=recheck_days)
    guard = PageGuard(
        f"the posts of {account.handle}",
        page_size=1,
        expected=None if expected is None else expected + IG_PAGE,
        max_pages=DEFAULT_MAX_PAGES * IG_PAGE,
    )
    pinned_seen: set[str] = set()
    for count, post in enumerate(posts, start=1):
        try:
            record = post_record(account, post, now)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError, OSError) as err:
            # A node without what every post has: skip it, keep the others and the stored one.
            log.warning(
                "instagram %s: a post that cannot be read (%s: %s) is skipped",
                account.handle,
                type(err).__name__,
                err,
            )
            guard.next_page(f"unreadable post {count}")  # still counts toward the bound
            continue
        if record.post_id in pinned_seen:
            # A pinned post may come once more in its place by date: not a loop, and not
            # yielded twice; a third time is.
            guard.next_page(f"{record.post_id} again")
            continue
        guard.next_page(record.post_id)
        if record.is_pinned:
            pinned_seen.add(record.post_id)
        yield record
        if full:
            continue
        if count >= max_posts:
            return
        if (
            not record.is_pinned
            and record.published_at < cutoff
            and record.post_id in (state.known_posts)
        ):
            return


def _walk_stopped(
    handle: str, err: PagingStopped, walked: int, media_count: int | None
) -> CollectorError:
    """The account's error when the guard stopped its walk (what was walked is kept)."""
    if err.reason == "repeated":
        return CollectorError(handle, key="ig_walk_repeated", posts=walked)
    if media_count is None:
        return CollectorError(handle, key="ig_walk_endless", posts=walked)
    return CollectorError(handle, key="ig_walk_bound", posts=walked, expected=media_count)


def _chain(err: BaseException) -> Iterator[BaseException]:
    """The error and the errors it came from (instaloader wraps the last one it retried)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


# instaloader words an HTTP error as "<status> <reason> when accessing <url>"; other numbers
# in its messages (a port such as 443, a retry count) are no status.
_STATUS_RES = (
    re.compile(r"\b([1-5]\d\d) [A-Za-z][A-Za-z' -]* when accessing\b"),
    re.compile(r"\bHTTP (?:error code |status )?([1-5]\d\d)\b"),  # older instaloader
    re.compile(r'responded with "([1-5]\d\d) [A-Za-z]'),  # AbortDownloadException
)
# What requests says when no answer came at all, when the error itself is gone (the cause
# chain is how :func:`_connection_fault` knows it otherwise).
_NO_CONNECTION_RE = re.compile(
    r"Max retries exceeded|NewConnectionError|NameResolutionError|Failed to establish|"
    r"Connection refused|Connection aborted|Name or service not known|"
    r"Temporary failure in name resolution|Network is unreachable|No route to host"
)
_TIMEOUT_RE = re.compile(r"Read timed out|ConnectTimeout|timed out|did not finish its answer")
_STATUS_OF = {
    QueryReturnedBadRequestException: 400,
    QueryReturnedForbiddenException: 403,
    QueryReturnedNotFoundException: 404,
    TooManyRequestsException: 429,
}
BLOCKED = (400, 401, 403)


def _http_status(err: BaseException) -> int | None:
    """The HTTP status Instagram answered, read from the error or what it came from."""
    for link in _chain(err):
        for kind, status in _STATUS_OF.items():
            if isinstance(link, kind):
                return status
        for pattern in _STATUS_RES:
            match = pattern.search(str(link))
            if match:
                return int(match.group(1))
    return None


def _connection_fault(err: BaseException) -> str | None:
    """ "timeout" or "connection" when no answer came at all (no network, refused, DNS,
    the deadline), else None."""
    for link in _chain(err):
        if isinstance(link, requests.exceptions.Timeout | TimeoutError):
            return "timeout"
        if isinstance(link, requests.exceptions.ConnectionError | ConnectionError | OSError):
            return "connection"
    text = str(err)
    if _TIMEOUT_RE.search(text):
        return "timeout"
    if _NO_CONNECTION_RE.search(text):
        return "connection"
    return None


def _translate(
    err: BaseException, handle: str, private: bool, statuses: Iterable[int] = ()
) -> CollectorError:
    """A librarian's sentence for an instaloader error. ``statuses`` are the HTTP statuses
    Instagram answered while this account was collected (see :class:`_Transport`)."""
    text = str(err)
    status = _http_status(err)
    refused = [s for s in statuses if s in BLOCKED]
    if isinstance(err, PrivateProfileNotFollowedException) or (
        isinstance(err, LoginRequiredException) and private
    ):
        return AccountPrivate(handle, key="ig_private")
    if isinstance(err, AbortDownloadException):
        what = next(
            (w for w in ("checkpoint", "challenge", "feedback_required", "login") if w in text),
            "a check",
        )
        return AuthFailed(handle, key="ig_session_stopped", what=what)
    if isinstance(err, LoginRequiredException):
        return AuthFailed(handle, key="ig_login_required")
    if (
        status == 429
        or any(isinstance(e, TooManyRequestsException) for e in _chain(err))
        or re.search(r"\b429\b", text)
    ):
        return RateLimited(handle, key="ig_429")
    if "Please wait a few minutes" in text:
        return RateLimited(handle, key="ig_wait")
    if status in BLOCKED or (isinstance(err, ProfileNotExistsException) and refused):
        # instaloader in 2026: revoked query ids, 400 for professional profiles seen
        # anonymously, 403 surfacing as a false "profile does not exist". Never "missing".
        return CollectorError(handle, key="ig_blocked", status=status or refused[-1])
    if isinstance(err, ProfileNotExistsException) or status == 404:
        return AccountNotFound(handle, key="ig_no_profile")
    fault = _connection_fault(err)
    if fault == "timeout":
        return TransientError(handle, key="ig_timeout")
    if fault == "connection":
        return TransientError(handle, key="ig_no_connection")
    if isinstance(err, ConnectionException):
        if status is not None:
            return TransientError(handle, key="ig_unreachable_status", status=status)
        return TransientError(handle, key="ig_unreachable")
    return CollectorError(handle, key="ig_unexpected", error=type(err).__name__)


def collect_account(
    loader: Instaloader,
    account: AccountRef,
    state: AccountState,
    *,
    recheck_days: int,
    max_posts: int,
    full: bool = False,
    profiles: ProfileFetcher = Profile.from_username,
    posts_of: PostSource = lambda profile: profile.get_posts(),
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
) -> AccountResult:
    """One account: its profile, then its posts by the stop rule. Whatever was fetched
    before an error stays in the result."""
    started = now()
    result = AccountResult(account, started_at=started)
    before = requests_made(loader)
    answers_before = TRANSPORT.answers
    private = False
    media_count: int | None = None
    try:
        profile = profiles(loader.context, account.handle)
        private = bool(profile.is_private)
        result.snapshot = profile_record(account, profile, now())
        media_count = count_value(result.snapshot.media_count)
        captured = now()
        for record in walk(
            account,
            posts_of(profile),
            state,
            captured,
            recheck_days=recheck_days,
            max_posts=max_posts,
            full=full,
            expected=media_count,
        ):
            result.posts.append(record)
    except PagingStopped as err:
        result.error = _walk_stopped(account.handle, err, len(result.posts), media_count)
    except (InstaloaderException, AbortDownloadException) as err:
        result.error = _translate(err, account.handle, private, TRANSPORT.since(answers_before))
    result.requests = requests_made(loader) - before
    return result


def collect_instagram(
    accounts: list[AccountRef],
    store: Any,
    settings: Settings,
    config: Config,
    full: bool = False,
    warn: Callable[[str], None] = lambda text: None,
    *,
    loader: Instaloader | None = None,
    profiles: ProfileFetcher = Profile.from_username,
    posts_of: PostSource = lambda profile: profile.get_posts(),
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
) -> Iterator[AccountResult]:
    """Collect every account in turn; a 429, a login demand or a checkpoint stops
    Instagram for this run (the accounts not reached are reported as skipped)."""
    try:
        loader = loader or make_loader(settings, warn, config.network)
    except AuthFailed as err:
        for ref in accounts:
            yield AccountResult(ref, started_at=now(), error=err, skipped=True)
        return
    options = config.instagram
    for index, ref in enumerate(accounts):
        result = collect_account(
            loader,
            ref,
            store.account_state(ref),
            recheck_days=options.recheck_days,
            max_posts=options.max_posts_per_run,
            full=full,
            profiles=profiles,
            posts_of=posts_of,
            now=now,
        )
        yield result
        if result.error is not None and result.error.stops_platform:
            for rest in accounts[index + 1 :]:
                yield AccountResult(rest, started_at=now(), error=result.error, skipped=True)
            return

"""Instagram collector: real instaloader Post/Profile objects from recorded nodes, no network.

Every test runs with the ``no_network`` guard: any HTTP request through ``requests`` (what
instaloader uses) is recorded and refused, and the test checks none was attempted.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
import requests
from instaloader import Post, Profile
from instaloader.exceptions import (
    AbortDownloadException,
    ConnectionException,
    LoginRequiredException,
    ProfileNotExistsException,
    QueryReturnedBadRequestException,
    TooManyRequestsException,
)

from collectors.config import Settings, parse_config
from collectors.errors import AccountNotFound, AccountPrivate, AuthFailed, RateLimited
from collectors.instagram import (
    collect_account,
    collect_instagram,
    make_loader,
    post_record,
    walk,
)
from collectors.records import AccountRef, AccountState
from collectors.refresh import refresh, select_accounts
from collectors.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "instagram"
MEDIA = json.loads((FIXTURES / "media.json").read_text())
NOW = dt.datetime(2025, 11, 25, 12, 0, tzinfo=dt.UTC)
UMA = AccountRef("uma", "instagram", "perpustakaan.uma")

CONFIG = """
timezone = "Asia/Jakarta"
[instagram]
recheck_days = 30
max_posts_per_run = 200
[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma", "perpus.tertutup"]
[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed", "tidak.ada"]
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse (and record) every HTTP request made through requests."""
    attempts: list[str] = []

    def refuse(self, request, **kwargs):
        attempts.append(request.url)
        raise AssertionError(f"network request attempted in a test: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    yield attempts
    assert attempts == [], f"requests were attempted: {attempts}"


@pytest.fixture
def loader():
    return make_loader(Settings())


def timeline_post(loader, media):
    """As the logged-in timeline iterator wraps each node (instaloader 4.16)."""
    return Post.from_iphone_struct(loader.context, copy.deepcopy(media))


def anonymous_post(loader, media):
    """As Post.from_shortcode leaves it: the node is the normalized post-query media."""
    return Post(loader.context, Post._normalize_post_data(copy.deepcopy(media)))


def profile_from(loader, name="profile_uma.json"):
    user = json.loads((FIXTURES / name).read_text())
    user.pop("_comment", None)
    return Profile(loader.context, Profile._normalize_profile_data(dict(user, id=user["pk"])))


@pytest.mark.parametrize("shape", [timeline_post, anonymous_post])
def test_every_kind_becomes_the_expected_record(loader, shape):
    records = {
        r.post_id: r for r in (post_record(UMA, shape(loader, m), NOW) for m in MEDIA["items"])
    }
    pinned = records["DPinOld0001"]
    assert pinned.is_pinned and pinned.kind == "image" and pinned.likes == 612
    assert pinned.published_at == dt.datetime(2025, 1, 1, 3, 0, tzinfo=dt.UTC)
    assert pinned.views is None and pinned.plays is None, "images have no views"

    reel = records["DReel000002"]
    assert reel.kind == "reel" and reel.url == "https://www.instagram.com/reel/DReel000002/"
    assert (reel.likes, reel.comments, reel.views, reel.plays) == (245, 18, 3890, 5120)
    assert reel.mentions == ("digilib.unimed",)
    assert reel.hashtags == ("#bulanliterasi", "#tutorial")
    assert reel.duration_s == 58.4

    collab = records["DCollab0003"]
    assert collab.kind == "carousel"
    assert collab.coauthors == ("digilib.unimed",), "the owner is not its own co-author"
    assert collab.tagged == ("digilib.unimed",)
    assert collab.thumbnail_url.endswith("c1.jpg")

    hidden = records["DHidden0004"]
    assert hidden.likes is None, "a hidden like count (token 1) is NULL"
    assert hidden.comments == 5

    video = records["DVideo00005"]
    assert video.kind == "video" and video.views == 1405 and video.plays is None
    assert video.comments is None, "comments turned off: NULL"

    image = records["DImage00006"]
    assert image.caption is None and image.hashtags == ()


def test_legacy_graphql_node(loader):
    node = {k: v for k, v in MEDIA["legacy_node"].items() if k != "_comment"}
    record = post_record(UMA, Post(loader.context, node), NOW)
    assert (record.post_id, record.kind, record.likes, record.comments, record.views) == (
        "CLegacy0009",
        "reel",
        80,
        6,
        900,
    )
    assert record.mentions == ("digilib.unimed",)


def test_profile_record_reads_the_counts(loader):
    result = collect_account(
        loader,
        UMA,
        AccountState(),
        recheck_days=30,
        max_posts=200,
        profiles=lambda ctx, name: profile_from(loader),
        posts_of=lambda p: iter(()),
        now=lambda: NOW,
    )
    snap = result.snapshot
    assert (snap.followers, snap.following, snap.media_count) == (5432, 312, 418)
    assert snap.external_id == "5512340001"
    assert result.status == "ok"


def synthetic(loader, n: int, shape=timeline_post, pinned_old: bool = True):
    """n daily posts, newest first, with an old pinned post in front."""
    template = MEDIA["items"][5]
    posts = []
    if pinned_old:
        posts.append(shape(loader, MEDIA["items"][0]))
    for i in range(n):
        media = copy.deepcopy(template)
        media["code"] = f"DSyn{i:07d}"
        media["pk"] = str(3500000000000000000 + i)
        media["taken_at"] = int((NOW - dt.timedelta(days=i, hours=2)).timestamp())
        posts.append(shape(loader, media))
    return posts


@pytest.mark.parametrize("shape", [timeline_post, anonymous_post])
def test_stop_rule_past_window_and_known_pinned_never_stops(loader, shape):
    posts = synthetic(loader, 60, shape)
    # first run: nothing known, every post is walked
    assert len(list(walk(UMA, posts, AccountState(), NOW, recheck_days=30, max_posts=500))) == 61
    # later run: all known. The old pinned post (known, outside the window) must not stop it;
    # the walk ends at the first known post older than 30 days.
    known = AccountState(known_posts={p.shortcode: False for p in posts})
    walked = [r.post_id for r in walk(UMA, posts, known, NOW, recheck_days=30, max_posts=500)]
    assert walked[0] == "DPinOld0001"
    assert walked[-1] == "DSyn0000030"  # 30 days and 2 hours old: first one past the window
    assert len(walked) == 1 + 31
    # new posts at the top and a gap of unknown old posts: walk goes on past unknown ones
    partly = AccountState(known_posts={p.shortcode: False for p in posts[40:]})
    walked = [r.post_id for r in walk(UMA, posts, partly, NOW, recheck_days=30, max_posts=500)]
    assert walked[-1] == posts[40].shortcode
    # the cap
    assert len(list(walk(UMA, posts, AccountState(), NOW, recheck_days=30, max_posts=10))) == 10
    # --full ignores the stop rule and the cap
    assert len(list(walk(UMA, posts, known, NOW, recheck_days=30, max_posts=10, full=True))) == 61


def failing_after(posts, count, error):
    """A post iterator that raises ``error`` after ``count`` posts, as a NodeIterator would."""

    def generate(profile):
        yield from posts[:count]
        raise error

    return generate


def run_refresh(tmp_path, loader, profiles, posts_of):
    config = parse_config(CONFIG, str(tmp_path / "jejaring.toml"))
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ig.db'}")
    store = Store(settings.database_url)
    collect = functools.partial(
        collect_instagram, loader=loader, profiles=profiles, posts_of=posts_of, now=lambda: NOW
    )
    out = io.StringIO()
    summary = refresh(
        config,
        settings,
        store,
        select_accounts(config, ["instagram"]),
        out=out,
        collectors={"instagram": collect},
    )
    return store, summary, out.getvalue()


def fake_profiles(loader, missing=("tidak.ada",)):
    def fetch(context, name):
        if name in missing:
            raise ProfileNotExistsException(f"Profile {name} does not exist.")
        if name == "perpus.tertutup":
            return profile_from(loader, "profile_private.json")
        user = json.loads((FIXTURES / "profile_uma.json").read_text())
        user.update(username=name, pk=str(abs(hash(name)) % 10**9))
        return Profile(loader.context, Profile._normalize_profile_data(dict(user, id=user["pk"])))

    return fetch


def test_refresh_writes_posts_and_survives_missing_and_private(tmp_path, loader):
    posts = [timeline_post(loader, m) for m in MEDIA["items"]]

    def posts_of(profile):
        if profile.is_private:
            raise LoginRequiredException(
                f"Login required to access the posts of private profile {profile.username}."
            )
        return iter(posts)

    store, summary, log = run_refresh(tmp_path, loader, fake_profiles(loader), posts_of)
    status = {r.account.handle: r.status for r in summary.results}
    assert status == {
        "perpustakaan.uma": "ok",
        "perpus.tertutup": "partial",
        "digilib.unimed": "ok",
        "tidak.ada": "failed",
    }
    errors = {r.account.handle: r.error for r in summary.results}
    assert isinstance(errors["perpus.tertutup"], AccountPrivate)
    assert isinstance(errors["tidak.ada"], AccountNotFound)
    assert "tidak.ada (unimed) failed: tidak.ada: Instagram shows no profile" in log
    frame = store.posts()
    assert len(frame) == 6  # the same fixture posts, listed under two accounts: last wins
    hidden = frame.set_index("post_id").loc["DHidden0004"]
    assert pd.isna(hidden["likes"])
    daily = store.account_daily()
    assert len(daily) == 3  # three profiles answered, the private one included


@pytest.mark.parametrize(
    ("error", "expected", "stops"),
    [
        (ConnectionException("JSON Query to api/graphql: HTTP error code 429."), RateLimited, True),
        (TooManyRequestsException("429 Too Many Requests"), RateLimited, True),
        (
            ConnectionException(
                'JSON Query: 401 Unauthorized - "Please wait a few minutes before you try again."'
            ),
            RateLimited,
            True,
        ),
        (
            AbortDownloadException('Query responded with "400 Bad Request" - checkpoint_required'),
            AuthFailed,
            True,
        ),
        (LoginRequiredException("Redirected to login page."), AuthFailed, True),
        (
            ConnectionException("HTTPSConnectionPool: Max retries exceeded (NameResolutionError)"),
            Exception,
            False,
        ),
    ],
)
def test_faults_keep_earlier_posts_and_stop_only_when_they_must(
    tmp_path, loader, error, expected, stops
):
    posts = [timeline_post(loader, m) for m in MEDIA["items"]]
    store, summary, log = run_refresh(
        tmp_path, loader, fake_profiles(loader, missing=()), failing_after(posts, 3, error)
    )
    first = summary.results[0]
    assert first.status == "partial"
    assert isinstance(first.error, expected)
    assert set(store.posts()["post_id"]) == {p.shortcode for p in posts[:3]}, "kept, not lost"
    rest = [r.status for r in summary.results[1:]]
    if stops:
        assert rest == ["skipped"] * 3
        assert first.error.stops_platform
    else:
        assert "skipped" not in rest and rest[0] == "partial"
    items = store.run_items([summary.run_id])
    assert len(items) == 4 and (items["status"] == "ok").sum() == 0
    assert summary.exit_code == 1


def test_rate_limit_message_tells_when_to_retry(loader):
    result = collect_account(
        loader,
        UMA,
        AccountState(),
        recheck_days=30,
        max_posts=200,
        profiles=lambda ctx, name: profile_from(loader),
        posts_of=failing_after([], 0, TooManyRequestsException("429")),
        now=lambda: NOW,
    )
    assert "Retry in a few hours" in str(result.error)
    assert "perpustakaan.uma" in str(result.error)


def test_missing_session_file_fails_instagram_clearly(tmp_path):
    settings = Settings(instagram_user="akun.khusus", instagram_session_file=str(tmp_path / "x"))
    config = parse_config(CONFIG, "jejaring.toml")
    results = list(
        collect_instagram(select_accounts(config, ["instagram"]), None, settings, config)
    )
    assert all(r.status == "skipped" for r in results)
    assert "instaloader --login akun.khusus" in str(results[0].error)


def test_session_file_readable_by_others_gets_a_chmod_warning(tmp_path, loader):
    path = tmp_path / "session-akun.khusus"
    loader.context.username = "akun.khusus"
    loader.save_session_to_file(str(path))
    os.chmod(path, 0o644)
    warnings: list[str] = []
    logged_in = make_loader(
        Settings(instagram_user="akun.khusus", instagram_session_file=str(path)), warnings.append
    )
    assert logged_in.context.is_logged_in is False or logged_in.context.username == "akun.khusus"
    assert warnings and f"chmod 600 {path}" in warnings[0]
    os.chmod(path, 0o600)
    warnings.clear()
    make_loader(
        Settings(instagram_user="akun.khusus", instagram_session_file=str(path)), warnings.append
    )
    assert warnings == []


# -- faults (issue #11, #12): no network, a blocked web interface, a total deadline ------

NO_NETWORK = (
    "JSON Query to api/graphql: HTTPSConnectionPool(host='www.instagram.com', port=443): Max "
    "retries exceeded with url: /api/graphql (Caused by NewConnectionError('<urllib3."
    "connection.HTTPSConnection object>: Failed to establish a new connection: [Errno 101] "
    "Network is unreachable'))"
)


def _wrapped(outer: Exception, inner: Exception) -> Exception:
    """``outer`` raised from ``inner``, as instaloader re-raises the last error it retried."""
    try:
        try:
            raise inner
        except Exception as err:
            raise outer from err
    except Exception as done:
        return done


def _profile_failing(error):
    def fetch(context, name):
        raise error

    return fetch


def collect_one(loader, error, statuses=()):
    """One account whose profile lookup fails with ``error``, after Instagram answered
    ``statuses`` through the transport."""

    def fetch(context, name):
        if statuses:
            from collectors.instagram import TRANSPORT

            for status in statuses:
                TRANSPORT.seen(status, "https://www.instagram.com/graphql/query")
        raise error

    return collect_account(
        loader, UMA, AccountState(), recheck_days=30, max_posts=200, profiles=fetch,
        now=lambda: NOW,
    )  # fmt: skip


@pytest.mark.parametrize(
    "error",
    [
        ConnectionException(NO_NETWORK),
        _wrapped(
            ConnectionException("JSON Query to api/graphql: ConnectionRefusedError: refused"),
            requests.exceptions.ConnectionError("ConnectionRefusedError: [Errno 111] refused"),
        ),
    ],
)
def test_no_network_says_no_connection_not_an_http_status(loader, error):
    result = collect_one(loader, error)
    text = str(result.error)
    assert "no connection to Instagram" in text
    assert "443" not in text and "HTTP" not in text
    assert not result.error.stops_platform
    assert "koneksi" in result.error.text("id")


def test_a_deadline_says_it_did_not_answer_in_time(loader):
    error = _wrapped(
        ConnectionException("JSON Query to api/graphql: the server did not finish in time"),
        requests.exceptions.ReadTimeout("the server did not finish its answer in time"),
    )
    assert "did not answer in time" in str(collect_one(loader, error).error)


@pytest.mark.parametrize(
    ("error", "statuses"),
    [
        (QueryReturnedBadRequestException("400 Bad Request when accessing https://x/"), None),
        (
            ConnectionException(
                "JSON Query to graphql/query: 403 Forbidden when accessing "
                "https://www.instagram.com/graphql/query"
            ),
            None,
        ),
        (ConnectionException("JSON Query to api/graphql: 401 Unauthorized when accessing x"), None),
        # instaloader 4.15: the 403 was retried and then reported as a missing profile
        (ProfileNotExistsException("Profile perpustakaan.uma does not exist."), [403, 403]),
        (
            _wrapped(
                ProfileNotExistsException("Profile perpustakaan.uma does not exist."),
                ConnectionException("JSON Query to graphql/query: 403 Forbidden when accessing x"),
            ),
            None,
        ),
    ],
)
def test_400_401_403_mean_instagram_changed_or_blocked_never_missing(loader, error, statuses):
    result = collect_one(loader, error, statuses or ())
    assert not isinstance(result.error, AccountNotFound)
    text = str(result.error)
    assert "Instagram changed or blocked its web interface" in text
    assert "update instaloader" in text and "official API" in text
    assert "does not mean the profile is gone" in text


def test_a_missing_profile_after_plain_answers_is_still_missing(loader):
    error = ProfileNotExistsException("Profile perpustakaan.uma does not exist.")
    result = collect_one(loader, error, [200])
    assert isinstance(result.error, AccountNotFound)
    assert "shows no profile with this username" in str(result.error)


def test_every_session_instaloader_makes_has_a_total_deadline():
    from instaloader.instaloadercontext import copy_session

    from collectors.config import NetworkOptions
    from collectors.http import DeadlineAdapter

    loader = make_loader(Settings(), network=NetworkOptions(deadline=7, retries=2))
    context = loader.context
    sessions = [
        context._session,  # the loader's own
        context.get_anonymous_session(),  # profile pages, downloads
        copy_session(context._session, context.request_timeout),  # GraphQL, iPhone API
    ]
    for session in sessions:
        adapter = session.get_adapter("https://www.instagram.com/graphql/query")
        assert isinstance(adapter, DeadlineAdapter) and adapter.deadline == 7
    assert context.max_connection_attempts == 3, "[network] retries + the first attempt"
    assert requests.Session is not type(context._session), "requests itself is untouched"


def test_counts_that_are_no_counts_keep_the_stored_value_and_warn(loader, tmp_path, caplog):
    """Counts go to the record as Instagram sent them: 12.5 was stored as 12."""
    media = copy.deepcopy(MEDIA["items"][1])  # the reel
    media["like_count"], media["comment_count"], media["view_count"] = 12.5, "abc", {}
    record = post_record(UMA, timeline_post(loader, media), NOW)
    assert (record.likes, record.comments, record.views) == (None, None, None)
    assert record.invalid == {"likes", "comments", "views"}
    assert f"instagram post {media['code']}: likes 12.5 is not a count" in caplog.text
    hidden = copy.deepcopy(media)
    hidden["like_count"] = -1  # instaloader's "hidden": no count, no warning
    caplog.clear()
    assert post_record(UMA, timeline_post(loader, hidden), NOW).likes is None
    assert "likes" not in caplog.text


def test_a_post_that_cannot_be_read_is_skipped_and_the_others_kept(loader, caplog):
    broken = copy.deepcopy(MEDIA["items"][1])
    broken["taken_at"] = "kemarin"  # instaloader takes the node; no publish time in it
    posts = [timeline_post(loader, m) for m in MEDIA["items"]]
    posts.insert(1, timeline_post(loader, broken))
    records = list(walk(UMA, posts, AccountState(), NOW, recheck_days=30, max_posts=200, full=True))
    assert [r.post_id for r in records] == [p.shortcode for p in posts if p is not posts[1]]
    assert "a post that cannot be read" in caplog.text


# -- paging (issue #11 point 2): a walk that Instagram would hold for ever ----------------


class TimelinePages:
    """Instagram's answers to a logged-in loader, at instaloader's own query method: the
    profile query answers the recorded profile, the timeline query answers ``pages`` (lists
    of media nodes) in turn, each naming a next cursor, for ever (``cycle``) or from a
    generator. Counts the timeline queries and refuses more than ``limit``, so that a walk
    that never stops fails the test instead of hanging it."""

    PROFILE_DOC = "27937681195819736"

    def __init__(self, loader, pages, media_count=418, limit=200):
        self.pages = pages
        self.limit = limit
        self.queries = 0
        user = json.loads((FIXTURES / "profile_uma.json").read_text())
        user.pop("_comment", None)
        self.user = dict(user, media_count=media_count)
        loader.context.username = "akun.khusus"  # logged in: the timeline query
        loader.context.doc_id_graphql_query = self.answer

    def profile(self, context, name):
        user = copy.deepcopy(self.user)
        return Profile(context, Profile._normalize_profile_data(dict(user, id=user["pk"])))

    def answer(self, doc_id, variables, referer=None, web_api=False):
        if doc_id == self.PROFILE_DOC:
            return {"data": {"user": copy.deepcopy(self.user)}}
        self.queries += 1
        if self.queries > self.limit:
            raise AssertionError(f"the walk never stopped: {self.queries} timeline queries")
        nodes = self.pages(self.queries - 1)
        return {
            "data": {
                "xdt_api__v1__feed__user_timeline_graphql_connection": {
                    "edges": [{"node": copy.deepcopy(n)} for n in nodes],
                    "page_info": {"has_next_page": True, "end_cursor": f"c{self.queries}"},
                }
            }
        }


def daily_media(first: int, n: int) -> list[dict]:
    """``n`` daily image posts, the newest ``first`` days before NOW."""
    out = []
    for i in range(first, first + n):
        media = copy.deepcopy(MEDIA["items"][5])
        media["code"] = f"DSyn{i:07d}"
        media["pk"] = str(3500000000000000000 + i)
        media["taken_at"] = int((NOW - dt.timedelta(days=i, hours=2)).timestamp())
        out.append(media)
    return out


def collect_served(loader, served, full=True):
    return collect_account(
        loader,
        UMA,
        AccountState(),
        recheck_days=30,
        max_posts=200,
        full=full,
        profiles=served.profile,
        now=lambda: NOW,
    )


def test_pages_in_a_cycle_stop_the_full_walk_at_the_first_post_seen_again(loader):
    """Instagram answering pages A, B, A, B …: instaloader stops only when a page equals the
    one before, so a --full walk never ended."""
    first, second = daily_media(0, 12), daily_media(12, 12)
    served = TimelinePages(loader, lambda index: first if index % 2 == 0 else second)
    result = collect_served(loader, served, full=True)
    assert [r.post_id for r in result.posts] == [m["code"] for m in first + second]
    assert served.queries == 3, "stopped on the first post of the repeated page"
    assert result.status == "partial"
    text = str(result.error)
    assert text.startswith("perpustakaan.uma: ")
    assert "a post already read again" in text and "after 24 posts" in text
    assert "unggahan yang sudah dibaca" in result.error.text("id")


def test_pages_without_end_stop_past_the_profiles_own_count(loader):
    """New posts on every page, for ever: the walk ends past what the profile says it holds
    (media count 30, half as much again and a page of slack)."""
    served = TimelinePages(loader, lambda index: daily_media(12 * index, 12), media_count=30)
    result = collect_served(loader, served, full=True)
    ids = [r.post_id for r in result.posts]
    assert len(ids) == len(set(ids)), "each post once"
    assert 30 < len(ids) <= 70, f"{len(ids)} posts walked for a profile of 30"
    assert served.queries <= 7
    assert result.status == "partial"
    assert "beyond the count its profile shows (30 posts)" in str(result.error)
    assert str(result.error).startswith("perpustakaan.uma: ")


def test_a_pinned_post_again_in_its_place_by_date_is_no_loop(loader):
    """Pinned posts first, then once more in date order: each post once, the walk complete."""
    pinned = copy.deepcopy(MEDIA["items"][0])  # pinned, published on 1 January
    pages = [[pinned, *daily_media(0, 11)], [*daily_media(11, 5), pinned]]

    def answer(index):
        return pages[index] if index < len(pages) else pages[-1]  # instaloader's end: a repeat

    served = TimelinePages(loader, answer)
    result = collect_served(loader, served, full=True)
    assert result.error is None
    ids = [r.post_id for r in result.posts]
    assert ids == [pinned["code"]] + [m["code"] for m in daily_media(0, 16)]

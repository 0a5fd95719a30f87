"""YouTube collector over real HTTP: google-api-python-client against the loopback server."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import httplib2
import pandas as pd
import pytest
from googleapiclient.errors import HttpError

from collectors.config import Settings, parse_config
from collectors.errors import (
    AccountNotFound,
    AuthFailed,
    CollectorError,
    QuotaExceeded,
    RateLimited,
    TransientError,
)
from collectors.records import AccountRef
from collectors.refresh import refresh, select_accounts
from collectors.store import Store
from collectors.youtube import (
    Planned,
    YouTubeClient,
    YouTubeCollector,
    next_quota_reset,
    parse_duration,
    video_kind,
)
from tests.youtube_server import (
    BACKEND,
    UMA_ID,
    UNIMED_ID,
    error_body,
    uma_video_id,
    youtube_config,
)

ROOT = Path(__file__).resolve().parent.parent
SENTINEL_KEY = KEY = "AIzaSy-SENTINEL-do-not-leak-4242"

CONFIG = youtube_config(with_unknown=True)


@pytest.fixture
def yt_config(tmp_path):
    path = tmp_path / "jejaring.toml"
    path.write_text(CONFIG)
    return parse_config(CONFIG, str(path))


def settings_for(api, tmp_path) -> Settings:
    return Settings(
        config_path=str(tmp_path / "jejaring.toml"),
        database_url=f"sqlite:///{tmp_path / 'yt.db'}",
        youtube_api_key=SENTINEL_KEY,
        youtube_api_url=api.url,
    )


def run(api, tmp_path, yt_config, full=False):
    settings = settings_for(api, tmp_path)
    store = Store(settings.database_url, yt_config.timezone)
    out = io.StringIO()
    before = len(api.requests)
    summary = refresh(
        yt_config, settings, store, select_accounts(yt_config, ["youtube"]), full=full, out=out
    )
    return store, summary, out.getvalue(), len(api.requests) - before


def by_handle(summary):
    return {r.account.handle: r for r in summary.results}


def test_first_run_stores_exactly_the_fixture_with_nulls_and_minimum_units(
    api, tmp_path, yt_config
):
    store, summary, log, calls = run(api, tmp_path, yt_config)
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok"
    assert results[UNIMED_ID].status == "ok"
    assert results["@tidakada"].status == "failed"
    assert "no channel with this handle" in str(results["@tidakada"].error)
    assert summary.status == "partial" and summary.exit_code == 1

    posts = store.posts().set_index("post_id")
    visible = set(api.videos)  # deleted and private ones are not returned by videos.list
    assert set(posts.index) == visible and len(posts) == 124
    # hidden likes, comments turned off: NULL, not 0
    assert pd.isna(posts.loc["unimedHidLk", "likes"]) and posts.loc["unimedHidLk", "comments"] == 2
    assert pd.isna(posts.loc["unimedNoCom", "comments"]) and posts.loc["unimedNoCom", "likes"] == 9
    # kinds: a Short, an upcoming live, a 100-second video without #shorts
    assert posts.loc["unimedShrt1", "kind"] == "short"
    assert posts.loc["unimedShrt1", "url"] == "https://www.youtube.com/shorts/unimedShrt1"
    assert posts.loc["unimedLive01", "kind"] == "live"
    assert posts.loc["unimedNoCom", "kind"] == "video"
    assert posts.loc[uma_video_id(0), "kind"] == "video"
    assert posts.loc[uma_video_id(0), "duration_s"] == 451
    assert posts.loc[uma_video_id(0), "views"] == 1000
    assert posts.loc[uma_video_id(0), "hashtags"] == ["#perpustakaanuma", "#literasiinformasi"]
    assert posts.loc[uma_video_id(0), "mentions"] == ["digilibunimed"]
    assert posts.loc["unimedLive01", "caption"].startswith("Siaran langsung")
    assert posts.loc[uma_video_id(0), "published_at"] == pd.Timestamp("2026-11-20 03:00", tz="UTC")

    accounts = store.accounts().set_index("handle")
    assert accounts.loc["@perpustakaanuma", "external_id"] == UMA_ID
    daily = (
        store.account_daily()
        .merge(store.accounts()[["id", "handle"]], left_on="account_id", right_on="id")
        .set_index("handle")
    )
    assert daily.loc["@perpustakaanuma", "followers"] == 1490
    assert pd.isna(daily.loc[UNIMED_ID, "followers"]), "hidden subscriber count is NULL"
    assert daily.loc[UNIMED_ID, "total_views"] == 40211

    # units: 1 channels.list by id (UNIMED) + 2 forHandle; playlist pages 3 + 1; videos 3 + 1;
    # UNIMED's Shorts playlist, 1 page for its two videos of at most 180 s (UMA has none)
    minimum = (
        math.ceil(1 / 50)
        + 2
        + math.ceil(120 / 50)
        + math.ceil(6 / 50)
        + math.ceil(120 / 50)
        + math.ceil(6 / 50)
        + 1
    )
    units = sum(r.api_units for r in summary.results)
    assert units == minimum == calls == 12
    assert api.calls("search") == 0
    items = store.run_items([summary.run_id])
    assert items["api_units"].sum() == 12
    assert "12 API units" not in log  # units are per account in the log
    assert SENTINEL_KEY not in log


def test_second_run_is_incremental_and_finds_new_uploads(api, tmp_path, yt_config):
    run(api, tmp_path, yt_config)
    newest = dt.datetime(2026, 11, 23, 3, tzinfo=dt.UTC)
    api.add_uma_video(500, newest, newest_first=True)
    api.add_uma_video(501, newest + dt.timedelta(hours=2), newest_first=True)
    api.videos[uma_video_id(5)]["statistics"]["likeCount"] = "999"
    store, summary, _, calls = run(api, tmp_path, yt_config)
    posts = store.posts().set_index("post_id")
    assert {uma_video_id(500), uma_video_id(501)} <= set(posts.index)
    assert posts.loc[uma_video_id(5), "likes"] == 999
    # channels: one call by id for both known channels + the unresolved handle again;
    # playlist: one page each (known videos reached); videos: ceil(122/50) + ceil(6/50)
    minimum = 1 + 1 + 1 + 1 + math.ceil(122 / 50) + math.ceil(6 / 50)
    assert calls == sum(r.api_units for r in summary.results) == minimum == 8
    assert store.counts()["posts"] == 126
    assert len(store.post_daily()) == 126  # same local day: the day's row is updated


def test_removed_video_is_marked_gone_and_cleared_when_back(api, tmp_path, yt_config):
    run(api, tmp_path, yt_config)
    removed = api.videos.pop("unimedHidLk")
    store, _, _, _ = run(api, tmp_path, yt_config)
    posts = store.posts().set_index("post_id")
    assert not pd.isna(posts.loc["unimedHidLk", "gone_at"])
    assert len(posts) == 124, "never deleted"
    api.videos["unimedHidLk"] = removed
    store, _, _, _ = run(api, tmp_path, yt_config)
    assert pd.isna(store.posts().set_index("post_id").loc["unimedHidLk", "gone_at"])


def test_full_walk_when_asked_or_when_a_week_has_passed(api, tmp_path, yt_config):
    run(api, tmp_path, yt_config)
    before = api.calls("playlistItems")
    run(api, tmp_path, yt_config, full=True)
    assert api.calls("playlistItems") - before == 3 + 1
    # a week later the incremental run walks everything again by itself
    settings = settings_for(api, tmp_path)
    store = Store(settings.database_url, yt_config.timezone)
    client = YouTubeClient(SENTINEL_KEY, api.url, sleep=lambda s: None)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    refs = select_accounts(yt_config, ["youtube"])[:1]
    before = api.calls("playlistItems")
    results = list(
        YouTubeCollector(client, now=lambda: later).collect(
            [Planned(r, store.account_state(r)) for r in refs]
        )
    )
    assert results[0].full_walk_at == later
    assert api.calls("playlistItems") - before == 3


def test_invalid_key_stops_youtube_and_never_shows_the_key(api, tmp_path, yt_config, caplog):
    caplog.set_level(logging.DEBUG)
    run(api, tmp_path, yt_config)
    api.invalid_key = True
    store, summary, log, calls = run(api, tmp_path, yt_config)
    assert calls == 1, "the first refusal stops YouTube for this run"
    assert summary.status == "failed"
    statuses = [r.status for r in summary.results]
    assert statuses.count("skipped") == 2
    for result in summary.results:
        assert isinstance(result.error, AuthFailed)
        assert "invalid key" in str(result.error) and "YOUTUBE_API_KEY" in str(result.error)
    # what the first run stored is still there
    assert store.counts()["posts"] == 124
    leaks = [log, caplog.text, str(store.runs().to_dict()), str(store.run_items().to_dict())]
    assert all(SENTINEL_KEY not in text for text in leaks)
    assert SENTINEL_KEY.encode() not in Path(tmp_path / "yt.db").read_bytes()


def test_quota_exceeded_mid_run_keeps_what_was_written(api, tmp_path, yt_config):
    # calls: 3 to resolve channels, 6 for UMA (3 playlist + 3 videos), then UNIMED's fail
    api.quota_after = 9
    store, summary, log, _ = run(api, tmp_path, yt_config)
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok"
    unimed = results[UNIMED_ID]
    assert unimed.status == "partial"  # its channel figures are kept
    assert isinstance(unimed.error, QuotaExceeded)
    assert "midnight Pacific time" in str(unimed.error)
    assert summary.status == "partial"
    assert store.counts()["posts"] == 120
    runs = store.runs()
    assert runs.iloc[0]["status"] == "partial"
    # the quota resets: the next run completes
    api.quota_after = None
    store, summary, _, _ = run(api, tmp_path, yt_config)
    assert by_handle(summary)[UNIMED_ID].status == "ok"
    assert store.counts()["posts"] == 124


def test_transient_503_is_retried_with_backoff(api, tmp_path, yt_config, caplog):
    caplog.set_level(logging.DEBUG)
    api.fail_503 = {1}
    waits: list[float] = []
    client = YouTubeClient(SENTINEL_KEY, api.url, sleep=waits.append)
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    ref = AccountRef("unimed", "youtube", UNIMED_ID)
    [result] = YouTubeCollector(client).collect([Planned(ref, store.account_state(ref))])
    assert result.status == "ok" and len(result.posts) == 4
    assert len(waits) == 1 and 0 <= waits[0] <= 2
    # googleapiclient logs the retried URI, which carries the key: it must be redacted
    assert "Sleeping" in caplog.text and "key=<redacted>" in caplog.text
    assert SENTINEL_KEY not in caplog.text


def test_refresh_command_line_runs_youtube(api, tmp_path):
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    env = dict(
        os.environ,
        JEJARING_CONFIG=str(tmp_path / "jejaring.toml"),
        JEJARING_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        YOUTUBE_API_KEY=SENTINEL_KEY,
        YOUTUBE_API_URL=api.url,
    )
    done = subprocess.run(
        [sys.executable, "-m", "collectors", "refresh", "--platform", "youtube"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr  # @tidakada does not exist
    assert "@perpustakaanuma (uma) ok: 120 new" in done.stdout
    assert "@tidakada (usu) failed" in done.stdout
    assert SENTINEL_KEY not in done.stdout + done.stderr
    status = subprocess.run(
        [sys.executable, "-m", "collectors", "status"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0 and "partial" in status.stdout


def test_missing_key_fails_youtube_clearly(tmp_path, yt_config):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}")
    store = Store(settings.database_url)
    summary = refresh(
        yt_config, settings, store, select_accounts(yt_config, ["youtube"]), out=io.StringIO()
    )
    assert summary.status == "failed"
    assert all("YOUTUBE_API_KEY is not set" in str(r.error) for r in summary.results)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT7M31S", 451),
        ("PT1H2M3S", 3723),
        ("P0D", 0),
        ("PT45S", 45),
        ("P1DT1S", 86401),
        (None, None),
        ("bogus", None),
    ],
)
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("duration", "title", "live", "kind"),
    [
        ("PT59S", "Tips", None, "short"),
        ("PT2M30S", "Tips #Shorts", None, "short"),
        ("PT2M30S", "Tips", None, "video"),
        ("PT3M30S", "Tips #shorts", None, "video"),
        ("PT1H", "Webinar", {"actualStartTime": "2026-01-01T00:00:00Z"}, "live"),
    ],
)
def test_kind_heuristic(duration, title, live, kind):
    item = {
        "snippet": {"title": title, "description": ""},
        "contentDetails": {"duration": duration},
    }
    if live:
        item["liveStreamingDetails"] = live
    assert video_kind(item) == kind


def test_quota_reset_is_midnight_pacific():
    now = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)  # 04:00 PST
    reset = next_quota_reset(now)
    assert reset.astimezone(dt.UTC) == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


# -- faults a platform can throw (issue #11): each stays with its account, none hangs ------

FAST = "\n[network]\nretries = 1\n"  # one retry, so that persistent faults end quickly


def refresh_with(api, tmp_path, extra: str = FAST, full: bool = False):
    """A refresh of the two channels (UMA by @handle, UNIMED by id) with ``extra`` TOML."""
    text = youtube_config() + extra
    path = tmp_path / "jejaring.toml"
    path.write_text(text)
    config = parse_config(text, str(path))
    settings = settings_for(api, tmp_path)
    store = Store(settings.database_url, config.timezone)
    out = io.StringIO()
    before = len(api.requests)
    summary = refresh(
        config, settings, store, select_accounts(config, ["youtube"]), full=full, out=out
    )
    return store, summary, out.getvalue(), api.requests[before:]


def post_row(store, post_id):
    return store.posts().set_index("post_id").loc[post_id]


def test_absurd_counts_never_crash_nor_replace_stored_values(api, tmp_path):
    store, summary, _, _ = refresh_with(api, tmp_path)
    assert summary.status == "ok"
    good = post_row(store, uma_video_id(3))
    followers = store.account_daily().set_index("account_id")["followers"]
    # the platform now sends counts that are no counts
    stats = api.videos[uma_video_id(3)]["statistics"]
    stats["likeCount"] = "-5"
    stats["commentCount"] = "1.5"
    stats["viewCount"] = str(2**64)  # above what a BIGINT column holds
    api.videos[uma_video_id(4)]["statistics"]["likeCount"] = {}
    api.videos[uma_video_id(5)]["statistics"]["viewCount"] = "abc"
    api.channels[UMA_ID]["statistics"]["subscriberCount"] = "1.5"
    api.channels[UNIMED_ID]["statistics"]["viewCount"] = {"n": 1}
    store, summary, log, _ = refresh_with(api, tmp_path)
    assert [r.status for r in summary.results] == ["ok", "ok"], log
    bad = post_row(store, uma_video_id(3))
    assert (bad["likes"], bad["comments"], bad["views"]) == (
        good["likes"],
        good["comments"],
        good["views"],
    ), "an invalid count never replaces the stored one"
    assert f"youtube post {uma_video_id(3)}: likes '-5' is not a count" in log
    assert f"youtube post {uma_video_id(4)}: likes" in log
    assert post_row(store, uma_video_id(5))["views"] == 1005
    assert post_row(store, uma_video_id(6))["likes"] == 46, "the other posts are updated"
    daily = store.account_daily().set_index("account_id")["followers"]
    assert daily.equals(followers), "the day's stored followers are kept"
    items = store.run_items([summary.run_id])
    assert len(items) == 2 and set(items["status"]) == {"ok"}
    assert store.runs().iloc[0]["status"] == "ok"


def test_a_video_without_id_or_publish_time_is_skipped_and_kept(api, tmp_path):
    store, _, _, _ = refresh_with(api, tmp_path)
    before = post_row(store, "unimedShrt1")
    del api.videos["unimedShrt1"]["snippet"]["publishedAt"]
    api.videos["unimedNoCom"]["snippet"]["publishedAt"] = "yesterday"
    del api.videos["unimedLive01"]["id"]
    api.videos["unimedHidLk"]["statistics"]["commentCount"] = "77"
    store, summary, log, _ = refresh_with(api, tmp_path)
    assert by_handle(summary)["@perpustakaanuma"].status == "ok", log
    assert "video unimedShrt1 has no valid publish time" in log
    assert "video unimedNoCom has no valid publish time" in log
    # the id-less item: its video, asked alone, answers the same; it cannot be read, which
    # says nothing of whether it is gone
    assert "an item without an id" in log
    unimed = by_handle(summary)[UNIMED_ID]
    assert unimed.status == "partial"
    assert "1 videos could not be read (unimedLive01" in str(unimed.error)
    assert pd.isna(post_row(store, "unimedLive01")["gone_at"])
    kept = post_row(store, "unimedShrt1")
    assert pd.isna(kept["gone_at"]) and kept["views"] == before["views"]
    assert pd.isna(post_row(store, "unimedNoCom")["gone_at"])
    assert post_row(store, "unimedHidLk")["comments"] == 77, "the good ones are updated"


@pytest.mark.parametrize("mode", ["same", "new"])
def test_a_page_token_loop_is_stopped_and_what_was_listed_is_kept(api, tmp_path, mode):
    api.page_tokens = mode
    store, summary, log, requests = refresh_with(api, tmp_path)
    # the uploads playlists' pages (the Shorts playlists, UUSH…, are listed apart)
    pages = [
        p
        for p, q in requests
        if p.endswith("/playlistItems") and not q.get("playlistId", [""])[0].startswith("UUSH")
    ]
    results = by_handle(summary)
    uma = results["@perpustakaanuma"]
    assert uma.status == "partial", log
    if mode == "same":
        # the first page, then the same token again: stopped at the second page
        assert len(pages) == 2 + 2  # two pages for each channel
        assert "same page token twice" in str(uma.error)
        assert store.counts()["posts"] == 50 + 4
    else:
        # 120 uploads and half again in pages of 50, plus two pages: 6 pages
        uma_pages = [q for p, q in requests if q.get("playlistId") == ["UUumaPERPUSTAKAAN0000001"]]
        assert len(uma_pages) == 6
        assert "beyond its own count of 120 uploads" in str(uma.error)
        assert store.counts()["posts"] == 124
    assert uma.full_walk_at is None, "an interrupted walk is no full walk"
    assert store.runs().iloc[0]["status"] == "partial", "the run is finished"


def test_a_dripping_server_fails_that_account_within_the_deadline(api, tmp_path):
    api.drip["UUunimedDIGILIB000000002"] = 0.5  # one byte every half second
    network = "\n[network]\ndeadline = 1\ncall_budget = 3\nretries = 1\n"
    started = time.monotonic()
    store, summary, log, _ = refresh_with(api, tmp_path, network)
    took = time.monotonic() - started
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok"
    unimed = results[UNIMED_ID]
    assert unimed.status == "partial"  # the channel's figures are kept
    assert "did not answer in time" in str(unimed.error)
    assert store.runs().iloc[0]["status"] == "partial", "finished, not left running"
    # bounded by the call budget, not by the drip (hundreds of seconds): a loose bound
    assert took < 60, took


@pytest.mark.parametrize("fault", ["json", "html", "truncated"])
def test_one_unreadable_channel_answer_fails_only_that_channel(api, tmp_path, fault):
    refresh_with(api, tmp_path)  # both channel ids are known now: one batched call
    api.faults[UNIMED_ID] = fault
    store, summary, log, requests = refresh_with(api, tmp_path)
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok", log
    unimed = results[UNIMED_ID]
    assert unimed.status == "failed"
    assert str(unimed.error).startswith(f"{UNIMED_ID}: YouTube's answer could not be read")
    # the batched call, then each channel alone
    ids = [q["id"][0] for p, q in requests if p.endswith("/channels")]
    assert f"{UMA_ID},{UNIMED_ID}" in ids and UMA_ID in ids and UNIMED_ID in ids
    assert store.counts()["posts"] == 124, "nothing stored is lost"


def test_a_truncated_answer_is_retried_like_a_server_error(api, tmp_path):
    refresh_with(api, tmp_path)
    api.faults[UNIMED_ID] = "truncated_once"
    _, summary, log, requests = refresh_with(api, tmp_path)
    assert [r.status for r in summary.results] == ["ok", "ok"], log
    batched = [q for p, q in requests if p.endswith("/channels")]
    assert len(batched) == 2 and batched[0] == batched[1], "the same call, retried once"


def test_one_unreadable_video_answer_fails_only_that_video(api, tmp_path):
    store, _, _, _ = refresh_with(api, tmp_path)
    before = post_row(store, "unimedShrt1")
    api.faults["unimedShrt1"] = "html"
    api.videos["unimedHidLk"]["statistics"]["commentCount"] = "77"
    store, summary, log, _ = refresh_with(api, tmp_path)
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok"
    unimed = results[UNIMED_ID]
    assert unimed.status == "partial"
    assert "1 videos could not be read (unimedShrt1" in str(unimed.error)
    kept = post_row(store, "unimedShrt1")
    assert pd.isna(kept["gone_at"]), "a video whose call failed is not marked gone"
    assert kept["metrics_at"] == before["metrics_at"]
    assert post_row(store, "unimedHidLk")["comments"] == 77


def test_a_refused_uploads_playlist_fails_only_that_channel(api, tmp_path):
    api.playlist_errors["UUumaPERPUSTAKAAN0000001"] = (
        403,
        error_body(403, "playlistItemsNotAccessible"),
    )
    store, summary, log, _ = refresh_with(api, tmp_path)
    results = by_handle(summary)
    uma = results["@perpustakaanuma"]
    assert uma.status == "partial" and not uma.error.stops_platform
    assert "refuses to list this channel's uploads" in str(uma.error)
    assert "enabled" not in str(uma.error)
    assert results[UNIMED_ID].status == "ok", "the later channel is collected"
    assert store.counts()["posts"] == 4


def test_an_error_of_a_shared_call_is_filed_under_each_account(api, tmp_path):
    refresh_with(api, tmp_path)
    # the shared channels.list answers "not found" because of UMA's channel
    api.faults[UMA_ID] = (404, error_body(404, "channelNotFound"))
    _, summary, _, _ = refresh_with(api, tmp_path)
    results = by_handle(summary)
    assert results[UNIMED_ID].status == "ok"
    assert str(results["@perpustakaanuma"].error).startswith("@perpustakaanuma: the channel is")
    # a server fault of the shared call fails both, each under its own name
    api.faults[UMA_ID] = (503, BACKEND)
    _, summary, _, _ = refresh_with(api, tmp_path)
    for result in summary.results:
        assert result.status == "failed"
        assert str(result.error).startswith(f"{result.account.handle}: YouTube kept failing")


def _api_error(status: int, reason: str, details: tuple[str, ...] = (), message: str = ""):
    body = error_body(status, reason, message)
    if details:
        body["error"]["details"] = [
            {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": d} for d in details
        ]
    return HttpError(httplib2.Response({"status": status}), json.dumps(body).encode())


@pytest.mark.parametrize(
    ("status", "reason", "details", "kind", "stops", "words"),
    [
        (403, "quotaExceeded", (), QuotaExceeded, True, "quota is used up"),
        (403, "dailyLimitExceeded", (), QuotaExceeded, True, "quota is used up"),
        (400, "badRequest", ("API_KEY_INVALID",), AuthFailed, True, "invalid key"),
        (400, "keyInvalid", (), AuthFailed, True, "invalid key"),
        (400, "keyExpired", (), AuthFailed, True, "invalid key"),
        (403, "accessNotConfigured", ("SERVICE_DISABLED",), AuthFailed, True, "enabled"),
        (403, "forbidden", ("API_KEY_SERVICE_BLOCKED",), AuthFailed, True, "not restricted"),
        (403, "ipRefererBlocked", (), AuthFailed, True, "not restricted"),
        (403, "forbidden", ("API_KEY_HTTP_REFERRER_BLOCKED",), AuthFailed, True, "enabled"),
        (403, "rateLimitExceeded", (), RateLimited, True, "slow down"),
        (429, "rateLimitExceeded", ("RATE_LIMIT_EXCEEDED",), RateLimited, True, "slow down"),
        (403, "playlistItemsNotAccessible", (), CollectorError, False, "uploads"),
        (404, "playlistNotFound", (), AccountNotFound, False, "'not found'"),
        (403, "channelClosed", (), AccountNotFound, False, "closed"),
        (403, "channelSuspended", (), AccountNotFound, False, "suspended"),
        (404, "channelNotFound", (), AccountNotFound, False, "missing"),
        (403, "channelForbidden", (), AccountNotFound, False, "closed"),
        (404, "videoNotFound", (), AccountNotFound, False, "not found"),
        (403, "forbidden", (), CollectorError, False, "other accounts are not affected"),
        (400, "invalidValue", (), CollectorError, False, "other accounts are not affected"),
        (400, "invalidPageToken", (), CollectorError, False, "other accounts are not affected"),
        (500, "backendError", (), TransientError, False, "kept failing"),
        (503, "backendError", (), TransientError, False, "kept failing"),
    ],
)
def test_every_youtube_error_reason_is_classified(status, reason, details, kind, stops, words):
    client = YouTubeClient("k", "http://127.0.0.1:9/")
    err = client._translate(_api_error(status, reason, details), "@uma")
    assert type(err) is kind
    assert err.stops_platform is stops
    assert words in str(err)
    assert err.text("id") != err.text("en"), "shown in Indonesian too"


def test_text_no_database_can_hold_is_cleaned_not_fatal(api, tmp_path, db_url):
    """A lone surrogate escape (valid JSON, no UTF-8) and a NUL (refused by PostgreSQL) in a
    title once failed the write, or the whole refresh."""
    api.videos["unimedShrt1"]["snippet"]["title"] = "Tips \udcff\x00 #shorts"
    api.videos["unimedShrt1"]["snippet"]["description"] = "a\x00b \ud83d"
    api.channels[UNIMED_ID]["snippet"]["title"] = "Digital\x00 Library \udc80"
    text = youtube_config() + FAST
    (tmp_path / "jejaring.toml").write_text(text)
    config = parse_config(text, str(tmp_path / "jejaring.toml"))
    settings = Settings(database_url=db_url, youtube_api_key=KEY, youtube_api_url=api.url)
    store = Store(db_url)
    summary = refresh(
        config, settings, store, select_accounts(config, ["youtube"]), out=io.StringIO()
    )
    assert [r.status for r in summary.results] == ["ok", "ok"]
    row = post_row(store, "unimedShrt1")
    assert row["title"] == "Tips \ufffd #shorts" and row["caption"] == "ab \ufffd"
    assert store.accounts().set_index("handle").loc[UNIMED_ID, "title"] == "Digital Library \ufffd"


def test_a_quota_spent_between_video_calls_marks_nothing_gone(api, tmp_path):
    refresh_with(api, tmp_path)
    # the next run: channels (1 call), UMA's playlist (1 page), then the quota is spent
    # after the first of UMA's three videos.list calls
    api.quota_after = api.api_calls() + 3
    store, summary, _, _ = refresh_with(api, tmp_path)
    assert isinstance(by_handle(summary)["@perpustakaanuma"].error, QuotaExceeded)
    assert store.posts()["gone_at"].isna().all(), "videos not asked about are not gone"
    assert store.counts()["posts"] == 124


# -- unreadable items and error bodies (issue #11 point 7) --------------------------------


@pytest.mark.parametrize("fault", ["null_items", "null_item", "null_in_place"])
def test_unreadable_video_items_mark_nothing_gone(api, tmp_path, fault):
    """{"items": [null]} answered 200 for a batch of videos: its videos were marked gone and
    the run said ok. Only a readable answer that lacks a video says it is gone."""
    store, _, _, _ = refresh_with(api, tmp_path)
    before = post_row(store, "unimedShrt1")
    api.faults["unimedShrt1"] = fault
    api.videos["unimedHidLk"]["statistics"]["commentCount"] = "77"
    store, summary, log, requests = refresh_with(api, tmp_path)
    assert store.posts()["gone_at"].isna().all(), "no video is marked gone"
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok", log
    unimed = results[UNIMED_ID]
    assert unimed.status == "partial"
    assert "1 videos could not be read (unimedShrt1" in str(unimed.error)
    assert post_row(store, "unimedShrt1")["metrics_at"] == before["metrics_at"], "kept"
    assert post_row(store, "unimedHidLk")["comments"] == 77, "the others are read alone"
    alone = [q["id"][0] for p, q in requests if p.endswith("/videos") and "," not in q["id"][0]]
    assert "unimedShrt1" in alone


def test_a_deleted_video_is_still_marked_gone_next_to_an_unreadable_one(api, tmp_path):
    store, _, _, _ = refresh_with(api, tmp_path)
    api.faults["unimedShrt1"] = "null_in_place"
    del api.videos["unimedNoCom"]  # deleted: the readable answer alone lacks it
    store, summary, log, _ = refresh_with(api, tmp_path)
    gone = store.posts().set_index("post_id")["gone_at"]
    assert gone.notna().loc["unimedNoCom"], log
    assert gone.drop("unimedNoCom").isna().all()


ODD_ERRORS = {
    "message is an object": {
        "error": {
            "code": 403,
            "message": {"text": "forbidden"},
            "errors": [{"reason": "forbidden", "domain": "global", "message": "forbidden"}],
        }
    },
    "message is a number": {"error": {"code": 403, "message": 5}},
    "message is null": {"error": {"code": 403, "message": None, "errors": None}},
    "error is null": {"error": None},
    "error is text": {"error": "forbidden"},
    "an empty list": [],
}


@pytest.mark.parametrize("body", list(ODD_ERRORS.values()), ids=list(ODD_ERRORS))
def test_a_403_whose_error_body_cannot_be_read_fails_only_its_channel(api, tmp_path, body):
    """A 403 whose error message is no text made googleapiclient itself raise
    (AttributeError), and both channels failed as "unexpected error"."""
    refresh_with(api, tmp_path)  # both channel ids are known now: one batched call
    api.faults[UNIMED_ID] = (403, body)
    store, summary, log, requests = refresh_with(api, tmp_path)
    assert "unexpected error" not in log and "Error" not in log, log
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok", log
    unimed = results[UNIMED_ID]
    assert unimed.status == "failed" and not unimed.error.stops_platform
    assert str(unimed.error).startswith(f"{UNIMED_ID}: "), unimed.error
    assert "HTTP 403" in str(unimed.error)
    ids = [q["id"][0] for p, q in requests if p.endswith("/channels")]
    assert UNIMED_ID in ids, "asked again alone"
    assert store.counts()["posts"] == 124, "nothing stored is lost"


@pytest.mark.parametrize("fault", ["null_items", "null_in_place"])
def test_unreadable_channel_items_are_asked_per_channel_and_said_so(api, tmp_path, fault):
    """channels.list answering items [null, 5] failed both channels as "no channel with
    this handle", without asking each alone."""
    refresh_with(api, tmp_path)
    api.faults[UNIMED_ID] = fault
    store, summary, log, requests = refresh_with(api, tmp_path)
    results = by_handle(summary)
    assert results["@perpustakaanuma"].status == "ok", log
    unimed = results[UNIMED_ID]
    assert unimed.status == "failed"
    assert str(unimed.error).startswith(f"{UNIMED_ID}: YouTube's answer could not be read")
    assert "no channel" not in str(unimed.error)
    ids = [q["id"][0] for p, q in requests if p.endswith("/channels")]
    assert f"{UMA_ID},{UNIMED_ID}" in ids and UNIMED_ID in ids
    assert store.counts()["posts"] == 124


def test_an_unreadable_answer_for_a_handle_is_not_a_missing_channel(api, tmp_path):
    api.faults["@perpustakaanuma"] = "null_items"
    _, summary, log, _ = refresh_with(api, tmp_path)
    uma = by_handle(summary)["@perpustakaanuma"]
    assert uma.status == "failed"
    assert str(uma.error).startswith("@perpustakaanuma: YouTube's answer could not be read")
    assert by_handle(summary)[UNIMED_ID].status == "ok"

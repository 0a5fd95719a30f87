"""YouTube Shorts decided by the channel's Shorts playlist (UUSH…), with the duration rule
as the fallback; over real HTTP against the loopback Data API server."""

from __future__ import annotations

import datetime as dt
import io
import math

import pytest

from collectors.config import Settings, parse_config
from collectors.refresh import refresh, select_accounts
from collectors.store import Store
from collectors.youtube import shorts_playlist_id, video_kind
from tests.youtube_server import UMA_ID, UNIMED_ID, youtube_config

KEY = "test-key"
UNIMED_SHORTS = "UUSHunimedDIGILIB000000002"
NOW = dt.datetime(2026, 11, 24, 3, tzinfo=dt.UTC)


@pytest.fixture
def yt_config(tmp_path):
    text = youtube_config()
    return parse_config(text, str(tmp_path / "jejaring.toml"))


def run(api, tmp_path, config):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'shorts.db'}",
        youtube_api_key=KEY,
        youtube_api_url=api.url,
    )
    store = Store(settings.database_url, config.timezone)
    before = len(api.requests)
    summary = refresh(
        config, settings, store, select_accounts(config, ["youtube"]), out=io.StringIO()
    )
    new = api.requests[before:]
    shorts_pages = sum(1 for path, p in new if p.get("playlistId") == [UNIMED_SHORTS])
    return store, summary, shorts_pages


def posts_of(store):
    return store.posts().set_index("post_id")


def test_system_playlist_ids_follow_the_channel_id():
    assert shorts_playlist_id(UNIMED_ID) == UNIMED_SHORTS
    assert shorts_playlist_id(UMA_ID) == "UUSHumaPERPUSTAKAAN0000001"
    assert shorts_playlist_id("not-a-channel") is None


def test_playlist_decides_a_short_trailer_is_a_video_and_a_50_second_short_is_a_short(
    api, tmp_path, yt_config
):
    trailer = api.add_unimed_video("unimedTrlr1", 35, NOW - dt.timedelta(days=1))
    short = api.add_unimed_video("unimedShrt2", 50, NOW - dt.timedelta(hours=5), short=True)
    # The duration rule alone would call the 35-second trailer a Short.
    assert video_kind(api.videos[trailer]) == "short"
    store, summary, pages = run(api, tmp_path, yt_config)
    assert summary.status == "ok" and pages == 1
    posts = posts_of(store)
    assert (posts.loc[trailer, "kind"], posts.loc[trailer, "kind_source"]) == ("video", "playlist")
    assert posts.loc[trailer, "url"] == f"https://www.youtube.com/watch?v={trailer}"
    assert (posts.loc[short, "kind"], posts.loc[short, "kind_source"]) == ("short", "playlist")
    assert posts.loc[short, "url"] == f"https://www.youtube.com/shorts/{short}"
    assert (posts.loc["unimedShrt1", "kind"], posts.loc["unimedShrt1", "kind_source"]) == (
        "short",
        "playlist",
    )
    # 100 s, not in the Shorts playlist: a video, decided by the playlist
    assert tuple(posts.loc["unimedNoCom", ["kind", "kind_source"]]) == ("video", "playlist")
    # longer than any Short can be: the duration decides, no playlist needed
    assert tuple(posts.loc["unimedHidLk", ["kind", "kind_source"]]) == ("video", "duration")
    assert tuple(posts.loc["unimedLive01", ["kind", "kind_source"]]) == ("live", "platform")


@pytest.mark.parametrize("fault", ["404 playlistNotFound", "403 playlistItemsNotAccessible"])
def test_a_channel_without_shorts_playlist_falls_back_to_duration(api, tmp_path, yt_config, fault):
    if fault.startswith("404"):
        del api.playlists[UNIMED_SHORTS]
    else:
        api.forbidden_playlists.add(UNIMED_SHORTS)
    trailer = api.add_unimed_video("unimedTrlr1", 35, NOW - dt.timedelta(days=1))
    store, summary, pages = run(api, tmp_path, yt_config)
    assert summary.status == "ok", [str(r.error) for r in summary.results]
    assert pages == 1  # tried once, answered 404
    posts = posts_of(store)
    assert tuple(posts.loc[trailer, ["kind", "kind_source"]]) == ("short", "duration")
    assert tuple(posts.loc["unimedShrt1", ["kind", "kind_source"]]) == ("short", "duration")
    assert tuple(posts.loc["unimedNoCom", ["kind", "kind_source"]]) == ("video", "duration")
    # Once the playlist can be read, the duration's guesses are corrected.
    api.playlists[UNIMED_SHORTS] = ["unimedShrt1"]
    api.forbidden_playlists.clear()
    store, _, pages = run(api, tmp_path, yt_config)
    assert pages == 1
    posts = posts_of(store)
    assert tuple(posts.loc[trailer, ["kind", "kind_source"]]) == ("video", "playlist")
    assert tuple(posts.loc["unimedShrt1", ["kind", "kind_source"]]) == ("short", "playlist")


def test_videos_decided_by_the_playlist_are_not_listed_again(api, tmp_path, yt_config):
    # 60 older Shorts: the first run walks the whole Shorts playlist (2 pages of 50)
    for n in range(60):
        old = NOW - dt.timedelta(days=400 - n)
        api.add_unimed_video(f"unimedOld{n:03d}", 40, old, short=True)
    api.playlists[UNIMED_SHORTS].sort(key=lambda v: api.videos[v]["snippet"]["publishedAt"])
    api.playlists[UNIMED_SHORTS].reverse()  # newest first, as YouTube lists it
    store, summary, pages = run(api, tmp_path, yt_config)
    assert pages == math.ceil(61 / 50) == 2
    units_first = {r.account.handle: r.api_units for r in summary.results}
    # Nothing new: no Shorts playlist page at all, and UNIMED costs its plain minimum
    store, summary, pages = run(api, tmp_path, yt_config)
    assert pages == 0
    unimed = next(r for r in summary.results if r.account.handle == UNIMED_ID)
    listed = len(api.playlists["UUunimedDIGILIB000000002"])
    # one channels.list for both channels (charged to UMA); one uploads page (known videos
    # reached); statistics of every visible video (the deleted and the private one are not)
    assert unimed.api_units == 1 + math.ceil((listed - 2) / 50) == 3
    assert units_first[UNIMED_ID] > unimed.api_units
    # A new Short: one page of the Shorts playlist decides it (the walk stops at the
    # oldest undecided video instead of reading all 62 items)
    new = api.add_unimed_video("unimedShrt3", 50, NOW, short=True)
    store, summary, pages = run(api, tmp_path, yt_config)
    assert pages == 1
    assert tuple(posts_of(store).loc[new, ["kind", "kind_source"]]) == ("short", "playlist")
    kinds = posts_of(store)["kind_source"]
    assert (kinds.loc[kinds.index.str.startswith("unimedOld")] == "playlist").all()

"""Instagram Graph API path: the real client and collector against the loopback server in
tests/graph_server.py (recorded-shape JSON from Meta's reference pages), the refresh that
sends each account down its path, and the connect command. No network.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import logging
import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest
import requests
import sqlalchemy as sa
from instaloader import Post, Profile

from collectors import cli
from collectors.config import Settings, parse_config
from collectors.errors import ConfigError
from collectors.instagram import collect_instagram, make_loader
from collectors.instagram_graph import (
    DAILY_METRICS,
    INSIGHT_TZ,
    follow_split,
    media_kind,
    shortcode_of,
    windows,
)
from collectors.records import AccountRef, PostSnapshot
from collectors.refresh import _instagram, refresh, select_accounts
from collectors.store import Store
from collectors.tokens import save_token
from dashboard.campaigns import cross_promotion
from dashboard.pagedata import partner_handles
from tests.graph_server import (
    APP_ID,
    APP_SECRET,
    UMA_IG,
    UNIMED_IG,
    FakeGraph,
    TokenInfo,
    insight_value,
    media_value,
    pacific_days,
    serve,
)

INSTAGRAM_FIXTURES = Path(__file__).parent / "fixtures" / "instagram"
NOW = dt.datetime(2025, 11, 25, 12, 0, tzinfo=dt.UTC)
YESTERDAY = dt.date(2025, 11, 24)  # Meta's (Pacific) day before NOW
PAGE_TOKEN = "PAGE-TOKEN-SENTINEL-43"
OTHER_TOKEN = "PAGE-TOKEN-UNIMED-SENTINEL-45"
SECRETS = (
    PAGE_TOKEN,
    OTHER_TOKEN,
    "SHORT-LIVED-SENTINEL-41",
    "LONG-LIVED-USER-SENTINEL-42",
    APP_SECRET,
)
HISTORY = 75
UMA = AccountRef("uma", "instagram", "perpustakaan.uma")

CONFIG = f"""
timezone = "Asia/Jakarta"
[instagram]
recheck_days = 30
max_posts_per_run = 200
[instagram_graph]
version = "v27.0"
history_days = {HISTORY}
[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]
[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed"]
[[libraries]]
id = "usu"
name = "Perpustakaan USU"
color = "#aa3300"
instagram = ["perpus.usu"]
instagram_path = "instaloader"
"""


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """instaloader must not reach out (it uses requests); the Graph client talks only to
    the loopback server."""
    attempts: list[str] = []

    def refuse(self, request, **kwargs):
        attempts.append(request.url)
        raise AssertionError(f"network request attempted in a test: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def graph():
    fake = FakeGraph()
    server, _ = serve(fake)
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def config(tmp_path):
    return parse_config(CONFIG, str(tmp_path / "jejaring.toml"))


def settings_for(graph, tmp_path, url=None) -> Settings:
    return Settings(
        database_url=url or f"sqlite:///{tmp_path / 'graph.db'}",
        token_dir=str(tmp_path / "tokens"),
        instagram_graph_api_url=graph.url,
    )


def connect(graph, settings, library="uma", token=PAGE_TOKEN, ig=UMA_IG, **facts):
    """A token file as the connect command writes it, and the token known to the server."""
    username = {UMA_IG: "perpustakaan.uma", UNIMED_IG: "digilib.unimed"}[ig]
    data = {
        "token": token,
        "kind": "page",
        "ig_user_id": ig,
        "username": username,
        "connected_since": NOW - dt.timedelta(days=1),
        "scopes": ["instagram_basic", "instagram_manage_insights", "pages_read_engagement"],
    }
    data.update(facts)
    save_token(settings.token_dir, "instagram", library, data)
    graph.tokens[token] = TokenInfo("page", (ig,))


# -- instaloader objects for the library left to instaloader ---------------------------


def usu_collector(names=("perpus.usu",)):
    """collect_instagram with real instaloader Post/Profile objects from recorded nodes."""
    loader = make_loader(Settings())
    media = json.loads((INSTAGRAM_FIXTURES / "media.json").read_text())["items"]
    user = json.loads((INSTAGRAM_FIXTURES / "profile_uma.json").read_text())

    def profiles(context, name):
        assert name in names, f"instaloader asked for {name}"
        data = dict(user, username=name, pk=str(900 + len(name)), id=str(900 + len(name)))
        return Profile(loader.context, Profile._normalize_profile_data(data))

    def posts_of(profile):
        for n, item in enumerate(media):
            node = copy.deepcopy(item)
            prefix = {"perpus.usu": "DUsu", "digilib.unimed": "DUnimIl"}.get(profile.username)
            if prefix:  # the recorded codes are UMA's posts
                node["code"] = f"{prefix}{n:04d}"
                node["pk"] = str(3600000000000000000 + n + len(prefix) * 100)
            node["user"] = dict(node["user"], username=profile.username)
            yield Post.from_iphone_struct(loader.context, node)

    return functools.partial(
        collect_instagram, loader=loader, profiles=profiles, posts_of=posts_of, now=lambda: NOW
    )


def run(config, settings, store, *, full=False, instaloader=None, accounts=None):
    sleeps: list[float] = []
    collect = functools.partial(
        _instagram,
        instaloader=instaloader or usu_collector(),
        sleep=sleeps.append,
        now=lambda: NOW,
    )
    out = io.StringIO()
    summary = refresh(
        config,
        settings,
        store,
        accounts or select_accounts(config, ["instagram"]),
        full=full,
        out=out,
        collectors={"instagram": collect},
    )
    summary.log, summary.sleeps = out.getvalue(), sleeps
    summary.by = {r.account.handle: r for r in summary.results}
    return summary


def posts_of(store, handle):
    accounts = store.accounts().set_index("handle")
    frame = store.posts(account_ids=[int(accounts.loc[handle, "id"])])
    return frame.set_index("post_id")


def account_id(store, handle):
    return int(store.accounts().set_index("handle").loc[handle, "id"])


def every_text(store) -> str:
    """Every value of every table, as text (to look for secrets)."""
    with store.engine.connect() as conn:
        return "\n".join(
            repr(row)
            for table in sa.inspect(conn).get_table_names()
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"'))
        )


# -- the three paths in one refresh ----------------------------------------------------


def test_refresh_sends_each_account_down_its_path_and_stores_it_right(
    graph, tmp_path, config, db_url, caplog
):
    caplog.set_level(logging.DEBUG)
    settings = settings_for(graph, tmp_path, db_url)
    connect(graph, settings)
    empty_day = YESTERDAY - dt.timedelta(days=10)
    graph.empty_days = {empty_day}
    store = Store(db_url, config.timezone)
    first = run(config, settings, store)

    assert {h: r.status for h, r in first.by.items()} == {
        "perpustakaan.uma": "ok",
        "digilib.unimed": "ok",
        "perpus.usu": "ok",
    }, first.log
    items = store.run_items([first.run_id]).set_index("account_id")
    paths = {h: items.loc[account_id(store, h), "path"] for h in first.by}
    assert paths == {
        "perpustakaan.uma": "graph_api",
        "digilib.unimed": "business_discovery",
        "perpus.usu": "instaloader",
    }

    # UMA's own account: posts keyed by shortcode, kinds from the platform, NULL not 0
    uma = posts_of(store, "perpustakaan.uma")
    assert len(uma) == len(graph.media[UMA_IG]) == 61
    assert uma.loc["DReel000002", "kind"] == "reel"
    assert uma.loc["DCollab0003", "kind"] == "carousel"
    assert uma.loc["DVideo00005", "kind"] == "video"
    assert uma.loc["DImage00006", "kind"] == "image"
    assert set(uma["kind_source"]) == {"platform"}
    assert pd.isna(uma.loc["DHidden0004", "likes"]), "a hidden like count is NULL"
    assert uma.loc["DHidden0004", "comments"] == 5
    assert uma.loc["DReel000002", "likes"] == 251
    assert uma.loc["DReel000002", "url"] == "https://www.instagram.com/reel/DReel000002/"
    assert uma.loc["DReel000002", "mentions"] == ["digilib.unimed"]
    daily = store.account_daily().set_index("account_id")
    assert daily.loc[account_id(store, "perpustakaan.uma"), "followers"] == 5432
    assert daily.loc[account_id(store, "perpustakaan.uma"), "media_count"] == 61

    # post insights: every post on the first connection; empty or #10 -> NULL rows
    figures = store.post_metrics()
    assert set(figures["source"]) == {"owner_insights"}
    assert set(figures["origin"]) == {"graph v27.0"}
    assert len(figures) == 61 * 5 + 1, "reach views saved shares interactions (+ reel watch)"
    by = figures.set_index(["post_id", "metric"])["value"]
    assert by[("DReel000002", "reach")] == media_value("17900000000000002", "reach")
    assert by[("DReel000002", "ig_reels_avg_watch_time")] == pytest.approx(
        media_value("17900000000000002", "ig_reels_avg_watch_time") / 1000
    )
    for code in ("DHidden0004", "DVideo00005"):  # empty answer; error #10 few viewers
        rows = figures[figures["post_id"] == code]
        assert len(rows) == 5 and rows["value"].isna().all(), code

    # account insights: every day of the history, one row per metric, NULL for an empty day
    metrics = store.account_metrics(account_ids=[account_id(store, "perpustakaan.uma")])
    assert len(metrics) == HISTORY * len(DAILY_METRICS)
    assert set(metrics["source"]) == {"owner_insights"}
    assert metrics["day"].max() == YESTERDAY
    assert metrics["day"].min() == YESTERDAY - dt.timedelta(days=HISTORY - 1)
    values = metrics.set_index(["day", "metric"])["value"]
    day = YESTERDAY - dt.timedelta(days=3)
    for name in DAILY_METRICS:
        assert values[(day, name)] == insight_value(UMA_IG, day, name), name
    assert all(pd.isna(values[(empty_day, name)]) for name in DAILY_METRICS)

    # business discovery: public numbers of the partner, no owner figures
    unimed = posts_of(store, "digilib.unimed")
    assert len(unimed) == 60
    assert daily.loc[account_id(store, "digilib.unimed"), "followers"] == 8765
    assert pd.isna(unimed.loc["DUnimReel02", "likes"])
    assert unimed.loc["DUnimReel02", "kind"] == "reel"
    assert not set(figures["post_id"]) & set(unimed.index)
    # the tags edge: UNIMED's post tagging UMA is a cross-promotion edge UNIMED -> UMA
    assert "perpustakaan.uma" in unimed.loc["DUnimTag001", "tagged"]
    assert "DStudent001" not in set(store.posts()["post_id"]), "not a configured account"
    frame = store.posts().merge(
        store.accounts()[["id", "library_id"]], left_on="account_id", right_on="id"
    )
    frame["engagements"] = frame["likes"].astype("Float64") + frame["comments"]
    edges = cross_promotion(frame, partner_handles(store.accounts(), config))
    tags = edges[(edges["how"] == "tag")].set_index(["source", "target"])["posts"]
    assert tags[("unimed", "uma")] == 1, "the tags edge is a cross-promotion edge"

    assert len(posts_of(store, "perpus.usu")) == 6

    connections = store.connections().set_index("library_id")
    assert connections.loc["uma", "status"] == "ok"
    assert connections.loc["uma", "token_source"] == "file"
    assert connections.loc["uma", "external_id"] == UMA_IG
    assert pd.isna(connections.loc["uma", "expires_at"])
    assert "unimed" not in connections.index

    # the token travelled in the header only, and went nowhere else
    assert all("access_token" not in params for _, params, _ in graph.requests)
    assert all(h.get("authorization") == f"Bearer {PAGE_TOKEN}" for _, _, h in graph.requests)
    stored = every_text(store)
    for text in (first.log, caplog.text, stored):
        assert PAGE_TOKEN not in text

    # a second refresh: incremental, and it changes nothing it should not
    counts = store.counts()
    before = len(graph.requests)
    second = run(config, settings, store)
    assert all(r.status == "ok" for r in second.results), second.log
    after = store.counts()
    for table in ("accounts", "posts", "post_metrics", "account_metrics", "connections"):
        assert after[table] == counts[table], table
    assert after["post_daily"] == counts["post_daily"], "the same day: rows replaced"
    again = store.account_metrics(account_ids=[account_id(store, "perpustakaan.uma")])
    pd.testing.assert_series_equal(
        again.set_index(["day", "metric"])["value"], values, check_names=False
    )
    assert "perpustakaan.uma" in posts_of(store, "digilib.unimed").loc["DUnimTag001", "tagged"]
    calls = graph.requests[before:]
    insights = [p for path, p, _ in calls if path.endswith(f"{UMA_IG}/insights")]
    assert len(insights) == 1 + 3 * 2, "one reach window and two calls for each of 3 days"
    media_insights = [p for p, _, _ in calls if p.endswith("/insights") and "1790" in p]
    assert len(media_insights) == 4, "only the posts of the re-check window"
    media_pages = [p for p, _, _ in calls if p.endswith(f"{UMA_IG}/media")]
    assert len(media_pages) == 1, "the walk stops at the first known post past the window"
    assert second.by["perpustakaan.uma"].requests < first.by["perpustakaan.uma"].requests / 10


def test_switching_from_instaloader_keeps_posts_and_what_the_graph_api_cannot_see(graph, tmp_path):
    config = parse_config(CONFIG.split('[[libraries]]\nid = "usu"')[0], "jejaring.toml")
    settings = settings_for(graph, tmp_path)
    store = Store(settings.database_url, config.timezone)
    both = usu_collector(names=("perpustakaan.uma", "digilib.unimed"))
    before = run(config, settings, store, instaloader=both)
    assert {r.path for r in before.results} == {"instaloader"}
    old = posts_of(store, "perpustakaan.uma")
    assert len(old) == 6
    history = store.post_daily()
    history = history[history["post_id"].isin(old.index)]

    connect(graph, settings)
    after = run(config, settings, store, instaloader=both)
    assert after.by["perpustakaan.uma"].path == "graph_api"
    new = posts_of(store, "perpustakaan.uma")
    assert len(new) == 61, "the six instaloader posts were matched by shortcode"
    assert set(old.index) <= set(new.index)
    collab = new.loc["DCollab0003"]
    assert collab["tagged"] == ["digilib.unimed"], "tags from instaloader are kept"
    reel = new.loc["DReel000002"]
    assert (reel["views"], reel["plays"]) == (3890, 5120), "public view counts are kept"
    assert reel["likes"] == 251 and reel["kind_source"] == "platform"
    assert new.loc["DPinOld0001", "is_pinned"], "the pinned flag is kept"
    daily = store.post_daily()
    daily = daily[daily["post_id"].isin(new.index)]
    assert len(history) == 6 and len(daily) == 61, "one row per post and day, none twice"
    # instaloader had walked the account in full: connecting it is still its first
    # connection, so every post gets its insights (the backfill), the old ones too
    reach = store.post_metrics([("instagram", code) for code in new.index], ["reach"])
    assert set(reach.loc[reach["source"] == "owner_insights", "post_id"]) == set(new.index)


def test_an_account_walked_in_full_before_still_gets_its_first_connection_backfill(
    graph, tmp_path, config
):
    """UMA was read in full as a partner (business discovery through UNIMED's token),
    then connects its own account: that is its first connection, so every post gets its
    insights, not only those of the re-check window."""
    settings = settings_for(graph, tmp_path)
    store = Store(settings.database_url, config.timezone)
    connect(graph, settings, library="unimed", token=OTHER_TOKEN, ig=UNIMED_IG)
    partner = run(config, settings, store, accounts=[UMA])
    assert partner.by["perpustakaan.uma"].path == "business_discovery"
    walked = store.accounts().set_index("handle").loc["perpustakaan.uma", "last_full_walk_at"]
    assert pd.notna(walked), "the partner's walk was complete"
    assert store.post_metrics().empty, "business discovery has no insights"

    connect(graph, settings)
    own = run(config, settings, store, accounts=[UMA])
    assert own.by["perpustakaan.uma"].path == "graph_api"
    assert own.by["perpustakaan.uma"].status == "ok", own.log
    codes = set(posts_of(store, "perpustakaan.uma").index)
    assert len(codes) == len(graph.media[UMA_IG])
    reach = store.post_metrics([("instagram", c) for c in codes], ["reach"])
    assert set(reach["post_id"]) == codes, "every post, the oldest too, got its insights"

    # the next refresh is incremental again: only the re-check window's posts
    before = len(graph.requests)
    again = run(config, settings, store, accounts=[UMA])
    assert again.by["perpustakaan.uma"].status == "ok"
    pages = [p for p, _, _ in graph.requests[before:] if p.endswith(f"{UMA_IG}/media")]
    insights = [p for p, _, _ in graph.requests[before:] if "/1790" in p]
    assert len(pages) == 1 and len(insights) == 4


def test_a_first_connection_cut_short_in_the_post_insights_resumes_them(graph, tmp_path, config):
    """A rate limit in the middle of the first connection's post insights: the next
    refresh walks on to the posts still without insights instead of stopping at the
    re-check window."""
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    store = Store(settings.database_url, config.timezone)
    graph.fail("/17911000000000010/insights", "rate_4")
    first = run(config, settings, store, accounts=[UMA])
    assert first.by["perpustakaan.uma"].status != "ok"
    codes = set(posts_of(store, "perpustakaan.uma").index)
    reach = store.post_metrics([("instagram", c) for c in codes], ["reach"])
    assert 0 < reach["post_id"].nunique() < len(codes), "cut short half-way"
    second = run(config, settings, store, accounts=[UMA])
    assert second.by["perpustakaan.uma"].status == "ok", second.log
    reach = store.post_metrics([("instagram", c) for c in codes], ["reach"])
    assert set(reach["post_id"]) == codes


def test_a_partner_moved_to_business_discovery_keeps_its_stored_thumbnails(graph, tmp_path, config):
    """Business discovery has no thumbnail_url: a picture instaloader stored stays, and an
    image's own media_url (a public field) replaces it."""
    settings = settings_for(graph, tmp_path)
    store = Store(settings.database_url, config.timezone)
    unimed = AccountRef("unimed", "instagram", "digilib.unimed")
    seen = NOW - dt.timedelta(days=2)
    store.write(
        [],
        [
            PostSnapshot(unimed, "instagram", code, when, kind, seen, likes=3, comments=0,
                         thumbnail_url=f"https://instagram.example/{code}.jpg")
            for code, kind, when in (
                ("DUnimReel02", "reel", dt.datetime(2025, 11, 21, 4, 40, tzinfo=dt.UTC)),
                ("DUnimAlbm03", "carousel", dt.datetime(2025, 11, 1, 12, 26, tzinfo=dt.UTC)),
            )
        ],
    )  # fmt: skip
    connect(graph, settings)
    summary = run(config, settings, store)
    assert summary.by["digilib.unimed"].path == "business_discovery"
    posts = posts_of(store, "digilib.unimed")
    assert posts.loc["DUnimReel02", "thumbnail_url"] == "https://instagram.example/DUnimReel02.jpg"
    assert posts.loc["DUnimAlbm03", "thumbnail_url"] == (
        "https://scontent.cdninstagram.com/v/t51/DUnimAlbm03.jpg"
    )
    asked = [p["fields"] for path, p, _ in graph.requests if "business_discovery" in str(p)]
    assert asked and all("media_url" in f for f in asked)


# -- account insights ------------------------------------------------------------------


def insight_calls(graph, start=0):
    return [p for path, p, _ in graph.requests[start:] if path.endswith(f"{UMA_IG}/insights")]


def test_backfill_asks_30_day_windows_newest_first_and_stops_where_meta_does(
    graph, tmp_path, config
):
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    store = Store(settings.database_url, config.timezone)
    graph.history_start = YESTERDAY - dt.timedelta(days=40)  # Meta refuses older days
    summary = run(config, settings, store)
    assert summary.by["perpustakaan.uma"].status == "ok"
    assert "Meta keeps no account insights from" in summary.log
    series = [p for p in insight_calls(graph) if p.get("metric_type") == "time_series"]
    spans = [pacific_days(int(p["since"]), int(p["until"])) for p in series]
    assert all(int(p["until"]) - int(p["since"]) <= 30 * 86400 for p in series)
    # 29 days: the first window crosses the clock change of 2 November (30 days + 1 hour)
    assert [len(s) for s in spans] == [29, 30]
    # the second window reaches past what Meta keeps: refused, the walk back ends there
    assert spans[0][-1] == YESTERDAY and spans[1][-1] == spans[0][0] - dt.timedelta(days=1)
    totals = [p for p in insight_calls(graph) if p.get("metric_type") == "total_value"]
    assert all(len(pacific_days(int(p["since"]), int(p["until"]))) == 1 for p in totals)
    follows = [p for p in totals if p["metric"] == "follows_and_unfollows"]
    assert follows and all(p["breakdown"] == "follow_type" for p in follows)
    metrics = store.account_metrics()
    assert metrics["day"].min() == spans[0][0] == YESTERDAY - dt.timedelta(days=28)
    assert len(metrics) == 29 * len(DAILY_METRICS)

    # the refusal is remembered with the connection (never a token there)
    detail = json.loads(store.connections().set_index("library_id").loc["uma", "detail"])
    assert detail["insights_refused_through"] == {"perpustakaan.uma": str(spans[1][-1])}

    # the next run asks for the last days again, and not for the refused days: no
    # request before the refused boundary, and no warning about it again
    start = len(graph.requests)
    again = run(config, settings, store)
    assert again.by["perpustakaan.uma"].status == "ok"
    asked = {
        d
        for p in insight_calls(graph, start)
        for d in pacific_days(int(p["since"]), int(p["until"]))
    }
    assert asked == {YESTERDAY - dt.timedelta(days=n) for n in range(3)}
    assert "account insights" not in again.log
    assert len(store.account_metrics()) == 29 * len(DAILY_METRICS)


def test_a_backfill_cut_short_resumes_without_asking_again():
    # pure helper: which days a run asks for
    from collectors.instagram_graph import days_to_fetch

    have = {YESTERDAY - dt.timedelta(days=n) for n in range(0, 20)}
    days = days_to_fetch(YESTERDAY, have, 3, 30)
    assert days[:3] == [YESTERDAY - dt.timedelta(days=n) for n in range(3)]
    assert days[3:] == [YESTERDAY - dt.timedelta(days=n) for n in range(20, 30)]
    assert windows(days) == [
        (YESTERDAY - dt.timedelta(days=2), YESTERDAY),
        (YESTERDAY - dt.timedelta(days=29), YESTERDAY - dt.timedelta(days=20)),
    ]
    spring = [dt.date(2025, 7, 31) - dt.timedelta(days=n) for n in range(65)]  # no change
    assert [(last - first).days + 1 for first, last in windows(spring)] == [30, 30, 5]
    autumn = [dt.date(2025, 11, 20) - dt.timedelta(days=n) for n in range(65)]
    assert [(last - first).days + 1 for first, last in windows(autumn)] == [29, 30, 6]


def test_follow_split_reads_the_breakdown_and_fills_what_meta_leaves_out():
    def total(value, **found):
        results = [{"dimension_values": [k], "value": v} for k, v in found.items()]
        return {
            "value": value,
            "breakdowns": [{"dimension_keys": ["follow_type"], "results": results}],
        }

    assert follow_split(total(7, FOLLOWER=5, NON_FOLLOWER=2)) == {"follows": 5, "unfollows": 2}
    assert follow_split(total(5, FOLLOWER=5)) == {"follows": 5, "unfollows": 0}
    assert follow_split(total(0)) == {"follows": 0, "unfollows": 0}
    assert follow_split({"breakdowns": []}) == {}, "nothing to tell: NULL, not 0"
    assert follow_split(None) == {}


def test_kinds_and_shortcodes():
    assert shortcode_of("https://www.instagram.com/reel/DReel000002/") == "DReel000002"
    assert shortcode_of("https://www.instagram.com/p/C-x_Y1/?igsh=abc") == "C-x_Y1"
    assert shortcode_of(None) is None
    assert media_kind({"media_type": "VIDEO", "media_product_type": "REELS"}) == "reel"
    assert (
        media_kind({"media_type": "VIDEO", "permalink": "https://www.instagram.com/reel/X/"})
        == "reel"
    )
    assert media_kind({"media_type": "VIDEO", "media_product_type": "FEED"}) == "video"
    assert media_kind({"media_type": "CAROUSEL_ALBUM"}) == "carousel"
    assert media_kind({"media_type": "IMAGE"}) == "image"
    assert INSIGHT_TZ.key == "America/Los_Angeles"


# -- paging ---------------------------------------------------------------------------


def test_a_repeated_cursor_stops_the_walk_with_a_message_and_keeps_what_it_read(
    graph, tmp_path, config
):
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    graph.repeat_cursor = True
    store = Store(settings.database_url, config.timezone)
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "partial"
    assert "same page cursor twice while reading the posts of @perpustakaan.uma" in str(uma.error)
    assert "kursor" not in uma.error.text("id") and "penanda halaman" in uma.error.text("id")
    # page 2 names its own cursor as the next one: the walk stops instead of looping
    assert graph.calls(lambda path, p: path.endswith(f"{UMA_IG}/media")) == 2
    assert len(posts_of(store, "perpustakaan.uma")) == 61, "both pages are kept"
    assert summary.by["digilib.unimed"].status == "ok", "the others go on"
    assert summary.by["perpus.usu"].status == "ok"


# -- faults ---------------------------------------------------------------------------


def baseline(graph, tmp_path, config):
    """A connected UMA with one good refresh stored, and what it stored."""
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    store = Store(settings.database_url, config.timezone)
    assert run(config, settings, store).status == "ok"
    return settings, store, stored(store)


def stored(store):
    return {
        "counts": store.counts(),
        "account_metrics": store.account_metrics().set_index(["account_id", "day", "metric"])[
            "value"
        ],
        "post_metrics": store.post_metrics().set_index(["post_id", "metric"])["value"],
        "likes": store.posts().set_index("post_id")["likes"],
    }


def kept(store, before) -> bool:
    """Nothing stored before a faulty refresh is lost or turned to NULL by it."""
    now = stored(store)
    for table in ("posts", "post_daily", "post_metrics", "account_metrics", "account_daily"):
        assert now["counts"][table] >= before["counts"][table], table
    for key in ("account_metrics", "post_metrics", "likes"):
        old, new = before[key], now[key].reindex(before[key].index)
        assert (old.isna() | (old == new)).all(), key
        assert not (old.notna() & new.isna()).any(), key
    return True


@pytest.mark.parametrize(
    ("state", "status", "words"),
    [
        ("expired", "expired", "has expired"),
        ("revoked", "revoked", "is no longer valid"),
    ],
)
def test_a_refused_token_asks_to_reconnect_and_loses_nothing(
    graph, tmp_path, config, state, status, words
):
    settings, store, counts = baseline(graph, tmp_path, config)
    graph.tokens[PAGE_TOKEN].state = state
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "failed"
    assert words in str(uma.error)
    assert "python -m collectors connect instagram --library uma" in str(uma.error)
    assert "Hubungkan ulang" in uma.error.text("id")
    assert summary.by["perpus.usu"].status == "ok", "the others go on"
    # UMA was the only connected library: business discovery has no way in any more
    assert summary.by["digilib.unimed"].status == "failed"
    assert store.connections().set_index("library_id").loc["uma", "status"] == status
    assert kept(store, counts)
    items = store.run_items([summary.run_id])
    assert items["error_key"].str.startswith("graph_token").any()


def test_token_expiry_is_shown_ahead_and_a_past_expiry_is_not_even_tried(graph, tmp_path, config):
    settings = settings_for(graph, tmp_path)
    connect(graph, settings, kind="user", expires_at=NOW + dt.timedelta(days=3))
    store = Store(settings.database_url, config.timezone)
    soon = run(config, settings, store)
    assert soon.by["perpustakaan.uma"].status == "ok"
    assert "expires on 2025-11-28 (3 days)" in soon.log
    assert "before then: .venv/bin/python -m collectors connect instagram --library uma" in (
        soon.log
    ), "the command as the README gives it"
    row = store.connections().set_index("library_id").loc["uma"]
    assert row["status"] == "expiring"
    assert row["expires_at"] == pd.Timestamp(NOW + dt.timedelta(days=3))

    connect(graph, settings, kind="user", expires_at=NOW - dt.timedelta(days=1))
    start = len(graph.requests)
    late = run(config, settings, store)
    uma = late.by["perpustakaan.uma"]
    assert uma.status == "failed" and "has expired on 2025-11-24" in str(uma.error)
    assert store.connections().set_index("library_id").loc["uma", "status"] == "expired"
    assert not any(p.startswith(f"/v27.0/{UMA_IG}") for p, _, _ in graph.requests[start:])


RATE = [
    ("rate_4", "#4"),
    ("rate_17", "#17"),
    ("rate_32", "#32"),
    ("rate_613", "#613"),
    ("rate_80002", "too many calls"),
]


@pytest.mark.parametrize(("name", "words"), RATE)
def test_a_rate_limit_stops_the_graph_api_for_the_run_and_says_when_to_retry(
    graph, tmp_path, config, name, words
):
    settings, store, counts = baseline(graph, tmp_path, config)
    usage = {
        "x-business-use-case-usage": {
            UMA_IG: [
                {
                    "type": "instagram",
                    "call_count": 100,
                    "total_cputime": 20,
                    "total_time": 30,
                    "estimated_time_to_regain_access": 19,
                }
            ]
        }
    }
    graph.fail(f"{UMA_IG}/insights", name, headers=usage)
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "partial", "posts and account were fetched before the limit"
    assert words in str(uma.error) and "Retry in about 19 minutes" in str(uma.error)
    assert "while reading account insights" in str(uma.error)
    assert summary.by["digilib.unimed"].status == "skipped"
    assert summary.by["perpus.usu"].status == "ok", "instaloader is another platform path"
    assert kept(store, counts)
    assert graph.calls(lambda path, p: "business_discovery" in p.get("fields", "")) == 2


def test_usage_headers_slow_down_before_the_limit_and_stop_at_it(graph, tmp_path, config):
    settings, store, counts = baseline(graph, tmp_path, config)
    graph.usage = {
        "x-app-usage": json.dumps({"call_count": 90, "total_cputime": 10, "total_time": 12})
    }
    slow = run(config, settings, store)
    assert all(r.status == "ok" for r in slow.results), slow.log
    assert slow.sleeps and min(slow.sleeps) >= 1, "paused before each call"
    assert max(slow.sleeps) <= 60
    graph.usage = {
        "x-app-usage": json.dumps({"call_count": 100, "total_cputime": 10, "total_time": 12})
    }
    start = len(graph.requests)
    stopped = run(config, settings, store)
    uma = stopped.by["perpustakaan.uma"]
    assert uma.status == "partial" and "usage at 100%" in str(uma.error)
    assert len(graph.requests) - start == 1, "no second call once the limit is reached"
    assert stopped.by["digilib.unimed"].status == "skipped"
    assert kept(store, counts)


@pytest.mark.parametrize("name", ["permission_10", "permission_200"])
def test_a_missing_permission_fails_the_account_alone(graph, tmp_path, config, name):
    settings, store, counts = baseline(graph, tmp_path, config)
    graph.fail(f"{UMA_IG}/insights", name, times=99)
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "partial"
    assert "permission is missing for library uma" in str(uma.error)
    assert "instagram_manage_insights" in str(uma.error)
    assert summary.by["digilib.unimed"].status == "ok", "not a reason to stop the others"
    row = store.connections().set_index("library_id").loc["uma"]
    assert row["status"] == "error" and "permission" in row["detail"]
    assert kept(store, counts)


def test_business_discovery_of_an_unknown_or_personal_account_fails_alone(graph, tmp_path, config):
    settings, store, counts = baseline(graph, tmp_path, config)
    del graph.usernames["digilib.unimed"]
    summary = run(config, settings, store)
    unimed = summary.by["digilib.unimed"]
    assert unimed.status == "failed"
    assert "cannot see @digilib.unimed" in str(unimed.error)
    assert "not a professional" in str(unimed.error) and "through library uma" in str(unimed.error)
    assert summary.by["perpustakaan.uma"].status == "ok"
    assert len(posts_of(store, "digilib.unimed")) == 60, "nothing stored is lost"


def test_a_partner_goes_through_another_connected_library_when_one_token_fails(
    graph, tmp_path, config
):
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    store = Store(settings.database_url, config.timezone)
    graph.tokens[PAGE_TOKEN].state = "revoked"
    config2 = parse_config(CONFIG.replace('instagram_path = "instaloader"', ""), "j.toml")
    connect(graph, settings, library="usu", token=OTHER_TOKEN, ig=UNIMED_IG)
    summary = run(config2, settings, store, instaloader=usu_collector(names=()))
    # usu's token reaches digilib.unimed, not perpus.usu: usu's own account goes through
    # business discovery; digilib.unimed too (through usu, as uma's token fails)
    assert summary.by["perpustakaan.uma"].status == "failed"
    assert summary.by["digilib.unimed"].status == "ok"
    assert summary.by["digilib.unimed"].path == "business_discovery"
    assert summary.by["perpus.usu"].path == "business_discovery"
    assert "does not reach @perpus.usu" in summary.log


def test_html_with_200_and_cut_off_answers_are_retried_then_reported(graph, tmp_path, config):
    settings, store, counts = baseline(graph, tmp_path, config)
    page = b"<!DOCTYPE html><html><body>Please sign in to the proxy</body></html>"
    from tests.graph_server import Fault

    attempts = config.network.retries + 1  # [network] retries, 4 by default
    graph.faults.append(Fault(f"/v27.0/{UMA_IG}?", 200, page, times=attempts))
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "failed" and "not its JSON" in str(uma.error)
    assert "text/html" in str(uma.error) and "Please sign in" not in str(uma.error)
    assert summary.by["digilib.unimed"].status == "ok"
    assert summary.sleeps[:4] == [2.0, 4.0, 8.0, 16.0], "backoff between the attempts"

    graph.faults.append(
        Fault(f"/v27.0/{UMA_IG}?", 200, {"id": UMA_IG}, times=attempts, truncate=True)
    )
    cut = run(config, settings, store)
    assert "cut off" in str(cut.by["perpustakaan.uma"].error)
    graph.faults.append(Fault(f"/v27.0/{UMA_IG}?", 503, {"error": {"message": "x"}}, times=1))
    once = run(config, settings, store)
    assert once.by["perpustakaan.uma"].status == "ok", "one 5xx is retried"
    assert kept(store, counts)


def network_config(tmp_path, deadline=1, retries=0, budget=30):
    text = CONFIG.replace(
        "[[libraries]]",
        f"[network]\ndeadline = {deadline}\nretries = {retries}\ncall_budget = {budget}\n\n"
        "[[libraries]]",
        1,
    )
    return parse_config(text, str(tmp_path / "jejaring.toml"))


def test_network_retries_are_those_of_the_configuration(graph, tmp_path):
    """[network] retries reaches the Graph API client: that many retries, then the fault."""
    from tests.graph_server import Fault

    config = network_config(tmp_path, deadline=30, retries=1)
    settings, store, counts = baseline(graph, tmp_path, config)
    page = b"<!DOCTYPE html><html><body>proxy</body></html>"
    graph.faults.append(Fault(f"/v27.0/{UMA_IG}?", 200, page, times=5))
    before = len(graph.requests)
    summary = run(config, settings, store, accounts=[UMA])
    assert summary.by["perpustakaan.uma"].status == "failed"
    asked = [p for p, _, _ in graph.requests[before:] if p == f"/v27.0/{UMA_IG}"]
    assert len(asked) == 2, "one request and one retry"
    assert summary.sleeps == [2.0]
    assert kept(store, counts)


def test_an_answer_dripping_slower_than_the_deadline_fails_the_account_in_time(graph, tmp_path):
    """[network] deadline reaches the Graph API client: an answer that never finishes in
    time fails that account once the deadline is spent; the others go on."""
    from tests.graph_server import Fault

    config = network_config(tmp_path, deadline=1, retries=0)
    settings, store, counts = baseline(graph, tmp_path, config)
    body = {"id": UMA_IG, "username": "perpustakaan.uma", "padding": "x" * 200}
    graph.faults.append(Fault(f"/v27.0/{UMA_IG}?", 200, body, times=1, drip=0.2))
    started = time.monotonic()
    summary = run(
        config, settings, store, accounts=[AccountRef("uma", "instagram", "perpustakaan.uma")]
    )
    took = time.monotonic() - started
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "failed" and "in time" in str(uma.error), uma.error
    assert took < 10, f"the 1 s deadline ended the answer (took {took:.1f} s)"
    assert kept(store, counts)


def test_the_tags_edge_without_permission_only_warns(graph, tmp_path, config):
    settings = settings_for(graph, tmp_path)
    connect(graph, settings)
    graph.tags_permission = False
    store = Store(settings.database_url, config.timezone)
    summary = run(config, settings, store)
    assert summary.by["perpustakaan.uma"].status == "ok"
    assert "instagram_manage_comments" in summary.log
    assert posts_of(store, "digilib.unimed").loc["DUnimTag001", "tagged"] == []


def test_forced_paths_without_their_means_fail_clearly(graph, tmp_path):
    text = CONFIG.replace(
        'instagram = ["perpustakaan.uma"]',
        'instagram = ["perpustakaan.uma"]\ninstagram_path = "graph_api"',
    ).replace(
        'instagram = ["digilib.unimed"]',
        'instagram = ["digilib.unimed"]\ninstagram_path = "business_discovery"',
    )
    config = parse_config(text, "jejaring.toml")
    settings = settings_for(graph, tmp_path)
    store = Store(settings.database_url, config.timezone)
    summary = run(config, settings, store)
    assert "has no Instagram token" in str(summary.by["perpustakaan.uma"].error)
    assert "needs a library connected" in str(summary.by["digilib.unimed"].error)
    assert summary.by["perpus.usu"].status == "ok"
    assert not graph.requests


def test_an_unreadable_token_file_names_the_file(graph, tmp_path, config):
    settings = settings_for(graph, tmp_path)
    path = Path(settings.token_dir) / "instagram-uma.json"
    path.parent.mkdir(parents=True)
    path.write_text("not json")
    os.chmod(path, 0o600)
    store = Store(settings.database_url, config.timezone)
    summary = run(config, settings, store)
    uma = summary.by["perpustakaan.uma"]
    assert uma.status == "failed" and str(path) in str(uma.error)
    assert store.connections().set_index("library_id").loc["uma", "status"] == "error"


# -- configuration --------------------------------------------------------------------


def test_config_keys_are_checked_with_their_line():
    bad_path = CONFIG.replace('instagram_path = "instaloader"', 'instagram_path = "graph"')
    with pytest.raises(ConfigError) as err:
        parse_config(bad_path, "jejaring.toml")
    line = bad_path.splitlines().index('instagram_path = "graph"') + 1
    assert f"jejaring.toml, line {line}: libraries[3] (id 'usu'): field 'instagram_path'" in str(
        err.value
    )
    bad_version = CONFIG.replace('version = "v27.0"', 'version = "27"')
    with pytest.raises(ConfigError) as err:
        parse_config(bad_version, "jejaring.toml")
    assert "line 7: [instagram_graph]: field 'version': '27' is not a Graph API version" in str(
        err.value
    )
    with pytest.raises(ConfigError, match="line 8: .*history_days.*from 1 to 729"):
        parse_config(CONFIG.replace(f"history_days = {HISTORY}", "history_days = 2000"), "j")
    config = parse_config(CONFIG, "j")
    assert config.instagram_graph.version == "v27.0"
    assert [lib.instagram_path for lib in config.libraries] == ["auto", "auto", "instaloader"]


# -- the connect command --------------------------------------------------------------


@pytest.fixture
def connect_env(graph, tmp_path, monkeypatch):
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    env = {
        "JEJARING_CONFIG": str(tmp_path / "jejaring.toml"),
        "JEJARING_DATABASE_URL": f"sqlite:///{tmp_path / 'connect.db'}",
        "JEJARING_TOKEN_DIR": str(tmp_path / "tokens"),
        "INSTAGRAM_GRAPH_API_URL": graph.url,
        "META_APP_ID": APP_ID,
        "META_APP_SECRET": APP_SECRET,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("META_USER_TOKEN", raising=False)
    return env


def test_connect_saves_a_private_token_file_and_never_prints_a_token(
    graph, tmp_path, connect_env, monkeypatch, capsys
):
    monkeypatch.setenv("META_USER_TOKEN", "SHORT-LIVED-SENTINEL-41")
    assert cli.main(["connect", "instagram", "--library", "uma"]) == 0
    shown = capsys.readouterr()
    path = tmp_path / "tokens" / "instagram-uma.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    saved = json.loads(path.read_text())
    assert saved["token"] == PAGE_TOKEN, "the Page token, which does not expire"
    assert saved["kind"] == "page" and saved["expires_at"] is None
    assert (saved["ig_user_id"], saved["username"]) == (UMA_IG, "perpustakaan.uma")
    assert "instagram_manage_insights" in saved["scopes"]
    assert saved["data_access_expires_at"].startswith("2026-02-23")
    assert "Connected library uma: Instagram @perpustakaan.uma" in shown.out
    assert "does not expire" in shown.out and "Note: without instagram_manage_comments" in shown.out
    for secret in SECRETS:
        assert secret not in shown.out + shown.err
    # the app secret and tokens went only where Meta's flow puts them
    exchange = [p for path, p, _ in graph.requests if path.endswith("oauth/access_token")]
    assert exchange == [
        {
            "grant_type": "fb_exchange_token",
            "client_id": APP_ID,
            "client_secret": APP_SECRET,
            "fb_exchange_token": "SHORT-LIVED-SENTINEL-41",
        }
    ]
    rest = [p for path, p, _ in graph.requests if not path.endswith("oauth/access_token")]
    assert all("access_token" not in p and "client_secret" not in p for p in rest)
    store = Store(connect_env["JEJARING_DATABASE_URL"])
    row = store.connections().set_index("library_id").loc["uma"]
    assert row["status"] == "ok" and row["external_id"] == UMA_IG
    for secret in SECRETS:
        assert secret not in every_text(store)

    # the saved file is what the refresh then uses
    config = parse_config(CONFIG, "j")
    settings = settings_for(graph, tmp_path)
    summary = run(config, settings, Store(settings.database_url, config.timezone))
    assert summary.by["perpustakaan.uma"].path == "graph_api"
    assert summary.by["perpustakaan.uma"].status == "ok"


def test_connect_reads_the_token_at_a_hidden_prompt_and_refuses_missing_permissions(
    graph, tmp_path, connect_env, monkeypatch, capsys
):
    asked: list[str] = []

    def prompt(text):
        asked.append(text)
        return "SHORT-LIVED-SENTINEL-41\n"

    monkeypatch.setattr("getpass.getpass", prompt)
    monkeypatch.setattr(
        "tests.graph_server.fixture",
        functools.partial(_without_permission, "instagram_manage_insights"),
    )
    assert cli.main(["connect", "instagram", "--library", "uma"]) == 1
    shown = capsys.readouterr()
    assert asked and "hidden" in asked[0]
    assert "the token lacks instagram_manage_insights" in shown.err
    assert not (tmp_path / "tokens" / "instagram-uma.json").exists()
    for secret in SECRETS:
        assert secret not in shown.out + shown.err

    monkeypatch.setenv("META_APP_SECRET", "wrong")
    assert cli.main(["connect", "instagram", "--library", "uma"]) == 1
    assert "Not connected: Meta refused" in capsys.readouterr().err
    monkeypatch.delenv("META_APP_SECRET")
    assert cli.main(["connect", "instagram", "--library", "uma"]) == 1
    assert "set META_APP_ID and META_APP_SECRET" in capsys.readouterr().err


def _without_permission(name, file):
    from tests import graph_server

    data = json.loads((graph_server.FIXTURES / file).read_text())
    data.pop("_comment", None)
    if file == "oauth.json":
        for entry in data["permissions"]["data"]:
            if entry["permission"] == name:
                entry["status"] = "declined"
    return data


@pytest.mark.parametrize("kind", ["page", "user"])
def test_a_token_from_the_environment_finds_its_account(graph, tmp_path, config, kind):
    """No token file, no facts: a Page token names its Instagram account in /me; a user
    token lists its Pages in /me/accounts."""
    token = f"{kind.upper()}-TOKEN-FROM-ENV-SENTINEL"
    graph.tokens[token] = TokenInfo(kind, (UMA_IG,))
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'env.db'}",
        token_dir=str(tmp_path / "none"),
        instagram_graph_api_url=graph.url,
        tokens={"INSTAGRAM_TOKEN_UMA": (token, "env")},
    )
    store = Store(settings.database_url, config.timezone)
    summary = run(config, settings, store)
    assert summary.by["perpustakaan.uma"].path == "graph_api"
    assert summary.by["perpustakaan.uma"].status == "ok", summary.log
    asked = [p for p, _, _ in graph.requests if p.startswith("/v27.0/me")]
    assert asked == (["/v27.0/me"] if kind == "page" else ["/v27.0/me", "/v27.0/me/accounts"])
    row = store.connections().set_index("library_id").loc["uma"]
    assert (row["token_source"], row["external_id"], row["status"]) == ("env", UMA_IG, "ok")
    assert token not in summary.log + every_text(store)


def test_connect_without_the_token_facts_still_saves_the_page_token(
    graph, tmp_path, connect_env, monkeypatch, capsys
):
    monkeypatch.setenv("META_USER_TOKEN", "SHORT-LIVED-SENTINEL-41")
    graph.fail("debug_token", "permission_200")
    assert cli.main(["connect", "instagram", "--library", "uma"]) == 0
    shown = capsys.readouterr()
    assert "Meta did not describe the token" in shown.out
    saved = json.loads((tmp_path / "tokens" / "instagram-uma.json").read_text())
    assert saved["token"] == PAGE_TOKEN and saved["expires_at"] is None
    assert "instagram_basic" in saved["scopes"], "the scopes granted to the user token"
    for secret in SECRETS:
        assert secret not in shown.out + shown.err

"""YouTube Analytics for channels whose library authorised Jejaring: the real google-auth and
googleapiclient against the loopback token endpoint and Analytics API
(tests/youtube_analytics_server.py), next to the fake Data API for public figures."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pandas as pd
import pytest

from collectors.config import Settings, parse_config
from collectors.refresh import _youtube, refresh, select_accounts
from collectors.store import Store
from collectors.tokens import save_token, token_path
from collectors.youtube_analytics import SCOPES, OwnerCollector
from tests.youtube_analytics_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    Channel,
    FakeGoogle,
    day_figures,
    pacific_today,
    serve,
    video_figures,
)
from tests.youtube_server import UMA_ID, UNIMED_ID, uma_video_id, youtube_config

ROOT = Path(__file__).resolve().parent.parent
KEY = "test-key"
REFRESH = "1//0uma-refresh-SENTINEL-token"
UMA_CREATED = "2019-03-11T02:14:55Z"  # the fixture channel's publishedAt
UMA_FIRST_PACIFIC = dt.date(2019, 3, 10)  # 02:14 UTC is the evening before in California
DATA_FROM = dt.date(2019, 3, 12)
TODAY = pacific_today()
LAST = TODAY - dt.timedelta(days=3)  # Analytics lags
METRICS = [
    "views", "engagedViews", "estimatedMinutesWatched", "averageViewDuration",
    "subscribersGained", "subscribersLost", "likes", "comments", "shares",
]  # fmt: skip


@pytest.fixture
def google(api):
    fake = FakeGoogle(api.access_tokens)  # its access tokens also open the fake Data API
    server, _ = serve(fake)
    yield fake
    fake.release.set()
    server.shutdown()


@pytest.fixture
def yt_config(tmp_path):
    text = youtube_config()
    (tmp_path / "jejaring.toml").write_text(text)
    return parse_config(text, str(tmp_path / "jejaring.toml"))


def authorise_uma(google, tmp_path, *, channel=UMA_ID, facts=True) -> Path:
    """UMA's token file as ``connect`` writes it, and Google's side of that consent."""
    google.authorise(REFRESH, channel)
    google.channels[UMA_ID] = Channel(DATA_FROM, LAST, videos=[uma_video_id(n) for n in range(120)])
    data = {"token": REFRESH, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "token_uri": f"{google.url}token", "scopes": list(SCOPES),
            "connected_since": "2026-11-20T01:00:00+00:00"}  # fmt: skip
    if facts:
        data |= {"channel_id": UMA_ID, "channel_published_at": UMA_CREATED}
    return save_token(tmp_path / "tokens", "youtube", "uma", data)


def settings_for(api, google, tmp_path, key: str | None = KEY) -> Settings:
    return Settings(
        config_path=str(tmp_path / "jejaring.toml"),
        database_url=f"sqlite:///{tmp_path / 'yta.db'}",
        youtube_api_key=key,
        youtube_api_url=api.url,
        youtube_analytics_api_url=google.url,
        token_dir=str(tmp_path / "tokens"),
    )


def run(api, google, tmp_path, config, key: str | None = KEY, **owner_options):
    settings = settings_for(api, google, tmp_path, key)
    store = Store(settings.database_url, config.timezone)
    out = io.StringIO()
    options = {"sleep": lambda s: None, **owner_options}

    def youtube(*args):  # the refresh's own YouTube step, with instant retry pauses
        return _youtube(*args, owners=OwnerCollector(settings, **options))

    before = len(google.reports)
    summary = refresh(
        config,
        settings,
        store,
        select_accounts(config, ["youtube"]),
        out=out,
        collectors={"youtube": youtube},
    )
    results = {r.account.handle: r for r in summary.results}
    return store, results, out.getvalue(), google.reports[before:]


def uma_id(store) -> int:
    accounts = store.accounts().set_index("handle")
    return int(accounts.loc["@perpustakaanuma", "id"])


def figures(store, handle="@perpustakaanuma") -> pd.DataFrame:
    accounts = store.accounts().set_index("handle")
    return store.account_metrics(account_ids=[int(accounts.loc[handle, "id"])])


def test_first_refresh_backfills_from_the_first_day_and_leaves_the_other_channel_public(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    store, results, log, reports = run(api, google, tmp_path, yt_config)
    uma, unimed = results["@perpustakaanuma"], results[UNIMED_ID]
    assert uma.status == "ok" and unimed.status == "ok", (uma.error, unimed.error)
    assert (uma.path, unimed.path) == ("data_api_oauth", "data_api")

    # daily figures: from the channel's first (Pacific) day to today, a year per query
    days = [r for r in reports if r["dimensions"] == "day"]
    assert len(days) == math.ceil(((TODAY - UMA_FIRST_PACIFIC).days + 1) / 365)
    assert days[0]["startDate"] == UMA_FIRST_PACIFIC.isoformat()
    assert days[-1]["endDate"] == TODAY.isoformat()
    for before, after in zip(days, days[1:], strict=False):
        end = dt.date.fromisoformat(before["endDate"])
        assert dt.date.fromisoformat(after["startDate"]) == end + dt.timedelta(days=1)
        assert (end - dt.date.fromisoformat(before["startDate"])).days < 365
    assert all(r["ids"] == f"channel=={UMA_ID}" and r["metrics"] == ",".join(METRICS)
               for r in days)  # fmt: skip
    stored = figures(store)
    assert len(stored) == 9 * ((LAST - DATA_FROM).days + 1)
    assert set(stored["metric"]) == set(METRICS)
    assert set(stored["source"]) == {"owner_insights"}
    assert set(stored["origin"]) == {"youtubeAnalytics v2"}
    sample = DATA_FROM + dt.timedelta(days=400)
    on_day = stored[pd.to_datetime(stored["day"]).dt.date == sample].set_index("metric")
    assert on_day["value"].to_dict() == {k: float(v) for k, v in
                                         day_figures(UMA_ID, sample).items()}  # fmt: skip
    assert pd.to_datetime(stored["day"]).dt.date.max() == LAST  # the lag: no later days

    # lifetime figures of every stored video, 200 ids per query, sorted as Google requires
    videos = [r for r in reports if r["dimensions"] == "video"]
    assert len(videos) == 1
    assert videos[0]["sort"] == "-views" and videos[0]["maxResults"] == "200"
    assert videos[0]["startDate"] == UMA_FIRST_PACIFIC.isoformat()
    assert len(videos[0]["filters"].removeprefix("video==").split(",")) == 120
    posts = store.post_metrics()
    assert len(posts) == 120 * 9 and set(posts["source"]) == {"owner_insights"}
    one = posts[(posts["post_id"] == uma_video_id(7)) & (posts["metric"] == "views")]
    assert one["value"].tolist() == [video_figures(uma_video_id(7))["views"]]

    # the other library never authorised: public figures only
    assert figures(store, UNIMED_ID).empty
    assert not any(r["ids"].endswith(UNIMED_ID) for r in google.reports)
    items = store.run_items().set_index("account_id")
    assert items.loc[uma_id(store), "path"] == "data_api_oauth"

    [connection] = store.connections().to_dict("records")
    assert (connection["library_id"], connection["status"]) == ("uma", "ok")
    assert (connection["external_id"], connection["token_source"]) == (UMA_ID, "file")
    assert connection["scopes"] == list(SCOPES)
    assert json.loads(connection["detail"])["last_day"] == LAST.isoformat()

    # public figures still come with the key; no token or secret is logged or stored
    assert store.counts()["posts"] == 124
    db = (tmp_path / "yta.db").read_bytes()
    for secret in (REFRESH, CLIENT_SECRET, "ya29.access-SENTINEL"):
        assert secret not in log and secret.encode() not in db


def test_later_refreshes_refetch_the_revised_days_and_change_nothing_else(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    store, *_ = run(api, google, tmp_path, yt_config)
    first = figures(store)
    # YouTube revises a recent day and adds the next day
    channel = google.channels[UMA_ID]
    revised_day = LAST - dt.timedelta(days=2)
    channel.revised[revised_day] = {**day_figures(UMA_ID, revised_day), "views": 999}
    channel.last = LAST + dt.timedelta(days=1)
    store, results, _, reports = run(api, google, tmp_path, yt_config)
    assert results["@perpustakaanuma"].status == "ok"
    [days] = [r for r in reports if r["dimensions"] == "day"]
    assert days["startDate"] == (LAST - dt.timedelta(days=7)).isoformat()
    second = figures(store)
    assert len(second) == len(first) + 9
    views = second[second["metric"] == "views"]
    assert views[pd.to_datetime(views["day"]).dt.date == revised_day]["value"].tolist() == [999.0]
    detail = json.loads(store.connections().iloc[0]["detail"])
    assert detail["last_day"] == (LAST + dt.timedelta(days=1)).isoformat()

    # nothing new: rows and values stay as they are
    before = (second.drop(columns=["captured_at"]), store.post_metrics(), store.connections())
    store, *_ = run(api, google, tmp_path, yt_config)
    third = figures(store).drop(columns=["captured_at"])
    pd.testing.assert_frame_equal(third, before[0])
    post_after = store.post_metrics()
    assert len(post_after) == len(before[1])
    pd.testing.assert_series_equal(post_after["value"], before[1]["value"])
    assert len(store.connections()) == 1


def test_an_empty_report_stores_nothing_and_shows_no_last_day(api, google, tmp_path, yt_config):
    authorise_uma(google, tmp_path)
    google.channels[UMA_ID] = Channel(None, None)  # a channel nobody watched yet
    store, results, _, reports = run(api, google, tmp_path, yt_config)
    assert results["@perpustakaanuma"].status == "ok"
    assert reports and figures(store).empty and store.post_metrics().empty
    assert json.loads(store.connections().iloc[0]["detail"])["last_day"] is None


def test_a_revoked_authorisation_asks_for_a_reconnect_and_keeps_public_figures(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    del google.refresh_tokens[REFRESH]  # revoked in the Google account, or expired
    store, results, log, reports = run(api, google, tmp_path, yt_config)
    uma = results["@perpustakaanuma"]
    assert uma.status == "partial" and uma.error.key == "youtube_analytics_revoked"
    text = str(uma.error)
    assert "uma" in text and UMA_ID in text and "connect youtube --library uma" in text
    assert "dicabut" in uma.error.text("id")
    assert results[UNIMED_ID].status == "ok"
    assert store.counts()["posts"] == 124  # both channels' public figures are kept
    assert reports == [] and google.token_requests  # the refresh was refused first
    [connection] = store.connections().to_dict("records")
    assert connection["status"] == "revoked"
    assert json.loads(connection["detail"])["error_key"] == "youtube_analytics_revoked"
    item = store.run_items().set_index("account_id").loc[uma_id(store)]
    assert item["error_key"] == "youtube_analytics_revoked"
    assert REFRESH not in log + text


def test_a_channel_the_authorising_account_does_not_own_is_refused_clearly(
    api, google, tmp_path, yt_config
):
    # The staff member signed in with another channel's account.
    authorise_uma(google, tmp_path, channel="UCsomeoneELSEschannel0001")
    store, results, *_ = run(api, google, tmp_path, yt_config)
    uma = results["@perpustakaanuma"]
    assert uma.status == "partial" and uma.error.key == "youtube_analytics_forbidden"
    assert UMA_ID in str(uma.error) and "does not own" in str(uma.error)
    assert figures(store).empty
    assert store.connections().iloc[0]["status"] == "error"
    assert results[UNIMED_ID].status == "ok"


def test_a_spent_quota_keeps_what_came_and_the_next_refresh_continues(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    google.quota_after = 2  # two yearly queries answered, then 429 RESOURCE_EXHAUSTED
    store, results, *_ = run(api, google, tmp_path, yt_config)
    uma = results["@perpustakaanuma"]
    assert uma.error.key == "youtube_analytics_quota" and uma.status == "partial"
    assert "quota" in str(uma.error) and UMA_ID in str(uma.error)
    stored = figures(store)
    kept_until = dt.date.fromisoformat(google.reports[1]["endDate"])
    assert len(stored) == 9 * ((kept_until - DATA_FROM).days + 1)
    google.quota_after = None  # the quota reset
    store, results, _, reports = run(api, google, tmp_path, yt_config)
    assert results["@perpustakaanuma"].status == "ok"
    days = [r for r in reports if r["dimensions"] == "day"]
    assert days[0]["startDate"] == (kept_until - dt.timedelta(days=7)).isoformat()
    assert len(figures(store)) == 9 * ((LAST - DATA_FROM).days + 1)


def test_a_cut_off_answer_is_retried_and_a_silent_one_ends_at_the_deadline(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    google.report_faults = ["truncated"]
    store, results, *_ = run(api, google, tmp_path, yt_config)
    assert results["@perpustakaanuma"].status == "ok"
    assert len(figures(store)) == 9 * ((LAST - DATA_FROM).days + 1)
    # a server that never finishes its answer: each attempt ends at the deadline
    google.report_faults = ["slow", "slow"]
    store, results, *_ = run(
        api, google, tmp_path, yt_config, timeout=0.5, budget=5.0, num_retries=1
    )
    uma = results["@perpustakaanuma"]
    assert uma.error.key == "youtube_analytics_unreachable" and uma.status == "partial"
    assert "DeadlineExceeded" in str(uma.error)
    assert results[UNIMED_ID].status == "ok"


def test_the_token_refresh_is_bounded_by_the_same_deadline(api, google, tmp_path, yt_config):
    authorise_uma(google, tmp_path)
    google.token_faults = ["slow", "slow"]  # the token endpoint hangs
    store, results, *_ = run(
        api, google, tmp_path, yt_config, timeout=0.5, budget=5.0, num_retries=1
    )
    uma = results["@perpustakaanuma"]
    assert uma.error is not None and uma.error.key == "youtube_analytics_unreachable"
    assert len(google.token_requests) == 2 and google.reports == []


def test_without_an_api_key_the_authorised_channel_uses_its_own_authorisation(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    store, results, *_ = run(api, google, tmp_path, yt_config, key=None)
    uma, unimed = results["@perpustakaanuma"], results[UNIMED_ID]
    assert uma.status == "ok" and uma.path == "data_api_oauth" and uma.api_units > 0
    assert unimed.status == "skipped" and unimed.error.key == "youtube_key_missing"
    assert store.counts()["posts"] == 120
    assert all("key" not in params for _, params in api.requests)
    assert not figures(store).empty


def test_a_token_file_others_can_read_is_warned_about(api, google, tmp_path, yt_config):
    os.chmod(authorise_uma(google, tmp_path), 0o644)
    _, results, log, _ = run(api, google, tmp_path, yt_config)
    assert results["@perpustakaanuma"].status == "ok"
    assert "chmod 600" in log and REFRESH not in log


def consent(api, google, tmp_path, channel: str, scopes=None) -> tuple[int, str, str]:
    """Run ``python -m collectors connect youtube --library uma`` and play the browser: open
    the printed address's redirect with a code for ``channel``. Returns (exit code, stdout,
    stderr)."""
    (tmp_path / "jejaring.toml").write_text(youtube_config())
    client_file = google.client_file(tmp_path / "client_secret.json")
    env = dict(
        os.environ,
        JEJARING_CONFIG=str(tmp_path / "jejaring.toml"),
        JEJARING_TOKEN_DIR=str(tmp_path / "tokens"),
        YOUTUBE_API_URL=api.url,
        YOUTUBE_OAUTH_CLIENT_FILE=str(client_file),
        OAUTHLIB_INSECURE_TRANSPORT="1",  # the fake token endpoint speaks plain HTTP
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "collectors", "connect", "youtube", "--library", "uma",
               "--no-browser"]  # fmt: skip
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    lines: list[str] = []
    try:
        for line in proc.stdout:  # wait for the sign-in address, as a person would
            lines.append(line)
            if line.startswith("http"):
                break
        auth_url = lines[-1].strip()
        query = {k: v[0] for k, v in parse_qs(urlparse(auth_url).query).items()}
        assert auth_url.startswith(f"{google.url}o/oauth2/auth?")
        assert set(query["scope"].split()) == set(SCOPES)
        assert query["access_type"] == "offline" and query["prompt"] == "consent"
        assert query["code_challenge_method"] == "S256"
        redirect = query["redirect_uri"]
        assert re.fullmatch(r"http://localhost:\d+/", redirect)
        # The staff member allowed access: the browser comes back with a code.
        google.add_code("4/0code-SENTINEL", channel, query["code_challenge"], scopes)
        back = f"{redirect}?" + urlencode(
            {"state": query["state"], "code": "4/0code-SENTINEL", "scope": query["scope"]}
        )
        with urllib.request.urlopen(back, timeout=30) as answer:
            assert answer.status == 200
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, "".join(lines) + out, err


def test_connect_runs_the_consent_flow_and_saves_a_private_token(api, google, tmp_path):
    code, out, err = consent(api, google, tmp_path, UMA_ID)
    assert code == 0, err
    path = token_path(tmp_path / "tokens", "youtube", "uma")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["token"].startswith("1//0refresh-SENTINEL")
    assert (saved["channel_id"], saved["scopes"]) == (UMA_ID, list(SCOPES))
    assert saved["channel_published_at"] == UMA_CREATED and saved["connected_since"]
    assert f"YouTube channel 'Perpustakaan Universitas Medan Area' ({UMA_ID}" in out
    for secret in (saved["token"], CLIENT_SECRET, "ya29.access-SENTINEL", "4/0code-SENTINEL"):
        assert secret not in out + err
    # The saved authorisation works: a refresh collects the channel's Analytics figures.
    google.channels[UMA_ID] = Channel(DATA_FROM, LAST, videos=[uma_video_id(0)])
    config = parse_config(youtube_config(), str(tmp_path / "jejaring.toml"))
    store, results, *_ = run(api, google, tmp_path, config)
    assert results["@perpustakaanuma"].status == "ok" and not figures(store).empty


def test_connect_refuses_a_channel_that_is_not_the_librarys(api, google, tmp_path):
    code, out, err = consent(api, google, tmp_path, UNIMED_ID)  # signed in as UNIMED
    assert code != 0
    assert "not one of library 'uma'" in err and "Nothing was saved" in err
    assert not token_path(tmp_path / "tokens", "youtube", "uma").exists()
    assert "1//0refresh-SENTINEL" not in out + err


def test_connect_names_a_permission_left_unticked(api, google, tmp_path):
    readonly_only = ("https://www.googleapis.com/auth/youtube.readonly",)
    code, out, err = consent(api, google, tmp_path, UMA_ID, scopes=readonly_only)
    assert code != 0 and "missing: yt-analytics.readonly" in err and "tick both" in err
    assert not token_path(tmp_path / "tokens", "youtube", "uma").exists()


def test_a_token_from_the_environment_learns_the_channel_s_first_day(
    api, google, tmp_path, yt_config
):
    """YOUTUBE_TOKEN_UMA holds only the refresh token: the client comes from
    YOUTUBE_OAUTH_CLIENT_FILE and the first day from one channels.list (1 unit)."""
    authorise_uma(google, tmp_path)
    token_path(tmp_path / "tokens", "youtube", "uma").unlink()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'env.db'}",
        youtube_api_key=KEY,
        youtube_api_url=api.url,
        youtube_analytics_api_url=google.url,
        youtube_oauth_client_file=str(google.client_file(tmp_path / "client.json")),
        token_dir=str(tmp_path / "tokens"),
        tokens={"YOUTUBE_TOKEN_UMA": (REFRESH, "env")},
    )
    store = Store(settings.database_url, yt_config.timezone)
    owners = OwnerCollector(settings, sleep=lambda s: None)
    summary = refresh(
        yt_config,
        settings,
        store,
        select_accounts(yt_config, ["youtube"]),
        out=io.StringIO(),
        collectors={"youtube": lambda *args: _youtube(*args, owners=owners)},
    )
    uma = next(r for r in summary.results if r.account.handle == "@perpustakaanuma")
    assert uma.status == "ok", uma.error
    mine = [p for _, p in api.requests if "key" not in p]  # the authorised Data API call
    assert [p["id"] for p in mine] == [[UMA_ID]] and mine[0]["part"] == ["snippet"]
    assert google.day_queries()[0]["startDate"] == UMA_FIRST_PACIFIC.isoformat()
    assert store.connections().iloc[0]["token_source"] == "env"


def test_once_the_analytics_quota_is_spent_other_channels_wait_without_asking(
    api, google, tmp_path, yt_config
):
    authorise_uma(google, tmp_path)
    google.authorise("1//0unimed-refresh-SENTINEL", UNIMED_ID)
    google.channels[UNIMED_ID] = Channel(DATA_FROM, LAST)
    unimed = {
        "token": "1//0unimed-refresh-SENTINEL",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "token_uri": f"{google.url}token",
        "channel_id": UNIMED_ID,
        "channel_published_at": "2020-08-20T07:00:00Z",
    }
    save_token(tmp_path / "tokens", "youtube", "unimed", unimed)
    google.quota_after = 1
    store, results, *_ = run(api, google, tmp_path, yt_config)
    for handle in ("@perpustakaanuma", UNIMED_ID):
        assert results[handle].error.key == "youtube_analytics_quota"
        assert results[handle].status == "partial"  # public figures kept
    assert not any(r["ids"] == f"channel=={UNIMED_ID}" for r in google.reports)
    assert {c["library_id"] for c in store.connections().to_dict("records")} == {"uma", "unimed"}


def network_run(api, google, tmp_path, network: str):
    """A refresh as the command runs it (the refresh's own OwnerCollector), with a
    ``[network]`` table in jejaring.toml."""
    text = youtube_config().replace("[[libraries]]", network + "\n[[libraries]]", 1)
    (tmp_path / "jejaring.toml").write_text(text)
    config = parse_config(text, str(tmp_path / "jejaring.toml"))
    settings = settings_for(api, google, tmp_path)
    store = Store(settings.database_url, config.timezone)
    before = len(google.reports)
    summary = refresh(
        config, settings, store, select_accounts(config, ["youtube"]), out=io.StringIO()
    )
    return {r.account.handle: r for r in summary.results}, google.reports[before:]


def test_the_network_deadline_of_the_configuration_bounds_analytics(api, google, tmp_path):
    authorise_uma(google, tmp_path)
    google.report_faults = ["slow"]  # Analytics never answers this report
    started = time.monotonic()
    results, _ = network_run(
        api, google, tmp_path, "[network]\ndeadline = 1\ncall_budget = 5\nretries = 0"
    )
    took = time.monotonic() - started
    uma = results["@perpustakaanuma"]
    assert uma.error is not None and uma.error.key == "youtube_analytics_unreachable"
    assert "DeadlineExceeded" in str(uma.error)
    assert took < 20, f"the 1 s deadline ended the report (took {took:.1f} s)"
    assert results[UNIMED_ID].status == "ok"


def test_the_network_retries_of_the_configuration_are_honoured(api, google, tmp_path):
    authorise_uma(google, tmp_path)
    google.report_faults = ["503", "503", "503"]
    results, reports = network_run(api, google, tmp_path, "[network]\nretries = 1")
    uma = results["@perpustakaanuma"]
    assert uma.error is not None and uma.error.key == "youtube_analytics_unreachable"
    assert len(reports) == 2, "one report and one retry, then the fault"

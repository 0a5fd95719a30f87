"""The dashboard on a store filled by one real refresh against the loopback servers: tokens
for UMA's Instagram account and YouTube channel, none for UNIMED's (its Instagram through
business discovery, its channel public). Shown owner-level figures are checked against
values computed here from raw SQL rows with plain Python, independently of
dashboard/owner.py and dashboard/metrics.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
import json
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from collectors.config import Settings, parse_config
from collectors.refresh import _instagram, _youtube, refresh, select_accounts
from collectors.store import Store
from collectors.tokens import save_token
from collectors.youtube_analytics import SCOPES, OwnerCollector
from tests.graph_server import UMA_IG, FakeGraph, TokenInfo
from tests.graph_server import serve as serve_graph
from tests.youtube_analytics_server import CLIENT_ID, CLIENT_SECRET, Channel, FakeGoogle
from tests.youtube_analytics_server import serve as serve_google
from tests.youtube_server import UMA_ID, UNIMED_ID, uma_video_id

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TZ = ZoneInfo("Asia/Jakarta")
KEY = "test-key"  # the loopback YouTube server's key (tests/conftest.py: api)
NOW = dt.datetime(2025, 11, 25, 12, 0, tzinfo=dt.UTC)  # the Graph API's "now"
# ends on the day of the capture (NOW in Jakarta): the followers of that day are in it
PERIOD = (dt.date(2025, 10, 28), dt.date(2025, 11, 25))
PAGE_TOKEN = "PAGE-TOKEN-SENTINEL-43"
REFRESH_TOKEN = "1//0uma-refresh-SENTINEL-token"

CONFIG = f"""
timezone = "Asia/Jakarta"
[instagram_graph]
version = "v27.0"
history_days = 75
[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
short_name = "UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]
youtube = ["@perpustakaanuma"]
[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
short_name = "UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed"]
youtube = ["{UNIMED_ID}"]
"""


def no_scraping(*args, **kwargs):
    raise AssertionError("no account may go to instaloader here")


@pytest.fixture
def refreshed(tmp_path, api, monkeypatch):
    """One refresh of both platforms into a SQLite store; the dashboard set to read it."""
    graph = FakeGraph()
    graph_server, _ = serve_graph(graph)
    google = FakeGoogle(api.access_tokens)
    google_server, _ = serve_google(google)
    try:
        (tmp_path / "jejaring.toml").write_text(CONFIG)
        config = parse_config(CONFIG, str(tmp_path / "jejaring.toml"))
        url = f"sqlite:///{tmp_path / 'owner.db'}"
        settings = Settings(
            config_path=str(tmp_path / "jejaring.toml"),
            database_url=url,
            token_dir=str(tmp_path / "tokens"),
            instagram_graph_api_url=graph.url,
            youtube_api_key=KEY,
            youtube_api_url=api.url,
            youtube_analytics_api_url=google.url,
        )
        # UMA's Instagram token (as `connect instagram` writes it) ...
        save_token(settings.token_dir, "instagram", "uma", {
            "token": PAGE_TOKEN, "kind": "page", "ig_user_id": UMA_IG,
            "username": "perpustakaan.uma", "connected_since": NOW - dt.timedelta(days=1),
            "scopes": ["instagram_basic", "instagram_manage_insights", "pages_read_engagement"],
        })  # fmt: skip
        graph.tokens[PAGE_TOKEN] = TokenInfo("page", (UMA_IG,))
        # ... and its YouTube authorisation (as `connect youtube` writes it); none for UNIMED
        google.authorise(REFRESH_TOKEN, UMA_ID)
        google.channels[UMA_ID] = Channel(
            dt.date(2019, 3, 12), dt.date.today() - dt.timedelta(days=3),
            videos=[uma_video_id(n) for n in range(120)],
        )  # fmt: skip
        save_token(settings.token_dir, "youtube", "uma", {
            "token": REFRESH_TOKEN, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "token_uri": f"{google.url}token", "scopes": list(SCOPES),
            "connected_since": "2025-11-20T01:00:00+00:00", "channel_id": UMA_ID,
            "channel_published_at": "2019-03-11T02:14:55Z",
        })  # fmt: skip
        store = Store(url, config.timezone)
        instagram = functools.partial(
            _instagram, instaloader=no_scraping, sleep=lambda s: None, now=lambda: NOW
        )

        def youtube(*args):
            return _youtube(*args, owners=OwnerCollector(settings, sleep=lambda s: None))

        summary = refresh(
            config,
            settings,
            store,
            select_accounts(config),
            out=io.StringIO(),
            collectors={"instagram": instagram, "youtube": youtube},
        )
        paths = {r.account.handle: (r.status, r.path) for r in summary.results}
        assert paths == {
            "perpustakaan.uma": ("ok", "graph_api"),
            "digilib.unimed": ("ok", "business_discovery"),
            "@perpustakaanuma": ("ok", "data_api_oauth"),
            UNIMED_ID: ("ok", "data_api"),
        }, paths
        store.dispose()
    finally:
        for server in (graph_server, google_server):
            server.shutdown()
            server.server_close()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(tmp_path / "jejaring.toml"))
    return url


def run_app(page: str | None = None, lang: str = "id") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(
        {"lang": lang, "period": "custom", "from": PERIOD[0].isoformat(),
         "to": PERIOD[1].isoformat()}
    )  # fmt: skip
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def parse_id(text: str) -> float:
    """A number as shown in Indonesian (12.345,6 / 1,2% / +3)."""
    return float(text.replace("%", "").replace(".", "").replace(",", ".").replace("+", ""))


def rows(url: str, sql: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).all()
    finally:
        engine.dispose()


def day_of(text) -> dt.date:
    return dt.date.fromisoformat(str(text)[:10])


def expected(url: str) -> dict:
    """The Overview's owner figures of UMA for PERIOD, from raw rows."""
    start, end = PERIOD
    ids = {(lib, platform): i for i, lib, platform in rows(
        url, "SELECT id, library_id, platform FROM accounts")}  # fmt: skip
    daily = defaultdict(dict)  # (account, metric) -> day -> value (owner insights only)
    for account, day, metric, value in rows(
        url,
        "SELECT account_id, day, metric, value FROM account_metrics "
        "WHERE source = 'owner_insights'",
    ):
        if start <= day_of(day) <= end and value is not None:
            daily[(account, metric)][day_of(day)] = value
    ig, yt = ids[("uma", "instagram")], ids[("uma", "youtube")]
    reach_days = daily[(ig, "reach")]
    out = {
        "reach_day": sum(reach_days.values()) / len(reach_days),
        "views": sum(daily[(ig, "views")].values()),
        "follows": sum(daily[(ig, "follows")].values()),
        "unfollows": sum(daily[(ig, "unfollows")].values()),
        "yt_views": sum(daily[(yt, "views")].values()),
        "watch_hours": sum(daily[(yt, "estimatedMinutesWatched")].values()) / 60,
        "gained": sum(daily[(yt, "subscribersGained")].values()),
        "lost": sum(daily[(yt, "subscribersLost")].values()),
    }
    followers = sorted(
        (day_of(d), f)
        for a, d, f in rows(url, "SELECT account_id, day, followers FROM account_daily")
        if a == ig
    )
    reach = {}
    for post, value, _day in rows(
        url,
        "SELECT post_id, value, day FROM post_metrics WHERE metric = 'reach' "
        "AND source = 'owner_insights' ORDER BY day",
    ):
        reach[post] = value  # the newest capture last
    er_reach, er_followers, post_reach, per_post = [], [], 0.0, {}
    for post, published, likes, comments in rows(
        url, f"SELECT post_id, published_at, likes, comments FROM posts WHERE account_id = {ig}"
    ):
        local = dt.datetime.fromisoformat(str(published)).replace(tzinfo=dt.UTC).astimezone(TZ)
        if not start <= local.date() <= end or reach.get(post) is None:
            continue
        post_reach += reach[post]
        if likes is None or not reach[post]:
            per_post[post] = None
            continue
        engagements = likes + (comments or 0)
        earlier = [f for d, f in followers if d <= local.date()] or [followers[0][1]]
        er_reach.append(engagements / reach[post] * 100)
        er_followers.append(engagements / earlier[-1] * 100)
        per_post[post] = er_reach[-1]
    out |= {
        "er_reach": sum(er_reach) / len(er_reach),
        "er_followers": sum(er_followers) / len(er_followers),
        "post_reach": post_reach,
        "per_post": per_post,
        "reach": reach,
    }
    return out


def test_overview_shows_umas_reach_and_both_ers_with_their_sources(refreshed):
    want = expected(refreshed)
    at = run_app()
    headers = [h.value for h in at.header]
    assert "Jangkauan nyata — akun terhubung" in headers
    cards = {m.label: m for m in at.metric if m.label not in ("Instagram", "YouTube")}
    assert parse_id(cards["Jangkauan harian rata-rata"].value) == round(want["reach_day"])
    assert parse_id(cards["Tayangan akun"].value) == want["views"]
    assert parse_id(cards["Jangkauan unggahan (jumlah, batas atas)"].value) == want["post_reach"]
    er_reach = cards["ER (jangkauan)"]
    er_followers = cards["ER (pengikut), unggahan sama"]
    assert parse_id(er_reach.value) == pytest.approx(want["er_reach"], abs=0.005)
    assert parse_id(er_followers.value) == pytest.approx(want["er_followers"], abs=0.005)
    assert "interaksi (suka + komentar) ÷ jangkauan unggahan × 100" in er_reach.help
    assert "interaksi ÷ pengikut akun pada hari unggahan × 100" in er_followers.help
    assert cards["Mulai / berhenti mengikuti"].value == (
        f"+{want['follows']:.0f} / -{want['unfollows']:.0f}"
    )
    assert parse_id(cards["Tayangan (YouTube Analytics)"].value) == want["yt_views"]
    assert parse_id(cards["Waktu tonton (jam)"].value) == pytest.approx(
        want["watch_hours"], abs=0.05
    )
    assert cards["Pelanggan bertambah / berkurang"].value == (
        f"+{want['gained']:.0f} / -{want['lost']:.0f}"
    )
    captions = [c.value for c in at.caption]
    # a source under every owner-level card, naming the official API of its platform
    ig_marks = [c for c in captions if c == "sumber: API resmi (Instagram Graph)"]
    yt_marks = [c for c in captions if c == "sumber: API resmi (YouTube Analytics)"]
    assert len(ig_marks) == 8 and len(yt_marks) == 5
    # UNIMED has no token: not in the section, and the page says so
    assert sum("Belum terhubung di platform ini: UNIMED" in c for c in captions) == 2
    assert not any("UNIMED" in m.value for m in at.markdown if m.value.startswith("**"))
    # ER by followers stays the comparison: UNIMED's is still on the Instagram tab
    unimed = {m.label: m.value for m in at.tabs[1].columns[1].metric}
    assert unimed["ER rata-rata (pengikut)"] != "–"


def test_the_overview_in_english_names_the_official_api(refreshed):
    at = run_app(lang="en")
    assert "Real reach — connected accounts" in [h.value for h in at.header]
    assert "source: official API (Instagram Graph)" in [c.value for c in at.caption]
    assert {"ER (reach)", "ER (followers), same posts"} <= {m.label for m in at.metric}


def test_posts_table_carries_reach_and_er_by_reach_of_connected_accounts(refreshed):
    want = expected(refreshed)
    at = run_app("posts")
    table = at.dataframe[0].value
    assert {"Jangkauan", "ER jangkauan (%)", "Disimpan", "Dibagikan"} <= set(table.columns)
    links = table["Tautan"].str.extract(r"/(?:p|reel)/([^/]+)/")[0]
    checked = 0
    for code, reach, er in zip(links, table["Jangkauan"], table["ER jangkauan (%)"],
                               strict=True):  # fmt: skip
        if code in want["per_post"]:
            assert parse_id(reach) == want["reach"][code]
            if want["per_post"][code] is None:
                assert er == "–", "no ER by reach without engagements or reach"
            else:
                assert parse_id(er) == pytest.approx(want["per_post"][code], abs=0.005)
            checked += 1
        else:  # UNIMED (business discovery): no reach, shown empty, never 0
            assert reach == "–" and er == "–"
    assert checked == len(want["per_post"]) > 0
    assert any("API resmi (Instagram Graph)" in c.value for c in at.caption)
    # ordered by ER by reach: that column first after the text, highest first, none last
    at.selectbox(key="order").set_value("er_reach").run()
    table = at.dataframe[0].value
    assert list(table.columns)[2] == "ER jangkauan (%)"
    known = [parse_id(v) for v in table["ER jangkauan (%)"] if v != "–"]
    assert known == sorted(known, reverse=True) and len(known) >= 1
    assert table["ER jangkauan (%)"].iloc[len(known) :].eq("–").all()


def test_data_page_lists_paths_tokens_and_insights_lag(refreshed):
    at = run_app("data")
    table = next(d.value for d in at.dataframe if "Cara pengambilan" in d.value.columns)
    table = table.set_index("Akun")
    assert table.loc["perpustakaan.uma", "Cara pengambilan"] == "API resmi (Instagram Graph)"
    assert table.loc["digilib.unimed", "Cara pengambilan"].startswith("business discovery")
    assert table.loc["@perpustakaanuma", "Cara pengambilan"] == (
        "API resmi (YouTube Data + Analytics)"
    )
    assert table.loc[UNIMED_ID, "Cara pengambilan"] == "API publik (kunci YouTube Data API)"
    assert table.loc["perpustakaan.uma", "Token"] == "tersambung"
    assert table.loc["perpustakaan.uma", "Kedaluwarsa"] == "tidak kedaluwarsa"
    assert table.loc["perpustakaan.uma", "Terhubung sejak"] == "24 Nov 2025 19.00"
    assert table.loc["digilib.unimed", "Token"] == "–", "business discovery: no token"
    assert table.loc["@perpustakaanuma", "Token"] == "tersambung"
    # insights lag: the last day with owner figures against today
    (ig_last,) = rows(refreshed, "SELECT max(day) FROM account_metrics WHERE account_id = "
                      "(SELECT id FROM accounts WHERE handle = 'perpustakaan.uma')")[0]  # fmt: skip
    lag = (dt.datetime.now(TZ).date() - day_of(ig_last)).days
    assert table.loc["perpustakaan.uma", "Keterlambatan"] == f"{lag} hari · terlambat"
    assert table.loc["perpustakaan.uma", "Wajar"] == "≤ 48 jam (Meta)"
    assert table.loc["@perpustakaanuma", "Wajar"] == "48–72 jam (YouTube Analytics)"
    assert table.loc[UNIMED_ID, "Keterlambatan"] == "–"
    # never a token on the page
    shown = json.dumps([d.value.to_dict() for d in at.dataframe], default=str)
    assert PAGE_TOKEN not in shown and REFRESH_TOKEN not in shown


def plotted(values) -> list[float]:
    """A trace's values from plotly's JSON (a list, or typed-array bytes)."""
    if isinstance(values, dict):
        data = base64.b64decode(values["bdata"])
        return [float(v) for v in np.frombuffer(data, dtype=np.dtype(values["dtype"]))]
    return [float(v) for v in values]


def test_compare_page_draws_the_connected_accounts_daily_figures(refreshed):
    at = run_app("compare")
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert {"Instagram · jangkauan harian", "Instagram · tayangan harian",
            "YouTube · tayangan harian (Analytics)", "YouTube · waktu tonton harian"} <= set(
        titles)  # fmt: skip
    reach = specs[titles.index("Instagram · jangkauan harian")]
    assert [t["name"] for t in reach["data"]] == ["UMA"], "the connected library only"
    want = {
        day_of(d): v
        for d, v in rows(
            refreshed,
            "SELECT day, value FROM account_metrics WHERE metric = 'reach' AND account_id = "
            "(SELECT id FROM accounts WHERE handle = 'perpustakaan.uma')",
        )
        if PERIOD[0] <= day_of(d) <= PERIOD[1]
    }
    assert len(want) == (PERIOD[1] - PERIOD[0]).days, "every day but the last (Meta lags)"
    assert plotted(reach["data"][0]["y"]) == [want[d] for d in sorted(want)]
    watch = specs[titles.index("YouTube · waktu tonton harian")]
    assert watch["layout"]["yaxis"]["title"]["text"] == "Jam"


def test_charts_mark_the_days_platforms_redefined_views(tmp_path, monkeypatch):
    """On the demo (its first library connected), a period spanning 21 April 2025 marks
    Instagram's views chart, one spanning 27 August 2026 YouTube's; reach is unmarked."""
    from collectors.config import load_config
    from collectors.demo import load_demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    load_demo(store, config, dt.date(2026, 11, 24), days=620)  # from 14 March 2025
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))

    def marks(start: str, end: str, lang: str = "id") -> dict[str, list[tuple[str, str, str]]]:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update({"lang": lang, "period": "custom", "from": start, "to": end})
        at.run()
        at.switch_page("dashboard/pages/compare.py").run()
        assert not at.exception, at.exception
        out = {}
        for chart in at.get("plotly_chart"):
            spec = json.loads(chart.proto.spec)
            shapes = spec["layout"].get("shapes", [])
            notes = [a for a in spec["layout"].get("annotations", []) if "hovertext" in a]
            out[spec["layout"]["title"]["text"]] = [
                (s["x0"][:10], a["text"], a["hovertext"])
                for s, a in zip(shapes, notes, strict=True)
            ]
        return out

    april = marks("2025-04-01", "2025-05-15")
    assert april["Instagram · tayangan harian"] == [
        ("2025-04-21", "definisi berubah 21 Apr",
         "Instagram: views menggantikan impressions dan plays")
    ]  # fmt: skip
    assert april["Instagram · jangkauan harian"] == [], "reach was not redefined"
    assert april["YouTube · tayangan harian (Analytics)"] == []
    august = marks("2026-08-01", "2026-09-30", "en")
    assert august["YouTube · daily views (Analytics)"] == [
        ("2026-08-27", "redefined Aug 27",
         "YouTube: public views count from the first frame (all formats)")
    ]  # fmt: skip
    assert august["Instagram · daily views"] == []


def test_a_token_in_trouble_and_imported_figures_show_on_the_pages(refreshed):
    """A refused token is named on the Data page with the command that reconnects it; a
    library without a token but with imported export figures appears in the reach section
    with that source."""
    from collectors.records import AccountMetric, AccountRef, Connection

    store = Store(refreshed, "Asia/Jakarta")
    when = dt.datetime(2025, 11, 25, 12, tzinfo=dt.UTC)
    uma = AccountRef("uma", "instagram", "perpustakaan.uma")
    store.set_connection(
        Connection("uma", "instagram", "instagram_graph", "revoked", when, token_source="file",
                   account=uma, detail=json.dumps({"note": "revoked"}))
    )  # fmt: skip
    unimed = AccountRef("unimed", "instagram", "digilib.unimed")
    store.write_figures(
        [
            AccountMetric(unimed, PERIOD[0] + dt.timedelta(days=n), "reach", 100 + n,
                          "file_import", when, "business suite export")
            for n in range(10)
        ]
    )  # fmt: skip
    store.dispose()
    at = run_app("data")
    warning = " ".join(w.value for w in at.warning)
    assert "Token Instagram UMA: dicabut" in warning
    assert ".venv/bin/python -m collectors connect instagram --library uma" in warning
    table = next(d.value for d in at.dataframe if "Cara pengambilan" in d.value.columns)
    table = table.set_index("Akun")
    assert table.loc["perpustakaan.uma", "Token"] == "dicabut"
    assert table.loc["digilib.unimed", "Cara pengambilan"].endswith("+ berkas ekspor")

    at = run_app()
    captions = [c.value for c in at.caption]
    assert "sumber: berkas ekspor" in captions
    cards = [m for m in at.metric if m.label == "Jangkauan harian rata-rata"]
    assert sorted(parse_id(m.value) for m in cards)[0] == pytest.approx(
        sum(100 + n for n in range(10)) / 10, abs=0.5
    )
    # UNIMED is in the Instagram part now; only YouTube still says it is not connected
    assert sum("Belum terhubung di platform ini: UNIMED" in c for c in captions) == 1

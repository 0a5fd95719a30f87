"""The dashboard run by Streamlit's AppTest on demo data; shown KPIs checked against the store.

Expected values are computed here from raw SQL rows with plain Python, independently of
dashboard/metrics.py, so a wrong formula there fails these tests.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from collectors.config import load_config
from collectors.demo import load_demo
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TZ = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def demo_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    load_demo(store, config)  # ends today, like the dashboard's default period
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))
    return url


def run_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def parse_id(text: str) -> float:
    """Read a number shown in Indonesian format (12.345,6 / 1,2%)."""
    return float(text.replace("%", "").replace(".", "").replace(",", ".").replace("+", ""))


def expected_kpis(url: str, start: dt.date, end: dt.date) -> dict[tuple[str, str], dict]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        accounts = conn.execute(sa.text("SELECT id, library_id, platform FROM accounts")).all()
        daily = conn.execute(
            sa.text("SELECT account_id, day, followers FROM account_daily ORDER BY day")
        ).all()
        posts = conn.execute(
            sa.text("SELECT account_id, published_at, likes, comments, views FROM posts")
        ).all()
    engine.dispose()
    by_account = defaultdict(list)
    for account_id, day, followers in daily:
        by_account[account_id].append((dt.date.fromisoformat(str(day)[:10]), followers))
    result: dict[tuple[str, str], dict] = {}
    for account_id, library, platform in accounts:
        rows = by_account[account_id]
        audience = [f for d, f in rows if d <= end][-1]
        picked = []
        for aid, published, likes, comments, views in posts:
            if aid != account_id:
                continue
            when = dt.datetime.fromisoformat(str(published)).replace(tzinfo=dt.UTC)
            local = when.astimezone(TZ).date()
            if start <= local <= end:
                earlier = [f for d, f in rows if d <= local]
                followers = earlier[-1] if earlier else rows[0][1]
                engagements = None if likes is None else likes + (comments or 0)
                er = (
                    engagements / followers * 100 if engagements is not None and followers else None
                )
                picked.append((engagements, er, views))
        for key in [(library, platform), (library, "all")]:
            acc = result.setdefault(
                key, {"audience": 0, "posts": 0, "eng": 0, "ers": [], "views": 0}
            )
            acc["audience"] += audience
            acc["posts"] += len(picked)
            acc["eng"] += sum(e for e, _, _ in picked if e is not None)
            acc["ers"] += [er for _, er, _ in picked if er is not None]
            acc["views"] += sum(v for _, _, v in picked if v is not None)
    return result


def test_overview_kpis_equal_values_computed_from_the_store(demo_url):
    at = run_app()
    assert "Data demo" in at.info[0].value
    end = dt.datetime.now(TZ).date()
    start = end - dt.timedelta(days=29)
    expected = expected_kpis(demo_url, start, end)
    tab_platforms = ["all", "instagram", "youtube"]
    assert [t.label for t in at.tabs] == ["Gabungan", "Instagram", "YouTube"]
    checked = 0
    for tab, platform in zip(at.tabs, tab_platforms, strict=True):
        for column, library in zip(tab.columns, ["uma", "unimed"], strict=True):
            shown = {m.label: m.value for m in column.metric}
            want = expected[(library, platform)]
            assert parse_id(shown["Audiens"]) == want["audience"]
            assert parse_id(shown["Unggahan"]) == want["posts"]
            assert parse_id(shown["Interaksi"]) == want["eng"]
            assert parse_id(shown["Tayangan"]) == want["views"]
            mean_er = sum(want["ers"]) / len(want["ers"])
            assert parse_id(shown["ER rata-rata (pengikut)"]) == pytest.approx(mean_er, abs=0.005)
            checked += 1
    assert checked == 6


def test_language_switch_changes_labels_and_number_format(demo_url):
    at = run_app()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview per library"
    assert [t.label for t in at.tabs] == ["Combined", "Instagram", "YouTube"]
    labels = {m.label for m in at.metric}
    assert {"Audience", "Posts", "Engagements", "Mean ER (followers)", "Views"} <= labels
    audience = at.tabs[0].columns[0].metric[0].value
    assert "," in audience and "." not in audience  # 6,921 in English
    assert "Demo data" in at.info[0].value


def test_compare_page_renders_charts_and_toggle(demo_url):
    at = run_app()
    at.switch_page("dashboard/pages/compare.py").run()
    assert not at.exception
    assert at.title[0].value == "Perbandingan antarperpustakaan"
    assert "Data demo" in at.info[0].value
    charts = at.get("plotly_chart")
    assert len(charts) == 7  # audience, 2 weekly, 2 content types, 2 heatmaps
    at.toggle(key="per_1k").set_value(True).run()
    assert not at.exception


def test_period_and_filters_change_what_is_shown(demo_url):
    at = run_app()
    posts_30 = parse_id(at.tabs[0].columns[0].metric[2].value)
    at.sidebar.selectbox(key="preset").set_value("preset_365").run()
    posts_365 = parse_id(at.tabs[0].columns[0].metric[2].value)
    assert posts_365 > posts_30
    at.sidebar.multiselect(key="libraries").set_value(["unimed"]).run()
    assert len(at.tabs[0].columns) == 1
    at.sidebar.multiselect(key="platforms").set_value([]).run()
    assert not at.exception
    assert "Pilih paling sedikit" in at.warning[0].value


def test_config_error_is_shown_not_raised(tmp_path, monkeypatch, demo_url):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'timezone = "Asia/Jakarta"\n[[libraries]]\nid = "uma"\nname = "UMA"\ncolor = "green"\n'
    )
    monkeypatch.setenv("JEJARING_CONFIG", str(bad))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "bad.toml, line 5" in at.error[0].value and "color" in at.error[0].value
    assert not at.metric


def test_data_page_shows_freshness_runs_errors_and_units(demo_url):
    store = Store(demo_url)
    accounts = store.accounts().set_index("handle")
    now = dt.datetime.now(dt.UTC)
    run = store.start_run("refresh")
    store.record_run_item(
        run, int(accounts.loc["@demo-uma", "id"]), started_at=now, status="ok", api_units=7
    )
    store.record_run_item(
        run,
        int(accounts.loc["demo.unimed", "id"]),
        started_at=now,
        status="failed",
        error="demo.unimed: Instagram answered 429 Too Many Requests.",
        requests=4,
    )
    store.finish_run(run, "partial", "1 of 2 accounts not ok")
    store.dispose()
    at = run_app()
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception
    assert at.title[0].value == "Kesehatan data"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Unit API YouTube sejak reset kuota"] == "7"
    assert metrics["Permintaan Instagram hari ini"] == "4"
    assert metrics["Akun basi"] == "0"
    health = at.dataframe[0].value.set_index("Akun")
    assert health.loc["demo.unimed", "Hasil terakhir"] == "gagal"
    assert "429" in health.loc["demo.unimed", "Pesan"]
    assert health.loc["@demo-uma", "Hasil terakhir"] == "berhasil"
    assert (health["Kesegaran"] == "segar").all()
    runs = at.dataframe[1].value
    assert runs.iloc[0]["Status"] == "sebagian"
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Unggahan (CSV)",
        "Unggahan (Excel)",
        "Riwayat akun (CSV)",
        "Riwayat akun (Excel)",
    ]


def test_data_page_flags_stale_accounts(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    load_demo(store, config, dt.datetime.now(TZ).date() - dt.timedelta(days=3))
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    at = run_app()
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Akun basi"] == "4"
    assert (at.dataframe[0].value["Kesegaran"] == "BASI").all()
    assert "Belum pernah ada pengambilan data" in at.info[-1].value


def expected_campaign(url: str, campaign) -> dict[str, tuple[int, int]]:
    """Posts and engagements per library of a campaign, straight from the store's rows."""
    import json

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        accounts = {
            r.id: (r.library_id, r.handle.lower().lstrip("@"))
            for r in conn.execute(sa.text("SELECT id, library_id, handle FROM accounts"))
        }
        rows = conn.execute(
            sa.text(
                "SELECT account_id, published_at, caption, title, hashtags, mentions, "
                "tagged, coauthors, likes, comments FROM posts"
            )
        ).all()
    engine.dispose()
    result: dict[str, list[int]] = {}
    for r in rows:
        library, _ = accounts[r.account_id]
        if library not in campaign.libraries:
            continue
        local = dt.datetime.fromisoformat(str(r.published_at)).replace(tzinfo=dt.UTC)
        if not campaign.start <= local.astimezone(TZ).date() <= campaign.end:
            continue
        text = f"{r.caption or ''} {r.title or ''}".lower()
        tags = set(json.loads(r.hashtags))
        partners = {
            h for a, (lib, h) in accounts.items() if lib != library and lib in campaign.libraries
        }
        named = (
            set(json.loads(r.mentions)) | set(json.loads(r.tagged)) | set(json.loads(r.coauthors))
        )
        keyword = any(k.lower() in text for k in campaign.keywords)
        if tags & set(campaign.hashtags) or keyword or named & partners:
            acc = result.setdefault(library, [0, 0])
            acc[0] += 1
            if r.likes is not None:
                acc[1] += r.likes + (r.comments or 0)
    return {k: tuple(v) for k, v in result.items()}


def test_campaigns_page_values_equal_the_store(demo_url):
    config = load_config(ROOT / "jejaring.toml")
    at = run_app()
    at.switch_page("dashboard/pages/campaigns.py").run()
    assert any("Tidak ada kampanye dalam periode ini" in i.value for i in at.info)  # 30 days
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    at.sidebar.date_input(key="custom_range").set_value(
        (dt.date(2025, 8, 1), dt.date(2025, 10, 31))
    ).run()
    assert not at.exception
    assert at.title[0].value == "Kampanye bersama"
    assert "Data demo" in at.info[0].value
    table = at.dataframe[0].value
    campaign = config.campaigns[0]
    want = expected_campaign(demo_url, campaign)
    for library, label in [("uma", "UMA"), ("unimed", "UNIMED")]:
        row = table[(table["Kampanye"] == campaign.name) & (table["Perpustakaan"] == label)].iloc[0]
        assert parse_id(row["Unggahan"]) == want[library][0] > 0
        assert parse_id(row["Interaksi"]) == want[library][1]
    combined = table[table["Perpustakaan"] == "Gabungan"].iloc[0]
    assert parse_id(combined["Unggahan"]) == want["uma"][0] + want["unimed"][0]
    # per-library KPI columns of the chosen campaign, then combined
    assert [c.subheader[0].value for c in at.columns[:3]] == ["UMA", "UNIMED", "Gabungan"]
    assert len(at.get("plotly_chart")) >= 2
    # cross-promotion of the last 12 months has edges both ways in the demo
    cross = at.dataframe[-1].value
    assert {"UMA", "UNIMED"} <= set(cross["Dari"])
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Joint campaigns"
    assert "Campaign" in at.dataframe[0].value.columns


def test_posts_page_search_and_hashtags(demo_url):
    at = run_app()
    at.switch_page("dashboard/pages/posts.py").run()
    assert not at.exception
    total = int(at.caption[0].value.split()[0])
    at.text_input(key="search").set_value("#webinar").run()
    assert not at.exception
    found = int(at.caption[0].value.split()[0])
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT published_at, hashtags, caption, title FROM posts")
        ).all()
    engine.dispose()
    end = dt.datetime.now(TZ).date()
    start = end - dt.timedelta(days=29)

    def in_period(value):
        local = dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC).astimezone(TZ).date()
        return start <= local <= end

    expected = sum(
        1
        for r in rows
        if in_period(r.published_at) and "#webinar" in f"{r.caption} {r.title} {r.hashtags}".lower()
    )
    assert found == expected < total
    table = at.dataframe[0].value
    assert list(table.columns)[:2] == ["Gambar", "Perpustakaan"]
    assert table["Gambar"].str.startswith("data:image/svg+xml;base64,").all()
    hashtags = at.dataframe[-1].value
    assert (hashtags["Unggahan"].map(parse_id) >= 3).all()
    at.number_input(key="min_posts").set_value(50).run()
    assert at.dataframe[-1].value.empty


def test_many_libraries_get_tables_not_cards(tmp_path, monkeypatch):
    from benchmarks.consortium import config_toml, consortium_config

    config = consortium_config(8, 60)
    path = tmp_path / "many.toml"
    path.write_text(config_toml(config))
    url = f"sqlite:///{tmp_path / 'many.db'}"
    store = Store(url, config.timezone)
    load_demo(store, config, dt.datetime.now(TZ).date(), days=60)
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(path))
    at = run_app()
    assert "8 perpustakaan dipilih" in at.caption[1].value
    assert not at.metric, "no wall of cards"
    assert len(at.dataframe) == 4  # one table per tab, and the table of all figures
    shown = at.dataframe[0].value
    assert len(shown) == 8 and list(shown["Perpustakaan"])[:2] == ["P01", "P02"]
    at.switch_page("dashboard/pages/compare.py").run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == 6  # one best-time grid for all eight

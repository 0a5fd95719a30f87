"""The dashboard run by Streamlit's AppTest on demo data; shown KPIs checked against the store.

Expected values are computed here from raw SQL rows with plain Python, independently of
dashboard/metrics.py, so a wrong formula there fails these tests.
"""

from __future__ import annotations

import datetime as dt
import json
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
    assert [t.label for t in at.tabs] == ["Gabungan", "Instagram", "YouTube"]
    checked = 0
    for tab, platform in zip(at.tabs[1:], ["instagram", "youtube"], strict=True):
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
    assert checked == 4


def test_combined_tab_shows_each_platform_never_one_sum(demo_url):
    """YouTube API policy: no metric fuses YouTube with another platform. The "Gabungan"
    tab shows each platform's part, named, and nothing else."""
    at = run_app()
    end = dt.datetime.now(TZ).date()
    expected = expected_kpis(demo_url, end - dt.timedelta(days=29), end)
    combined = at.tabs[0]
    libraries = [c for c in combined.columns if len(c.subheader)]
    assert [c.subheader[0].value for c in libraries] == ["UMA", "UNIMED"]
    measures = ["Audiens", "Pertumbuhan audiens", "Unggahan", "Interaksi",
                "ER rata-rata (pengikut)", "Tayangan"]  # fmt: skip
    for column, library in zip(libraries, ["uma", "unimed"], strict=True):
        assert [m.value for m in column.markdown][1:] == [f"**{m}**" for m in measures]
        cards = list(column.metric)
        # per KPI one card per platform, named: never one card of both
        assert [m.label for m in cards] == ["Instagram", "YouTube"] * len(measures)
        for offset, platform in enumerate(["instagram", "youtube"]):
            want = expected[(library, platform)]
            assert parse_id(cards[0 + offset].value) == want["audience"]
            assert parse_id(cards[4 + offset].value) == want["posts"]
            assert parse_id(cards[6 + offset].value) == want["eng"]
            assert parse_id(cards[10 + offset].value) == want["views"]
        fused = expected[(library, "all")]["eng"]
        assert fused not in {parse_id(m.value) for m in cards if "%" not in m.value}
    # the table of all figures has no combined rows either
    table = kpi_table_of(at)
    assert set(table["Platform"]) == {"Instagram", "YouTube"}


def runs_of(at: AppTest):
    """The Data page's table of refresh runs (its first column is the run's number)."""
    first = {"No.", "Run no."}
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] in [[f] for f in first])


def kpi_table_of(at: AppTest):
    """The Overview's table of all figures (the one with a "Measure" column)."""
    return next(d.value for d in at.dataframe if "Ukuran" in d.value.columns)


def test_growth_card_and_kpi_table_use_one_unit_each(demo_url):
    at = run_app()
    growth = next(m for m in at.tabs[1].columns[0].metric if m.label == "Pertumbuhan audiens")
    assert growth.value.endswith("%") and growth.value.startswith(("+", "-"))
    assert "poin persen" in growth.delta, "a percentage changes in percentage points"
    audience = next(m for m in at.tabs[1].columns[0].metric if m.label == "Audiens")
    assert "%" not in audience.value and "poin" not in (audience.delta or "")
    table = kpi_table_of(at)
    assert list(table.columns) == [
        "Ukuran", "Perpustakaan", "Platform", "Periode ini", "Sebelumnya", "Perubahan"
    ]  # fmt: skip
    row = table[(table["Ukuran"] == "Audiens") & (table["Perpustakaan"] == "UMA")].iloc[0]
    growth_row = table[
        (table["Ukuran"] == "Pertumbuhan audiens")
        & (table["Perpustakaan"] == "UMA")
        & (table["Platform"] == row["Platform"])
    ].iloc[0]
    # the audience's change is the growth: shown once, on the growth row
    assert row["Perubahan"] == "" and growth_row["Periode ini"].startswith(("+", "-"))
    er = table[table["Ukuran"] == "ER rata-rata (pengikut)"].iloc[0]
    assert er["Perubahan"].endswith("poin persen")


def test_language_switch_changes_labels_and_number_format(demo_url):
    at = run_app()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Overview per library"
    assert [t.label for t in at.tabs] == ["Combined", "Instagram", "YouTube"]
    labels = {m.label for m in at.metric}
    assert {"Audience", "Posts", "Engagements", "Mean ER (followers)", "Views"} <= labels
    audience = at.tabs[1].columns[0].metric[0].value
    assert "," in audience and "." not in audience  # 6,921 in English
    assert "Demo data" in at.info[0].value


def test_filters_survive_language_switch_and_page_change_and_live_in_the_url(demo_url):
    at = run_app()
    at.sidebar.selectbox(key="preset").set_value("preset_90").run()
    at.sidebar.multiselect(key="platforms").set_value(["youtube"]).run()
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.sidebar.selectbox(key="preset").value == "preset_90"
    assert "(90 days)" in at.caption[0].value
    at.switch_page("dashboard/pages/posts.py").run()
    assert not at.exception
    assert at.sidebar.selectbox(key="preset").value == "preset_90"
    assert at.sidebar.multiselect(key="platforms").value == ["youtube"]
    assert at.sidebar.radio(key="lang").value == "en"
    assert "(90 days)" in at.caption[0].value
    assert at.query_params["lang"] == "en" and at.query_params["period"] == "90"
    assert at.query_params["platform"] == "youtube"
    # the same link opens the same view in a new session
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params.update({"lang": "en", "period": "90", "platform": "youtube"})
    again.run()
    assert not again.exception
    assert again.title[0].value == "Overview per library"
    assert again.sidebar.selectbox(key="preset").value == "preset_90"
    assert again.sidebar.multiselect(key="platforms").value == ["youtube"]
    # a custom range travels as from/to
    again.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    again.sidebar.date_input(key="custom_range").set_value(
        (dt.date(2025, 9, 1), dt.date(2025, 9, 30))
    ).run()
    assert (again.query_params["from"], again.query_params["to"]) == ("2025-09-01", "2025-09-30")


@pytest.mark.parametrize(
    ("locale", "title"),
    [
        (None, "Ringkasan per perpustakaan"),
        ("id-ID", "Ringkasan per perpustakaan"),
        ("en-US", "Overview per library"),
        ("de-DE", "Overview per library"),
    ],
)
def test_language_defaults_from_the_browser(demo_url, locale, title):
    at = AppTest.from_file(APP, default_timeout=60)
    at.context["locale"] = locale
    at.run()
    assert not at.exception
    assert at.title[0].value == title


def test_compare_page_renders_charts_and_toggle(demo_url):
    at = run_app()
    at.switch_page("dashboard/pages/compare.py").run()
    assert not at.exception
    assert at.title[0].value == "Perbandingan antarperpustakaan"
    assert at.caption[0].value.startswith("Periode ")
    assert "Data demo" in at.info[0].value
    charts = at.get("plotly_chart")
    # audience, the connected library's daily reach and views (2 per platform: the demo's
    # first library is connected), 2 weekly charts per platform, 2 content types, 2 heatmaps
    assert len(charts) == 13
    at.toggle(key="per_1k").set_value(True).run()
    assert not at.exception
    assert any("kurang dari 3 unggahan" in c.value for c in at.caption)


def test_streamlit_widgets_say_what_our_words_can(demo_url):
    """Streamlit's date picker and file uploader keep some English of their own ("Date
    range", "Select…", "Upload", "50MB per file"; no parameter translates them): the date
    field follows the language's order of day and month, and our help texts say in the
    reader's language what those words mean."""
    at = run_app()
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    dates = at.sidebar.date_input(key="custom_range")
    assert dates.proto.format == "DD/MM/YYYY" and "Date range" in dates.help
    assert "tidak dapat diterjemahkan" in dates.help
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 50
    assert 'Tombol "Upload" = pilih berkas' in uploader.proto.help
    assert '"50MB per file" = paling besar 50 MB' in uploader.proto.help
    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.sidebar.date_input(key="custom_range").proto.format == "MM/DD/YYYY"


def test_all_time_starts_on_the_first_day_with_data(demo_url):
    at = run_app()
    at.sidebar.selectbox(key="preset").set_value("preset_all").run()
    assert not at.exception
    store = Store(demo_url)
    first = store.first_day([int(i) for i in store.accounts()["id"]], "Asia/Jakarta")
    store.dispose()
    today = dt.datetime.now(TZ).date()
    days = (today - first).days + 1
    assert days > 365  # the demo covers about 18 months
    assert f"({days} hari)" in at.caption[0].value
    assert at.query_params["period"] == "all"


def finished_marker(at: AppTest) -> bool:
    """The page wrote the marker a browser waits for (``dashboard.app.finish``)."""
    return any("jejaring-done" in str(e.proto.body) for e in at.get("html"))


@pytest.mark.parametrize(
    "page", ["overview", "compare", "campaigns", "posts", "categories", "services", "data"]
)
def test_a_page_that_stops_early_still_says_it_has_finished(demo_url, page):
    at = run_app()
    at.sidebar.multiselect(key="libraries").set_value([]).run()
    at.switch_page(f"dashboard/pages/{page}.py").run()
    assert not at.exception
    assert finished_marker(at)


def test_services_page_without_services_says_so_and_finishes(demo_url, tmp_path, monkeypatch):
    text = (ROOT / "jejaring.toml").read_text()
    start = text.index("[[libraries.services]]")
    end = text.index("\n[", start + 1)
    config = tmp_path / "no_services.toml"
    config.write_text(text[:start] + text[end + 1 :])
    assert "libraries.services" not in config.read_text()
    monkeypatch.setenv("JEJARING_CONFIG", str(config))
    at = run_app()
    at.switch_page("dashboard/pages/services.py").run()
    assert not at.exception
    assert any("[[libraries.services]]" in i.value for i in at.info)
    assert finished_marker(at)


def test_period_and_filters_change_what_is_shown(demo_url):
    at = run_app()
    posts_30 = parse_id(at.tabs[1].columns[0].metric[2].value)
    at.sidebar.selectbox(key="preset").set_value("preset_365").run()
    posts_365 = parse_id(at.tabs[1].columns[0].metric[2].value)
    assert posts_365 > posts_30
    at.sidebar.multiselect(key="libraries").set_value(["unimed"]).run()
    assert len(at.tabs[1].columns) == 1
    at.sidebar.multiselect(key="platforms").set_value([]).run()
    assert not at.exception
    assert "Pilih paling sedikit" in at.warning[0].value


@pytest.mark.parametrize("page", ["overview", "compare"])
def test_a_period_before_any_data_says_so_instead_of_dashes_and_zeros(demo_url, page):
    from babel.dates import format_date

    at = run_app()
    at.switch_page(f"dashboard/pages/{page}.py").run()
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    at.sidebar.date_input(key="custom_range").set_value(
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    ).run()
    assert not at.exception
    store = Store(demo_url)
    first = store.first_day([int(i) for i in store.accounts()["id"]], "Asia/Jakarta")
    store.dispose()
    said = [i.value for i in at.info if "1 Jan 2020 – 31 Jan 2020" in i.value]
    assert len(said) == 1 and "Tidak ada unggahan dan tidak ada data yang diambil" in said[0]
    day = format_date(first, "d MMM y", locale="id")  # 2 Jun 2025
    assert f"Data pertama dari {day}" in said[0]
    assert not at.metric and not at.dataframe and not at.get("plotly_chart")
    assert finished_marker(at)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert any("No posts and no captures for the chosen accounts" in i.value for i in at.info)


def test_an_unchanged_figure_is_grey_without_an_arrow(tmp_path, monkeypatch):
    """A change of 0 is no rise: Streamlit draws any text delta but "0" green with an up
    arrow, so a zero change is shown grey, without an arrow and without a "+"."""
    from streamlit.proto.Metric_pb2 import Metric

    from collectors.records import AccountRef, AccountSnapshot

    url = f"sqlite:///{tmp_path / 'flat.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    ref = AccountRef("uma", "instagram", config.libraries[0].instagram[0])
    now = dt.datetime.now(dt.UTC)
    for days in (40, 1):  # the same audience before and at the end of the period
        store.write([AccountSnapshot(ref, now - dt.timedelta(days=days), followers=1500)])
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    at = run_app()
    (instagram,) = [tab for tab in at.tabs if tab.label == "Instagram"]
    cards = {m.label: m for m in instagram.metric}
    assert (cards["Audiens"].value, cards["Unggahan"].value) == ("1.500", "0")
    for label in ("Audiens", "Unggahan"):
        card = cards[label]
        assert card.delta.startswith("0 "), card.delta
        assert card.proto.color == Metric.MetricColor.GRAY, label
        assert card.proto.direction == Metric.MetricDirection.NONE, label


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
    runs = runs_of(at)
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


def expected_campaign(url: str, campaign) -> dict[tuple[str, str], tuple[int, int]]:
    """Posts and engagements per library and platform of a campaign, straight from the
    store's rows."""
    import json

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        accounts = {
            r.id: (r.library_id, r.handle.lower().lstrip("@"))
            for r in conn.execute(sa.text("SELECT id, library_id, handle FROM accounts"))
        }
        platforms = dict(conn.execute(sa.text("SELECT id, platform FROM accounts")).all())
        rows = conn.execute(
            sa.text(
                "SELECT account_id, published_at, caption, title, hashtags, mentions, "
                "tagged, coauthors, likes, comments FROM posts"
            )
        ).all()
    engine.dispose()
    result: dict[tuple[str, str], list[int]] = {}
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
            acc = result.setdefault((library, platforms[r.account_id]), [0, 0])
            acc[0] += 1
            if r.likes is not None:
                acc[1] += r.likes + (r.comments or 0)
    return {k: tuple(v) for k, v in result.items()}


def expected_cross(url: str, start: dt.date, end: dt.date) -> dict[tuple[str, str, str], list]:
    """Cross-promotion per (source, target, platform) straight from the store's rows:
    [posts naming the partner in any way, their engagements]."""
    import json

    config = load_config(ROOT / "jejaring.toml")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        accounts = conn.execute(sa.text("SELECT id, library_id, platform, handle FROM accounts"))
        accounts = {r.id: r for r in accounts}
        rows = conn.execute(
            sa.text("SELECT account_id, published_at, mentions, tagged, coauthors, likes, "
                    "comments FROM posts")
        ).all()  # fmt: skip
    engine.dispose()
    owner = {r.handle.lower().lstrip("@"): r.library_id for r in accounts.values()}
    for lib in config.libraries:
        owner |= {h.lower().lstrip("@"): lib.id for _, h in lib.accounts()}
    result: dict[tuple[str, str, str], list] = {}
    for r in rows:
        account = accounts[r.account_id]
        local = dt.datetime.fromisoformat(str(r.published_at)).replace(tzinfo=dt.UTC)
        if not start <= local.astimezone(TZ).date() <= end:
            continue
        named = json.loads(r.mentions) + json.loads(r.tagged) + json.loads(r.coauthors)
        targets = {owner.get(n.lower().lstrip("@")) for n in named} - {None, account.library_id}
        for target in targets:
            acc = result.setdefault((account.library_id, target, account.platform), [0, 0])
            acc[0] += 1
            acc[1] += 0 if r.likes is None else r.likes + (r.comments or 0)
    return result


def plotly_figures(at: AppTest) -> list[dict]:
    """The plotly figures of the page, as the JSON the browser gets."""
    import json

    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def plotly_values(values: list | dict) -> list[float]:
    """An array of a plotly figure's JSON: a list, or typed binary data (bdata)."""
    if isinstance(values, list):
        return values
    import base64

    import numpy as np

    return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()


def test_campaigns_page_values_equal_the_store(demo_url):
    config = load_config(ROOT / "jejaring.toml")
    at = run_app()
    at.switch_page("dashboard/pages/campaigns.py").run()
    assert not at.exception
    assert at.title[0].value == "Kampanye bersama"
    assert "Data demo" in at.info[0].value
    # The campaign (Sep 2025) lies outside the default 30 days: it is chosen all the same;
    # only the overview table of the period's campaigns is empty.
    campaign = config.campaigns[0]
    assert at.selectbox(key="campaign").value == campaign.id
    assert at.header[0].value == campaign.name
    assert any("Tidak ada kampanye dalam periode ini" in i.value for i in at.info)
    want = expected_campaign(demo_url, campaign)
    assert [t.label for t in at.tabs] == ["Instagram", "YouTube"]
    for tab, platform in zip(at.tabs, ["instagram", "youtube"], strict=True):
        columns = [c for c in tab.columns if len(c.subheader)]
        assert [c.subheader[0].value for c in columns] == ["UMA", "UNIMED", "Semua perpustakaan"]
        for column, library in zip(columns, ["uma", "unimed"], strict=False):
            shown = {m.label: m.value for m in column.metric}
            posts, engagements = want.get((library, platform), (0, 0))
            assert parse_id(shown["Unggahan"]) == posts
            assert parse_id(shown["Interaksi"]) == engagements
        everyone = {m.label: m.value for m in columns[2].metric}
        assert parse_id(everyone["Unggahan"]) == sum(
            v[0] for k, v in want.items() if k[1] == platform
        )
    assert want[("uma", "instagram")][0] > 0
    # with a period that covers it, the overview table lists it per library and platform
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    at.sidebar.date_input(key="custom_range").set_value(
        (dt.date(2025, 8, 1), dt.date(2025, 10, 31))
    ).run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "Kampanye" in d.value.columns)
    for (library, platform), (posts, engagements) in want.items():
        label = {"uma": "UMA", "unimed": "UNIMED"}[library]
        name = {"instagram": "Instagram", "youtube": "YouTube"}[platform]
        row = table[(table["Perpustakaan"] == label) & (table["Platform"] == name)].iloc[0]
        assert parse_id(row["Unggahan"]) == posts
        assert parse_id(row["Interaksi"]) == engagements
    assert list(table.columns)[:4] == ["Kampanye", "Perpustakaan", "Platform", "Interaksi"]
    assert "Gabungan" not in set(table["Perpustakaan"])
    assert len(at.get("plotly_chart")) >= 2
    # cross-promotion of that period: totals apart from the ways, one row per platform
    # (YouTube posts and engagements are never added to Instagram's)
    cross = at.dataframe[-2].value
    assert {"UMA", "UNIMED"} <= set(cross["Dari"])
    assert list(cross.columns) == ["Dari", "Ke", "Platform", "Unggahan", "Interaksi"]
    names = {"uma": "UMA", "unimed": "UNIMED", "instagram": "Instagram", "youtube": "YouTube"}
    want_cross = expected_cross(demo_url, dt.date(2025, 8, 1), dt.date(2025, 10, 31))
    assert {p for _, _, p in want_cross} == {"instagram", "youtube"}, "the demo names on both"
    shown_cross = {
        (r["Dari"], r["Ke"], r["Platform"]): [parse_id(r["Unggahan"]), parse_id(r["Interaksi"])]
        for _, r in cross.iterrows()
    }
    assert shown_cross == {tuple(names[x] for x in key): value for key, value in want_cross.items()}
    ways = at.dataframe[-1].value
    assert list(ways.columns) == ["Dari", "Ke", "Platform", "Sebutan", "Tanda", "Kolaborasi"]
    # one Sankey per platform, each counting that platform's posts only
    sankeys = [f for f in plotly_figures(at) if f["data"][0]["type"] == "sankey"]
    assert [f["layout"]["title"]["text"].split(":")[0] for f in sankeys] == [
        "Instagram",
        "YouTube",
    ]
    for figure, platform in zip(sankeys, ["instagram", "youtube"], strict=True):
        drawn = sorted(plotly_values(figure["data"][0]["link"]["value"]))
        assert drawn == sorted(v[0] for k, v in want_cross.items() if k[2] == platform)
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Joint campaigns"
    assert at.selectbox(key="campaign").value == campaign.id
    assert any("Campaign" in d.value.columns for d in at.dataframe)


def test_campaigns_are_chosen_from_all_newest_first_and_marked(demo_url, tmp_path, monkeypatch):
    today = dt.datetime.now(TZ).date()
    extra = (
        '\n[[campaigns]]\nid = "next"\nname = "Pekan Depan"\n'
        f"start = {today + dt.timedelta(days=7)}\nend = {today + dt.timedelta(days=14)}\n"
        'libraries = ["uma", "unimed"]\nhashtags = ["#pekandepan"]\n'
        '\n[[campaigns]]\nid = "now"\nname = "Sekarang"\n'
        f"start = {today - dt.timedelta(days=3)}\nend = {today + dt.timedelta(days=3)}\n"
        'libraries = ["uma", "unimed"]\nhashtags = ["#sekarang"]\n'
    )
    path = tmp_path / "jejaring.toml"
    path.write_text((ROOT / "jejaring.toml").read_text() + extra)
    monkeypatch.setenv("JEJARING_CONFIG", str(path))
    at = run_app()
    at.switch_page("dashboard/pages/campaigns.py").run()
    assert not at.exception
    box = at.selectbox(key="campaign")
    assert box.options[0].startswith("Pekan Depan") and "akan datang" in box.options[0]
    assert box.options[1].startswith("Sekarang") and "sedang berjalan" in box.options[1]
    assert box.options[2].startswith("Bulan Literasi 2025")
    assert box.value == "now", "the newest campaign that has started"
    box.set_value("next").run()
    assert any("belum dimulai" in i.value for i in at.info)
    assert at.query_params["campaign"] == "next"


def test_posts_page_search_and_hashtags(demo_url):
    at = run_app()
    at.switch_page("dashboard/pages/posts.py").run()
    assert not at.exception
    assert at.caption[0].value.startswith("Periode ")

    def found_counts() -> dict[str, int]:
        """ "Unggahan ditemukan: Instagram 12 · YouTube 3": each platform's count, no sum."""
        words = at.caption[1].value.removeprefix("Unggahan ditemukan: ")
        return {p: int(parse_id(n)) for p, n in (x.rsplit(" ", 1) for x in words.split(" · "))}

    total = found_counts()
    at.text_input(key="search").set_value("#webinar").run()
    assert not at.exception
    found = found_counts()
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT p.published_at, p.hashtags, p.caption, p.title, a.platform "
                    "FROM posts p JOIN accounts a ON a.id = p.account_id")
        ).all()  # fmt: skip
    engine.dispose()
    end = dt.datetime.now(TZ).date()
    start = end - dt.timedelta(days=29)

    def in_period(value):
        local = dt.datetime.fromisoformat(str(value)).replace(tzinfo=dt.UTC).astimezone(TZ).date()
        return start <= local <= end

    expected: dict[str, int] = defaultdict(int)
    for r in rows:
        text = f"{r.caption} {r.title} {r.hashtags}".lower()
        if in_period(r.published_at) and "#webinar" in text:
            expected[{"instagram": "Instagram", "youtube": "YouTube"}[r.platform]] += 1
    assert found == dict(expected) and sum(found.values()) < sum(total.values())
    assert set(total) == {"Instagram", "YouTube"}
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["Gambar", "Teks", "Interaksi"]
    assert table["Gambar"].str.startswith("data:image/svg+xml;base64,").all()
    # the top tables put their figure right after the post's text
    assert list(at.dataframe[1].value.columns)[:3] == ["Gambar", "Teks", "Interaksi"]
    assert list(at.dataframe[2].value.columns)[:3] == ["Gambar", "Teks", "ER (%)"]
    at.selectbox(key="order").set_value("er").run()
    assert list(at.dataframe[0].value.columns)[2] == "ER (%)"
    hashtags = at.dataframe[-1].value
    assert (hashtags["Unggahan"].map(parse_id) >= 3).all()
    # one row per hashtag and platform: YouTube posts are never counted with Instagram's
    assert list(hashtags.columns)[:3] == ["Tagar", "Platform", "ER rata-rata (pengikut)"]
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        tagged = conn.execute(
            sa.text("SELECT p.published_at, p.hashtags, a.platform FROM posts p "
                    "JOIN accounts a ON a.id = p.account_id")
        ).all()  # fmt: skip
    engine.dispose()
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for r in tagged:
        if in_period(r.published_at):
            for tag in json.loads(r.hashtags):
                counts[(tag, {"instagram": "Instagram", "youtube": "YouTube"}[r.platform])] += 1
    want = {k: n for k, n in counts.items() if n >= 3}
    assert any((tag, "Instagram") in want for tag, p in want if p == "YouTube"), (
        "the demo uses a hashtag on both platforms"
    )
    assert {
        (r["Tagar"], r["Platform"]): parse_id(r["Unggahan"]) for _, r in hashtags.iterrows()
    } == want
    tables = len(at.dataframe)
    at.number_input(key="min_posts").set_value(50).run()
    # no empty table (Streamlit would write "empty" in English): a sentence instead
    assert len(at.dataframe) == tables - 1
    assert at.main.caption[-1].value == "Tidak ada baris untuk ditampilkan."


def test_categories_page_states_its_period_and_says_when_a_table_is_empty(demo_url):
    at = run_app()
    at.switch_page("dashboard/pages/categories.py").run()
    assert not at.exception
    assert at.main.caption[0].value.startswith("Periode ")
    assert len(at.dataframe) == 2  # the summary and the period's posts
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    at.sidebar.date_input(key="custom_range").set_value(
        (dt.date(2020, 1, 1), dt.date(2020, 1, 31))
    ).run()
    assert not at.exception
    assert "1 Jan 2020 – 31 Jan 2020" in at.main.caption[0].value
    # no empty table (Streamlit would write "empty" in English): a sentence instead
    assert not at.dataframe
    assert sum(c.value == "Tidak ada baris untuk ditampilkan." for c in at.main.caption) == 2


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
    assert any("8 perpustakaan dipilih" in c.value for c in at.caption)
    assert not at.metric, "no wall of cards"
    # one table per tab (the combined tab's holds every figure: no second table of all
    # figures below), the connected library's owner figures per platform, and the
    # breakouts card's when it has any
    card = 0 if any("Belum ada unggahan yang melejit" in c.value for c in at.caption) else 1
    assert len(at.dataframe) == 5 + card
    owner = next(d.value for d in at.dataframe if "Sumber" in d.value.columns)
    assert set(owner["Perpustakaan"]) == {"P01"}, "only the connected library"
    shown = at.dataframe[1].value  # the Instagram tab: one row per library and KPI
    assert len(shown) == 8 * 7 and list(shown["Perpustakaan"])[:2] == ["P01", "P02"]
    at.switch_page("dashboard/pages/compare.py").run()
    assert not at.exception
    # one best-time grid for all eight; P01's daily reach and views, 2 per platform
    assert len(at.get("plotly_chart")) == 8 + 4


def failed_refresh(url: str) -> None:
    """A refresh without a YouTube key: real accounts in the store, none captured."""
    import io

    from collectors.config import Settings
    from collectors.refresh import refresh, select_accounts

    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    refresh(
        config,
        Settings(database_url=url),
        store,
        select_accounts(config, ["youtube"]),
        out=io.StringIO(),
    )
    store.dispose()


def test_a_failed_refresh_keeps_the_demo_and_says_why(demo_url):
    failed_refresh(demo_url)
    at = run_app()
    assert not at.exception
    assert "Data demo" in at.info[0].value, "the demo is still shown"
    assert "belum ada yang berhasil" in at.warning[0].value
    assert ".venv/bin/python -m collectors refresh" in at.warning[0].value
    assert [p.label for p in at.get("page_link")][0].startswith("Halaman Data")
    assert at.tabs[1].columns[0].metric[0].value != "–"
    assert any(c.value.startswith("Data demo sampai") for c in at.sidebar.caption)
    # the Data page lists the real accounts and says why, in the reader's language
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception
    health = at.dataframe[0].value.set_index("Akun")
    assert health.loc["@perpustakaanuma", "Terakhir diambil"] == "belum pernah"
    assert health.loc["@perpustakaanuma", "Pesan"].startswith("YOUTUBE_API_KEY belum diisi")
    runs = runs_of(at)
    assert runs.iloc[0]["Pesan"] == "2 dari 2 akun tidak berhasil"
    assert list(runs.columns)[0] == "No."
    at.sidebar.radio(key="lang").set_value("en").run()
    health = at.dataframe[0].value.set_index("Account")
    assert health.loc["@perpustakaanuma", "Message"].startswith("YOUTUBE_API_KEY is not set")
    assert runs_of(at).iloc[0]["Message"] == "2 of 2 accounts not ok"


def test_without_the_demo_an_empty_state_says_what_to_do_and_demo_comes_back(demo_url):
    failed_refresh(demo_url)
    store = Store(demo_url)
    store.delete_demo()
    store.dispose()
    at = run_app()
    assert not at.exception
    assert not at.metric and not at.dataframe
    assert "Belum ada data untuk ditampilkan" in at.info[0].value
    assert ".venv/bin/python -m collectors demo" in at.info[0].value
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception
    assert len(at.dataframe[0].value) == 2  # the two YouTube accounts, never captured
    # `demo` brings the demo back although real (uncaptured) accounts exist
    config = load_config(ROOT / "jejaring.toml")
    store = Store(demo_url, config.timezone)
    load_demo(store, config)
    store.dispose()
    at = run_app()
    assert "Data demo" in at.info[0].value and at.metric


def test_every_page_states_its_period_and_the_command_as_the_readme_gives_it(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    load_demo(store, config)
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    at = run_app()
    pages = ("overview", "compare", "campaigns", "posts", "categories", "services", "data")
    for page in pages:
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception
        assert any(c.value.startswith("Periode ") for c in at.main.caption), page
    assert "`.venv/bin/python -m collectors refresh`" in at.info[-1].value  # no run yet


def test_the_library_rule_takes_a_colour_and_nothing_else():
    """The pages' only HTML: a line in the library's colour. Whatever else is passed as a
    colour is drawn grey, so no text reaches the HTML."""
    from streamlit.testing.v1 import AppTest

    def page():
        from dashboard.app import library_rule

        library_rule("#1b7f3b", width=6)
        library_rule("red;background:url(x)'><img src=x onerror=alert(1)>")
        library_rule("#abc", above=True)

    at = AppTest.from_function(page).run()
    shown = [m.value for m in at.markdown]
    assert shown == [
        "<div style='border-top:6px solid #1b7f3b;margin-bottom:4px'></div>",
        "<div style='border-top:4px solid #777777;margin-bottom:4px'></div>",
        "<div style='border-top:4px solid #abc;margin-top:12px'></div>",
    ]

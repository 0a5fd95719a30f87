"""The Data page's import (preview and confirm, tested as functions: AppTest cannot upload a
file) and the pages that show services, run by AppTest on a store with an imported chat.

Expected figures are the hand-computed ones of tests/test_whatsapp.py, with the chat moved
to the latest Monday–Wednesday before today so that the default period shows it.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from collectors.demo import demo_handle, load_demo
from collectors.exportfile import MAX_FILE_MB
from collectors.imports import Options, commit, prepare
from collectors.records import AccountMetric, AccountRef, PostMetric
from collectors.store import Store, account_metrics, post_metrics
from dashboard.uploads import confirm, day_table, post_table, preview, service_table, summary
from tests.importing import (
    CONFIG,
    FIXTURES,
    STUDIO_ZIP_FOLDER,
    chats_zip,
    config,
    fixture,
    studio_zip,
    zip_of,
)

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)


def test_the_upload_limit_matches_the_importers_limit():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["server"]["maxUploadSize"] == MAX_FILE_MB


def test_preview_tables_in_both_languages(store):
    plan = preview(store, config(), "meta.csv", fixture("meta_content_en.csv"), Options("uma"))
    english = post_table(plan, "en")
    assert list(english.columns[:5]) == ["Line", "Outcome", "Post", "Text", "Figures as of"]
    reel = english[english["Post"] == "CUMAreel01"].iloc[0]
    assert reel["Outcome"] == "new: post created" and reel["Views"] == "12,450"
    assert reel["Figures as of"] == "import day"
    story = english[english["Line"] == "6"].iloc[0]  # the description before spans two lines
    assert story["Outcome"] == "skipped (see the warnings)"
    indonesian = post_table(plan, "id")
    assert indonesian[indonesian["Unggahan"] == "CUMAreel01"].iloc[0]["Tayangan"] == "12.450"
    facts, numbers = summary(plan, "en")
    assert dict(numbers)["New posts"] == "3"
    assert dict(facts) == {"Kind of file": "Instagram content export (Meta)",
                           "Account": "perpustakaan.uma"}  # fmt: skip
    assert store.counts()["posts"] == 0  # a preview writes nothing


def test_preview_of_a_studio_zip_shows_channel_days(store):
    plan = preview(store, config(), "studio.zip", studio_zip(), Options("uma"))
    days = day_table(plan, "en")
    assert list(days["Day"]) == ["Oct 1, 2026", "Oct 2, 2026", "Oct 3, 2026"]  # CLDR (Babel)
    assert list(days["Impressions"]) == ["1,200", "1,350", "6,020"]
    assert list(days["Net subscribers"]) == ["1", "-1", "4"]
    assert post_table(plan, "id")["Angka per"].tolist() == ["31 Okt 2026", "31 Okt 2026"]


def test_preview_of_chats_shows_only_daily_figures(store):
    plan = preview(store, config(), "WhatsApp Chat with Siti.zip", chats_zip(), Options("uma"))
    table = service_table(plan, "id")
    assert table.to_dict("records") == [
        {"Tanggal": "23 Nov 2026", "Pertanyaan": "4", "Terjawab": "4", "Median balasan":
         "38 mnt", "P90 balasan": "1 j 02 mnt", "≤ 1 jam": "3", "Dalam jam layanan": "3",
         "Penanya": "2"},
        {"Tanggal": "24 Nov 2026", "Pertanyaan": "2", "Terjawab": "1", "Median balasan":
         "12 j 55 mnt", "P90 balasan": "12 j 55 mnt", "≤ 1 jam": "0", "Dalam jam layanan":
         "0", "Penanya": "2"},
    ]  # fmt: skip
    facts, numbers = summary(plan, "en")
    assert dict(numbers) == {"Chats": "2", "Questions": "6", "Days": "2"}
    assert dict(facts)["Period"] == "Nov 23, 2026 – Nov 24, 2026"


def test_confirm_writes_and_says_so(store):
    data = fixture("meta_content_en.csv")
    plan = preview(store, config(), "meta.csv", data, Options("uma"))
    result, message = confirm(store, plan, "en")
    assert message == "meta.csv imported (import #1, 5 rows)."
    assert store.counts()["posts"] == 3
    again = preview(store, config(), "meta.csv", data, Options("uma"))
    assert again.notices[0].text("id").startswith("berkas ini sudah diimpor pada")
    _, message = confirm(store, again, "id")
    assert message == "meta.csv sudah pernah diimpor (impor #1); angkanya tetap sama."


# -- pages on a store with an imported chat --------------------------------------------------


def chat_days(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """The latest Monday, Tuesday and Wednesday that are all on or before today."""
    monday = today - dt.timedelta(days=today.weekday())
    if monday + dt.timedelta(days=2) > today:
        monday -= dt.timedelta(days=7)
    return monday, monday + dt.timedelta(days=1), monday + dt.timedelta(days=2)


def moved_chats(today: dt.date) -> bytes:
    """The two fixture chats (23–25 Nov 2026) moved to the latest Monday–Wednesday."""
    days = dict(zip(("23/11/26", "24/11/26", "25/11/26"), chat_days(today), strict=True))
    folder = FIXTURES / "wa_android_id"
    files = {}
    for path in sorted(folder.iterdir()):
        text = path.read_text(encoding="utf-8")
        for old, new in days.items():
            text = text.replace(old, f"{new:%d/%m/%y}")
        files[path.name] = text.encode()
    return zip_of(files)


def app_store(folder: Path) -> str:
    """A demo store with the two chats imported for this week and owner figures of the demo
    accounts, as the official-API collectors would store them; returns its URL and writes
    the configuration next to it."""
    (folder / "jejaring.toml").write_text(CONFIG)
    url = f"sqlite:///{folder / 'app.db'}"
    cfg = config(str(folder / "jejaring.toml"))
    store = Store(url, cfg.timezone)
    load_demo(store, cfg)
    # Only this test's owner figures below (the demo's first library has its own).
    with store.transaction() as conn:
        conn.execute(sa.delete(post_metrics))
        conn.execute(sa.delete(account_metrics))
    today = dt.datetime.now(ZoneInfo(cfg.timezone)).date()
    commit(store, prepare(store, cfg, "chats.zip", Options("uma"), data=moved_chats(today)))
    monday = chat_days(today)[0]
    lib = cfg.library("uma")
    instagram = AccountRef("uma", "instagram", demo_handle(lib, "instagram"))
    youtube = AccountRef("uma", "youtube", demo_handle(lib, "youtube"))
    videos = store.posts(columns=["platform", "post_id", "published_at"])
    video = videos[videos["platform"] == "youtube"].sort_values("published_at")
    video = video[video["post_id"].str.contains("uma")].iloc[-1]["post_id"]
    store.write(  # demo accounts stay demo accounts
        is_demo=True,
        account_figures=[
            AccountMetric(instagram, monday, "reach", 1234, "owner_insights", NOW),
            AccountMetric(youtube, monday, "impressions", 5600, "file_import", NOW),
        ],
        post_figures=[
            PostMetric(youtube, "youtube", video, "impressions", 7000, "file_import", NOW),
            PostMetric(youtube, "youtube", video, "impressionsCtr", 4.2, "file_import", NOW),
        ],
    )
    store.dispose()
    return url


@pytest.fixture
def app_env(tmp_path, monkeypatch):
    url = app_store(tmp_path)
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(tmp_path / "jejaring.toml"))
    return url


def run_page(page: str | None, lang: str = "id") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if lang != "id":
        at.sidebar.radio[0].set_value(lang).run()
    if page:
        at.switch_page(f"dashboard/pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_services_page_shows_the_hand_computed_figures(app_env):
    at = run_page("services")
    assert [s.value for s in at.subheader] == ["UMA · Ask Librarian UMA"]
    shown = metrics(at)
    assert shown == {
        "Pertanyaan": "6",
        "Terjawab": "83%",  # 5 of 6
        "Median balasan pertama": "45 mnt",  # replies 900, 1800, 2700, 4200, 46500 s
        "Persentil ke-90": "8 j 13 mnt",  # 4200 + 0.6 × (46500 − 4200) = 29580 s
        "Dijawab ≤ 1 jam": "50%",  # 3 of 6
        "Dijawab dalam jam layanan": "60%",  # 3 of the 5 asked in service hours
        "Penanya": "4",  # 2 on Monday + 2 on Tuesday
    }
    assert any("tidak pernah disimpan" in i.value for i in at.info)  # the privacy note
    social = at.dataframe[0].value
    owner = social.set_index("Platform")["Angka pemilik akun (sumber)"]
    assert (
        owner["Instagram"]
        == "Jangkauan (jumlah harian, batas atas): 1.234 (API resmi (pemilik akun))"
    )
    assert owner["YouTube"] == "Impresi: 5.600 (berkas ekspor)"
    posts = at.dataframe[1].value  # the posts with owner figures
    assert posts[["Impresi", "CTR impresi", "Sumber"]].to_dict("records") == [
        {"Impresi": "7.000", "CTR impresi": "4,2%", "Sumber": "berkas ekspor"}
    ]


def test_services_page_in_english(app_env):
    at = run_page("services", "en")
    shown = metrics(at)
    assert shown["Median first reply"] == "45 min" and shown["Answered"] == "83%"
    assert at.title[0].value == "Library services"


def test_overview_shows_the_service_headline(app_env):
    at = run_page(None)
    assert "Tanya Pustakawan" in [s.value for s in at.subheader]
    shown = metrics(at)
    assert shown["Pertanyaan"] == "6" and shown["Median balasan pertama"] == "45 mnt"
    assert shown["Dijawab ≤ 1 jam"] == "50%"


def test_data_page_offers_the_import(app_env):
    at = run_page("data", "en")
    assert "Import a file" in [s.value for s in at.subheader]
    assert [s.label for s in at.main.selectbox] == ["Library the file belongs to"]
    assert at.get("file_uploader")  # the uploader is there (AppTest cannot fill it)


def test_words_from_files_are_escaped_for_markdown():
    from dashboard.uploads import plain

    text = "[klik](javascript:alert(1)) **tebal** <b>x</b> :red[merah] $x$ a_b"
    assert plain(text) == (
        r"\[klik\]\(javascript\:alert\(1\)\) \*\*tebal\*\* \<b\>x\</b\> \:red\[merah\] "
        r"\$x\$ a\_b"
    )


def finished(at: AppTest) -> bool:
    """The page wrote the marker a browser waits for (``dashboard.app.finish``)."""
    return any("jejaring-done" in str(e.proto.body) for e in at.get("html"))


def test_services_page_with_the_platforms_filter_emptied(app_env):
    at = run_page("services")
    at.sidebar.multiselect(key="platforms").set_value([]).run()
    assert not at.exception, at.exception
    # the service's own figures do not depend on the platforms chosen
    assert metrics(at)["Pertanyaan"] == "6"
    assert finished(at)


def imports_only_store(folder: Path) -> str:
    """A store that holds nothing but imports (no refresh, no demo): a YouTube Studio
    export, a Meta Business Suite export and this week's chats; returns its URL."""
    (folder / "jejaring.toml").write_text(CONFIG)
    url = f"sqlite:///{folder / 'imports.db'}"
    cfg = config(str(folder / "jejaring.toml"))
    store = Store(url, cfg.timezone)
    today = dt.datetime.now(ZoneInfo(cfg.timezone)).date()
    for name, data in (
        ("Content 2026-10-01_2026-10-31 Perpustakaan UMA.zip", studio_zip()),
        ("meta.csv", fixture("meta_content_en.csv")),
        ("chats.zip", moved_chats(today)),
    ):
        commit(store, prepare(store, cfg, name, Options("uma"), data=data))
    assert store.counts()["runs"] == 0 and not store.accounts()["is_demo"].any()
    store.dispose()
    return url


@pytest.mark.parametrize("platforms", [None, []])
def test_services_page_on_a_store_of_imports_only(tmp_path, monkeypatch, platforms):
    url = imports_only_store(tmp_path)
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(tmp_path / "jejaring.toml"))
    at = run_page("services", "en")
    if platforms is not None:
        at.sidebar.multiselect(key="platforms").set_value(platforms).run()
        assert not at.exception, at.exception
    assert metrics(at)["Questions"] == "6"
    assert finished(at)


# -- imported data replaces the demo ---------------------------------------------------------


@pytest.fixture
def demo_env(tmp_path, monkeypatch):
    """A demo store (as the dashboard makes on first start) and the import tests'
    configuration; returns the folder."""
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    store = Store(url, "Asia/Jakarta")
    load_demo(store, config(str(tmp_path / "jejaring.toml")))
    store.dispose()
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(tmp_path / "jejaring.toml"))
    return tmp_path


def cli_import(folder: Path, name: str, data: bytes, library: str = "uma") -> None:
    from collectors.cli import main

    path = folder / name
    path.write_bytes(data)
    assert main(["import", str(path), "--library", library]) == 0


def warnings_and_infos(at: AppTest) -> str:
    return "\n".join(w.value for w in [*at.warning, *at.info])


def failed_refresh(folder: Path, handle: str = "digilib.unimed") -> None:
    """A refresh that tried one configured account and captured nothing."""
    store = Store(f"sqlite:///{folder / 'demo.db'}", "Asia/Jakarta")
    account = store.ensure_account(AccountRef("unimed", "instagram", handle))
    store.record_run_item(
        store.start_run("refresh"), account, started_at=NOW, status="failed",
        error="Instagram asked to wait", error_key=None,
    )  # fmt: skip
    store.dispose()


@pytest.mark.parametrize("refresh_failed", [False, True])
def test_an_imported_file_replaces_the_demo_on_the_pages(demo_env, refresh_failed):
    if refresh_failed:
        failed_refresh(demo_env)
    cli_import(demo_env, "meta.csv", fixture("meta_content_en.csv"))
    cli_import(demo_env, f"{STUDIO_ZIP_FOLDER}.zip", studio_zip())
    at = run_page(None, "en")
    at.sidebar.selectbox(key="preset").set_value("preset_all").run()
    notes = warnings_and_infos(at)
    assert "Demo data" not in notes and "refresh tried" not in notes
    assert at.sidebar.multiselect(key="libraries").value == ["uma"]  # UNIMED has no data
    at.switch_page("dashboard/pages/posts.py").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    links = set(table["Link"])
    video = table[table["Link"] == "https://www.youtube.com/watch?v=vidUMA00001"].iloc[0]
    assert (video["Views"], video["Likes"], video["Comments"]) == ("1,250", "90", "12")
    assert {"https://www.instagram.com/reel/CUMAreel01/",
            "https://www.youtube.com/watch?v=vidUMA00001"} <= links  # fmt: skip
    assert not any("demo" in str(link) for link in links)
    at.switch_page("dashboard/pages/data.py").run()
    accounts = at.dataframe[0].value
    shown = set(accounts["Account"])
    assert shown == ({"perpustakaan.uma", "@perpustakaanuma"}
                     | ({"digilib.unimed"} if refresh_failed else set()))  # fmt: skip


def test_accounts_without_data_are_not_blamed_on_a_refresh_that_never_ran(demo_env):
    store = Store(f"sqlite:///{demo_env / 'demo.db'}", "Asia/Jakarta")
    store.ensure_account(AccountRef("uma", "instagram", "perpustakaan.uma"))  # e.g. connected
    store.dispose()
    at = run_page(None, "en")
    notes = warnings_and_infos(at)
    assert "Demo data" in notes  # nothing real to show yet
    assert "refresh tried" not in notes
    assert "1 accounts are known but have no figures yet" in notes
    failed_refresh(demo_env)
    at = run_page(None, "en")
    assert "A refresh tried 1 accounts but captured none" in warnings_and_infos(at)

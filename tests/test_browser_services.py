"""Real browser on the pages this workstream changed: the Services page, the Overview's
Ask Librarian figures and the Data page's import, in both languages, on a demo store with
an imported chat export. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import pytest

from benchmarks.browser import serve
from tests.importing import FIXTURES, fixture, studio_zip
from tests.test_browser import ARTIFACTS, _require_browser
from tests.test_uploads import app_store

pytestmark = pytest.mark.browser

# (path, language, heading, charts drawn when done)
PAGES = [
    ("services", "id", "Layanan perpustakaan", 2),
    ("services", "en", "Library services", 2),
    ("", "id", "Ringkasan per perpustakaan", 0),
    ("data", "id", "Kesehatan data", 0),
    ("data", "en", "Data health", 0),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    tmp = tmp_path_factory.mktemp("browser_services")
    url = app_store(tmp)
    with serve(url, tmp / "jejaring.toml") as running:
        yield running.base


def _finished(page, charts: int) -> None:
    """Wait until the script run has finished (Streamlit marks the app "notRunning"), no
    skeleton is left and every chart has drawn."""
    page.wait_for_function(
        """(minimum) => {
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-testid="stSkeleton"]')
                && charts.length >= minimum
                && charts.every(c => c.querySelector('svg.main-svg'));
        }""",
        arg=charts,
        timeout=45_000,
    )


@pytest.mark.parametrize(("path", "lang", "heading", "charts"), PAGES)
def test_pages_render_in_both_languages(server, browser, path, lang, heading, charts):
    page = browser.new_page(locale="id-ID", viewport={"width": 1400, "height": 1800})
    page.goto(f"{server}/{path}")
    if lang == "en":
        page.get_by_text("English", exact=True).first.wait_for(timeout=45_000)
        page.get_by_text("English", exact=True).first.click()
    page.get_by_role("heading", name=heading).wait_for(timeout=45_000)
    _finished(page, charts)
    if path == "services":  # open the posts with owner figures for the screenshot
        label = "Unggahan dengan angka pemilik akun" if lang == "id" else "Posts with owner"
        page.get_by_text(label).click()
        page.locator(
            '[data-testid="stExpanderDetails"] [data-testid="stDataFrame"]'
        ).first.wait_for()
        _finished(page, charts)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = f"{path or 'overview'}_{lang}"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    if path == "services":
        assert page.locator('[data-testid="stMetric"]').count() == 7
        questions = "Pertanyaan" if lang == "id" else "Questions"
        card = page.locator('[data-testid="stMetric"]').filter(has_text=questions).first
        assert card.locator('[data-testid="stMetricValue"]').inner_text() == "6"
    elif path == "data":
        title = "Impor berkas" if lang == "id" else "Import a file"
        assert page.get_by_role("heading", name=title).count() == 1
        assert page.locator('[data-testid="stFileUploader"]').count() == 1
    else:
        assert page.get_by_role("heading", name="Tanya Pustakawan").count() == 1
    page.close()


def _data_page(server, browser, lang: str):
    page = browser.new_page(locale="id-ID", viewport={"width": 1400, "height": 2400})
    page.goto(f"{server}/data")
    if lang == "en":
        page.get_by_text("English", exact=True).first.click()
    page.get_by_role("heading", name="Import a file" if lang == "en" else "Impor berkas").wait_for(
        timeout=45_000
    )
    _finished(page, 0)
    return page


def test_upload_preview_confirm_and_result(server, browser, tmp_path):
    """The whole flow AppTest cannot drive: choose a file, see the preview, confirm."""
    page = _data_page(server, browser, "en")
    chats = tmp_path / "WhatsApp Chat with Siti Sentinel.txt"
    chats.write_bytes((FIXTURES / "wa_android_id" / "Chat WhatsApp dengan Siti Sentinel.txt")
                      .read_bytes())  # fmt: skip
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(chats))
    page.get_by_text("Preview: what will be written").wait_for(timeout=45_000)
    _finished(page, 0)
    page.screenshot(path=str(ARTIFACTS / "upload_preview_en.png"), full_page=True)
    assert page.get_by_text(
        "Kind of file: WhatsApp chat export · Service: Ask Librarian UMA"
    ).count()
    page.get_by_role("button", name="Confirm and import").click()
    page.get_by_text("imported (import #").wait_for(timeout=45_000)
    _finished(page, 0)
    page.screenshot(path=str(ARTIFACTS / "upload_done_en.png"), full_page=True)
    assert page.get_by_text("Preview: what will be written").count() == 0  # a fresh uploader
    page.close()


def test_upload_of_a_malformed_file_shows_one_message(server, browser, tmp_path):
    page = _data_page(server, browser, "id")
    bad = tmp_path / "Table data.csv"
    bad.write_bytes(b"Content,Video title,Views,Likes\nvidUMA00001,A,10,1\nvidUMA00002,B,20\n")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    error = page.locator('[data-testid="stAlertContentError"]')
    error.wait_for(timeout=45_000)
    _finished(page, 0)
    page.screenshot(path=str(ARTIFACTS / "upload_error_id.png"), full_page=True)
    assert "Table data.csv, baris 3: ada 3 nilai" in error.inner_text()  # after its icon
    assert page.get_by_text("Tidak ada yang ditulis.").count() == 1
    page.close()


@pytest.mark.parametrize(("name", "lang", "new_posts"), [("studio.zip", "id", "2"),
                                                         ("meta.csv", "en", "3")])  # fmt: skip
def test_preview_of_platform_exports(server, browser, tmp_path, name, lang, new_posts):
    page = _data_page(server, browser, lang)
    path = tmp_path / name
    path.write_bytes(studio_zip() if name.endswith(".zip") else fixture("meta_content_en.csv"))
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    title = "Pratinjau: yang akan ditulis" if lang == "id" else "Preview: what will be written"
    page.get_by_text(title).wait_for(timeout=45_000)
    _finished(page, 0)
    page.screenshot(path=str(ARTIFACTS / f"upload_preview_{name.split('.')[0]}_{lang}.png"),
                    full_page=True)  # fmt: skip
    label = "Unggahan baru" if lang == "id" else "New posts"
    card = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    assert card.locator('[data-testid="stMetricValue"]').inner_text() == new_posts
    assert page.locator('[data-testid="stDataFrame"]').count() >= 2  # accounts, preview
    page.close()


def test_words_from_a_file_are_shown_as_text_and_run_nothing(server, browser, tmp_path):
    """A column name from a hostile file reaches the warnings literally, not as Markdown."""
    page = _data_page(server, browser, "en")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = "[klik](javascript:alert('xss')) **tebal** :red[merah]"
    path = tmp_path / "Table data.csv"
    path.write_text(f'Content,Views,"{hostile}"\nvidUMA00009,5,x\n')
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    page.get_by_text("Check before you confirm:").wait_for(timeout=45_000)
    _finished(page, 0)
    page.screenshot(path=str(ARTIFACTS / "upload_hostile_en.png"), full_page=True)
    warning = page.locator('[data-testid="stAlertContentWarning"]')
    assert f"columns not recognised, not stored: {hostile}" in warning.inner_text()
    assert page.locator("a[href^='javascript']").count() == 0
    assert warning.locator("strong").count() == 0
    assert dialogs == []
    assert page.get_by_text("This file holds nothing that can be written").count() == 1
    assert page.get_by_role("button", name="Confirm and import").count() == 0
    page.close()

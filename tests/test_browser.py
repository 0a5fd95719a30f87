"""Real browser: ``streamlit run`` on a free loopback port, every page in headless Chromium.

Needs Debian's ``chromium`` (``apt-get install chromium``); CI installs it and sets
JEJARING_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from collectors.config import load_config
from collectors.demo import load_demo
from collectors.records import AccountRef, PostSnapshot
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PAGES = [
    ("", "Ringkasan per perpustakaan"),
    ("compare", "Perbandingan antarperpustakaan"),
    ("campaigns", "Kampanye bersama"),
    ("posts", "Jelajah unggahan"),
    ("data", "Kesehatan data"),
]

MIN_CHARTS = {"compare": 7, "campaigns": 1}  # campaigns: the cross-promotion Sankey

pytestmark = pytest.mark.browser

HOSTILE = (
    "<script>alert('xss1')</script> <img src=x onerror=alert('xss2')> "
    "[klik](javascript:alert('xss3')) **tebal** jebakan"
)


def hostile_post(when: dt.datetime) -> PostSnapshot:
    """A post whose caption tries to run script, load an image and make a link."""
    return PostSnapshot(
        AccountRef("uma", "instagram", "demo.uma"),
        "instagram",
        "HOSTILE001",
        when,
        "image",
        when,
        url="https://www.instagram.com/p/HOSTILE001/",
        caption=HOSTILE,
        thumbnail_url="javascript:alert('xss4')",
        likes=5,
        comments=1,
    )


def _require_browser() -> None:
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        reason = (
            "headless Chromium not available: apt-get install chromium (and pip install playwright)"
        )
        if os.environ.get("JEJARING_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    tmp = tmp_path_factory.mktemp("browser")
    url_db = f"sqlite:///{tmp / 'browser.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url_db, config.timezone)
    load_demo(store, config)
    store.write([], [hostile_post(dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))], is_demo=True)
    store.dispose()
    port = _free_port()
    env = dict(
        os.environ, JEJARING_DATABASE_URL=url_db, JEJARING_CONFIG=str(ROOT / "jejaring.toml")
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (proc.stdout.read() if proc.stdout else ""))
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_every_page_renders_without_exception(server, browser, path, heading):
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name=heading).wait_for(timeout=45_000)
    # Done when the script has finished (no skeletons left) and every chart has drawn.
    page.wait_for_function(
        """(minimum) => {
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            return !document.querySelector('[data-testid="stSkeleton"]')
                && charts.length >= minimum
                && charts.every(c => c.querySelector('svg.main-svg'));
        }""",
        arg=MIN_CHARTS.get(path, 0),
        timeout=45_000,
    )
    page.wait_for_timeout(1000)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = path or "overview"
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Data demo").count() >= 1, "demo notice shown"
    if name == "overview":
        assert page.locator('[data-testid="stMetric"]').count() >= 12
    elif name == "compare":
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 6
    elif name == "campaigns":
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 1
    elif name == "posts":
        assert page.locator('[data-testid="stDataFrame"]').count() >= 4
    else:
        assert page.locator('[data-testid="stDownloadButton"]').count() == 4
    page.close()


def test_hostile_caption_is_shown_as_text_and_runs_nothing(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/posts")
    page.get_by_role("heading", name="Jelajah unggahan").wait_for(timeout=45_000)
    page.get_by_label("Cari teks, tagar atau akun").fill("jebakan")
    page.keyboard.press("Enter")
    page.get_by_text("1 unggahan").wait_for(timeout=30_000)
    shown = page.locator('[data-testid="stText"]').filter(has_text="jebakan")
    shown.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "hostile.png"), full_page=True)
    assert shown.inner_text().strip() == HOSTILE, "shown literally, not as HTML or Markdown"
    assert dialogs == [], "no script ran"
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("strong", has_text="tebal").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_no_request_leaves_the_machine(server, browser):
    """Every page works offline: nothing is fetched from a host other than the dashboard's
    (Streamlit's ":material/…:" page icon used to come from a font CDN)."""
    from urllib.parse import urlparse

    page = browser.new_page(viewport={"width": 1400, "height": 1800})
    outside: list[str] = []

    def check(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            outside.append(request.url)

    page.on("request", check)
    for path, heading in PAGES:
        page.goto(f"{server}/{path}")
        page.get_by_role("heading", name=heading).wait_for(timeout=45_000)
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=45_000
        )
        page.wait_for_load_state("networkidle")
    assert outside == []
    page.close()


def test_report_buttons_download_html_and_pdf(server, browser):
    import io

    from pypdf import PdfReader

    page = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
    page.goto(server)
    page.get_by_role("heading", name="Ringkasan per perpustakaan").wait_for(timeout=45_000)
    saved = {}
    for label, kind in (("Unduh laporan (HTML)", "html"), ("Unduh laporan (PDF)", "pdf")):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        saved[kind] = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename.startswith("jejaring_laporan_")
        assert download.value.suggested_filename.endswith(f".{kind}")
    assert saved["html"].startswith(b"<!DOCTYPE html>") and b"<script" not in saved["html"]
    assert b"Laporan promosi bersama" in saved["html"]
    reader = PdfReader(io.BytesIO(saved["pdf"]))
    head = " ".join((reader.pages[0].extract_text() or "").split())
    assert "Laporan promosi bersama · Periode" in head and "DATA DEMO" in head
    page.close()

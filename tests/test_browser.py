"""Real browser: ``streamlit run`` on a free loopback port, every page in headless Chromium.

Needs Debian's ``chromium`` (``apt-get install chromium``); CI installs it and sets
JEJARING_REQUIRE_BROWSER=1 so that a missing browser fails instead of skipping.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from benchmarks.browser import CHROMIUM, serve
from collectors.config import load_config
from collectors.demo import load_demo
from collectors.records import AccountRef, PostSnapshot
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
# (URL path, heading in Bahasa Indonesia, in English)
PAGES = [
    ("", "Ringkasan per perpustakaan", "Overview per library"),
    ("compare", "Perbandingan antarperpustakaan", "Libraries side by side"),
    ("campaigns", "Kampanye bersama", "Joint campaigns"),
    ("posts", "Jelajah unggahan", "Posts explorer"),
    ("categories", "Kategori konten", "Content categories"),
    ("data", "Kesehatan data", "Data health"),
]
# The browser's language chooses the dashboard's (st.context.locale).
LOCALES = {"id": "id-ID", "en": "en-US"}
DEMO = {"id": "Data demo", "en": "Demo data"}

# audience, the connected library's daily reach and views (two per platform), two weekly
# charts per platform, two content types, two heatmaps; campaigns: the timeline and the
# cross-promotion Sankey; categories: mean ER per category
MIN_CHARTS = {"compare": 13, "campaigns": 2, "categories": 1}
# The owner-level parts (the demo's first library is connected): a heading and a source
REACH = {
    "id": ("Jangkauan nyata — akun terhubung", "sumber: API resmi (Instagram Graph) · demo"),
    "en": ("Real reach — connected accounts", "source: official API (Instagram Graph) · demo"),
}
COLLECTION = {"id": "Cara pengambilan per akun", "en": "How each account is collected"}
DONE = '[data-testid="jejaring-done"]'

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
    with serve(url_db, ROOT / "jejaring.toml") as running:
        yield running.base


def wait_until_finished(page, after: int = 0, minimum_charts: int = 0) -> int:
    """Wait for the app's own finished state: the marker each page writes as its last
    element once its script has run (a run number above ``after``), then for every plotly
    chart to have drawn and no element to stand as a skeleton (a lazily loaded component).
    Returns the run number."""
    page.wait_for_function(
        """([selector, after]) => [...document.querySelectorAll(selector)]
            .some(m => Number(m.dataset.run) > after)""",
        arg=[DONE, after],
        timeout=60_000,
    )
    page.wait_for_function(
        """(minimum) => {
            const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
            const loading = '[data-testid="stMain"] [data-testid="stSkeleton"]';
            return !document.querySelector(loading) && charts.length >= minimum
                && charts.every(c => c.querySelector('svg.main-svg'));
        }""",
        arg=minimum_charts,
        timeout=45_000,
    )
    return max(int(m.get_attribute("data-run")) for m in page.locator(DONE).all())


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(("path", "heading_id", "heading_en"), PAGES)
def test_every_page_renders_without_exception(server, browser, path, heading_id, heading_en, lang):
    # Tall enough for the whole page: Streamlit scrolls inside its main block, which a
    # full-page screenshot does not capture.
    page = browser.new_page(viewport={"width": 1400, "height": 6400}, locale=LOCALES[lang])
    page.goto(f"{server}/{path}")
    wait_until_finished(page, minimum_charts=MIN_CHARTS.get(path, 0))
    heading = heading_id if lang == "id" else heading_en
    assert page.get_by_role("heading", name=heading).count() == 1
    assert page.locator(DONE).last.get_attribute("data-lang") == lang
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = path or "overview"
    page.screenshot(path=str(ARTIFACTS / f"{name}-{lang}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text(DEMO[lang]).count() >= 1, "demo notice shown"
    # Nothing wider than the page: tables keep within it and scroll inside.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    main = page.locator('[data-testid="stMain"]').bounding_box()
    for table in page.locator('[data-testid="stDataFrame"]').all():
        box = table.bounding_box()
        assert box["x"] + box["width"] <= main["x"] + main["width"] + 1
    if name == "overview":
        assert page.locator('[data-testid="stMetric"]').count() >= 12
        heading, source = REACH[lang]
        assert page.get_by_role("heading", name=heading).count() == 1
        assert page.get_by_text(source, exact=True).count() >= 8, "a source under each card"
    elif name == "compare":
        assert page.locator('[data-testid="stPlotlyChart"]').count() >= 13
    elif name == "campaigns":
        # the timeline's legend says what colour and shape encode
        legend = page.eval_on_selector_all(
            '[data-testid="stPlotlyChart"] .legendtext', "els => els.map(e => e.textContent)"
        )
        assert {"UMA · Instagram", "UNIMED · Instagram"} <= set(legend)
        assert page.locator('[data-testid="stMetric"]').count() >= 7
    elif name == "posts":
        assert page.locator('[data-testid="stDataFrame"]').count() >= 4
    elif name == "categories":
        assert page.locator('[data-testid="stDataFrame"]').count() >= 2
    else:
        assert page.locator('[data-testid="stDownloadButton"]').count() == 4
        assert page.get_by_role("heading", name=COLLECTION[lang]).count() == 1
    page.close()


# Per weekly chart: its title, its x tick labels (first line, box) and its legend's box.
_WEEKLY_AXES = """charts => charts.map(c => {
    const box = e => { const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
    const title = c.querySelector('.gtitle');
    return {
        title: title ? title.textContent : '',
        svg: box(c.querySelector('svg.main-svg')),
        legend: c.querySelector('g.legend') ? box(c.querySelector('g.legend')) : null,
        ticks: [...c.querySelectorAll('g.xtick text')].map(t => {
            const line = t.querySelector('tspan.line');
            return {text: (line || t).textContent, box: box(t)};
        }),
    };
})"""


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("period", ["365", "all"])
def test_weekly_axes_stay_readable_over_long_periods(server, browser, lang, period):
    """At a year or more of weeks: a few level labels, each a whole Monday in the language
    (not "22 De" or "Dec 2" for Dec 22), apart from each other, inside the chart and above
    its legend."""
    from babel.dates import get_month_names

    page = browser.new_page(viewport={"width": 1400, "height": 5200}, locale=LOCALES[lang])
    page.goto(f"{server}/compare?period={period}")
    wait_until_finished(page, minimum_charts=MIN_CHARTS["compare"])
    charts = page.eval_on_selector_all('[data-testid="stPlotlyChart"]', _WEEKLY_AXES)
    weekly = [c for c in charts if ("per minggu" if lang == "id" else "per week") in c["title"]]
    assert len(weekly) == 4, [c["title"] for c in charts]
    months = {v: k for k, v in get_month_names("abbreviated", locale=lang).items()}
    today = dt.date.today()
    for chart in weekly:
        ticks = chart["ticks"]
        assert 4 <= len(ticks) <= 8, chart["title"]
        for tick in ticks:
            words = tick["text"].rstrip("*").split()
            day, month = words if lang == "id" else words[::-1]
            assert month in months, tick["text"]  # a whole month name, not clipped
            # a Monday of the last years
            assert any(
                dt.date(year, months[month], int(day)).weekday() == 0
                for year in range(today.year - 3, today.year + 1)
            ), tick["text"]
        boxes = sorted((t["box"] for t in ticks), key=lambda b: b["left"])
        for left, right in zip(boxes, boxes[1:], strict=False):
            assert left["right"] <= right["left"], "labels apart"
        assert all(b["bottom"] - b["top"] < 40 for b in boxes), "level, not rotated"
        svg = chart["svg"]
        assert all(svg["left"] <= b["left"] and b["right"] <= svg["right"] for b in boxes)
        assert all(b["bottom"] <= svg["bottom"] for b in boxes), "not cut off"
        assert chart["legend"]["top"] >= max(b["bottom"] for b in boxes), "legend below"
    page.close()


def test_language_switch_keeps_the_period_and_the_url(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="id-ID")
    page.goto(f"{server}/compare?period=90")
    run = wait_until_finished(page, minimum_charts=MIN_CHARTS["compare"])
    assert page.get_by_text("(90 hari)").count() >= 1
    page.get_by_text("English", exact=True).click()
    run = wait_until_finished(page, after=run, minimum_charts=MIN_CHARTS["compare"])
    assert page.get_by_role("heading", name="Libraries side by side").count() == 1
    assert page.get_by_text("(90 days)").count() >= 1
    assert "lang=en" in page.url and "period=90" in page.url
    page.get_by_role("link", name="Posts").click()
    wait_until_finished(page, after=run)
    assert page.get_by_role("heading", name="Posts explorer").count() == 1
    assert page.get_by_text("(90 days)").count() >= 1
    assert "lang=en" in page.url and "period=90" in page.url
    page.close()


def test_hostile_caption_is_shown_as_text_and_runs_nothing(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="id-ID")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{server}/posts")
    run = wait_until_finished(page)
    page.get_by_label("Cari teks, tagar atau akun").fill("jebakan")
    page.keyboard.press("Enter")
    wait_until_finished(page, after=run)
    shown = page.locator('[data-testid="stText"]').filter(has_text="jebakan")
    assert page.get_by_text("Unggahan ditemukan: Instagram 1", exact=True).count() == 1
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

    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="id-ID")
    outside: list[str] = []

    def check(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != "127.0.0.1":
            outside.append(request.url)

    page.on("request", check)
    for path, heading, _ in PAGES:
        page.goto(f"{server}/{path}")
        wait_until_finished(page, minimum_charts=MIN_CHARTS.get(path, 0))
        assert page.get_by_role("heading", name=heading).count() == 1
        page.wait_for_load_state("networkidle")
    assert outside == []
    page.close()


def test_report_buttons_download_html_and_pdf(server, browser):
    import io

    from pypdf import PdfReader

    page = browser.new_page(
        viewport={"width": 1400, "height": 1800}, accept_downloads=True, locale="id-ID"
    )
    page.goto(server)
    wait_until_finished(page)
    assert page.get_by_role("heading", name="Ringkasan per perpustakaan").count() == 1
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


def test_data_page_downloads_are_built_when_clicked(server, browser):
    import io

    from openpyxl import load_workbook

    page = browser.new_page(
        viewport={"width": 1400, "height": 1800}, accept_downloads=True, locale="id-ID"
    )
    page.goto(f"{server}/data")
    wait_until_finished(page)
    saved = {}
    for label in ("Unggahan (CSV)", "Riwayat akun (Excel)"):
        with page.expect_download(timeout=120_000) as download:
            page.get_by_role("button", name=label).click()
        saved[label] = Path(download.value.path()).read_bytes()
        assert download.value.suggested_filename.startswith("jejaring_")
    header = saved["Unggahan (CSV)"].decode("utf-8-sig").splitlines()[0]
    assert "terbit_waktu_lokal" in header and ";" in header  # Indonesian CSV
    sheet = load_workbook(io.BytesIO(saved["Riwayat akun (Excel)"])).active
    assert sheet.max_row > 10
    page.close()


def test_a_search_reruns_the_list_alone(server, browser):
    """The Posts page's search, kinds, order and list are a fragment: typing a search
    reruns that part (its marker moves on), not the whole page (the page's stays)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1800}, locale="id-ID")
    page.goto(f"{server}/posts")
    run = wait_until_finished(page)
    page.get_by_label("Cari teks, tagar atau akun").fill("literasi")
    page.keyboard.press("Enter")
    wait_until_finished(page, after=run)
    runs = sorted(int(m.get_attribute("data-run")) for m in page.locator(DONE).all())
    assert runs == [run, run + 1], "the page's own marker is the one of the first run"
    assert page.get_by_text("Unggahan ditemukan:").count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()

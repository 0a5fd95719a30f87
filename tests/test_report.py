"""The manager's report: HTML and PDF from a real demo store, the command line's exit codes,
and the HTML printed by headless Chromium.

KPIs expected in the report are computed from raw SQL rows by ``tests.test_app``'s plain
Python (independently of dashboard/metrics.py); the PDF is read back with pypdf.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sqlite3
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from collectors.config import load_config
from collectors.demo import load_demo
from collectors.records import AccountRef, AccountSnapshot, PostSnapshot
from collectors.store import Store
from dashboard.metrics import Period
from dashboard.pagedata import choose, shown_accounts, window_loader
from dashboard.report import build_pdf, build_report, cli
from dashboard.report.content import (
    Heading,
    Link,
    Paragraph,
    Report,
    Table,
    keep_groups,
    report_content,
    sources_line,
    sources_of,
)
from dashboard.report.render_pdf import PLACEHOLDER, literal, render_pdf
from tests.conftest import DEMO_END
from tests.test_app import expected_kpis

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "jejaring.toml"
CAMPAIGN = Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30))  # Bulan Literasi 2025
HOSTILE = (
    "<script>alert('x')</script> Bacaan 😀📚 图书馆 <img src=x onerror=alert(2)> #bulanliterasi"
)
HOSTILE_URL = "https://www.instagram.com/p/HOSTILE7/"
A4 = (595.28, 841.89)  # points


def hostile_post() -> PostSnapshot:
    """A campaign post whose caption holds markup, emoji and CJK; far more likes than any
    demo post, so it heads the campaign's top posts."""
    when = dt.datetime(2025, 9, 10, 3, 0, tzinfo=dt.UTC)
    return PostSnapshot(
        AccountRef("uma", "instagram", "demo.uma"),
        "instagram",
        "HOSTILE7",
        when,
        "image",
        when + dt.timedelta(days=30),
        url=HOSTILE_URL,
        caption=HOSTILE,
        hashtags=("bulanliterasi",),
        likes=90_000,
        comments=5,
    )


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('report') / 'demo.db'}"
    config = load_config(CONFIG)
    store = Store(url, config.timezone)
    load_demo(store, config, DEMO_END)
    store.write([], [hostile_post()], is_demo=True)
    store.dispose()
    return url


@pytest.fixture
def env(demo_url, monkeypatch) -> str:
    monkeypatch.setenv("JEJARING_DATABASE_URL", demo_url)
    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    return demo_url


def content(url: str, period: Period, lang: str = "id", kind: str = "html") -> str | bytes:
    """The report built as the dashboard builds it (no command line)."""
    config = load_config(CONFIG)
    store = Store(url, config.timezone)
    try:
        shown = shown_accounts(store.accounts())
        chosen = choose(shown, ["uma", "unimed"], ["instagram", "youtube"])
        load = window_loader(store, config.timezone, chosen)
        sources = sources_of(chosen, store.last_captures(), store.run_items())
        build = build_report if kind == "html" else build_pdf
        return build(load, shown, config, period, lang, sources)
    finally:
        store.dispose()


def id_number(value: float, decimals: int = 0) -> str:
    """12.345,67 — written out here, not with dashboard.i18n."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def expected_cells(url: str, period: Period) -> list[str]:
    """Each library's and platform's audience, posts, engagements, views and mean ER, as
    the report's cells must show them (Indonesian formats)."""
    cells = []
    for (_, platform), kpi in expected_kpis(url, period.start, period.end).items():
        if platform == "all":  # platforms are never added up (YouTube API policy)
            continue
        cells += [
            id_number(kpi["audience"]),
            id_number(kpi["posts"]),
            id_number(kpi["eng"]),
            id_number(kpi["views"]),
            id_number(sum(kpi["ers"]) / len(kpi["ers"]), 2) + "%",
        ]
    return cells


class _Attributes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_style = tag == "style"
        for name, value in attrs:
            if name in ("src", "href", "srcset", "action", "poster", "data") or name.startswith(
                "on"
            ):
                self.urls.append((tag, name, value or ""))

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def test_html_is_offline_escaped_printable_and_shows_the_kpis(demo_url):
    document = content(demo_url, CAMPAIGN)
    parsed = _Attributes()
    parsed.feed(document)
    # Offline: images inline, links only to posts, no script, nothing fetched by CSS.
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert not [u for u in parsed.urls if u[1].startswith("on")]
    srcs = [v for tag, name, v in parsed.urls if name != "href"]
    assert srcs and all(v.startswith("data:image/svg+xml;base64,") for v in srcs)
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        post_urls = {u for (u,) in conn.execute(sa.text("SELECT url FROM posts"))}
    engine.dispose()
    hrefs = [v for _tag, name, v in parsed.urls if name == "href"]
    assert hrefs and all(h.startswith("https://") and h in post_urls for h in hrefs)
    assert len(re.findall(r"(?:https?:)?//", document)) == len(hrefs), "no other URL anywhere"
    assert "url(" not in parsed.style and "@import" not in parsed.style
    # Printable: A4, running head with the period and the sources on every page, headers
    # of tables repeated, no break inside rows, charts or short tables.
    assert "@page { size: A4 portrait" in parsed.style
    top = re.search(r"@top-left \{ content: (\".*?\");", parsed.style).group(1)
    assert "1 Sep 2025 – 30 Sep 2025" in top and "Sumber: Instagram; YouTube" in top
    assert "DATA DEMO" in top
    assert "counter(page)" in parsed.style and "@media print" in parsed.style
    assert "thead { display: table-header-group; }" in parsed.style
    assert re.search(r"\.keep \{ break-inside: avoid", parsed.style)
    # The hostile caption is text, not markup; emoji and CJK stay as they are.
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Bacaan 😀📚 图书馆" in document
    assert "<img src=x" not in document and "onerror" not in document.replace("onerror=alert", "")
    # The summary is split: four tables of library rows, this period / previous / change.
    assert document.count(">periode ini</th>") == 7  # 2 + 2 + 2 + 1 measures
    for cell in expected_cells(demo_url, CAMPAIGN):
        assert f"<td class='num'>{cell}</td>" in document, cell
    assert "Bulan Literasi 2025" in document and "Rasio ER per akun" in document
    assert document.index(HOSTILE_URL) < document.index("Sumber data"), "top post listed"


def test_html_in_english_uses_english_words_and_numbers(demo_url):
    document = content(demo_url, CAMPAIGN, "en")
    # English dates as CLDR writes them (Babel): "Sep 1, 2025"
    assert "Joint promotion report" in document and "Period Sep 1, 2025 – Sep 30, 2025" in document
    kpi = expected_kpis(demo_url, CAMPAIGN.start, CAMPAIGN.end)[("uma", "instagram")]
    assert f"<td class='num'>{kpi['audience']:,}</td>" in document
    assert ">this period</th>" in document and "Sources: Instagram; YouTube" in document
    assert "Laporan" not in document.replace("jejaring_laporan", "")


def _pages(data: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def test_pdf_is_a4_with_head_on_every_page_and_the_kpis(demo_url):
    data = content(demo_url, CAMPAIGN, kind="pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == pytest.approx(A4, abs=0.5)
    pages = _pages(data)
    for number, text in enumerate(pages, start=1):
        assert "Laporan promosi bersama · Periode 1 Sep 2025 – 30 Sep 2025" in text, number
        assert "Sumber: Instagram; YouTube · DATA DEMO" in text, number
        assert f"Halaman {number} dari {len(pages)}" in text, number
    whole = " ".join(pages)
    for cell in expected_cells(demo_url, CAMPAIGN):
        assert f" {cell} " in f" {whole} ", cell
    assert "Bulan Literasi 2025" in whole and "Definisi" in whole
    # The caption is drawn literally; what the font cannot draw became one box per run.
    # (DejaVu Sans draws 😀 but not 📚 or 图书馆.)
    assert f"<script>alert('x')</script> Bacaan 😀{PLACEHOLDER} {PLACEHOLDER} <img src=x" in whole
    assert reader.metadata.title.startswith("Laporan promosi bersama · Periode 1 Sep 2025")


def short_tables(url: str, period: Period) -> list[tuple[str, str]]:
    """(first row, last row) as text of each table the report keeps on one page."""
    config = load_config(CONFIG)
    store = Store(url, config.timezone)
    try:
        shown = shown_accounts(store.accounts())
        load = window_loader(store, config.timezone, shown)
        sources = sources_of(shown, store.last_captures(), store.run_items())
        report = report_content(load, shown, config, period, "id", sources)
    finally:
        store.dispose()
    found = []
    for run, whole in keep_groups(report.blocks):
        for block in run:
            if isinstance(block, Table) and whole and len(block.rows) > 1:
                text = [[c.text if isinstance(c, Link) else c for c in r] for r in block.rows]
                if all(len(c) < 25 for row in text for c in row):  # no wrapped cells
                    found.append((" ".join(text[0]), " ".join(text[-1])))
    return found


def test_pdf_never_splits_a_short_table(demo_url):
    pages = _pages(content(demo_url, CAMPAIGN, kind="pdf"))
    tables = short_tables(demo_url, CAMPAIGN)
    assert len(tables) >= 6  # four KPI groups, the campaign's figures, lift per account
    for first, last in tables:
        where = [i for i, text in enumerate(pages) if first in text]
        assert len(where) == 1 and last in pages[where[0]], (first, last)


def synthetic(blocks: list) -> Report:
    return Report(
        lang="en",
        title="Joint promotion report",
        period=CAMPAIGN,
        period_line="Period 1 Sep 2025 – 30 Sep 2025",
        sources_line="Sources: Instagram · real data",
        generated_line="Generated 1 Oct 2025 08:00",
        libraries_line="Libraries: UMA",
        blocks=blocks,
        empty=False,
    )


def test_pdf_moves_a_short_table_with_its_heading_to_the_next_page():
    """Whatever precedes it, a short table and its heading land on one page."""
    rows = [[f"row{i:02d}", f"{i * 1000:,}"] for i in range(12)]
    table = Table(["Library", "Audience"], rows, [False, True], [1.0, 1.0])
    moved = 0
    for lines in range(30, 60, 3):  # filler ending at different heights of page 1
        filler = Paragraph("\n".join(f"filler line {n}" for n in range(lines)))
        pages = _pages(render_pdf(synthetic([filler, Heading("Short table", 4), table])))
        where = [i for i, text in enumerate(pages) if "row00" in text]
        assert len(where) == 1 and "row11" in pages[where[0]], lines
        assert "Short table Library Audience row00" in pages[where[0]], lines
        moved += where[0] == 1
    assert moved, "the filler pushed the table over a page break at least once"


def test_pdf_long_table_repeats_its_header_on_every_page():
    rows = [[f"row{i:03d}", str(i)] for i in range(150)]
    table = Table(["Library", "Audience"], rows, [False, True], [1.0, 1.0], [("", 1), ("Group", 1)])
    pages = _pages(render_pdf(synthetic([Heading("Long table", 4), table])))
    assert len(pages) >= 3
    for text in pages:
        assert "Group Library Audience row" in text
    assert "row149" in pages[-1]


def test_pdf_in_english(demo_url):
    pages = _pages(content(demo_url, CAMPAIGN, "en", kind="pdf"))
    assert all("Joint promotion report · Period Sep 1, 2025 – Sep 30, 2025" in p for p in pages)
    assert all(f"Page {i} of {len(pages)}" in p for i, p in enumerate(pages, start=1))


def test_text_the_font_cannot_draw_becomes_placeholders_never_an_error():
    assert literal("abc") == "abc"
    assert literal("Ayo 👩‍👩‍👧 baca ❤️ 📚📚 图书馆!") == (
        f"Ayo {PLACEHOLDER} baca ❤️ {PLACEHOLDER} {PLACEHOLDER}!"
    )
    assert literal("👍🏽 🇮🇩") == f"{PLACEHOLDER} {PLACEHOLDER}"
    assert literal("tab\tnul\x00 bell\x07") == "tab nul  bell "
    assert literal("broken \ud83d emoji") == f"broken {PLACEHOLDER} emoji"
    assert literal("Ünïcödé ĞŞ Ωμέγα Кириллица é") == "Ünïcödé ĞŞ Ωμέγα Кириллица é"


def real_store(url: str) -> None:
    """Real (not demo) accounts: YouTube collected through the Data API in a recorded run;
    Instagram from before runs recorded their path."""
    store = Store(url, "Asia/Jakarta")
    captured = dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC)  # 21 Nov 06:30 WIB
    yt = AccountRef("uma", "youtube", "@perpustakaanuma")
    ig = AccountRef("uma", "instagram", "perpustakaan.uma")
    store.write(
        [
            AccountSnapshot(yt, captured, followers=1200),
            AccountSnapshot(ig, captured - dt.timedelta(days=1), followers=5000),
        ],
        [
            PostSnapshot(
                ig, "instagram", "REAL1", captured - dt.timedelta(days=2), "image", captured,
                url="https://www.instagram.com/p/REAL1/", caption="Jam layanan 📚", likes=40,
                comments=2,
            )
        ],
    )  # fmt: skip
    run = store.start_run("refresh")
    ids = dict(zip(store.accounts()["handle"], store.accounts()["id"], strict=True))
    store.record_run_item(
        run, int(ids["@perpustakaanuma"]), started_at=captured, status="ok", path="data_api"
    )
    store.finish_run(run, "ok")
    store.dispose()


def test_sources_name_paths_real_data_and_the_last_capture(db_url, monkeypatch):
    real_store(db_url)
    config = load_config(CONFIG)
    report = cli.build(db_url, config, Period(dt.date(2026, 11, 1), dt.date(2026, 11, 21)), "id",
                       ["uma"])  # fmt: skip
    line = (
        "Sumber: Instagram – instaloader (halaman publik); YouTube – YouTube Data API (data "
        "publik) · data nyata · terakhir diambil 21 Nov 2026 06.30 (Asia/Jakarta)"
    )
    assert report.sources_line == line
    assert report.running_head[1] == line
    assert not report.empty


def test_sources_of_accounts_without_captures_or_paths():
    accounts = pd.DataFrame(
        {
            "id": [1, 2],
            "library_id": ["uma", "unimed"],
            "platform": ["instagram", "instagram"],
            "handle": ["a", "b"],
            "is_demo": [False, False],
        }
    )
    captures = pd.DataFrame({"account_id": [2], "captured_at": [pd.Timestamp("2026-01-05T01:00Z")]})
    items = pd.DataFrame(
        {"run_id": [1, 2, 3], "account_id": [1, 1, 1], "path": ["instaloader", "graph_api", None]}
    )
    sources = sources_of(accounts, captures, items)
    assert list(sources.accounts["path"]) == ["graph_api", "instaloader"]  # newest recorded
    assert sources.last_capture == pd.Timestamp("2026-01-05T01:00Z")
    assert sources_line(sources, "Asia/Jakarta", "en") == (
        "Sources: Instagram – Instagram Graph API (own account), instaloader (public pages) "
        "· real data · last captured Jan 5, 2026, 08:00 (Asia/Jakarta)"
    )


# -- the command line ---------------------------------------------------------------------


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_writes_html_and_pdf_beside_it(env, tmp_path, capsys):
    out = tmp_path / "laporan.html"
    code, stdout, stderr = run_main(
        capsys, "--from", "2025-09-01", "--to", "2025-09-30", "--out", str(out), "--pdf"
    )
    assert code == 0, stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert PdfReader(str(tmp_path / "laporan.pdf")).pages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["laporan.html", "laporan.pdf"]
    assert f"Report written to {out}" in stdout and "laporan.pdf" in stdout


def test_cli_out_naming_a_pdf_writes_only_the_pdf(env, tmp_path, capsys):
    out = tmp_path / "laporan.pdf"
    code, _, stderr = run_main(
        capsys, "--from", "2025-09-01", "--to", "2025-09-07", "--out", str(out), "--lang", "en"
    )
    assert code == 0, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["laporan.pdf"]
    assert "Joint promotion report" in _pages(out.read_bytes())[0]


def test_cli_period_without_data_says_so_on_the_page_and_on_stderr(env, tmp_path, capsys):
    out = tmp_path / "kosong.html"
    code, _, stderr = run_main(
        capsys, "--from", "2010-01-01", "--to", "2010-01-31", "--out", str(out), "--pdf"
    )
    assert code == 0
    assert "No data for 2010-01-01 – 2010-01-31" in stderr
    assert "Tidak ada data untuk periode 1 Jan 2010 – 31 Jan 2010" in out.read_text()
    pdf = " ".join(_pages((tmp_path / "kosong.pdf").read_bytes()))
    assert "Tidak ada data untuk periode 1 Jan 2010 – 31 Jan 2010" in pdf


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--library", "xyz"], "Unknown library 'xyz'; the libraries in"),
        (["--library", "uma", "--library", "xyz"], "are: uma, unimed."),
        (["--from", "2025-13-01"], "--from '2025-13-01' is not a date; write it as YYYY-MM-DD."),
        (["--from", "2025-09-30", "--to", "2025-09-01"], "--to 2025-09-01 is before --from"),
        (["--to", "kemarin"], "--to 'kemarin' is not a date"),
        (["--out", "{tmp}/laporan.docx"], "must end in .html or .pdf"),
        (["--out", "{tmp}/tidak/ada/laporan.html"], "The folder {tmp}/tidak/ada does not exist"),
        (["--out", "{tmp}/folder.html"], "is a folder"),
    ],
)
def test_cli_bad_arguments_exit_2_with_one_sentence_and_write_nothing(
    env, tmp_path, capsys, argv, message
):
    (tmp_path / "folder.html").mkdir()
    argv = [a.format(tmp=tmp_path) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "laporan.html")]
    code, stdout, stderr = run_main(capsys, *argv)
    assert code == 2
    assert message.format(tmp=tmp_path) in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr and stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["folder.html"], "nothing written"


def newer_store(path: Path) -> str:
    url = f"sqlite:///{path}"
    Store(url, notice=lambda _text: None).dispose()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.commit()
    conn.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm files left beside it
    conn.close()
    return url


@pytest.mark.parametrize("case", ["newer", "damaged", "missing", "unreachable", "foreign"])
def test_cli_database_that_cannot_be_used_exits_4_with_one_sentence(
    case, tmp_path, monkeypatch, capsys
):
    db = tmp_path / "jejaring.db"
    if case == "newer":
        url = newer_store(db)
        expected = "newer than this Jejaring"
    elif case == "damaged":
        db.write_bytes(b"this is no database\0" * 300)
        url, expected = f"sqlite:///{db}", f"the database file {db} is not an SQLite database"
    elif case == "missing":
        url = f"sqlite:///{db}"
        expected = (
            f"the database file {db} does not exist; collect data first "
            "(.venv/bin/python -m collectors refresh, or .venv/bin/python -m collectors demo)"
        )
    elif case == "unreachable":
        url = "postgresql+psycopg://jejaring:rahasia-sekali@127.0.0.1:1/jejaring"
        expected = "cannot connect to the postgresql database 'jejaring' on 127.0.0.1:1"
    else:
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE catatan (x)")
        conn.close()
        url, expected = f"sqlite:///{db}", "is not a Jejaring store"
    before = sorted(p.name for p in tmp_path.iterdir())
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    out = tmp_path / "laporan.html"
    code, stdout, stderr = run_main(capsys, "--out", str(out), "--pdf")
    assert code == 4, stderr
    assert stderr.startswith("Database error: ") and expected in stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr and stdout == ""
    assert "rahasia" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written or created"


def test_failed_write_leaves_nothing_behind(tmp_path):
    good, bad = tmp_path / "a.html", tmp_path / "gone" / "a.pdf"
    with pytest.raises(OSError):
        cli.write_all([(good, b"<html>"), (bad, b"%PDF")])
    assert list(tmp_path.iterdir()) == [], "neither file, nor a temporary one"
    good.write_bytes(b"old")
    with pytest.raises(OSError):
        cli.write_all([(good, b"new"), (bad, b"%PDF")])
    assert good.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_module_command_runs_without_a_traceback(env, tmp_path):
    """``python -m dashboard.report`` as a person runs it: default file name, exit codes."""
    run = lambda *argv: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "dashboard.report", *argv],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    done = run("--from", "2026-11-01", "--to", "2026-11-24", "--pdf")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "jejaring_laporan_20261101-20261124.html",
        "jejaring_laporan_20261101-20261124.pdf",
    ]
    bad = run("--library", "xyz")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "the libraries in" in bad.stderr and "uma, unimed" in bad.stderr


# -- printed by a browser -------------------------------------------------------------------


def test_chromium_prints_the_html_on_a4_with_the_head_on_every_page(demo_url, tmp_path):
    from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS
    from tests.test_browser import ARTIFACTS, _require_browser

    _require_browser()
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "laporan.html"
    page_file.write_text(content(demo_url, CAMPAIGN), encoding="utf-8")
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_file.as_uri())
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        printed = page.pdf(format="A4")
        browser.close()
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    (ARTIFACTS / "report-chromium.pdf").write_bytes(printed)
    reader = PdfReader(io.BytesIO(printed))
    pages = _pages(printed)
    assert len(pages) >= 3
    for number, (page, text) in enumerate(zip(reader.pages, pages, strict=True), start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=1)
        assert "Periode 1 Sep 2025 – 30 Sep 2025" in text, number
        assert "Sumber: Instagram; YouTube · DATA DEMO" in text, number
        assert f"Halaman {number} dari {len(pages)}" in text, number
    for first, last in short_tables(demo_url, CAMPAIGN):
        where = [i for i, text in enumerate(pages) if first in text]
        assert len(where) == 1 and last in pages[where[0]], (first, last)


def test_charts_use_library_colours_and_legends_say_what_marks_encode(demo_url):
    import base64

    document = content(demo_url, CAMPAIGN)
    charts = [
        base64.b64decode(x).decode()
        for x in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", document)
    ]
    # audience, two weekly charts per platform (never added up), the campaign's timeline
    assert len(charts) == 6
    config = load_config(CONFIG)
    for svg in charts:
        # matplotlib names every text it draws as paths in a comment
        assert "<!-- Warna = perpustakaan: -->" in svg and "<!-- UMA -->" in svg
        assert all(lib.color in svg for lib in config.libraries)
        assert re.search(r"<!-- \d{1,3}(\.\d{3})+ -->", svg) or re.search(r"<!-- \d+ -->", svg)
    timeline = charts[-1]
    assert "<!-- Penanda = platform: -->" in timeline and "<!-- YouTube -->" in timeline
    assert "<!-- 1 Sep 2025 -->" in timeline


@pytest.mark.parametrize("lang", ["id", "en"])
def test_weekly_charts_are_labelled_on_the_mondays_where_the_points_sit(lang):
    """The report's weekly points sit on Mondays: so do their labels (not on the 1st and
    the 15th of the month), at most five, in the report's language."""
    from babel.dates import get_month_names

    from dashboard import metrics
    from dashboard.report import figures

    period = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 29))  # Thu … Tue, 14 weeks
    weeks = metrics.period_weeks(period)
    weekly = weeks.assign(library_id="uma", posts=range(len(weeks)))
    svg = figures.weekly_chart(
        weekly,
        "posts",
        "Unggahan",
        {"uma": "#1b7f3b"},
        {"uma": "UMA"},
        lang,
        period.start,
        period.end,
    )
    months = {name: number for number, name in get_month_names("abbreviated", locale=lang).items()}
    # matplotlib names every text it draws as paths in a comment: "5 Okt 2026" / "Oct 5, 2026"
    pattern = (
        r"<!-- (\d{1,2}) (\w+) (\d{4}) -->"
        if lang == "id"
        else r"<!-- (\w+) (\d{1,2}), (\d{4}) -->"
    )
    labels = re.findall(pattern, svg)
    shown = [
        dt.date(int(y), months[a], int(b)) if lang == "en" else dt.date(int(y), months[b], int(a))
        for a, b, y in labels
    ]
    assert 3 <= len(shown) <= 5
    assert all(day in set(weeks["week"]) for day in shown), shown  # Mondays of the weeks
    assert max(shown) == max(weeks["week"]), "the latest week is labelled"

"""The dashboard as a user meets it: ``streamlit run`` on loopback, pages in headless Chromium.

    .venv/bin/python -m benchmarks.browser                 # the consortium store (build it first
                                                           # with benchmarks.consortium)
    .venv/bin/python -m benchmarks.browser --write         # ... and update benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks.browser --database postgresql+psycopg://…   # same on PostgreSQL
    .venv/bin/python -m benchmarks.browser --smoke         # tiny store, seconds (CI)

Measures, per page, from a fresh server each round: the time from opening the page's address
to its finished state (the page's own marker written, every chart drawn), and the time of
each filter change made in the sidebar (period 30 → 90 → 365 days → all time, the language,
one library less), with what was sent to the browser (WebSocket bytes, Plotly traces and
points, table rows); then the server's memory over 100 page views with changing filters.
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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
PAGES = ["overview", "compare", "campaigns", "posts", "categories", "services", "data"]
DONE = '[data-testid="jejaring-done"]'
# Period presets as the sidebar names them in Bahasa Indonesia (the browser's locale).
PERIODS = {"90": "90 hari terakhir", "365": "12 bulan terakhir", "all": "Semua waktu"}


# -- the server -------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    base: str

    def rss_mb(self) -> float:
        """The server process's resident memory now (MB)."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(status.split("VmRSS:")[1].split()[0]) / 1024

    def peak_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024


@contextlib.contextmanager
def serve(database_url: str, config_path: Path) -> Iterator[Server]:
    """``streamlit run`` on a free loopback port, as the README starts it; when it does not
    answer, the error holds the end of what it printed."""
    port = _free_port()
    env = dict(os.environ, JEJARING_DATABASE_URL=database_url, JEJARING_CONFIG=str(config_path))
    log = tempfile.TemporaryFile()  # noqa: SIM115 (closed when the server is stopped)
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:  # noqa: S310 (loopback http)
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                proc.wait()
                log.seek(0)
                said = log.read().decode(errors="replace")[-2000:]
                log.close()
                raise RuntimeError(f"streamlit did not start: {said}") from None
            time.sleep(0.2)  # until it answers (a poll of its health, not a guess)
    try:
        yield Server(proc, base)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# -- one view ---------------------------------------------------------------------------


@dataclass
class View:
    """One page view or filter change as the browser met it."""

    page: str
    step: str
    seconds: float
    ws_bytes: int = 0
    traces: int = 0
    points: int = 0
    tables: int = 0
    exception: bool = False


@dataclass
class Tab:
    """A browser page with a counter of the WebSocket bytes it received."""

    page: object
    received: list[int] = field(default_factory=lambda: [0])

    @classmethod
    def open(cls, context) -> Tab:
        """A new tab (a new Streamlit session) of a browser ``context`` (its cache: the
        dashboard's scripts and styles are loaded once per context, as in a staff member's
        browser)."""
        page = context.new_page()
        tab = cls(page)

        def on_socket(ws) -> None:
            ws.on("framereceived", lambda payload: tab.received.__setitem__(
                0, tab.received[0] + len(payload)))  # fmt: skip

        page.on("websocket", on_socket)
        return tab

    def run_number(self) -> int:
        runs = self.page.eval_on_selector_all(DONE, "els => els.map(e => Number(e.dataset.run))")
        return max(runs, default=0)

    def wait(self, after: int, timeout_s: float = 60) -> None:
        """Until the page has finished a run after ``after``: its marker written and every
        chart drawn."""
        try:
            self._wait(after, timeout_s)
        except Exception:
            shot = Path(tempfile.gettempdir()) / "jejaring-benchmark-timeout.png"
            self.page.screenshot(path=str(shot), full_page=True)
            print(f"timed out at {self.page.url}; screenshot {shot}", file=sys.stderr)
            raise

    def _wait(self, after: int, timeout_s: float) -> None:
        self.page.wait_for_function(
            """([selector, after]) => [...document.querySelectorAll(selector)]
                .some(m => Number(m.dataset.run) > after)""",
            arg=[DONE, after],
            timeout=timeout_s * 1000,
        )
        # Then every element drawn: a chart or table whose script is still loading stands as
        # a skeleton (Streamlit loads those components lazily), and a chart has its svg.
        self.page.wait_for_function(
            """() => !document.querySelector('[data-testid="stMain"] [data-testid="stSkeleton"]')
                && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .every(c => c.querySelector('svg.main-svg'))""",
            timeout=timeout_s * 1000,
        )

    def measure(self, page_name: str, step: str, action) -> View:
        """Time ``action`` (a navigation or a click) until the page has finished."""
        before = self.run_number()
        self.received[0] = 0
        started = time.perf_counter()
        action()
        self.wait(before)
        took = time.perf_counter() - started
        shape = self.page.evaluate(
            """() => {
                const plots = [...document.querySelectorAll('.js-plotly-plot')];
                let traces = 0, points = 0;
                for (const p of plots) for (const t of (p.data || [])) {
                    traces += 1;
                    const xs = t.x || t.values || t.z || (t.link && t.link.value) || [];
                    points += xs.length || 0;
                }
                return {traces, points,
                        tables: document.querySelectorAll('[data-testid="stDataFrame"]').length,
                        exception: document.querySelectorAll('[data-testid="stException"]')
                            .length > 0};
            }"""
        )
        view = View(page_name, step, took, self.received[0], **shape)
        print(f"{page_name:<11} {step:<22} {took:6.2f} s", file=sys.stderr, flush=True)
        return view

    # -- filter changes through the sidebar's own widgets --

    def has_period(self, label: str) -> bool:
        """Whether the period menu offers ``label`` (older versions had no "all time")."""
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stSelectbox"]').first.click()
        found = self.page.get_by_role("option", name=label, exact=True).count() > 0
        self.page.keyboard.press("Escape")
        return found

    def choose_period(self, label: str) -> None:
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        sidebar.locator('[data-testid="stSelectbox"]').first.click()
        self.page.get_by_role("option", name=label, exact=True).click()

    def switch_language(self, name: str = "English") -> None:
        self.page.locator('[data-testid="stSidebar"]').get_by_text(name, exact=True).click()

    def drop_first_library(self) -> None:
        sidebar = self.page.locator('[data-testid="stSidebar"]')
        chips = sidebar.locator('[data-testid="stMultiSelect"]').first
        chips.locator('button[aria-label^="Remove"]').filter(visible=True).first.click()


def new_context(browser):
    """A browser profile as a member of staff's: Indonesian, a wide window, its own cache."""
    return browser.new_context(viewport={"width": 1400, "height": 1600}, locale="id-ID")


def page_round(context, base: str, page_name: str, smoke: bool) -> list[View]:
    """One page: first render at 30 days in a new tab, then filter changes."""
    tab = Tab.open(context)
    path = "" if page_name == "overview" else page_name
    views = [tab.measure(page_name, "open, 30 days", lambda: tab.page.goto(f"{base}/{path}"))]
    for key in ("90", "365", "all"):
        if not tab.has_period(PERIODS[key]):
            continue  # measured as "–"
        views.append(
            tab.measure(
                page_name,
                f"→ {key} days" if key != "all" else "→ all time",
                lambda k=key: tab.choose_period(PERIODS[k]),
            )  # fmt: skip
        )
    views.append(tab.measure(page_name, "→ English (all time)", tab.switch_language))
    if not smoke:
        views.append(
            tab.measure(page_name, "→ one library less (all time)", tab.drop_first_library)
        )
    tab.page.close()
    return views


def memory_walk(context, server: Server, views: int) -> list[tuple[int, float]]:
    """``views`` page views with changing filters (page × period × language × libraries),
    each in a new session as different staff would open them; the server's memory after
    each tenth view."""
    periods = ["7", "30", "90", "365", "year", "all"]
    samples = [(0, server.rss_mb())]
    for n in range(1, views + 1):
        page_name = PAGES[n % len(PAGES)]
        path = "" if page_name == "overview" else page_name
        query = f"period={periods[(n // len(PAGES)) % len(periods)]}"
        if n % 3 == 0:
            query += "&lang=en"
        if n % 4 == 0:
            query += "&platform=instagram"
        tab = Tab.open(context)
        tab.measure(
            page_name, "walk", functools.partial(tab.page.goto, f"{server.base}/{path}?{query}")
        )
        tab.page.close()
        if n % 10 == 0:
            samples.append((n, server.rss_mb()))
    return samples


# -- report -----------------------------------------------------------------------------


def _stats(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def table(rounds: list[list[View]]) -> list[str]:
    """Median (min–max) over the rounds of each page × step."""
    steps: dict[tuple[str, str], list[View]] = {}
    for views in rounds:
        for v in views:
            steps.setdefault((v.page, v.step), []).append(v)
    lines = [
        "| page | step | seconds, median (min–max) | target | sent to the browser (KiB) "
        "| Plotly traces / points | tables |",
        "|---|---|---:|:---:|---:|---:|---:|",
    ]
    for (page_name, step), vs in steps.items():
        times = [v.seconds for v in vs]
        limit = 2.0 if "all time" in step else (1.0 if step.startswith("open") else 0.5)
        verdict = "met" if statistics.median(times) <= limit else "MISSED"
        last = vs[-1]
        flag = " ⚠ exception" if any(v.exception for v in vs) else ""
        lines.append(
            f"| {page_name} | {step} | {_stats(times)} | ≤ {limit:g} s {verdict}{flag} | "
            f"{last.ws_bytes / 1024:,.0f} | {last.traces} / {last.points:,} | {last.tables} |"
        )
    return lines


def run(database_url: str, config_path: Path, rounds: int, walk: int, smoke: bool) -> str:
    from playwright.sync_api import sync_playwright

    results: list[list[View]] = []
    cold: list[float] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(rounds):
                with serve(database_url, config_path) as server:
                    context = new_context(browser)
                    # The very first view: a new server process (imports) and a browser
                    # that has not loaded the dashboard's scripts yet.
                    tab = Tab.open(context)
                    cold.append(
                        tab.measure(
                            "overview", "cold", functools.partial(tab.page.goto, server.base)
                        ).seconds
                    )
                    tab.page.close()
                    views: list[View] = []
                    for page_name in PAGES:
                        views += page_round(context, server.base, page_name, smoke)
                    results.append(views)
                    context.close()
            with serve(database_url, config_path) as server:
                context = new_context(browser)
                samples = memory_walk(context, server, walk)
                peak = server.peak_mb()
                context.close()
        finally:
            browser.close()
    lines = [
        "Each page is opened in a new tab (a new session) of one browser profile, so the "
        "dashboard's scripts come from the browser's cache after the first view, as for "
        "staff who use it daily.",
        "",
        f"First view of a freshly started server, in a browser that has not loaded the "
        f"dashboard yet (imports and scripts included): {_stats(cold)} s.",
        "",
        *table(results),
        "",
        f"Server memory over {walk} page views in new sessions with changing filters "
        "(MB, resident):",
        "",
        "| views | " + " | ".join(str(n) for n, _ in samples) + " |",
        "|---|" + "---:|" * len(samples),
        "| MB | " + " | ".join(f"{mb:.0f}" for _, mb in samples) + " |",
        "",
        f"Peak {peak:.0f} MB (target ≤ 600 MB after 100 views: "
        f"{'met' if samples[-1][1] <= 600 else 'MISSED'}).",
    ]
    return "\n".join(lines)


def smoke_store(workdir: Path) -> tuple[str, Path]:
    """A tiny consortium store (3 libraries, 120 days up to today) for the CI run."""
    from benchmarks.consortium import SMOKE, build

    build(workdir, SMOKE, dt.date.today())
    return f"sqlite:///{workdir / 'consortium.db'}", workdir / "benchmark.toml"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny store, one round (CI)")
    parser.add_argument("--database", help="database URL (default: the consortium SQLite store)")
    parser.add_argument("--dir", default=str(ROOT / "data" / "benchmark" / "full"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--views", type=int, default=100, help="page views of the memory walk")
    parser.add_argument("--label", default="", help="a name for this measurement in RESULTS.md")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.smoke:
            url, config_path = smoke_store(Path(tmp))
            rounds, views = 1, 10
        else:
            workdir = Path(args.dir)
            url = args.database or f"sqlite:///{workdir / 'consortium.db'}"
            config_path = workdir / "benchmark.toml"
            rounds, views = args.rounds, args.views
        body = run(url, config_path, rounds, views, args.smoke)
    kind = url.split(":", 1)[0].split("+", 1)[0]
    header = (
        f"Measured {dt.date.today()} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Chromium headless, {kind} store; {rounds} round(s), "
        "each on a freshly started server. Command: `.venv/bin/python -m benchmarks.browser`"
        + (f" ({args.label})" if args.label else "")
        + "."
    )
    text = header + "\n\n" + body
    print(text)
    if args.write and not args.smoke:
        marker = f"browser-{kind}" + (f"-{args.label}" if args.label else "")
        path = ROOT / "benchmarks" / "RESULTS.md"
        start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
        current = path.read_text()
        title = f"### In the browser, {kind}" + (f" — {args.label}" if args.label else "")
        section = f"{start}\n{title}\n\n{text}\n{end}"
        if start in current:
            current = (
                current[: current.index(start)] + section + current[current.index(end) + len(end) :]
            )
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        path.write_text(current)


if __name__ == "__main__":
    main()

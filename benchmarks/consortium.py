"""Consortium-scale benchmark: 50 libraries, 100 accounts, ~100,000 posts, 5 years of daily
account rows, ~3 million post_daily rows, built with the demo generator scaled up.

    .venv/bin/python -m benchmarks.consortium            # build (once) and measure
    .venv/bin/python -m benchmarks.consortium --write    # ... and update benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks.consortium --smoke    # tiny size, seconds (CI)

Measures, medians of several runs: each page's data preparation (queries + metrics) for a
90-day and a 1-year period against a raw read of the rows that page shows; each page's
full AppTest run; the dashboard process's peak memory; upserting 10,000 post records through
the store against a raw executemany of the same rows. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from collectors.config import Campaign, Config, Library
from collectors.demo import load_demo
from collectors.records import AccountRef, PostSnapshot
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 11, 24)
FULL = {"libraries": 50, "days": 1826, "intensity": 3.4, "repeat": 5}
SMOKE = {"libraries": 3, "days": 120, "intensity": 1.0, "repeat": 1}
PAGES = ["overview", "compare", "campaigns", "posts", "data"]


def consortium_config(libraries: int, days: int) -> Config:
    """``libraries`` libraries with one Instagram and one YouTube account each, and joint
    campaigns spread over the period."""
    rng = random.Random(7)
    libs = tuple(
        Library(
            f"lib{i:02d}",
            f"Perpustakaan {i:02d}",
            f"#{rng.randrange(0x222222, 0xDDDDDD):06x}",
            (f"perpus{i:02d}",),
            (f"@perpus{i:02d}",),
            short_name=f"P{i:02d}",
        )
        for i in range(1, libraries + 1)
    )
    campaigns = []
    for n in range(max(1, days // 180)):
        start = END - dt.timedelta(days=days - 30 - n * 180)
        members = tuple(sorted(rng.sample([lib.id for lib in libs], min(len(libs), 4))))
        campaigns.append(
            Campaign(
                f"c{n:02d}",
                f"Kampanye {n:02d}",
                start,
                start + dt.timedelta(days=29),
                members,
                hashtags=("#bulanliterasi",),
            )
        )
    return Config("benchmark.toml", "Asia/Jakarta", libs, tuple(campaigns))


def build(url: str, size: dict) -> tuple[Config, dict[str, int], float]:
    config = consortium_config(size["libraries"], size["days"])
    store = Store(url, config.timezone)
    started = time.perf_counter()
    load_demo(store, config, END, days=size["days"], intensity=size["intensity"])
    took = time.perf_counter() - started
    counts = store.counts()
    store.dispose()
    return config, counts, took


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- data preparation against a raw read ---------------------------------------------


def raw_read(path: str, start: dt.date, end: dt.date, lookback: int = 0) -> int:
    """Read the posts and daily rows of [start, end] with sqlite3 and pandas, nothing else."""
    conn = sqlite3.connect(path)
    lo = dt.datetime.combine(start, dt.time(0)) - dt.timedelta(hours=7)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0)) - dt.timedelta(hours=7)
    posts = pd.read_sql_query(
        "SELECT * FROM posts WHERE published_at >= ? AND published_at < ?",
        conn,
        params=(lo.isoformat(sep=" "), hi.isoformat(sep=" ")),
    )
    daily = pd.read_sql_query(
        "SELECT * FROM account_daily WHERE day >= ? AND day <= ?",
        conn,
        params=((start - dt.timedelta(days=lookback)).isoformat(), end.isoformat()),
    )
    conn.close()
    return len(posts) + len(daily)


def page_preparation(
    store: Store, config: Config, page: str, start: dt.date, end: dt.date
) -> object:
    """What the dashboard computes for ``page`` (uncached): its reads, then its metrics."""
    from dashboard import pagedata

    return pagedata.prepare(store, config, page, start, end)


def shown_windows(
    page: str, start: dt.date, end: dt.date, config: Config
) -> list[tuple[dt.date, dt.date]]:
    """The days whose rows a page shows: Overview compares with the previous period of equal
    length; Campaigns shows each campaign of the period with its baseline, and the period."""
    from dashboard.pagedata import campaign_window

    if page == "overview":
        return [(start - (end - start) - dt.timedelta(days=1), end)]
    if page == "campaigns":
        shown = [c for c in config.campaigns if c.start <= end and c.end >= start]
        return [campaign_window(c) for c in shown] + [(start, end)]
    return [(start, end)]


# -- AppTest and memory ---------------------------------------------------------------

APPTEST = """
import json, statistics, sys, time
from streamlit.testing.v1 import AppTest
page, repeat = sys.argv[1], int(sys.argv[2])
times = []
for _ in range(repeat):
    at = AppTest.from_file(sys.argv[3], default_timeout=120)
    started = time.perf_counter()
    at.run()
    if page != "overview":
        at.switch_page(f"dashboard/pages/{page}.py").run()
    took = time.perf_counter() - started
    assert not at.exception, at.exception
    times.append(took)
# VmHWM: this process's own peak (ru_maxrss would include the parent's size at fork).
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) / 1024
rest = times[1:] or times
print(json.dumps({"first": times[0], "median": statistics.median(rest), "peak_mb": peak}))
"""


def apptest(url: str, config_path: str, page: str, repeat: int) -> dict:
    env = dict(os.environ, JEJARING_DATABASE_URL=url, JEJARING_CONFIG=config_path)
    done = subprocess.run(
        [sys.executable, "-c", APPTEST, page, str(repeat + 1), str(ROOT / "streamlit_app.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- upsert ---------------------------------------------------------------------------


def upsert_vs_raw(tmp: Path, n: int = 10_000, repeat: int = 3) -> tuple[float, float]:
    ref = AccountRef("lib01", "instagram", "perpus01")
    now = dt.datetime(2026, 11, 24, 23, tzinfo=dt.UTC)
    records = [
        PostSnapshot(
            ref,
            "instagram",
            f"U{i:06d}",
            now - dt.timedelta(hours=i),
            "image",
            now,
            url=f"https://www.instagram.com/p/U{i:06d}/",
            caption=f"Unggahan {i} #perpustakaan",
            hashtags=("#perpustakaan",),
            likes=i,
            comments=i % 17,
        )
        for i in range(n)
    ]
    store_times, raw_times = [], []
    for k in range(repeat):
        store = Store(f"sqlite:///{tmp / f'upsert{k}.db'}")
        store.ensure_account(ref)
        started = time.perf_counter()
        store.write([], records)
        store_times.append(time.perf_counter() - started)
        store.dispose()
        # The same rows, as plain tuples, with the same two upserts, through sqlite3 itself.
        path = tmp / f"raw{k}.db"
        Store(f"sqlite:///{path}").dispose()  # same schema and indexes
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "INSERT INTO accounts (library_id, platform, handle, is_demo, created_at) "
            "VALUES ('lib01', 'instagram', 'perpus01', 0, '2026-11-24 00:00:00')"
        )
        stamp = now.replace(tzinfo=None).isoformat(sep=" ")
        post_rows = [
            (
                "instagram",
                r.post_id,
                1,
                r.published_at.replace(tzinfo=None).isoformat(sep=" "),
                "image",
                None,
                r.caption,
                r.url,
                None,
                None,
                '["#perpustakaan"]',
                "[]",
                "[]",
                "[]",
                0,
                r.likes,
                r.comments,
                None,
                None,
                stamp,
                stamp,
                None,
                "platform",
            )
            for r in records
        ]
        day_rows = [
            ("instagram", r.post_id, "2026-11-25", r.likes, r.comments, None, None, stamp)
            for r in records
        ]
        started = time.perf_counter()
        with conn:
            conn.executemany(
                "INSERT INTO posts VALUES ("
                + ",".join("?" * len(post_rows[0]))
                + ") ON CONFLICT (platform, "
                "post_id) DO UPDATE SET likes = excluded.likes, comments = excluded.comments, "
                "metrics_at = excluded.metrics_at WHERE posts.metrics_at <= excluded.metrics_at",
                post_rows,
            )
            conn.executemany(
                "INSERT INTO post_daily VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (platform, post_id, "
                "day) DO UPDATE SET likes = excluded.likes, comments = excluded.comments, "
                "captured_at = excluded.captured_at WHERE post_daily.captured_at <= "
                "excluded.captured_at",
                day_rows,
            )
        raw_times.append(time.perf_counter() - started)
        conn.close()
    return statistics.median(store_times), statistics.median(raw_times)


# -- main -----------------------------------------------------------------------------


def run(size: dict, workdir: Path, rebuild: bool) -> str:
    db = workdir / "consortium.db"
    url = f"sqlite:///{db}"
    config_path = workdir / "benchmark.toml"
    config = consortium_config(size["libraries"], size["days"])
    config_path.write_text(config_toml(config))
    if rebuild or not db.exists():
        for p in workdir.glob("consortium.db*"):
            p.unlink()
        config, counts, took = build(url, size)
        build_line = f"built in {took:.0f} s"
    else:
        store = Store(url)
        counts = store.counts()
        store.dispose()
        build_line = "reused"
    store = Store(url, config.timezone)
    lines = [
        f"Store: {counts['accounts']} accounts of {size['libraries']} libraries, "
        f"{counts['posts']:,} posts, {counts['account_daily']:,} account_daily rows, "
        f"{counts['post_daily']:,} post_daily rows ({build_line}; SQLite, "
        f"{db.stat().st_size / 2**20:.0f} MiB).",
        "",
        "| page | period | data preparation (s) | raw read of its rows (s) | ratio | target ≤ 2× |",
        "|---|---|---:|---:|---:|:---:|",
    ]
    repeat = size["repeat"]
    for page in PAGES:
        for days in (90, 365):
            start = END - dt.timedelta(days=days - 1)
            windows = shown_windows(page, start, END, config)
            prep = median_time(
                lambda p=page, s=start: page_preparation(store, config, p, s, END), repeat
            )
            raw = median_time(
                lambda w=windows: [raw_read(str(db), a, b, lookback=1) for a, b in w], repeat
            )
            ratio = prep / raw if raw else float("nan")
            lines.append(
                f"| {page} | {days} days | {prep:.3f} | {raw:.3f} | {ratio:.2f}× | "
                f"{'met' if ratio <= 2 else 'MISSED'} |"
            )
    lines += [
        "",
        "| page | AppTest first run (s, cold cache) | AppTest run (s, median) | target ≤ 1 s "
        "| peak memory (MB) |",
        "|---|---:|---:|:---:|---:|",
    ]
    peaks = []
    for page in PAGES:
        result = apptest(url, str(config_path), page, repeat)
        peaks.append(result["peak_mb"])
        lines.append(
            f"| {page} | {result['first']:.2f} | {result['median']:.2f} | "
            f"{'met' if result['median'] <= 1 else 'MISSED'} | {result['peak_mb']:.0f} |"
        )
    lines += [
        "",
        f"Peak memory of the dashboard process: {max(peaks):.0f} MB (target ≤ 600 MB: "
        f"{'met' if max(peaks) <= 600 else 'MISSED'}).",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        ours, raw = upsert_vs_raw(Path(tmp), 10_000 if size is FULL else 1_000, repeat=3)
    lines += [
        "",
        f"Upsert of {'10,000' if size is FULL else '1,000'} post records (posts + post_daily): "
        f"store {ours:.3f} s, raw sqlite3 executemany of the same rows {raw:.3f} s, ratio "
        f"{ours / raw:.2f}× (target ≤ 1.5×: {'met' if ours / raw <= 1.5 else 'MISSED'}).",
    ]
    store.dispose()
    return "\n".join(lines)


def config_toml(config: Config) -> str:
    out = [f'timezone = "{config.timezone}"']
    for lib in config.libraries:
        out += [
            "[[libraries]]",
            f'id = "{lib.id}"',
            f'name = "{lib.name}"',
            f'short_name = "{lib.short_name}"',
            f'color = "{lib.color}"',
            f"instagram = {json.dumps(list(lib.instagram))}",
            f"youtube = {json.dumps(list(lib.youtube))}",
        ]
    for c in config.campaigns:
        out += [
            "[[campaigns]]",
            f'id = "{c.id}"',
            f'name = "{c.name}"',
            f"start = {c.start}",
            f"end = {c.end}",
            f"libraries = {json.dumps(list(c.libraries))}",
            f"hashtags = {json.dumps(list(c.hashtags))}",
        ]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny size (CI)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument(
        "--dir", default=str(ROOT / "data" / "benchmark"), help="where the store goes"
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    size = SMOKE if args.smoke else FULL
    workdir = Path(args.dir) / ("smoke" if args.smoke else "full")
    workdir.mkdir(parents=True, exist_ok=True)
    body = run(size, workdir, args.rebuild or args.smoke)
    cpu = os.cpu_count()
    header = (
        f"Measured {dt.date.today()} on {platform.machine()}, {cpu} cores, Python "
        f"{platform.python_version()}, {platform.system()}; medians of {size['repeat']} runs. "
        "Command: `.venv/bin/python -m benchmarks.consortium --write`."
    )
    text = header + "\n\n" + body
    print(text)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(benchmark process itself peaked at {peak:.0f} MB)")
    if args.write and not args.smoke:
        path = ROOT / "benchmarks" / "RESULTS.md"
        start, end = "<!-- consortium:start -->", "<!-- consortium:end -->"
        current = path.read_text() if path.exists() else "# Benchmark results\n"
        section = f"{start}\n## Consortium scale\n\n{text}\n{end}"
        if start in current:
            current = (
                current[: current.index(start)] + section + current[current.index(end) + len(end) :]
            )
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        path.write_text(current)


if __name__ == "__main__":
    main()

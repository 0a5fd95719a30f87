"""Consortium-scale benchmark: 50 libraries, 100 accounts, ~100,000 posts, 5 years of daily
account rows, ~3 million post_daily rows, built with the demo generator scaled up.

    .venv/bin/python -m benchmarks.consortium            # build (once) and measure
    .venv/bin/python -m benchmarks.consortium --write    # ... and update benchmarks/RESULTS.md
    .venv/bin/python -m benchmarks.consortium --smoke    # tiny size, seconds (CI)

Measures, medians (min–max) of several runs, in Python without Streamlit or a browser (the
browser is ``benchmarks.browser``):

1. each page's data preparation — what its script computes, uncached — for 30 days, one
   year and all time, against a plain read of the rows it rests on (sqlite3 ``fetchall``),
   and for the Overview's figures against DuckDB computing them from a columnar copy of
   the same rows (the physical anchor: how fast could it be);
2. one day's refresh of every post (a new capture of all ~100,000 posts, one transaction
   per account as the refresh writes) through the store against a raw ``executemany`` of
   the same rows with the same upserts.

Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
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
from collectors.store.aggregates import utc_bounds
from collectors.store.localtime import fixed_offset
from dashboard import pagedata
from dashboard.insight_data import ensure_verdicts, kept_verdicts, rule_categories
from dashboard.metrics import Period

ROOT = Path(__file__).resolve().parent.parent
FULL = {"libraries": 50, "days": 1826, "intensity": 3.4, "repeat": 5}
SMOKE = {"libraries": 3, "days": 120, "intensity": 1.0, "repeat": 1}
PAGES = ["overview", "compare", "campaigns", "posts", "categories", "data"]
PERIODS = {"30 days": 30, "365 days": 365, "all time": None}


def consortium_config(libraries: int, days: int, end: dt.date | None = None) -> Config:
    """``libraries`` libraries with one Instagram and one YouTube account each, and joint
    campaigns of four libraries every half year, over ``days`` days up to ``end`` (today)."""
    end = end or dt.date.today()
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
        start = end - dt.timedelta(days=days - 30 - n * 180)
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


def build(workdir: Path, size: dict, end: dt.date) -> tuple[Config, float]:
    """The store ``workdir/consortium.db`` and its ``benchmark.toml``, ending on ``end``."""
    for old in workdir.glob("consortium.db*"):
        old.unlink()
    config = consortium_config(size["libraries"], size["days"], end)
    (workdir / "benchmark.toml").write_text(config_toml(config))
    (workdir / "end.txt").write_text(end.isoformat())
    store = Store(f"sqlite:///{workdir / 'consortium.db'}", config.timezone)
    started = time.perf_counter()
    load_demo(store, config, end, days=size["days"], intensity=size["intensity"])
    ensure_verdicts(store, config.timezone)  # as the demo command does after writing
    took = time.perf_counter() - started
    store.dispose()
    return config, took


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def stats(times: list[float]) -> str:
    return f"{statistics.median(times):.3f} ({min(times):.3f}–{max(times):.3f})"


# -- what each page prepares, uncached ------------------------------------------------


def prepare(store: Store, config: Config, page: str, period: Period) -> object:
    """The data a page's script computes for ``period`` (its cached reads, uncached)."""
    tz = config.timezone
    accounts = pagedata.shown_accounts(
        store.accounts(), store.last_captures(), store.accounts_with_data()
    )
    ids = [int(i) for i in accounts["id"]]
    if page == "overview":
        return (
            pagedata.overview_figures(store, tz, accounts, period),
            kept_verdicts(store, tz, ids, period),  # the breakouts card
        )
    if page == "compare":
        many = accounts["library_id"].nunique() > 6
        return pagedata.compare_figures(store, tz, accounts, period, many)
    if page == "campaigns":
        handles = pagedata.partner_handles(accounts, config)
        shown = [c for c in config.campaigns if c.start <= period.end and c.end >= period.start]
        figures = []
        for campaign in shown:
            members = accounts[accounts["library_id"].isin(campaign.libraries)]
            load = pagedata.window_loader(store, tz, members.reset_index(drop=True))
            figures.append(pagedata.campaign_data(load, campaign, handles))
        return figures, pagedata.named_cross_promotion(store, tz, accounts, period, handles)
    if page == "posts":
        return (
            pagedata.post_list(store, tz, accounts, period),
            pagedata.post_list(store, tz, accounts, period, order="engagements", limit=5),
            pagedata.post_list(store, tz, accounts, period, order="er", limit=5),
            store.post_sums(ids, period.start, period.end, tz, ["hashtag"]),
            kept_verdicts(store, tz, ids, period),
        )
    if page == "categories":
        return (
            rule_categories(store, tz, accounts, period, config.categories),
            kept_verdicts(store, tz, ids, period),
        )
    if page == "data":
        runs = store.runs(200)
        items = store.run_items([int(r) for r in runs["run_id"]])
        return pagedata.health(store, accounts, items, dt.datetime.now(dt.UTC))
    raise ValueError(f"unknown page {page!r}")


# -- what a plain read of the same rows costs -------------------------------------------

_METRICS = "platform, post_id, account_id, published_at, kind, likes, comments, views, plays"
_TEXTS = "title, caption, url, thumbnail_url, hashtags, mentions, tagged, coauthors"


def plain_read(path: Path, page: str, period: Period, tz: str) -> int:
    """sqlite3 ``fetchall`` of the rows a page's figures rest on, and nothing else: the
    posts of its days (metric columns; with texts where it shows or searches them) and,
    for Overview and Compare, the daily rows of its accounts."""
    start = period.previous().start if page == "overview" else period.start
    lo, hi = (t.isoformat(" ", "microseconds")[:26] for t in utc_bounds(start, period.end, tz))
    columns = _METRICS if page in ("overview", "compare", "data") else f"{_METRICS}, {_TEXTS}"
    conn = sqlite3.connect(path)
    rows = conn.execute(
        f"SELECT {columns} FROM posts WHERE published_at >= ? AND published_at < ?",  # noqa: S608
        (lo, hi),
    ).fetchall()
    n = len(rows)
    if page in ("overview", "compare"):
        n += len(
            conn.execute(
                "SELECT account_id, day, followers FROM account_daily WHERE day >= ? AND day <= ?",
                (start.isoformat(), period.end.isoformat()),
            ).fetchall()
        )
    conn.close()
    return n


# -- DuckDB: the Overview's figures from a columnar copy ---------------------------------


def duckdb_anchor(path: Path, tz: str) -> Callable[[Period], object] | None:
    """A function computing the Overview's post figures (per account, this period and the
    one before: posts, engagements, mean ER by followers, views) and audiences with DuckDB
    from an in-memory columnar copy of posts and account_daily; None without duckdb."""
    try:
        import duckdb
    except ImportError:
        return None
    offset = fixed_offset(tz)
    if offset is None:
        return None  # the anchor shifts times by a fixed offset
    hours = int(offset.total_seconds() // 3600)
    db = duckdb.connect()
    source = sqlite3.connect(path)
    posts = pd.read_sql_query(
        "SELECT account_id, published_at, likes, comments, views FROM posts", source
    )
    posts["published_at"] = pd.to_datetime(posts["published_at"], format="ISO8601")
    daily = pd.read_sql_query("SELECT account_id, day, followers FROM account_daily", source)
    daily["day"] = pd.to_datetime(daily["day"])
    source.close()
    db.execute("CREATE TABLE posts AS SELECT * FROM posts")
    db.execute("CREATE TABLE daily AS SELECT * FROM daily WHERE followers IS NOT NULL")

    def figures(period: Period) -> object:
        previous = period.previous()
        lo, hi = utc_bounds(previous.start, period.end, tz)
        return db.execute(
            f"""
            WITH p AS (
                SELECT account_id, CAST(published_at + INTERVAL {hours} HOUR AS DATE) AS day,
                       likes + coalesce(comments, 0) AS eng, views
                FROM posts WHERE published_at >= ? AND published_at < ?
            ), f AS (
                SELECT p.*, d.followers, p.day >= ? AS current FROM p ASOF LEFT JOIN daily d
                ON p.account_id = d.account_id AND p.day >= d.day
            ), audience AS (
                SELECT account_id, arg_max(followers, day) AS audience FROM daily
                WHERE day <= ? GROUP BY account_id
            )
            SELECT f.account_id, current, count(*) AS posts, sum(eng),
                   avg(CASE WHEN followers > 0 THEN eng * 100.0 / followers END), sum(views),
                   any_value(audience.audience)
            FROM f LEFT JOIN audience USING (account_id) GROUP BY f.account_id, current
            """,  # noqa: S608 (a number of hours)
            [lo.replace(tzinfo=None), hi.replace(tzinfo=None), period.start, period.end],
        ).fetchall()

    return figures


# -- one day's refresh of every post ------------------------------------------------------

_POST_UPSERT = (
    "INSERT INTO posts (platform, post_id, account_id, published_at, kind, title, caption, "
    "url, thumbnail_url, duration_s, hashtags, mentions, tagged, coauthors, is_pinned, likes, "
    "comments, views, plays, metrics_at, first_seen_at, gone_at, kind_source) VALUES "
    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT (platform, post_id) DO UPDATE "
    "SET account_id = excluded.account_id, published_at = excluded.published_at, kind = "
    "excluded.kind, title = excluded.title, caption = excluded.caption, url = excluded.url, "
    "thumbnail_url = excluded.thumbnail_url, duration_s = excluded.duration_s, hashtags = "
    "excluded.hashtags, mentions = excluded.mentions, tagged = excluded.tagged, coauthors = "
    "excluded.coauthors, is_pinned = excluded.is_pinned, likes = excluded.likes, comments = "
    "excluded.comments, views = excluded.views, plays = excluded.plays, metrics_at = "
    "excluded.metrics_at, gone_at = excluded.gone_at, kind_source = "
    "coalesce(excluded.kind_source, posts.kind_source) WHERE posts.metrics_at <= "
    "excluded.metrics_at"
)
_DAILY_UPSERT = (
    "INSERT INTO post_daily (platform, post_id, day, likes, comments, views, plays, "
    "captured_at) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (platform, post_id, day) DO UPDATE SET "
    "likes = excluded.likes, comments = excluded.comments, views = excluded.views, plays = "
    "excluded.plays, captured_at = excluded.captured_at WHERE post_daily.captured_at <= "
    "excluded.captured_at"
)


def one_day_refresh(path: Path, tz: str, end: dt.date, repeat: int) -> tuple[list[float], ...]:
    """Seconds to write a new capture of every post (the day after ``end``) through the
    store, one transaction per account, and by a raw executemany of the same rows."""
    store = Store(f"sqlite:///{path}", tz)
    accounts = store.accounts().set_index("id")
    stored = store.posts()
    store.dispose()
    store_times, raw_times = [], []
    for n in range(repeat):
        captured = dt.datetime.combine(end + dt.timedelta(days=1 + n), dt.time(6), dt.UTC)
        day = (end + dt.timedelta(days=1 + n)).isoformat()
        stamp = captured.replace(tzinfo=None).isoformat(" ", "microseconds")
        batches: dict[int, list[PostSnapshot]] = {}
        raw: dict[int, tuple[list[tuple], list[tuple]]] = {}
        for row in stored.itertuples(index=False):
            account = accounts.loc[int(row.account_id)]
            ref = AccountRef(account["library_id"], account["platform"], account["handle"])
            likes = None if pd.isna(row.likes) else int(row.likes) + 1 + n
            comments = None if pd.isna(row.comments) else int(row.comments)
            views = None if pd.isna(row.views) else int(row.views) + 3 + n
            plays = None if pd.isna(row.plays) else int(row.plays)
            batches.setdefault(int(row.account_id), []).append(
                PostSnapshot(
                    ref, row.platform, row.post_id, row.published_at.to_pydatetime(), row.kind,
                    captured, title=row.title, caption=row.caption, url=row.url,
                    thumbnail_url=row.thumbnail_url,
                    duration_s=None if pd.isna(row.duration_s) else float(row.duration_s),
                    hashtags=tuple(row.hashtags), mentions=tuple(row.mentions),
                    tagged=tuple(row.tagged), coauthors=tuple(row.coauthors),
                    is_pinned=bool(row.is_pinned), likes=likes, comments=comments,
                    views=views, plays=plays,
                )
            )  # fmt: skip
            posts_rows, daily_rows = raw.setdefault(int(row.account_id), ([], []))
            published = row.published_at.to_pydatetime().replace(tzinfo=None)
            posts_rows.append((
                row.platform, row.post_id, int(row.account_id),
                published.isoformat(" ", "microseconds"), row.kind, row.title, row.caption,
                row.url, row.thumbnail_url, None if pd.isna(row.duration_s) else row.duration_s,
                json.dumps(list(row.hashtags)), json.dumps(list(row.mentions)),
                json.dumps(list(row.tagged)), json.dumps(list(row.coauthors)),
                int(bool(row.is_pinned)), likes, comments, views, plays, stamp, stamp, None,
                None,
            ))  # fmt: skip
            daily_rows.append((row.platform, row.post_id, day, likes, comments, views, plays,
                               stamp))  # fmt: skip
        with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
            ours, theirs = Path(tmp) / "store.db", Path(tmp) / "raw.db"
            shutil.copy(path, ours)
            shutil.copy(path, theirs)
            store = Store(f"sqlite:///{ours}", tz)
            started = time.perf_counter()
            for records in batches.values():
                with store.transaction() as conn:
                    store.write([], records, conn=conn)
            store_times.append(time.perf_counter() - started)
            store.dispose()
            conn = sqlite3.connect(theirs)
            conn.execute("PRAGMA synchronous=NORMAL")  # as the store's connections
            started = time.perf_counter()
            for posts_rows, daily_rows in raw.values():
                with conn:
                    conn.executemany(_POST_UPSERT, posts_rows)
                    conn.executemany(_DAILY_UPSERT, daily_rows)
            raw_times.append(time.perf_counter() - started)
            conn.close()
    return store_times, raw_times


# -- main -----------------------------------------------------------------------------


def run(size: dict, workdir: Path, rebuild: bool, end: dt.date) -> str:
    db = workdir / "consortium.db"
    if rebuild or not db.exists():
        config, took = build(workdir, size, end)
        built = f"built in {took:.0f} s"
    else:
        end = dt.date.fromisoformat((workdir / "end.txt").read_text().strip())
        config = consortium_config(size["libraries"], size["days"], end)
        built = "reused"
    tz = config.timezone
    store = Store(f"sqlite:///{db}", tz)
    started = time.perf_counter()
    fresh = ensure_verdicts(store, tz)
    verdicts_took = time.perf_counter() - started
    counts = store.counts()
    first = store.first_day([int(i) for i in store.accounts()["id"]], tz) or end
    repeat = size["repeat"]
    lines = [
        f"Store: {counts['accounts']} accounts of {size['libraries']} libraries, "
        f"{counts['posts']:,} posts, {counts['account_daily']:,} account_daily rows, "
        f"{counts['post_daily']:,} post_daily rows, ending {end} ({built}; SQLite, "
        f"{db.stat().st_size / 2**20:.0f} MiB).",
        "",
        "Every post's breakout verdicts, worked out after a write (by the refresh, the demo "
        "or an import command, or the first page view after it) and kept in the store: "
        + (f"{verdicts_took:.1f} s." if fresh else "already kept."),
        "",
        "Data preparation of each page (s, median (min–max) of "
        f"{repeat} runs, uncached) against a plain read of the rows it rests on:",
        "",
        "| page | period | data preparation | plain read of its rows | rows | ratio |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for page in PAGES:
        for name, days in PERIODS.items():
            period = Period(first if days is None else end - dt.timedelta(days=days - 1), end)
            prep = timed(lambda p=page, q=period: prepare(store, config, p, q), repeat)
            rows = plain_read(db, page, period, tz)
            read = timed(lambda p=page, q=period: plain_read(db, p, q, tz), repeat)
            ratio = statistics.median(prep) / statistics.median(read)
            lines.append(
                f"| {page} | {name} | {stats(prep)} | {stats(read)} | {rows:,} | {ratio:.2f}× |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    anchor = duckdb_anchor(db, tz)
    lines += ["", "The Overview's figures (this period and the one before) three ways (s):", ""]
    if anchor is None:
        lines.append("DuckDB is not installed (requirements-dev.txt has it): no anchor.")
    else:
        lines += [
            "| period | Jejaring (database sums) | DuckDB, columnar copy in memory |",
            "|---|---:|---:|",
        ]
        accounts = store.accounts()
        for name, days in PERIODS.items():
            period = Period(first if days is None else end - dt.timedelta(days=days - 1), end)
            ours = timed(lambda q=period: pagedata.overview_figures(store, tz, accounts, q),
                         repeat)  # fmt: skip
            duck = timed(lambda q=period: anchor(q), repeat)
            lines.append(f"| {name} | {stats(ours)} | {stats(duck)} |")
    store.dispose()
    store_times, raw_times = one_day_refresh(db, tz, end, max(1, min(repeat, 3)))
    ratio = statistics.median(store_times) / statistics.median(raw_times)
    lines += [
        "",
        f"One day's refresh of all {counts['posts']:,} posts (a new capture of each, one "
        f"transaction per account): through the store {stats(store_times)} s, raw sqlite3 "
        f"executemany of the same rows {stats(raw_times)} s: {ratio:.2f}× "
        f"(target ≤ 1.5×: {'met' if ratio <= 1.5 else 'MISSED'}).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="tiny size (CI)")
    parser.add_argument("--rebuild", action="store_true", help="build the store again")
    parser.add_argument(
        "--dir", default=str(ROOT / "data" / "benchmark"), help="where the store goes"
    )
    parser.add_argument(
        "--end", type=dt.date.fromisoformat, default=dt.date.today(), help="last day (build)"
    )
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    size = SMOKE if args.smoke else FULL
    workdir = Path(args.dir) / ("smoke" if args.smoke else "full")
    workdir.mkdir(parents=True, exist_ok=True)
    body = run(size, workdir, args.rebuild or args.smoke, args.end)
    header = (
        f"Measured {dt.date.today()} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}. Command: "
        "`.venv/bin/python -m benchmarks.consortium --write`."
    )
    text = header + "\n\n" + body
    print(text)
    if args.write and not args.smoke:
        path = ROOT / "benchmarks" / "RESULTS.md"
        start, stop = "<!-- consortium:start -->", "<!-- consortium:end -->"
        current = path.read_text() if path.exists() else "# Benchmark results\n"
        section = f"{start}\n## Consortium scale, data preparation\n\n{text}\n{stop}"
        if start in current:
            current = (
                current[: current.index(start)]
                + section
                + current[current.index(stop) + len(stop) :]
            )
        else:
            current = current.rstrip() + "\n\n" + section + "\n"
        path.write_text(current)


if __name__ == "__main__":
    main()

"""Collector cost benchmark: YouTube quota units and Instagram pages per refresh.

Run: ``.venv/bin/python -m benchmarks.collectors`` (no network: YouTube is played by the
loopback test server, Instagram by recorded nodes). Prints a table; ``--write`` also
updates the collector section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import json
import math
import platform
import tempfile
from pathlib import Path

from collectors.config import Settings, parse_config
from collectors.instagram import make_loader, walk
from collectors.records import AccountRef, AccountState
from collectors.refresh import refresh, select_accounts
from collectors.store import Store
from tests.youtube_server import FakeYouTube, serve, youtube_config

ROOT = Path(__file__).resolve().parent.parent
PAGE_IG = 12  # posts per timeline page, logged in (instaloader 4.16)


def youtube_units(uploads: int = 120, days: int = 7) -> list[tuple[str, int, int]]:
    """(run, units spent, minimum) for a first run and daily runs with one new upload."""
    api = FakeYouTube(uma_uploads=uploads)
    server, url = serve(api)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config(youtube_config(), f"{tmp}/j.toml")
        settings = Settings(
            database_url=f"sqlite:///{tmp}/b.db", youtube_api_key=api.key, youtube_api_url=url
        )
        store = Store(settings.database_url)
        accounts = select_accounts(config, ["youtube"])
        unimed_listed = len(api.playlists["UUunimedDIGILIB000000002"])
        for day in range(days):
            if day:
                api.add_uma_video(
                    10_000 + day,
                    dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC) + dt.timedelta(days=day),
                    newest_first=True,
                )
            before = len(api.requests)
            summary = refresh(config, settings, store, accounts, out=io.StringIO())
            spent = sum(r.api_units for r in summary.results)
            assert spent == len(api.requests) - before
            uma = len(api.playlists["UUumaPERPUSTAKAAN0000001"])
            if day == 0:
                # 1 channels.list by id (UNIMED) + 1 forHandle (UMA); every playlist page;
                # statistics for every listed id; UNIMED's Shorts playlist once for its
                # videos of at most 180 s (UMA's are all longer: its playlist is not needed)
                minimum = 1 + 1 + math.ceil(uma / 50) + math.ceil(unimed_listed / 50)
                minimum += math.ceil(uma / 50) + math.ceil(unimed_listed / 50)
                minimum += math.ceil(len(api.playlists["UUSHunimedDIGILIB000000002"]) / 50)
            else:
                # one channels.list for both; one playlist page each; statistics for all;
                # no Shorts playlist: every video of at most 180 s is decided already
                minimum = 1 + 2 + math.ceil(uma / 50) + math.ceil(unimed_listed / 50)
            rows.append(("first run" if day == 0 else f"daily run {day}", spent, minimum))
    server.shutdown()
    return rows


class PagedPosts:
    """Posts served newest first in pages of 12, counting the pages a walk pulls."""

    def __init__(self, posts: list) -> None:
        self.posts = posts
        self.pages = 0

    def __iter__(self):
        for index, post in enumerate(self.posts):
            if index % PAGE_IG == 0:
                self.pages += 1
            yield post


def instagram_pages(total: int = 500, days: int = 30) -> list[tuple[str, int, int]]:
    """(run, pages pulled by the incremental walk, pages of a full crawl) for a profile of
    ``total`` posts with one new post a day and a pinned old post."""
    from instaloader import Post

    media = json.loads((ROOT / "tests/fixtures/instagram/media.json").read_text())["items"]
    loader = make_loader(Settings())
    start = dt.datetime(2026, 1, 1, 3, tzinfo=dt.UTC)
    ref = AccountRef("uma", "instagram", "perpustakaan.uma")

    def post(i: int, when: dt.datetime, template: dict) -> Post:
        m = copy.deepcopy(template)
        m["code"], m["pk"], m["taken_at"] = f"B{i:08d}", str(10**18 + i), int(when.timestamp())
        return Post.from_iphone_struct(loader.context, m)

    timeline = [post(i, start - dt.timedelta(days=i), media[5]) for i in range(total)]
    pinned = post(10**6, start - dt.timedelta(days=2 * total), media[0])
    known: dict[str, bool] = {}
    rows = []
    for day in range(days):
        now = start + dt.timedelta(days=day, hours=6)
        if day:
            timeline.insert(0, post(total + day, now - dt.timedelta(hours=3), media[5]))
        source = PagedPosts([pinned, *timeline])
        state = AccountState(known_posts=dict(known))
        for record in walk(ref, source, state, now, recheck_days=30, max_posts=10_000):
            known[record.post_id] = False
        full = math.ceil((len(timeline) + 1) / PAGE_IG)
        rows.append(("first run" if day == 0 else f"daily run {day}", source.pages, full))
    return rows


def table(title: str, header: tuple[str, str, str], rows: list[tuple[str, int, int]]) -> str:
    lines = [f"### {title}", "", f"| {header[0]} | {header[1]} | {header[2]} |", "|---|---:|---:|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    args = parser.parse_args()
    yt = youtube_units()
    ig = instagram_pages()
    ig_shown = [ig[0], *ig[1:4], ig[-1]]
    body = "\n\n".join(
        [
            f"Measured {dt.date.today()} on {platform.machine()} ({platform.python_version()}), "
            "command: `.venv/bin/python -m benchmarks.collectors --write`.",
            table(
                "YouTube quota units per refresh (2 channels: 120 and 4+2 listed uploads; "
                "Shorts decided by the Shorts playlist)",
                ("run", "units spent", "minimum"),
                yt,
            ),
            table(
                "Instagram timeline pages per refresh (500 posts, 1 new a day, logged in)",
                ("run", "pages walked", "full crawl"),
                ig_shown,
            ),
        ]
    )
    print(body)
    if args.write:
        path = ROOT / "benchmarks" / "RESULTS.md"
        start, end = "<!-- collectors:start -->", "<!-- collectors:end -->"
        text = path.read_text() if path.exists() else "# Benchmark results\n"
        section = f"{start}\n## Collectors\n\n{body}\n{end}"
        if start in text:
            text = text[: text.index(start)] + section + text[text.index(end) + len(end) :]
        else:
            text = text.rstrip() + "\n\n" + section + "\n"
        path.write_text(text)


if __name__ == "__main__":
    main()

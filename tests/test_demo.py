"""Demo data: deterministic, flagged, idempotent, and carrying every case the pages show."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from collectors.config import Library, load_config
from collectors.demo import generate, load_demo
from collectors.store import Store
from tests.conftest import DEMO_END, ROOT


def test_demo_is_deterministic(config):
    a = generate(config, DEMO_END)
    b = generate(config, DEMO_END)
    assert a["posts"] == b["posts"] and a["daily"] == b["daily"]


def test_demo_has_the_cases_the_dashboard_must_show(store, config):
    load_demo(store, config, DEMO_END)
    accounts = store.accounts()
    assert accounts["is_demo"].all() and len(accounts) == 4
    posts = store.posts()
    kinds = (
        posts.merge(accounts, left_on="account_id", right_on="id")
        .groupby("platform_x")["kind"]
        .agg(set)
    )
    assert kinds["instagram"] == {"image", "carousel", "reel"}
    assert kinds["youtube"] == {"video", "short", "live"}
    assert posts["likes"].isna().any(), "some hidden like counts"
    assert posts["coauthors"].map(bool).any(), "collab posts"
    assert posts["mentions"].map(lambda m: any(h.startswith("demo.") for h in m)).any()
    assert posts["hashtags"].map(lambda h: "#bulanliterasi" in h).any(), "campaign hashtag"
    assert (
        (posts["kind"] != "reel").eq(posts["plays"].isna() | (posts["platform"] == "youtube")).all()
    )
    daily = store.account_daily()
    days = daily.groupby("account_id")["day"].agg(["min", "max", "count"])
    assert (days["max"] == DEMO_END).all() and (days["count"] >= 540).all()
    # follower growth has a few jumps well above the daily noise
    steps = daily.sort_values("day").groupby("account_id")["followers"].diff().dropna()
    assert (steps > 30).sum() >= 4
    # about 18 months of posts, in the libraries' local daytime
    span = posts["published_at"].max() - posts["published_at"].min()
    assert span > pd.Timedelta(days=500)
    hours = posts["published_at"].dt.tz_convert("Asia/Jakarta").dt.hour
    assert hours.between(7, 22).all()


def test_demo_shows_a_connected_first_library_with_owner_figures(store, config):
    """The first library's accounts look connected: owner-level figures (source owner
    insights, origin demo) up to the platforms' usual lag; the other library has none."""
    a, b = generate(config, DEMO_END), generate(config, DEMO_END)
    assert a["owner_daily"] == b["owner_daily"] and a["owner_posts"] == b["owner_posts"]
    load_demo(store, config, DEMO_END)
    accounts = store.accounts().set_index("id")
    figures = store.account_metrics()
    assert set(figures["source"]) == {"owner_insights"} and set(figures["origin"]) == {"demo"}
    owners = accounts.loc[sorted(set(figures["account_id"].astype(int)))]
    assert set(owners["library_id"]) == {"uma"} and owners["is_demo"].all()
    last = figures.groupby("account_id")["day"].max()
    by_platform = {accounts.loc[int(i), "platform"]: day for i, day in last.items()}
    assert by_platform == {
        "instagram": DEMO_END - dt.timedelta(days=1),  # Meta: up to 48 hours late
        "youtube": DEMO_END - dt.timedelta(days=3),  # YouTube Analytics: 48-72 hours
    }
    assert figures["value"].notna().all() and (figures["value"] >= 0).all()
    posts = store.posts().merge(accounts[["library_id"]], left_on="account_id", right_index=True)
    post_figures = store.post_metrics()
    reach = post_figures[post_figures["metric"] == "reach"].merge(posts, on=["platform", "post_id"])
    uma_ig = posts[(posts["library_id"] == "uma") & (posts["platform"] == "instagram")]
    assert set(reach["post_id"]) == set(uma_ig["post_id"]), "every UMA Instagram post"
    engagements = reach["likes"].fillna(0) + reach["comments"].fillna(0)
    assert (reach["value"] >= engagements).all(), "an ER by reach of at most 100%"
    assert set(post_figures["origin"]) == {"demo"}
    assert store.connections().empty, "no connection is made up"


def test_demo_rerun_is_idempotent_and_new_end_replaces_it(store, config):
    load_demo(store, config, DEMO_END)
    first = store.counts()
    posts_before = store.posts()
    load_demo(store, config, DEMO_END)
    assert store.counts() == first
    pd.testing.assert_frame_equal(posts_before, store.posts())
    load_demo(store, config, DEMO_END + dt.timedelta(days=1))
    assert store.account_daily()["day"].max() == DEMO_END + dt.timedelta(days=1)
    assert store.counts()["accounts"] == 4
    # the owner figures were replaced with the rest, none left from the first demo
    ig = store.account_metrics().merge(
        store.accounts()[["id", "platform"]], left_on="account_id", right_on="id"
    )
    assert ig.loc[ig["platform"] == "instagram", "day"].max() == DEMO_END


def test_demo_works_for_more_than_two_libraries(store, config):
    third = Library("usu", "Perpustakaan USU", "#aa3300", short_name="USU")
    bigger = dataclasses.replace(
        config,
        libraries=(*config.libraries, third),
        campaigns=tuple(
            dataclasses.replace(c, libraries=(*c.libraries, "usu")) for c in config.campaigns
        ),
    )
    load_demo(store, bigger, DEMO_END)
    assert set(store.accounts()["library_id"]) == {"uma", "unimed", "usu"}


def test_demo_cli_says_what_the_dashboard_will_show(tmp_path, monkeypatch, capsys):
    from collectors.cli import main
    from collectors.records import AccountRef

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))
    assert main(["demo", "--end", "2026-06-30"]) == 0
    # a refresh that captured nothing leaves a real account without data
    store = Store(url, "Asia/Jakarta")
    store.ensure_account(AccountRef("uma", "youtube", "@perpustakaanuma"))
    store.dispose()
    capsys.readouterr()
    assert main(["demo", "--remove"]) == 0
    assert "No real account has data yet" in capsys.readouterr().out
    assert main(["demo", "--end", "2026-06-30"]) == 0
    assert "Real data exists" not in capsys.readouterr().out


FOUR_LIBRARIES = "\n".join(
    f'[[libraries]]\nid = "{ident}"\nname = "Perpustakaan {ident}"\ncolor = "#{color}"\n'
    f'instagram = ["perpus.{ident}"]\nyoutube = ["@perpus{ident}"]\n'
    for ident, color in (
        ("uma", "1b7f3b"),
        ("unimed", "1f5fa8"),
        ("usu", "aa3300"),
        ("uinsu", "7a3b9f"),
    )
)


def _rows(url: str) -> int:
    """Accounts plus posts visible to another connection (0 before the schema exists)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    sa.text("SELECT (SELECT count(*) FROM accounts) + (SELECT count(*) FROM posts)")
                ).scalar()
            )
    except sa.exc.SQLAlchemyError:  # no table yet
        return 0
    finally:
        engine.dispose()


def test_a_demo_load_killed_midway_leaves_no_demo_then_loads_whole(db_url, tmp_path):
    config_path = tmp_path / "jejaring.toml"
    config_path.write_text('timezone = "Asia/Jakarta"\n' + FOUR_LIBRARIES)
    Store(db_url).dispose()  # the schema exists before the load starts
    env = dict(os.environ, JEJARING_CONFIG=str(config_path), JEJARING_DATABASE_URL=db_url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "collectors", "demo", "--end", DEMO_END.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    written = threading.Event()  # the first library's rows are written (in the transaction)

    def watch() -> None:
        for line in proc.stdout:
            if "prepared" in line:
                written.set()

    threading.Thread(target=watch, daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        # the condition: a library written, or (as a load in several transactions did) demo
        # rows visible to another connection
        while not written.is_set() and _rows(db_url) == 0:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the demo load never started writing: {proc.stderr.read()}")
            written.wait(0.05)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _rows(db_url) == 0, "a killed load leaves no demo at all"

    config = load_config(config_path)
    store = Store(db_url)
    counts = load_demo(store, config, DEMO_END)
    assert store.counts()["accounts"] == counts["accounts"] == 8
    assert store.counts()["posts"] == counts["posts"]
    store.dispose()


def test_demo_cli_prints_what_it_wrote(tmp_path, monkeypatch, capsys):
    """The printed post-days once counted the generated history only (18363), not the day
    of the last capture that each older post also gets (18961 rows)."""
    import re

    from collectors.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))
    for _ in range(2):  # the same again: nothing new, and it says the same
        assert main(["demo", "--end", "2026-06-30"]) == 0
        out = capsys.readouterr().out
        said = re.search(
            r"Demo data written: (\d+) accounts, (\d+) posts, (\d+) account-days, "
            r"(\d+) post-days\.",
            out,
        )
        assert said, out
        store = Store(url, "Asia/Jakarta")
        counts = store.counts()
        store.dispose()
        stored = [counts[t] for t in ("accounts", "posts", "account_daily", "post_daily")]
        assert [int(n) for n in said.groups()] == stored

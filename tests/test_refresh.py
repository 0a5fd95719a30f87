"""The refresh command as cron runs it: lock, exit codes, crash safety, readers never blocked."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from collectors.config import Settings
from collectors.lock import RefreshLock, RefreshLocked
from collectors.refresh import lock_for
from collectors.store import Store
from tests.youtube_server import youtube_config

ROOT = Path(__file__).resolve().parent.parent
KEY = "AIzaSy-refresh-test-key"
CONFIG = youtube_config(with_unknown=False)


@pytest.fixture
def env(tmp_path, api, db_url):
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    return dict(
        os.environ,
        JEJARING_CONFIG=str(tmp_path / "jejaring.toml"),
        JEJARING_DATABASE_URL=db_url,
        YOUTUBE_API_KEY=KEY,
        YOUTUBE_API_URL=api.url,
    )


def tables(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        return sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()


def cli(env, *args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "collectors", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_ok_run_exits_0_and_logs_plain_timestamped_lines(env):
    done = cli(env, "refresh")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert all(line[:4].isdigit() and " WIB " in line for line in lines)
    assert "\r" not in done.stdout and "[###" not in done.stdout, "no progress bar off a terminal"
    assert lines[-1].endswith("finished: ok")


def test_configuration_error_exits_2_and_writes_nothing(env, tmp_path, db_url):
    Path(env["JEJARING_CONFIG"]).write_text(CONFIG.replace('color = "#1b7f3b"', 'color = "x"'))
    done = cli(env, "refresh")
    assert done.returncode == 2
    assert "jejaring.toml, line 6: libraries[1] (id 'uma'): field 'color'" in done.stderr
    assert tables(db_url) == [], "not even the schema was created"


def test_second_refresh_exits_3_naming_the_holder(env, db_url):
    store = Store(db_url)
    with lock_for(Settings(database_url=db_url), store):
        done = cli(env, "refresh")
    store.dispose()
    assert done.returncode == 3
    assert f"pid {os.getpid()}" in done.stderr and "another refresh is running" in done.stderr


def test_lock_of_a_killed_holder_is_released(tmp_path):
    path = tmp_path / "refresh.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import time
            from collectors.lock import RefreshLock
            RefreshLock({str(path)!r}).acquire()
            print("held", flush=True)
            time.sleep(60)
        """),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(RefreshLocked, match=f"pid {holder.pid}"):
        RefreshLock(path).acquire()
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    lock = RefreshLock(path)
    lock.acquire()  # no stale lock left behind
    lock.release()


def _posts(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM posts")).scalar() or 0
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):  # no table yet
        return 0
    finally:
        engine.dispose()


@pytest.mark.parametrize("kill_when", ["first request", "after first account"])
def test_sigkill_mid_run_leaves_a_consistent_store(env, api, kill_when, db_url):
    api.delay = 0.15  # the server answers slowly so the kill lands mid-run
    proc = subprocess.Popen(
        [sys.executable, "-m", "collectors", "refresh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if kill_when == "first request" and api.requests:
                break
            if kill_when == "after first account" and _posts(db_url) > 0:
                break
            time.sleep(0.02)
        else:
            pytest.fail("the refresh never got that far")
    finally:
        proc.send_signal(signal.SIGKILL)  # also when the wait failed: leave no orphan
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    store = Store(db_url)
    if db_url.startswith("sqlite"):
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    written = store.counts()["posts"]
    assert written in (0, 120), "an account is written whole or not at all"
    assert store.runs().iloc[0]["status"] == "running"
    store.dispose()

    api.delay = 0
    done = cli(env, "refresh")
    assert done.returncode == 0, done.stdout + done.stderr
    store = Store(db_url)
    runs = store.runs().sort_values("run_id")
    assert list(runs["status"]) == ["failed", "ok"]
    assert "interrupted" in runs.iloc[0]["error"]
    assert store.counts()["posts"] == len(api.videos) == 124
    with store.engine.connect() as conn:
        dupes = conn.execute(
            sa.text(
                "SELECT count(*) FROM (SELECT platform, post_id FROM posts "
                "GROUP BY 1, 2 HAVING count(*) > 1) d"
            )
        ).scalar()
    assert dupes == 0


WRITER = """
import datetime as dt, sys
from collectors.records import AccountRef, AccountSnapshot, PostSnapshot
from collectors.store import Store
store = Store(sys.argv[1])
ref = AccountRef("uma", "instagram", "perpustakaan.uma")
start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
for i in range(int(sys.argv[2])):
    at = start + dt.timedelta(minutes=i)
    posts = [PostSnapshot(ref, "instagram", f"P{j}", start, "image", at, likes=i + j)
             for j in range(300)]
    store.write([AccountSnapshot(ref, at, followers=1000 + i)], posts)
print("writer done", flush=True)
"""

READER = """
import sys, time
from collectors.store import Store
import datetime as dt
from dashboard.pagedata import load_window, shown_accounts
store = Store(sys.argv[1])
reads = 0
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    accounts = shown_accounts(store.accounts())
    win = load_window(store, "Asia/Jakarta", accounts, dt.date(2025, 12, 1), dt.date(2026, 1, 31))
    assert len(win.posts) in (0, 300), len(win.posts)
    reads += 1
print("reads", reads, flush=True)
"""


def test_dashboard_reads_while_a_refresh_writes(db_url):
    url = db_url
    Store(url).dispose()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, "150"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, url, "6"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in [writer, *readers]]
    for proc, (_out, err) in zip([writer, *readers], outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
    assert "writer done" in outputs[0][0]
    for out, _ in outputs[1:]:
        assert int(out.split()[-1]) > 3, "readers made progress during the writes"
    store = Store(url)
    assert store.counts()["posts"] == 300
    assert store.account_daily().iloc[-1]["followers"] == 1149
    assert dt.date(2026, 1, 1) == store.account_daily().iloc[-1]["day"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_plain_lines_otherwise():
    from collectors.records import AccountRef, AccountResult
    from collectors.refresh import Reporter

    ref = AccountRef("uma", "youtube", "@perpustakaanuma")
    now = dt.datetime.now(dt.UTC)
    terminal = _Terminal()
    report = Reporter("Asia/Jakarta", 2, terminal)
    report.result(AccountResult(ref, started_at=now), 3, 4)
    assert "[###############...............] 1/2 accounts" in terminal.getvalue()
    report.result(AccountResult(ref, started_at=now), 0, 0)
    assert terminal.getvalue().rstrip().endswith("2/2 accounts")
    plain = io.StringIO()
    Reporter("Asia/Jakarta", 2, plain).result(AccountResult(ref, started_at=now), 3, 4)
    assert "accounts" not in plain.getvalue() and "\x1b" not in plain.getvalue()
    assert "youtube @perpustakaanuma (uma) ok: 3 new, 4 updated posts" in plain.getvalue()


def test_the_refresh_takes_its_key_from_streamlit_secrets(env, tmp_path):
    """As the dashboard: a key kept in the project's .streamlit/secrets.toml (not in the
    environment) is used, and never printed."""
    key = env.pop("YOUTUBE_API_KEY")
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(f'YOUTUBE_API_KEY = "{key}"\n')
    env = env | {"PYTHONPATH": str(ROOT), "HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "collectors", "refresh"],
        cwd=tmp_path,  # the folder the command runs from, where Streamlit looks too
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].endswith("finished: ok")
    assert key not in done.stdout + done.stderr


def test_the_refresh_leaves_the_breakout_verdicts_ready_for_the_dashboard(env, db_url):
    from dashboard.insight_data import verdict_basis

    done = cli(env, "refresh")
    assert done.returncode == 0, done.stderr
    store = Store(db_url)
    try:
        assert store.derived_basis("verdicts") == verdict_basis(store, "Asia/Jakarta")
        assert store.counts()["post_verdicts"] == 2 * store.counts()["posts"] > 0
    finally:
        store.dispose()

"""A database that cannot be used gives one sentence, exit code 4 and no traceback, and
nothing is written (collectors/store/faults.py and the entry points that show it).

Read-only files: ``chmod`` does not stop root, so when the tests run as root the file or
folder is made immutable (``chattr +i``, which binds root too); SQLite's own read-only open
(``?mode=ro``) is tested for every user. A full disk is SQLite's ``max_page_count``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from collectors import cli
from collectors.errors import StoreError
from collectors.store import Store
from tests.conftest import DEMO_END

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "jejaring.toml"


# schema_version's newest row says 0 (the others below it), whatever the head revision is
NEWEST_TO_ZERO = (
    "UPDATE schema_version SET version = version - (SELECT max(version) FROM schema_version)"
)


def run(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, JEJARING_CONFIG=str(CONFIG), JEJARING_DATABASE_URL=url)
    env.pop("YOUTUBE_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "collectors", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def refused(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The one sentence a refused command printed (exit 4, no traceback)."""
    assert done.returncode == 4, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "Error:" not in done.stdout
    lines = [line for line in done.stderr.splitlines() if line.startswith("Database error: ")]
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def digest(path: Path) -> str:
    """The bytes of a database and its journal files: unchanged means nothing written."""
    parts = [p for p in (path, Path(f"{path}-wal")) if p.exists()]
    return hashlib.sha256(b"".join(p.read_bytes() for p in parts)).hexdigest()


def a_store(path: Path) -> Path:
    """A Jejaring store with a demo in it, closed cleanly (no journal files left)."""
    from collectors.config import load_config
    from collectors.demo import load_demo

    store = Store(f"sqlite:///{path}")
    load_demo(store, load_config(CONFIG), DEMO_END, days=30)
    store.dispose()
    with closing(sqlite3.connect(path)) as conn:  # the last connection: no journal files left
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not Path(f"{path}-wal").exists()
    return path


# -- paths that are no database file ------------------------------------------------------


def test_a_folder_is_refused(tmp_path):
    (tmp_path / "data.db").mkdir()
    refused(run(f"sqlite:///{tmp_path / 'data.db'}", "status"), "not a regular file but a folder")
    assert list((tmp_path / "data.db").iterdir()) == []


def test_a_named_pipe_is_refused_before_it_is_opened(tmp_path):
    os.mkfifo(tmp_path / "data.db")
    # SQLite would block for ever reading the pipe; the timeout ends an old code's test
    done = run(f"sqlite:///{tmp_path / 'data.db'}", "status", timeout=60)
    refused(done, "named pipe (FIFO)")


def test_a_path_through_a_file_is_refused(tmp_path):
    (tmp_path / "data").write_text("")
    refused(run(f"sqlite:///{tmp_path / 'data' / 'x.db'}", "demo"), "a part of its path is a file")


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("text", "is not an SQLite database"),
        ("header", "is damaged"),
        ("truncated", "is damaged"),
        ("other tables", "is not a Jejaring store"),
        ("schema_version 0", "schema_version says 0"),
        ("missing column", "lacks column(s) caption"),
    ],
)
def test_a_file_that_is_no_usable_store_is_refused_and_left_alone(tmp_path, damage, words):
    path = tmp_path / "data.db"
    if damage == "text":
        path.write_text("Daftar pinjaman buku, bukan basis data.\n" * 20)
    elif damage == "header":
        a_store(path)
        path.write_bytes(path.read_bytes()[:50])  # cut inside SQLite's 100-byte header
    elif damage == "truncated":
        a_store(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "other tables":
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("CREATE TABLE loans (id INTEGER PRIMARY KEY, title TEXT)")
    elif damage == "schema_version 0":
        a_store(path)
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("DROP TABLE alembic_version")
            conn.execute(NEWEST_TO_ZERO)
    else:
        a_store(path)
        with closing(sqlite3.connect(path)) as conn, conn:
            conn.execute("ALTER TABLE posts DROP COLUMN caption")
    before = digest(path)
    for command in ("status", "demo", "refresh"):
        refused(run(f"sqlite:///{path}", command), words)
    assert digest(path) == before, "nothing was written"


# -- a database that refuses writes --------------------------------------------------------


@contextmanager
def unwritable(path: Path) -> Iterator[None]:
    """``path`` (a file or a folder) read-only, for root too."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"as root only an immutable file stops writes, and chattr +i failed here: "
                    f"{done.stderr.strip()}")  # fmt: skip
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@pytest.mark.parametrize("how", ["file", "folder", "sqlite read-only open"])
def test_a_read_only_database_is_refused_and_left_alone(tmp_path, how):
    folder = tmp_path / "data"
    folder.mkdir()
    path = a_store(folder / "jejaring.db")
    before = digest(path)
    if how == "sqlite read-only open":
        done = run(f"sqlite:///file:{path}?mode=ro&uri=true", "demo", "--end", "2026-12-31")
        refused(done, f"the database file {path} is read-only")
    else:
        with unwritable(path if how == "file" else folder):
            done = run(f"sqlite:///{path}", "demo", "--end", "2026-12-31")
        refused(done, "is read-only", "nothing was written")
    assert digest(path) == before


def test_a_database_locked_by_another_program_is_named_after_the_wait(tmp_path):
    path = a_store(tmp_path / "jejaring.db")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"conn = sqlite3.connect({str(path)!r}, isolation_level=None)\n"
            "conn.execute('BEGIN EXCLUSIVE')\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n",  # holds the lock until the test closes its input
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # ?timeout=1: wait one second for the holder instead of the default 30
        done = run(f"sqlite:///{path}?timeout=1", "refresh", "--platform", "youtube")
    finally:
        holder.stdin.close()
        holder.wait()
    refused(done, "is locked by another program for more than 1 s")
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM runs")).scalar() == 0
    engine.dispose()


def test_a_full_disk_says_disk_full_and_writes_nothing(tmp_path, monkeypatch, capsys):
    path = tmp_path / "jejaring.db"
    Store(f"sqlite:///{path}").dispose()

    def small_disk(dbapi_connection, _record):
        # SQLite's own limit on the file's size: what a full disk does to its writes
        if isinstance(dbapi_connection, sqlite3.Connection):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 20}")

    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///{path}")
    sa.event.listen(sa.engine.Engine, "connect", small_disk)
    try:
        code = cli.main(["demo", "--end", DEMO_END.isoformat()])
    finally:
        sa.event.remove(sa.engine.Engine, "connect", small_disk)
    err = capsys.readouterr().err
    assert code == cli.EXIT_STORE == 4
    assert err.splitlines()[-1].startswith("Database error: disk full: the database file")
    assert "OperationalError" not in err and "Traceback" not in err
    store = Store(f"sqlite:///{path}")
    assert store.counts()["accounts"] == 0 and store.counts()["posts"] == 0
    store.dispose()


# -- database URLs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://jejaring:s3cret-pw@db.example.ac.id/jejaring", "names a mysql database"),
        ("jejaring database please", "is not a database URL"),
        ("postgresql+nosuchdriver://jejaring:s3cret-pw@127.0.0.1/x", "cannot be used"),
        ("postgresql+psycopg://jejaring:s3cret-pw@127.0.0.1:1/jejaring", "cannot connect to"),
    ],
)
def test_a_database_url_that_cannot_be_used(url, words):
    text = refused(run(url, "status"), words)
    assert "s3cret-pw" not in text, "the password is never printed"


# -- the dashboard and the report ----------------------------------------------------------


def test_the_dashboard_shows_a_database_fault_as_a_sentence(tmp_path, monkeypatch):
    (tmp_path / "data.db").mkdir()
    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///{tmp_path / 'data.db'}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert len(at.error) == 1
    text = at.error[0].value
    assert "Basis data tidak dapat dipakai" in text and "bukan berkas biasa" in text
    # before the language switch is drawn, the sentence is given in both languages
    assert "The database cannot be used" in text and "is not a regular file" in text
    assert not at.metric


def test_the_dashboard_shows_a_read_only_store_it_must_fill_with_the_demo(tmp_path, monkeypatch):
    path = tmp_path / "empty.db"
    Store(f"sqlite:///{path}").dispose()  # no account yet: the dashboard loads the demo
    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    assert "hanya-baca" in at.error[0].value


def test_the_report_command_shows_a_database_fault_as_a_sentence(tmp_path):
    (tmp_path / "data.db").mkdir()
    env = dict(
        os.environ,
        JEJARING_CONFIG=str(CONFIG),
        JEJARING_DATABASE_URL=f"sqlite:///{tmp_path / 'data.db'}",
    )
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.report", "--from", "2026-01-01", "--to", "2026-01-31",
         "--out", str(tmp_path / "r.html")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    refused(done, "not a regular file but a folder")
    assert not (tmp_path / "r.html").exists()


# -- the sentence for each kind of fault ---------------------------------------------------


def test_driver_errors_become_sentences_in_both_languages(tmp_path):
    from collectors.store.faults import store_error

    path = tmp_path / "x.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(sqlite3.IntegrityError) as integrity:
            conn.execute("INSERT INTO t VALUES (1)")
    where = f"the database file {path}"
    err = store_error(integrity.value, where, f"sqlite:///{path}")
    assert isinstance(err, StoreError) and err.account_level and err.kind == "data"
    full = store_error(sqlite3.OperationalError("database or disk is full"), where)
    assert full.kind == "full" and str(full).startswith("disk full:")
    assert full.text("id").startswith("disk penuh:")
    assert not full.account_level
    assert store_error(OSError(28, "No space left on device"), where).kind == "full"


def test_a_row_the_database_refuses_fails_that_account_only(tmp_path):
    """The database works but refuses one account's rows (here a trigger, as a CHECK or a
    value it cannot hold would): that account fails, the others are written, exit 1."""
    import io

    from collectors.config import Settings, parse_config
    from collectors.records import AccountResult, PostSnapshot
    from collectors.refresh import refresh, select_accounts

    path = tmp_path / "jejaring.db"
    store = Store(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON posts WHEN NEW.post_id = 'BAD' "
            "BEGIN SELECT RAISE(ABORT, 'this post is refused'); END"
        )
    config = parse_config(CONFIG.read_text(), str(CONFIG))
    now = dt.datetime.now(dt.UTC)

    def collect(accounts, *_args):
        for i, ref in enumerate(accounts):
            post = PostSnapshot(ref, ref.platform, "BAD" if i == 0 else f"P{i}", now, "image", now)
            yield AccountResult(ref, started_at=now, posts=[post])

    summary = refresh(
        config,
        Settings(database_url=f"sqlite:///{path}"),
        store,
        select_accounts(config, ["instagram"]),
        out=io.StringIO(),
        collectors={"instagram": collect},
    )
    statuses = [r.status for r in summary.results]
    assert statuses == ["failed", "ok"] and summary.exit_code == 1
    assert "this post is refused" in str(summary.results[0].error)
    assert list(store.posts()["post_id"]) == ["P1"]
    assert store.runs().iloc[0]["status"] == "partial"
    store.dispose()


def test_a_database_fault_inside_a_collector_stops_the_refresh(tmp_path):
    """A collector reads the store (what is known of an account): a database fault there is
    the database's, not a collector bug to be noted per account."""
    import io

    from collectors.config import Settings, parse_config
    from collectors.refresh import refresh, select_accounts

    store = Store(f"sqlite:///{tmp_path / 'j.db'}")
    config = parse_config(CONFIG.read_text(), str(CONFIG))

    def collect(accounts, *_args):
        raise StoreError(key="store_full", kind="full", where="the database", error="full")
        yield  # a generator, as collectors are

    with pytest.raises(StoreError, match="disk full"):
        refresh(
            config,
            Settings(database_url=f"sqlite:///{tmp_path / 'j.db'}"),
            store,
            select_accounts(config, ["instagram"]),
            out=io.StringIO(),
            collectors={"instagram": collect},
        )
    assert store.run_items().empty, "no account was recorded as a collector bug"
    store.dispose()


# -- every sentence in both languages; a database in memory (issue #11 point 11) ----------


def test_every_store_error_is_given_by_a_message_key():
    """A StoreError with English text only was shown in English under the dashboard's
    Indonesian heading. Every one raised in the code names a message of both languages."""
    import ast

    from collectors.messages import MESSAGES

    found = []
    for path in [*ROOT.glob("collectors/**/*.py"), *ROOT.glob("dashboard/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "StoreError":
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            assert not node.args, f"{where}: a StoreError with text instead of a message key"
            keys = [k.value for k in node.keywords if k.arg == "key"]
            assert keys, f"{where}: a StoreError without a message key"
            if isinstance(keys[0], ast.Constant):
                indonesian, english = MESSAGES[keys[0].value]
                assert indonesian and english and indonesian != english, where
            found.append(where)
    assert len(found) >= 10, found


def _refusal(url: str, prepare=None) -> StoreError:
    if prepare is not None:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            for statement in prepare:
                conn.exec_driver_sql(statement)
        engine.dispose()
    with pytest.raises(StoreError) as refused_:
        Store(url, notice=lambda text: None)
    return refused_.value


@pytest.mark.parametrize(
    ("case", "english", "indonesian"),
    [
        ("not a Jejaring store", "is not a Jejaring store", "bukan penyimpanan Jejaring"),
        ("newer", "newer than this Jejaring", "lebih baru daripada Jejaring ini"),
        ("alembic_version empty", "alembic_version table is empty", "tabel alembic_version"),
        ("schema_version 0", "schema_version says 0", "schema_version berisi 0"),
        ("missing column", "lacks column(s) caption", "tidak punya kolom caption"),
        ("not a URL", "is not a database URL", "bukan URL basis data"),
        ("mysql", "names a mysql database", "menyebut basis data mysql"),
        ("no driver", "cannot be used", "tidak dapat dipakai"),
        ("in memory", "in-memory SQLite database", "SQLite di memori"),
    ],
)
def test_each_store_refusal_is_a_sentence_in_both_languages(tmp_path, case, english, indonesian):
    path = tmp_path / "data.db"
    url = f"sqlite:///{path}"
    if case == "not a Jejaring store":
        err = _refusal(url, ["CREATE TABLE loans (id INTEGER PRIMARY KEY)"])
    elif case == "newer":
        Store(url).dispose()
        err = _refusal(url, ["UPDATE alembic_version SET version_num = '0099'"])
    elif case == "alembic_version empty":
        Store(url).dispose()
        err = _refusal(url, ["DELETE FROM alembic_version"])
    elif case == "schema_version 0":
        Store(url).dispose()
        err = _refusal(url, ["DROP TABLE alembic_version", NEWEST_TO_ZERO])
    elif case == "missing column":
        Store(url).dispose()
        err = _refusal(url, ["ALTER TABLE posts DROP COLUMN caption"])
    else:
        url = {
            "not a URL": "jejaring database please",
            "mysql": "mysql://jejaring:pw@db.example.ac.id/jejaring",
            "no driver": "postgresql+nosuchdriver://jejaring:pw@127.0.0.1/x",
            "in memory": "sqlite://",
        }[case]
        err = _refusal(url) if case != "not a URL" else _refusal_of_url(url)
    assert err.key is not None
    assert english in err.text("en") and english in str(err)
    assert indonesian in err.text("id"), err.text("id")
    if url.startswith("sqlite:///"):
        assert err.text("id").startswith(f"berkas basis data {path}"), err.text("id")


def _refusal_of_url(url: str) -> StoreError:
    with pytest.raises(StoreError) as refused_:
        Store(url)
    return refused_.value


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file::memory:?cache=shared&uri=true"]
)
def test_a_database_in_memory_is_refused_with_the_reason(url):
    """``sqlite://`` was reported as a damaged store ("table 'accounts' is missing"): the
    schema went into one in-memory database and was looked for in another."""
    text = refused(run(url, "status"), "in-memory SQLite database")
    assert "damaged" not in text and "missing" not in text
    assert "the refresh and the dashboard" in text and "sqlite:///data/jejaring.db" in text


def test_the_dashboard_says_not_a_jejaring_store_in_indonesian_too(tmp_path, monkeypatch):
    path = tmp_path / "data.db"
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE loans (id INTEGER PRIMARY KEY, title TEXT)")
    monkeypatch.setenv("JEJARING_CONFIG", str(CONFIG))
    monkeypatch.setenv("JEJARING_DATABASE_URL", f"sqlite:///{path}")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    [error] = at.error
    indonesian, english = error.value.split("\n\n")
    assert indonesian.startswith("**Basis data tidak dapat dipakai**")
    assert f"berkas basis data {path} bukan penyimpanan Jejaring" in indonesian
    assert "is not a Jejaring store" not in indonesian
    assert english.startswith("**The database cannot be used**")
    assert "is not a Jejaring store" in english

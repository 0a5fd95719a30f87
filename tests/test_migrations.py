"""Schema migrations (Alembic): a fresh store equals the tables in schema.py, a version-1
store made before Alembic migrates in place and then refreshes, and a store that is newer,
damaged or not Jejaring's is refused with a sentence that says so."""

from __future__ import annotations

import datetime as dt
import io
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from collectors.config import Settings, parse_config
from collectors.refresh import refresh, select_accounts
from collectors.store import HEAD, Store, StoreError, metadata
from collectors.store.migrate import known_revisions
from tests.youtube_server import UNIMED_ID, youtube_config

FIXTURES = Path(__file__).parent / "fixtures" / "store"
KEY = "test-key"


def load_v1(url: str) -> None:
    """Put the version-1 store (made by the code before Alembic) into an empty database."""
    engine = sa.create_engine(url)
    dialect = engine.dialect.name
    text = (FIXTURES / f"v1_{dialect}.sql").read_text()
    if dialect == "sqlite":
        raw = engine.raw_connection()
        try:
            raw.driver_connection.executescript(text)
        finally:
            raw.close()
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql(text)
    engine.dispose()


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = ["accounts", "account_daily", "posts", "post_daily", "runs", "run_items"]
        found = {n: conn.execute(sa.text(f"SELECT count(*) FROM {n}")).scalar() for n in names}
    engine.dispose()
    return found


def expected_ages(url: str) -> set[tuple[str, str, int, int]]:
    """(platform, post_id, age, likes) of each post's first daily capture made age × 24 to
    (age + 1) × 24 hours after publication, computed here from the raw rows."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        published = {
            (p, i): when
            for p, i, when in conn.execute(
                sa.text("SELECT platform, post_id, published_at FROM posts")
            ).all()
        }
        rows = conn.execute(
            sa.text("SELECT platform, post_id, captured_at, likes FROM post_daily")
        ).all()
    engine.dispose()

    def moment(value):
        return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)

    first: dict[tuple[str, str, int], tuple[dt.datetime, int]] = {}
    for platform, post_id, captured, likes in rows:
        hours = (
            moment(captured).replace(tzinfo=None)
            - moment(published[(platform, post_id)]).replace(tzinfo=None)
        ).total_seconds() / 3600
        for age in (2, 7):
            key = (platform, post_id, age)
            if 24 * age <= hours < 24 * (age + 1) and (
                key not in first or moment(captured) < first[key][0]
            ):
                first[key] = (moment(captured), likes)
    return {(*key, likes) for key, (_, likes) in first.items()}


def stored_ages(url: str) -> set[tuple[str, str, int, int]]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT platform, post_id, age, likes FROM post_ages")).all()
    engine.dispose()
    return {tuple(row) for row in found}


def test_the_head_revision_is_the_last_migration():
    assert known_revisions()[-1] == HEAD


def test_a_fresh_store_has_exactly_the_tables_of_schema_py(db_url):
    store = Store(db_url, notice=lambda text: None)
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    store.dispose()
    assert diff == []


def test_a_version_1_store_migrates_keeps_its_rows_and_then_refreshes(db_url, api, tmp_path):
    load_v1(db_url)
    before = counts(db_url)
    assert before["posts"] == 17 and before["accounts"] >= 3
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        old_ids = dict(conn.execute(sa.text("SELECT handle, id FROM accounts")).all())
        old_posts = dict(conn.execute(sa.text("SELECT post_id, account_id FROM posts")).all())
    engine.dispose()
    messages: list[str] = []
    store = Store(db_url, "Asia/Jakarta", notice=messages.append)
    assert len(messages) == 1 and "from schema 0001 to " + HEAD in messages[0]
    assert counts(db_url) == before, "no row lost or added by the migration"
    # 0003 kept each post's first capture at the compared ages from the daily history
    assert stored_ages(db_url) == expected_ages(db_url) and len(stored_ages(db_url)) > 0
    assert store.schema_version() == int(HEAD)
    if db_url.startswith("sqlite"):
        backups = list(tmp_path.glob("test.db.schema-0001-*.bak"))
        assert len(backups) == 1 and str(backups[0]) in messages[0]
        old = sa.create_engine(f"sqlite:///{backups[0]}")
        with old.connect() as conn:  # the copy is the version-1 store as it was
            assert conn.execute(sa.text("SELECT count(*) FROM posts")).scalar() == 17
            assert "alembic_version" not in sa.inspect(conn).get_table_names()
        old.dispose()
    else:
        assert "pg_dump" in messages[0]
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []

    config = parse_config(youtube_config(), str(tmp_path / "jejaring.toml"))
    settings = Settings(database_url=db_url, youtube_api_key=KEY, youtube_api_url=api.url)
    summary = refresh(
        config, settings, store, select_accounts(config, ["youtube"]), out=io.StringIO()
    )
    assert summary.status == "ok", [str(r.error) for r in summary.results]
    posts = store.posts().set_index("post_id")
    # every version-1 post is still there under its account; the server's other uploads
    # were added to the same accounts (the stored channel ids were used, not resolved again)
    assert all(posts.loc[p, "account_id"] == a for p, a in old_posts.items())
    assert dict(zip(store.accounts()["handle"], store.accounts()["id"], strict=True)) == old_ids
    assert (posts["account_id"] == old_ids["@perpustakaanuma"]).sum() == 120
    assert (posts["account_id"] == old_ids[UNIMED_ID]).sum() == 4
    items = store.run_items()
    assert list(items.loc[items["run_id"] == summary.run_id, "path"]) == ["data_api"] * 2
    assert posts.loc["IGv1POST1", "plays"] == 2000, "the Instagram reel of version 1 is kept"
    store.dispose()
    # opening again migrates nothing
    again: list[str] = []
    Store(db_url, notice=again.append).dispose()
    assert again == []


def test_two_processes_opening_an_old_store_migrate_it_once(db_url):
    load_v1(db_url)
    errors: list[BaseException] = []
    messages: list[str] = []
    barrier = threading.Barrier(3)

    def open_store() -> None:
        barrier.wait()
        try:
            Store(db_url, notice=messages.append).dispose()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        versions = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
    engine.dispose()
    assert sorted(versions) == list(range(1, int(HEAD) + 1))


def test_a_store_newer_than_this_jejaring_is_refused_and_left_alone(db_url):
    Store(db_url, notice=lambda text: None).dispose()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(StoreError, match=r"schema 0099, newer than this Jejaring.*git pull"):
        Store(db_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0099"
    engine.dispose()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("UPDATE schema_version SET version = 0", r"schema_version says 0.*damaged"),
        ("DELETE FROM schema_version", r"schema_version says None.*damaged"),
        ("ALTER TABLE posts DROP COLUMN likes", r"table 'posts' lacks column\(s\) likes"),
    ],
)
def test_a_damaged_version_1_store_is_refused_with_what_is_wrong(db_url, damage, message):
    load_v1(db_url)
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(damage)
    engine.dispose()
    with pytest.raises(StoreError, match=message):
        Store(db_url)
    assert counts(db_url)["runs"] == 1, "nothing was written"


def test_a_store_missing_a_column_of_the_head_schema_is_refused(db_url):
    Store(db_url, notice=lambda text: None).dispose()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE account_metrics DROP COLUMN origin")
    engine.dispose()
    with pytest.raises(StoreError, match=r"'account_metrics' lacks column\(s\) origin.*damaged"):
        Store(db_url)


def test_a_database_of_something_else_is_not_taken_over(db_url):
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(StoreError, match="is not a Jejaring store .*invoices"):
        Store(db_url)
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == ["invoices"]
    engine.dispose()


# -- the command (python -m collectors migrate) -------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def migrate_command(url: str, tmp_path: Path):
    import os
    import subprocess
    import sys

    config = tmp_path / "jejaring.toml"
    config.write_text(youtube_config())
    env = dict(os.environ, JEJARING_CONFIG=str(config), JEJARING_DATABASE_URL=url)
    return subprocess.run(
        [sys.executable, "-m", "collectors", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def alembic_revision(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        revision = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    engine.dispose()
    return revision


def test_the_migrate_command_brings_a_version_1_store_to_this_schema(db_url, tmp_path):
    load_v1(db_url)
    before = counts(db_url)
    done = migrate_command(db_url, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stdout.splitlines()
    assert (
        lines[0].startswith("Upgrading the store in ") and f"from schema 0001 to {HEAD}" in lines[0]
    )
    assert lines[-1].endswith(f"is at schema {HEAD}.")
    assert alembic_revision(db_url) == HEAD
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
    assert counts(db_url) == before, "no row lost or added"
    # already current: nothing to do, and it says so
    again = migrate_command(db_url, tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [lines[-1].removesuffix(".") + ": up to date."]


def test_the_migrate_command_refuses_a_store_newer_than_this_jejaring(db_url, tmp_path):
    Store(db_url, notice=lambda text: None).dispose()
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    done = migrate_command(db_url, tmp_path)
    assert done.returncode == 4, done.stdout + done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()  # one sentence
    assert line.startswith("Database error: ") and "schema 0099, newer than this Jejaring" in line
    # the README's install command, with the tested versions
    assert "pip install -r requirements.txt -c constraints.txt" in line
    assert alembic_revision(db_url) == "0099", "left alone"

"""The store: idempotent merges, history, NULLs kept, UTC-aware reads, schema version."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from collectors.records import AccountMetric, AccountRef, AccountSnapshot, PostSnapshot
from collectors.store import SCHEMA_VERSION, Store, StoreError

UTC = dt.UTC
REF = AccountRef("uma", "instagram", "perpustakaan.uma")
T0 = dt.datetime(2025, 9, 1, 23, 30, tzinfo=UTC)  # 06:30 WIB on 2 September


def post(post_id: str, captured: dt.datetime, **metrics) -> PostSnapshot:
    defaults = {"likes": 10, "comments": 2, "views": None}
    defaults.update(metrics)
    return PostSnapshot(
        REF,
        "instagram",
        post_id,
        dt.datetime(2025, 8, 30, 3, tzinfo=UTC),
        "image",
        captured,
        caption="Halo #BulanLiterasi",
        hashtags=("#bulanliterasi",),
        mentions=("digilib.unimed",),
        **defaults,
    )


def test_writing_the_same_capture_twice_changes_nothing(store):
    snaps = [AccountSnapshot(REF, T0, followers=1000, following=10, media_count=5)]
    posts = [post("A1", T0), post("A2", T0, likes=None)]
    first = store.write(snaps, posts)
    before = {name: frame for name, frame in _dump(store).items()}
    second = store.write(snaps, posts)
    after = _dump(store)
    assert first.new_posts == 2 and second.new_posts == 0 and second.updated_posts == 2
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name])
    counts = store.counts()
    assert counts["posts"] == 2 and counts["post_daily"] == 2 and counts["account_daily"] == 1
    assert counts["accounts"] == 1


def _dump(store: Store) -> dict[str, pd.DataFrame]:
    return {
        "accounts": store.accounts().drop(columns=["created_at"]),
        "daily": store.account_daily(),
        "posts": store.posts(),
        "history": store.post_daily(),
    }


def test_newer_capture_updates_latest_and_day_row_older_does_not(store):
    store.write([AccountSnapshot(REF, T0, followers=1000)], [post("A1", T0, likes=10)])
    later_same_day = T0 + dt.timedelta(hours=5)
    next_day = T0 + dt.timedelta(days=1)
    store.write(
        [AccountSnapshot(REF, later_same_day, followers=1005)],
        [post("A1", later_same_day, likes=12)],
    )
    store.write([AccountSnapshot(REF, next_day, followers=1010)], [post("A1", next_day, likes=15)])
    # a replayed older capture must not roll anything back
    store.write([AccountSnapshot(REF, T0, followers=1000)], [post("A1", T0, likes=10)])

    latest = store.posts().iloc[0]
    assert latest["likes"] == 15
    assert latest["metrics_at"] == pd.Timestamp(next_day)
    assert latest["first_seen_at"] == pd.Timestamp(T0)
    history = store.post_daily()
    assert list(history["day"]) == [dt.date(2025, 9, 2), dt.date(2025, 9, 3)]
    assert list(history["likes"]) == [12, 15]
    daily = store.account_daily()
    assert list(daily["followers"]) == [1005, 1010]


def test_missing_metrics_stay_null_not_zero(store):
    store.write(
        [AccountSnapshot(REF, T0, followers=None)], [post("A1", T0, likes=None, comments=None)]
    )
    row = store.posts().iloc[0]
    assert pd.isna(row["likes"]) and pd.isna(row["comments"]) and pd.isna(row["views"])
    assert pd.isna(store.account_daily().iloc[0]["followers"])
    assert pd.isna(store.post_daily().iloc[0]["likes"])


def test_reads_are_utc_aware_and_lists_are_lists(store):
    store.write([], [post("A1", T0)])
    frame = store.posts()
    assert str(frame["published_at"].dt.tz) == "UTC"
    assert frame.iloc[0]["published_at"] == pd.Timestamp("2025-08-30 03:00", tz="UTC")
    assert frame.iloc[0]["hashtags"] == ["#bulanliterasi"]
    assert frame.iloc[0]["mentions"] == ["digilib.unimed"]
    # the capture's day is the local (WIB) day, not the UTC one
    assert store.post_daily().iloc[0]["day"] == dt.date(2025, 9, 2)


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="time zone"):
        PostSnapshot(REF, "instagram", "x", dt.datetime(2025, 1, 1), "image", T0)


def test_posts_are_marked_gone_never_deleted(store):
    store.write([], [post("A1", T0), post("A2", T0)])
    with store.transaction() as conn:
        assert store.mark_gone(conn, "instagram", ["A2"], T0 + dt.timedelta(days=1)) == 1
    frame = store.posts().set_index("post_id")
    assert len(frame) == 2
    assert pd.isna(frame.loc["A1", "gone_at"]) and not pd.isna(frame.loc["A2", "gone_at"])
    # seen again in a newer capture: it is back
    store.write([], [post("A2", T0 + dt.timedelta(days=2))])
    assert pd.isna(store.posts().set_index("post_id").loc["A2", "gone_at"])


def test_schema_version_recorded_and_newer_database_refused(db_url):
    url = db_url
    store = Store(url)
    assert store.schema_version() == SCHEMA_VERSION
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    store.dispose()
    with pytest.raises(StoreError, match="newer than this Jejaring"):
        Store(url)


def test_sqlite_uses_wal_and_busy_timeout(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'wal.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_default_sqlite_folder_is_created(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'nested' / 'data' / 'j.db'}")
    assert (tmp_path / "nested" / "data" / "j.db").exists()
    store.dispose()


def test_runs_and_items_are_recorded(store):
    aid = store.ensure_account(REF)
    run = store.start_run("refresh")
    store.record_run_item(run, aid, started_at=T0, status="failed", error="boom", requests=3)
    store.finish_run(run, "partial", "1 account failed")
    runs = store.runs()
    assert runs.iloc[0]["status"] == "partial"
    items = store.run_items([run])
    assert items.iloc[0]["error"] == "boom" and items.iloc[0]["requests"] == 3


def test_fingerprint_changes_when_captures_are_written(store):
    before = store.fingerprint()
    store.write([], [post("A1", T0)])
    middle = store.fingerprint()
    store.write([], [post("A1", T0 + dt.timedelta(hours=1), likes=11)])
    assert before != middle != store.fingerprint()


def test_load_twice_row_counts_equal_distinct_keys(store, config):
    from collectors.demo import load_demo
    from tests.conftest import DEMO_END

    load_demo(store, config, DEMO_END)
    load_demo(store, config, DEMO_END)
    with store.engine.connect() as conn:
        for table, key in [
            ("posts", "platform, post_id"),
            ("post_daily", "platform, post_id, day"),
            ("account_daily", "account_id, day"),
            ("accounts", "platform, handle"),
        ]:
            total = conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            distinct = conn.execute(
                sa.text(f"SELECT count(*) FROM (SELECT DISTINCT {key} FROM {table}) d")
            ).scalar()
            assert total == distinct > 0, table


def test_bulk_history_refuses_naive_times(store):
    aid = store.ensure_account(REF)
    with pytest.raises(ValueError, match="naive datetime"):
        store.write_account_history(
            [
                {
                    "account_id": aid,
                    "day": dt.date(2025, 9, 1),
                    "followers": 1,
                    "following": None,
                    "media_count": None,
                    "total_views": None,
                    "captured_at": dt.datetime(2025, 9, 1, 6),
                }
            ]
        )
    assert store.counts()["account_daily"] == 0, "nothing half-written"


@pytest.mark.parametrize("bad", ["-5", 2**63, "12.5", {}, "lots", float("nan")], ids=repr)
def test_an_invalid_count_never_replaces_a_good_stored_one(store, bad, caplog):
    store.write(
        [AccountSnapshot(REF, T0, followers=1000, media_count=5)], [post("A1", T0, likes=10)]
    )
    later = T0 + dt.timedelta(hours=2)  # same local day: the day's history row is merged
    with caplog.at_level("WARNING", logger="jejaring.records"):
        snap = AccountSnapshot(REF, later, followers=bad, media_count=6)
        fresh = post("A1", later, likes=bad, comments=3)
    assert snap.followers is None and snap.invalid == {"followers"}
    assert fresh.likes is None and fresh.invalid == {"likes"}
    assert "post A1: likes" in caplog.text and "perpustakaan.uma: followers" in caplog.text
    store.write([snap], [fresh])
    row = store.posts().iloc[0]
    assert row["likes"] == 10 and row["comments"] == 3, "good value kept, valid one updated"
    assert store.post_daily().iloc[0]["likes"] == 10
    daily = store.account_daily().iloc[0]
    assert daily["followers"] == 1000 and daily["media_count"] == 6
    # a new post whose count is invalid is stored with that count unknown
    store.write([], [post("A2", later, likes=bad)])
    assert pd.isna(store.posts().set_index("post_id").loc["A2", "likes"])


def test_counts_as_platforms_send_them_are_read_as_whole_numbers(store):
    store.write([], [post("A1", T0, likes="554", comments=12.0, views=" 7 ")])
    row = store.posts().iloc[0]
    assert (row["likes"], row["comments"], row["views"]) == (554, 12, 7)


def test_owner_figures_merge_by_key_and_keep_their_source(store):
    from collectors.records import AccountMetric, PostMetric

    store.write([], [post("A1", T0)])
    day = dt.date(2025, 9, 1)
    figures = [
        AccountMetric(REF, day, "reach", 812, "owner_insights", T0, "graph v24.0"),
        AccountMetric(REF, day, "reach", 800, "file_import", T0, "export.csv"),
        AccountMetric(REF, day, "profile_views", None, "owner_insights", T0),
    ]
    per_post = [PostMetric(REF, "instagram", "A1", "saved", 4, "owner_insights", T0)]
    store.write_figures(figures, per_post)
    store.write_figures(figures, per_post)  # the same capture twice changes nothing
    later = T0 + dt.timedelta(hours=1)
    store.write_figures([AccountMetric(REF, day, "reach", 830, "owner_insights", later)])
    store.write_figures([AccountMetric(REF, day, "reach", 1, "owner_insights", T0)])  # replay
    rows = store.account_metrics().set_index(["metric", "source"])
    assert len(rows) == 3
    assert rows.loc[("reach", "owner_insights"), "value"] == 830
    assert rows.loc[("reach", "file_import"), "value"] == 800
    assert pd.isna(rows.loc[("profile_views", "owner_insights"), "value"]), "NULL, never 0"
    saved = store.post_metrics([("instagram", "A1")])
    assert list(saved["value"]) == [4] and saved.iloc[0]["day"] == dt.date(2025, 9, 2)
    # no posts asked about (a page whose filters chose none): no rows, the same columns
    none = store.post_metrics([], latest=True)
    assert none.empty and list(none.columns) == list(saved.columns)


def test_first_day_is_the_earliest_local_day_of_posts_or_captures(store):
    assert store.first_day([], "Asia/Jakarta") is None
    # posted 30 Aug 03:00 UTC (10:00 WIB), captured on 2 Sep (WIB)
    store.write([], [post("A1", T0)])
    account = int(store.accounts()["id"].iloc[0])
    assert store.first_day([account], "Asia/Jakarta") == dt.date(2025, 8, 30)
    early = PostSnapshot(
        REF, "instagram", "A0", dt.datetime(2025, 8, 1, 20, tzinfo=UTC), "image", T0, likes=1
    )
    store.write([], [early])  # 20:00 UTC is already 2 August in WIB
    assert store.first_day([account], "Asia/Jakarta") == dt.date(2025, 8, 2)
    assert store.first_day([account], "UTC") == dt.date(2025, 8, 1)
    assert store.first_day([account + 1], "Asia/Jakarta") is None


def test_accounts_with_data_have_posts_or_owner_figures(store):
    youtube = AccountRef("uma", "youtube", "@perpustakaanuma")
    empty = AccountRef("unimed", "instagram", "digilib.unimed")
    store.write([], [post("A1", T0)])  # posts, no daily capture (as an import writes them)
    store.write_figures([AccountMetric(youtube, dt.date(2025, 9, 1), "views", 5, "file_import",
                                       T0)])  # fmt: skip
    store.ensure_account(empty)  # e.g. a refresh that captured nothing
    ids = store.accounts().set_index("handle")["id"]
    got = store.accounts_with_data()
    assert list(got["account_id"]) == sorted([ids[REF.handle], ids[youtube.handle]])
    assert store.last_captures().empty  # none of them has a capture


def test_owner_days_and_post_figures_of_no_post(store):
    """Per account and source, the first and last day of owner figures (the Data page's
    insights lag); asking for the figures of no post reads nothing."""
    from collectors.records import AccountMetric

    ref = AccountRef("uma", "instagram", "perpustakaan.uma")
    when = dt.datetime(2026, 3, 5, tzinfo=dt.UTC)
    days = [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(3)]
    store.write_figures(
        [AccountMetric(ref, d, "reach", 10, "owner_insights", when) for d in days]
        + [AccountMetric(ref, days[0], "reach", None, "file_import", when)]
    )
    frame = store.owner_days().set_index("source")
    assert frame.loc["owner_insights", "first_day"] == days[0]
    assert frame.loc["owner_insights", "last_day"] == days[-1]
    assert frame.loc["file_import", "last_day"] == days[0]
    assert store.owner_days(account_ids=[999]).empty
    empty = store.post_metrics([], ["reach"], latest=True)
    assert empty.empty and "value" in empty.columns


def test_postgresql_sessions_run_without_jit_and_keep_it_after_a_rollback(pg_url):
    """PostgreSQL compiled the dashboard's sums with JIT (0.4 s of a 1.2 s query): the
    store's sessions turn it off, outside any transaction so that a rollback keeps it."""
    store = Store(pg_url)
    with store.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        conn.rollback()
        assert conn.exec_driver_sql("SHOW jit").scalar() == "off"
    store.engine.dispose()

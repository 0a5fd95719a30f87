"""Health of the collection (collectors/status.py): the status command and the Data page
work on a store without a single capture, e.g. after a first refresh refused outright."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from collectors.status import account_health
from collectors.store import Store
from tests.youtube_server import youtube_config

ROOT = Path(__file__).resolve().parent.parent
KEY = "AIzaSy-status-test-key"


def test_health_of_accounts_never_captured(store):
    from collectors.records import AccountRef

    store.ensure_account(AccountRef("uma", "youtube", "@perpustakaanuma"))
    now = dt.datetime.now(dt.UTC)
    health = account_health(store.accounts(), store.last_captures(), store.run_items(), now)
    assert len(health) == 1
    row = health.iloc[0]
    assert pd.isna(row["last_capture"]) and bool(row["stale"])
    assert isinstance(health["last_capture"].dtype, pd.DatetimeTZDtype)
    empty = account_health(store.accounts().iloc[:0], store.last_captures(), store.run_items(), now)
    assert empty.empty and list(empty.columns) == list(health.columns)


def _cli(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "collectors", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_status_and_data_page_after_a_first_refresh_refused(api, tmp_path, monkeypatch):
    api.invalid_key = True  # the first refresh ever is refused: accounts, no capture
    (tmp_path / "jejaring.toml").write_text(youtube_config())
    url = f"sqlite:///{tmp_path / 'first.db'}"
    env = dict(
        os.environ,
        JEJARING_CONFIG=str(tmp_path / "jejaring.toml"),
        JEJARING_DATABASE_URL=url,
        YOUTUBE_API_KEY=KEY,
        YOUTUBE_API_URL=api.url,
    )
    assert _cli(env, "refresh").returncode == 1
    store = Store(url)
    assert len(store.accounts()) == 2 and store.last_captures().empty
    store.dispose()
    status = _cli(env, "status")
    assert status.returncode == 0, status.stderr
    assert "Traceback" not in status.stderr
    assert "never captured STALE" in status.stdout and "invalid key" in status.stdout

    monkeypatch.setenv("JEJARING_CONFIG", env["JEJARING_CONFIG"])
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    at.switch_page("dashboard/pages/data.py").run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Akun basi"] == "2"
    health = at.dataframe[0].value.set_index("Akun")
    # one account was refused, the other skipped, each with its own message
    assert sorted(health["Hasil terakhir"]) == ["dilewati", "gagal"]
    for _handle, row in health.iterrows():
        # in the reader's language; the account is in its own column, not repeated
        assert row["Pesan"].startswith("YouTube menolak kunci API"), row["Pesan"]
        assert "YOUTUBE_API_KEY" in row["Pesan"]

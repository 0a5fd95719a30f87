"""Downloads: the period's posts and account history, as CSV and as Excel."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd

from collectors.demo import load_demo
from dashboard.exports import csv_bytes, excel_bytes, history_export, posts_export
from dashboard.metrics import Period
from dashboard.pagedata import load_window, shown_accounts
from tests.conftest import DEMO_END


def test_exports_hold_exactly_the_period_and_open_in_excel(store, config):
    load_demo(store, config, DEMO_END)
    period = Period(DEMO_END - dt.timedelta(days=29), DEMO_END)
    snap = load_window(
        store,
        config.timezone,
        shown_accounts(store.accounts()),
        period.start,
        period.end,
        detail="history",
    )
    labels = {"uma": "UMA", "unimed": "UNIMED"}
    posts = posts_export(snap.posts, period, labels, config.timezone)
    raw = store.posts()
    local_day = raw["published_at"].dt.tz_convert(config.timezone).dt.date
    expected = raw[(local_day >= period.start) & (local_day <= period.end)]
    assert sorted(posts["post_id"]) == sorted(expected["post_id"])
    assert set(posts["library"]) == {"UMA", "UNIMED"}
    assert posts["published_local"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d$").all()
    history = history_export(snap.daily, snap.accounts, period, labels, config.timezone)
    assert len(history) == 4 * 30

    csv = csv_bytes(posts)
    assert csv.startswith(b"\xef\xbb\xbf")
    again = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(again["post_id"]) == list(posts["post_id"])

    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"posts": posts, "accounts": history})))
    assert book.sheetnames == ["posts", "accounts"]
    assert book["posts"].max_row == len(posts) + 1
    assert book["accounts"]["A1"].value == "library"


def test_downloads_speak_the_readers_language(store, config):
    from dashboard.exports import localize

    load_demo(store, config, DEMO_END)
    period = Period(DEMO_END - dt.timedelta(days=29), DEMO_END)
    snap = load_window(
        store, config.timezone, shown_accounts(store.accounts()), period.start, period.end, "all"
    )
    posts = posts_export(snap.posts, period, {"uma": "UMA"}, config.timezone)
    shown = localize(posts, "id")
    assert list(shown.columns)[:6] == [
        "perpustakaan", "platform", "akun", "id_unggahan", "terbit_waktu_lokal", "jenis"
    ]  # fmt: skip
    assert set(shown["platform"]) == {"Instagram", "YouTube"}
    assert set(shown["disematkan"]) <= {"ya", "tidak"}
    assert "Foto" in set(shown["jenis"])
    assert list(localize(posts, "en").columns) == list(posts.columns), "English keeps the names"
    # Indonesian CSV: ';' between fields, ',' as decimal mark, as an Indonesian spreadsheet
    # expects; the numbers read back equal
    raw = csv_bytes(shown, "id")
    assert raw.decode("utf-8-sig").splitlines()[0].startswith("perpustakaan;platform;akun;")
    again = pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", sep=";", decimal=",")
    er = posts["er_followers_pct"].astype("float64")
    assert np.allclose(again["er_pengikut_persen"], er, equal_nan=True)
    assert "," in raw.decode("utf-8-sig").splitlines()[1] or er.isna().all()

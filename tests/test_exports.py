"""Downloads: the period's posts and account history, as CSV and as Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

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
    local = raw.set_index("post_id")["published_at"].dt.tz_convert(config.timezone)
    first = posts.iloc[0]
    assert first["published_local"] == local[first["post_id"]].tz_localize(None).floor("min")
    history = history_export(snap.daily, snap.accounts, period, labels, config.timezone)
    assert len(history) == 4 * 30

    csv = csv_bytes(posts)
    assert csv.startswith(b"\xef\xbb\xbf")
    again = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert list(again["post_id"]) == list(posts["post_id"])
    assert again["published_local"].str.match(r"\d{4}-\d\d-\d\d \d\d:\d\d$").all()

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


# -- hostile captions (issue #11 items 4 and 5) -------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://evil.example","klik")',
    '=cmd|" /C calc"!A0',
    "+62 812 3456 7890 info",
    "-5 tips membaca",
    "@perpustakaan.uma terima kasih",
    "\tmulai dengan tab",
    "\rmulai dengan CR",
    "baris satu\rbaris dua",  # a bare CR once split the CSV row
    "baris satu\r\nbaris dua\nbaris tiga",
    "bel\x07, null\x00, escape\x1b dan \x0bvtab",  # openpyxl refused these: no download
    "#N/A",
    'biasa saja, dengan koma dan "kutip"',
]
CLEAN = [
    '=HYPERLINK("http://evil.example","klik")',
    '=cmd|" /C calc"!A0',
    "+62 812 3456 7890 info",
    "-5 tips membaca",
    "@perpustakaan.uma terima kasih",
    "\tmulai dengan tab",
    "\rmulai dengan CR",
    "baris satu\rbaris dua",
    "baris satu\r\nbaris dua\nbaris tiga",
    "bel, null, escape dan vtab",
    "#N/A",
    'biasa saja, dengan koma dan "kutip"',
]


def hostile_frame() -> pd.DataFrame:
    n = len(HOSTILE)
    return pd.DataFrame(
        {
            "caption": HOSTILE,
            "likes": pd.array([554, None, *range(n - 2)], dtype="Int64"),
            "followers_at_post": [554.0, float("nan"), *[float(i) for i in range(n - 2)]],
            "er_followers_pct": [1.25] * n,
            "published_local": [dt.datetime(2026, 1, 2, 3, 4)] * n,
            "day": [dt.date(2026, 1, 2)] * n,
        }
    )


def test_the_csv_neutralises_formulas_and_keeps_rows_whole():
    frame = hostile_frame()
    data = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert len(rows) == len(HOSTILE) + 1, "one row per post, line breaks inside quotes"
    header, *body = rows
    assert header == list(frame.columns)
    for row, clean in zip(body, CLEAN, strict=True):
        caption = row[0]
        if clean.startswith(("=", "+", "-", "@", "\t", "\r")):
            assert caption == "'" + clean, caption  # OWASP: a leading apostrophe
        else:
            assert caption == clean
    assert body[0][1:] == ["554", "554", "1.25", "2026-01-02 03:04", "2026-01-02"]
    assert body[1][1:3] == ["", ""], "unknown stays empty, never 0"
    assert all("\x00" not in c and "\x07" not in c for row in rows for c in row)


def test_the_excel_file_holds_text_never_formulas_and_real_numbers_and_dates():
    frame = hostile_frame()
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"posts": frame})))
    sheet = book["posts"]
    assert [c.value for c in sheet[1]] == list(frame.columns)
    for row, clean in zip(sheet.iter_rows(min_row=2), CLEAN, strict=True):
        caption = row[0]
        assert caption.data_type == "s", (caption.value, caption.data_type)
        assert caption.value == clean.replace("\r\n", "\n").replace("\r", "\n")
        if clean.startswith(("=", "+", "-", "@", "\t")):
            assert caption.quotePrefix, "typed with a leading apostrophe: stays text when edited"
    first = [c.value for c in sheet[2]]
    assert first[1:4] == [554, 554, 1.25] and type(first[1]) is int and type(first[2]) is int
    assert first[4] == dt.datetime(2026, 1, 2, 3, 4) and sheet["E2"].is_date
    assert sheet["F2"].is_date and sheet["F2"].value.date() == dt.date(2026, 1, 2)
    assert [c.value for c in sheet[3]][1:3] == [None, None]
    # no formula anywhere in the file's XML either
    raw = zipfile.ZipFile(io.BytesIO(excel_bytes({"posts": frame}))).read(
        "xl/worksheets/sheet1.xml"
    )
    assert b"<f>" not in raw and b"<f " not in raw


def test_noncharacters_and_lone_surrogates_never_break_the_files():
    """U+FFFE and U+FFFF are no XML characters: a caption holding one gave a sheet XML that
    is not well-formed (Excel reports the file damaged); a lone surrogate cannot be written
    as UTF-8 at all."""
    from xml.etree import ElementTree

    captions = ["akhir\ufffe teks", "\uffff awal", "pecah \ud83d di tengah", "baik 😀"]
    # object columns: pandas' own string type cannot even hold a lone surrogate
    frame = pd.DataFrame(
        {"caption\ufffe": pd.Series(captions, dtype=object), "likes": [1, 2, 3, 4]}
    )
    data = excel_bytes({"posts\uffff": frame})
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in book.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(book.read(name))  # noqa: S314 - our own file
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    read = [sheet.cell(row=r, column=1).value for r in range(1, len(captions) + 2)]
    assert read == ["caption\ufffd", "akhir\ufffd teks", "\ufffd awal", "pecah \ufffd di tengah",
                    "baik 😀"]  # fmt: skip
    assert sheet.title == "posts\ufffd"
    text = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows] == read

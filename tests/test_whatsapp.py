"""WhatsApp "Ask Librarian" chat exports: both line formats and both languages, questions and
reply times checked against numbers computed by hand, merging of later exports, and a check
that no message text, phone number or patron name reaches the store.

The chats in tests/fixtures/imports were written by hand in the shapes WhatsApp exports:
Android "23/11/26 09.00 - Name: text" (Indonesian) and "11/23/26, 9:00 AM - Name: text"
(US English), iOS "[11/23/26, 9:00:10 AM] Name: text" with a narrow no-break space before
AM/PM and left-to-right marks before notices (English) and "[23/11/26 09.00.10] Name: text"
(Indonesian); multi-line messages; system lines; media.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from collectors.cli import describe_plan
from collectors.config import Service, parse_config
from collectors.errors import ImportFileError
from collectors.imports import Options, commit, prepare
from collectors.store import metadata
from collectors.whatsapp import percentile, read_chats
from tests.importing import CONFIG, assert_same, chats_zip, config, dump, fixture, zip_of

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=UTC)
SERVICE = config().library("uma").services[0]
SITI = "wa_android_id/Chat WhatsApp dengan Siti Sentinel.txt"
OTHER = "wa_android_id/Chat WhatsApp dengan +62 813-1234-5678.txt"
MON, TUE = dt.date(2026, 11, 23), dt.date(2026, 11, 24)


def wib(day: int, hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A November 2026 moment in WIB (UTC+7) as UTC."""
    return dt.datetime(2026, 11, day, hour, minute, second, tzinfo=UTC) - dt.timedelta(hours=7)


def run(store, name, data, now=NOW, **options):
    plan = prepare(store, config(), name, Options("uma", **options), data=data, now=now)
    return plan, commit(store, plan)


def stored_days(store) -> dict[dt.date, dict]:
    days = store.service_daily()
    cols = ["questions", "answered", "median_first_reply_s", "p90_first_reply_s", "within_1h",
            "within_hours", "askers"]  # fmt: skip
    return {
        r["day"]: {c: (None if pd.isna(r[c]) else r[c]) for c in cols}
        for r in days.to_dict("records")
    }


def stored_questions(store) -> list[tuple]:
    rows = store.service_questions()
    return [
        (
            r.asked_at.to_pydatetime(),
            int(r.seq),
            None if pd.isna(r.first_reply_s) else r.first_reply_s,
            bool(r.in_service_hours),
        )
        for r in rows.itertuples()
    ]


# Worked out by hand from the two chats (see the fixture files): Siti asks at 09:00 (reply
# 09:15), again at 11:00 (100 min after her last message: a new question; reply 11:45), at
# 15:30 (reply 16:40, after closing) and on Tuesday at 19:10 (out of hours; reply Wednesday
# 08:05 = 12 h 55 min); the other patron asks at 09:00 (reply 09:30) and on Tuesday 10:00
# (no reply).
HAND_QUESTIONS = [
    (wib(23, 9, 0), 0, 900.0, True),
    (wib(23, 9, 0), 1, 1800.0, True),
    (wib(23, 11, 0), 0, 2700.0, True),
    (wib(23, 15, 30), 0, 4200.0, True),
    (wib(24, 10, 0), 0, None, True),
    (wib(24, 19, 10), 0, 46500.0, False),
]
HAND_DAYS = {
    # replies 900, 1800, 2700, 4200: median (1800 + 2700) / 2; p90 at rank 2.7:
    # 2700 + 0.7 × (4200 − 2700) = 3750; within an hour: 3; in service hours: all but 15:30
    MON: {"questions": 4, "answered": 4, "median_first_reply_s": 2250.0,
          "p90_first_reply_s": 3750.0, "within_1h": 3, "within_hours": 3, "askers": 2},
    TUE: {"questions": 2, "answered": 1, "median_first_reply_s": 46500.0,
          "p90_first_reply_s": 46500.0, "within_1h": 0, "within_hours": 0, "askers": 2},
}  # fmt: skip


def test_two_chats_figures_match_the_hand_computed_ones(store):
    plan, result = run(store, "chats.zip", chats_zip())
    assert plan.kind == "whatsapp" and plan.chats == 2
    assert plan.period == (MON, TUE)
    assert stored_questions(store) == HAND_QUESTIONS
    assert stored_days(store) == HAND_DAYS
    daily = store.service_daily()
    assert set(daily["source"]) == {"file_import"}
    assert set(daily["origin"]) == {f"import #{result.import_id}: WhatsApp chat export (2 chats)"}
    services = store.services()
    assert (services["library_id"].iloc[0], services["name"].iloc[0]) == ("uma", SERVICE.name)


def test_ios_english_export():
    export = read_chats([fixture("wa_ios_en.txt").decode()], "x.txt", SERVICE, "Asia/Jakarta",
                        b"salt")  # fmt: skip
    chat = export.chats[0]
    # The encryption notice and the number change are notices; the deleted message is gone.
    assert (chat.system_lines, chat.media, chat.deleted, len(chat.messages)) == (2, 1, 1, 5)
    got = [(q.asked_at, q.first_reply_s, q.in_hours) for q in export.questions]
    assert got == [
        (wib(23, 9, 0, 10), 630.0, True),  # 9:00:10 → 9:10:40
        (wib(23, 13, 30), 1800.0, True),  # 4 h 19 min after the last message: a new one
    ]
    assert export.notices == []  # 23 can only be a day: no ambiguity


def test_ios_indonesian_export():
    export = read_chats([fixture("wa_ios_id.txt").decode()], "x.txt", SERVICE, "Asia/Jakarta",
                        b"salt")  # fmt: skip
    chat = export.chats[0]
    # "[23/11/26 09.00.10]": day first, 24-hour clock with dots and seconds; the encryption
    # notice and the number change are notices, the deleted message is gone, an omitted
    # picture and an attachment are messages.
    assert (chat.system_lines, chat.media, chat.deleted, len(chat.messages)) == (2, 2, 1, 6)
    got = [(q.asked_at, q.first_reply_s, q.in_hours) for q in export.questions]
    assert got == [
        (wib(23, 9, 0, 10), 750.0, True),  # 09.00.10 → 09.12.40 (Rina, staff)
        (wib(23, 13, 30), 2100.0, True),  # 4 h 17 min of silence: a new one; 14.05 reply
        (wib(24, 17, 20), None, False),  # Tuesday after closing, never answered
    ]
    assert export.notices == []  # 23 and 24 can only be days


def test_ios_indonesian_export_imported(store):
    zipped = zip_of({"_chat.txt": fixture("wa_ios_id.txt")})
    plan, _ = run(store, "WhatsApp Chat - Dewi Sentinel.zip", zipped)
    assert (plan.chats, plan.period) == (1, (MON, TUE))
    assert stored_days(store) == {
        # replies 750 and 2100 s: median 1425, p90 at rank 0.9: 750 + 0.9 × 1350 = 1965
        MON: {"questions": 2, "answered": 2, "median_first_reply_s": 1425.0,
              "p90_first_reply_s": 1965.0, "within_1h": 2, "within_hours": 2, "askers": 1},
        TUE: {"questions": 1, "answered": 0, "median_first_reply_s": None,
              "p90_first_reply_s": None, "within_1h": 0, "within_hours": 0, "askers": 1},
    }  # fmt: skip


def test_android_us_english_export():
    export = read_chats([fixture("wa_android_en.txt").decode()], "x.txt", SERVICE,
                        "Asia/Jakarta", b"salt")  # fmt: skip
    got = [(q.asked_at, q.first_reply_s) for q in export.questions]
    assert got == [(wib(23, 9, 0), 600.0), (wib(23, 13, 30), 1800.0)]  # media is a message


def test_ambiguous_dates_are_read_day_first_and_said_so():
    chat = "05/11/26 09.00 - Budi: halo\n05/11/26 09.10 - Perpustakaan UMA: ya\n"
    export = read_chats([chat], "x.txt", SERVICE, "Asia/Jakarta", b"s")
    assert export.questions[0].asked_at == wib(5, 9, 0)  # 5 November, not 11 May
    assert [n.text("en") for n in export.notices] == [
        "the date order could be read either way; read as day/month/year"
    ]


def test_the_reading_that_keeps_the_chat_in_time_order_wins():
    chat = (
        "01/02/26 09:00 - Budi: a\n01/02/26 09:05 - Perpustakaan UMA: ya\n"
        "02/01/26 09:00 - Budi: b\n"
    )
    export = read_chats([chat], "x.txt", SERVICE, "Asia/Jakarta", b"s")
    assert [q.asked_at.date() for q in export.questions] == [
        dt.date(2026, 1, 2),  # month first: 2 January, then 1 February
        dt.date(2026, 2, 1),
    ]
    assert export.notices == []


def test_a_chat_without_staff_messages_is_named():
    chat = "23/11/26 09.00 - Budi: halo\n23/11/26 09.10 - Pustakawan Lain: ya\n"
    export = read_chats([chat], "x.txt", SERVICE, "Asia/Jakarta", b"s")
    assert export.questions[0].first_reply_s is None
    assert "chat 1: no message from the staff names" in export.notices[0].text("en")


def test_group_chat_each_patron_starts_their_own_question():
    chat = (
        "23/11/26 09.00 - Budi: tanya dong\n"
        "23/11/26 09.02 - Ani: saya juga mau tanya\n"
        "23/11/26 09.05 - Perpustakaan UMA: silakan\n"
        "23/11/26 09.06 - Budi: makasih\n"
    )
    export = read_chats([chat], "x.txt", SERVICE, "Asia/Jakarta", b"s")
    assert [(q.asked_at, q.first_reply_s) for q in export.questions] == [
        (wib(23, 9, 0), 300.0),
        (wib(23, 9, 2), 180.0),
    ]


def test_percentile_by_linear_interpolation():
    assert percentile([4200, 900, 2700, 1800], 0.5) == 2250
    assert percentile([900, 1800, 2700, 4200], 0.9) == pytest.approx(3750)
    assert percentile([7.0], 0.9) == 7.0 and percentile([], 0.5) is None


def test_importing_the_same_chats_twice_changes_nothing(store):
    run(store, "chats.zip", chats_zip())
    before = dump(store)
    plan, result = run(store, "chats.zip", chats_zip(), now=NOW + dt.timedelta(days=2))
    assert not result.first_time and plan.already is not None
    assert_same(before, dump(store))


def test_chats_imported_one_by_one_add_up(store):
    run(store, "siti.txt", fixture(SITI))
    run(store, "other.txt", fixture(OTHER))
    assert stored_questions(store) == HAND_QUESTIONS  # the two 09:00 questions both kept
    assert stored_days(store) == HAND_DAYS  # askers: one per chat and day, added


def test_a_later_export_of_the_same_chat_completes_it(store):
    full = fixture(SITI)
    earlier = full[: full.index(b"25/11/26")]  # exported before Wednesday's reply
    run(store, "siti-1.txt", earlier)
    assert stored_days(store)[TUE]["answered"] == 0
    run(store, "siti-2.txt", full, now=NOW + dt.timedelta(days=1))
    days = stored_days(store)
    assert days[TUE] == {"questions": 1, "answered": 1, "median_first_reply_s": 46500.0,
                         "p90_first_reply_s": 46500.0, "within_1h": 0, "within_hours": 0,
                         "askers": 1}  # fmt: skip
    assert days[MON]["questions"] == 3 and days[MON]["askers"] == 1  # not counted twice
    assert len(stored_questions(store)) == 4


def test_an_older_export_seen_later_keeps_the_replies(store):
    full = fixture(SITI)
    run(store, "siti-2.txt", full)
    before = (stored_questions(store), stored_days(store))
    run(store, "siti-1.txt", full[: full.index(b"25/11/26")], now=NOW + dt.timedelta(days=1))
    assert (stored_questions(store), stored_days(store)) == before


def test_a_failure_while_writing_leaves_nothing_behind(store, monkeypatch):
    plan = prepare(store, config(), "chats.zip", Options("uma"), data=chats_zip(), now=NOW)
    before = dump(store)

    def broken(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(store, "write_service_days", broken)
    with pytest.raises(RuntimeError):
        commit(store, plan)
    assert_same(before, dump(store))  # questions, service and import record rolled back


def test_a_file_that_is_no_chat_is_refused(store):
    with pytest.raises(ImportFileError) as info:
        run(store, "notes.txt", b"Catatan rapat\nHari ini kita membahas jadwal.\n")
    assert str(info.value).startswith("notes.txt: no WhatsApp message lines")
    with pytest.raises(ImportFileError) as info:
        run(store, "bad.txt", b"23/11/26 09.00 - Budi: a\n31/02/26 09.00 - Budi: b\n")
    assert str(info.value) == "bad.txt, line 2: '31/02/26' is not a valid date"
    assert store.counts()["service_daily"] == 0


def test_library_without_or_with_several_services(store):
    services = CONFIG.index("[[libraries.services]]")
    unimed = CONFIG.index('[[libraries]]\nid = "unimed"')
    without = parse_config(CONFIG[:services] + CONFIG[unimed:])
    with pytest.raises(ImportFileError) as info:
        prepare(store, without, "x.txt", Options("uma"), data=fixture(SITI))
    assert "library uma has no WhatsApp service in jejaring.toml" in str(info.value)
    block = CONFIG[services:unimed]
    second = block.replace("Ask Librarian UMA", "Tanya Malam")
    two = parse_config(CONFIG[:unimed] + second + CONFIG[unimed:])
    with pytest.raises(ImportFileError) as info:
        prepare(store, two, "x.txt", Options("uma"), data=fixture(SITI))
    assert "several services (Ask Librarian UMA, Tanya Malam); choose one" in str(info.value)
    plan = prepare(store, two, "x.txt", Options("uma", service="tanya malam"), data=fixture(SITI))
    assert plan.service.name == "Tanya Malam"


# -- hand-kept daily counts ------------------------------------------------------------------


def test_manual_daily_counts(store):
    plan, _ = run(store, "service_manual.csv", fixture("service_manual.csv"))
    assert plan.kind == "service_csv"
    days = store.service_daily()
    assert set(days["source"]) == {"manual"}
    assert stored_days(store) == {
        dt.date(2026, 10, 5): {"questions": 6, "answered": 5, "median_first_reply_s": 1320.0,
                               "p90_first_reply_s": None, "within_1h": 4, "within_hours": None,
                               "askers": 5},
        dt.date(2026, 10, 6): {"questions": 3, "answered": 3, "median_first_reply_s": 570.0,
                               "p90_first_reply_s": None, "within_1h": 3, "within_hours": None,
                               "askers": 3},
    }  # fmt: skip
    before = dump(store)
    run(store, "service_manual.csv", fixture("service_manual.csv"), now=NOW + dt.timedelta(1))
    assert_same(before, dump(store))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"tanggal;pertanyaan;terjawab\n2026-10-05;3;4\n", "line 2: terjawab (4) is more than"),
        (b"date,questions\n2026-10-05,3\n05/10/2026,2\n", "line 3: the date 2026-10-05 is already"),
        (b"date,questions\n2026-10-05,tiga\n", "line 2: column 'questions': 'tiga' is not a"),
        (b"date,questions\nkemarin,3\n", "line 2: column 'date': 'kemarin' is not a date"),
        (b"date,questions\n2026-10-05,-1\n", "line 2: column 'questions': '-1' is not a number"),
    ],
)
def test_manual_counts_with_a_mistake_are_refused(store, data, words):
    with pytest.raises(ImportFileError) as info:
        run(store, "hitungan.csv", data)
    assert words in str(info.value) and str(info.value).startswith("hitungan.csv, line ")
    assert store.counts()["service_daily"] == 0 and store.counts()["imports"] == 0


# -- privacy -------------------------------------------------------------------------------

SENTINELS = [
    b"Siti", b"Sentinel", b"SENTINEL", b"Budi", b"RAHASIA", b"Statistik", b"skripsi",
    b"812-9999", b"8129999", b"813-1234", b"8131234", b"+62", b"thesis", b"Dewi",
    b"TEKS-IOS", b"7777-1111", b"77771111", b"panduan",
]  # fmt: skip


def test_no_text_number_or_name_reaches_the_store(store, db_url):
    # File names as WhatsApp writes them carry the contact's name: it must not be kept.
    run(store, "WhatsApp Chat with Siti Sentinel.zip", chats_zip())
    ios = zip_of({"_chat.txt": fixture("wa_ios_en.txt"), "00000003-PHOTO.jpg": b"\xff\xd8"})
    plan, _ = run(store, "WhatsApp Chat - Budi Sentinel.zip", ios)
    ios_id = zip_of({"_chat.txt": fixture("wa_ios_id.txt")})
    run(store, "WhatsApp Chat - Dewi Sentinel.zip", ios_id)
    assert all(s.decode() not in describe_plan(plan).replace(plan.shown_name, "")
               for s in SENTINELS)  # fmt: skip
    if db_url.startswith("sqlite"):
        path = store.engine.url.database
        files = [path, f"{path}-wal", f"{path}-shm"]
        blob = b"".join(Path(f).read_bytes() for f in files if Path(f).exists())
        assert len(blob) > 4096
    else:  # PostgreSQL: every stored value of every table, as text
        with store.engine.connect() as conn:
            blob = "\n".join(
                repr(row) for table in metadata.sorted_tables
                for row in conn.execute(sa.select(table))
            ).encode()  # fmt: skip
    assert b"WhatsApp chat export" in blob  # the store was really read
    for sentinel in SENTINELS:
        assert sentinel not in blob, sentinel
    assert store.counts()["service_questions"] == 11


def test_a_patron_is_a_different_hash_in_every_import():
    texts = [fixture(SITI).decode()]
    first = read_chats(texts, "x", SERVICE, "Asia/Jakarta", b"salt-one").questions
    second = read_chats(texts, "x", SERVICE, "Asia/Jakarta", b"salt-two").questions
    assert len({q.asker for q in first}) == 1
    assert {q.asker for q in first}.isdisjoint({q.asker for q in second})


def test_service_hours_from_the_configuration():
    service = Service("whatsapp", "x", ("Staf",), dt.time(8), dt.time(16), (0, 1, 2, 3, 4), 60)
    jakarta = dt.timezone(dt.timedelta(hours=7))
    assert service.in_hours(dt.datetime(2026, 11, 23, 8, 0, tzinfo=jakarta))
    assert not service.in_hours(dt.datetime(2026, 11, 23, 16, 0, tzinfo=jakarta))
    assert not service.in_hours(dt.datetime(2026, 11, 28, 10, 0, tzinfo=jakarta))  # Saturday

"""Platform export files: YouTube Studio and Meta Business Suite exports matched to accounts
and posts, stored as owner figures, idempotent, and refused whole when malformed.

The fixture files were written by hand in the shapes recorded from public sources (Studio's
Advanced-mode Content export with its "Total" row and Indonesian UI names; Business Suite's
content export with "Lifetime" dates, quoted thousands, BOM and ';' in other locales).
Every expected value below was read off the fixture files by hand.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from collectors import exportfile
from collectors.cli import main
from collectors.errors import ImportFileError
from collectors.imports import Options, commit, prepare
from collectors.records import AccountRef, PostSnapshot
from tests.importing import (
    CONFIG,
    STUDIO_ZIP_FOLDER,
    assert_same,
    config,
    dump,
    fixture,
    studio_zip,
    zip_of,
)

UTC = dt.UTC
NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 10:00 WIB on 26 November
ZIP_NAME = f"{STUDIO_ZIP_FOLDER}.zip"


def run(store, name, data, library="uma", **options):
    plan = prepare(store, config(), name, Options(library, **options), data=data, now=NOW)
    return plan, commit(store, plan)


def post_figures(store, post_id):
    frame = store.post_metrics([(p, post_id) for p in ("youtube", "instagram")])
    return {(r.metric, r.day): (r.value, r.source, r.origin) for r in frame.itertuples()}


def texts(plan, lang="en"):
    return [n.text(lang) for n in plan.notices]


# -- YouTube Studio -----------------------------------------------------------------------


def test_studio_zip_creates_new_videos_with_figures_and_channel_days(store):
    plan, result = run(store, ZIP_NAME, studio_zip())
    assert plan.kind == "youtube_studio" and plan.account.handle == "@perpustakaanuma"
    assert plan.period == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # from the name
    assert result.first_time and result.counts["posts_new"] == 2

    posts = store.posts().set_index("post_id")
    first, short = posts.loc["vidUMA00001"], posts.loc["vidUMA00002"]
    # "Oct 3, 2026" has no time: 00:00 WIB is 17:00 UTC the day before.
    assert first["published_at"] == dt.datetime(2026, 10, 2, 17, 0, tzinfo=UTC)
    assert (first["kind"], first["url"]) == ("video", "https://www.youtube.com/watch?v=vidUMA00001")
    assert first["title"] == "Tur perpustakaan, lantai 2" and first["duration_s"] == 245
    assert first["kind_source"] == "import"
    # Published within the export's period (October): its figures are its lifetime counts,
    # as of the end of 31 October (WIB), and fill the public counts no refresh gave yet.
    assert (first["views"], first["likes"], first["comments"]) == (1250, 90, 12)
    assert first["metrics_at"] == dt.datetime(2026, 10, 31, 16, 59, 59, tzinfo=UTC)
    assert (short["views"], short["likes"], short["comments"]) == (1230, 50, 10)
    history = store.post_daily().set_index("post_id").loc["vidUMA00001"]
    assert (history["day"], history["views"]) == (dt.date(2026, 10, 31), 1250)
    assert (short["kind"], short["url"]) == ("short", "https://www.youtube.com/shorts/vidUMA00002")
    assert short["title"] == "Cara meminjam buku\n(versi baru) #shorts"  # a quoted newline

    figures = post_figures(store, "vidUMA00001")
    day = dt.date(2026, 10, 31)  # the period's last day
    expected = {
        "views": 1250, "engagedViews": 1040, "watchTimeHours": 60.2,
        "averageViewDuration": 173, "averagePercentageViewed": 70.6, "impressions": 18000,
        "impressionsCtr": 4.8, "likes": 90, "comments": 12, "shares": 5,
        "subscribersGained": 9, "subscribersLost": 1, "uniqueViewers": 980,
    }  # fmt: skip
    assert {name: figures[(name, day)][0] for name in expected} == expected
    value, source, origin = figures[("impressions", day)]
    assert source == "file_import" and origin == f"import #{result.import_id}: {ZIP_NAME}"
    assert len(figures) == len(expected)  # "Hype points" and revenue are not stored

    days = store.account_metrics()
    by_key = {(r.day, r.metric): r.value for r in days.itertuples()}
    assert by_key[(dt.date(2026, 10, 2), "subscribersNet")] == -1  # signed
    assert by_key[(dt.date(2026, 10, 2), "impressions")] == 1350  # "1,350"
    assert by_key[(dt.date(2026, 10, 3), "impressionsCtr")] == 6.8
    assert len(days) == 15  # 3 days × 5 columns; Chart data's per-video lines are not stored
    assert set(days["source"]) == {"file_import"}

    warnings = texts(plan)
    assert any("line 2: Total row skipped" in w for w in warnings)
    assert any("not recognised, not stored: Hype points" in w for w in warnings)
    assert any("does not keep: Estimated revenue (USD)" in w for w in warnings)
    assert any("Chart data" in w for w in warnings)
    imports = store.imports()
    assert list(imports["file_name"]) == [ZIP_NAME] and imports["rows"].iloc[0] == 5


def pd_isna(value) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_studio_indonesian_headers_semicolons_and_decimal_commas(store):
    plan, _ = run(store, "studio_table_id.csv", fixture("studio_table_id.csv"))
    assert plan.period is None
    capture_day = dt.date(2026, 11, 26)  # the import's local day
    figures = post_figures(store, "vidUMA00003")
    got = {name: figures[(name, capture_day)][0] for name, _ in figures}
    assert got == {
        "views": 980,  # Penayangan
        "watchTimeHours": 120.75,  # "120,75"
        "averageViewDuration": 444,  # 0:07:24
        "averagePercentageViewed": 24.4,
        "impressions": 9100,  # Tayangan, "9.100"
        "impressionsCtr": 3.9,
        "likes": 40,
        "comments": 7,
        "subscribersNet": 5,
    }
    post = store.posts().set_index("post_id").loc["vidUMA00003"]
    assert post["duration_s"] == 1820  # "1.820" with decimal commas: thousands
    # without a period nobody can tell whether 980 views are the video's lifetime
    assert pd_isna(post["views"]) and pd_isna(post["likes"])
    assert post["published_at"] == dt.datetime(2026, 8, 11, 17, 0, tzinfo=UTC)  # 12 Agu 2026
    warnings = texts(plan, "id")
    assert any("Kolom Misteri" in w for w in warnings)
    assert any("tidak menyebut periodenya" in w and "2026-11-26" in w for w in warnings)


def test_a_later_export_matches_the_videos_already_stored(store):
    run(store, ZIP_NAME, studio_zip())
    plan, _ = run(store, "studio_table_id.csv", fixture("studio_table_id.csv"))
    status = {p.post_id: p.status for p in plan.posts}
    assert status == {"vidUMA00001": "known", "vidUMA00003": "new"}
    assert store.counts()["posts"] == 3
    figures = post_figures(store, "vidUMA00001")
    assert figures[("views", dt.date(2026, 10, 31))][0] == 1250  # the first export's
    assert figures[("views", dt.date(2026, 11, 26))][0] == 1250  # the second's, its own day


def test_importing_the_same_file_twice_changes_nothing(store):
    run(store, ZIP_NAME, studio_zip())
    run(store, "meta_content_en.csv", fixture("meta_content_en.csv"))
    before = dump(store)
    later = NOW + dt.timedelta(days=3)
    for name, data in ((ZIP_NAME, studio_zip()), ("meta_content_en.csv",
                                                    fixture("meta_content_en.csv"))):  # fmt: skip
        plan = prepare(store, config(), name, Options("uma"), data=data, now=later)
        assert plan.already is not None and "already imported" in texts(plan)[0]
        assert not commit(store, plan).first_time
    assert_same(before, dump(store))


def test_a_refresh_after_the_preview_keeps_its_post_row(store):
    plan = prepare(store, config(), ZIP_NAME, Options("uma"), data=studio_zip(), now=NOW)
    ref = AccountRef("uma", "youtube", "@perpustakaanuma")
    refreshed = PostSnapshot(
        ref, "youtube", "vidUMA00001", dt.datetime(2026, 10, 3, 2, 0, tzinfo=UTC), "video",
        NOW - dt.timedelta(hours=1), title="From the API", views=1300, likes=91, comments=12,
    )  # fmt: skip
    store.write([], [refreshed])
    commit(store, plan)
    post = store.posts().set_index("post_id").loc["vidUMA00001"]
    assert post["title"] == "From the API" and post["views"] == 1300
    assert post_figures(store, "vidUMA00001")[("views", dt.date(2026, 10, 31))][0] == 1250


def studio_export(period: str, views: int, likes: int, comments: int) -> tuple[str, bytes]:
    """A Studio ZIP of one video (published 3 Oct 2026) for ``period`` ("2026-10-01_…")."""
    table = (
        "Content,Video title,Video publish time,Duration,Views,Likes,Comments added\n"
        f'vidUMA00001,Tur perpustakaan,"Oct 3, 2026",245,{views},{likes},{comments}\n'
    )
    folder = f"Content {period} Perpustakaan UMA"
    return f"{folder}.zip", zip_of({f"{folder}/Table data.csv": table.encode()})


def counts(store, post_id="vidUMA00001"):
    row = store.posts().set_index("post_id").loc[post_id]
    return int(row["views"]), int(row["likes"]), int(row["comments"])


def test_a_video_older_than_the_exports_period_gets_no_public_counts(store):
    name, data = studio_export("2026-10-10_2026-10-31", 700, 30, 4)
    plan, _ = run(store, name, data)
    assert pd_isna(store.posts()["views"].iloc[0])  # 700 are October 10–31's views only
    assert post_figures(store, "vidUMA00001")[("views", dt.date(2026, 10, 31))][0] == 700
    assert any("published before the export's period" in w for w in texts(plan))


def test_the_newest_public_counts_win_whichever_file_comes_last(store):
    run(store, *studio_export("2026-10-01_2026-10-31", 1250, 90, 12))
    assert counts(store) == (1250, 90, 12)
    # a later export (to 30 November): newer counts replace the stored ones
    later = NOW + dt.timedelta(days=7)
    name, data = studio_export("2026-10-01_2026-11-30", 1900, 120, 15)
    commit(store, prepare(store, config(), name, Options("uma"), data=data, now=later))
    assert counts(store) == (1900, 120, 15)
    # an older export imported last (to 15 October): its counts are older, nothing changes
    name, data = studio_export("2026-10-01_2026-10-15", 600, 40, 5)
    commit(store, prepare(store, config(), name, Options("uma"), data=data, now=later))
    assert counts(store) == (1900, 120, 15)
    days = store.post_daily().set_index("day")["views"].to_dict()
    assert days == {dt.date(2026, 10, 15): 600, dt.date(2026, 10, 31): 1250,
                    dt.date(2026, 11, 30): 1900}  # fmt: skip
    # its owner figures are kept all the same, each for its own period's last day
    figures = post_figures(store, "vidUMA00001")
    assert figures[("views", dt.date(2026, 10, 15))][:2] == (600, "file_import")


def test_counts_a_refresh_collected_are_never_replaced_by_a_file(store):
    ref = AccountRef("uma", "youtube", "@perpustakaanuma")
    collected = PostSnapshot(
        ref, "youtube", "vidUMA00001", dt.datetime(2026, 10, 2, 17, 0, tzinfo=UTC), "video",
        dt.datetime(2026, 10, 20, 1, 0, tzinfo=UTC), views=800, likes=70, comments=9,
        kind_source="duration",
    )  # fmt: skip
    store.write([], [collected])
    # the file's counts (31 October) are newer, but the post is the YouTube API's
    run(store, *studio_export("2026-10-01_2026-10-31", 1250, 90, 12))
    assert counts(store) == (800, 70, 9)
    assert post_figures(store, "vidUMA00001")[("views", dt.date(2026, 10, 31))][0] == 1250


# -- Meta Business Suite --------------------------------------------------------------------


def test_meta_content_export_english(store):
    plan, _ = run(store, "meta_content_en.csv", fixture("meta_content_en.csv"))
    status = {p.post_id: p.status for p in plan.posts}
    assert status == {
        "CUMAimage1": "new",
        "CUMAreel01": "new",
        "CUMAcarou1": "new",
        "17900000000000004": "skipped",  # a story
        "CUNIMEDcol1": "skipped",  # a partner library's row
    }
    posts = store.posts().set_index("post_id")
    reel = posts.loc["CUMAreel01"]
    assert reel["published_at"] == dt.datetime(2026, 10, 21, 12, 5, tzinfo=UTC)  # 19:05 WIB
    assert (reel["kind"], reel["url"]) == ("reel", "https://www.instagram.com/reel/CUMAreel01/")
    assert (reel["likes"], reel["comments"], reel["views"]) == (610, 57, 12450)
    image = posts.loc["CUMAimage1"]
    assert image["caption"] == "Bulan literasi!\n#BulanLiterasi bersama @digilib.unimed"
    assert image["hashtags"] == ["#bulanliterasi"] and image["mentions"] == ["digilib.unimed"]
    assert pd_isna(image["views"])  # a view count is public for reels only
    assert posts.loc["CUMAcarou1"]["kind"] == "carousel"
    capture_day = dt.date(2026, 11, 26)  # "Lifetime": as of the import's day
    figures = post_figures(store, "CUMAreel01")
    got = {name: figures[(name, capture_day)][0] for name, _ in figures}
    assert got == {
        "views": 12450, "reach": 8020, "likes": 610, "shares": 88, "follows": 41,
        "comments": 57, "saved": 230,
    }  # fmt: skip
    warnings = texts(plan)
    assert any("1 story rows skipped" in w for w in warnings)
    assert any("line 7: post of digilib.unimed (unimed) skipped" in w for w in warnings)
    assert store.accounts()["handle"].tolist() == ["perpustakaan.uma"]


def test_meta_content_export_indonesian_semicolons_and_other_order(store):
    run(store, "meta_content_en.csv", fixture("meta_content_en.csv"))
    plan, _ = run(store, "meta_content_id.csv", fixture("meta_content_id.csv"))
    assert [(p.post_id, p.status) for p in plan.posts] == [
        ("CUMAreel01", "known"),
        ("CUMAimage2", "new"),
    ]
    image = store.posts().set_index("post_id").loc["CUMAimage2"]
    assert image["published_at"] == dt.datetime(2026, 11, 2, 7, 15, tzinfo=UTC)
    assert image["kind"] == "image" and image["likes"] == 95
    figures = post_figures(store, "CUMAimage2")
    got = {name: figures[(name, dt.date(2026, 11, 26))][0] for name, _ in figures}
    assert got == {
        "reach": 1150, "views": 1900, "likes": 95, "comments": 6, "shares": 4, "saved": 12,
        "follows": 1,
    }  # fmt: skip


def test_meta_content_export_with_bom_semicolons_and_a_quoted_line_break(store):
    data = fixture("meta_content_id_bom.csv")
    assert data.startswith(b"\xef\xbb\xbf") and b";" in data.splitlines()[0]
    plan, result = run(store, "Konten Instagram.csv", data)
    # the BOM is not part of the first column's name: "ID postingan" is recognised
    assert plan.kind == "instagram_content" and result.counts["posts_new"] == 2
    posts = store.posts().set_index("post_id")
    carousel, reel = posts.loc["CUMAcarou2"], posts.loc["CUMAreel02"]
    assert carousel["caption"] == "Koleksi baru; e-journal\ndan repositori #KoleksiBaru"
    assert carousel["kind"] == "carousel" and carousel["hashtags"] == ["#koleksibaru"]
    assert (carousel["likes"], carousel["comments"]) == (1204, 38)  # "1.204": thousands
    assert pd_isna(carousel["views"])  # public for reels only
    assert (reel["likes"], reel["comments"], reel["views"]) == (1530, 112, 21480)
    assert reel["published_at"] == dt.datetime(2026, 11, 12, 12, 0, tzinfo=UTC)  # 19:00 WIB
    figures = post_figures(store, "CUMAreel02")
    got = {name: figures[(name, dt.date(2026, 11, 26))][0] for name, _ in figures}
    assert got == {
        "reach": 10500, "views": 21480, "likes": 1530, "comments": 112, "shares": 40,
        "saved": 310, "follows": 22,
    }  # fmt: skip


def test_publish_times_are_read_in_the_chosen_time_zone(store):
    plan, _ = run(store, "meta_content_en.csv", fixture("meta_content_en.csv"),
                  timezone="Asia/Makassar")  # fmt: skip
    reel = store.posts().set_index("post_id").loc["CUMAreel01"]
    assert reel["published_at"] == dt.datetime(2026, 10, 21, 11, 5, tzinfo=UTC)  # 19:05 WITA
    assert any("Asia/Makassar" in w for w in texts(plan))


def test_meta_daily_account_export_utf16(store):
    text = (
        'sep=,\n"Jangkauan"\n"Tanggal","Primary"\n'
        '"2026-11-01T00:00:00","1.250"\n"2026-11-02T00:00:00","980"\n'
    )
    data = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    plan, _ = run(store, "Jangkauan.csv", data)
    assert plan.kind == "instagram_daily" and plan.account.handle == "perpustakaan.uma"
    rows = store.account_metrics()
    assert [(r.day, r.metric, r.value) for r in rows.itertuples()] == [
        (dt.date(2026, 11, 1), "reach", 1250.0),
        (dt.date(2026, 11, 2), "reach", 980.0),
    ]


# -- refused files: one message naming file and line, nothing written ------------------------


def refused(store, name, data, library="uma", **options) -> ImportFileError:
    before = dump(store)
    with pytest.raises(ImportFileError) as info:
        run(store, name, data, library, **options)
    assert_same(before, dump(store))
    return info.value


BAD_CSVS = [
    # (file name, content, words, line)
    ("random.csv", b"Nama,Alamat\nBudi,Medan\n", "not an export Jejaring knows", None),
    ("traffic.csv", fixture("studio_traffic_en.csv"), "report by 'Traffic source'", None),
    (
        "bad_number.csv",
        b"Content,Video title,Views\nTotal,,10\nvidUMA00001,A,sepuluh\n",
        "column 'Views': 'sepuluh' is not a number",
        3,
    ),
    (
        "cut_off.csv",
        b"Content,Video title,Views,Likes\nvidUMA00001,A,10,1\nvidUMA00002,B,20\n",
        "has 3 values but the header has 4 columns",
        3,
    ),
    (
        "open_quote.csv",
        b'Post ID,Account username,Permalink,Post type,Views\n1,perpustakaan.uma,"https://w',
        "cannot be read",
        2,
    ),
    (
        "bad_id.csv",
        b"Content,Video title,Views\nbukan-video-ini,A,10\n",
        "'bukan-video-ini' is not a YouTube video id",
        2,
    ),
    (
        "bad_time.csv",
        b"Post ID,Account username,Permalink,Post type,Publish time,Views\n"
        b"1,perpustakaan.uma,https://www.instagram.com/p/ABC/,IG image,kemarin sore,5\n",
        "column 'Publish time': 'kemarin sore' is not a date",
        2,
    ),
    (
        "bad_link.csv",
        b"Post ID,Account username,Permalink,Post type,Views\n"
        b"1,perpustakaan.uma,https://example.com/x,IG image,5\n",
        "'https://example.com/x' is not an Instagram post link",
        2,
    ),
    (
        "facebook.csv",
        b"Post ID,Page ID,Page name,Title,Reach\n1,2,UMA,Halo,5\n",
        "Facebook Page export",
        None,
    ),
    ("header_only.csv", b"Content,Video title,Views\n", "no data rows", None),
    ("empty.csv", b"", "the file is empty", None),
    ("binary.csv", b"PK\x03\x04\x00\x00\x00garbage", "not a text file", None),
    ("numbers.xlsx", b"PK", "not a .csv, .zip or .txt file (.xlsx)", None),
]


@pytest.mark.parametrize(("name", "data", "words", "line"), BAD_CSVS, ids=[b[0] for b in BAD_CSVS])
def test_a_malformed_file_is_refused_with_one_message(store, name, data, words, line):
    err = refused(store, name, data)
    text = str(err)
    assert words in text
    assert text.startswith(name if line is None else f"{name}, line {line}: "), text
    assert err.text("id").startswith(name)  # rendered in Bahasa Indonesia too
    assert err.text("id") != text


def test_a_truncated_zip_is_refused(store):
    data = studio_zip()
    err = refused(store, ZIP_NAME, data[: len(data) // 2])
    assert str(err).startswith(f"{ZIP_NAME}: the ZIP archive is damaged or incomplete")


def test_a_zip_member_larger_than_the_limit_is_refused(store, monkeypatch):
    monkeypatch.setattr(exportfile, "MAX_MEMBER_MB", 1)
    data = zip_of({"Table data.csv": b"Content,Views\n" + b"vidUMA00001,1\n" * 100_000})
    err = refused(store, "big.zip", data)
    assert "Table data.csv in the ZIP is 1.3 MB unpacked; the limit is 1 MB" in str(err)


def test_a_200_mb_file_is_refused_before_it_is_read(store, tmp_path, monkeypatch):
    big = tmp_path / "huge.csv"
    with big.open("wb") as handle:
        handle.truncate(200 * exportfile.MB)  # sparse: 200 MB without writing them
    opened = []
    real_open = Path.open

    def spy(self, *args, **kwargs):
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(ImportFileError) as info:
        prepare(store, config(), "huge.csv", Options("uma"), path=big)
    assert str(info.value) == (
        "huge.csv: the file is 200.0 MB; the limit is 50 MB. Export a shorter period, or "
        "export the WhatsApp chat without media."
    )
    assert big not in opened  # its size was checked without reading it


def test_a_file_of_another_librarys_channel_is_refused(store):
    run(store, "unimed.csv", b"Content,Video title,Video publish time,Views\n"
        b"vidUNI00001,Halo,\"Oct 3, 2026\",5\n", library="unimed")  # fmt: skip
    data = b"Content,Video title,Views\nvidUMA00001,A,10\nvidUNI00001,B,7\n"
    err = refused(store, "mixed.csv", data)
    assert str(err) == (
        "mixed.csv, line 3: '@digilibunimed' is an account of library unimed, not of uma: "
        "import this file for unimed"
    )


def test_a_meta_file_of_another_librarys_account_is_refused(store):
    err = refused(store, "meta_content_unimed.csv", fixture("meta_content_unimed.csv"))
    assert str(err).startswith("meta_content_unimed.csv, line 2: 'digilib.unimed' is an account")


def test_a_meta_file_of_a_renamed_partner_account_is_refused_by_its_id(store):
    from collectors.records import AccountSnapshot

    unimed = AccountRef("unimed", "instagram", "digilib.unimed")
    store.write([AccountSnapshot(unimed, NOW, external_id="17841400000000009", followers=9)])
    data = fixture("meta_content_unimed.csv").replace(b"digilib.unimed", b"digilib_baru")
    err = refused(store, "renamed.csv", data)
    assert str(err).startswith(
        "renamed.csv, line 2: 'digilib_baru' is an account of library unimed, not of uma"
    )


def test_a_meta_file_of_an_unknown_account_is_refused(store):
    data = fixture("meta_content_unimed.csv").replace(b"digilib.unimed", b"perpus_lain")
    err = refused(store, "other.csv", data)
    assert str(err).startswith("other.csv, line 2: 'perpus_lain' is not an account of library")
    assert "perpustakaan.uma" in str(err)


def test_a_zip_with_csvs_and_chats_is_refused(store):
    data = zip_of({"Table data.csv": fixture("studio_en/Table data.csv"),
                   "_chat.txt": fixture("wa_ios_en.txt")})  # fmt: skip
    assert "holds both CSV files and chat text files" in str(refused(store, "both.zip", data))


def test_an_unknown_library_or_account_is_refused(store):
    err = refused(store, "x.csv", fixture("meta_content_en.csv"), library="nope")
    assert "library 'nope' is not in jejaring.toml" in str(err)
    err = refused(store, "x.csv", fixture("meta_content_en.csv"), account="salah")
    assert "'salah' is not an account of library uma" in str(err)


def test_a_failure_while_writing_leaves_nothing_behind(store, monkeypatch):
    plan = prepare(store, config(), ZIP_NAME, Options("uma"), data=studio_zip(), now=NOW)
    before = dump(store)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_write_post_figures", broken)
    with pytest.raises(RuntimeError):
        commit(store, plan)
    assert_same(before, dump(store))  # the import record and new posts were rolled back


# -- command line -------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path, monkeypatch):
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("JEJARING_CONFIG", str(tmp_path / "jejaring.toml"))
    monkeypatch.setenv("JEJARING_DATABASE_URL", url)
    return tmp_path


def test_cli_imports_a_file_and_names_its_warnings(cli_env, capsys):
    path = cli_env / ZIP_NAME
    path.write_bytes(studio_zip())
    assert main(["import", str(path), "--library", "uma"]) == 0
    out = capsys.readouterr().out
    assert f"{ZIP_NAME}: YouTube Studio export for library 'uma', account @perpustakaanuma" in out
    assert "posts: 0 matched, 2 new, 0 skipped; 26 post figures" in out
    assert "Table data.csv, line 2: Total row skipped" in out
    assert f"{ZIP_NAME}: imported as import #1; 5 rows." in out
    assert main(["import", str(path), "--library", "uma"]) == 0
    assert "imported again (same content) as import #1" in capsys.readouterr().out


def test_cli_dry_run_writes_nothing(cli_env, capsys):
    from collectors.store import Store

    path = cli_env / "meta.csv"
    path.write_bytes(fixture("meta_content_en.csv"))
    assert main(["import", str(path), "--library", "uma", "--dry-run"]) == 0
    assert "Dry run: nothing was written." in capsys.readouterr().out
    store = Store(f"sqlite:///{cli_env / 'cli.db'}")
    assert store.counts()["imports"] == 0 and store.counts()["posts"] == 0
    store.dispose()


def test_cli_refused_file_exit_code_and_message(cli_env, capsys):
    path = cli_env / "cut_off.csv"
    path.write_bytes(b"Content,Video title,Views,Likes\nvidUMA00001,A,10,1\nvidUMA00002,B,20\n")
    assert main(["import", str(path), "--library", "uma"]) == 5
    err = capsys.readouterr().err
    assert "Not imported: cut_off.csv, line 3: has 3 values but the header has 4" in err
    assert "Nothing was written." in err
    assert main(["import", str(cli_env / "missing.csv"), "--library", "uma"]) == 5
    assert "missing.csv: file not found" in capsys.readouterr().err
    assert main(["import", str(path), "--library", "nope"]) == 2
    assert "Unknown library 'nope'" in capsys.readouterr().err


def test_studio_zip_name_in_a_real_zipfile_on_disk(cli_env, capsys):
    """ZIPs are opened in place from disk (only their CSVs are read)."""
    path = cli_env / ZIP_NAME
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{STUDIO_ZIP_FOLDER}/Totals.csv", fixture("studio_en/Totals.csv"))
        archive.writestr(f"{STUDIO_ZIP_FOLDER}/thumbnail.png", b"\x89PNG not read")
    assert main(["import", str(path), "--library", "uma"]) == 0
    assert "account days: 3 (15 figures)" in capsys.readouterr().out

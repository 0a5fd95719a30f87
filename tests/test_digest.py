"""The weekly digest on a small hand-built store: golden text and HTML in both languages,
the figures worked out by hand, its limits (length, no remote resources), the command line
and sending through a loopback SMTP server with STARTTLS and a certificate made here."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import ssl
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from collectors.config import parse_config
from collectors.records import AccountRef, Connection, PostSnapshot, mentions_in
from collectors.store import Store
from dashboard import digest as dg

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "fixtures" / "digest"
WIB = ZoneInfo("Asia/Jakarta")
UTC = dt.UTC
WEEK = dg.Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))  # 2026-W47
NOW = dt.datetime(2026, 11, 23, 7, 30, tzinfo=WIB)  # Monday morning after it
LAST_DAY = dt.date(2026, 11, 22)
PASSWORD = "SENTINEL-SMTP-PASSWORD-93c1"

CONFIG = """
timezone = "Asia/Jakarta"

[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
short_name = "UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]

[[libraries.services]]
kind = "whatsapp"
name = "Ask Librarian UMA"
staff = ["Perpustakaan UMA"]

[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
short_name = "UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed"]
youtube = ["@digilibunimed"]

[[campaigns]]
id = "pekan"
name = "Pekan Literasi"
start = 2026-11-16
end = 2026-11-29
libraries = ["uma", "unimed"]
hashtags = ["#pekanliterasi"]

[[campaigns]]
id = "dies"
name = "Dies Natalis <UNIMED>"
start = 2026-12-07
end = 2026-12-11
libraries = ["unimed"]

[digest]
recipients = ["kepala@uma.ac.id", "humas@unimed.ac.id"]
sender = "jejaring@uma.ac.id"
"""

UMA_IG = AccountRef("uma", "instagram", "perpustakaan.uma")
UNIMED_IG = AccountRef("unimed", "instagram", "digilib.unimed")
UNIMED_YT = AccountRef("unimed", "youtube", "@digilibunimed")


def at6(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(6, 0), WIB)


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


def add_post(store, ref, post_id, when, kind, likes, comments, caption, views=None):
    """A post whose counts stay the same from its first capture on; one capture a day at
    06:00 WIB up to 8 days old (or the last day of the store)."""
    last = min(when.date() + dt.timedelta(days=8), LAST_DAY)
    platform = ref.platform
    url = (
        f"https://www.instagram.com/p/{post_id}/"
        if platform == "instagram"
        else f"https://www.youtube.com/watch?v={post_id}"
    )
    store.write(
        [],
        [
            PostSnapshot(
                ref, platform, post_id, when, kind, at6(last), url=url, caption=caption,
                mentions=mentions_in(caption), hashtags=tuple(re.findall(r"#\w+", caption)),
                likes=likes, comments=comments, views=views,
            )
        ],
    )  # fmt: skip
    store.write_post_history(
        [
            {
                "platform": platform,
                "post_id": post_id,
                "day": day,
                "likes": likes,
                "comments": comments,
                "views": views,
                "plays": None,
                "captured_at": at6(day),
            }
            for day in days(when.date() + dt.timedelta(days=1), last)
        ]
    )


# UMA's Ask Librarian: seconds to the first staff reply of each question (None: not
# answered), per local day, all asked in service hours (09:00 WIB onwards, a minute apart).
SERVICE_WEEKS = {
    dt.date(2026, 11, 10): [600, 1200, 4000, None],  # the week before
    dt.date(2026, 11, 12): [900, 3000],
    dt.date(2026, 11, 17): [300, 1200, None],  # the digest's week
    dt.date(2026, 11, 19): [2400, 7200, 600],
    dt.date(2026, 11, 20): [1800],
}


def add_service_weeks(store: Store) -> None:
    """The questions of SERVICE_WEEKS and their daily counts, as a chat import stores them."""
    service = store.ensure_service("uma", "whatsapp", "Ask Librarian UMA")
    captured = dt.datetime(2026, 11, 21, 9, 0, tzinfo=WIB)
    rows, questions = [], []
    for day, replies in SERVICE_WEEKS.items():
        answered = [r for r in replies if r is not None]
        rows.append(
            {"service_id": service, "day": day, "source": "file_import",
             "questions": len(replies), "answered": len(answered),
             "median_first_reply_s": None, "p90_first_reply_s": None,
             "within_1h": sum(r <= 3600 for r in answered), "within_hours": len(answered),
             "askers": len(replies), "captured_at": captured, "origin": "import #1: test"}
        )  # fmt: skip
        for i, reply in enumerate(replies):
            questions.append(
                {"service_id": service, "seq": 0, "first_reply_s": reply,
                 "in_service_hours": True, "captured_at": captured, "origin": "import #1: test",
                 "asked_at": dt.datetime.combine(day, dt.time(9, i), WIB)}
            )  # fmt: skip
    with store.transaction() as conn:
        store.write_service_days(rows, conn)
        store.write_service_questions(questions, conn)


def build_store(url: str) -> Store:
    """UMA: images on Tuesdays and Fridays at 19:00 since 1 Sep, 1,000 followers, likes
    10 + (i mod 4) and 2 comments (ER 1.2–1.5 %), but 48 likes on Tue 17 Nov (ER 5.0 %).
    UNIMED: reels on Thursdays and Mondays at 10:00 since 3 Sep, 2,000 followers, likes
    39 + (j mod 3) and 1 comment (ER 2.00/2.05/2.10 %), but 15 likes on Mon 16 Nov (ER 0.8 %);
    a YouTube video on Wed 18 Nov; the YouTube account was last captured on 18 Nov."""
    store = Store(url, "Asia/Jakarta")
    ids = {ref: store.ensure_account(ref) for ref in (UMA_IG, UNIMED_IG, UNIMED_YT)}
    rows = []
    for ref, followers, last in (
        (UMA_IG, 1000, LAST_DAY),
        (UNIMED_IG, 2000, LAST_DAY),
        (UNIMED_YT, 500, dt.date(2026, 11, 18)),
    ):
        rows += [
            {"account_id": ids[ref], "day": d, "followers": followers, "following": None,
             "media_count": None, "total_views": None, "captured_at": at6(d)}
            for d in days(dt.date(2026, 8, 1), last)
        ]  # fmt: skip
    store.write_account_history(rows)
    tuesdays_fridays = [
        d for d in days(dt.date(2026, 9, 1), dt.date(2026, 11, 20)) if d.weekday() in (1, 4)
    ]
    for i, day in enumerate(tuesdays_fridays):
        likes = 48 if day == dt.date(2026, 11, 17) else 10 + i % 4
        caption = "Koleksi baru di ruang baca"
        if day >= dt.date(2026, 11, 17):
            caption += " #pekanliterasi"
        if day == dt.date(2026, 11, 20):
            caption += " bersama @digilib.unimed <b>&</b>"
        when = dt.datetime.combine(day, dt.time(19, 0), WIB)
        add_post(store, UMA_IG, f"UMA{i:03d}", when, "image", likes, 2, caption)
    thursdays_mondays = [
        d for d in days(dt.date(2026, 9, 3), dt.date(2026, 11, 19)) if d.weekday() in (0, 3)
    ]
    for j, day in enumerate(thursdays_mondays):
        likes = 15 if day == dt.date(2026, 11, 16) else 39 + j % 3
        caption = "Tutorial e-resources" + (
            " #pekanliterasi" if day.month == 11 and day.day == 19 else ""
        )
        when = dt.datetime.combine(day, dt.time(10, 0), WIB)
        add_post(store, UNIMED_IG, f"UNI{j:03d}", when, "reel", likes, 1, caption)
    when = dt.datetime(2026, 11, 18, 12, 0, tzinfo=WIB)
    add_post(store, UNIMED_YT, "YTUNIMED001", when, "video", 20, 5, "Webinar", views=400)
    add_service_weeks(store)
    store.record_run_item(
        store.start_run("refresh"),
        ids[UNIMED_YT],
        started_at=dt.datetime(2026, 11, 19, 6, 15, tzinfo=WIB),
        status="failed",
        error="YOUTUBE_API_KEY is not set",
        error_key="youtube_key_missing",
        error_params={},
    )
    store.set_connection(
        Connection(
            "uma",
            "instagram",
            "instagram_graph",
            "ok",
            checked_at=at6(LAST_DAY),
            expires_at=dt.datetime(2026, 11, 30, 9, 0, tzinfo=WIB),
        )
    )
    return store


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('digest') / 'digest.db'}"
    store = build_store(url)
    config = parse_config(CONFIG, "digest.toml")
    yield url, store, config, dg.collect(store, config, WEEK, NOW)
    store.dispose()


def test_figures_are_the_ones_worked_out_by_hand(built):
    _, _, _, digest = built
    numbers = digest.numbers.set_index(["library_id", "platform"])
    uma = numbers.loc[("uma", "instagram")]
    unimed = numbers.loc[("unimed", "instagram")]
    unimed_yt = numbers.loc[("unimed", "youtube")]
    both = numbers.loc[(dg.PARTNERSHIP, "instagram")]
    # Platforms are never added up (YouTube API policy): one row per library and platform.
    assert set(digest.numbers["platform"]) == {"instagram", "youtube"}
    # UMA: Tue 17 (50 engagements, ER 5.0) and Fri 20 Nov (15, ER 1.5); the week before
    # Tue 10 (12, ER 1.2) and Fri 13 Nov (13, ER 1.3).
    assert (uma["posts"], uma["engagements"], uma["posts_change"]) == (2, 65, 0)
    assert uma["mean_er"] == pytest.approx(3.25) and uma["mean_er_change"] == pytest.approx(2.0)
    # UNIMED: reels of Mon 16 (16, 0.8 %) and Thu 19 (41, 2.05 %); the week before Mon 9
    # (41) and Thu 12 (42); and on YouTube the video of Wed 18 (25 of 500 = 5.0 %).
    assert (unimed["posts"], unimed["engagements"], unimed["engagements_change"]) == (2, 57, -26)
    assert unimed["mean_er"] == pytest.approx((0.8 + 2.05) / 2)
    assert (unimed_yt["posts"], unimed_yt["engagements"], unimed_yt["audience"]) == (1, 25, 500)
    assert unimed_yt["mean_er"] == pytest.approx(5.0)
    assert (both["posts"], both["engagements"], both["audience"]) == (4, 122, 3000)
    assert both["mean_er"] == pytest.approx((5.0 + 1.5 + 0.8 + 2.05) / 4)
    # Breakout: the last 20 earlier UMA images have ERs 1.2, 1.3, 1.4, 1.5 five times each:
    # median 1.35, MAD 0.10; 5.0 ÷ 1.35 = 3.70, z = 0.6745 × 3.65 ÷ 0.10 = 24.6.
    (breakout,) = digest.breakouts.itertuples()
    assert breakout.post_id == "UMA022" and breakout.age == 2
    assert breakout.ratio == pytest.approx(5.0 / 1.35) and breakout.z == pytest.approx(24.619, 1e-3)
    # Underperformer: the last 20 earlier UNIMED reels are 2.00 ×6, 2.05 ×7, 2.10 ×7:
    # median 2.05, MAD 0.05; 0.8 ÷ 2.05 = 0.39, z = 0.6745 × (0.8 − 2.05) ÷ 0.05 = −16.86.
    (under,) = digest.underperformers.itertuples()
    assert under.post_id == "UNI021" and under.ratio == pytest.approx(0.8 / 2.05)
    assert under.z == pytest.approx(-16.8625, abs=1e-3)
    # Campaign so far on Instagram: UMA's posts of 17 and 20 Nov (ER 5.0, 1.5: median 3.25)
    # against UMA's 22 earlier images since 1 Sep (1.2 ×6, 1.3 ×6, 1.4 ×5, 1.5 ×5: median
    # 1.3) -> 2.5; UNIMED's of 19 Nov (2.05) against its reels (median 2.05) -> 1.0. The
    # libraries together: their lifts weighted by campaign posts, (2 × 2.5 + 1 × 1.0) ÷ 3.
    (running,) = digest.running
    parts = {platform: (posts, lift) for platform, posts, lift in running["platforms"]}
    assert parts["instagram"][0] == 3 and parts["instagram"][1] == pytest.approx(2.0)
    assert [u["campaign"].id for u in digest.upcoming] == ["dies"]
    cross = digest.cross[["source", "target", "platform", "posts"]]
    assert list(cross.itertuples(index=False, name=None)) == [("uma", "unimed", "instagram", 1)]
    # Best slots: UMA Tue 19:00 = (6 × 1.2 + 5 × 1.4 + 5.0) ÷ 12 = 1.6, Fri = 16.8 ÷ 12 = 1.4;
    # UNIMED Thu 10:00 = 2.05, Mon = (4 × 2.05 + 3 × 2.0 + 3 × 2.1 + 0.8) ÷ 11 = 1.936.
    slots = digest.slots.set_index(["library_id", "weekday"])["mean_er"]
    assert slots[("uma", 1)] == pytest.approx(1.6) and slots[("uma", 4)] == pytest.approx(1.4)
    assert slots[("unimed", 3)] == pytest.approx(2.05)
    assert slots[("unimed", 0)] == pytest.approx(21.3 / 11)
    # Ask Librarian: 7 questions this week (+1), 6 answered = 85.7 % against 5 of 6 =
    # 83.3 %; median first reply of 300, 600, 1200, 1800, 2400, 7200 s = (1200 + 1800) ÷ 2
    # = 1500 s against 600, 900, 1200, 3000, 4000 s = 1200 s.
    (service,) = digest.services.itertuples()
    assert (service.name, service.questions, service.questions_change) == (
        "Ask Librarian UMA", 7, 1)  # fmt: skip
    assert service.answered_pct == pytest.approx(600 / 7)
    assert service.answered_pct_change == pytest.approx(600 / 7 - 500 / 6)
    assert (service.median_reply_s, service.median_reply_s_prev) == (1500, 1200)
    assert list(digest.stale["handle"]) == ["@digilibunimed"]
    assert list(digest.failures["n"]) == [1] and list(digest.tokens["library_id"]) == ["uma"]


@pytest.mark.parametrize("lang", ["id", "en"])
def test_digest_matches_the_golden_files(built, lang):
    _, _, config, digest = built
    shown = {
        "txt": dg.render_text(digest, config, lang) + "\n",
        "html": dg.render_html(digest, config, lang),
    }
    for ext, text in shown.items():
        path = GOLDEN / f"week47-{lang}.{ext}"
        if os.environ.get("JEJARING_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs"


@pytest.mark.parametrize("lang", ["id", "en"])
def test_html_loads_nothing_remote_and_escapes_texts(built, lang):
    _, _, config, digest = built
    page = dg.render_html(digest, config, lang)
    assert "<script" not in page.lower() and "<style" not in page.lower()
    assert "<img" not in page.lower() and "@import" not in page and "url(" not in page
    for attr, value in re.findall(r"\b(src|href)\s*=\s*['\"]([^'\"]*)", page, flags=re.I):
        assert attr.lower() == "href", value
        assert re.fullmatch(r"https://www\.(instagram\.com/p|youtube\.com/watch)[^ ]+", value)
    assert "Dies Natalis &lt;UNIMED&gt;" in page and "<UNIMED>" not in page
    assert page.count("https://www.instagram.com/p/UMA022/") == 1


def test_plain_text_is_short_enough_for_whatsapp(built):
    _, store, config, digest = built
    for lang in ("id", "en"):
        assert len(dg.render_text(digest, config, lang)) <= dg.TEXT_LIMIT
    # many libraries and many flagged posts: lists are shortened, the text stays in bounds
    many = digest.numbers.copy()
    extra = [many.iloc[0].copy() for _ in range(30)]
    for i, row in enumerate(extra):
        row["library_id"] = f"lib{i:02d}"
    import dataclasses

    import pandas as pd

    big = dataclasses.replace(
        digest,
        libraries=[*digest.libraries, *[f"lib{i:02d}" for i in range(30)]],
        numbers=pd.concat([many, pd.DataFrame(extra)], ignore_index=True),
        breakouts=pd.concat([digest.breakouts] * 40, ignore_index=True),
    )
    text = dg.render_text(big, config, "id")
    assert len(text) <= dg.TEXT_LIMIT
    assert "… dan 38 lagi (lihat e-mail)" in text or "lagi (lihat e-mail)" in text


def test_a_week_without_data_says_so(built):
    _, store, config, _ = built
    empty = dg.collect(store, config, dg.parse_week("2026-W10", NOW.date()), NOW)
    assert not empty.has_data
    assert "Tidak ada data untuk minggu ini" in dg.render_text(empty, config, "id")
    assert "No data for this week" in dg.render_html(empty, config, "en")


def quiet_store(url: str) -> Store:
    """UMA's Instagram account captured every morning from 1 Aug to the digest's Sunday
    (fresh when the digest is made), with no post, no failed refresh and no connection."""
    store = Store(url, "Asia/Jakarta")
    account = store.ensure_account(UMA_IG)
    store.write_account_history(
        [{"account_id": account, "day": d, "followers": 1000, "following": None,
          "media_count": None, "total_views": None, "captured_at": at6(d)}
         for d in days(dt.date(2026, 8, 1), LAST_DAY)]
    )  # fmt: skip
    return store


def test_a_week_without_data_points_to_problems_only_when_there_are_some(tmp_path):
    store = quiet_store(f"sqlite:///{tmp_path / 'quiet.db'}")
    config = parse_config(CONFIG, "digest.toml")
    # March: before the first capture. Judged at the end of that week, the account had
    # never been captured: that is the week's data problem (it is fresh today).
    march = dg.collect(store, config, dg.parse_week("2026-W10", NOW.date()), NOW)
    assert not march.has_data
    assert list(march.stale["handle"]) == ["perpustakaan.uma"]
    text = dg.render_text(march, config, "en")
    assert "(see the data problems below)" in text
    assert "*Data problems*: none" not in text
    assert "perpustakaan.uma (UMA): no capture up to the end of this week" in text
    # UMA's service is configured, but no chat export was imported for that week
    assert "*Ask Librarian*\n• UMA · Ask Librarian UMA: no figures for this week" in text
    page = dg.render_html(march, config, "id")
    assert "lihat masalah data di bawah" in page and "Tidak ada masalah data." not in page
    # UNIMED alone has no account: nothing to show, and no problem to point to either
    unimed = dg.collect(store, config, WEEK, NOW, ["unimed"])
    assert not unimed.has_data and unimed.stale.empty
    text = dg.render_text(unimed, config, "en")
    assert "No data for this week" in text and "see the data problems" not in text
    assert "*Data problems*: none" in text
    page = dg.render_html(unimed, config, "id")
    assert "Tidak ada data untuk minggu ini" in page and "masalah data di bawah" not in page
    # the digest's own week, with a capture every morning: no stale account
    assert dg.collect(store, config, WEEK, NOW).stale.empty
    store.dispose()


def test_without_services_the_digest_has_no_services_section(built):
    _, store, _, _ = built
    start = CONFIG.index("[[libraries.services]]")
    config = parse_config(CONFIG[:start] + CONFIG[CONFIG.index("[[libraries]]", start) :], "d.toml")
    # the store holds UMA's service, but the libraries chosen have none
    digest = dg.collect(store, config, WEEK, NOW, ["unimed"])
    assert digest.services.empty
    for lang, heading in (("en", "Ask Librarian"), ("id", "Tanya Pustakawan")):
        assert heading not in dg.render_text(digest, config, lang)
        assert heading not in dg.render_html(digest, config, lang)


def test_weeks_are_monday_to_sunday():
    today = dt.date(2026, 11, 26)  # a Thursday
    assert dg.parse_week("last", today) == WEEK
    assert dg.parse_week("2026-W47", today) == WEEK
    assert dg.parse_week("2026-11-22", today) == WEEK  # a Sunday
    assert dg.parse_week("last", dt.date(2026, 11, 23)) == WEEK  # on Monday: the week before
    for bad in ("2026-W60", "yesterday", "2026-13-01"):
        with pytest.raises(ValueError):
            dg.parse_week(bad, today)


# -- command line and sending -------------------------------------------------------------


def cli(args, env, cwd=None):
    """The digest command in a folder of its own (by default the test's home folder: no
    developer's .streamlit/secrets.toml is read)."""
    done = subprocess.run(
        [sys.executable, "-m", "dashboard.digest", *args],
        cwd=cwd or env["HOME"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    return done


@pytest.fixture
def env(built, tmp_path):
    url, _, _, _ = built
    config = tmp_path / "digest.toml"
    config.write_text(CONFIG)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JEJARING_SMTP")}
    home = tmp_path / "home"  # secrets files are looked for here and in the working folder
    home.mkdir()
    return dict(clean, JEJARING_DATABASE_URL=url, JEJARING_CONFIG=str(config),
                PYTHONPATH=str(ROOT), HOME=str(home))  # fmt: skip


def test_cli_writes_files_without_a_mail_server(env, tmp_path):
    out = tmp_path / "out"
    done = cli(["--week", "2026-W47", "--out", str(out), "--lang", "en"], env)
    assert done.returncode == 0, done.stderr
    assert "Not e-mailed" in done.stdout
    text = (out / "jejaring-digest-2026-W47-en.txt").read_text()
    assert text.startswith("*Jejaring — weekly digest*")
    assert (out / "jejaring-digest-2026-W47-en.html").read_text().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "extra", "code", "words"),
    [
        (["--week", "soon"], {}, 2, "is not a week"),
        (["--library", "usu"], {}, 2, "Unknown library usu"),
        ([], {"JEJARING_CONFIG": "/nonexistent/j.toml"}, 2, "file not found"),
        ([], {"JEJARING_SMTP_HOST": "x", "JEJARING_SMTP_PORT": "abc"}, 2, "JEJARING_SMTP_PORT"),
        ([], {"JEJARING_DATABASE_URL": "mysql://x/y"}, 4, "Database error"),
        (["--out", "{tmp}/file.txt/sub"], {}, 2, "Cannot write the digest"),
    ],
)
def test_cli_errors_are_one_line_and_exit_codes(env, tmp_path, args, extra, code, words):
    (tmp_path / "file.txt").write_text("a file, not a folder")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    out = [] if "--out" in args else ["--out", str(tmp_path)]
    done = cli([*args, *out], {**env, **extra})
    assert done.returncode == code
    assert words in done.stderr


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, made for this test."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd on loopback: STARTTLS required, then AUTH with the test's user/password."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"jejaring" and auth_data.password == PASSWORD.encode()
        # handled=False: aiosmtpd itself answers 535 to a refused login
        return AuthResult(success=ok, handled=False)

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    yield inbox, port, cert
    controller.stop()


def test_cli_sends_through_starttls_with_login(env, smtp_server, tmp_path):
    inbox, port, cert = smtp_server
    mail_env = {
        **env,
        "JEJARING_SMTP_HOST": "127.0.0.1",
        "JEJARING_SMTP_PORT": str(port),
        "JEJARING_SMTP_USER": "jejaring",
        "JEJARING_SMTP_PASSWORD": PASSWORD,
        "SSL_CERT_FILE": str(cert),  # the client verifies the server against this only
    }
    done = cli(["--week", "2026-W47"], mail_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "sent to 2 recipient(s)" in done.stdout
    ((sender, recipients, raw),) = inbox.messages
    assert sender == "jejaring@uma.ac.id"
    assert recipients == ["kepala@uma.ac.id", "humas@unimed.ac.id"]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Jejaring: ringkasan minggu 16 Nov 2026 – 22 Nov 2026"
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    assert list(parts) == ["text/plain", "text/html"]
    assert "Melejit minggu ini" in parts["text/plain"]
    assert "https://www.instagram.com/p/UMA022/" in parts["text/html"]
    assert not (tmp_path / "data").exists(), "sent, so no files unless --out"
    # a wrong password: not sent (exit 1), the digest is kept as files, the password unseen
    wrong = cli(["--week", "2026-W47"], {**mail_env, "JEJARING_SMTP_PASSWORD": "nope"}, tmp_path)
    assert wrong.returncode == 1
    assert "refused the login" in wrong.stderr and "written to" in wrong.stderr
    assert (tmp_path / "data" / "digest" / "jejaring-digest-2026-W47-id.html").exists()
    # a certificate the client does not trust: refused, never sent in plain text
    untrusted = {k: v for k, v in mail_env.items() if k != "SSL_CERT_FILE"}
    untrusted["SSL_CERT_FILE"] = str(tmp_path / "missing.pem")
    refused = cli(["--week", "2026-W47", "--out", str(tmp_path / "o")], untrusted, tmp_path)
    assert refused.returncode == 1 and "secure connection" in refused.stderr
    assert len(inbox.messages) == 1


def test_cli_reads_the_mail_server_from_streamlit_secrets_files(env, smtp_server, tmp_path):
    inbox, port, cert = smtp_server
    home, project = Path(env["HOME"]), tmp_path / "jejaring"
    for folder in (home, project):
        (folder / ".streamlit").mkdir(parents=True)
    # the user's file names the server, with an old password; the project's file wins
    (home / ".streamlit" / "secrets.toml").write_text(
        'JEJARING_SMTP_HOST = "127.0.0.1"\n'
        f"JEJARING_SMTP_PORT = {port}\n"
        'JEJARING_SMTP_USER = "jejaring"\n'
        'JEJARING_SMTP_PASSWORD = "an-old-password"\n'
    )
    (project / ".streamlit" / "secrets.toml").write_text(f'JEJARING_SMTP_PASSWORD = "{PASSWORD}"\n')
    trusted = {**env, "SSL_CERT_FILE": str(cert)}
    done = cli(["--week", "2026-W47"], trusted, cwd=project)
    assert done.returncode == 0, done.stderr
    assert f"sent to 2 recipient(s) via 127.0.0.1:{port}" in done.stdout
    assert len(inbox.messages) == 1
    # the environment wins over the files
    wrong = cli(["--week", "2026-W47", "--out", str(tmp_path / "o")],
                {**trusted, "JEJARING_SMTP_PASSWORD": "nope"}, cwd=project)  # fmt: skip
    assert wrong.returncode == 1 and "refused the login" in wrong.stderr
    # without the user's file there is no server: the digest is written to files
    (home / ".streamlit" / "secrets.toml").unlink()
    alone = cli(["--week", "2026-W47", "--out", str(tmp_path / "o")], trusted, cwd=project)
    assert alone.returncode == 0 and "Not e-mailed" in alone.stdout
    # a secrets file that is not TOML: one line naming it, never its content
    (project / ".streamlit" / "secrets.toml").write_text(f"JEJARING_SMTP_PASSWORD = {PASSWORD}\n")
    broken = cli(["--week", "2026-W47"], trusted, cwd=project)
    assert broken.returncode == 2
    assert f"{project / '.streamlit' / 'secrets.toml'}, line 1: is not valid TOML" in broken.stderr
    assert len(inbox.messages) == 1


def test_cli_reports_an_unreachable_server(env, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    done = cli(
        ["--week", "2026-W47", "--out", str(tmp_path)],
        {**env, "JEJARING_SMTP_HOST": "127.0.0.1", "JEJARING_SMTP_PORT": str(port)},
    )
    assert done.returncode == 1 and "Digest not sent" in done.stderr
    assert (tmp_path / "jejaring-digest-2026-W47-id.txt").exists()


def test_schedule_sends_the_last_week_on_monday_morning_wib():
    crontab = (ROOT / "deploy" / "crontab").read_text()
    (line,) = [x for x in crontab.splitlines() if "dashboard.digest" in x]
    assert "CRON_TZ=Asia/Jakarta" in crontab
    assert line.split()[:5] == ["30", "7", "*", "*", "1"] and "--week last" in line
    timer = (ROOT / "deploy" / "jejaring-digest.timer").read_text()
    assert "OnCalendar=Mon *-*-* 07:30:00 Asia/Jakarta" in timer
    service = (ROOT / "deploy" / "jejaring-digest.service").read_text()
    assert "-m dashboard.digest --week last" in service

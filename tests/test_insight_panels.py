"""The insights on the dashboard (AppTest on demo data): the breakouts card with its reason,
the Posts page's section, the Content categories page and staff's category control."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from collectors.config import load_config
from collectors.demo import load_demo
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
TZ = ZoneInfo("Asia/Jakarta")
REASON_ID = re.compile(
    r"^(\d+,\d)× ER (foto|carousel|reel|video|Shorts|siaran langsung) biasa akun ini, "
    r"hari ke-(2|7)$"
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('panels') / 'demo.db'}"
    config = load_config(ROOT / "jejaring.toml")
    store = Store(url, config.timezone)
    load_demo(store, config)  # ends today, like the dashboard's default period
    store.dispose()
    return url


@pytest.fixture
def demo_url(demo_db, monkeypatch) -> str:
    monkeypatch.setenv("JEJARING_DATABASE_URL", demo_db)
    monkeypatch.setenv("JEJARING_CONFIG", str(ROOT / "jejaring.toml"))
    return demo_db


def run(page: str | None = None, lang: str = "id") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90).run()
    assert not at.exception, at.exception
    if lang != "id":
        at.sidebar.radio(key="lang").set_value(lang).run()
    if page:
        at.switch_page(f"dashboard/pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def parse_id(text: str) -> float:
    return float(text.replace("%", "").replace(".", "").replace(",", "."))


def test_overview_card_lists_the_periods_breakouts_with_their_reason(demo_url):
    at = run()
    card = at.dataframe[-1].value
    assert len(card) >= 1, "the demo has a breakout in the last 30 days"
    for _, row in card.iterrows():
        match = REASON_ID.match(row["Alasan"])
        assert match, row["Alasan"]
        # the ratio in words agrees with the two ERs shown next to it
        er, typical = parse_id(row["ER pada hari itu (%)"]), parse_id(row["ER biasa (%)"])
        assert er / typical >= 1.95
        assert float(match.group(1).replace(",", ".")) == pytest.approx(er / typical, abs=0.06)
        assert row["Tautan"].startswith("https://www.instagram.com/p/") or row["Tautan"].startswith(
            "https://www.youtube.com/watch?v="
        )
    # the post the demo made take off (its newest Instagram post at least 8 days old)
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT p.url, p.published_at FROM posts p JOIN accounts a ON a.id = p.account_id "
                "WHERE a.library_id = 'unimed' AND a.platform = 'instagram' "
                "AND p.likes IS NOT NULL ORDER BY p.published_at"
            )
        ).all()
    engine.dispose()
    today = dt.datetime.now(TZ).date()
    settled = [
        url
        for url, published in rows
        if (
            today
            - dt.datetime.fromisoformat(str(published)).replace(tzinfo=dt.UTC).astimezone(TZ).date()
        ).days
        >= 8
    ]
    assert settled[-1] in set(card["Tautan"])


def test_overview_card_in_english(demo_url):
    at = run(lang="en")
    card = at.dataframe[-1].value
    assert (
        card["Why"]
        .str.match(
            r"^\d+\.\d× this account's typical (images|carousels|reels|videos|Shorts|lives) "
            r"at day (2|7)$"
        )
        .all()
    )
    assert any(s.value == "Breakouts in this period" for s in at.subheader)


def test_posts_page_has_the_breakouts_section(demo_url):
    at = run("posts")
    titles = [s.value for s in at.subheader]
    assert "Unggahan yang melejit" in titles
    assert titles.index("Unggahan yang melejit") < titles.index("Kinerja tagar")
    assert any("Di bawah kebiasaan" in m.value for m in at.markdown)


def expected_posts_per_library(
    url: str, start: dt.date, end: dt.date
) -> dict[tuple[str, str], int]:
    """Posts per (library, platform) published on local days [start, end]."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT a.library_id, a.platform, p.published_at FROM posts p "
                "JOIN accounts a ON a.id = p.account_id"
            )
        ).all()
    engine.dispose()
    counts: dict[tuple[str, str], int] = {}
    for library, platform, published in rows:
        local = dt.datetime.fromisoformat(str(published)).replace(tzinfo=dt.UTC).astimezone(TZ)
        if start <= local.date() <= end:
            counts[(library, platform)] = counts.get((library, platform), 0) + 1
    return counts


def test_categories_page_shows_every_category_per_library(demo_url):
    at = run("categories")
    at.sidebar.selectbox(key="preset").set_value("preset_365").run()
    assert not at.exception
    assert at.title[0].value == "Kategori konten"
    table = at.dataframe[0].value
    end = dt.datetime.now(TZ).date()
    want = expected_posts_per_library(demo_url, end - dt.timedelta(days=364), end)
    for library, label in [("uma", "UMA"), ("unimed", "UNIMED")]:
        # Instagram's posts: platforms are summarised apart, never mixed
        rows = table[(table["Perpustakaan"] == label) & (table["Platform"] == "Instagram")]
        assert list(rows["Kategori"]) == [
            "Memamerkan",
            "Mengarahkan",
            "Memanusiakan",
            "Mengajak partisipasi",
            "Tanpa kategori",
        ]
        assert rows["Unggahan"].map(parse_id).sum() == want[(library, "instagram")]
        youtube = table[(table["Perpustakaan"] == label) & (table["Platform"] == "YouTube")]
        assert youtube["Unggahan"].map(parse_id).sum() == want[(library, "youtube")]
        assert rows["Porsi unggahan (%)"].map(parse_id).sum() == pytest.approx(100, abs=0.3)
        # every category of the paper has posts and a mean ER in the demo
        assert (rows["Unggahan"].map(parse_id).iloc[:4] > 0).all()
        assert (rows["ER rata-rata (pengikut)"].iloc[:4] != "–").all()
    assert len(at.get("plotly_chart")) == 2  # one chart per platform


def test_staff_choice_is_saved_shown_and_kept(demo_url):
    at = run("categories")
    posts = at.dataframe[1].value
    first = posts.iloc[0]  # newest post, also the first choice of the control
    at.selectbox(key="category_choice_id").set_value("humanizing")
    at.text_input(key="category_who_id").input("Rina")
    next(b for b in at.button if b.label == "Simpan").click().run()
    assert not at.exception
    assert any(s.value == "Tersimpan." for s in at.success)
    shown = at.dataframe[1].value.iloc[0]
    assert (shown["Kategori"], shown["Ditentukan oleh"]) == ("Memanusiakan", "staf")
    assert shown["Tautan"] == first["Tautan"]
    assert any("ditetapkan oleh Rina" in c.value for c in at.caption)
    engine = sa.create_engine(demo_url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT category, set_by FROM post_categories")).all()
    assert [tuple(r) for r in stored] == [("humanizing", "Rina")]
    # back to the rules
    at.selectbox(key="category_choice_id").set_value("__rules__")
    next(b for b in at.button if b.label == "Simpan").click().run()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM post_categories")).scalar() == 0
    engine.dispose()
    assert at.dataframe[1].value.iloc[0]["Ditentukan oleh"] != "staf"


def test_categories_page_in_english(demo_url):
    at = run("categories", lang="en")
    assert at.title[0].value == "Content categories"
    assert "Showcasing" in set(at.dataframe[0].value["Category"])

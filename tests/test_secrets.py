"""Secret sweep: a sentinel API key and Instagram session go through faulty refreshes, every
page, every export and the report, and must appear nowhere, not even in the database file."""

from __future__ import annotations

import datetime as dt
import functools
import io
import logging
import os
import pickle
from pathlib import Path

import pytest
from instaloader import Post, Profile
from instaloader.exceptions import AbortDownloadException
from streamlit.testing.v1 import AppTest

from collectors.config import load_settings, parse_config
from collectors.instagram import collect_instagram, make_loader
from collectors.refresh import refresh, select_accounts
from collectors.store import Store
from dashboard.exports import csv_bytes, excel_bytes, history_export, posts_export
from dashboard.metrics import Period
from dashboard.pagedata import load_window, shown_accounts, window_loader
from dashboard.report import build_report
from tests.youtube_server import UNIMED_ID, FakeYouTube, serve

ROOT = Path(__file__).resolve().parent.parent
YT_SENTINEL = "AIzaSy-SENTINEL-KEY-7f3a9c"
IG_SENTINEL = "SENTINEL-SESSION-ID-51c0de"
CONFIG = f"""
timezone = "Asia/Jakarta"
[[libraries]]
id = "uma"
name = "Perpustakaan UMA"
color = "#1b7f3b"
instagram = ["perpustakaan.uma"]
youtube = ["@perpustakaanuma"]
[[libraries]]
id = "unimed"
name = "Digital Library UNIMED"
color = "#1f5fa8"
instagram = ["digilib.unimed"]
youtube = ["{UNIMED_ID}"]
[[campaigns]]
id = "lit"
name = "Literasi"
start = 2025-11-01
end = 2025-11-30
libraries = ["uma", "unimed"]
hashtags = ["#bulanliterasi"]
"""


def ig_posts(loader):
    import json

    media = json.loads((ROOT / "tests/fixtures/instagram/media.json").read_text())["items"]
    return [Post.from_iphone_struct(loader.context, dict(m)) for m in media]


def ig_profile(loader, name):
    import json

    user = json.loads((ROOT / "tests/fixtures/instagram/profile_uma.json").read_text())
    user.update(username=name, pk=str(len(name)))
    return Profile(loader.context, Profile._normalize_profile_data(dict(user, id=user["pk"])))


@pytest.fixture
def world(tmp_path, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    api = FakeYouTube()
    api.key = YT_SENTINEL
    server, url = serve(api)
    session = tmp_path / "session-akun.khusus"
    session.write_bytes(
        pickle.dumps({"sessionid": IG_SENTINEL, "ds_user_id": "1", "csrftoken": "c"})
    )
    os.chmod(session, 0o644)  # readable by others: the refresh must warn, without the secret
    (tmp_path / "jejaring.toml").write_text(CONFIG)
    env = {
        "JEJARING_CONFIG": str(tmp_path / "jejaring.toml"),
        "JEJARING_DATABASE_URL": f"sqlite:///{tmp_path / 'secret.db'}",
        "YOUTUBE_API_KEY": YT_SENTINEL,
        "YOUTUBE_API_URL": url,
        "INSTAGRAM_USER": "akun.khusus",
        "INSTAGRAM_SESSION_FILE": str(session),
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield api, tmp_path
    server.shutdown()


def test_no_secret_anywhere(world, caplog):
    api, tmp_path = world
    settings = load_settings()
    config = parse_config(CONFIG, settings.config_path)
    store = Store(settings.database_url, config.timezone)
    outputs: list[str] = []

    def run_refresh():
        loader = make_loader(settings, outputs.append)
        assert loader.context.is_logged_in

        def posts_of(profile):
            posts = ig_posts(loader)
            if profile.username == "digilib.unimed":
                yield from posts[:2]
                raise AbortDownloadException("checkpoint_required")
            yield from posts

        collect = functools.partial(
            collect_instagram,
            loader=loader,
            profiles=lambda ctx, name: ig_profile(loader, name),
            posts_of=posts_of,
        )
        from collectors.refresh import COLLECTORS

        out = io.StringIO()
        refresh(
            config,
            settings,
            store,
            select_accounts(config),
            out=out,
            collectors={"instagram": collect, "youtube": COLLECTORS["youtube"]},
        )
        outputs.append(out.getvalue())

    run_refresh()  # Instagram checkpoint on one account, YouTube fine
    api.quota_after = len(api.requests) + 4
    run_refresh()  # YouTube quota exceeded mid-run
    api.invalid_key = True
    run_refresh()  # YouTube refuses the key
    assert any("chmod 600" in text for text in outputs)
    assert "partial" in outputs[-1] or "failed" in outputs[-1]

    # Captures are filed under their WIB day, which runs ahead of UTC from 17:00 UTC.
    period = Period(dt.date(2025, 11, 1), dt.datetime.now(config.tz).date())
    accounts = shown_accounts(store.accounts())
    window = load_window(store, config.timezone, accounts, period.start, period.end, "history")
    labels = {"uma": "UMA", "unimed": "UNIMED"}
    posts = posts_export(window.posts, period, labels, config.timezone)
    history = history_export(window.daily, window.accounts, period, labels, config.timezone)
    assert len(posts) > 0 and len(history) > 0
    blobs = [csv_bytes(posts), csv_bytes(history), excel_bytes({"p": posts, "h": history})]
    loader = window_loader(store, config.timezone, accounts)
    outputs.append(build_report(loader, accounts, config, period))

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60).run()
    at.sidebar.selectbox(key="preset").set_value("preset_custom").run()
    at.sidebar.date_input(key="custom_range").set_value((period.start, period.end)).run()
    for page in ["overview", "compare", "campaigns", "posts", "categories", "data"]:
        at.switch_page(f"dashboard/pages/{page}.py").run()
        assert not at.exception, page
        outputs.append(repr(at.main) + repr(at.sidebar))
        outputs.extend(str(d.value.to_dict()) for d in at.dataframe)
    assert any("checkpoint" in text for text in outputs), "the faults did reach the pages"
    outputs.append(caplog.text)
    store.dispose()
    database = b"".join(p.read_bytes() for p in tmp_path.glob("secret.db*"))
    for secret in (YT_SENTINEL, IG_SENTINEL):
        for text in outputs:
            assert secret not in text
        for blob in [*blobs, database]:
            assert secret.encode() not in blob

"""Shared fixtures: real small databases (SQLite, and PostgreSQL when configured) and the
shipped configuration."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from collectors.config import Config, load_config
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO_END = dt.date(2026, 11, 24)
PG_URL = os.environ.get("JEJARING_TEST_POSTGRES_URL")
PG_MISSING = (
    "PostgreSQL not configured: set JEJARING_TEST_POSTGRES_URL to a database the tests may "
    "wipe, e.g. postgresql+psycopg://jejaring:jejaring@127.0.0.1/jejaring_test (.ci/run does)"
)


def reset_postgres(url: str) -> None:
    """Empty the test database: drop and recreate its public schema."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    if not PG_URL:
        if os.environ.get("JEJARING_REQUIRE_POSTGRES") == "1":
            pytest.fail(PG_MISSING)
        pytest.skip(PG_MISSING)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def pg_url() -> str:
    """A fresh, empty PostgreSQL database, for what only PostgreSQL has."""
    if not PG_URL:
        if os.environ.get("JEJARING_REQUIRE_POSTGRES") == "1":
            pytest.fail(PG_MISSING)
        pytest.skip(PG_MISSING)
    reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture(scope="module")
def browser(server):
    """Headless Chromium for the browser test module's own ``server`` fixture."""
    from playwright.sync_api import sync_playwright

    from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def api(request):
    """The loopback YouTube server; its key is the test module's ``KEY``."""
    from tests.youtube_server import FakeYouTube, serve

    fake = FakeYouTube()
    fake.key = getattr(request.module, "KEY", "test-key")
    server, url = serve(fake)
    fake.url = url
    yield fake
    server.shutdown()


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "jejaring.toml")


@pytest.fixture
def store(db_url: str) -> Store:
    s = Store(db_url, "Asia/Jakarta")
    yield s
    s.dispose()

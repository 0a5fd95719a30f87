"""Shared fixtures: real small databases and the shipped configuration."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from collectors.config import Config, load_config
from collectors.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO_END = dt.date(2026, 11, 24)


@pytest.fixture
def config() -> Config:
    return load_config(ROOT / "jejaring.toml")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'test.db'}", "Asia/Jakarta")
    yield s
    s.dispose()

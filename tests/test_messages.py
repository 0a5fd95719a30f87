"""Collector errors carry a message key: the run log keeps it with its parameters, so the
same error reads in Bahasa Indonesia or English; the CLI text stays English."""

from __future__ import annotations

import io
import json

from collectors.config import Settings, parse_config
from collectors.errors import CollectorError
from collectors.messages import MESSAGES, render
from collectors.refresh import refresh, select_accounts
from tests.youtube_server import youtube_config


def test_every_message_has_both_languages_with_the_same_placeholders():
    import string

    for key, (indonesian, english) in MESSAGES.items():
        names = [
            {f for _, f, _, _ in string.Formatter().parse(t) if f} for t in (indonesian, english)
        ]
        assert names[0] == names[1], key
        assert indonesian != english or key.startswith("same_"), key


def test_an_error_with_a_key_renders_in_each_language():
    err = CollectorError("@uma", key="collector_bug", platform="youtube", error="KeyError")
    assert str(err) == "@uma: unexpected error in the youtube collector: KeyError"
    assert err.text("id") == "@uma: kesalahan tak terduga pada pengambil data youtube: KeyError"
    assert render("no_such_key", "id") == "no_such_key"


def test_the_run_log_keeps_keys_and_parameters(store, tmp_path):
    config = parse_config(youtube_config(), str(tmp_path / "jejaring.toml"))
    settings = Settings(database_url=store.url)  # no YouTube key
    refresh(config, settings, store, select_accounts(config), out=io.StringIO())
    run = store.runs().iloc[0]
    assert run["error_key"] == "run_not_ok" and json.loads(run["error_params"]) == {
        "n": "2",
        "total": "2",
    }
    items = store.run_items()
    assert set(items["error_key"]) == {"youtube_key_missing"}
    assert items["error"].str.contains("YOUTUBE_API_KEY is not set").all()


def test_commands_in_messages_are_given_as_the_readme_gives_them():
    """A hint to run a command works when copied: `.venv/bin/python -m …` (the README's
    form), never a bare `python -m …`, which fails outside the virtual environment."""
    import re

    bare = re.compile(r"(?<!\.venv/bin/)python -m ")
    hints = 0
    for key, pair in MESSAGES.items():
        for text in pair:
            assert not bare.search(text), key
            hints += text.count(".venv/bin/python -m collectors connect")
    assert hints >= 14  # 7 reconnect hints (YouTube Analytics, Graph API), two languages
    assert render("graph_token_revoked", "id", library="uma").endswith(
        "Hubungkan ulang: .venv/bin/python -m collectors connect instagram --library uma"
    )

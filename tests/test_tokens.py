"""Token lookup: environment before secrets before a token file; files are written mode 600,
a readable one is warned about, a broken one is named (never its content)."""

from __future__ import annotations

import json
import os
import stat

import pytest

from collectors.config import load_settings
from collectors.tokens import TokenFileError, env_name, find_token, save_token, token_path

SECRET = "EAAG-SENTINEL-token-0042"


def test_names_follow_the_library_id():
    assert env_name("instagram", "uma") == "INSTAGRAM_TOKEN_UMA"
    assert env_name("youtube", "digilib-unimed") == "YOUTUBE_TOKEN_DIGILIB_UNIMED"


def test_environment_wins_over_secrets_and_file(tmp_path):
    save_token(tmp_path, "instagram", "uma", {"token": "from-file"})
    settings = load_settings(
        {"INSTAGRAM_TOKEN_UMA": SECRET, "JEJARING_TOKEN_DIR": str(tmp_path)},
        {"INSTAGRAM_TOKEN_UMA": "from-secrets"},
    )
    token = find_token("instagram", "uma", settings)
    assert (token.value, token.source, token.where) == (SECRET, "env", "INSTAGRAM_TOKEN_UMA")
    assert SECRET not in repr(token) and SECRET not in repr(settings)
    only_secrets = load_settings(
        {"JEJARING_TOKEN_DIR": str(tmp_path)}, {"INSTAGRAM_TOKEN_UMA": "s"}
    )
    assert find_token("instagram", "uma", only_secrets).source == "secrets"
    from_file = find_token("instagram", "uma", load_settings({"JEJARING_TOKEN_DIR": str(tmp_path)}))
    assert (from_file.value, from_file.source) == ("from-file", "file")
    assert (
        find_token("youtube", "uma", load_settings({"JEJARING_TOKEN_DIR": str(tmp_path)})) is None
    )


def test_token_files_are_private_and_keep_their_facts(tmp_path):
    path = save_token(
        tmp_path / "tokens",
        "instagram",
        "uma",
        {"token": SECRET, "expires_at": "2027-01-20T00:00:00+00:00", "scopes": ["a"]},
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    settings = load_settings({"JEJARING_TOKEN_DIR": str(tmp_path / "tokens")})
    warnings: list[str] = []
    token = find_token("instagram", "uma", settings, warnings.append)
    assert token.expires_at.year == 2027 and token.facts["scopes"] == ["a"]
    assert warnings == []
    os.chmod(path, 0o644)
    find_token("instagram", "uma", settings, warnings.append)
    assert len(warnings) == 1 and "chmod 600" in warnings[0] and SECRET not in warnings[0]


def test_a_broken_token_file_is_named_without_its_content(tmp_path):
    path = token_path(tmp_path, "youtube", "uma")
    path.write_text(json.dumps({"refresh": SECRET}))
    settings = load_settings({"JEJARING_TOKEN_DIR": str(tmp_path)})
    with pytest.raises(TokenFileError, match="youtube-uma.json") as caught:
        find_token("youtube", "uma", settings)
    assert SECRET not in str(caught.value)

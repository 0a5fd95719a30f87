"""Where a library's official-API token comes from: the environment, Streamlit secrets, or a
token file (mode 600) per library and platform. Tokens are handed to the clients that need
them and never logged, stored in the database, or shown.

Names: ``INSTAGRAM_TOKEN_<LIBRARY>`` and ``YOUTUBE_TOKEN_<LIBRARY>`` (the library id in
capitals, ``-`` as ``_``), or the files ``<token_dir>/instagram-<library>.json`` and
``<token_dir>/youtube-<library>.json``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collectors.config import Settings

KINDS = ("instagram", "youtube")


@dataclass(frozen=True)
class Token:
    """A token and where it was found; ``value`` is the secret (kept out of repr)."""

    value: str = field(repr=False)
    source: str  # env, secrets or file
    where: str  # the variable's name or the file's path: never the secret
    #: the other fields of a token file (expires_at, connected_since, scopes, …); kept out
    #: of repr, as a YouTube file also holds its OAuth client's secret
    facts: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def expires_at(self) -> dt.datetime | None:
        return _time(self.facts.get("expires_at"))

    @property
    def connected_since(self) -> dt.datetime | None:
        return _time(self.facts.get("connected_since"))


def env_name(kind: str, library_id: str) -> str:
    """The environment variable (or secrets key) of a library's token."""
    return f"{kind.upper()}_TOKEN_{library_id.upper().replace('-', '_')}"


def token_path(token_dir: str | os.PathLike[str], kind: str, library_id: str) -> Path:
    return Path(token_dir) / f"{kind}-{library_id}.json"


def find_token(
    kind: str,
    library_id: str,
    settings: Settings,
    warn: Callable[[str], None] = lambda text: None,
) -> Token | None:
    """The library's token for ``kind``: environment or secrets first, then its token file
    (whose ``token`` field holds the secret). ``warn`` hears of a file others can read."""
    name = env_name(kind, library_id)
    found = settings.tokens.get(name)
    if found:
        value, source = found
        return Token(value, source, name)
    path = token_path(settings.token_dir, kind, library_id)
    if not path.is_file():
        return None
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(
            f"the token file {path} can be read by other users of this machine; it is as good "
            f"as a password. Fix it with: chmod 600 {path}"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        secret = data["token"]
        if not isinstance(secret, str) or not secret:
            raise ValueError
    except (OSError, ValueError, KeyError, TypeError):
        raise TokenFileError(
            f"the token file {path} cannot be read (not JSON with a 'token' field); connect "
            "the account again"
        ) from None
    facts = {k: v for k, v in data.items() if k != "token"}
    return Token(secret, "file", str(path), facts)


class TokenFileError(ValueError):
    """A token file exists but cannot be used; the message names the file (never its content)."""


def save_token(
    token_dir: str | os.PathLike[str], kind: str, library_id: str, data: Mapping[str, Any]
) -> Path:
    """Write a token file readable by its owner only (mode 600, replaced atomically).
    ``data["token"]`` is the secret; the other fields are facts such as expires_at."""
    if not isinstance(data.get("token"), str) or not data["token"]:
        raise ValueError("a token file needs a non-empty 'token'")
    path = token_path(token_dir, kind, library_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(dict(data), handle, default=_json_default, indent=1)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)

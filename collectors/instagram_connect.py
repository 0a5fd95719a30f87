"""`python -m collectors connect instagram`: turn a short-lived user token from the Graph API
Explorer into a library's lasting token (Meta's documented exchange), and save it with its
facts in a mode-600 token file. Prints what was connected, never a token.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from collectors.config import Config, Settings
from collectors.instagram_graph import (
    PLATFORM,
    REQUIRED_SCOPES,
    GraphApiError,
    GraphClient,
    paginate,
)
from collectors.paging import PageGuard
from collectors.records import AccountRef, Connection
from collectors.tokens import save_token

UTC = dt.UTC
#: Optional permissions: listing Pages (/me/accounts), and the tags edge.
USEFUL_SCOPES = ("pages_show_list", "instagram_manage_comments")


class ConnectError(Exception):
    """The connection cannot be made; the message says what to do (never a secret)."""


def connect_instagram(
    settings: Settings,
    config: Config,
    library_id: str,
    *,
    account: str | None = None,
    prompt: Callable[[str], str] | None = None,
    out: TextIO | None = None,
    record: Callable[[Connection], None] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
) -> str:
    """Connect ``library_id``'s Instagram professional account; returns the token file's
    path. Steps (Meta's "Long-Lived Access Tokens" guide): exchange the short-lived user
    token (fb_exchange_token), check the permissions granted, find the Page and its linked
    Instagram account in /me/accounts, prefer the Page token (it does not expire when it
    comes from a long-lived user token), and read its facts with /debug_token."""
    out = out or sys.stdout  # looked up now: the caller may have replaced it
    try:
        library = config.library(library_id)
    except KeyError:
        raise ConnectError(f"unknown library '{library_id}' (see {config.path})") from None
    app_id, app_secret = settings.meta_app_id, settings.meta_app_secret
    if not app_id or not app_secret:
        raise ConnectError(
            "set META_APP_ID and META_APP_SECRET (the library's Meta app, App settings > "
            "Basic) in the environment first"
        )
    # read at a hidden prompt (getpass), never from the command line: shell history keeps it
    short = settings.meta_user_token or (prompt or getpass.getpass)(
        "Paste the short-lived user token from the Graph API Explorer (input hidden): "
    )
    short = short.strip()
    if not short:
        raise ConnectError("no token given")
    network = config.network
    client = GraphClient(
        None,
        version=config.instagram_graph.version,
        api_url=settings.instagram_graph_api_url,
        deadline=network.deadline,
        retries=network.retries,
        budget=network.call_budget,
    )
    try:
        exchanged = client.get(
            "oauth/access_token",
            {
                "grant_type": "fb_exchange_token",
                "client_id": app_id,
                "client_secret": app_secret,
                "fb_exchange_token": short,
            },
        )
        user_token = str(exchanged["access_token"])
        lifetime = exchanged.get("expires_in")
        user_expires = (
            now() + dt.timedelta(seconds=int(lifetime)) if isinstance(lifetime, int) else None
        )
        granted = {
            str(p.get("permission"))
            for p in client.get("me/permissions", token=user_token).get("data") or []
            if isinstance(p, dict) and p.get("status") == "granted"
        }
        missing = [s for s in REQUIRED_SCOPES if s not in granted]
        if missing:
            raise ConnectError(
                "the token lacks " + ", ".join(missing) + ": in the Graph API Explorer add "
                "these permissions, generate a new token and run this command again"
            )
        pages = list(
            paginate(
                client,
                "me/accounts",
                {
                    "fields": "name,access_token,instagram_business_account{id,username}",
                    "limit": 100,
                },
                PageGuard("your Facebook Pages", 100),
                token=user_token,
            )
        )
        linked = [p for p in pages if isinstance(p.get("instagram_business_account"), dict)]
        page = _choose(linked, account, library.instagram, library_id)
        ig = page["instagram_business_account"]
        page_token = page.get("access_token")
        token = str(page_token) if page_token else user_token
        kind = "page" if page_token else "user"
        try:
            facts = client.get(
                "debug_token", {"input_token": token}, token=f"{app_id}|{app_secret}"
            ).get("data", {})
        except GraphApiError as err:
            if err.rate_limited:
                raise
            # the token works without its facts: a Page token from a long-lived user token
            # does not expire, a user token's lifetime came with the exchange
            out.write(f"Note: Meta did not describe the token ({err}); its expiry is assumed.\n")
            facts = {}
        expires = _expiry(facts.get("expires_at"), user_expires if kind == "user" else None)
        data_access = _expiry(facts.get("data_access_expires_at"), None)
        scopes = sorted(str(s) for s in facts.get("scopes") or granted)
        client.get(str(ig["id"]), {"fields": "id,username,followers_count"}, token=token)
    except GraphApiError as err:
        raise ConnectError(_words(err)) from None
    except (KeyError, TypeError, ValueError):
        raise ConnectError("Meta answered in an unexpected shape; try again later") from None
    username = str(ig.get("username") or "").lower()
    connected = now()
    path = save_token(
        settings.token_dir,
        PLATFORM,
        library_id,
        {
            "token": token,
            "kind": kind,
            "expires_at": expires,
            "data_access_expires_at": data_access,
            "connected_since": connected,
            "scopes": scopes,
            "ig_user_id": str(ig["id"]),
            "username": username,
            "page_id": str(page.get("id") or ""),
            "page_name": str(page.get("name") or ""),
            "graph_version": config.instagram_graph.version,
        },
    )
    if record is not None:
        handle = username if username in library.instagram else None
        record(
            Connection(
                library_id=library_id,
                platform=PLATFORM,
                kind="instagram_graph",
                status="ok",
                checked_at=connected,
                token_source="file",  # noqa: S106 - where the token is, not a secret
                external_id=str(ig["id"]),
                account=AccountRef(library_id, PLATFORM, handle) if handle else None,
                connected_since=connected,
                expires_at=expires,
                scopes=tuple(scopes),
                detail=f"connected through the Facebook Page '{page.get('name')}'",
            )
        )
    lasting = (
        "does not expire"
        if expires is None
        else f"expires on {expires:%Y-%m-%d} (reconnect before)"
    )
    out.write(
        f"Connected library {library_id}: Instagram @{username} (id {ig['id']}) through the "
        f"Facebook Page '{page.get('name')}'.\n"
        f"Token: {kind} token, {lasting}"
        + (f"; data access until {data_access:%Y-%m-%d}" if data_access else "")
        + f".\nPermissions: {', '.join(scopes)}.\n"
        f"Saved to {path} (readable by you only).\n"
    )
    for scope in USEFUL_SCOPES:
        if scope not in scopes and scope not in granted:
            out.write(
                f"Note: without {scope}, "
                + (
                    "the posts that tag the account are not read.\n"
                    if scope == "instagram_manage_comments"
                    else "some accounts cannot list their Pages.\n"
                )
            )
    if username not in library.instagram:
        out.write(
            f"Warning: @{username} is not among library {library_id}'s Instagram accounts in "
            f"{config.path}; add it there, or connect again with --account.\n"
        )
    return str(path)


def _choose(
    pages: list[dict], account: str | None, handles: tuple[str, ...], library_id: str
) -> dict:
    """The Page whose Instagram account is ``account``, else the library's configured one,
    else the only one."""

    def name(page: dict) -> str:
        return str(page["instagram_business_account"].get("username") or "").lower()

    if not pages:
        raise ConnectError(
            "none of your Facebook Pages has a linked Instagram professional account (or "
            "the token lacks pages_show_list): link the account to the Page first (see README)"
        )
    wanted = [account.lower().lstrip("@")] if account else list(handles)
    chosen = [p for p in pages if name(p) in wanted]
    if len(chosen) == 1:
        return chosen[0]
    if not chosen and not account and len(pages) == 1:
        return pages[0]
    found = ", ".join("@" + name(p) for p in pages)
    raise ConnectError(
        f"the token reaches {found}; say which belongs to library {library_id} with "
        "--account HANDLE"
    )


def _expiry(value: object, fallback: dt.datetime | None) -> dt.datetime | None:
    """debug_token's Unix time; 0 means it does not expire."""
    if isinstance(value, int) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value, UTC) if value > 0 else None
    return fallback


def _words(err: GraphApiError) -> str:
    if err.code == 190:
        return (
            f"Meta refused the token ({err}); generate a new one in the Graph API Explorer "
            "(it lasts about an hour) and run this command again"
        )
    if err.permission:
        return f"a permission is missing ({err}); add it in the Graph API Explorer and retry"
    if err.rate_limited:
        return f"Meta's rate limit was reached ({err}); retry in an hour"
    if err.kind in ("unreachable", "not_json"):
        return f"the Graph API could not be reached ({err}); check the network and retry"
    return f"Meta refused the request (#{err.code}: {err})"

"""Argument parsing and printing for ``python -m collectors``.

Exit codes: 0 ok, 1 some accounts failed, 2 configuration error, 3 another refresh runs,
4 the database cannot be used (unreachable, damaged, newer than this Jejaring, full),
5 a file to import was refused (nothing of it written).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from collectors.config import Config, Settings, load_config, load_file_secrets, load_settings
from collectors.errors import ConfigError, JejaringError, StoreError
from collectors.store import HEAD, Store

if TYPE_CHECKING:
    from collectors.imports import Plan, Result

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG, EXIT_LOCKED, EXIT_STORE, EXIT_FILE = 0, 1, 2, 3, 4, 5


def open_store(settings: Settings, config: Config) -> Store:
    return Store(settings.database_url, config.timezone)


def _cmd_demo(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    from collectors.demo import DEFAULT_SEED, load_demo

    store = open_store(settings, config)
    accounts = store.accounts()
    # Captured by a refresh, or holding posts or figures of an imported file.
    captured = set(store.last_captures()["account_id"].dropna().astype(int))
    captured |= set(store.accounts_with_data()["account_id"].dropna().astype(int))
    real = accounts[~accounts["is_demo"].astype(bool)]
    has_real_data = bool(real["id"].isin(captured).any())
    if args.remove:
        store.delete_demo()
        print("Demo data removed.")
        if not has_real_data:
            # The dashboard shows real accounts only once one has data.
            print(
                "No real account has data yet: the dashboard shows an empty page that says "
                "so until a refresh succeeds or a file is imported (`demo` brings the demo "
                "back)."
            )
        return EXIT_OK
    end = dt.date.fromisoformat(args.end) if args.end else None
    counts = load_demo(
        store,
        config,
        end,
        seed=args.seed if args.seed else DEFAULT_SEED,
        progress=lambda lib: print(f"Demo data of library {lib} prepared.", flush=True),
    )
    print(
        f"Demo data written: {counts['accounts']} accounts, {counts['posts']} posts, "
        f"{counts['account_days']} account-days, {counts['post_days']} post-days."
    )
    if has_real_data:
        print("Real data exists: the dashboard shows it, not the demo.")
    _keep_derived(store, config)
    return EXIT_OK


def _keep_derived(store: Store, config: Config) -> None:
    """Work out now what the dashboard would otherwise work out on its first page view
    after this write: every post's breakout verdict (kept in the store)."""
    from dashboard.insight_data import ensure_verdicts

    ensure_verdicts(store, config.timezone)


def _cmd_refresh(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    from collectors.lock import RefreshLocked
    from collectors.refresh import refresh, select_accounts

    platforms = [args.platform] if args.platform else None
    if args.library and args.library not in {lib.id for lib in config.libraries}:
        print(f"Unknown library '{args.library}' (see {config.path}).", file=sys.stderr)
        return EXIT_CONFIG
    accounts = select_accounts(config, platforms, args.library, args.account)
    if not accounts:
        print("No configured account matches this selection.", file=sys.stderr)
        return EXIT_CONFIG
    for lib in config.libraries:
        if not lib.handles_confirmed and any(a.library_id == lib.id for a in accounts):
            print(
                f"Warning: the handles of library '{lib.id}' are not confirmed by staff "
                f"(handles_confirmed = false in {config.path}).",
                file=sys.stderr,
            )
    store = open_store(settings, config)
    command = " ".join(["refresh", *sys.argv[2:]]) if sys.argv[1:2] == ["refresh"] else "refresh"
    try:
        summary = refresh(config, settings, store, accounts, full=args.full, command=command)
    except RefreshLocked as exc:
        print(f"Refresh not started: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    _keep_derived(store, config)
    return summary.exit_code


def _cmd_status(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    from collectors.status import status_report

    print(status_report(open_store(settings, config), config))
    return EXIT_OK


def _cmd_migrate(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    messages: list[str] = []
    store = Store(settings.database_url, config.timezone, notice=messages.append)
    for text in messages:
        print(text)
    print(f"The store in {store.where} is at schema {HEAD}" + (": up to date." if not messages
          else "."))  # fmt: skip
    store.dispose()
    return EXIT_OK


def _cmd_connect(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    """Connect a library's own account to an official API: the Instagram Graph API (a token
    pasted at a hidden prompt) or YouTube Analytics (consent in a browser)."""
    if args.library not in {lib.id for lib in config.libraries}:
        print(f"Unknown library '{args.library}' (see {config.path}).", file=sys.stderr)
        return EXIT_CONFIG
    if args.platform == "instagram":
        from collectors.instagram_connect import ConnectError, connect_instagram

        store = open_store(settings, config)
        try:
            connect_instagram(
                settings, config, args.library, account=args.account, record=store.set_connection
            )
        except ConnectError as exc:
            print(f"Not connected: {exc}", file=sys.stderr)
            return EXIT_PARTIAL
        except (EOFError, KeyboardInterrupt):
            print("Not connected: no token given.", file=sys.stderr)
            return EXIT_PARTIAL
        return EXIT_OK
    from collectors.youtube_analytics import connect

    try:
        connect(
            args.library,
            config,
            settings,
            args.client_file,
            port=args.port,
            open_browser=not args.no_browser,
        )
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except JejaringError as exc:
        print(f"Not connected: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


def _cmd_import(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    from collectors.errors import ImportFileError
    from collectors.imports import Options, commit, prepare

    if args.library not in {lib.id for lib in config.libraries}:
        known = ", ".join(lib.id for lib in config.libraries)
        print(f"Unknown library '{args.library}' (known: {known}; see {config.path}).",
              file=sys.stderr)  # fmt: skip
        return EXIT_CONFIG
    store = open_store(settings, config)
    options = Options(args.library, args.account, args.service, args.timezone)
    try:
        plan = prepare(store, config, Path(args.file).name, options, path=args.file)
    except ImportFileError as exc:
        print(f"Not imported: {exc}", file=sys.stderr)
        print("Nothing was written.", file=sys.stderr)
        return EXIT_FILE
    print(describe_plan(plan))
    if args.dry_run:
        print("Dry run: nothing was written.")
        return EXIT_OK
    result = commit(store, plan)
    print(describe_result(plan, result))
    _keep_derived(store, config)
    return EXIT_OK


def describe_plan(plan: Plan) -> str:
    """What an import would write, in English (the dashboard shows the same in a table)."""
    counts = plan.counts()
    lines = [f"{plan.shown_name}: {plan.kind_name} for library '{plan.library}'"]
    if plan.account is not None:
        lines[0] += f", account {plan.account.handle}"
    if plan.service is not None:
        lines[0] += f", service '{plan.service.name}'"
    if plan.period is not None:
        lines.append(f"  period: {plan.period[0]} to {plan.period[1]}")
    if plan.kind == "whatsapp":
        lines.append(
            f"  {plan.chats} chat(s), {plan.messages} messages: {counts['questions']} "
            f"questions on {counts['service_days']} days"
        )
        lines.append(
            "  kept: daily counts and per-question timings only (no text, names or numbers)"
        )
    elif plan.kind == "service_csv":
        lines.append(f"  {counts['service_days']} days of counts (source: manual)")
    else:
        lines.append(
            f"  posts: {counts['posts_matched']} matched, {counts['posts_new']} new, "
            f"{counts['posts_skipped']} skipped; {counts['post_figures']} post figures"
        )
        if plan.days:
            lines.append(f"  account days: {len(plan.days)} ({counts['account_figures']} figures)")
    if plan.notices:
        lines.append("  warnings:")
        lines.extend(f"  - {n.text('en')}" for n in plan.notices)
    return "\n".join(lines)


def describe_result(plan: Plan, result: Result) -> str:
    how = "imported" if result.first_time else "imported again (same content)"
    return f"{plan.shown_name}: {how} as import #{result.import_id}; {result.counts['rows']} rows."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m collectors", description="Collect and store partner libraries' metrics."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="write deterministic demo data (flagged as demo)")
    demo.add_argument("--end", help="last day of the demo, YYYY-MM-DD (default: today)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: fixed)")
    demo.add_argument("--remove", action="store_true", help="remove the demo data instead")
    demo.set_defaults(func=_cmd_demo)
    refresh = sub.add_parser("refresh", help="collect fresh metrics of the configured accounts")
    refresh.add_argument("--platform", choices=["instagram", "youtube"])
    refresh.add_argument("--library", help="only this library id")
    refresh.add_argument("--account", help="only this handle")
    refresh.add_argument(
        "--full", action="store_true", help="walk every post, not only the new ones"
    )
    refresh.set_defaults(func=_cmd_refresh)
    connect = sub.add_parser(
        "connect",
        help="connect a library's own account to an official API: instagram (Graph API; the "
        "token is read from META_USER_TOKEN or a hidden prompt, never an argument) or youtube "
        "(YouTube Analytics; run it on a computer with a browser)",
    )
    connect.add_argument("platform", choices=["instagram", "youtube"])
    connect.add_argument("--library", required=True, help="the library id in jejaring.toml")
    connect.add_argument(
        "--account", help="instagram: the username, when the token reaches several"
    )
    connect.add_argument(
        "--client-file",
        help="youtube: the 'Desktop app' OAuth client JSON from Google Cloud (default: "
        "YOUTUBE_OAUTH_CLIENT_FILE)",
    )
    connect.add_argument(
        "--port", type=int, default=0, help="youtube: loopback port for Google's answer"
    )
    connect.add_argument(
        "--no-browser", action="store_true", help="youtube: print the sign-in address only"
    )
    connect.set_defaults(func=_cmd_connect)
    status = sub.add_parser("status", help="print the last runs and each account's freshness")
    status.set_defaults(func=_cmd_status)
    migrate = sub.add_parser(
        "migrate",
        help="bring the database to this version's schema (also done on open; SQLite: a "
        "copy of the old file is kept)",
    )
    migrate.set_defaults(func=_cmd_migrate)
    imp = sub.add_parser(
        "import",
        help="import a YouTube Studio or Meta Business Suite export, a WhatsApp chat export "
        "of a library's service, or a service's daily counts (CSV)",
    )
    imp.add_argument("file", help="the .csv, .zip or .txt file")
    imp.add_argument("--library", required=True, help="the library the file belongs to")
    imp.add_argument("--account", help="the account, when the library has several")
    imp.add_argument("--service", help="the service name, when the library has several")
    imp.add_argument(
        "--timezone", help="time zone of the times in the file (default: the configured one)"
    )
    imp.add_argument(
        "--dry-run", action="store_true", help="show what would be written, write nothing"
    )
    imp.set_defaults(func=_cmd_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        # The environment first; Streamlit's secrets files fill what it lacks (keys and
        # tokens may live there, as for the dashboard).
        settings = load_settings(secrets=load_file_secrets())
        config = load_config(settings.config_path)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    try:
        return int(args.func(args, settings, config))
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except JejaringError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return EXIT_PARTIAL

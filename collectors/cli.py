"""Argument parsing and printing for ``python -m collectors``.

Exit codes: 0 ok, 1 some accounts failed, 2 configuration error, 3 another refresh runs,
4 the database cannot be used (unreachable, damaged, newer than this Jejaring, full).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

from collectors.config import Config, Settings, load_config, load_settings
from collectors.errors import ConfigError, JejaringError, StoreError
from collectors.store import HEAD, Store

EXIT_OK, EXIT_PARTIAL, EXIT_CONFIG, EXIT_LOCKED, EXIT_STORE = 0, 1, 2, 3, 4


def open_store(settings: Settings, config: Config) -> Store:
    return Store(settings.database_url, config.timezone)


def _cmd_demo(args: argparse.Namespace, settings: Settings, config: Config) -> int:
    from collectors.demo import DEFAULT_SEED, load_demo

    store = open_store(settings, config)
    if args.remove:
        store.delete_demo()
        print("Demo data removed.")
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
    return EXIT_OK


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
    status = sub.add_parser("status", help="print the last runs and each account's freshness")
    status.set_defaults(func=_cmd_status)
    migrate = sub.add_parser(
        "migrate",
        help="bring the database to this version's schema (also done on open; SQLite: a "
        "copy of the old file is kept)",
    )
    migrate.set_defaults(func=_cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    try:
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

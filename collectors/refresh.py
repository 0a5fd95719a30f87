"""The refresh: run the collectors for the configured accounts and write each account's
result in its own transaction, recording the run. No platform code here, no Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from collectors.config import PLATFORMS, Config, Settings
from collectors.errors import AuthFailed, CollectorError, StoreError
from collectors.lock import PostgresLock, RefreshLock
from collectors.messages import render
from collectors.records import AccountRef, AccountResult
from collectors.store import Store

UTC = dt.UTC

# A platform's collector: (accounts, store, settings, config, full, warn) -> results,
# one per account, in order; what it yields is written at once.


@dataclass
class Summary:
    run_id: int
    results: list[AccountResult] = field(default_factory=list)

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.results}
        if not statuses or statuses == {"ok"}:
            return "ok"
        if "ok" not in statuses and "partial" not in statuses:
            return "failed"
        return "partial"

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "ok" else 1


def select_accounts(
    config: Config,
    platforms: Iterable[str] | None = None,
    library: str | None = None,
    account: str | None = None,
) -> list[AccountRef]:
    """The configured accounts, narrowed to the given platforms, library and handle."""
    wanted = set(platforms or PLATFORMS)
    chosen = []
    for lib in config.libraries:
        if library and lib.id != library:
            continue
        for platform, handle in lib.accounts():
            if platform not in wanted:
                continue
            if account and account.lower().lstrip("@") != handle.lower().lstrip("@"):
                continue
            chosen.append(AccountRef(lib.id, platform, handle))
    return chosen


def lock_for(settings: Settings, store: Store) -> RefreshLock | PostgresLock:
    """The refresh lock: a database lock on PostgreSQL (refreshes may run on several
    machines), a file lock next to the database otherwise."""
    if store.engine.dialect.name == "postgresql":
        return PostgresLock(store.engine)
    return RefreshLock(lock_path(settings))


def lock_path(settings: Settings) -> Path:
    """Next to the SQLite file, or in data/ for a database server."""
    url = sa.engine.make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_name("refresh.lock")
    return Path("data") / "refresh.lock"


def _youtube(
    accounts: list[AccountRef],
    store: Store,
    settings: Settings,
    config: Config,
    full: bool,
    warn: Callable[[str], None],
    owners: Any = None,
) -> Iterator[AccountResult]:
    """Public figures with the API key (or, without one, with a library's own
    authorisation), then the owner figures of channels whose library authorised Jejaring,
    added to the same result (path ``data_api_oauth``) and the connection's facts recorded."""
    from collectors.youtube import Planned, YouTubeClient, YouTubeCollector
    from collectors.youtube_analytics import OwnerCollector

    network = config.network
    owners = owners or OwnerCollector(
        settings,
        num_retries=network.retries,
        timeout=network.deadline,
        budget=network.call_budget,
    )
    auths = owners.authorisations([ref.library_id for ref in accounts], warn)
    planned = [Planned(ref, store.account_state(ref)) for ref in accounts]
    states = {p.account: p.state for p in planned}
    if settings.youtube_api_key:
        client = YouTubeClient(
            settings.youtube_api_key,
            settings.youtube_api_url,
            num_retries=network.retries,
            timeout=network.deadline,
            budget=network.call_budget,
            tz=config.timezone,
        )
        results: Iterable[AccountResult] = YouTubeCollector(client, full=full).collect(planned)
    else:
        results = _youtube_without_key(planned, auths, owners, full, config.timezone)
    for result in results:
        connection = owners.add(
            result, states[result.account], auths.get(result.account.library_id)
        )
        if connection is not None:
            store.set_connection(connection)
        yield result


def _youtube_without_key(
    planned: list[Any], auths: dict[str, Any], owners: Any, full: bool, tz: str
) -> Iterator[AccountResult]:
    """Without YOUTUBE_API_KEY, a channel whose library authorised Jejaring is collected with
    that authorisation (its own quota); the others are skipped with a clear message."""
    from collectors.youtube_analytics import Authorisation

    for plan in planned:
        auth = auths.get(plan.account.library_id)
        if isinstance(auth, Authorisation) and auth.covers(plan.state.external_id):
            yield owners.public_with_oauth(plan, auth, full, tz)
        else:
            yield AccountResult(
                plan.account,
                started_at=dt.datetime.now(UTC),
                skipped=True,
                error=AuthFailed(plan.account.handle, key="youtube_key_missing"),
            )


def _instagram(
    accounts: list[AccountRef],
    store: Store,
    settings: Settings,
    config: Config,
    full: bool,
    warn: Callable[[str], None],
    *,
    instaloader: Callable[..., Iterator[AccountResult]] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(UTC),
) -> Iterator[AccountResult]:
    """Instagram through up to three collectors, one path per account: the Graph API when
    the library connected its account, business discovery through a connected library,
    instaloader for the rest (``instagram_path`` in jejaring.toml forces one). Connection
    facts (token expiry, status) are stored as they are learnt."""
    from collectors.instagram_graph import GraphCollector

    graph = GraphCollector(store, settings, config, full=full, warn=warn, sleep=sleep, now=now)

    def record_connections() -> None:
        for facts in graph.take_connections():
            store.set_connection(facts)

    paths = graph.plan(accounts)
    record_connections()
    for result in graph.collect([a for a in accounts if paths[a] != "instaloader"], paths):
        record_connections()
        yield result
    record_connections()
    rest = [a for a in accounts if paths[a] == "instaloader"]
    if rest:
        if instaloader is None:
            from collectors.instagram import collect_instagram as instaloader
        for result in instaloader(rest, store, settings, config, full, warn):
            result.path = result.path or "instaloader"
            yield result


COLLECTORS = {"youtube": _youtube, "instagram": _instagram}


class Reporter:
    """Timestamped plain lines for logs (cron); on a terminal, a progress bar below them."""

    def __init__(self, tz: str, total: int, out: TextIO = sys.stdout) -> None:
        self.tz = ZoneInfo(tz)
        self.total = total
        self.done = 0
        self.out = out
        self.tty = out.isatty()

    def line(self, text: str) -> None:
        stamp = dt.datetime.now(self.tz).strftime("%Y-%m-%d %H:%M:%S %Z")
        clear = "\r\x1b[2K" if self.tty else ""
        self.out.write(f"{clear}{stamp} {text}\n")
        self.bar()
        self.out.flush()

    def bar(self, width: int = 30) -> None:
        if not self.tty or not self.total:
            return
        filled = width * self.done // self.total
        self.out.write(
            f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} accounts"
        )
        if self.done == self.total:
            self.out.write("\n")

    def result(self, result: AccountResult, written_new: int, written_updated: int) -> None:
        self.done += 1
        ref = result.account
        head = f"[{self.done}/{self.total}] {ref.platform} {ref.handle} ({ref.library_id})"
        if result.status == "ok":
            text = f"{head} ok: {written_new} new, {written_updated} updated posts"
        else:
            text = f"{head} {result.status}: {result.error}"
            if result.posts or result.snapshot:
                text += f" (kept {written_new} new, {written_updated} updated posts)"
        if result.api_units:
            text += f", {result.api_units} API units"
        elif result.requests:
            text += f", {result.requests} requests"
        self.line(text)


def refresh(
    config: Config,
    settings: Settings,
    store: Store,
    accounts: list[AccountRef],
    *,
    full: bool = False,
    command: str = "refresh",
    out: TextIO = sys.stdout,
    collectors: dict[str, Callable[..., Iterator[AccountResult]]] | None = None,
) -> Summary:
    """Collect ``accounts`` (holding the refresh lock) and write each result as it comes."""
    collectors = collectors or COLLECTORS
    with lock_for(settings, store):
        # Holding the lock, any run still marked running was ended without finishing.
        store.close_abandoned_runs()
        run_id = store.start_run(command)
        summary = Summary(run_id)
        report = Reporter(config.timezone, len(accounts), out)
        report.line(f"refresh run {run_id}: {len(accounts)} accounts")
        # Warnings of the record boundary and collectors (e.g. an invalid count) go into
        # the refresh's own log lines.
        relay = _Relay(report)
        logging.getLogger("jejaring").addHandler(relay)
        try:
            for platform in PLATFORMS:
                chosen = [a for a in accounts if a.platform == platform]
                if not chosen:
                    continue
                warn = _warner(report, platform)
                for result in _guarded(
                    collectors[platform], chosen, store, settings, config, full, warn
                ):
                    try:
                        written = store.write_result(run_id, result)
                    except StoreError as err:
                        if not err.account_level:
                            raise  # the database itself cannot be used: stop (exit 4)
                        # Only this account's rows were refused: record why and go on.
                        result.error = CollectorError(
                            result.account.handle,
                            key="write_failed",
                            error=err.params.get("error", err.detail),
                        )
                        result.posts, result.snapshot = [], None
                        result.gone, result.full_walk_at = [], None
                        result.account_metrics, result.post_metrics = [], []
                        written = store.write_result(run_id, result)
                    summary.results.append(result)
                    report.result(result, written.new_posts, written.updated_posts)
        except BaseException as err:
            # When the database itself failed, the next refresh closes the run instead.
            with contextlib.suppress(StoreError):
                store.finish_run(
                    run_id,
                    "failed",
                    f"interrupted: {type(err).__name__}",
                    "run_interrupted",
                    {},
                )
            raise
        finally:
            logging.getLogger("jejaring").removeHandler(relay)
        failed = [r for r in summary.results if r.status != "ok"]
        counts = {"n": str(len(failed)), "total": str(len(summary.results))}
        store.finish_run(
            run_id,
            summary.status,
            render("run_not_ok", **counts) if failed else None,
            "run_not_ok" if failed else None,
            counts if failed else None,
        )
        report.line(f"refresh run {run_id} finished: {summary.status}")
    return summary


class _Relay(logging.Handler):
    """Passes Jejaring's warnings to the refresh's log lines."""

    def __init__(self, report: Reporter) -> None:
        super().__init__(logging.WARNING)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.report.line(f"warning: {record.getMessage()}")
        except Exception:  # a log line must never stop a refresh
            self.handleError(record)


def _warner(report: Reporter, platform: str) -> Callable[[str], None]:
    return lambda text: report.line(f"{platform}: warning: {text}")


def _guarded(
    collect: Callable[..., Iterator[AccountResult]],
    accounts: list[AccountRef],
    store: Store,
    settings: Settings,
    config: Config,
    full: bool,
    warn: Callable[[str], None],
) -> Iterator[AccountResult]:
    """Run one platform's collector; an unexpected error fails the accounts it had not
    reached instead of stopping the other platforms."""
    seen: set[str] = set()
    try:
        for result in collect(accounts, store, settings, config, full, warn):
            seen.add(result.account.handle)
            yield result
    except StoreError:
        raise  # the database itself failed (reading what is known): stop, exit 4
    except Exception as err:  # a bug or an unforeseen platform fault: report, go on
        # The traceback goes to stderr for whoever fixes it, with any API key removed.
        sys.stderr.write(re.sub(r"(key=)[^&\s'\"]+", r"\1<redacted>", traceback.format_exc()))
        now = dt.datetime.now(UTC)
        for ref in accounts:
            if ref.handle not in seen:
                yield AccountResult(
                    ref,
                    started_at=now,
                    error=CollectorError(
                        ref.handle,
                        key="collector_bug",
                        platform=ref.platform,
                        error=type(err).__name__,
                    ),
                )

"""``python -m dashboard.report``: write the manager's report as HTML and/or PDF.

Exit codes: 0 written (also for a period without data: the report and standard error say
so); 2 bad arguments, configuration or output path (nothing written); 4 the database
cannot be used (missing, unreachable, damaged, newer than this Jejaring). Files appear
whole or not at all: each is written to a temporary file in its folder, then renamed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from collectors.config import Config, load_config, load_file_secrets, load_settings
from collectors.errors import ConfigError, StoreError
from collectors.store import Store, describe
from dashboard import i18n
from dashboard.metrics import Period
from dashboard.pagedata import choose, shown_accounts, window_loader
from dashboard.report import file_stem
from dashboard.report.content import Report, report_content, sources_of
from dashboard.report.render_html import render_html
from dashboard.report.render_pdf import render_pdf

EXIT_OK, EXIT_USAGE, EXIT_STORE = 0, 2, 4
DEFAULT_DAYS = 30  # the dashboard's default period
RUNS_READ = 200  # refresh runs read for the accounts' collection paths (as the Data page)
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}


class UsageError(Exception):
    """A bad argument; the message is one sentence for the terminal."""


@dataclass(frozen=True)
class Target:
    path: Path
    kind: str  # html or pdf


def _date(value: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r} is not a date; write it as YYYY-MM-DD.") from None


def period_of(start: str | None, end: str | None, today: dt.date) -> Period:
    """The period asked for; without dates the dashboard's default (the last 30 days)."""
    last = _date(end, "--to") if end else today
    first = _date(start, "--from") if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}.")
    return Period(first, last)


def targets_of(out: str | None, pdf: bool, period: Period) -> list[Target]:
    """The files to write: ``--out`` names an .html or a .pdf file (default: the dashboard's
    file name in the current folder); ``--pdf`` adds the PDF beside an HTML file. The folder
    must exist: a mistyped path should not quietly grow folders."""
    path = Path(out) if out else Path(f"{file_stem(period)}.html")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"--out {path} must end in .html or .pdf.")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(
            f"The folder {folder} does not exist (or is not a folder); create it first or "
            "choose another --out."
        )
    if path.is_dir():
        raise UsageError(
            f"--out {path} is a folder; name a file in it, e.g. {path / 'laporan.html'}."
        )
    found = [Target(path, kind)]
    if pdf and kind == "html":
        found.append(Target(path.with_suffix(".pdf"), "pdf"))
    return found


def _open_store(url: str, tz: str) -> Store:
    """The store at ``url``; a missing SQLite file is an error here (a report must not
    create an empty database where the data were expected)."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(key="store_bad_url", kind="bad_url") from None
    database = parsed.database or ""
    if (
        parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).exists()  # a folder or a pipe: the store says what it is
    ):
        raise StoreError(key="store_file_missing", kind="cannot_open", path=database)
    return Store(url, tz)


def _database_sentence(exc: sa.exc.SQLAlchemyError, url: str) -> str:
    """One line naming the database and the driver's reason (never the password)."""
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{describe(url)} cannot be read: {reason[0] if reason else type(exc).__name__}."


def build(
    url: str, config: Config, period: Period, lang: str, libraries: Sequence[str] | None
) -> Report:
    """The report's content from the store at ``url`` (raises StoreError/SQLAlchemyError)."""
    store = _open_store(url, config.timezone)
    try:
        shown = shown_accounts(store.accounts())
        chosen = choose(shown, libraries or list(shown["library_id"]), ["instagram", "youtube"])
        runs = store.runs(RUNS_READ)
        items = store.run_items([int(r) for r in runs["run_id"]])
        sources = sources_of(chosen, store.last_captures(), items)
        load = window_loader(store, config.timezone, chosen)
        return report_content(load, shown, config, period, lang, sources)
    finally:
        store.dispose()


def write_all(documents: list[tuple[Path, bytes]]) -> None:
    """Write every file or none: all go to temporary files first, then are renamed."""
    done: list[tuple[str, Path]] = []
    try:
        for path, data in documents:
            handle, temp = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".part", dir=path.parent
            )
            done.append((temp, path))
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        for temp, path in done:
            os.replace(temp, path)
    finally:
        for temp, _path in done:
            if os.path.exists(temp):
                os.unlink(temp)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboard.report",
        description="Write the manager's report (A4, to print and forward) as HTML and/or PDF.",
        epilog="Exit codes: 0 written, 2 bad argument/configuration/output path, 4 database "
        "cannot be used.",
    )
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD (default: 30 days ago)")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--out",
        help="the file to write, ending in .html or .pdf "
        "(default: jejaring_laporan_FROM-TO.html in the current folder)",
    )
    parser.add_argument(
        "--pdf", action="store_true", help="also write the PDF beside the HTML file (same name)"
    )
    parser.add_argument("--lang", choices=list(i18n.LANGUAGES), default=i18n.DEFAULT_LANGUAGE)
    parser.add_argument(
        "--library", action="append", metavar="ID", help="only this library id (repeatable)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(secrets=load_file_secrets())  # environment, then secrets
        config = load_config(settings.config_path)
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    known = [lib.id for lib in config.libraries]
    unknown = [x for x in args.library or [] if x not in known]
    try:
        if unknown:
            raise UsageError(
                f"Unknown library {', '.join(repr(x) for x in unknown)}; the libraries in "
                f"{config.path} are: {', '.join(known)}."
            )
        period = period_of(args.start, args.end, dt.datetime.now(config.tz).date())
        targets = targets_of(args.out, args.pdf, period)
    except UsageError as exc:
        print(f"Report not written: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = build(settings.database_url, config, period, args.lang, args.library)
    except StoreError as exc:
        print(f"Database error: {exc}", file=sys.stderr)
        return EXIT_STORE
    except sa.exc.SQLAlchemyError as exc:
        print(f"Database error: {_database_sentence(exc, settings.database_url)}", file=sys.stderr)
        return EXIT_STORE
    documents = [
        (t.path, render_html(report).encode("utf-8") if t.kind == "html" else render_pdf(report))
        for t in targets
    ]
    try:
        write_all(documents)
    except OSError as exc:
        print(f"Report not written: {exc.filename or targets[0].path}: {exc.strerror or exc}.",
              file=sys.stderr)  # fmt: skip
        return EXIT_USAGE
    if report.empty:
        print(
            f"No data for {period.start} – {period.end}: no account was captured and no post "
            "was published in this period; the report says so.",
            file=sys.stderr,
        )
    for path, data in documents:
        print(f"Report written to {path} ({max(1, len(data) // 1024)} KiB).")
    return EXIT_OK

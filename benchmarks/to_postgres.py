"""Copy a Jejaring SQLite store into PostgreSQL, to measure the same pages on the same data.

    .venv/bin/python -m benchmarks.to_postgres postgresql+psycopg://USER:PASS@127.0.0.1/jejaring_bench

The target database is emptied first (its public schema dropped and made again): give it a
database of its own. The schema comes from the store's own migrations; rows are sent with
COPY. Not a test, not for production data moves.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

import sqlalchemy as sa

from collectors.store import Store, metadata

ROOT = Path(__file__).resolve().parent.parent
SKIP = {"schema_version"}  # written by the migrations themselves
CHUNK = 20_000


def copy(sqlite_path: Path, url: str) -> dict[str, int]:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    Store(url).dispose()  # the schema, by the migrations
    source = sqlite3.connect(sqlite_path)
    engine = sa.create_engine(url)
    copied: dict[str, int] = {}
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            cur.execute("SET TIME ZONE 'UTC'")  # stored times are UTC text on SQLite
            for table in metadata.sorted_tables:
                if table.name in SKIP:
                    continue
                names = [c.name for c in table.columns]
                quoted = ", ".join(f'"{n}"' for n in names)
                rows = source.execute(f"SELECT {quoted} FROM {table.name}")  # noqa: S608
                n = 0
                with cur.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as out:
                    while batch := rows.fetchmany(CHUNK):
                        for row in batch:
                            out.write_row(row)
                        n += len(batch)
                copied[table.name] = n
            for table, column in (("accounts", "id"), ("runs", "run_id"), ("services", "id"),
                                  ("imports", "id")):  # fmt: skip
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "  # noqa: S608
                    f"coalesce(max({column}), 0) + 1, false) FROM {table}"
                )
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    source.close()
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url", help="PostgreSQL URL of a database that may be emptied")
    parser.add_argument(
        "--sqlite", default=str(ROOT / "data" / "benchmark" / "full" / "consortium.db")
    )
    args = parser.parse_args()
    started = time.perf_counter()
    copied = copy(Path(args.sqlite), args.url)
    took = time.perf_counter() - started
    print(", ".join(f"{k} {v:,}" for k, v in copied.items() if v), f"({took:.0f} s)")


if __name__ == "__main__":
    main()

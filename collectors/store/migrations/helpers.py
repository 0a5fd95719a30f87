"""Shared pieces of the migration scripts (kept here so each script stays frozen)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

_schema_version = sa.table(
    "schema_version",
    sa.column("version", sa.Integer),
    sa.column("applied_at", sa.DateTime(timezone=True)),
)


def record_version(number: int) -> None:
    """Write the migration's number to ``schema_version``: a Jejaring from before Alembic
    reads it and refuses a store newer than itself."""
    now = dt.datetime.now(dt.UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC text, like UTCDateTime does
    op.bulk_insert(_schema_version, [{"version": number, "applied_at": now}])

"""The store's tables: the one definition of Jejaring's schema (SQLAlchemy Core).

Migrations in ``migrations/versions`` bring any older store to these tables; a test checks
that the two agree. Nothing here reads or writes data.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

UTC = dt.UTC

#: The Alembic revision these tables correspond to, and its number. Every migration also
#: writes its number to ``schema_version``, so that a Jejaring from before Alembic refuses
#: a store it does not understand instead of writing into it.
HEAD = "0004"
SCHEMA_VERSION = int(HEAD)


class UTCDateTime(sa.types.TypeDecorator):
    """Timestamps that must be time-zone aware; stored as UTC, read back as aware UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Jejaring stores only aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("library_id", sa.String(40), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("handle", sa.String(100), nullable=False),
    sa.Column("external_id", sa.String(100)),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    # When a collector last walked every post of the account (YouTube: the whole playlist).
    sa.Column("last_full_walk_at", UTCDateTime),
    sa.UniqueConstraint("platform", "handle", name="uq_accounts_platform_handle"),
)

account_daily = sa.Table(
    "account_daily",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("followers", sa.BigInteger),
    sa.Column("following", sa.BigInteger),
    sa.Column("media_count", sa.BigInteger),
    sa.Column("total_views", sa.BigInteger),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    # The store's fingerprint asks for the newest capture on every page run.
    sa.Index("ix_account_daily_captured", "captured_at"),
)

posts = sa.Table(
    "posts",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("title", sa.Text),
    sa.Column("caption", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("thumbnail_url", sa.Text),
    sa.Column("duration_s", sa.Float),
    # Lists are JSON text so the schema is the same on SQLite and PostgreSQL.
    sa.Column("hashtags", sa.Text, nullable=False, default="[]"),
    sa.Column("mentions", sa.Text, nullable=False, default="[]"),
    sa.Column("tagged", sa.Text, nullable=False, default="[]"),
    sa.Column("coauthors", sa.Text, nullable=False, default="[]"),
    sa.Column("is_pinned", sa.Boolean, nullable=False, default=False),
    sa.Column("likes", sa.BigInteger),
    sa.Column("comments", sa.BigInteger),
    sa.Column("views", sa.BigInteger),
    sa.Column("plays", sa.BigInteger),
    sa.Column("metrics_at", UTCDateTime, nullable=False),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("gone_at", UTCDateTime),
    # How ``kind`` was decided: platform (the platform says), playlist (YouTube's Shorts
    # playlist), duration (the duration rule), import (an export file); NULL before 0002.
    sa.Column("kind_source", sa.String(16)),
    sa.Index("ix_posts_account_published", "account_id", "published_at"),
    sa.Index("ix_posts_published", "published_at"),
    sa.Index("ix_posts_metrics_at", "metrics_at"),  # the store's fingerprint: its newest
)

post_daily = sa.Table(
    "post_daily",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("likes", sa.BigInteger),
    sa.Column("comments", sa.BigInteger),
    sa.Column("views", sa.BigInteger),
    sa.Column("plays", sa.BigInteger),
    sa.Column("captured_at", UTCDateTime, nullable=False),
)

#: Ages (days after publication) at which the breakout rule compares posts.
AGES = (2, 7)

# Per post and age: its first capture made age × 24 to (age + 1) × 24 hours after
# publication (kept as captures are written; filled from post_daily by migration 0003).
# Insights read these two rows a post instead of its daily history.
post_ages = sa.Table(
    "post_ages",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("age", sa.Integer, primary_key=True),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("likes", sa.BigInteger),
    sa.Column("comments", sa.BigInteger),
    sa.ForeignKeyConstraint(
        ["platform", "post_id"],
        ["posts.platform", "posts.post_id"],
        name="fk_post_ages_post",
    ),
)

# The content category the configuration's rules give a post (``dashboard.insights``),
# kept as the dashboard first works it out: for the rules of ``rules`` (a digest of the
# [categories] settings) and the post as captured at ``metrics_at`` (a newer capture, which
# may carry an edited caption, makes it stale). Derived data: deleting it loses nothing.
post_rule_categories = sa.Table(
    "post_rule_categories",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("rules", sa.String(32), nullable=False),
    sa.Column("metrics_at", UTCDateTime, nullable=False),
    sa.Column("category", sa.String(32)),  # NULL: no rule matched (uncategorised)
    sa.Column("source", sa.String(16)),  # rules, url
    sa.Column("matched", sa.Text, nullable=False, default=""),
    sa.ForeignKeyConstraint(
        ["platform", "post_id"],
        ["posts.platform", "posts.post_id"],
        name="fk_post_rule_categories_post",
    ),
)

# Every post's breakout verdict at each compared age (``dashboard.insights.judge``), kept as
# worked out for one state of the store (``derived`` says which): pages read the flagged
# posts of a period instead of judging every post. Derived data: deleting it loses nothing.
post_verdicts = sa.Table(
    "post_verdicts",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("age", sa.Integer, primary_key=True),
    sa.Column("account_id", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("published_at", UTCDateTime, nullable=False),
    sa.Column("captured_at", UTCDateTime),
    sa.Column("engagements", sa.Float),
    sa.Column("er", sa.Float),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("baseline_posts", sa.Integer, nullable=False),
    sa.Column("median", sa.Float),
    sa.Column("mad", sa.Float),
    sa.Column("spread", sa.String(8)),
    sa.Column("z", sa.Float),
    sa.Column("ratio", sa.Float),
    sa.Column("verdict", sa.String(16), nullable=False),
    sa.Index("ix_post_verdicts_account_published", "account_id", "published_at"),
)

# Which state of the store each kind of derived data was worked out for (``basis``: e.g.
# the store's fingerprint and the rule's version); stale when the store has changed since.
derived = sa.Table(
    "derived",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("basis", sa.Text, nullable=False),
    sa.Column("made_at", UTCDateTime, nullable=False),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("command", sa.Text, nullable=False, default=""),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("status", sa.String(16), nullable=False, default="running"),
    sa.Column("error", sa.Text),  # in English (CLI, logs)
    # The error as a key of collectors.messages and its parameters (JSON), so that pages
    # show it in the reader's language; NULL for errors written before 0002.
    sa.Column("error_key", sa.String(64)),
    sa.Column("error_params", sa.Text),
)

run_items = sa.Table(
    "run_items",
    metadata,
    sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("error", sa.Text),
    sa.Column("new_posts", sa.Integer, nullable=False, default=0),
    sa.Column("updated_posts", sa.Integer, nullable=False, default=0),
    sa.Column("api_units", sa.Integer, nullable=False, default=0),
    sa.Column("requests", sa.Integer, nullable=False, default=0),
    # How the account was collected in this run (see collectors.records.PATHS); NULL before 0002.
    sa.Column("path", sa.String(32)),
    sa.Column("error_key", sa.String(64)),  # as in runs
    sa.Column("error_params", sa.Text),
)

# -- owner-level metrics (official APIs, export files), long form -------------------------
# One row per number, with its source (collectors.catalog.SOURCES) and where it came from
# (``origin``: API and version, or the file and its import). Long form survives platform
# renames without schema changes. A NULL value means "asked, and the platform had none";
# it is never 0.

account_metrics = sa.Table(
    "account_metrics",
    metadata,
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),  # the local day the value describes
    sa.Column("metric", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(16), primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("origin", sa.Text),
)

post_metrics = sa.Table(
    "post_metrics",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("metric", sa.String(64), primary_key=True),
    sa.Column("source", sa.String(16), primary_key=True),
    # The local day the value describes: the capture's day for lifetime totals, the day
    # itself for daily series.
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("origin", sa.Text),
    sa.ForeignKeyConstraint(
        ["platform", "post_id"],
        ["posts.platform", "posts.post_id"],
        name="fk_post_metrics_post",
    ),
)

# Non-secret facts about a library's official-API connection. The token itself lives in
# the environment, Streamlit secrets or a token file; never here.
connections = sa.Table(
    "connections",
    metadata,
    sa.Column("library_id", sa.String(40), primary_key=True),
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("kind", sa.String(32), nullable=False),  # instagram_graph, youtube_analytics
    sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id")),
    sa.Column("external_id", sa.String(100)),
    sa.Column("token_source", sa.String(16)),  # env, secrets, file: where it was found
    sa.Column("connected_since", UTCDateTime),
    sa.Column("expires_at", UTCDateTime),  # NULL: does not expire
    sa.Column("scopes", sa.Text, nullable=False, default="[]"),  # JSON list
    sa.Column("status", sa.String(16), nullable=False),  # ok, expiring, expired, revoked, error
    sa.Column("checked_at", UTCDateTime, nullable=False),
    sa.Column("detail", sa.Text),
)

# -- services without an API (WhatsApp "Ask Librarian"): aggregates only -----------------
# Never message text, phone numbers or names: counts and timings.

services = sa.Table(
    "services",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("library_id", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # whatsapp
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("library_id", "kind", "name", name="uq_services_library_kind_name"),
)

service_daily = sa.Table(
    "service_daily",
    metadata,
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("source", sa.String(16), primary_key=True),  # file_import, manual
    sa.Column("questions", sa.Integer),
    sa.Column("answered", sa.Integer),
    sa.Column("median_first_reply_s", sa.Float),
    sa.Column("p90_first_reply_s", sa.Float),
    sa.Column("within_1h", sa.Integer),  # questions answered within one hour
    sa.Column("within_hours", sa.Integer),  # asked in service hours, answered in them
    sa.Column("askers", sa.Integer),  # distinct patrons who asked that day
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("origin", sa.Text),
)

service_questions = sa.Table(
    "service_questions",
    metadata,
    sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id"), primary_key=True),
    sa.Column("asked_at", UTCDateTime, primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),  # several questions in the same minute
    sa.Column("first_reply_s", sa.Float),  # NULL: not answered
    sa.Column("in_service_hours", sa.Boolean, nullable=False),
    sa.Column("captured_at", UTCDateTime, nullable=False),
    sa.Column("origin", sa.Text),
)

# Files imported (platform exports, chat exports): provenance, and idempotency by content.
imports = sa.Table(
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("library_id", sa.String(40), nullable=False),
    sa.Column("file_name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("imported_at", UTCDateTime, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False, default=0),
    sa.Column("detail", sa.Text),
    sa.UniqueConstraint("kind", "library_id", "sha256", name="uq_imports_file"),
)

# Content categories set by staff for one post (they win over the config's rules and
# survive refreshes: collectors never write this table).
post_categories = sa.Table(
    "post_categories",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("post_id", sa.String(100), primary_key=True),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("set_by", sa.Text),
    sa.Column("set_at", UTCDateTime, nullable=False),
    sa.ForeignKeyConstraint(
        ["platform", "post_id"],
        ["posts.platform", "posts.post_id"],
        name="fk_post_categories_post",
    ),
)

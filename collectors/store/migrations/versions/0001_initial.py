"""The schema of Jejaring before Alembic (version 1): accounts, daily rows, posts, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

A store created before Alembic already has these tables and ``schema_version`` 1; it is
stamped with this revision instead of running it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from collectors.store.migrations.helpers import record_version

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "schema_version",
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("applied_at", TIME, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("library_id", sa.String(40), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("handle", sa.String(100), nullable=False),
        sa.Column("external_id", sa.String(100)),
        sa.Column("title", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("is_demo", sa.Boolean, nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("last_full_walk_at", TIME),
        sa.UniqueConstraint("platform", "handle", name="uq_accounts_platform_handle"),
    )
    op.create_table(
        "account_daily",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("followers", sa.BigInteger),
        sa.Column("following", sa.BigInteger),
        sa.Column("media_count", sa.BigInteger),
        sa.Column("total_views", sa.BigInteger),
        sa.Column("captured_at", TIME, nullable=False),
    )
    op.create_table(
        "posts",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("published_at", TIME, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("caption", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("thumbnail_url", sa.Text),
        sa.Column("duration_s", sa.Float),
        sa.Column("hashtags", sa.Text, nullable=False),
        sa.Column("mentions", sa.Text, nullable=False),
        sa.Column("tagged", sa.Text, nullable=False),
        sa.Column("coauthors", sa.Text, nullable=False),
        sa.Column("is_pinned", sa.Boolean, nullable=False),
        sa.Column("likes", sa.BigInteger),
        sa.Column("comments", sa.BigInteger),
        sa.Column("views", sa.BigInteger),
        sa.Column("plays", sa.BigInteger),
        sa.Column("metrics_at", TIME, nullable=False),
        sa.Column("first_seen_at", TIME, nullable=False),
        sa.Column("gone_at", TIME),
    )
    op.create_index("ix_posts_account_published", "posts", ["account_id", "published_at"])
    op.create_index("ix_posts_published", "posts", ["published_at"])
    op.create_table(
        "post_daily",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("likes", sa.BigInteger),
        sa.Column("comments", sa.BigInteger),
        sa.Column("views", sa.BigInteger),
        sa.Column("plays", sa.BigInteger),
        sa.Column("captured_at", TIME, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
    )
    op.create_table(
        "run_items",
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.run_id"), primary_key=True),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("started_at", TIME, nullable=False),
        sa.Column("finished_at", TIME),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("new_posts", sa.Integer, nullable=False),
        sa.Column("updated_posts", sa.Integer, nullable=False),
        sa.Column("api_units", sa.Integer, nullable=False),
        sa.Column("requests", sa.Integer, nullable=False),
    )
    record_version(1)


def downgrade() -> None:
    raise NotImplementedError("Jejaring migrates forward only; restore a backup to go back")

"""Each post's first capture at the ages the breakout rule compares (day 2 and day 7),
kept by the store as it writes, so that insights read two rows a post instead of its
whole daily history; indexes on account_daily.captured_at and posts.metrics_at, so that
the store's fingerprint (asked on every page run) needs no scan.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from collectors.store.migrations.helpers import record_version

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)
AGES = (2, 7)  # frozen here: the ages of this revision (collectors.store.schema.AGES)


def upgrade() -> None:
    op.create_table(
        "post_ages",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("age", sa.Integer, primary_key=True),
        sa.Column("captured_at", TIME, nullable=False),
        sa.Column("likes", sa.BigInteger),
        sa.Column("comments", sa.BigInteger),
        sa.ForeignKeyConstraint(
            ["platform", "post_id"],
            ["posts.platform", "posts.post_id"],
            name="fk_post_ages_post",
        ),
    )
    # Fill it from the daily history already stored: per post and age, the first capture
    # made age × 24 to (age + 1) × 24 hours after publication.
    if op.get_bind().dialect.name == "sqlite":
        hours = "(julianday(d.captured_at) - julianday(p.published_at)) * 24"
    else:
        hours = "extract(epoch FROM d.captured_at - p.published_at) / 3600"
    for age in AGES:
        op.execute(
            f"""
            INSERT INTO post_ages (platform, post_id, age, captured_at, likes, comments)
            SELECT platform, post_id, {age}, captured_at, likes, comments FROM (
                SELECT d.platform, d.post_id, d.captured_at, d.likes, d.comments,
                       row_number() OVER (PARTITION BY d.platform, d.post_id
                                          ORDER BY d.captured_at) AS n
                FROM post_daily d
                JOIN posts p ON p.platform = d.platform AND p.post_id = d.post_id
                WHERE {hours} >= {24 * age} AND {hours} < {24 * (age + 1)}
            ) AS firsts
            WHERE n = 1
            """  # noqa: S608 (no user input: numbers of this file)
        )
    op.create_index("ix_account_daily_captured", "account_daily", ["captured_at"])
    op.create_index("ix_posts_metrics_at", "posts", ["metrics_at"])
    record_version(3)


def downgrade() -> None:
    op.drop_index("ix_posts_metrics_at", "posts")
    op.drop_index("ix_account_daily_captured", "account_daily")
    op.drop_table("post_ages")

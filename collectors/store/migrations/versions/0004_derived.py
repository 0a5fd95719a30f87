"""Derived data the dashboard keeps so that a page reads it instead of working it out from
every post: the content category the configuration's rules give each post
(post_rule_categories), the breakout verdict of every post at each compared age
(post_verdicts), and which state of the store the verdicts belong to (derived).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from collectors.store.migrations.helpers import record_version

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "post_rule_categories",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("rules", sa.String(32), nullable=False),
        sa.Column("metrics_at", TIME, nullable=False),
        sa.Column("category", sa.String(32)),
        sa.Column("source", sa.String(16)),
        sa.Column("matched", sa.Text, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform", "post_id"],
            ["posts.platform", "posts.post_id"],
            name="fk_post_rule_categories_post",
        ),
    )
    op.create_table(
        "post_verdicts",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("age", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("published_at", TIME, nullable=False),
        sa.Column("captured_at", TIME),
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
    op.create_table(
        "derived",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("made_at", TIME, nullable=False),
    )
    record_version(4)


def downgrade() -> None:
    op.drop_table("derived")
    op.drop_table("post_verdicts")
    op.drop_table("post_rule_categories")

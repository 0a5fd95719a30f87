"""The content category the configuration's rules give each post, kept once the dashboard
has worked it out (post_rule_categories: derived data, made again when stale).

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
    record_version(4)


def downgrade() -> None:
    op.drop_table("post_rule_categories")

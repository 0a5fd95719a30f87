"""Owner-level metrics in long form, official-API connections, services without an API,
imported files, staff categories; how a post's kind and a run item's data were obtained;
errors of runs as message keys (shown in the reader's language).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from collectors.store.migrations.helpers import record_version

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("kind_source", sa.String(16)))
    with op.batch_alter_table("run_items") as batch:
        batch.add_column(sa.Column("path", sa.String(32)))
        batch.add_column(sa.Column("error_key", sa.String(64)))
        batch.add_column(sa.Column("error_params", sa.Text))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("error_key", sa.String(64)))
        batch.add_column(sa.Column("error_params", sa.Text))
    op.create_table(
        "account_metrics",
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("metric", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("value", sa.Float),
        sa.Column("captured_at", TIME, nullable=False),
        sa.Column("origin", sa.Text),
    )
    op.create_table(
        "post_metrics",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("metric", sa.String(64), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("value", sa.Float),
        sa.Column("captured_at", TIME, nullable=False),
        sa.Column("origin", sa.Text),
        sa.ForeignKeyConstraint(
            ["platform", "post_id"],
            ["posts.platform", "posts.post_id"],
            name="fk_post_metrics_post",
        ),
    )
    op.create_table(
        "connections",
        sa.Column("library_id", sa.String(40), primary_key=True),
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("accounts.id")),
        sa.Column("external_id", sa.String(100)),
        sa.Column("token_source", sa.String(16)),
        sa.Column("connected_since", TIME),
        sa.Column("expires_at", TIME),
        sa.Column("scopes", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("checked_at", TIME, nullable=False),
        sa.Column("detail", sa.Text),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("library_id", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", TIME, nullable=False),
        sa.UniqueConstraint("library_id", "kind", "name", name="uq_services_library_kind_name"),
    )
    op.create_table(
        "service_daily",
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("questions", sa.Integer),
        sa.Column("answered", sa.Integer),
        sa.Column("median_first_reply_s", sa.Float),
        sa.Column("p90_first_reply_s", sa.Float),
        sa.Column("within_1h", sa.Integer),
        sa.Column("within_hours", sa.Integer),
        sa.Column("askers", sa.Integer),
        sa.Column("captured_at", TIME, nullable=False),
        sa.Column("origin", sa.Text),
    )
    op.create_table(
        "service_questions",
        sa.Column("service_id", sa.Integer, sa.ForeignKey("services.id"), primary_key=True),
        sa.Column("asked_at", TIME, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("first_reply_s", sa.Float),
        sa.Column("in_service_hours", sa.Boolean, nullable=False),
        sa.Column("captured_at", TIME, nullable=False),
        sa.Column("origin", sa.Text),
    )
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("library_id", sa.String(40), nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", TIME, nullable=False),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("detail", sa.Text),
        sa.UniqueConstraint("kind", "library_id", "sha256", name="uq_imports_file"),
    )
    op.create_table(
        "post_categories",
        sa.Column("platform", sa.String(16), primary_key=True),
        sa.Column("post_id", sa.String(100), primary_key=True),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("set_by", sa.Text),
        sa.Column("set_at", TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["platform", "post_id"],
            ["posts.platform", "posts.post_id"],
            name="fk_post_categories_post",
        ),
    )
    record_version(2)


def downgrade() -> None:
    raise NotImplementedError("Jejaring migrates forward only; restore a backup to go back")

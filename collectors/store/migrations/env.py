"""Alembic's entry point for Jejaring: migrations run on the connection the store passes
in ``config.attributes["connection"]``, inside the transaction the store opened."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    # SQLite alters tables by copying them ("batch" mode); PostgreSQL alters in place.
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

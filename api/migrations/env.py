"""Alembic environment: runs on the connection :func:`api.db.migrate` passes in."""

from alembic import context
from sqlalchemy import Connection

from api.models import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


_run(context.config.attributes["connection"])

"""user language: each person's pages and alerts in the language they chose (D121)

Everyone already here keeps English, the language they have been reading.

Revision ID: 0005_user_language
Revises: 0004_organisations
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_user_language"
down_revision = "0004_organisations"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), nullable=False, server_default="en")
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")

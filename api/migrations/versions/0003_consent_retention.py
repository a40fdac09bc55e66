"""consent records: streams withheld, roles, validity, evidence, history

Revision ID: 0003_consent_retention
Revises: 0002_onboarding
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_consent_retention"
down_revision = "0002_onboarding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withheld", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("roles", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("valid_from", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("supersedes", sa.Integer(), nullable=True))
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index("ix_alerts_resolved_at", ["resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_alerts_resolved_at")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        for column in ("supersedes", "evidence", "valid_until", "valid_from", "roles", "withheld"):
            batch_op.drop_column(column)

"""alert tuning: carers' feedback makes a home's detectors stricter per alert kind (D122)

Revision ID: 0006_alert_tuning
Revises: 0005_user_language
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_alert_tuning"
down_revision = "0005_user_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_tuning",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("home_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("steps", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("home_id", "kind"),
    )
    with op.batch_alter_table("alert_tuning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_tuning_home_id"), ["home_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_tuning", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_tuning_home_id"))
    op.drop_table("alert_tuning")

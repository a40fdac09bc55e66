"""alert phrases: an alert's explanation as the detector's phrases, for any language (D132)

Revision ID: 0007_alert_phrases
Revises: 0006_alert_tuning
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_alert_phrases"
down_revision = "0006_alert_tuning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phrases", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_column("phrases")

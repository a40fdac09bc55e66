"""onboarding: gateways and consent records

Revision ID: 0002_onboarding
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_onboarding"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gateways",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("home_id", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["home_id"], ["homes.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gateways", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateways_home_id"), ["home_id"], unique=False)
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.String(length=64), nullable=False),
        sa.Column("agreed_by", sa.String(length=200), nullable=False),
        sa.Column("basis", sa.String(length=32), nullable=False),
        sa.Column("monitoring", sa.Boolean(), nullable=False),
        sa.Column("shared", sa.JSON(), nullable=False),
        sa.Column("agreed_at", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_resident_id"), ["resident_id"], unique=False)


def downgrade() -> None:
    op.drop_table("consents")
    op.drop_table("gateways")

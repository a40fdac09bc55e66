"""organisations: every home, resident, person, team, alert and audit entry has one

An install made before organisations existed migrates into one organisation, ``default``
(decision D110), so its data and its admins keep working as they were.

Revision ID: 0004_organisations
Revises: 0003_consent_retention
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_organisations"
down_revision = "0003_consent_retention"
branch_labels = None
depends_on = None

DEFAULT = "default"
OWNED = ("users", "teams", "homes", "residents", "alerts", "audit")
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}  # 0001 left the team name's unnamed


def upgrade() -> None:
    # SQLite tables are rebuilt under their references: api.db.migrate turns its foreign
    # keys off for the run and checks every reference afterwards
    organisations = op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(organisations, [{"id": DEFAULT, "name": "Default organisation"}])
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.String(length=64), nullable=True))
            batch_op.create_index(f"ix_{table}_organisation_id", ["organisation_id"])
            batch_op.create_foreign_key(
                f"fk_{table}_organisation_id", "organisations", ["organisation_id"], ["id"]
            )
        rows = sa.table(table, sa.column("organisation_id"))
        op.execute(rows.update().values(organisation_id=DEFAULT))
    with op.batch_alter_table("teams", naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint("uq_teams_name", type_="unique")
        batch_op.create_unique_constraint("uq_teams_organisation_id", ["organisation_id", "name"])


def downgrade() -> None:
    with op.batch_alter_table("teams", naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint("uq_teams_organisation_id", type_="unique")
        batch_op.create_unique_constraint("uq_teams_name", ["name"])
    for table in OWNED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_organisation_id", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_organisation_id")
            batch_op.drop_column("organisation_id")
    op.drop_table("organisations")

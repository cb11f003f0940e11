"""leads.sales_navigator_url: a Sales Navigator lead link, kept apart from the public profile URL

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 11:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.add_column(sa.Column('sales_navigator_url', sa.String(length=1000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('leads') as batch:
        batch.drop_column('sales_navigator_url')

"""guard_thresholds: the deliverability guard's thresholds, stored so the worker and every report use the same

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'guard_thresholds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bounce_rate', sa.Double(), nullable=True),
        sa.Column('complaint_rate', sa.Double(), nullable=True),
        sa.Column('policy_rate', sa.Double(), nullable=True),
        sa.Column('min_sends', sa.Integer(), nullable=True),
        sa.Column('window_sends', sa.Integer(), nullable=True),
        sa.Column('window_hours', sa.Double(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guard_thresholds')),
    )


def downgrade() -> None:
    op.drop_table('guard_thresholds')

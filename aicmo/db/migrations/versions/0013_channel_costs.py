"""channel costs: per message, per month (mailbox, LinkedIn seat), operator minutes per task and the hourly rate

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('channel_costs',
    sa.Column('channel', sa.Enum('email', 'linkedin', 'contact_form', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('per_message_cents', sa.BigInteger(), nullable=False),
    sa.Column('per_month_cents', sa.BigInteger(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('task_minutes', sa.Float(), nullable=False),
    sa.Column('hourly_rate_cents', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', name=op.f('pk_channel_costs'))
    )


def downgrade() -> None:
    op.drop_table('channel_costs')

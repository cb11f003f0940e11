"""experiments and campaign_history: A/B tests on campaign steps, and what was decided about a campaign and why

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'experiments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('goal', sa.String(length=20), nullable=False),
        sa.Column('variants', JSON, nullable=False),
        sa.Column('auto_winner', sa.String(length=10), nullable=False),
        sa.Column('allocation', sa.String(length=10), nullable=False),
        sa.Column('rule', JSON, nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('winner', sa.String(length=50), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('state', JSON, nullable=False),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_experiments_campaign_id_campaigns'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experiments')),
        sa.UniqueConstraint('campaign_id', 'step', name='uq_experiments_campaign_id_step'),
    )
    with op.batch_alter_table('experiments') as batch:
        batch.create_index(batch.f('ix_experiments_campaign_id'), ['campaign_id'], unique=False)
    op.create_table(
        'campaign_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('kind', sa.String(length=60), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('data', JSON, nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_campaign_history_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_history')),
    )
    with op.batch_alter_table('campaign_history') as batch:
        batch.create_index('ix_campaign_history_campaign_at', ['campaign_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('campaign_history')
    op.drop_table('experiments')

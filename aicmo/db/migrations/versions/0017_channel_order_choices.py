"""channel order choices: the channel order each lead got in a campaign that learns it, and the evidence behind it

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'channel_order_choices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('segment', sa.String(length=200), nullable=False),
        sa.Column('channel_order', JSON, nullable=False),
        sa.Column('evidence', JSON, nullable=False),
        sa.Column('chosen_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'],
                                name=op.f('fk_channel_order_choices_campaign_id_campaigns'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_channel_order_choices_lead_id_leads'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_order_choices')),
        sa.UniqueConstraint('campaign_id', 'lead_id', name=op.f('uq_channel_order_choices_campaign_id_lead_id')),
    )
    with op.batch_alter_table('channel_order_choices') as batch:
        batch.create_index('ix_channel_order_choices_campaign_segment', ['campaign_id', 'segment'], unique=False)
        batch.create_index(batch.f('ix_channel_order_choices_lead_id'), ['lead_id'], unique=False)


def downgrade() -> None:
    op.drop_table('channel_order_choices')

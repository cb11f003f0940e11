"""outcomes (meetings, deals) per lead; a reply's intent; the channel of every delivery event

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 07:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('positive_reply', 'meeting', 'opportunity', 'won', 'lost', name='outcomekind',
                              native_enum=False, length=32), nullable=False),
    sa.Column('value_cents', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.Column('message_id', sa.String(length=36), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_outcomes_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcomes')),
    sa.UniqueConstraint('source', 'external_id', name='uq_outcomes_source_external_id')
    )
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcomes_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index('ix_outcomes_kind_occurred', ['kind', 'occurred_at'], unique=False)
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent', sa.Enum('positive', 'neutral', 'negative', 'wrong_person', 'auto_reply', 'unsubscribe', name='replyintent', native_enum=False, length=32), nullable=True))
        batch_op.add_column(sa.Column('intent_corrected', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.Enum('email', 'linkedin', 'contact_form', name='channel', native_enum=False, length=32), nullable=True))
    with op.batch_alter_table('outreach_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_outreach_attempts_campaign_started', ['campaign_id', 'started_at'], unique=False)
    # Events recorded with their attempt take its channel; the rest came in by mail or from an email provider.
    op.execute("UPDATE delivery_events SET channel = (SELECT a.channel FROM outreach_attempts a "
               "WHERE a.id = delivery_events.attempt_id) WHERE attempt_id IS NOT NULL")
    op.execute("UPDATE delivery_events SET channel = 'email' WHERE channel IS NULL AND kind <> 'unsubscribe'")


def downgrade() -> None:
    with op.batch_alter_table('outreach_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_outreach_attempts_campaign_started')
    with op.batch_alter_table('delivery_events', schema=None) as batch_op:
        batch_op.drop_column('channel')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_column('intent_corrected')
        batch_op.drop_column('intent')
    with op.batch_alter_table('outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_outcomes_kind_occurred')
        batch_op.drop_index(batch_op.f('ix_outcomes_lead_id'))
    op.drop_table('outcomes')

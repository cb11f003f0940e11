"""one index for campaign, channel and status lookups and for campaign reports, in the order reports group by

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 21:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP_ORDER = ['campaign_id', 'channel', 'status', 'lead_grade', 'sequence_step', 'template_variant']


def upgrade() -> None:
    op.drop_index('ix_outreach_messages_campaign_report', table_name='outreach_messages')
    op.drop_index('ix_outreach_messages_campaign_channel_status', table_name='outreach_messages')
    op.create_index('ix_outreach_messages_campaign_channel_status', 'outreach_messages', _GROUP_ORDER, unique=False)


def downgrade() -> None:
    op.drop_index('ix_outreach_messages_campaign_channel_status', table_name='outreach_messages')
    op.create_index('ix_outreach_messages_campaign_channel_status', 'outreach_messages',
                    ['campaign_id', 'channel', 'status'], unique=False)
    op.create_index('ix_outreach_messages_campaign_report', 'outreach_messages', ['campaign_id'], unique=False,
                    postgresql_include=['channel', 'status', 'sequence_step', 'template_variant', 'lead_grade'])

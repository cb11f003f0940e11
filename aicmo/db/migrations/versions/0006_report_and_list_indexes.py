"""the lead's grade on each message; indexes for campaign reports and lead lists

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 18:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outreach_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_grade', sa.String(length=2), nullable=True))
    # Messages written before this revision take their lead's grade of today.
    op.execute("UPDATE outreach_messages SET lead_grade = "
               "(SELECT grade FROM leads WHERE leads.id = outreach_messages.lead_id)")
    op.create_index('ix_outreach_messages_campaign_report', 'outreach_messages', ['campaign_id'], unique=False,
                    postgresql_include=['channel', 'status', 'sequence_step', 'template_variant', 'lead_grade'])
    op.drop_index('ix_leads_grade_score', table_name='leads')
    op.create_index('ix_leads_grade_score', 'leads', ['grade', sa.text('score DESC'), 'id'], unique=False)
    op.create_index('ix_leads_score', 'leads', [sa.text('score DESC'), 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_leads_score', table_name='leads')
    op.drop_index('ix_leads_grade_score', table_name='leads')
    op.create_index('ix_leads_grade_score', 'leads', ['grade', 'score'], unique=False)
    op.drop_index('ix_outreach_messages_campaign_report', table_name='outreach_messages')
    with op.batch_alter_table('outreach_messages', schema=None) as batch_op:
        batch_op.drop_column('lead_grade')

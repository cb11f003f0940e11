"""contact forms left to the operator (CAPTCHA, JavaScript only) as tasks

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('contact_form_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('form_url', sa.String(length=1000), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'failed', 'cancelled', name='contactformtaskstatus',
                                native_enum=False, length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_contact_form_tasks_campaign_id_campaigns'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_contact_form_tasks_lead_id_leads'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_form_tasks')),
    sa.UniqueConstraint('message_id', name=op.f('uq_contact_form_tasks_message_id'))
    )
    with op.batch_alter_table('contact_form_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_form_tasks_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_form_tasks_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('contact_form_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_form_tasks_status'))
        batch_op.drop_index(batch_op.f('ix_contact_form_tasks_lead_id'))
    op.drop_table('contact_form_tasks')

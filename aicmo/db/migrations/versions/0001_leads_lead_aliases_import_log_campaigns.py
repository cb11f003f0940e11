"""leads, lead aliases, import log, campaigns

Revision ID: 0001
Revises:
Create Date: 2026-11-25 09:04:02.060628
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns')),
    sa.UniqueConstraint('name', name=op.f('uq_campaigns_name'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_status'), ['status'], unique=False)

    op.create_table('lead_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=1000), nullable=False),
    sa.Column('file_format', sa.String(length=10), nullable=False),
    sa.Column('encoding', sa.String(length=40), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('merged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('rejects_path', sa.String(length=1000), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lead_imports'))
    )
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=True),
    sa.Column('last_name', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('email_status', sa.Enum('unknown', 'valid_syntax', 'valid_mx', 'no_mx', 'invalid', name='emailstatus', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('seniority', sa.String(length=50), nullable=True),
    sa.Column('department', sa.String(length=100), nullable=True),
    sa.Column('company_name', sa.String(length=300), nullable=True),
    sa.Column('company_domain', sa.String(length=253), nullable=True),
    sa.Column('company_size', sa.Integer(), nullable=True),
    sa.Column('industry', sa.String(length=200), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('linkedin_url', sa.String(length=500), nullable=True),
    sa.Column('contact_form_url', sa.String(length=1000), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=100), nullable=True),
    sa.Column('time_zone', sa.String(length=64), nullable=True),
    sa.Column('source', sa.String(length=100), nullable=True),
    sa.Column('tags', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('custom_fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.Enum('new', 'contacted', 'replied', 'interested', 'meeting', 'won', 'lost', 'unsubscribed', 'do_not_contact', name='leadstatus', native_enum=False, length=32), nullable=False),
    sa.Column('grade', sa.String(length=1), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('grade_reasons', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('graded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_outreach_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('linkedin_status', sa.Enum('none', 'request_pending', 'connected', 'messaged', 'declined', name='linkedinstatus', native_enum=False, length=32), nullable=False),
    sa.Column('name_key', sa.String(length=500), nullable=True),
    sa.Column('graded_with', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leads')),
    sa.UniqueConstraint('email', name=op.f('uq_leads_email')),
    sa.UniqueConstraint('linkedin_url', name=op.f('uq_leads_linkedin_url')),
    sa.UniqueConstraint('name_key', name=op.f('uq_leads_name_key'))
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_company_domain'), ['company_domain'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_leads_grade_score', ['grade', 'score'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_status'), ['status'], unique=False)

    op.create_table('lead_aliases',
    sa.Column('kind', sa.Enum('email', 'linkedin', 'name', name='keykind', native_enum=False, length=32), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f('fk_lead_aliases_lead_id_leads'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('kind', 'value', name=op.f('pk_lead_aliases'))
    )
    with op.batch_alter_table('lead_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_aliases_lead_id'), ['lead_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('lead_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_aliases_lead_id'))

    op.drop_table('lead_aliases')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leads_status'))
        batch_op.drop_index('ix_leads_grade_score')
        batch_op.drop_index(batch_op.f('ix_leads_created_at'))
        batch_op.drop_index(batch_op.f('ix_leads_company_domain'))

    op.drop_table('leads')
    op.drop_table('lead_imports')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_status'))

    op.drop_table('campaigns')

"""a message may name the contact points it goes to (the seed's execute_sequence(msg, email, linkedin_id, form_url))

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('outreach_messages') as batch:
        batch.add_column(sa.Column('contact_override', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                                    nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outreach_messages') as batch:
        batch.drop_column('contact_override')

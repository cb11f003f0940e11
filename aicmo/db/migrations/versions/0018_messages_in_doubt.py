"""outreach_messages.in_doubt_at and retried_at: messages in doubt get their own status, retries their moment

Messages a stopped worker left "failed ... in doubt" become status in_doubt, for the operator to settle.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MESSAGES = sa.table('outreach_messages', sa.column('status', sa.String), sa.column('error_kind', sa.String),
                     sa.column('last_error', sa.Text), sa.column('failed_at', sa.DateTime(timezone=True)),
                     sa.column('in_doubt_at', sa.DateTime(timezone=True)))


def upgrade() -> None:
    with op.batch_alter_table('outreach_messages') as batch:
        batch.add_column(sa.Column('in_doubt_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('retried_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(_MESSAGES.update().where(_MESSAGES.c.status == 'failed', _MESSAGES.c.last_error.like('in doubt:%'))
               .values(status='in_doubt', error_kind='in_doubt', in_doubt_at=_MESSAGES.c.failed_at))


def downgrade() -> None:
    op.execute(_MESSAGES.update().where(_MESSAGES.c.status == 'in_doubt')
               .values(status='failed', error_kind='transient'))
    with op.batch_alter_table('outreach_messages') as batch:
        batch.drop_column('retried_at')
        batch.drop_column('in_doubt_at')

"""dashboard_sessions: dashboard logins kept on the server, so logging out ends every copy of the cookie

Cookies signed before this revision carry no session token: their holders log in again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 12:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'dashboard_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('api_key_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['api_key_id'], ['api_keys.id'], name=op.f('fk_dashboard_sessions_api_key_id_api_keys'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_dashboard_sessions_token_hash')),
    )
    with op.batch_alter_table('dashboard_sessions') as batch:
        batch.create_index(batch.f('ix_dashboard_sessions_api_key_id'), ['api_key_id'], unique=False)


def downgrade() -> None:
    op.drop_table('dashboard_sessions')

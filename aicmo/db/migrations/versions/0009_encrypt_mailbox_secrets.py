"""mailbox passwords and DKIM keys encrypted at rest, with the key of the AICMO_SECRET_KEY this runs with

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 22:00:00
"""
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import InvalidToken

from aicmo.db.migrate import MigrationFailed
from aicmo.db.secrets import is_sealed, open_secret, seal
from aicmo.settings import get_settings

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SECRETS = ('smtp_password', 'imap_password', 'dkim_private_key')
# A Fernet token is about 4/3 of the value plus 100 characters: a 500-character password needs more than 500.
_WIDENED = ('smtp_password', 'imap_password')
_mailboxes = sa.table('mailboxes', sa.column('id', sa.Integer()), sa.column('name', sa.String()),
                      *(sa.column(name, sa.Text()) for name in _SECRETS))


def _rewrite(change: Callable[[str, str, str], str | None]) -> None:
    """Store change(mailbox, column, value) for every secret it returns a new value for."""
    connection = op.get_bind()
    rows = connection.execute(sa.select(_mailboxes).order_by(_mailboxes.c.id)).mappings().all()
    for row in rows:
        values = {name: new for name in _SECRETS
                  if row[name] is not None and (new := change(row['name'], name, row[name])) is not None}
        if values:
            connection.execute(_mailboxes.update().where(_mailboxes.c.id == row['id']).values(values))


def _sealed(mailbox: str, column: str, value: str) -> str | None:
    return None if is_sealed(value) else seal(value, get_settings())


def _opened(mailbox: str, column: str, value: str) -> str | None:
    if not is_sealed(value):
        return None
    try:
        return open_secret(value, get_settings())
    except InvalidToken:
        raise MigrationFailed(f"mailbox {mailbox!r}: its {column} cannot be decrypted with AICMO_SECRET_KEY; "
                              "set AICMO_PREVIOUS_SECRET_KEY to the secret it was stored with") from None


def upgrade() -> None:
    with op.batch_alter_table('mailboxes') as batch_op:
        for name in _WIDENED:
            batch_op.alter_column(name, existing_type=sa.String(length=500), type_=sa.Text(), existing_nullable=True)
    _rewrite(_sealed)


def downgrade() -> None:
    _rewrite(_opened)
    with op.batch_alter_table('mailboxes') as batch_op:
        for name in _WIDENED:
            batch_op.alter_column(name, existing_type=sa.Text(), type_=sa.String(length=500), existing_nullable=True)

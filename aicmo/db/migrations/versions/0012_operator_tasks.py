"""one operator-task queue: LinkedIn tasks and contact-form tasks move into operator_tasks, told apart by kind

LinkedIn tasks keep their ids (an automation calls back with them). So do contact-form tasks, unless an id is taken in
both tables: then the forms are numbered after every id either table had, so that no id means two tasks and no old
form-task id names another form task, and the attempts and task.created webhook payloads that name them follow. The
downgrade moves every row back under the id it has.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 08:00:00
"""
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ('open', 'done', 'failed', 'cancelled')
COPIED = ('lead_id', 'campaign_id', 'message_id', 'status', 'detail', 'created_at', 'completed_at')
_attempts = sa.table('outreach_attempts', sa.column('id', sa.Integer()), sa.column('provider_message_id', sa.String()))
_deliveries = sa.table('webhook_deliveries', sa.column('id', sa.Integer()), sa.column('event', sa.String()),
                       sa.column('payload', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')))


def _status() -> sa.Enum:
    return sa.Enum(*STATUSES, name='taskstatus', native_enum=False, length=32)


def _common(table: str) -> list[Any]:
    """The columns, keys and foreign keys every task table has."""
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('lead_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f(f'fk_{table}_campaign_id_campaigns'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], name=op.f(f'fk_{table}_lead_id_leads'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def _index(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_lead_id'), ['lead_id'], unique=False)
        batch_op.create_index(batch_op.f(f'ix_{table}_status'), ['status'], unique=False)


def _continue_ids(table: str) -> None:
    """PostgreSQL hands out ids from a sequence that rows copied in with their ids did not move: move it past them."""
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                   f"FROM {table}")


def _create_operator_tasks() -> None:
    op.create_table('operator_tasks',
    *_common('operator_tasks'),
    sa.Column('kind', sa.Enum('linkedin', 'form', name='taskkind', native_enum=False, length=32), nullable=False),
    sa.Column('message_id', sa.String(length=36), nullable=True),
    sa.Column('status', _status(), nullable=False),
    sa.Column('action', sa.Enum('connection_request', 'message', name='linkedintaskkind', native_enum=False,
                                length=32), nullable=True),
    sa.Column('provider', sa.String(length=20), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.UniqueConstraint('kind', 'message_id', name=op.f('uq_operator_tasks_kind_message_id'))
    )
    _index('operator_tasks')


def _create_linkedin_tasks() -> None:
    op.create_table('linkedin_tasks',
    *_common('linkedin_tasks'),
    sa.Column('message_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.Enum('connection_request', 'message', name='linkedintaskkind', native_enum=False, length=32),
              nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('profile_url', sa.String(length=500), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='linkedintaskstatus', native_enum=False, length=32), nullable=False),
    sa.Column('external_id', sa.String(length=200), nullable=True),
    sa.UniqueConstraint('message_id', name=op.f('uq_linkedin_tasks_message_id'))
    )
    _index('linkedin_tasks')


def _create_contact_form_tasks() -> None:
    op.create_table('contact_form_tasks',
    *_common('contact_form_tasks'),
    sa.Column('message_id', sa.String(length=36), nullable=False),
    sa.Column('form_url', sa.String(length=1000), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='contactformtaskstatus', native_enum=False, length=32),
              nullable=False),
    sa.UniqueConstraint('message_id', name=op.f('uq_contact_form_tasks_message_id'))
    )
    _index('contact_form_tasks')


def _form_id_offset() -> int:
    """0 when no id is taken in both tables (every id is kept), else past the highest id of either."""
    connection = op.get_bind()
    shared = connection.execute(sa.text(
        "SELECT COUNT(*) FROM contact_form_tasks JOIN linkedin_tasks ON linkedin_tasks.id = contact_form_tasks.id"))
    if not shared.scalar():
        return 0
    highest = connection.execute(sa.text(
        "SELECT (SELECT MAX(id) FROM linkedin_tasks), (SELECT MAX(id) FROM contact_form_tasks)")).one()
    return int(max(highest[0], highest[1]))


def _renumber_form_references(offset: int) -> None:
    """Attempts record a form task as "form-task:<id>", and task.created payloads carry its id: follow the move."""
    connection = op.get_bind()
    named = connection.execute(sa.select(_attempts.c.id, _attempts.c.provider_message_id).where(
        _attempts.c.provider_message_id.like('form-task:%'))).all()
    for attempt_id, reference in named:
        number = reference.removeprefix('form-task:')
        if number.isdigit():
            connection.execute(_attempts.update().where(_attempts.c.id == attempt_id).values(
                provider_message_id=f'form-task:{int(number) + offset}'))
    announced = connection.execute(sa.select(_deliveries.c.id, _deliveries.c.payload).where(
        _deliveries.c.event == 'task.created')).all()
    for delivery_id, payload in announced:
        task = payload.get('task') if isinstance(payload, dict) else None
        if isinstance(task, dict) and task.get('kind') == 'contact_form' and isinstance(task.get('id'), int):
            moved = {**payload, 'task': {**task, 'id': task['id'] + offset}}
            connection.execute(_deliveries.update().where(_deliveries.c.id == delivery_id).values(payload=moved))


def upgrade() -> None:
    _create_operator_tasks()
    offset = _form_id_offset()
    common = ', '.join(COPIED)
    op.execute(f"INSERT INTO operator_tasks (id, kind, {common}, action, provider, url, body, external_id) "
               f"SELECT id, 'linkedin', {common}, kind, provider, profile_url, note, external_id FROM linkedin_tasks")
    op.execute(f"INSERT INTO operator_tasks (id, kind, {common}, url, reason, subject, body) "
               f"SELECT id + {offset}, 'form', {common}, form_url, reason, subject, body FROM contact_form_tasks")
    if offset:
        _renumber_form_references(offset)
    op.drop_table('contact_form_tasks')
    op.drop_table('linkedin_tasks')
    _continue_ids('operator_tasks')


def downgrade() -> None:
    _create_linkedin_tasks()
    _create_contact_form_tasks()
    common = ', '.join(COPIED)
    op.execute(f"INSERT INTO linkedin_tasks (id, {common}, kind, provider, profile_url, note, external_id) "
               f"SELECT id, {common}, action, provider, url, body, external_id FROM operator_tasks "
               f"WHERE kind = 'linkedin'")
    op.execute(f"INSERT INTO contact_form_tasks (id, {common}, form_url, reason, subject, body) "
               f"SELECT id, {common}, url, COALESCE(reason, ''), subject, body FROM operator_tasks WHERE kind = 'form'")
    op.drop_table('operator_tasks')
    _continue_ids('linkedin_tasks')
    _continue_ids('contact_form_tasks')

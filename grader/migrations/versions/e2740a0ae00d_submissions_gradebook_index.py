"""covering index for the gradebook and the assignment dashboards

Every (assignment, student) aggregate reads only the columns of this index: on
SQLite it replaces a table lookup per submission, on PostgreSQL it allows
index-only scans once VACUUM has marked the pages all-visible.

Revision ID: e2740a0ae00d
Revises: 3ed137ac0589
Create Date: 2026-11-27 05:45:00
"""
from alembic import op


revision = 'e2740a0ae00d'
down_revision = '3ed137ac0589'
branch_labels = None
depends_on = None

COLUMNS = ['assignment_id', 'user_id', 'id', 'status', 'created_at', 'score', 'override_score', 'max_score']


def upgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.create_index('ix_submissions_gradebook', COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submissions', schema=None) as batch_op:
        batch_op.drop_index('ix_submissions_gradebook')

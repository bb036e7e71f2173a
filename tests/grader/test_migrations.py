from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from grader.db import db


def test_migrations_match_the_models(app):
    """The migrated database (SQLite or PostgreSQL) has exactly the models' schema."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, db.metadata) == []

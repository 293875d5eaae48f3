"""Alembic revisions of the cases schema, oldest first."""

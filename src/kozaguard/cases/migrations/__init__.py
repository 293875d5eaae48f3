"""Alembic migrations of the cases database."""

"""Pytest collection for the api package: alembic's env.py only runs inside alembic."""

collect_ignore = ["migrations/env.py"]

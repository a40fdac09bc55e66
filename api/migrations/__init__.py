"""Alembic migrations of the API database (run by ``carewatch api migrate`` and at start-up)."""

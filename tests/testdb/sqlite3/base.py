"""SQLite whose flush between transactional tests keeps content types and permissions."""

from __future__ import annotations

from django.db.backends.sqlite3 import base, operations

from tests.testdb import KeepsStaticRows


class DatabaseOperations(KeepsStaticRows, operations.DatabaseOperations):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

"""PostgreSQL that empties tables with DELETE instead of TRUNCATE between transactional tests.

Django's foreign keys are DEFERRABLE INITIALLY DEFERRED and the flush runs in one
transaction, so the order of the DELETEs does not matter. When a test asks for sequences to
be reset, Django's TRUNCATE ... RESTART IDENTITY does it."""

from __future__ import annotations

from django.db.backends.postgresql import base, operations

from tests.testdb import KEPT_TABLES, KeepsStaticRows


class DatabaseOperations(KeepsStaticRows, operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        delete = style.SQL_KEYWORD("DELETE FROM")
        return [
            f"{delete} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in KEPT_TABLES
        ]


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

"""The test suite's database: Django's SQLite and PostgreSQL backends, emptied quickly
between transactional tests.

Browser tests and others that need real commits (`transaction=True`, `live_server`) have
Django empty every table after they run, and then send `post_migrate`, whose receivers
write back the content types and permissions the flush removed: about 120 queries, and on
PostgreSQL one TRUNCATE of ~150 tables that replaces each table's files. That cost seconds
per test. Here the flush keeps those two tables (rows every test needs and no test changes),
so the `flush` command of this app skips the signal that would only find them present, and
PostgreSQL empties tables with DELETE, which costs milliseconds on the few rows a test wrote.
"""

# Rows written by migrations' post_migrate and never changed by a test.
KEPT_TABLES = frozenset({"django_content_type", "auth_permission"})


class KeepsStaticRows:
    """Mixin for a backend's DatabaseOperations: flush everything but `KEPT_TABLES`."""

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        tables = [table for table in tables if table not in KEPT_TABLES]
        return super().sql_flush(
            style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )

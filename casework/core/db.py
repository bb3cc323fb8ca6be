"""A cursor for the few statements every request runs, prepared once per connection.

Django sends PostgreSQL queries with client-side binding and never prepares them (its
default, so that transaction-mode connection poolers keep working). For the lookups every
API call makes (token and user, client and enrollment, the audit INSERT), PostgreSQL then
parses and plans the same statement on every request: that was about half of its CPU per
audited read. :func:`bound_cursor` gives those statements server-side binding, and psycopg
prepares a statement once it has run ``prepare_threshold`` times on a pooled connection
(``CASEWORK_DB_PREPARE``, on by default; turn it off behind a pooler that cannot keep
prepared statements, such as PgBouncer before 1.21 in transaction mode).

The cursor is Django's own wrapper around it, so errors are Django's, and the debug cursor
and query capture in tests see these statements like any other. On SQLite it is the plain
cursor.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorWrapper

# The largest id a 64-bit primary key holds: a larger id in a URL or a body is refused
# before it reaches the database (whose driver would raise instead of finding nothing).
MAX_ID = 2**63 - 1


def bound_cursor(using: str = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor whose statements PostgreSQL binds (and may prepare); use it in ``with``.

    Its ``db`` is the connection itself, not the ``django.db.connection`` proxy, which
    looks the connection up again on every attribute: hand it on to what needs one.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        return connection.cursor()
    # Only a PostgreSQL deployment gets here, so only it imports psycopg.
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    # The steps of Django's own BaseDatabaseWrapper._cursor, with a server-binding cursor.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(raw)
    # As Django's create_cursor does: its time zone, when the connection's loader differs.
    loader = raw.adapters.get_loader(psycopg.adapters.types["timestamptz"].oid, Format.TEXT)
    if connection.timezone != getattr(loader, "timezone", None):
        register_tzloader(connection.timezone, cursor)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]  # a DB-API cursor
    return connection.make_cursor(cursor)  # type: ignore[arg-type]  # a DB-API cursor

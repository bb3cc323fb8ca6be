"""Keeping the directory's tables fast to search after a bulk load.

An HSDS import writes tens of thousands of rows in one transaction. PostgreSQL plans queries
from table statistics that only autovacuum refreshes, some time later; until then it takes
a freshly loaded table for nearly empty and picks nested loops that cost a search 100 ms or
more at 20,000 services. ``refresh_statistics`` runs ``ANALYZE`` on the directory's tables
right after an import (PostgreSQL only: SQLite keeps no statistics unless asked, and plans
these queries well without them).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection

SEARCHED = (
    "Organization",
    "Service",
    "Location",
    "ServiceAtLocation",
    "Attribute",
    "TaxonomyTerm",
    "Schedule",
    "Address",
    "Language",
)


def refresh_statistics() -> bool:
    """``ANALYZE`` the searched directory tables on PostgreSQL; True when it ran."""
    if connection.vendor != "postgresql":
        return False
    names = [apps.get_model("resources", model)._meta.db_table for model in SEARCHED]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(n) for n in names))
    return True

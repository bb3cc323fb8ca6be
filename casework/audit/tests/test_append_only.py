"""The audit trail is append-only: no code path and no raw SQL can change or remove a row."""

import pytest
from django.db import DatabaseError, connection, transaction

from casework.audit.models import AppendOnlyError, AuditAction, AuditEvent
from casework.audit.services import record

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL trigger (SQLite is tested below)"
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite trigger (PostgreSQL is tested above)"
)


@pytest.fixture
def event(db):
    return record(
        actor=None,
        action=AuditAction.VIEW,
        target_type="client",
        target_id=41,
        client_id=41,
        actor_label="someone@example.org",
    )


def refused_sql(sql, params=()):
    """Run ``sql`` in a savepoint; return the database's error (None if it was allowed)."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as error:
        return error
    return None


def assert_unchanged(event):
    row = AuditEvent.objects.get(pk=event.pk)
    assert (row.action, row.actor_label, row.client_id) == ("view", "someone@example.org", 41)


def test_saving_an_existing_event_raises(event):
    event.action = AuditAction.DELETE
    with pytest.raises(AppendOnlyError):
        event.save()
    assert_unchanged(event)


def test_force_update_raises_even_without_a_primary_key(db):
    with pytest.raises(AppendOnlyError):
        AuditEvent(action=AuditAction.VIEW, target_type="client").save(force_update=True)


def test_deleting_an_event_raises(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert_unchanged(event)


def test_queryset_update_raises(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=AuditAction.DELETE)
    assert_unchanged(event)


def test_queryset_delete_raises(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert_unchanged(event)


def test_a_new_event_can_be_appended(event):
    """The allow twin: appending is the one thing the table permits."""
    record(actor=None, action=AuditAction.LIST, target_type="client")
    assert AuditEvent.objects.count() == 2


@postgres_only
def test_postgres_trigger_refuses_raw_update(event):
    error = refused_sql("UPDATE audit_auditevent SET action = 'delete' WHERE id = %s", [event.pk])
    assert error is not None
    assert "append-only" in str(error)
    assert_unchanged(event)


@postgres_only
def test_postgres_trigger_refuses_raw_delete(event):
    error = refused_sql("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert error is not None
    assert "append-only" in str(error)
    assert_unchanged(event)


@postgres_only
def test_postgres_trigger_refuses_truncate(event):
    error = refused_sql("TRUNCATE audit_auditevent")
    assert error is not None
    assert "append-only" in str(error)
    assert_unchanged(event)


@postgres_only
def test_postgres_trigger_allows_raw_insert(event):
    """The allow twin of the trigger tests: the table is append-only, not read-only."""
    error = refused_sql(
        "INSERT INTO audit_auditevent (occurred_at, actor_label, action, target_type, target_id,"
        " changes, details, request_id, user_agent, channel)"
        " VALUES (now(), '', 'view', 'client', '', '{}', '{}', '', '', 'system')"
    )
    assert error is None
    assert AuditEvent.objects.count() == 2


@sqlite_only
def test_sqlite_trigger_refuses_raw_update(event):
    error = refused_sql("UPDATE audit_auditevent SET action = 'delete' WHERE id = %s", [event.pk])
    assert error is not None
    assert "append-only" in str(error)
    assert_unchanged(event)


@sqlite_only
def test_sqlite_trigger_refuses_raw_delete(event):
    error = refused_sql("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert error is not None
    assert "append-only" in str(error)
    assert_unchanged(event)


@pytest.mark.django_db
def test_one_index_leads_with_the_actor_and_it_orders_by_time():
    # audit_actor_time serves lookups by actor; a plain actor index would only slow appends
    # (dropped in migration 0003, which must leave the append-only triggers in place).
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "audit_auditevent")
    leading_actor = [
        name
        for name, info in constraints.items()
        if info["index"] and not info["primary_key"] and info["columns"][:1] == ["actor_id"]
    ]
    assert leading_actor == ["audit_actor_time"]

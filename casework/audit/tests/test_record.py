"""``record`` appends exactly the row it is given, inside the caller's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction

from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import record
from casework.core import context


def test_the_stored_row_holds_every_value_recorded(cm_health):
    stamp = context.RequestContext(
        request_id="req-1", ip="203.0.113.5", user_agent="probe", channel="api"
    )
    with context.bind(stamp):
        event = record(
            actor=cm_health,
            action=AuditAction.UPDATE,
            target_type="client",
            target_id=7,
            client_id=7,
            organization_id=3,
            changes={"city": ["Albany", "Troy"]},
            details={"basis": "consent"},
        )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert not event._state.adding
    assert stored.occurred_at == event.occurred_at
    assert (stored.actor_id, stored.actor_label) == (cm_health.pk, cm_health.email)
    assert (stored.action, stored.target_type, stored.target_id) == ("update", "client", "7")
    assert (stored.client_id, stored.organization_id) == (7, 3)
    assert stored.changes == {"city": ["Albany", "Troy"]}
    assert stored.details == {"basis": "consent"}
    assert (stored.request_id, stored.ip, stored.user_agent, stored.channel) == (
        "req-1",
        "203.0.113.5",
        "probe",
        "api",
    )


def _record_then_fail() -> None:
    with transaction.atomic():
        record(actor=None, action=AuditAction.CREATE, target_type="program")
        raise RuntimeError("the change failed")


def test_a_row_recorded_in_a_rolled_back_transaction_is_gone(db):
    with pytest.raises(RuntimeError):
        _record_then_fail()
    assert not AuditEvent.objects.exists()

"""My clients: the case manager's own caseload; supervisors' caseload counts; empty states."""

from __future__ import annotations

import pytest

from casework.audit.models import AuditEvent
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def test_case_manager_sees_own_clients_and_the_list_is_audited(client, cm_health, client_health):
    response = signed_in(client, cm_health).get("/")
    body = text(response)
    assert "Abernathy" in body
    assert "Care Transitions" in body
    assert "Active" in body
    event = AuditEvent.objects.filter(target_type="client_list", actor=cm_health).latest("id")
    assert event.details["client_ids"] == [client_health.pk]


def test_clients_of_other_case_managers_are_not_in_my_list(client, sup_health, client_health):
    body = text(signed_in(client, sup_health).get("/"))
    assert "No clients assigned to you yet" in body
    # ...but the supervisor sees the program's caseload counts.
    assert "Caseloads in your programs" in body
    assert "Cm Healthcare" in body


def test_empty_state_for_someone_without_a_program(client, db):
    from casework.conftest import make_user

    body = text(signed_in(client, make_user("new.hire@example.org")).get("/"))
    assert "You do not have a role in any program yet" in body


def test_a_partner_starts_at_the_referral_inbox(client, partner):
    response = signed_in(client, partner).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/partner/"

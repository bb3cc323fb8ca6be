"""Who may see and change a client (service layer; web and API tests cover the HTTP side)."""

import pytest

from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, PermissionDenied


def test_case_manager_sees_own_program_client(cm_health, client_health):
    assert access_client(cm_health, client_health.pk) == client_health


def test_case_manager_cannot_see_other_program_client(cm_mental_health, client_health):
    with pytest.raises(NotFound):
        access_client(cm_mental_health, client_health.pk)
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, actor=cm_mental_health)
    assert denied.client_id == client_health.pk


def test_missing_and_hidden_clients_look_the_same(cm_mental_health, client_health):
    with pytest.raises(NotFound) as hidden:
        access_client(cm_mental_health, client_health.pk)
    with pytest.raises(NotFound) as missing:
        access_client(cm_mental_health, client_health.pk + 1000)
    assert str(hidden.value) == str(missing.value)


def test_org_admin_sees_every_client_of_the_organization(org_admin, client_health):
    assert access_client(org_admin, client_health.pk) == client_health


def test_other_agency_admin_cannot_see_client(other_agency_admin, client_health):
    with pytest.raises(NotFound):
        access_client(other_agency_admin, client_health.pk)


def test_partner_sees_no_clients(partner, client_health):
    assert not Client.objects.visible_to(partner).exists()


def test_auditor_reads_but_cannot_write(auditor, client_health):
    assert access_client(auditor, client_health.pk) == client_health
    with pytest.raises(PermissionDenied):
        access_client(auditor, client_health.pk, write=True)


def test_every_read_is_audited(cm_health, client_health):
    access_client(cm_health, client_health.pk)
    view = AuditEvent.objects.filter(action=AuditAction.VIEW, client_id=client_health.pk)
    assert view.filter(actor=cm_health).count() == 1


def test_gate_and_visible_to_agree_for_every_persona(
    cm_health,
    cm_mental_health,
    sup_health,
    intake_health,
    org_admin,
    auditor,
    partner,
    other_agency_admin,
    client_health,
    make_client,
):
    """access_client decides visibility step by step; it must match the list query."""
    other = make_client("mental_health", actor=cm_mental_health, given_name="Teddy")
    personas = [
        cm_health,
        cm_mental_health,
        sup_health,
        intake_health,
        org_admin,
        auditor,
        partner,
        other_agency_admin,
    ]
    for user in personas:
        listed = set(Client.objects.visible_to(user).values_list("pk", flat=True))
        for client in (client_health, other):
            try:
                access_client(user, client.pk, audit=False)
                opened = True
            except NotFound:
                opened = False
            assert opened == (client.pk in listed), (user.email, client.pk)

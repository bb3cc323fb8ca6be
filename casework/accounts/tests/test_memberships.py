"""Granting and revoking roles: idempotent, audited, and effective on the next request."""

import pytest
from django.core.exceptions import ValidationError

from casework.accounts import services
from casework.accounts.access import access_for
from casework.accounts.models import Membership, Role, User
from casework.audit.models import AuditAction, AuditEvent


def fresh(user):
    """The user as the next request loads them (no per-request access cache)."""
    return User.objects.get(pk=user.pk)


def membership_rows(membership):
    return AuditEvent.objects.filter(target_type="membership", target_id=str(membership.pk))


def test_granting_twice_keeps_one_membership_and_one_audit_row(cm_health, programs, org_admin):
    again = services.membership_grant(
        actor=org_admin, user=cm_health, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    assert Membership.objects.filter(user=cm_health).count() == 1
    assert membership_rows(again).filter(action=AuditAction.CREATE).count() == 1


def test_a_grant_is_audited_with_its_actor(cm_health, programs, org_admin):
    membership = services.membership_grant(
        actor=org_admin, user=cm_health, role=Role.SUPERVISOR, program=programs["mental_health"]
    )
    row = membership_rows(membership).get(action=AuditAction.CREATE)
    assert row.actor == org_admin
    assert row.details["role"] == Role.SUPERVISOR
    assert row.organization_id == programs["mental_health"].organization_id


def test_a_program_role_needs_a_program(cm_health, agency):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=None, user=cm_health, role=Role.CASE_MANAGER, organization=agency
        )


def test_an_organization_role_cannot_be_held_in_a_program(cm_health, programs):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=None, user=cm_health, role=Role.AUDITOR, program=programs["healthcare"]
        )


def test_an_unknown_role_is_refused(cm_health, programs):
    with pytest.raises(ValidationError):
        services.membership_grant(
            actor=None, user=cm_health, role="superhero", program=programs["healthcare"]
        )


def test_revoked_membership_loses_access_at_once(cm_health, client_health, programs, org_admin):
    clients = type(client_health).objects
    assert clients.visible_to(fresh(cm_health)).filter(pk=client_health.pk).exists()

    membership = Membership.objects.get(user=cm_health, program=programs["healthcare"])
    services.membership_revoke(actor=org_admin, membership=membership)

    assert not clients.visible_to(fresh(cm_health)).filter(pk=client_health.pk).exists()
    assert access_for(fresh(cm_health)).program_ids == frozenset()
    row = membership_rows(membership).get(action=AuditAction.UPDATE)
    assert row.changes == {"is_active": [True, False]}


def test_revoked_membership_loses_access_over_http(client, cm_health, client_health, programs):
    client.force_login(cm_health)
    assert client.get(f"/clients/{client_health.pk}/").status_code == 200

    membership = Membership.objects.get(user=cm_health, program=programs["healthcare"])
    services.membership_revoke(actor=None, membership=membership)

    assert client.get(f"/clients/{client_health.pk}/").status_code == 404


def test_revoking_twice_writes_one_audit_row(cm_health, programs):
    membership = Membership.objects.get(user=cm_health, program=programs["healthcare"])
    services.membership_revoke(actor=None, membership=membership)
    services.membership_revoke(actor=None, membership=membership)
    assert membership_rows(membership).filter(action=AuditAction.UPDATE).count() == 1


def test_granting_a_revoked_role_again_restores_it_and_audits(cm_health, programs):
    membership = Membership.objects.get(user=cm_health, program=programs["healthcare"])
    services.membership_revoke(actor=None, membership=membership)
    services.membership_grant(
        actor=None, user=cm_health, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    assert access_for(fresh(cm_health)).program_ids == {programs["healthcare"].pk}
    assert membership_rows(membership).filter(action=AuditAction.CREATE).count() == 2

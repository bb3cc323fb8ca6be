"""The audit trail through the API: auditors and org admins only, their organization only."""

from __future__ import annotations

from casework.api.tests.helpers import assert_problem
from casework.audit.models import AuditAction, AuditEvent


def test_auditor_reads_the_organizations_trail(api_as, auditor, cm_health, client_health, agency):
    api_as(cm_health).get(f"clients/{client_health.pk}")
    body = api_as(auditor).get(f"audit-events?client={client_health.pk}").json()
    assert body["count"] >= 2  # the creation and the view, at least
    assert {e["organization_id"] for e in body["results"]} == {agency.pk}
    assert {"create", "view"} <= {e["action"] for e in body["results"]}


def test_case_manager_may_not_read_the_trail(api_as, cm_health, client_health):
    assert_problem(api_as(cm_health).get("audit-events"), 403)
    assert AuditEvent.objects.filter(
        action=AuditAction.DENIED, target_type="audit_event_list", actor=cm_health
    ).exists()


def test_partner_may_not_read_the_trail(api_as, partner):
    assert_problem(api_as(partner).get("audit-events"), 403)


def test_org_admin_reads_the_trail(api_as, org_admin, client_health):
    assert api_as(org_admin).get("audit-events").json()["count"] > 0


def test_other_agency_admin_sees_none_of_this_agencys_rows(
    api_as, other_agency_admin, client_health, agency
):
    body = api_as(other_agency_admin).get("audit-events?page_size=200").json()
    assert agency.pk not in {e["organization_id"] for e in body["results"]}
    assert (
        api_as(other_agency_admin).get(f"audit-events?client={client_health.pk}").json()["count"]
        == 0
    )


def test_filters_by_actor_action_and_time(api_as, auditor, cm_health, sup_health, client_health):
    api_as(cm_health).get(f"clients/{client_health.pk}")
    api_as(sup_health).get(f"clients/{client_health.pk}")
    reader = api_as(auditor)
    by_actor = reader.get("audit-events?actor=SUP.healthcare@example.org&action=view").json()
    assert [e["actor_label"] for e in by_actor["results"]] == [sup_health.email]
    views = reader.get("audit-events?action=view").json()["results"]
    assert {e["actor_label"] for e in views} == {cm_health.email, sup_health.email}
    assert reader.get("audit-events?since=2999-01-01T00:00:00Z").json()["count"] == 0
    assert reader.get("audit-events?until=2000-01-01").json()["count"] == 0


def test_reading_the_trail_is_audited(api_as, auditor, client_health):
    api_as(auditor).get("audit-events?action=view")
    event = AuditEvent.objects.get(target_type="audit_event_list", actor=auditor)
    assert event.action == AuditAction.SEARCH
    assert event.details["query"] == {"action": "view"}
    assert event.channel == "api"


def test_audit_events_are_paginated(api_as, auditor, client_health):
    body = api_as(auditor).get("audit-events?page_size=1").json()
    assert len(body["results"]) == 1
    assert body["next"] is not None


def test_auditor_sees_staff_sign_in_events_but_not_other_agencies(
    api_as, auditor, cm_health, other_agency_admin
):
    from casework.audit.services import record

    record(actor=cm_health, action=AuditAction.LOGIN, target_type="user", target_id=cm_health.pk)
    record(
        actor=other_agency_admin,
        action=AuditAction.LOGIN,
        target_type="user",
        target_id=other_agency_admin.pk,
    )
    logins = api_as(auditor).get("audit-events?action=login").json()["results"]
    assert [e["actor_label"] for e in logins] == [cm_health.email]

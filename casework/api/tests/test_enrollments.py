"""Enrollments through the API: scoping to the caller's programs, enrolling, changing."""

from __future__ import annotations

from casework.api.tests.helpers import assert_problem
from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Enrollment


def _enroll_in_mental_health(org_admin, client, programs):
    from casework.clients.services import enrollment_create

    return enrollment_create(actor=org_admin, client=client, program=programs["mental_health"])


def test_case_manager_lists_enrollments_in_own_program(api_as, cm_health, client_health):
    body = api_as(cm_health).get("enrollments").json()
    assert [e["client_id"] for e in body["results"]] == [client_health.pk]
    assert body["results"][0]["status"] == "active"


def test_case_manager_does_not_see_enrollments_in_other_programs(
    api_as, cm_health, org_admin, client_health, programs
):
    """The healthcare case manager sees the client, but not that they are in mental health."""
    other = _enroll_in_mental_health(org_admin, client_health, programs)
    reader = api_as(cm_health)
    listed = reader.get(f"enrollments?client={client_health.pk}").json()["results"]
    assert [e["program_id"] for e in listed] == [programs["healthcare"].pk]
    assert_problem(reader.get(f"enrollments/{other.pk}"), 404)
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, target_type="enrollment")
    assert (denied.actor, denied.target_id) == (cm_health, str(other.pk))


def test_org_admin_sees_every_enrollment_of_the_client(api_as, org_admin, client_health, programs):
    _enroll_in_mental_health(org_admin, client_health, programs)
    listed = api_as(org_admin).get(f"enrollments?client={client_health.pk}").json()["results"]
    assert len(listed) == 2


def test_partner_sees_no_enrollments(api_as, partner, client_health):
    assert api_as(partner).get("enrollments").json()["count"] == 0
    assert_problem(api_as(partner).get(f"enrollments/{client_health.enrollments.get().pk}"), 404)


def test_enrollment_read_is_audited_with_etag(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(cm_health).get(f"enrollments/{enrollment.pk}")
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    event = AuditEvent.objects.get(action=AuditAction.VIEW, target_type="enrollment")
    assert (event.client_id, event.channel) == (client_health.pk, "api")


def test_enrollment_list_is_audited(api_as, cm_health, client_health):
    api_as(cm_health).get("enrollments?status=active")
    event = AuditEvent.objects.get(target_type="client_list", actor=cm_health)
    assert event.details["client_ids"] == [client_health.pk]


def test_enrollment_filters(api_as, org_admin, client_health, programs):
    _enroll_in_mental_health(org_admin, client_health, programs)
    admin = api_as(org_admin)
    by_program = admin.get(f"enrollments?program={programs['mental_health'].pk}").json()
    assert [e["program_id"] for e in by_program["results"]] == [programs["mental_health"].pk]
    assert admin.get("enrollments?status=closed").json()["count"] == 0


def test_org_admin_enrolls_a_client_in_another_program(
    api_as, org_admin, cm_mental_health, make_client, programs
):
    client = make_client("mental_health", actor=cm_mental_health, given_name="Maeve")
    body = {"client_id": client.pk, "program_id": programs["healthcare"].pk, "status": "waitlisted"}
    response = api_as(org_admin).post("enrollments", body)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "waitlisted"
    assert response["ETag"] == '"1"'


def test_cannot_enroll_a_client_one_cannot_see(
    api_as, sup_health, cm_mental_health, make_client, programs
):
    client = make_client("mental_health", actor=cm_mental_health, given_name="Maeve")
    body = {"client_id": client.pk, "program_id": programs["healthcare"].pk}
    assert_problem(api_as(sup_health).post("enrollments", body), 404)
    assert client.enrollments.count() == 1


def test_cannot_enroll_in_a_program_without_a_role_there(
    api_as, cm_health, client_health, programs
):
    body = {"client_id": client_health.pk, "program_id": programs["mental_health"].pk}
    errors = assert_problem(api_as(cm_health).post("enrollments", body), 422)["errors"]
    assert [e["field"] for e in errors] == ["program_id"]
    assert client_health.enrollments.count() == 1


def test_auditor_cannot_enroll(api_as, auditor, client_health, programs):
    body = {"client_id": client_health.pk, "program_id": programs["mental_health"].pk}
    assert_problem(api_as(auditor).post("enrollments", body), 403)


def test_duplicate_open_enrollment_gets_422(api_as, cm_health, client_health, programs):
    body = {"client_id": client_health.pk, "program_id": programs["healthcare"].pk}
    errors = assert_problem(api_as(cm_health).post("enrollments", body), 422)["errors"]
    assert [e["field"] for e in errors] == ["program_id"]


def test_closing_an_enrollment_sets_its_end_date(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(cm_health).patch(
        f"enrollments/{enrollment.pk}",
        {"status": "closed", "closure_reason": "goals_met"},
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["end_date"] is not None
    assert body["closure_reason"] == "goals_met"
    enrollment.refresh_from_db()
    assert enrollment.status == "closed"


def test_closing_without_a_reason_gets_422(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(cm_health).patch(
        f"enrollments/{enrollment.pk}", {"status": "closed"}, HTTP_IF_MATCH='"1"'
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["closure_reason"]
    enrollment.refresh_from_db()
    assert enrollment.status == "active"


def test_end_before_start_gets_422(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(cm_health).patch(
        f"enrollments/{enrollment.pk}", {"end_date": "1990-01-01"}, HTTP_IF_MATCH='"1"'
    )
    assert_problem(response, 422)
    enrollment.refresh_from_db()
    assert enrollment.end_date is None


def test_auditor_cannot_change_an_enrollment(api_as, auditor, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(auditor).patch(
        f"enrollments/{enrollment.pk}", {"status": "closed"}, HTTP_IF_MATCH='"1"'
    )
    assert_problem(response, 403)
    assert Enrollment.objects.get(pk=enrollment.pk).status == "active"


def test_patch_does_not_change_the_case_manager_without_a_reason(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    response = api_as(cm_health).patch(
        f"enrollments/{enrollment.pk}", {"primary_case_manager_id": None}, HTTP_IF_MATCH='"1"'
    )
    errors = assert_problem(response, 422)["errors"]
    assert [e["field"] for e in errors] == ["primary_case_manager_id"]
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_health


def test_supervisor_reassigns_through_the_api_with_a_reason(
    api_as, sup_health, cm_health, client_health
):
    enrollment = client_health.enrollments.get()
    body = {"primary_case_manager_id": sup_health.pk, "reason": "Caseload balancing"}
    response = api_as(sup_health).post(
        f"enrollments/{enrollment.pk}/case-manager", body, HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 200, response.content
    assert response.json()["primary_case_manager_id"] == sup_health.pk
    assert response["ETag"] == '"2"'
    event = (
        AuditEvent.objects.filter(target_type="enrollment", target_id=enrollment.pk)
        .order_by("id")
        .last()
    )
    assert event is not None
    assert event.details["reason"] == "Caseload balancing"
    assert event.changes == {"primary_case_manager_id": [cm_health.pk, sup_health.pk]}


def test_case_manager_cannot_hand_a_client_to_someone_else_through_the_api(
    api_as, sup_health, cm_health, client_health
):
    enrollment = client_health.enrollments.get()
    body = {"primary_case_manager_id": sup_health.pk, "reason": "Going on leave"}
    response = api_as(cm_health).post(
        f"enrollments/{enrollment.pk}/case-manager", body, HTTP_IF_MATCH='"1"'
    )
    assert_problem(response, 403)
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_health


def test_reassignment_needs_a_reason_and_if_match(api_as, sup_health, client_health):
    enrollment = client_health.enrollments.get()
    url = f"enrollments/{enrollment.pk}/case-manager"
    no_reason = api_as(sup_health).post(
        url, {"primary_case_manager_id": None, "reason": " "}, HTTP_IF_MATCH='"1"'
    )
    assert [e["field"] for e in assert_problem(no_reason, 422)["errors"]] == ["reason"]
    no_version = api_as(sup_health).post(url, {"primary_case_manager_id": None, "reason": "x"})
    assert no_version.status_code == 428

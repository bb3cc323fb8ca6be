"""Clients through the API: who sees which client, creation, listing, and the audit of reads."""

from __future__ import annotations

import datetime

from casework.api.tests.helpers import assert_problem
from casework.audit.models import AuditAction, AuditEvent
from casework.clients.models import Client


def test_case_manager_reads_own_client(api_as, cm_health, client_health):
    response = api_as(cm_health).get(f"clients/{client_health.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["family_name"] == "Abernathy"
    assert body["date_of_birth"] == "1961-04-12"
    assert response["ETag"] == f'"{client_health.version}"'
    assert body["version"] == client_health.version


def test_case_manager_of_other_program_gets_404_and_is_audited(
    api_as, cm_mental_health, client_health
):
    response = api_as(cm_mental_health).get(f"clients/{client_health.pk}")
    assert_problem(response, 404)
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, actor=cm_mental_health)
    assert denied.client_id == client_health.pk
    assert denied.channel == "api"


def test_hidden_and_missing_clients_get_the_same_answer(api_as, cm_mental_health, client_health):
    reader = api_as(cm_mental_health)
    hidden = reader.get(f"clients/{client_health.pk}").json()
    missing = reader.get(f"clients/{client_health.pk + 1000}").json()
    for body in (hidden, missing):
        body.pop("instance")
        body.pop("request_id")
    assert hidden == missing


def test_partner_lists_no_clients(api_as, partner, client_health):
    body = api_as(partner).get("clients").json()
    assert body["count"] == 0
    assert body["results"] == []


def test_partner_gets_404_on_a_client(api_as, partner, client_health):
    assert_problem(api_as(partner).get(f"clients/{client_health.pk}"), 404)


def test_other_agency_admin_gets_404_on_a_client(api_as, other_agency_admin, client_health):
    assert_problem(api_as(other_agency_admin).get(f"clients/{client_health.pk}"), 404)


def test_auditor_can_read_a_client(api_as, auditor, client_health):
    assert api_as(auditor).get(f"clients/{client_health.pk}").status_code == 200


def test_auditor_cannot_change_a_client(api_as, auditor, client_health):
    response = api_as(auditor).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH=client_health.etag
    )
    assert_problem(response, 403)
    client_health.refresh_from_db()
    assert (client_health.city, client_health.version) == ("Albany", 1)


def test_every_client_read_writes_a_view_event_on_the_api_channel(api_as, cm_health, client_health):
    reader = api_as(cm_health)
    reader.get(f"clients/{client_health.pk}")
    reader.get(f"clients/{client_health.pk}", HTTP_X_REQUEST_ID="req-12345678")
    views = AuditEvent.objects.filter(
        action=AuditAction.VIEW, client_id=client_health.pk, actor=cm_health
    )
    assert views.count() == 2
    assert set(views.values_list("channel", flat=True)) == {"api"}
    assert views.filter(request_id="req-12345678").exists()


def test_case_manager_creates_a_client_in_own_program(api_as, cm_health, programs):
    body = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1990-12-10",
        "program_id": programs["healthcare"].pk,
        "primary_case_manager_id": cm_health.pk,
    }
    response = api_as(cm_health).post("clients", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert response["ETag"] == '"1"'
    assert response["Location"].endswith(f"/api/v1/clients/{created['id']}")
    client = Client.objects.get(pk=created["id"])
    enrollment = client.enrollments.get()
    assert (enrollment.program, enrollment.primary_case_manager) == (
        programs["healthcare"],
        cm_health,
    )


def test_case_manager_cannot_create_a_client_in_another_program(api_as, cm_health, programs):
    body = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "program_id": programs["mental_health"].pk,
    }
    errors = assert_problem(api_as(cm_health).post("clients", body), 422)["errors"]
    assert errors == [{"field": "program_id", "message": "No such program."}]
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_auditor_cannot_create_a_client(api_as, auditor, programs):
    body = {"given_name": "Ada", "family_name": "Lovelace", "program_id": programs["healthcare"].pk}
    assert_problem(api_as(auditor).post("clients", body), 403)
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_primary_case_manager_must_work_in_the_program(
    api_as, cm_health, cm_mental_health, programs
):
    body = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "program_id": programs["healthcare"].pk,
        "primary_case_manager_id": cm_mental_health.pk,
    }
    errors = assert_problem(api_as(cm_health).post("clients", body), 422)["errors"]
    assert [e["field"] for e in errors] == ["primary_case_manager_id"]


def test_patch_changes_only_the_fields_sent(api_as, cm_health, client_health):
    response = api_as(cm_health).patch(
        f"clients/{client_health.pk}",
        {"preferred_name": "Dee", "date_of_birth": None},
        HTTP_IF_MATCH='"1"',
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    client_health.refresh_from_db()
    assert (client_health.preferred_name, client_health.date_of_birth) == ("Dee", None)
    assert client_health.city == "Albany"
    change = AuditEvent.objects.get(action=AuditAction.UPDATE, client_id=client_health.pk)
    assert change.changes["preferred_name"] == ["", "Dee"]


def test_patch_refuses_null_for_a_required_field(api_as, cm_health, client_health):
    response = api_as(cm_health).patch(
        f"clients/{client_health.pk}", {"family_name": None}, HTTP_IF_MATCH='"1"'
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["family_name"]


def test_list_is_paginated(api_as, cm_health, make_client):
    for i in range(5):
        make_client(actor=cm_health, given_name=f"Person{i}", family_name=f"Family{i}")
    reader = api_as(cm_health)
    first = reader.get("clients?page_size=2").json()
    assert first["count"] == 5
    assert [c["family_name"] for c in first["results"]] == ["Family0", "Family1"]
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert "page_size=2" in first["next"]
    last = reader.get("clients?page_size=2&page=3").json()
    assert [c["family_name"] for c in last["results"]] == ["Family4"]
    assert last["next"] is None
    assert "page=2" in last["previous"]
    beyond = reader.get("clients?page_size=2&page=9").json()
    assert (beyond["count"], beyond["results"]) == (5, [])


def test_page_size_above_the_maximum_is_refused(api_as, cm_health, settings):
    settings.CASEWORK_API_PAGE_MAX = 10
    response = api_as(cm_health).get("clients?page_size=11")
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["page_size"]
    assert api_as(cm_health).get("clients?page_size=10").status_code == 200


def test_list_filters_by_name_birth_date_program_and_status(
    api_as, org_admin, cm_health, cm_mental_health, make_client, client_health
):
    make_client(actor=cm_health, given_name="Bernard", family_name="Lowe")
    make_client(
        "mental_health",
        actor=cm_mental_health,
        given_name="Maeve",
        family_name="Millay",
        date_of_birth=datetime.date(1980, 1, 2),
    )
    admin = api_as(org_admin)

    def names(query: str) -> list[str]:
        response = admin.get(f"clients?{query}")
        assert response.status_code == 200, response.content
        return [c["family_name"] for c in response.json()["results"]]

    assert names("") == ["Abernathy", "Lowe", "Millay"]
    assert names("q=abern") == ["Abernathy"]
    assert names("q=mae") == ["Millay"]
    assert names("date_of_birth=1980-01-02") == ["Millay"]
    program = client_health.enrollments.get().program_id
    assert names(f"program={program}") == ["Abernathy", "Lowe"]
    assert names("status=active") == ["Abernathy", "Lowe", "Millay"]
    assert names("status=closed") == []


def test_list_shows_only_visible_clients(api_as, cm_mental_health, make_client, client_health):
    make_client("mental_health", actor=cm_mental_health, given_name="Maeve", family_name="Millay")
    body = api_as(cm_mental_health).get("clients").json()
    assert [c["family_name"] for c in body["results"]] == ["Millay"]


def test_list_records_which_clients_were_shown(api_as, cm_health, client_health):
    api_as(cm_health).get("clients?q=aber")
    event = AuditEvent.objects.get(target_type="client_list", actor=cm_health)
    assert event.action == AuditAction.SEARCH
    assert event.details["client_ids"] == [client_health.pk]
    assert event.details["query"] == {"q": "aber"}
    assert event.channel == "api"


def test_confidential_address_is_hidden_outside_the_care_team(
    api_as, cm_health, intake_health, make_client
):
    client = make_client(
        actor=cm_health,
        cm=cm_health,
        given_name="Hidden",
        address_line1="1 Safe St",
        city="Troy",
        address_confidential=True,
    )
    outsider = api_as(intake_health).get(f"clients/{client.pk}").json()
    assert (outsider["address_hidden"], outsider["address_line1"], outsider["city"]) == (
        True,
        "",
        "",
    )
    listed = api_as(intake_health).get("clients?q=hidden").json()["results"][0]
    assert (listed["address_hidden"], listed["city"]) == (True, "")
    changed = api_as(intake_health).patch(
        f"clients/{client.pk}", {"phone": "518-555-0199"}, HTTP_IF_MATCH='"1"'
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["address_line1"] == ""


def test_confidential_address_is_shown_to_the_primary_case_manager(api_as, cm_health, make_client):
    client = make_client(
        actor=cm_health, cm=cm_health, address_line1="1 Safe St", address_confidential=True
    )
    body = api_as(cm_health).get(f"clients/{client.pk}").json()
    assert (body["address_hidden"], body["address_line1"]) == (False, "1 Safe St")


def test_unknown_query_parameter_is_refused(api_as, cm_health):
    response = api_as(cm_health).get("clients?stauts=closed")
    errors = assert_problem(response, 422)["errors"]
    assert errors == [{"field": "stauts", "message": "Unknown query parameter."}]


def test_state_zip_and_phone_are_checked_and_normalised(api_as, cm_health, programs):
    body = {"given_name": "Ana", "family_name": "Ruiz", "program_id": programs["healthcare"].pk}
    created = api_as(cm_health).post(
        "clients", body | {"state": "New York", "postal_code": "12207", "phone": "5185550142"}
    )
    assert created.status_code == 201, created.content
    assert (created.json()["state"], created.json()["phone"]) == ("NY", "(518) 555-0142")
    refused = api_as(cm_health).post("clients", body | {"state": "Nowhere", "postal_code": "1"})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"state", "postal_code"}

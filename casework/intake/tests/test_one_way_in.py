"""One way in (issue 10): the API searches first, and refuses a likely duplicate with 409."""

from __future__ import annotations

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.clients.intake_check import PossibleDuplicates, client_create_checked
from casework.clients.models import Client

pytestmark = pytest.mark.django_db
BORN = datetime.date(1979, 11, 2)


@pytest.fixture
def phyllis(make_client, cm_health) -> Client:
    return make_client(
        "healthcare", actor=cm_health, given_name="Phyllis", family_name="Becker",
        date_of_birth=BORN,
    )  # fmt: skip


def test_matches_forgive_a_typo_and_say_why(api, intake_health, phyllis):
    response = api(intake_health).get("intake/matches?given_name=Phyllis&family_name=Beckea")
    assert response.status_code == 200, response.content
    body = response.json()
    top = body["matches"][0]
    assert top["client"]["id"] == phyllis.pk
    assert "last name one letter off" in top["found_by"]
    assert "last name is spelled similarly" in top["reasons"]
    search = AuditEvent.objects.filter(actor=intake_health, target_type="client_list").last()
    assert search is not None
    assert search.details["client_ids"][0] == phyllis.pk


def test_matches_say_when_an_entered_name_is_a_placeholder(api, intake_health, phyllis):
    response = api(intake_health).get(
        f"intake/matches?given_name=Mom&family_name=Becker&date_of_birth={BORN.isoformat()}"
    )
    body = response.json()
    assert body["matches"][0]["client"]["id"] == phyllis.pk
    assert body["notes"] == ['the entered first name "Mom" is a placeholder, not compared']


def test_matches_never_show_a_client_the_caller_may_not_see(api, cm_mental_health, phyllis):
    response = api(cm_mental_health).get("intake/matches?given_name=Phyllis&family_name=Becker")
    assert response.status_code == 200
    assert response.json()["matches"] == []


def test_matches_need_both_names(api, intake_health):
    response = api(intake_health).get("intake/matches?given_name=Phyllis")
    assert response.status_code == 422


def _create_body(programs, **extra):
    return {
        "given_name": "Phyllis",
        "family_name": "Becker",
        "date_of_birth": BORN.isoformat(),
        "program_id": programs["healthcare"].pk,
    } | extra


def test_creating_a_likely_duplicate_answers_409_with_the_matches(
    api, cm_health, programs, phyllis
):
    response = api(cm_health).post("clients", _create_body(programs))
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [m["client"]["id"] for m in body["matches"]] == [phyllis.pk]
    assert body["matches"][0]["possible_duplicate"] is True
    assert body["errors"][0]["field"] == "new_record_reason"
    assert Client.objects.filter(family_name="Becker").count() == 1


def test_a_new_record_with_a_reason_is_created_and_the_reason_audited(
    api, cm_health, programs, phyllis
):
    reason = "Different person: her aunt, same name, confirmed by ID."
    response = api(cm_health).post("clients", _create_body(programs, new_record_reason=reason))
    assert response.status_code == 201, response.content
    created = response.json()["id"]
    event = AuditEvent.objects.get(target_type="client_new_record_confirmed")
    assert event.client_id == created
    assert event.actor == cm_health
    assert event.details == {"reason": reason, "possible_duplicates": [phyllis.pk]}


def test_a_new_person_is_created_without_a_reason(api, cm_health, programs, phyllis):
    body = _create_body(programs, given_name="Olu", family_name="Adeyemi")
    assert api(cm_health).post("clients", body).status_code == 201
    assert not AuditEvent.objects.filter(target_type="client_new_record_confirmed").exists()


def test_the_service_refuses_for_every_caller_and_keeps_the_search_audited(
    cm_health, programs, phyllis
):
    data = {"given_name": "Phylis", "family_name": "Becker", "date_of_birth": BORN}
    with pytest.raises(PossibleDuplicates) as refused:
        client_create_checked(actor=cm_health, program=programs["healthcare"], data=data)
    assert [m.client for m in refused.value.matches] == [phyllis]
    search = AuditEvent.objects.filter(target_type="client_list").last()
    assert search is not None
    assert search.details["query"]["duplicate_check"] == "Phylis Becker"


def test_an_import_with_a_likely_duplicate_imports_nothing_and_names_the_line(
    tmp_path, programs, intake_health, phyllis
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "people.csv"
    path.write_text(
        "given_name,family_name,date_of_birth\nOlu,Adeyemi,1950-01-01\n"
        f"Phylis,Becker,{BORN.isoformat()}\n",
        encoding="utf-8",
    )
    args = ("--program", "Care Transitions", "--commit", "--actor", intake_health.email)
    with pytest.raises(CommandError, match=r"Line 3 may already be on file as Phyllis Becker"):
        call_command("import_clients", str(path), *args, "--no-progress")
    assert not Client.objects.filter(family_name="Adeyemi").exists()
    path.write_text("given_name,family_name\nOlu,Adeyemi\n", encoding="utf-8")
    call_command("import_clients", str(path), *args, "--no-progress")
    assert Client.objects.filter(family_name="Adeyemi").exists()

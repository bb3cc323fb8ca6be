"""The intake API: rules with ETag/If-Match and kept versions, screenings, overrides, enrollment."""

from __future__ import annotations

import datetime

import pytest

from casework.audit.models import AuditEvent
from casework.clients import services as clients
from casework.clients.models import Enrollment, EnrollmentStatus
from casework.intake.models import EligibilityRulesVersion, EligibilityScreening
from casework.intake.tests.conftest import problem_fields

pytestmark = pytest.mark.django_db

RULES = {"min_age": 18, "max_income_percent": 200, "states": ["NY"], "guideline_year": 2025}
ANSWERS = {
    "date_of_birth": "1961-04-12",
    "state": "NY",
    "household_size": 1,
    "household_income": 20000,
}


def put_rules(caller, program, rules, version, capacity=None):
    return caller.put(
        f"programs/{program.pk}/eligibility",
        {"rules": rules, "capacity": capacity},
        HTTP_IF_MATCH=f'"{version}"',
    )


def screen(caller, program, client, **answers):
    return caller.post(
        f"programs/{program.pk}/screenings",
        {"client_id": client.pk, "answers": ANSWERS | answers},
    )


# --- Rules ---------------------------------------------------------------------------------


def test_program_without_rules_reads_as_version_zero(api, cm_health, health):
    response = api(cm_health).get(f"programs/{health.pk}/eligibility")
    assert response.status_code == 200
    assert response["ETag"] == '"0"'
    assert response.json()["rules"]["min_age"] is None


def test_org_admin_saves_rules_and_every_old_version_is_kept(api, org_admin, health):
    caller = api(org_admin)
    first = put_rules(caller, health, RULES, 0, capacity=10)
    assert first.status_code == 200, first.content
    assert first["ETag"] == '"1"'
    second = put_rules(caller, health, RULES | {"min_age": 21}, 1)
    assert second["ETag"] == '"2"'
    assert second.json()["rules"]["min_age"] == 21
    versions = EligibilityRulesVersion.objects.filter(eligibility__program=health)
    assert {v.version: v.rules["min_age"] for v in versions} == {1: 18, 2: 21}
    assert versions.get(version=1).capacity == 10
    assert AuditEvent.objects.filter(target_type="eligibility_rules").count() == 2


def test_rules_write_needs_if_match_and_refuses_a_stale_one(api, org_admin, health):
    caller = api(org_admin)
    missing = caller.put(f"programs/{health.pk}/eligibility", {"rules": RULES})
    assert problem_fields(missing, 428) == {"If-Match"}
    assert put_rules(caller, health, RULES, 0).status_code == 200
    assert put_rules(caller, health, RULES, 0).status_code == 412


def test_bad_rules_name_the_fields_and_save_nothing(api, org_admin, health):
    response = put_rules(
        api(org_admin), health, {"min_age": 70, "max_age": 60, "states": ["XX"]}, 0, capacity=0
    )
    assert problem_fields(response, 422) == {"rules.max_age", "rules.states"}
    assert not EligibilityRulesVersion.objects.exists()


def test_program_admin_may_edit_rules(api, program_admin_health, health):
    assert put_rules(api(program_admin_health), health, RULES, 0).status_code == 200


def test_case_manager_of_the_program_cannot_edit_its_rules(api, cm_health, health):
    response = put_rules(api(cm_health), health, RULES, 0)
    assert response.status_code == 403
    assert not EligibilityRulesVersion.objects.exists()


def test_case_manager_of_another_program_cannot_read_or_edit_its_rules(
    api, cm_mental_health, health
):
    caller = api(cm_mental_health)
    assert caller.get(f"programs/{health.pk}/eligibility").status_code == 404
    assert put_rules(caller, health, RULES, 0).status_code == 404
    assert not EligibilityRulesVersion.objects.exists()


# --- Screening -----------------------------------------------------------------------------


def test_intake_worker_screens_a_client_and_it_is_stored_and_audited(
    api, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    response = screen(api(intake_health), health, client_health)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["result"] == "eligible"
    assert body["rules_version"] == 1
    assert body["guideline_year"] == 2025
    stored = EligibilityScreening.objects.get(pk=body["id"])
    assert stored.screened_by == intake_health
    audit = AuditEvent.objects.get(target_type="eligibility_screening", action="create")
    assert audit.client_id == client_health.pk
    assert audit.details["result"] == "eligible"


def test_case_manager_of_another_program_cannot_screen_into_this_program(
    api, cm_mental_health, health, client_health
):
    response = screen(api(cm_mental_health), health, client_health)
    assert response.status_code == 404
    assert not EligibilityScreening.objects.exists()


def test_auditor_sees_the_program_but_cannot_screen(api, auditor, health, client_health):
    assert screen(api(auditor), health, client_health).status_code == 403
    assert not EligibilityScreening.objects.exists()


def test_a_client_the_worker_cannot_see_is_no_such_client(
    api, cm_mental_health, programs, client_health
):
    response = screen(api(cm_mental_health), programs["mental_health"], client_health)
    assert problem_fields(response, 422) == {"client_id"}


def test_impossible_answers_are_field_errors_and_nothing_is_saved(
    api, intake_health, health, client_health
):
    response = screen(
        api(intake_health),
        health,
        client_health,
        date_of_birth="2999-01-01",
        household_income=-5,
        household_size=0,
    )
    assert problem_fields(response, 422) == {
        "answers.date_of_birth",
        "answers.household_income",
        "answers.household_size",
    }
    assert not EligibilityScreening.objects.exists()


def test_missing_answers_give_cannot_tell_naming_the_rule(
    api, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    response = screen(api(intake_health), health, client_health, household_income=None)
    body = response.json()
    assert body["result"] == "undetermined"
    assert [r["rule"] for r in body["unknown_rules"]] == ["income"]


def test_ineligible_names_each_failed_rule(api, intake_health, health, client_health, set_rules):
    set_rules(health, **RULES)
    body = screen(
        api(intake_health), health, client_health, state="NJ", household_income=31301
    ).json()
    assert body["result"] == "ineligible"
    assert {r["rule"] for r in body["failed_rules"]} == {"state", "income"}


def test_screening_is_hidden_from_another_program(
    api, intake_health, cm_mental_health, health, client_health
):
    response = screen(api(intake_health), health, client_health)
    assert response.status_code == 201, response.content
    screening_id = response.json()["id"]
    assert api(intake_health).get(f"screenings/{screening_id}").status_code == 200
    assert api(cm_mental_health).get(f"screenings/{screening_id}").status_code == 404


# --- Override and enrollment ---------------------------------------------------------------


def test_override_requires_a_reason_and_is_audited(
    api, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    caller = api(intake_health)
    screening_id = screen(caller, health, client_health, state="NJ").json()["id"]
    path = f"screenings/{screening_id}/override"
    no_reason = caller.post(path, {"result": "eligible", "reason": "  "})
    assert problem_fields(no_reason, 422) == {"reason"}
    assert EligibilityScreening.objects.get(pk=screening_id).override_result == ""
    response = caller.post(path, {"result": "eligible", "reason": "Moving to NY next week."})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["result"], body["final_result"]) == ("ineligible", "eligible")
    audit = AuditEvent.objects.get(target_type="eligibility_screening", action="update")
    assert audit.actor == intake_health
    assert audit.changes["override_reason"] == ["", "Moving to NY next week."]


def test_another_program_cannot_override(
    api, intake_health, cm_mental_health, auditor, health, client_health
):
    response = screen(api(intake_health), health, client_health)
    assert response.status_code == 201, response.content
    screening_id = response.json()["id"]
    body = {"result": "ineligible", "reason": "No."}
    path = f"screenings/{screening_id}/override"
    assert api(cm_mental_health).post(path, body).status_code == 404
    assert api(auditor).post(path, body).status_code == 403
    assert EligibilityScreening.objects.get(pk=screening_id).override_result == ""


def referred_client(actor, program, **fields):
    data = {"given_name": "Ana", "family_name": "Ruiz", "date_of_birth": datetime.date(1990, 1, 2)}
    return clients.client_create(
        actor=actor,
        program=program,
        data=data | fields,
        enrollment_status=EnrollmentStatus.REFERRED,
    )


def test_waitlisted_when_the_program_is_at_capacity(
    api, intake_health, health, client_health, set_rules
):
    set_rules(health, capacity=1)  # client_health already holds the one active place
    newcomer = referred_client(intake_health, health)
    caller = api(intake_health)
    body = screen(caller, health, newcomer).json()
    assert body["result"] == "waitlisted"
    done = caller.post(f"screenings/{body['id']}/complete").json()
    enrollment = Enrollment.objects.get(pk=done["enrollment_id"])
    assert (enrollment.client, enrollment.status) == (newcomer, EnrollmentStatus.WAITLISTED)


def test_eligible_referral_becomes_active_and_ineligible_one_is_closed(
    api, intake_health, health, set_rules
):
    set_rules(health, **RULES)
    caller = api(intake_health)
    yes = referred_client(intake_health, health)
    no = referred_client(intake_health, health, given_name="Bo")
    yes_id = screen(caller, health, yes).json()["id"]
    no_id = screen(caller, health, no, state="NJ").json()["id"]
    assert caller.post(f"screenings/{yes_id}/complete").status_code == 200
    assert caller.post(f"screenings/{no_id}/complete").json()["enrollment_id"] is None
    assert Enrollment.objects.get(client=yes).status == EnrollmentStatus.ACTIVE
    assert Enrollment.objects.get(client=no).status == EnrollmentStatus.CLOSED
    assert not Enrollment.objects.open().filter(client=no).exists()


def test_cannot_tell_cannot_be_finished_until_answered_or_overridden(
    api, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    caller = api(intake_health)
    screening_id = screen(caller, health, client_health, household_size=None).json()["id"]
    refused = caller.post(f"screenings/{screening_id}/complete")
    assert problem_fields(refused, 422) == {"screening"}
    caller.post(
        f"screenings/{screening_id}/override",
        {"result": "eligible", "reason": "Lives alone; confirmed by phone."},
    )
    done = caller.post(f"screenings/{screening_id}/complete")
    assert done.status_code == 200, done.content
    again = caller.post(f"screenings/{screening_id}/complete")
    assert problem_fields(again, 422) == {"screening"}

"""The intake wizard and the rules admin page, through HTTP."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.audit.models import AuditEvent
from casework.clients.models import Client, Enrollment, EnrollmentStatus
from casework.intake.models import EligibilityRulesVersion, EligibilityScreening

pytestmark = pytest.mark.django_db

RULES = {
    "min_age": 18,
    "max_income_percent": 200,
    "states": ["NY"],
    "guideline_year": 2025,
    "questions": [
        {
            "key": "wants_help",
            "text": "Does the client want care coordination?",
            "required_answer": True,
        }
    ],
}


def sign_in(http, user):
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def page(response):
    return response.content.decode()


def search(http, program, **fields):
    query = {
        "program": program.pk,
        "given_name": "Ana",
        "family_name": "Ruiz",
        "date_of_birth_month": "1",
        "date_of_birth_day": "2",
        "date_of_birth_year": "1990",
        "phone": "",
    }
    return http.get(reverse("web:intake_start"), query | fields)


def new_client_form(**overrides):
    data = {
        "given_name": "Ana",
        "middle_name": "",
        "family_name": "Ruiz",
        "preferred_name": "",
        "date_of_birth_month": "1",
        "date_of_birth_day": "2",
        "date_of_birth_year": "1990",
        "sex": "0",
        "phone": "518-555-0199",
        "email": "",
        "address_line1": "",
        "address_line2": "",
        "city": "Albany",
        "state": "NY",
        "postal_code": "12207",
    }
    return data | overrides


def screening_form(**overrides):
    data = {
        "q_wants_help": "yes",
        "date_of_birth_month": "1",
        "date_of_birth_day": "2",
        "date_of_birth_year": "1990",
        "state": "NY",
        "county": "Albany",
        "postal_code": "12207",
        "household_size": "2",
        "household_income": "25000",
        "diagnosis_codes": "",
        "is_veteran": "no",
    }
    return data | overrides


# --- The wizard end to end -----------------------------------------------------------------


def test_wizard_creates_a_new_client_screens_and_enrolls(client, intake_health, health, set_rules):
    set_rules(health, **RULES)
    http = sign_in(client, intake_health)
    found = search(http, health)
    assert found.status_code == 200
    assert "No likely matches" in page(found)
    assert "There may be records you cannot see" in page(found)
    new_url = reverse("web:intake_new_client", args=[health.pk])
    assert new_url in page(found)

    prefilled = http.get(new_url, {"given_name": "Ana", "family_name": "Ruiz", "dob": "1990-01-02"})
    assert 'value="Ana"' in page(prefilled)
    created = http.post(new_url, new_client_form())
    assert created.status_code == 302
    ana = Client.objects.get(given_name="Ana")
    assert Enrollment.objects.get(client=ana).status == EnrollmentStatus.REFERRED
    screen_url = reverse("web:intake_screen", args=[health.pk, ana.pk])
    assert created["Location"] == screen_url

    form = http.get(screen_url)
    assert "Does the client want care coordination?" in page(form)
    screened = http.post(screen_url, screening_form())
    assert screened.status_code == 302
    screening = EligibilityScreening.objects.get(client=ana)
    assert screening.result == "eligible"
    assert screening.answers["questions"] == {"wants_help": True}
    result = http.get(screened["Location"])
    assert "Eligible" in page(result)
    assert "Enroll in Care Transitions" in page(result)

    finished = http.post(reverse("web:intake_finish", args=[screening.pk]))
    assert finished["Location"] == reverse("web:client_detail", args=[ana.pk])
    assert Enrollment.objects.get(client=ana).status == EnrollmentStatus.ACTIVE
    assert Client.objects.count() == 1


def test_choosing_an_existing_match_enrolls_that_client_without_creating_one(
    client, intake_health, cm_health, health, make_client, set_rules
):
    set_rules(health, **RULES)
    existing = make_client(
        "healthcare",
        actor=cm_health,
        given_name="Anna",
        family_name="Ruiz",
        date_of_birth=datetime.date(1990, 1, 2),
    )
    Enrollment.objects.filter(client=existing).update(
        status=EnrollmentStatus.CLOSED
    )  # set-up: an old episode
    http = sign_in(client, intake_health)
    found = search(http, health)
    screen_url = reverse("web:intake_screen", args=[health.pk, existing.pk])
    assert screen_url in page(found)
    assert "date of birth matches" in page(found).lower()
    http.post(screen_url, screening_form())
    screening = EligibilityScreening.objects.get(client=existing)
    http.post(reverse("web:intake_finish", args=[screening.pk]))
    assert Client.objects.count() == 1
    assert Enrollment.objects.open().get(client=existing).status == EnrollmentStatus.ACTIVE


def test_a_record_in_a_program_the_worker_cannot_see_does_not_leak(
    client, cm_mental_health, intake_health, health, make_client
):
    hidden = make_client(
        "mental_health",
        actor=cm_mental_health,
        given_name="Ana",
        family_name="Ruiz",
        date_of_birth=datetime.date(1990, 1, 2),
    )
    http = sign_in(client, intake_health)
    found = search(http, health)
    assert "No likely matches" in page(found)
    assert "There may be records you cannot see; if you think" in page(found)
    screen_url = reverse("web:intake_screen", args=[health.pk, hidden.pk])
    assert screen_url not in page(found)
    assert http.get(screen_url).status_code == 404


def test_search_is_audited_with_the_clients_shown(client, intake_health, health, client_health):
    http = sign_in(client, intake_health)
    search(
        http,
        health,
        given_name="Dolores",
        family_name="Abernathy",
        date_of_birth_month="4",
        date_of_birth_day="12",
        date_of_birth_year="1961",
    )
    event = AuditEvent.objects.filter(target_type="client_list").latest("id")
    assert event.details["client_ids"] == [client_health.pk]


def test_at_capacity_the_wizard_waitlists_and_says_the_position(
    client, intake_health, health, client_health, set_rules
):
    set_rules(health, capacity=1)  # client_health holds the only place
    http = sign_in(client, intake_health)
    http.post(reverse("web:intake_new_client", args=[health.pk]), new_client_form())
    ana = Client.objects.get(given_name="Ana")
    response = http.post(reverse("web:intake_screen", args=[health.pk, ana.pk]), screening_form())
    result = page(http.get(response["Location"]))
    assert "Eligible, waitlisted (program full)" in result
    assert "1 active enrollments for 1 places" in result
    screening = EligibilityScreening.objects.get(client=ana)
    finished = http.post(reverse("web:intake_finish", args=[screening.pk]), follow=True)
    assert "is waitlisted in Care Transitions (position 1 on the waiting list)" in page(finished)
    assert Enrollment.objects.get(client=ana).status == EnrollmentStatus.WAITLISTED


# --- Results, override, deny twins ---------------------------------------------------------


def test_ineligible_result_explains_and_finishing_does_not_enroll(
    client, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    Enrollment.objects.filter(client=client_health).update(status=EnrollmentStatus.CLOSED)
    http = sign_in(client, intake_health)
    url = reverse("web:intake_screen", args=[health.pk, client_health.pk])
    response = http.post(url, screening_form(household_size="1", household_income="33178"))
    result = http.get(response["Location"])
    assert (
        "Household income is 212% of the 2025 federal poverty guideline; "
        "this program&#x27;s limit is 200%"
    ) in page(result)
    screening = EligibilityScreening.objects.get()
    http.post(reverse("web:intake_finish", args=[screening.pk]))
    assert not Enrollment.objects.open().filter(client=client_health).exists()


def test_override_without_a_reason_is_refused_and_with_one_is_recorded(
    client, intake_health, health, client_health, set_rules
):
    set_rules(health, **RULES)
    http = sign_in(client, intake_health)
    http.post(
        reverse("web:intake_screen", args=[health.pk, client_health.pk]),
        screening_form(state="NJ"),
    )
    screening = EligibilityScreening.objects.get()
    url = reverse("web:intake_override", args=[screening.pk])
    refused = http.post(url, {"result": "eligible", "reason": ""})
    assert refused.status_code == 422
    assert "There is a problem" in page(refused)
    assert "Reason for the override: This field is required." in page(refused)
    screening.refresh_from_db()
    assert screening.override_result == ""
    http.post(url, {"result": "eligible", "reason": "Lives in NY from Monday."})
    screening.refresh_from_db()
    assert (screening.final_result, screening.overridden_by) == ("eligible", intake_health)
    assert AuditEvent.objects.filter(
        target_type="eligibility_screening", action="update", actor=intake_health
    ).exists()


def test_case_manager_of_another_program_cannot_run_intake_for_this_program(
    client, cm_mental_health, health, client_health
):
    http = sign_in(client, cm_mental_health)
    assert http.post(
        reverse("web:intake_new_client", args=[health.pk]), new_client_form()
    ).status_code == (404)
    assert http.post(
        reverse("web:intake_screen", args=[health.pk, client_health.pk]), screening_form()
    ).status_code == (404)
    assert not Client.objects.filter(given_name="Ana").exists()
    assert not EligibilityScreening.objects.exists()


@pytest.mark.parametrize("persona", ["cm_health", "sup_health", "org_admin"])
def test_staff_who_write_in_the_program_can_run_intake(client, request, persona, health):
    http = sign_in(client, request.getfixturevalue(persona))
    assert "Care Transitions" in page(http.get(reverse("web:intake_start")))
    response = http.post(reverse("web:intake_new_client", args=[health.pk]), new_client_form())
    assert response.status_code == 302


# --- Bad input -----------------------------------------------------------------------------


def test_future_birth_date_on_the_new_record_is_a_field_error_and_saves_nothing(
    client, intake_health, health
):
    http = sign_in(client, intake_health)
    response = http.post(
        reverse("web:intake_new_client", args=[health.pk]),
        new_client_form(date_of_birth_year="2999"),
    )
    assert response.status_code == 200
    assert "Date of birth cannot be in the future." in page(response)
    assert not Client.objects.exists()


def test_negative_income_and_empty_household_are_field_errors_and_save_nothing(
    client, intake_health, health, client_health
):
    http = sign_in(client, intake_health)
    response = http.post(
        reverse("web:intake_screen", args=[health.pk, client_health.pk]),
        screening_form(household_income="-1", household_size="0", date_of_birth_year="2999"),
    )
    body = page(response)
    assert "Household income cannot be negative." in body
    assert "Household size is 1 (the client alone)" in body
    assert "Date of birth cannot be in the future." in body
    assert not EligibilityScreening.objects.exists()


# --- Rules admin ---------------------------------------------------------------------------


def rules_form(version, **overrides):
    data = {
        "version": str(version),
        "min_age": "18",
        "max_age": "",
        "states": "NY",
        "counties": "Albany, Rensselaer",
        "postal_codes": "",
        "max_income_percent": "200",
        "guideline_year": "",
        "diagnosis_codes": "",
        "capacity": "25",
        "questions": "Does the client want care coordination? = yes",
    }
    return data | overrides


def test_admin_edits_rules_and_the_old_version_is_kept(client, org_admin, health):
    http = sign_in(client, org_admin)
    url = reverse("web:intake_rules", args=[health.pk])
    assert http.get(url).status_code == 200
    assert http.post(url, rules_form(0)).status_code == 302
    assert http.post(url, rules_form(1, min_age="21", capacity="30")).status_code == 302
    versions = {
        v.version: (v.rules["min_age"], v.capacity)
        for v in EligibilityRulesVersion.objects.filter(eligibility__program=health)
    }
    assert versions == {1: (18, 25), 2: (21, 30)}
    stored = EligibilityRulesVersion.objects.get(version=2).rules
    assert stored["counties"] == ["Albany", "Rensselaer"]
    assert stored["questions"][0] == {
        "key": "does_the_client_want_care_coordinati",
        "text": "Does the client want care coordination?",
        "required_answer": True,
    }
    assert "Versions" in page(http.get(url))


def test_rule_errors_name_the_field_and_save_nothing(client, org_admin, health):
    http = sign_in(client, org_admin)
    url = reverse("web:intake_rules", args=[health.pk])
    response = http.post(url, rules_form(0, max_age="10", states="XX", questions="Pregnant?"))
    assert response.status_code == 422
    body = page(response)
    assert "Line 1: end the question with = yes or = no." in body
    response = http.post(url, rules_form(0, max_age="10", states="XX"))
    body = page(response)
    assert "Maximum age (years): The maximum age must be at least the minimum age." in body
    assert "Unknown state codes: XX" in body
    assert not EligibilityRulesVersion.objects.exists()


def test_stale_rules_edit_is_a_conflict_not_an_overwrite(client, org_admin, health, set_rules):
    set_rules(health, min_age=30)
    http = sign_in(client, org_admin)
    response = http.post(reverse("web:intake_rules", args=[health.pk]), rules_form(0))
    assert response.status_code == 409
    assert EligibilityRulesVersion.objects.count() == 1


def test_rules_list_shows_only_programs_the_user_administers(
    client, org_admin, program_admin_health, health, programs
):
    everything = page(sign_in(client, org_admin).get(reverse("web:intake_rules_list")))
    assert all(p.name in everything for p in programs.values())
    own = page(sign_in(client, program_admin_health).get(reverse("web:intake_rules_list")))
    assert health.name in own
    assert programs["mental_health"].name not in own


def test_case_managers_cannot_edit_rules(client, cm_health, cm_mental_health, health):
    url = reverse("web:intake_rules", args=[health.pk])
    assert sign_in(client, cm_health).post(url, rules_form(0)).status_code == 403
    assert sign_in(client, cm_mental_health).post(url, rules_form(0)).status_code == 404
    assert not EligibilityRulesVersion.objects.exists()
    assert sign_in(client, cm_health).get(reverse("web:intake_rules_list")).status_code == 403


def test_search_page_query_count_does_not_grow_with_matches(
    client, intake_health, cm_health, health, make_client
):
    def add(n):
        make_client(
            "healthcare",
            actor=cm_health,
            given_name="Ana" + "x" * n,
            family_name="Ruiz",
            date_of_birth=datetime.date(1990, 1, 2),
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = search(http, health)
        return len(captured), page(response).count("Use this client")

    http = sign_in(client, intake_health)
    add(0)
    search(http, health)  # warm the session, access and population caches
    one = queries()
    for n in range(1, 6):
        add(n)
    six = queries()
    assert (one[1], six[1]) == (1, 6)
    assert six[0] == one[0] <= 15

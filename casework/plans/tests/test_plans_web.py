"""Plan pages: build from needs, edit goals, sign, print, review, sections."""

from __future__ import annotations

import datetime

from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.assessments.models import Assessment
from casework.clients.models import Client
from casework.plans.models import Goal, ServicePlan

SOON = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()


def web(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_build_edit_sign_print_review(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    http.post(
        f"/clients/{client_health.pk}/assessments/new/needs/",
        {"housing": "1", "note_housing": "Couch-surfing since May", "food": "4"},
    )
    assessment = Assessment.objects.get()
    made = http.post(
        f"/clients/{client_health.pk}/plans/from-needs/", {"assessment": assessment.pk}
    )
    plan = ServicePlan.objects.get()
    assert made["Location"] == f"/plans/{plan.pk}/"
    page = http.get(f"/plans/{plan.pk}/").content.decode()
    assert "Couch-surfing since May" in page
    goal = Goal.objects.get()
    http.post(
        f"/plans/goals/{goal.pk}/edit/",
        {
            "client_words": "My own place",
            "measurable": "Lease signed",
            "target_date": SOON,
            "priority": "high",
            "status": "active",
        },
    )
    http.post(
        f"/plans/goals/{goal.pk}/interventions/add/",
        {"what": "Housing search", "frequency": "weekly", "responsible": "client"},
    )
    signed = http.post(
        f"/plans/{plan.pk}/sign/",
        {
            "method": "typed",
            "signed_name": "Dolores",
            "signed_on": datetime.date.today().isoformat(),
        },
    )
    assert signed.status_code == 302, signed.content.decode()[:3000]
    printed = http.get(f"/plans/{plan.pk}/print/").content.decode()
    assert "My own place" in printed
    assert "I will: housing search (weekly)" in printed
    assert "Signed by Dolores" in printed
    reviewed = http.post(
        f"/plans/{plan.pk}/review/",
        {
            "goal_key": str(goal.key),
            f"progress_{goal.key}": "good",
            f"status_{goal.key}": "active",
            "note": "On track",
        },
    )
    assert reviewed.status_code == 302
    assert plan.versions.count() == 2
    assert plan.latest.goals.get().progress == "good"


def test_sign_without_a_name_keeps_what_was_typed(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    http.post(f"/clients/{client_health.pk}/plans/from-needs/")
    plan = ServicePlan.objects.get()
    http.post(
        f"/plans/{plan.pk}/goals/add/",
        {"client_words": "Work", "measurable": "A job", "target_date": SOON},
    )
    response = http.post(
        f"/plans/{plan.pk}/sign/",
        {"method": "not_signed", "not_signed_reason": "no", "signed_name": "Typed Name"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Say why the client did not sign" in text
    assert 'value="Typed Name"' in text


def test_safety_section_form(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    http.post(f"/clients/{client_health.pk}/plans/from-needs/")
    plan = ServicePlan.objects.get()
    page = http.get(f"/plans/{plan.pk}/sections/safety/").content.decode()
    assert "988" in page
    saved = http.post(
        f"/plans/{plan.pk}/sections/safety/",
        {
            "warning_signs": "Not sleeping\nSkipping meals",
            "help_people": "Maeve | 555-0100",
            "crisis_line": "988 Suicide & Crisis Lifeline: call or text 988",
            "reasons_for_living": "My daughter",
        },
    )
    assert saved.status_code == 302
    section = ServicePlan.objects.get().latest.sections["safety"]
    assert section["warning_signs"] == ["Not sleeping", "Skipping meals"]
    assert section["help_people"] == [{"name": "Maeve", "phone": "555-0100"}]
    bad = http.post(f"/plans/{plan.pk}/sections/ipe/", {"employment_goal": "x"})
    assert bad.status_code == 200
    assert "eligibility_date" in bad.content.decode()


def test_discharge_section_shows_scores_and_gaps(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    http.post(
        f"/clients/{client_health.pk}/assessments/new/lace/",
        {"los": "5", "acuity": "yes", "comorbidity": ["chf", "copd"], "ed_visits": "2"},
    )
    http.post(f"/clients/{client_health.pk}/plans/from-needs/")
    plan = ServicePlan.objects.get()
    page = http.get(f"/plans/{plan.pk}/sections/discharge/").content.decode()
    assert "Readmission risk" in page
    assert "LACE" in page
    saved = http.post(
        f"/plans/{plan.pk}/sections/discharge/",
        {
            "destination": "home_health",
            "discharged_on": "2026-03-01",
            "follow_up_date": "2026-03-12",
            "post_acute": "home_health | nursing visits | Acme Home Care, Best Home Health |",
        },
    )
    assert saved.status_code == 302
    detail = http.get(f"/plans/{plan.pk}/").content.decode()
    assert "more than 7 days after discharge" in detail
    assert "choice of home_health provider is not recorded" in detail


def test_objective_added_and_printed(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    http.post(f"/clients/{client_health.pk}/plans/from-needs/")
    plan = ServicePlan.objects.get()
    http.post(f"/plans/{plan.pk}/goals/add/", {"client_words": "Work", "measurable": "A job"})
    goal = Goal.objects.get()
    http.post(
        f"/plans/goals/{goal.pk}/objectives/add/", {"text": "Update my resume", "target_date": SOON}
    )
    assert "Update my resume" in http.get(f"/plans/{plan.pk}/print/").content.decode()

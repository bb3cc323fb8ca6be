"""The care team: staff and outside members; sharing with an outsider needs a consent."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from casework.caseload.careteam import sharing_consent
from casework.caseload.models import CareTeamMember
from casework.clients import consent as consents


def _http(user: Any) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_sharing_with_an_outside_member_needs_a_consent_naming_them(
    cm_health: Any, client_health: Any
) -> None:
    http = _http(cm_health)
    added = http.post(
        f"/clients/{client_health.pk}/care-team/",
        {"role": "probation_officer", "name": "Ashley Stubbs", "agency": "County Probation"},
    )
    assert added.status_code == 302
    member = CareTeamMember.objects.get(client=client_health)
    assert member.external
    page = http.get(f"/clients/{client_health.pk}/care-team/").content.decode()
    assert "No consent: do not share" in page
    refused = http.get(f"/clients/{client_health.pk}/summary/?for={member.pk}")
    assert refused.status_code == 403
    consents.consent_record(
        actor=cm_health,
        client=client_health,
        data={
            "recipient_name": "Ashley Stubbs",
            "categories": ["general"],
            "purpose": "Court reporting",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    assert sharing_consent(member) is not None
    allowed = http.get(f"/clients/{client_health.pk}/summary/?for={member.pk}")
    assert allowed.status_code == 200
    assert "Prepared for Ashley Stubbs" in allowed.content.decode()


def test_another_programs_case_manager_cannot_see_or_change_the_care_team(
    cm_health: Any, cm_mental_health: Any, client_health: Any
) -> None:
    _http(cm_health).post(
        f"/clients/{client_health.pk}/care-team/", {"role": "landlord", "name": "Logan Delos"}
    )
    member = CareTeamMember.objects.get()
    intruder = _http(cm_mental_health)
    assert intruder.get(f"/clients/{client_health.pk}/care-team/").status_code == 404
    assert intruder.post(f"/care-team/{member.pk}/remove/").status_code == 404
    member.refresh_from_db()
    assert member.ended_at is None


def test_the_summary_shows_the_plan_in_force_and_recent_scores_within_the_consent(
    cm_health: Any, client_health: Any
) -> None:
    from casework.assessments.services import assessment_record
    from casework.clients.models import Enrollment
    from casework.plans import services as plans

    enrollment = Enrollment.objects.get(client=client_health)
    plan = plans.plan_open(actor=cm_health, enrollment=enrollment)
    goal = plans.goal_save(actor=cm_health, plan=plan, data={"client_words": "Keep my apartment"})
    plans.objective_add(actor=cm_health, goal=goal, text="Pay rent by the 5th")
    assessment_record(
        actor=cm_health,
        client=client_health,
        instrument_code="phq9",
        answers={f"q{n}": 1 for n in range(1, 10)},
    )
    http = _http(cm_health)
    page = http.get(f"/clients/{client_health.pk}/summary/").content.decode()
    assert "Keep my apartment" in page
    assert "Pay rent by the 5th" in page
    assert "draft, not yet agreed" in page
    assert "PHQ-9" in page
    assert ">9<" in page  # the total score
    # For an outside member whose consent releases general information only: the plan,
    # but not the mental-health score.
    http.post(
        f"/clients/{client_health.pk}/care-team/",
        {"role": "landlord", "name": "Logan Delos"},
    )
    member = CareTeamMember.objects.get(client=client_health)
    consents.consent_record(
        actor=cm_health,
        client=client_health,
        data={
            "recipient_name": "Logan Delos",
            "categories": ["general"],
            "purpose": "Tenancy support",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
    )
    shared = http.get(f"/clients/{client_health.pk}/summary/?for={member.pk}").content.decode()
    assert "Keep my apartment" in shared
    assert "PHQ-9" not in shared
    assert "No assessments that this consent releases" in shared


def test_the_api_answers_the_same_summary_and_audits_it_as_an_export(
    cm_health: Any, cm_mental_health: Any, client_health: Any
) -> None:
    from casework.assessments.services import assessment_record
    from casework.audit.models import AuditEvent
    from casework.clients.models import Enrollment
    from casework.plans import services as plans

    plan = plans.plan_open(actor=cm_health, enrollment=Enrollment.objects.get(client=client_health))
    plans.goal_save(actor=cm_health, plan=plan, data={"client_words": "Keep my apartment"})
    assessment_record(
        actor=cm_health,
        client=client_health,
        instrument_code="phq9",
        answers={f"q{n}": 1 for n in range(1, 10)},
    )
    path = f"/api/v1/clients/{client_health.pk}/continuity-summary"
    body = _http(cm_health).get(path).json()
    assert body["plans"][0]["goals"][0]["text"] == "Keep my apartment"
    assert body["scores"][0]["instrument"] == "PHQ-9"
    assert body["scores"][0]["total"] == 9
    row = AuditEvent.objects.filter(target_type="continuity_summary", action="export").last()
    assert row is not None
    assert row.details["assessment_ids"] == [body["scores"][0]["assessment_id"]]
    bad = _http(cm_health).get(f"{path}?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 422
    assert "end" in bad.content.decode()
    assert _http(cm_mental_health).get(path).status_code == 404

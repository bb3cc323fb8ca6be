"""Service plans through the JSON API: build from needs, versions, signature, approval,
review, sections, the IPE clock, FHIR CarePlan, and who may see them."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient

from casework.accounts.models import Program, User
from casework.clients.models import Client
from casework.plans.models import Goal, PlanSettings, PlanVersion
from casework.plans.queries import ipe_deadlines, plan_reviews_due
from casework.plans.sections import ipe_clock

TODAY = datetime.date.today()


def api(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def call(http: HttpClient, method: str, url: str, body: Any = None) -> Any:
    send = getattr(http, method)
    if method == "get":
        return send(f"/api/v1{url}")
    return send(f"/api/v1{url}", data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def plan(client_health: Client, cm_health: User) -> dict[str, Any]:
    """A plan built from a needs assessment rating housing 1 and food 2."""
    http = api(cm_health)
    made = call(
        http,
        "post",
        f"/clients/{client_health.pk}/assessments",
        {"instrument": "needs", "answers": {"housing": 1, "food": 2, "legal": 4}},
    ).json()
    response = call(
        http,
        "post",
        f"/clients/{client_health.pk}/plans/from-needs",
        {"assessment_ids": [made["id"]]},
    )
    assert response.status_code == 201, response.content
    return response.json()


def fill_goals(http: HttpClient, plan: dict[str, Any]) -> None:
    for goal in Goal.objects.filter(version__plan_id=plan["id"]):
        goal.client_words, goal.measurable = "A place of my own", "Signed lease by the date"
        goal.target_date, goal.status = TODAY + datetime.timedelta(days=60), "active"
        goal.save()


def test_build_from_needs_links_needs_to_the_assessment(plan: dict[str, Any]) -> None:
    version = plan["version"]
    assert [n["domain"] for n in version["needs"]] == ["housing", "food"]
    assert all(n["assessment_id"] for n in version["needs"])
    assert [g["need_domain"] for g in version["goals"]] == ["housing", "food"]
    assert {g["status"] for g in version["goals"]} == {"proposed"}
    assert version["review_due"] == (TODAY + datetime.timedelta(days=90)).isoformat()


def test_sign_refused_until_goals_are_complete_then_version_frozen(
    plan: dict[str, Any], cm_health: User
) -> None:
    http = api(cm_health)
    url = f"/plans/{plan['id']}/sign"
    refused = call(http, "post", url, {"method": "typed", "signed_name": "Dolores"})
    assert refused.status_code == 422
    assert "measurable" in refused.content.decode()
    fill_goals(http, plan)
    no_reason = call(http, "post", url, {"method": "not_signed"})
    assert no_reason.status_code == 422
    signed = call(http, "post", url, {"method": "typed", "signed_name": "Dolores"})
    assert signed.status_code == 200, signed.content
    assert signed.json()["version"]["status"] == "signed"
    version = PlanVersion.objects.get(plan_id=plan["id"], number=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        PlanVersion.objects.filter(pk=version.pk).update(review_note="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Goal.objects.filter(version=version).update(client_words="changed")
    # Adding a goal now starts version 2 (a draft), leaving version 1 as signed.
    added = call(http, "post", f"/plans/{plan['id']}/goals", {"client_words": "Get a job"})
    assert added.json()["version"]["number"] == 2
    assert len(added.json()["version"]["goals"]) == 3


def test_drawn_signature_and_not_signed_reason(plan: dict[str, Any], cm_health: User) -> None:
    http = api(cm_health)
    fill_goals(http, plan)
    url = f"/plans/{plan['id']}/sign"
    empty = call(http, "post", url, {"method": "drawn", "signed_name": "D"})
    assert empty.status_code == 422
    bad = call(
        http, "post", url, {"method": "drawn", "signed_name": "D", "signature_image": "<svg>"}
    )
    assert bad.status_code == 422
    good = call(
        http,
        "post",
        url,
        {"method": "drawn", "signed_name": "D", "signature_image": "M1 2 L3 4 L5 6"},
    )
    assert good.status_code == 200


def test_approval_round_trip(
    plan: dict[str, Any], cm_health: User, sup_health: User, programs: dict[str, Program]
) -> None:
    PlanSettings.objects.create(program=programs["healthcare"], requires_approval=True)
    http, sup = api(cm_health), api(sup_health)
    fill_goals(http, plan)
    sign = {"method": "typed", "signed_name": "Dolores"}
    assert call(http, "post", f"/plans/{plan['id']}/sign", sign).status_code == 422
    assert (
        call(http, "post", f"/plans/{plan['id']}/submit").json()["version"]["status"] == "submitted"
    )
    # A case manager cannot decide; a return needs a comment.
    assert call(http, "post", f"/plans/{plan['id']}/decision", {"approve": True}).status_code == 403
    assert call(sup, "post", f"/plans/{plan['id']}/decision", {"approve": False}).status_code == 422
    returned = call(
        sup,
        "post",
        f"/plans/{plan['id']}/decision",
        {"approve": False, "comment": "Add a food goal date."},
    )
    assert returned.json()["version"]["status"] == "returned"
    assert returned.json()["version"]["supervisor_comment"] == "Add a food goal date."
    call(http, "post", f"/plans/{plan['id']}/submit")
    approved = call(sup, "post", f"/plans/{plan['id']}/decision", {"approve": True})
    assert approved.json()["version"]["status"] == "approved"
    assert call(http, "post", f"/plans/{plan['id']}/sign", sign).status_code == 200


def test_review_records_progress_and_creates_next_version(
    plan: dict[str, Any], cm_health: User
) -> None:
    http = api(cm_health)
    fill_goals(http, plan)
    call(http, "post", f"/plans/{plan['id']}/sign", {"method": "typed", "signed_name": "D"})
    keys = [g["key"] for g in plan["version"]["goals"]]
    review = call(
        http,
        "post",
        f"/plans/{plan['id']}/review",
        {
            "progress": {
                keys[0]: {"progress": "achieved", "status": "achieved", "note": "Moved in"}
            },
            "note": "90-day review",
        },
    )
    assert review.status_code == 201, review.content
    version = review.json()["version"]
    assert version["number"] == 2
    assert version["reviewed_on"] == TODAY.isoformat()
    first = next(g for g in version["goals"] if g["key"] == keys[0])
    assert (first["progress"], first["status"], first["progress_note"]) == (
        "achieved",
        "achieved",
        "Moved in",
    )
    old = call(http, "get", f"/plans/{plan['id']}?version=1").json()["version"]
    assert old["status"] == "signed"
    assert old["goals"][0]["progress"] == ""


def test_reviews_due_and_overdue(plan: dict[str, Any], cm_health: User) -> None:
    http = api(cm_health)
    fill_goals(http, plan)
    call(http, "post", f"/plans/{plan['id']}/sign", {"method": "typed", "signed_name": "D"})
    assert plan_reviews_due(on=TODAY) == []
    later = TODAY + datetime.timedelta(days=91)
    (due,) = plan_reviews_due(on=later)
    assert due["plan_id"] == plan["id"]
    assert due["overdue"] is True
    assert plan_reviews_due(on=TODAY, within_days=90)[0]["overdue"] is False


def test_ipe_clock_without_and_with_extension() -> None:
    eligible = datetime.date(2026, 1, 1)
    plain = ipe_clock({"eligibility_date": "2026-01-01"}, signed_on=None, today=eligible)
    assert plain["deadline"] == datetime.date(2026, 4, 1)
    assert plain["alert"] == ""
    day60 = ipe_clock(
        {"eligibility_date": "2026-01-01"}, signed_on=None, today=datetime.date(2026, 3, 2)
    )
    assert (day60["days_left"], day60["alert"]) == (30, "30_days")
    day80 = ipe_clock(
        {"eligibility_date": "2026-01-01"}, signed_on=None, today=datetime.date(2026, 3, 22)
    )
    assert (day80["days_left"], day80["alert"]) == (10, "10_days")
    extended = ipe_clock(
        {"eligibility_date": "2026-01-01", "extension_to": "2026-05-15"},
        signed_on=None,
        today=datetime.date(2026, 3, 22),
    )
    assert extended["deadline"] == datetime.date(2026, 5, 15)
    assert extended["alert"] == ""
    met = ipe_clock(
        {"eligibility_date": "2026-01-01"},
        signed_on=datetime.date(2026, 3, 1),
        today=datetime.date(2026, 6, 1),
    )
    assert met["met"]
    assert met["alert"] == ""
    assert met["annual_review_due"] == datetime.date(2027, 3, 1)


def test_ipe_section_extension_needs_reason_and_agreement(
    plan: dict[str, Any], cm_health: User
) -> None:
    http = api(cm_health)
    url = f"/plans/{plan['id']}/sections/ipe"
    body = {
        "eligibility_date": "2026-01-01",
        "extension_to": "2026-05-15",
        "employment_goal": "Forklift operator",
    }
    refused = call(http, "put", url, body)
    assert refused.status_code == 422
    assert "extension_reason" in refused.content.decode()
    body |= {"extension_reason": "Waiting for medical records", "extension_agreed_on": "2026-03-20"}
    saved = call(http, "put", url, body).json()
    assert saved["ipe_clock"]["deadline"] == "2026-05-15"
    assert ipe_deadlines(client_ids=[plan["client_id"]])[0]["extended"] is True
    bad = call(http, "put", f"/plans/{plan['id']}/sections/safety", {"warning_signs": "x", "zz": 1})
    assert bad.status_code == 422


def test_safety_section_prefills_988(plan: dict[str, Any], cm_health: User) -> None:
    saved = call(
        api(cm_health),
        "put",
        f"/plans/{plan['id']}/sections/safety",
        {"warning_signs": ["Not sleeping"]},
    ).json()
    assert "988" in saved["version"]["sections"]["safety"]["crisis_line"]


def test_fhir_careplan_parses_with_allowed_codes(plan: dict[str, Any], cm_health: User) -> None:
    from fhir.resources.R4B.careplan import CarePlan
    from fhir.resources.R4B.goal import Goal as FhirGoal

    http = api(cm_health)
    fill_goals(http, plan)
    goal_id = plan["version"]["goals"][0]["id"]
    call(
        http,
        "post",
        f"/plans/{plan['id']}/goals/{goal_id}/interventions",
        {
            "what": "Apply for Section 8",
            "frequency": "once",
            "responsible": "organization",
            "responsible_name": "Troy Housing Authority",
        },
    )
    for step in ("draft", "signed"):
        if step == "signed":
            call(http, "post", f"/plans/{plan['id']}/sign", {"method": "typed", "signed_name": "D"})
        resource = call(http, "get", f"/plans/{plan['id']}/fhir").json()
        parsed = CarePlan.model_validate(resource)
        assert parsed.status in {
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        }
        assert parsed.intent in {"proposal", "plan", "order", "option"}
        for contained in resource["contained"]:
            goal = FhirGoal.model_validate(contained)
            assert goal.lifecycleStatus in {
                "proposed",
                "planned",
                "accepted",
                "active",
                "on-hold",
                "completed",
                "cancelled",
                "entered-in-error",
                "rejected",
            }
        for activity in resource["activity"]:
            assert activity["detail"]["status"] in {
                "not-started",
                "scheduled",
                "in-progress",
                "on-hold",
                "completed",
                "cancelled",
                "stopped",
                "unknown",
                "entered-in-error",
            }
    assert resource["status"] == "active"


@pytest.mark.parametrize("who", ["partner", "cm_mental_health", "other_agency_admin"])
def test_outsiders_cannot_see_plans(
    plan: dict[str, Any], who: str, request: pytest.FixtureRequest
) -> None:
    http = api(request.getfixturevalue(who))
    for url in (f"/plans/{plan['id']}", f"/plans/{plan['id']}/fhir", "/plans/999999"):
        assert call(http, "get", url).status_code == 404


def test_sweep_alerts_ipe_and_overdue_review_once(
    plan: dict[str, Any], cm_health: User, client_health: Client
) -> None:
    from casework.clients.models import Enrollment
    from casework.notifications.models import Notification
    from casework.plans.notices import deadline_sweep

    Enrollment.objects.filter(pk=plan["enrollment_id"]).update(primary_case_manager=cm_health)
    eligible = TODAY - datetime.timedelta(days=70)  # 20 days left
    call(
        api(cm_health),
        "put",
        f"/plans/{plan['id']}/sections/ipe",
        {"eligibility_date": eligible.isoformat()},
    )
    assert deadline_sweep() == 1
    assert deadline_sweep() == 0  # once per threshold
    assert Notification.objects.get(kind="ipe_deadline").recipient == cm_health
    assert deadline_sweep(on=TODAY + datetime.timedelta(days=12)) == 1  # 8 days left

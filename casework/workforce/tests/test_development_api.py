"""The staff development JSON API: the same rules as the pages (staff their own record,
supervisors their team's, nobody else; administrators edit the framework with If-Match)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts.models import Program, Role, User
from casework.accounts.services import membership_grant
from casework.audit.models import AuditEvent
from casework.casenotes import services as notes
from casework.clients.models import Client
from casework.conftest import make_user
from casework.workforce import services as workforce
from casework.workforce.development import services
from casework.workforce.development.models import CompetencyFramework

pytestmark = pytest.mark.django_db
SKILLS = ["advocacy", "organization", "crisis", "documentation", "communication"]
PROBLEM = "application/problem+json"


class Api:
    def __init__(self, user: User) -> None:
        self.http = HttpClient()
        self.http.force_login(user)

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        send = getattr(self.http, method)
        if body is None:
            return send(f"/api/v1{path}", **extra)
        return send(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **extra
        )

    def get(self, path: str) -> Any:
        return self.call("get", path)


def ratings(level: str) -> dict[str, Any]:
    return {"ratings": {code: {"level": level, "comment": f"On {code}"} for code in SKILLS}}


def fields(response: Any, status: int) -> set[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"] for error in response.json()["errors"]}


# --- framework --------------------------------------------------------------------------------


def test_staff_read_the_framework_and_admins_save_a_version_with_if_match(
    cm_health: User, sup_health: User, auditor: User, org_admin: User
) -> None:
    read = Api(cm_health).get("/development/framework")
    assert read.status_code == 200
    assert read["ETag"] == '"1"'
    body = read.json()
    assert [s["code"] for s in body["skills"]] == SKILLS
    skills = [
        {k: s[k] for k in ("code", "name", "description", "indicators")} for s in body["skills"]
    ]
    new = {
        "name": "Trauma-informed practice",
        "description": "Avoids re-traumatising clients.",
        "indicators": {
            lv: f"{lv} text" for lv in ("developing", "competent", "proficient", "expert")
        },
    }
    payload = {"skills": [*skills, new]}
    for user in (cm_health, sup_health, auditor):
        assert (
            Api(user).call("put", "/development/framework", payload, if_match='"1"').status_code
            == 403
        )
    admin = Api(org_admin)
    assert admin.call("put", "/development/framework", payload).status_code == 428
    saved = admin.call("put", "/development/framework", payload, if_match='"1"')
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == '"2"'
    assert saved.json()["agency_edition"] is True
    assert saved.json()["skills"][-1]["code"] == "trauma_informed_practice"
    assert saved.json()["skills"][-1]["origin"] == "agency"
    stale = admin.call("put", "/development/framework", payload, if_match='"1"')
    assert stale.status_code == 412
    # Staff of the agency now read the agency's edition.
    assert Api(cm_health).get("/development/framework").json()["version"] == 2


def test_a_framework_with_a_level_missing_names_the_field(org_admin: User) -> None:
    bad = {
        "skills": [
            {"name": "X", "description": "d", "indicators": {"developing": "a", "competent": "b"}}
        ]
    }
    response = Api(org_admin).call("put", "/development/framework", bad, if_match='"1"')
    assert fields(response, 422) == {"skills.0.indicators"}
    assert not CompetencyFramework.objects.filter(organization__isnull=False).exists()


# --- a review from start to locked -----------------------------------------------------------


def test_a_review_goes_from_start_to_locked_through_the_api(
    cm_health: User, sup_health: User
) -> None:
    sup, staff = Api(sup_health), Api(cm_health)
    assert (
        staff.call(
            "post", "/development/reviews", {"staff_id": cm_health.pk, "due_on": "2026-06-30"}
        ).status_code
        == 403
    )
    started = sup.call(
        "post", "/development/reviews", {"staff_id": cm_health.pk, "due_on": "2026-06-30"}
    )
    assert started.status_code == 201, started.content
    review_id = started.json()["id"]
    path = f"/development/reviews/{review_id}"
    assert fields(staff.call("post", f"{path}/self-rating", {"ratings": {}}), 422)
    assert staff.call("post", f"{path}/self-rating", ratings("proficient")).status_code == 200
    seen = sup.get(path).json()
    assert seen["ratings"][0]["self_level"] == "proficient"
    assert seen["ratings"][0]["supervisor_level"] is None
    assert sup.call("post", f"{path}/self-rating", ratings("expert")).status_code == 403
    assert sup.call("post", f"{path}/supervisor-rating", ratings("competent")).status_code == 200
    assert staff.get(path).json()["ratings"][0]["differs"] is True
    assert staff.call("post", f"{path}/sign").json()["can_sign"] is False
    locked = sup.call("post", f"{path}/sign").json()
    assert (locked["status"], locked["locked"]) == ("locked", True)
    assert [r["id"] for r in staff.get("/development/reviews").json()] == [review_id]
    assert AuditEvent.objects.filter(
        actor=sup_health, action="view", target_type="workforce.competencyreview"
    ).exists()


def test_the_supervisor_does_not_see_a_self_rating_before_it_is_sent(
    cm_health: User, sup_health: User
) -> None:
    review = services.review_start(actor=sup_health, staff=cm_health, due_on=date(2026, 6, 30))
    row = Api(sup_health).get(f"/development/reviews/{review.pk}").json()["ratings"][0]
    assert (row["self_level"], row["self_comment"]) == (None, None)


def test_nobody_but_the_staff_member_and_their_supervisor_reaches_a_review(
    cm_health: User,
    sup_health: User,
    cm_mental_health: User,
    org_admin: User,
    auditor: User,
    programs: dict[str, Program],
) -> None:
    review = services.review_start(actor=sup_health, staff=cm_health, due_on=date(2026, 6, 30))
    goal = services.goal_create(
        actor=cm_health,
        staff=cm_health,
        data={
            "skill_code": "crisis",
            "what": "Shadow",
            "by_when": date(2026, 9, 1),
            "method": "shadowing",
        },
    )
    other_sup = make_user("sup.mental@example.org")
    membership_grant(
        actor=None, user=other_sup, role=Role.SUPERVISOR, program=programs["mental_health"]
    )
    calls = [
        ("get", f"/development/reviews/{review.pk}", None),
        ("get", f"/development/reviews?staff_id={cm_health.pk}", None),
        ("get", f"/development/reviews/{review.pk}/evidence-choices", None),
        ("post", f"/development/reviews/{review.pk}/self-rating", ratings("expert")),
        ("post", f"/development/reviews/{review.pk}/sign", None),
        (
            "post",
            f"/development/reviews/{review.pk}/evidence",
            {"skill_code": "crisis", "record": "task:1"},
        ),
        ("get", f"/development/goals?staff_id={cm_health.pk}", None),
        ("post", f"/development/goals/{goal.pk}/complete", {"completed_on": "2026-01-05"}),
        (
            "post",
            "/development/goals",
            {
                "staff_id": cm_health.pk,
                "skill_code": "crisis",
                "what": "x",
                "by_when": "2026-09-01",
                "method": "training",
            },
        ),
        ("post", "/development/reviews", {"staff_id": cm_health.pk, "due_on": "2026-12-01"}),
    ]
    for outsider in (cm_mental_health, org_admin, auditor, other_sup):
        api = Api(outsider)
        for method, path, body in calls:
            response = api.call(method, path, body)
            assert response.status_code == 404, (outsider, method, path, response.content)
        assert api.get("/development/reviews").json() == []
        assert cm_health.pk not in {
            row["staff_id"] for row in api.get("/development/schedule").json()
        }
    assert Api(sup_health).get(f"/development/goals?staff_id={cm_health.pk}").status_code == 200
    schedule = Api(sup_health).get("/development/schedule").json()
    mine = next(row for row in schedule if row["staff_id"] == cm_health.pk)
    assert mine["review_in_progress_id"] == review.pk
    assert mine["next_review_due"] is not None


# --- goals and evidence ----------------------------------------------------------------------


def test_a_goal_is_set_and_closed_with_a_ce_record_through_the_api(
    cm_health: User, cm_mental_health: User
) -> None:
    api = Api(cm_health)
    created = api.call(
        "post",
        "/development/goals",
        {
            "skill_code": "crisis",
            "what": "Lead a de-escalation",
            "by_when": "2026-06-30",
            "method": "ce_course",
        },
    )
    assert created.status_code == 201, created.content
    goal_id = created.json()["id"]
    ce = workforce.continuing_education_create(
        actor=cm_health,
        user=cm_health,
        data={
            "provider": "NASW",
            "course": "De-escalation",
            "completed_on": date(2026, 1, 10),
            "hours": Decimal("6"),
            "category": "clinical",
        },
    )
    theirs = workforce.continuing_education_create(
        actor=cm_mental_health,
        user=cm_mental_health,
        data={
            "provider": "NASW",
            "course": "Other",
            "completed_on": date(2026, 1, 10),
            "hours": Decimal("6"),
            "category": "clinical",
        },
    )
    path = f"/development/goals/{goal_id}/complete"
    refused = api.call("post", path, {"completed_on": "2026-01-12", "evidence_ce_id": theirs.pk})
    assert fields(refused, 422) == {"evidence_ce_id"}
    done = api.call("post", path, {"completed_on": "2026-01-12", "evidence_ce_id": ce.pk})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["evidence_ce_id"]) == ("completed", ce.pk)
    bad = api.call(
        "post",
        "/development/goals",
        {"skill_code": "juggling", "what": "x", "by_when": "2026-06-30", "method": "other"},
    )
    assert fields(bad, 422) == {"skill_code"}


def test_evidence_is_linked_shown_and_removed_through_the_api(
    cm_health: User, sup_health: User, client_health: Client, programs: dict[str, Program]
) -> None:
    note = notes.note_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        data={
            "note_type": "contact",
            "contact_method": "phone",
            "duration_minutes": 10,
            "sections": {"purpose": "Rent.", "summary": "Rent call.", "next_steps": "Call back."},
            "service_at": timezone.now() - timedelta(hours=2),
        },
    )
    notes.note_sign(actor=cm_health, note=note, expected_version=note.version)
    review = services.review_start(actor=sup_health, staff=cm_health, due_on=date(2026, 6, 30))
    sup = Api(sup_health)
    path = f"/development/reviews/{review.pk}"
    choices = sup.get(f"{path}/evidence-choices").json()
    assert [c["record"] for c in choices] == [f"case_note:{note.pk}"]
    assert "Abernathy" not in json.dumps(choices)
    linked = sup.call(
        "post",
        f"{path}/evidence",
        {"skill_code": "documentation", "record": f"case_note:{note.pk}", "comment": "Same day"},
    )
    assert linked.status_code == 201, linked.content
    assert linked.json()["client"] == "Dolores Abernathy"
    again = sup.call(
        "post",
        f"{path}/evidence",
        {"skill_code": "documentation", "record": f"case_note:{note.pk}"},
    )
    assert fields(again, 422) == {"record"}
    shown = sup.get(path).json()
    assert shown["evidence"][0]["record_id"] == note.pk
    assert shown["facts"]["documentation"][0].startswith("1 of 1 signed case note")
    assert AuditEvent.objects.filter(
        actor=sup_health, action="view", target_type="case_note", client_id=client_health.pk
    ).exists()
    evidence_id = linked.json()["id"]
    assert sup.call("delete", f"{path}/evidence/{evidence_id}").status_code == 204
    assert sup.call("delete", f"{path}/evidence/{evidence_id}").status_code == 404
    assert review.evidence.count() == 0

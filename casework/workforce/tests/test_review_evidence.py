"""Skill evidence from casework: counts from a staff member's case notes, tasks and crisis
follow-ups beside each skill, and records linked to a skill in a review, shown to each
reader only as far as that reader may see the client, with the reads audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient
from django.utils import timezone
from freezegun import freeze_time

from casework.accounts.models import Program, Role, User
from casework.accounts.services import membership_grant
from casework.assessments.services import assessment_record
from casework.audit.models import AuditEvent
from casework.caseload.crisis import crisis_report
from casework.casenotes import services as notes
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.conftest import make_user
from casework.core.exceptions import PermissionDenied
from casework.plans.models import Goal
from casework.plans.services import plan_from_needs, plan_review, plan_sign
from casework.referrals.models import Referral
from casework.scheduling.models import Task, TaskKind
from casework.scheduling.services import task_complete, task_create
from casework.workforce.development import evidence, services
from casework.workforce.development.models import CompetencyReview, ReviewEvidence

pytestmark = pytest.mark.django_db
SOAP = {"subjective": "s", "objective": "o", "assessment": "a", "plan": "p"}
SKILLS = ["advocacy", "organization", "crisis", "documentation", "communication"]


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def signed_note(client: Client, program: Program, author: User, hours_ago: float) -> Any:
    note = notes.note_create(
        actor=author,
        client=client,
        program=program,
        data={
            "note_type": "soap",
            "contact_method": "face_to_face",
            "duration_minutes": 30,
            "sections": SOAP,
            "service_at": timezone.now() - timedelta(hours=hours_ago),
        },
    )
    return notes.note_sign(actor=author, note=note, expected_version=note.version)


@pytest.fixture
def casework(
    client_health: Client, cm_health: User, programs: dict[str, Program]
) -> dict[str, Any]:
    """cm_health's work: a note signed within the hour, one signed three days late, a task
    done a day late, and a crisis whose follow-up was done on time."""
    program = programs["healthcare"]
    prompt = signed_note(client_health, program, cm_health, hours_ago=1)
    late = signed_note(client_health, program, cm_health, hours_ago=72)
    task = task_create(
        actor=cm_health,
        title="Call the landlord",
        due_at=timezone.now() - timedelta(days=1),
        client=client_health,
        program=program,
    )
    task_complete(actor=cm_health, task=task)
    crisis = crisis_report(
        actor=cm_health,
        client=client_health,
        program=program,
        kind="housing_loss",
        severity=2,
        what_happened="Eviction notice.",
    )
    follow_up = Task.objects.get(pk=crisis.follow_up_task_id or 0)
    task_complete(actor=cm_health, task=follow_up)
    return {"prompt": prompt, "late": late, "task": task, "follow_up": follow_up}


def _sign(actor: User, plan: Any) -> None:
    for goal in Goal.objects.filter(version=plan.latest):
        goal.client_words, goal.measurable = "A home", "Lease signed"
        goal.target_date = timezone.localdate() + timedelta(days=400)
        goal.save()
    plan_sign(actor=actor, plan=plan, method="typed", signed_name="D. A.")


def test_plan_reviews_and_referrals_are_counted_for_organization_and_advocacy(
    client_health: Client, cm_health: User, programs: dict[str, Program]
) -> None:
    """A plan signed 300 days ago (review due 90 days later), reviewed 10 days late, signed
    again and reviewed 5 days early, then signed and not reviewed since: one late, one on
    time, one overdue now. Of three referrals sent, one has an outcome and one is open."""
    today = timezone.localdate()
    gated = access_client(cm_health, client_health.pk, write=True)
    with freeze_time(today - timedelta(days=300)):
        rated = assessment_record(
            actor=cm_health, client=gated, instrument_code="needs", answers={"housing": 1}
        )
        plan = plan_from_needs(actor=cm_health, client=gated, assessments=[rated])
        _sign(cm_health, plan)
    for days_ago in (200, 115):
        with freeze_time(today - timedelta(days=days_ago)):
            plan_review(actor=cm_health, plan=plan, progress={})
            _sign(cm_health, plan)
    program = programs["healthcare"]
    base = {
        "client": client_health,
        "organization": program.organization,
        "referring_program": program,
        "recipient_organization": program.organization,
        "recipient_program": programs["mental_health"],
        "referred_by": cm_health,
        "reason": "Needs a psychiatric appointment.",
        "requested_at": timezone.now() - timedelta(days=30),
    }
    Referral.objects.create(**base, status="completed", service_delivered=True, enrolled=True)
    Referral.objects.create(**base, status="requested")
    Referral.objects.create(**base, status="cancelled", status_reason="Client moved away.")
    Referral.objects.create(  # sent more than a year ago: not counted
        **{**base, "requested_at": timezone.now() - timedelta(days=400)}, status="completed"
    )
    facts = evidence.skill_facts(cm_health)
    assert facts["organization"][-2:] == [
        "1 of 2 service plan reviews in the last 12 months done by the review date; 1 late",
        "1 service plan overdue for review now",
    ]
    assert facts["advocacy"] == [
        "1 of 3 referrals sent in the last 12 months followed to a recorded outcome; 1 still open"
    ]
    page = login(cm_health).get("/development/").content.decode()
    assert "1 service plan overdue for review now" in page
    assert "1 of 3 referrals sent in the last 12 months" in page


def open_review(sup: User, staff: User) -> CompetencyReview:
    return services.review_start(actor=sup, staff=staff, due_on=date(2026, 6, 30))


def test_counts_from_notes_tasks_and_crisis_follow_ups_sit_beside_each_skill(
    cm_health: User, casework: dict[str, Any]
) -> None:
    facts = evidence.skill_facts(cm_health)
    assert facts["documentation"] == [
        "1 of 2 signed case notes signed within 24 hours of the service (last 12 months)"
    ]
    assert facts["crisis"] == [
        "1 of 1 crisis follow-up done within the time set (last 12 months); 0 late, 0 overdue"
    ]
    assert facts["organization"] == [
        "0 of 1 task due in the last 12 months done by the due time; 1 done late",
        "0 tasks overdue now",
        "No service plan reviews in the last 12 months",
        "0 service plans overdue for review now",
    ]
    assert facts["advocacy"] == ["No referrals sent in the last 12 months"]
    page = login(cm_health).get("/development/").content.decode()
    assert "1 of 2 signed case notes signed within 24 hours" in page
    assert "Abernathy" not in page  # counts name no client


def test_staff_and_reviewer_link_records_and_the_review_page_shows_them_audited(
    cm_health: User, sup_health: User, casework: dict[str, Any]
) -> None:
    review = open_review(sup_health, cm_health)
    url = f"/development/reviews/{review.pk}/"
    staff, sup = login(cm_health), login(sup_health)
    form = staff.get(url).content.decode()
    assert f'value="case_note:{casework["prompt"].pk}"' in form
    assert "Abernathy" not in form  # the choices name no client
    linked = staff.post(
        url,
        {
            "action": "link_evidence",
            "skill_code": "documentation",
            "record": f"case_note:{casework['prompt'].pk}",
            "comment": "Same-day SOAP note",
        },
    )
    assert linked.status_code == 302
    assert (
        sup.post(
            url,
            {
                "action": "link_evidence",
                "skill_code": "crisis",
                "record": f"task:{casework['follow_up'].pk}",
            },
        ).status_code
        == 302
    )
    assert review.evidence.count() == 2
    since = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    page = sup.get(url).content.decode()
    assert "Same-day SOAP note" in page
    assert "Crisis follow-up, due" in page
    assert "done on time" in page
    assert "Dolores Abernathy" in page
    assert f'href="/notes/{casework["prompt"].pk}/"' in page or "/notes/" in page
    reads = AuditEvent.objects.filter(pk__gt=since, actor=sup_health, action="view")
    assert {(r.target_type, r.target_id) for r in reads if r.client_id} >= {
        ("case_note", str(casework["prompt"].pk)),
        ("task", str(casework["follow_up"].pk)),
    }


def test_a_reviewer_never_sees_a_client_outside_their_programs(
    cm_health: User,
    sup_health: User,
    programs: dict[str, Program],
    make_client: Callable[..., Client],
) -> None:
    housing = programs["social_services"]
    membership_grant(actor=None, user=cm_health, role=Role.CASE_MANAGER, program=housing)
    other = make_client(
        "social_services", actor=cm_health, cm=cm_health, given_name="Teddy", family_name="Flood"
    )
    note = signed_note(other, housing, cm_health, hours_ago=2)
    review = open_review(sup_health, cm_health)
    choice = f"case_note:{note.pk}"
    # The supervisor of healthcare is not offered the housing note and cannot link it.
    sup_form = login(sup_health).get(f"/development/reviews/{review.pk}/").content.decode()
    assert choice not in sup_form
    with pytest.raises(ValidationError, match="own records that you may read"):
        services.review_evidence_link(
            actor=sup_health, review=review, skill_code="documentation", record=choice
        )
    # The staff member links it; the supervisor sees the record's kind, not the client.
    services.review_evidence_link(
        actor=cm_health, review=review, skill_code="documentation", record=choice
    )
    page = login(sup_health).get(f"/development/reviews/{review.pk}/").content.decode()
    assert "A case note of a client you do not have access to" in page
    assert "Flood" not in page
    assert f"/notes/{note.pk}/" not in page
    own = login(cm_health).get(f"/development/reviews/{review.pk}/").content.decode()
    assert "Teddy Flood" in own


def test_only_the_staff_member_and_reviewer_link_and_only_their_own_work(
    cm_health: User,
    sup_health: User,
    cm_mental_health: User,
    org_admin: User,
    auditor: User,
    programs: dict[str, Program],
    client_health: Client,
    casework: dict[str, Any],
) -> None:
    review = open_review(sup_health, cm_health)
    body = {
        "action": "link_evidence",
        "skill_code": "documentation",
        "record": f"case_note:{casework['prompt'].pk}",
    }
    other_sup = make_user("sup.mental@example.org")
    membership_grant(
        actor=None, user=other_sup, role=Role.SUPERVISOR, program=programs["mental_health"]
    )
    for outsider in (cm_mental_health, org_admin, auditor, other_sup):
        response = login(outsider).post(f"/development/reviews/{review.pk}/", body)
        assert response.status_code == 404, outsider
        with pytest.raises(PermissionDenied):
            services.review_evidence_link(
                actor=outsider, review=review, skill_code="documentation", record=body["record"]
            )
    assert review.evidence.count() == 0
    # A colleague's note is not the staff member's work, even if the reviewer may read it.
    second = make_user("cm2.healthcare@example.org")
    membership_grant(
        actor=None, user=second, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    theirs = signed_note(client_health, programs["healthcare"], second, hours_ago=1)
    with pytest.raises(ValidationError, match="own records"):
        services.review_evidence_link(
            actor=sup_health,
            review=review,
            skill_code="documentation",
            record=f"case_note:{theirs.pk}",
        )
    response = login(cm_health).post(
        f"/development/reviews/{review.pk}/", body | {"record": "case_note:abc"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_locked_review_takes_no_more_evidence(
    cm_health: User, sup_health: User, casework: dict[str, Any]
) -> None:
    review = open_review(sup_health, cm_health)
    link = services.review_evidence_link(
        actor=cm_health,
        review=review,
        skill_code="documentation",
        record=f"case_note:{casework['prompt'].pk}",
    )
    levels = dict.fromkeys(SKILLS, ("competent", ""))
    services.review_self_rate(actor=cm_health, review=review, ratings=levels)
    services.review_supervisor_rate(actor=sup_health, review=review, ratings=levels)
    services.review_sign(actor=cm_health, review=review)
    services.review_sign(actor=sup_health, review=review)
    review.refresh_from_db()
    with pytest.raises(ValidationError, match="locked"):
        services.review_evidence_link(
            actor=cm_health,
            review=review,
            skill_code="crisis",
            record=f"task:{casework['follow_up'].pk}",
        )
    with pytest.raises(ValidationError, match="locked"):
        services.review_evidence_unlink(actor=cm_health, link=link)
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvidence.objects.filter(pk=link.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvidence.objects.create(
            review=review,
            skill_code="crisis",
            source="task",
            source_id=casework["follow_up"].pk,
            added_by=cm_health,
        )
    page = login(cm_health).get(f"/development/reviews/{review.pk}/").content.decode()
    assert "Link a record to a skill" not in page
    assert "Dolores Abernathy" in page


def test_crisis_follow_ups_past_due_count_as_overdue(
    cm_health: User, client_health: Client, programs: dict[str, Program]
) -> None:
    task_create(
        actor=cm_health,
        title="Crisis follow-up",
        due_at=timezone.now() - timedelta(hours=2),
        client=client_health,
        program=programs["healthcare"],
        kind=TaskKind.CRISIS_FOLLOW_UP,
    )
    facts = evidence.skill_facts(cm_health, today=timezone.localdate())
    assert facts["crisis"] == [
        "0 of 1 crisis follow-up done within the time set (last 12 months); 0 late, 1 overdue"
    ]
    assert facts["organization"][1] == "1 task overdue now"

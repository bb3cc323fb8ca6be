"""Staff development: the versioned framework, a review from self-rating to locked, goals
closed with CE evidence, the team chart, the schedule, exam preparation, and who may see it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts.models import Program, Role, User
from casework.accounts.services import membership_grant
from casework.conftest import make_user
from casework.core.exceptions import PermissionDenied
from casework.notifications.models import Notification
from casework.workforce import services as workforce
from casework.workforce.development import queries, services
from casework.workforce.development.models import (
    CompetencyFramework,
    CompetencyRating,
    CompetencyReview,
    ReviewStatus,
)
from casework.workforce.models import ContinuingEducation

pytestmark = pytest.mark.django_db
SKILLS = ["advocacy", "organization", "crisis", "documentation", "communication"]


def login(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def levels(level: str, **overrides: str) -> dict[str, str]:
    data = {f"{code}_level": overrides.get(code, level) for code in SKILLS}
    data |= {f"{code}_comment": f"About {code}" for code in SKILLS}
    return data


def ratings(level: str, **overrides: str) -> dict[str, tuple[str, str]]:
    return {code: (overrides.get(code, level), "") for code in SKILLS}


def open_review(sup: User, staff: User) -> CompetencyReview:
    return services.review_start(actor=sup, staff=staff, due_on=date(2026, 6, 30))


def locked_review(
    sup: User, staff: User, level: str = "competent", **over: str
) -> CompetencyReview:
    review = open_review(sup, staff)
    services.review_self_rate(actor=staff, review=review, ratings=ratings("proficient"))
    services.review_supervisor_rate(actor=sup, review=review, ratings=ratings(level, **over))
    services.review_sign(actor=staff, review=review)
    return services.review_sign(actor=sup, review=review)


# --- the framework ---------------------------------------------------------------------


def test_the_published_framework_has_the_five_skills_at_four_levels() -> None:
    framework = services.framework_current()
    assert [s["code"] for s in framework.skills] == SKILLS
    for skill in framework.skills:
        assert list(skill["indicators"]) == ["developing", "competent", "proficient", "expert"]
    assert "How to Become a Case Manager" in framework.source


def test_an_agency_adds_its_own_skill_without_changing_past_reviews(
    cm_health: User, sup_health: User, org_admin: User
) -> None:
    past = locked_review(sup_health, cm_health)
    published = services.framework_current()
    own = {
        "code": "trauma",
        "name": "Trauma-informed practice",
        "description": "Recognises trauma.",
        "indicators": {
            level: f"{level} text"
            for level in SKILLS[:0] or ["developing", "competent", "proficient", "expert"]
        },
    }
    agency = cm_health.memberships.first().organization  # type: ignore[union-attr]  # has one
    edited = services.framework_edit(
        actor=org_admin, organization=agency, skills=[*published.skills, own]
    )
    assert edited.version == published.version + 1
    assert edited.skill("trauma")["origin"] == "agency"  # type: ignore[index]  # just added
    assert edited.skill("advocacy")["origin"] == "founding"  # type: ignore[index]  # kept
    past.refresh_from_db()
    assert past.framework_id == published.pk
    assert past.ratings.count() == 5
    new = services.review_start(actor=sup_health, staff=cm_health, due_on=date(2027, 1, 1))
    assert new.ratings.count() == 6


def test_a_framework_needs_every_level_described_and_staff_cannot_edit_it(
    cm_health: User, org_admin: User
) -> None:
    agency = org_admin.memberships.first().organization  # type: ignore[union-attr]  # has one
    bad = [{"code": "x", "name": "X", "description": "d", "indicators": {"developing": "a"}}]
    with pytest.raises(ValidationError, match="competent, proficient, expert"):
        services.framework_edit(actor=org_admin, organization=agency, skills=bad)
    with pytest.raises(PermissionDenied):
        services.framework_edit(actor=cm_health, organization=agency, skills=bad)


def test_the_database_refuses_to_change_a_framework_version() -> None:
    framework = services.framework_current()
    with pytest.raises(DatabaseError), transaction.atomic():
        CompetencyFramework.objects.filter(pk=framework.pk).update(name="Changed")


# --- a review from self-rating to locked ----------------------------------------------------


def test_a_review_goes_from_self_rating_to_locked_through_the_web(
    cm_health: User, sup_health: User
) -> None:
    review = open_review(sup_health, cm_health)
    staff, sup = login(cm_health), login(sup_health)
    url = f"/development/reviews/{review.pk}/"
    # The supervisor sees no self-rating before it is submitted, and cannot rate yet.
    assert "Rate yourself" not in sup.get(url).content.decode()
    missing = staff.post(url, levels("competent", crisis=""))
    assert "This field is required." in missing.content.decode()
    assert staff.post(url, levels("proficient", crisis="competent")).status_code == 302
    assert sup.post(url, levels("competent")).status_code == 302
    page = sup.get(url).content.decode()
    assert page.count("data-differs") == 4  # crisis agrees; four skills differ
    assert staff.post(url, {"action": "sign"}).status_code == 302
    assert sup.post(url, {"action": "sign"}).status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.LOCKED
    assert review.is_locked
    assert "Signed by both: the review is locked" in staff.get(url).content.decode()
    assert Notification.objects.filter(recipient=cm_health, kind="competency_review").exists()


def test_nobody_rates_out_of_turn_or_signs_twice(cm_health: User, sup_health: User) -> None:
    review = open_review(sup_health, cm_health)
    with pytest.raises(PermissionDenied):
        services.review_self_rate(actor=sup_health, review=review, ratings=ratings("expert"))
    with pytest.raises(ValidationError, match="not waiting for the supervisor"):
        services.review_supervisor_rate(actor=sup_health, review=review, ratings=ratings("expert"))
    with pytest.raises(ValidationError):
        services.review_sign(actor=cm_health, review=review)
    services.review_self_rate(actor=cm_health, review=review, ratings=ratings("competent"))
    services.review_supervisor_rate(actor=sup_health, review=review, ratings=ratings("competent"))
    services.review_sign(actor=cm_health, review=review)
    with pytest.raises(PermissionDenied):
        services.review_sign(actor=cm_health, review=review)


def test_the_database_refuses_to_change_a_locked_review_or_its_ratings(
    cm_health: User, sup_health: User
) -> None:
    review = locked_review(sup_health, cm_health)
    with pytest.raises(DatabaseError), transaction.atomic():
        CompetencyReview.objects.filter(pk=review.pk).update(due_on=date(2030, 1, 1))
    with pytest.raises(DatabaseError), transaction.atomic():
        CompetencyRating.objects.filter(review=review).update(supervisor_level="expert")
    with pytest.raises(DatabaseError), transaction.atomic():
        CompetencyRating.objects.filter(review=review).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        CompetencyRating.objects.create(review=review, skill_code="extra")


def test_the_database_allows_changes_before_the_lock(cm_health: User, sup_health: User) -> None:
    review = open_review(sup_health, cm_health)
    assert CompetencyRating.objects.filter(review=review).update(self_comment="draft") == 5


def test_one_review_in_progress_at_a_time(cm_health: User, sup_health: User) -> None:
    open_review(sup_health, cm_health)
    with pytest.raises(ValidationError):
        open_review(sup_health, cm_health)


# --- who may see it -----------------------------------------------------------------------


def test_staff_see_their_own_and_supervisors_their_teams_nobody_else(
    cm_health: User,
    sup_health: User,
    cm_mental_health: User,
    org_admin: User,
    auditor: User,
    programs: dict[str, Program],
) -> None:
    review = open_review(sup_health, cm_health)
    goal = services.goal_create(
        actor=cm_health,
        staff=cm_health,
        data={
            "skill_code": "crisis",
            "what": "Shadow the crisis team",
            "by_when": date(2026, 9, 1),
            "method": "shadowing",
        },
    )
    other_sup = make_user("sup.mental@example.org")
    membership_grant(
        actor=None, user=other_sup, role=Role.SUPERVISOR, program=programs["mental_health"]
    )
    urls = [
        f"/development/reviews/{review.pk}/",
        f"/development/staff/{cm_health.pk}/",
    ]
    for url in urls:
        assert login(cm_health).get(url).status_code == 200
        assert login(sup_health).get(url).status_code == 200
        for outsider in (cm_mental_health, org_admin, auditor, other_sup):
            assert login(outsider).get(url).status_code == 404, (url, outsider)
    for outsider in (cm_mental_health, org_admin, auditor, other_sup):
        response = login(outsider).post(
            f"/development/goals/{goal.pk}/complete/", {"completed_on": "2026-01-05"}
        )
        assert response.status_code == 404
    goal.refresh_from_db()
    assert goal.status == "open"
    # The team page is for supervisors only.
    assert login(sup_health).get("/development/team/").status_code == 200
    for not_supervisor in (cm_health, org_admin, auditor):
        assert login(not_supervisor).get("/development/team/").status_code == 404


def test_a_staff_member_cannot_start_their_own_review(cm_health: User, org_admin: User) -> None:
    with pytest.raises(PermissionDenied):
        open_review(cm_health, cm_health)
    with pytest.raises(PermissionDenied):
        open_review(org_admin, cm_health)


# --- goals and evidence ---------------------------------------------------------------------


def _ce(
    user: User, course: str = "De-escalation", on: date = date(2026, 1, 10)
) -> ContinuingEducation:
    return workforce.continuing_education_create(
        actor=user,
        user=user,
        data={
            "provider": "NASW",
            "course": course,
            "completed_on": on,
            "hours": Decimal("6"),
            "category": "clinical",
        },
    )


def test_a_goal_is_closed_with_a_completed_ce_record_as_evidence(cm_health: User) -> None:
    http = login(cm_health)
    response = http.post(
        "/development/",
        {
            "skill_code": "crisis",
            "what": "Lead a de-escalation",
            "by_when": "2026-06-30",
            "method": "ce_course",
            "how": "NASW course",
        },
    )
    assert response.status_code == 302
    goal = cm_health.development_goals.get()
    ce = _ce(cm_health)
    closed = http.post(
        f"/development/goals/{goal.pk}/complete/",
        {"completed_on": "2026-01-12", "evidence_ce": ce.pk, "note": "Done"},
    )
    assert closed.status_code == 302
    goal.refresh_from_db()
    assert (goal.status, goal.evidence_ce_id) == ("completed", ce.pk)
    evidence = queries.evidence_for(cm_health, today=date(2026, 2, 1))
    assert evidence["by_skill"]["crisis"][-1] == (
        "Goal met on 2026-01-12: Lead a de-escalation (CE: De-escalation, 6 h)"
    )
    assert "6 CE hours in the last 12 months (1 course)" in evidence["general"][0]


def test_a_goal_cannot_use_someone_elses_ce_or_a_missing_date(
    cm_health: User, cm_mental_health: User
) -> None:
    goal = services.goal_create(
        actor=cm_health,
        staff=cm_health,
        data={
            "skill_code": "advocacy",
            "what": "Appeal a denial",
            "by_when": date(2026, 6, 1),
            "method": "training",
        },
    )
    with pytest.raises(ValidationError):
        services.goal_complete(
            actor=cm_health,
            goal=goal,
            completed_on=date(2026, 1, 5),
            evidence_ce=_ce(cm_mental_health),
        )
    page = login(cm_health).post(f"/development/goals/{goal.pk}/complete/", {}, follow=True)
    assert "Give the completion date" in page.content.decode()
    with pytest.raises(ValidationError):
        services.goal_create(
            actor=cm_health,
            staff=cm_health,
            data={
                "skill_code": "juggling",
                "what": "x",
                "by_when": date(2026, 6, 1),
                "method": "other",
            },
        )


def test_evidence_shows_note_and_task_counts_and_what_is_not_shown_yet(cm_health: User) -> None:
    page = login(cm_health).get("/development/").content.decode()
    assert "No case notes in the last 12 months" in page
    assert "No crisis follow-ups in the last 12 months" in page
    assert "No service plan reviews in the last 12 months" in page
    assert "No referrals sent in the last 12 months" in page
    assert "not shown here yet" not in page
    assert "not in Casework yet" not in page
    assert "score" not in page.lower().replace("never turns the facts into a score", "")


# --- team chart -----------------------------------------------------------------------------


def test_team_chart_counts_each_members_latest_signed_review(
    cm_health: User, sup_health: User, programs: dict[str, Program]
) -> None:
    second = make_user("cm2.healthcare@example.org")
    membership_grant(
        actor=None, user=second, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    locked_review(sup_health, cm_health, "competent", crisis="expert")
    locked_review(sup_health, second, "competent")
    chart = queries.team_chart(sup_health)
    assert chart["counts"]["crisis"] == {"expert": 1, "competent": 1}
    assert chart["counts"]["advocacy"] == {"competent": 2}
    assert chart["series"]["competent"] == [2, 2, 1, 2, 2]
    page = login(sup_health).get("/development/team/").content.decode()
    assert 'id="team-chart-data"' in page
    assert "chartjs/chart.umd.min.js" in page
    assert "Team members at each level, by skill" in page


# --- schedule and reminders ---------------------------------------------------------------------


def test_new_staff_are_reviewed_at_six_months_then_yearly(
    cm_health: User, sup_health: User
) -> None:
    started = timezone.localtime(cm_health.memberships.get().created_at).date()
    assert queries.next_review_due(cm_health) == started.replace() + (
        queries.engine.add_months(started, 6) - started
    )
    review = locked_review(sup_health, cm_health)
    assert review.locked_at is not None
    locked_on = timezone.localtime(review.locked_at).date()
    # Locked inside the first year: the next is 6 months later.
    assert queries.next_review_due(cm_health) == queries.engine.add_months(locked_on, 6)


def test_reminders_go_to_staff_and_supervisor_once(cm_health: User, sup_health: User) -> None:
    started = timezone.localtime(cm_health.memberships.get().created_at).date()
    due = queries.engine.add_months(started, 6)
    mine = Notification.objects.filter(dedupe_key__startswith=f"review-due:{cm_health.pk}:")
    assert queries.reviews_due_sweep(today=due - timedelta(days=40)) == 0
    queries.reviews_due_sweep(today=due - timedelta(days=10))
    assert sorted(n.recipient.email for n in mine) == [cm_health.email, sup_health.email]
    assert queries.reviews_due_sweep(today=due - timedelta(days=9)) == 0  # deduplicated
    queries.reviews_due_sweep(today=due + timedelta(days=1))  # overdue: a second reminder
    assert mine.all().count() == 4


# --- exam preparation ---------------------------------------------------------------------------


def test_exam_prep_logs_study_and_practice_per_domain_beside_eligibility(cm_health: User) -> None:
    http = login(cm_health)
    assert (
        http.post(
            "/development/exams/?exam=CCM",
            {"domain": "psychosocial", "kind": "plan", "on": "2026-09-01", "hours": "20"},
        ).status_code
        == 302
    )
    assert (
        http.post(
            "/development/exams/?exam=CCM",
            {"domain": "psychosocial", "kind": "study", "on": "2026-01-02", "hours": "4.5"},
        ).status_code
        == 302
    )
    assert (
        http.post(
            "/development/exams/?exam=CCM",
            {
                "domain": "psychosocial",
                "kind": "practice",
                "on": "2026-01-03",
                "score_percent": "72",
            },
        ).status_code
        == 302
    )
    state = queries.readiness(cm_health, "CCM")
    psych = next(d for d in state["domains"] if d["code"] == "psychosocial")
    assert (psych["planned_hours"], psych["studied_hours"], psych["last_practice"]) == (
        20,
        Decimal("4.5"),
        72,
    )
    assert [c["code"] for c in state["eligibility"]] == ["CCM"]
    page = http.get("/development/exams/?exam=CCM").content.decode()
    assert "Psychosocial concepts and support systems" in page
    assert "72% (Jan 3, 2026)" in page
    bad = http.post(
        "/development/exams/?exam=CCM",
        {"domain": "psychosocial", "kind": "practice", "on": "2026-01-03", "score_percent": "140"},
    )
    assert bad.status_code == 200
    assert http.get("/development/exams/?exam=BAR").status_code == 404

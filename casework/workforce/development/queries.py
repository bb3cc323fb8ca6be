"""Read side of staff development: review schedule, evidence beside each skill, the team
chart, and exam readiness. Evidence is facts from what Casework records, never a score."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from casework.accounts.models import Membership, User
from casework.notifications.services import notify
from casework.workforce import eligibility as engine
from casework.workforce.development import evidence, permissions
from casework.workforce.development.models import (
    CompetencyReview,
    DevelopmentGoal,
    GoalStatus,
    Level,
    ReviewStatus,
    StudyEntry,
)
from casework.workforce.development.services import exam_domains, framework_file

# What Casework records but this page does not show yet, by skill. Notes, tasks, crisis
# follow-ups, plan reviews and referrals are shown (``evidence.skill_facts``); Casework
# records nothing that speaks for communication on its own, so that skill has none.
NOT_YET_RECORDED: dict[str, list[str]] = {
    "documentation": [],
    "organization": [],
    "crisis": [],
    "advocacy": [],
    "communication": [],
}


# --- what a reader sees of a review -----------------------------------------------------------


def review_visibility(review: CompetencyReview, viewer: Any) -> dict[str, bool]:
    """Which ratings ``viewer`` sees and whether they may sign now (the web page and the API
    apply the same rule): the supervisor sees the self-rating once it is submitted, and
    both see the supervisor's once it is submitted."""
    me = getattr(viewer, "pk", None)
    can_sign = review.status == ReviewStatus.SIGNING and (
        (me == review.staff_id and review.staff_signed_at is None)
        or (me == review.supervisor_id and review.supervisor_signed_at is None)
    )
    return {
        "show_self": review.status != ReviewStatus.SELF_RATING or me == review.staff_id,
        "show_supervisor": review.status in (ReviewStatus.SIGNING, ReviewStatus.LOCKED),
        "can_sign": can_sign,
    }


# --- schedule -----------------------------------------------------------------------------


def _role_start(staff: User) -> tuple[str, date] | None:
    membership = (
        Membership.objects.active()
        .filter(user=staff, program__isnull=False)
        .order_by("created_at")
        .first()
    )
    if membership is None:
        return None
    return membership.role, timezone.localtime(membership.created_at).date()


def next_review_due(staff: User, *, today: date | None = None) -> date | None:
    """When the next review is due: every 6 months in the first year in a role, yearly after
    (per role, from the framework data), counted from the last locked review."""
    started = _role_start(staff)
    if started is None:
        return None
    role, since = started
    schedule = framework_file()["schedule"].get(role)
    if schedule is None:
        return None
    last = (
        CompetencyReview.objects.filter(staff=staff, status=ReviewStatus.LOCKED)
        .order_by("-locked_at")
        .first()
    )
    anchor = timezone.localtime(last.locked_at).date() if last and last.locked_at else since
    new_until = engine.add_months(since, schedule["new_staff_period_months"])
    months = schedule["new_staff_months"] if anchor < new_until else schedule["months"]
    return engine.add_months(anchor, months)


def reviews_due_sweep(*, today: date | None = None) -> int:
    """Remind staff and their supervisors of a review due within the reminder window or
    overdue, once per due date and stage (notifications dedupe)."""
    day = today or timezone.localdate()
    sent = 0
    staff_ids = Membership.objects.active().filter(program__isnull=False).values("user_id")
    for staff in User.objects.filter(pk__in=staff_ids, is_active=True):
        due = next_review_due(staff, today=day)
        if due is None:
            continue
        days = (due - day).days
        window = framework_file()["schedule"].get(_role_start(staff)[0], {})  # type: ignore[index]  # due is set only when a role exists
        if days > window.get("remind_days_before", 30):
            continue
        stage = "overdue" if days < 0 else "due"
        from casework.workforce.queries import supervisors_of

        sent += len(
            notify(
                recipients=[staff, *supervisors_of(staff)],
                kind="competency_review",
                level="warning" if stage == "overdue" else "info",
                title=f"Competency review for {staff} {'was due' if days < 0 else 'is due'} "
                f"on {due}",
                url="/development/",
                dedupe_key=f"review-due:{staff.pk}:{due}:{stage}",
            )
        )
    return sent


# --- evidence -----------------------------------------------------------------------------


def evidence_for(staff: User, *, today: date | None = None) -> dict[str, Any]:
    """Facts beside the skills: what Casework records today, and what it cannot show yet."""
    day = today or timezone.localdate()
    year_ago = day - timedelta(days=365)
    ce = staff.continuing_education.filter(completed_on__gte=year_ago, completed_on__lte=day)
    ce_hours = ce.aggregate(h=Sum("hours"))["h"] or Decimal(0)
    signed = staff.supervised_hours.filter(signed_at__isnull=False, worked_on__gte=year_ago)
    current = [
        str(c) for c in [*staff.licences.all(), *staff.certifications.all()] if c.is_current(day)
    ]
    goals = DevelopmentGoal.objects.filter(staff=staff).select_related("evidence_ce")
    by_skill: dict[str, list[str]] = {
        code: list(lines) for code, lines in evidence.skill_facts(staff, today=day).items()
    }
    for goal in goals.filter(status=GoalStatus.COMPLETED):
        text = f"Goal met on {goal.completed_on}: {goal.what}"
        if goal.evidence_ce:
            text += f" (CE: {goal.evidence_ce.course}, {float(goal.evidence_ce.hours):g} h)"
        by_skill.setdefault(goal.skill_code, []).append(text)
    return {
        "general": [
            f"{float(ce_hours):g} CE hours in the last 12 months ({_plural(ce.count(), 'course')})",
            f"{float(signed.aggregate(h=Sum('hours'))['h'] or 0):g} signed supervised hours in "
            "the last 12 months",
            "Current credentials: " + (", ".join(current) if current else "none recorded"),
        ],
        "by_skill": by_skill,
        "not_yet": NOT_YET_RECORDED,
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- team chart ---------------------------------------------------------------------------


def team_chart(actor: Any) -> dict[str, Any]:
    """Skill by level across the actor's team: each member's latest locked review
    (supervisor's rating), as chart series and as table rows."""
    team = list(permissions.team_of(actor).order_by("full_name", "pk"))
    latest: dict[int, CompetencyReview] = {}
    reviews = (
        CompetencyReview.objects.filter(staff__in=team, status=ReviewStatus.LOCKED)
        .select_related("framework")
        .prefetch_related("ratings")
        .order_by("staff_id", "-locked_at")
    )
    for locked in reviews:
        latest.setdefault(locked.staff_id, locked)
    skills: dict[str, str] = {}
    counts: dict[str, Counter[str]] = {}
    rows = []
    for member in team:
        review = latest.get(member.pk)
        levels = {}
        if review is not None:
            for rating in review.ratings.all():
                skill = review.framework.skill(rating.skill_code) or {"name": rating.skill_code}
                skills.setdefault(rating.skill_code, skill["name"])
                counts.setdefault(rating.skill_code, Counter())[rating.supervisor_level] += 1
                levels[rating.skill_code] = rating.supervisor_level
        rows.append({"staff": member, "review": review, "levels": levels})
    return {
        "skills": [{"code": c, "name": n} for c, n in skills.items()],
        "levels": [{"code": c, "label": label} for c, label in Level.choices],
        "series": {level: [counts[code][level] for code in skills] for level in Level.values},
        "counts": {code: dict(counts[code]) for code in skills},
        "table": [
            {"code": code, "name": name, "cells": [counts[code][lv] for lv in Level.values]}
            for code, name in skills.items()
        ],
        "rows": rows,
        "unreviewed": [r["staff"] for r in rows if r["review"] is None],
    }


# --- exam readiness -------------------------------------------------------------------------


def readiness(staff: User, exam: str, *, today: date | None = None) -> dict[str, Any]:
    """Per domain: planned and studied hours and the practice results entered, beside the
    eligibility engine's answer for the credential. No score is invented: only entries."""
    from casework.workforce.queries import credentials_report

    spec = exam_domains()[exam]
    entries = StudyEntry.objects.filter(staff=staff, exam=exam)
    domains = []
    for domain in spec["domains"]:
        mine = [e for e in entries if e.domain == domain["code"]]
        practice = sorted((e for e in mine if e.kind == "practice"), key=lambda e: e.on)
        domains.append(
            {
                **domain,
                "planned_hours": sum((e.hours or 0) for e in mine if e.kind == "plan"),
                "studied_hours": sum((e.hours or 0) for e in mine if e.kind == "study"),
                "practice": [(e.on, e.score_percent) for e in practice],
                "last_practice": practice[-1].score_percent if practice else None,
            }
        )
    codes = {"CCM": ["CCM"], "ACM": ["ACM-RN", "ACM-SW"], "CRC": ["CRC"]}[exam]
    report = credentials_report(staff, today=today)
    return {
        "exam": spec,
        "domains": domains,
        "eligibility": [c for c in report["credentials"] if c["code"] in codes],
    }


def open_goals(staff: User) -> Any:
    return DevelopmentGoal.objects.filter(Q(staff=staff), Q(status=GoalStatus.OPEN)).order_by(
        "by_when"
    )

"""Staff development over JSON: the competency framework, competency reviews (ratings,
signatures, evidence from casework), development goals, and the review schedule.

The same gates and services as the web pages: staff see their own record, supervisors
their team's, nobody else (organization admins and auditors included) — the same 404 for
missing and hidden. Only organization admins (their agency's edition) and platform
administrators (the published one) change the framework, with ``If-Match``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from casework.accounts.models import User
from casework.api.concurrency import require_if_match
from casework.api.types import Id, InputSchema, NonBlank300, NonBlank500, Text30, Text300, Text500
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound, PermissionDenied
from casework.workforce.development import evidence, permissions, queries, services
from casework.workforce.development.models import (
    CompetencyFramework,
    CompetencyReview,
    DevelopmentGoal,
    GoalMethod,
    Level,
    ReviewStatus,
)
from casework.workforce.permissions import primary_organization_id, rule_scope

router = Router(tags=["development"])


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


# --- framework ------------------------------------------------------------------------------


class SkillOut(Schema):
    code: str
    name: str
    description: str
    indicators: dict[str, str] = Field(description="developing, competent, proficient, expert")
    origin: str = Field(description="founding (the five skills) or agency (an agency's own)")


class FrameworkOut(Schema):
    id: int
    version: int
    name: str
    source: str
    agency_edition: bool = Field(description="An agency's own edition, not the published one")
    skills: list[SkillOut]


def _framework_out(framework: CompetencyFramework) -> dict[str, Any]:
    return {
        "id": framework.pk,
        "version": framework.version,
        "name": framework.name,
        "source": framework.source,
        "agency_edition": framework.organization_id is not None,
        "skills": [{"origin": "founding", **skill} for skill in framework.skills],
    }


def _framework_response(response: HttpResponse, framework: CompetencyFramework) -> dict:
    response["ETag"] = f'"{framework.version}"'
    return _framework_out(framework)


@router.get(
    "/development/framework",
    response=FrameworkOut,
    summary="The competency framework in force for the caller's agency",
)
def framework_get(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The agency's own edition if it has one, else the published framework. The ``ETag``
    is its version, for ``PUT``."""
    current = services.framework_current(primary_organization_id(request.user))
    return _framework_response(response, current)


class SkillIn(InputSchema):
    code: Text30 = Field("", description="Keep an existing skill's code; empty for a new skill")
    name: NonBlank300
    description: NonBlank500
    indicators: dict[Level, Text500] = Field(description="A description at each of the 4 levels")


class FrameworkIn(InputSchema):
    skills: list[SkillIn] = Field(min_length=1, max_length=30)
    name: Text300 = ""


@router.put(
    "/development/framework",
    response=FrameworkOut,
    summary="Save a new version of the competency framework (administrators)",
)
def framework_put(
    request: HttpRequest,
    payload: FrameworkIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> dict[str, Any]:
    """Organization admins save their agency's edition, platform administrators the
    published one; anyone else gets 403. Needs ``If-Match`` with the version read: a newer
    one answers 412. Past reviews keep the version they were made in."""
    expected = require_if_match(if_match)
    scope, can_edit = rule_scope(request.user)
    if not can_edit:
        raise PermissionDenied("Only an administrator edits the competency framework.")
    used = {s.code for s in payload.skills if s.code}
    skills = []
    for skill in payload.skills:
        code = skill.code or services.skill_code_for(skill.name, used)
        used.add(code)
        indicators = {str(level): text for level, text in skill.indicators.items()}
        skills.append(
            {
                "code": code,
                "name": skill.name,
                "description": skill.description,
                "indicators": indicators,
            }
        )
    saved = services.framework_edit(
        actor=request.user,
        organization=scope,
        skills=skills,
        name=payload.name,
        based_on=expected,
    )
    return _framework_response(response, saved)


# --- reviews -------------------------------------------------------------------------------


class RatingOut(Schema):
    skill_code: str
    skill_name: str
    self_level: str | None = Field(description="Hidden (null) from the supervisor until sent")
    self_comment: str | None
    supervisor_level: str | None = Field(description="Null until the supervisor's rating is in")
    supervisor_comment: str | None
    differs: bool | None


class EvidenceOut(Schema):
    id: int
    skill_code: str
    source: str = Field(description="case_note or task")
    record_id: int | None = Field(description="Null when the caller may not open the record")
    label: str
    client: str = Field(description="Empty when the caller may not see the client")
    comment: str
    added_by: str


class ReviewSummaryOut(Schema):
    id: int
    staff_id: int
    staff_name: str
    supervisor_id: int
    supervisor_name: str
    framework_version: int
    due_on: date
    status: str
    locked: bool


class ReviewOut(ReviewSummaryOut):
    staff_signed_at: str | None
    supervisor_signed_at: str | None
    can_sign: bool
    ratings: list[RatingOut]
    evidence: list[EvidenceOut]
    facts: dict[str, list[str]] = Field(description="Counts from casework, by skill")


def _summary(review: CompetencyReview) -> dict[str, Any]:
    return {
        "id": review.pk,
        "staff_id": review.staff_id,
        "staff_name": str(review.staff),
        "supervisor_id": review.supervisor_id,
        "supervisor_name": str(review.supervisor),
        "framework_version": review.framework.version,
        "due_on": review.due_on,
        "status": review.status,
        "locked": review.is_locked,
    }


def _review_out(review: CompetencyReview, viewer: Any) -> dict[str, Any]:
    """The review as ``viewer`` may see it (the web page's rule); linked records are read
    through their gates, which audit each one shown."""
    seen = queries.review_visibility(review, viewer)
    names = {s["code"]: s["name"] for s in review.framework.skills}
    ratings = []
    for rating in review.ratings.all():
        own, theirs = seen["show_self"], seen["show_supervisor"]
        ratings.append(
            {
                "skill_code": rating.skill_code,
                "skill_name": names.get(rating.skill_code, rating.skill_code),
                "self_level": (rating.self_level or None) if own else None,
                "self_comment": rating.self_comment if own else None,
                "supervisor_level": (rating.supervisor_level or None) if theirs else None,
                "supervisor_comment": rating.supervisor_comment if theirs else None,
                "differs": rating.differs if own and theirs else None,
            }
        )
    shown = evidence.shown_to(viewer, review.evidence.select_related("added_by"))
    return {
        **_summary(review),
        "staff_signed_at": review.staff_signed_at.isoformat() if review.staff_signed_at else None,
        "supervisor_signed_at": (
            review.supervisor_signed_at.isoformat() if review.supervisor_signed_at else None
        ),
        "can_sign": seen["can_sign"],
        "ratings": ratings,
        "evidence": [
            {
                "id": item.pk,
                "skill_code": item.skill_code,
                "source": item.source,
                "record_id": item.record_id,
                "label": item.label,
                "client": item.client,
                "comment": item.comment,
                "added_by": item.added_by,
            }
            for items in shown.values()
            for item in items
        ],
        "facts": evidence.skill_facts(review.staff),
    }


def _read_review(request: HttpRequest, review_id: int) -> CompetencyReview:
    review = permissions.access_review(request.user, review_id)
    record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="workforce.competencyreview",
        target_id=review.pk,
    )
    return review


class StaffFilter(InputSchema):
    staff_id: Id | None = Field(None, description="One staff member (yourself or your team's)")


@router.get(
    "/development/reviews",
    response=list[ReviewSummaryOut],
    summary="Competency reviews of the caller and their team",
)
def reviews_list(request: HttpRequest, filters: Query[StaffFilter]) -> list[dict[str, Any]]:
    """The caller's own reviews and those of the staff they supervise (or one of them)."""
    staff = permissions.development_visible_to(request.user)
    if filters.staff_id is not None:
        staff = staff.filter(
            pk=permissions.access_development_staff(request.user, filters.staff_id).pk
        )
    reviews = CompetencyReview.objects.filter(staff__in=staff).select_related(
        "staff", "supervisor", "framework"
    )
    return [_summary(review) for review in reviews]


class ReviewStartIn(InputSchema):
    staff_id: Id
    due_on: date


@router.post(
    "/development/reviews",
    response={201: ReviewOut},
    summary="Open a competency review of a team member (their supervisor)",
)
def review_start(request: HttpRequest, payload: ReviewStartIn) -> Status:
    staff = permissions.access_development_staff(request.user, payload.staff_id)
    review = services.review_start(actor=request.user, staff=staff, due_on=payload.due_on)
    return Status(
        201, _review_out(permissions.access_review(request.user, review.pk), request.user)
    )


@router.get(
    "/development/reviews/{review_id}",
    response=ReviewOut,
    summary="A competency review as the caller may see it",
)
def review_get(request: HttpRequest, review_id: Id) -> dict[str, Any]:
    """Ratings the caller may see (a self-rating reaches the supervisor once sent), the
    evidence linked to each skill (a client named only to readers of that record), and
    counts from casework."""
    return _review_out(_read_review(request, review_id), request.user)


class RatingIn(InputSchema):
    level: Level
    comment: Text500 = ""


class RatingsIn(InputSchema):
    ratings: dict[Text30, RatingIn] = Field(description="Every skill of the review, by code")


def _ratings(payload: RatingsIn) -> dict[str, tuple[str, str]]:
    return {code: (str(r.level), r.comment) for code, r in payload.ratings.items()}


@router.post(
    "/development/reviews/{review_id}/self-rating",
    response=ReviewOut,
    summary="Send the staff member's own ratings",
)
def review_self_rate(request: HttpRequest, review_id: Id, payload: RatingsIn) -> dict[str, Any]:
    review = permissions.access_review(request.user, review_id)
    services.review_self_rate(actor=request.user, review=review, ratings=_ratings(payload))
    return _review_out(permissions.access_review(request.user, review_id), request.user)


@router.post(
    "/development/reviews/{review_id}/supervisor-rating",
    response=ReviewOut,
    summary="Send the reviewing supervisor's ratings",
)
def review_supervisor_rate(
    request: HttpRequest, review_id: Id, payload: RatingsIn
) -> dict[str, Any]:
    review = permissions.access_review(request.user, review_id)
    services.review_supervisor_rate(actor=request.user, review=review, ratings=_ratings(payload))
    return _review_out(permissions.access_review(request.user, review_id), request.user)


@router.post(
    "/development/reviews/{review_id}/sign",
    response=ReviewOut,
    summary="Sign the review (the second signature locks it)",
)
def review_sign(request: HttpRequest, review_id: Id) -> dict[str, Any]:
    review = permissions.access_review(request.user, review_id)
    services.review_sign(actor=request.user, review=review)
    return _review_out(permissions.access_review(request.user, review_id), request.user)


class EvidenceIn(InputSchema):
    skill_code: Text30
    record: Text30 = Field(
        description="case_note:<id> or task:<id>: one of the staff member's own signed notes "
        "or tasks that the caller may read (see /evidence-choices)"
    )
    comment: Text500 = ""


class EvidenceChoiceOut(Schema):
    record: str
    label: str


@router.get(
    "/development/reviews/{review_id}/evidence-choices",
    response=list[EvidenceChoiceOut],
    summary="Records the caller may link to a skill of the review",
)
def evidence_choices(request: HttpRequest, review_id: Id) -> list[dict[str, str]]:
    """The staff member's signed notes and tasks of the last 12 months that the caller may
    read; labels give the kind and dates, never the client."""
    review = _read_review(request, review_id)
    if review.is_locked or _me(request).pk not in (review.staff_id, review.supervisor_id):
        return []
    return [
        {"record": value, "label": label}
        for value, label in evidence.candidates(request.user, review.staff)
    ]


@router.post(
    "/development/reviews/{review_id}/evidence",
    response={201: EvidenceOut},
    summary="Link a note or task to a skill of the review",
)
def evidence_link(request: HttpRequest, review_id: Id, payload: EvidenceIn) -> Status:
    review = permissions.access_review(request.user, review_id)
    link = services.review_evidence_link(actor=request.user, review=review, **payload.dict())
    shown = evidence.shown_to(request.user, [link])[link.skill_code][0]
    return Status(201, {"id": shown.pk, **{k: getattr(shown, k) for k in EVIDENCE_FIELDS}})


EVIDENCE_FIELDS = ("skill_code", "source", "record_id", "label", "client", "comment", "added_by")


@router.delete(
    "/development/reviews/{review_id}/evidence/{evidence_id}",
    response={204: None},
    summary="Remove a link before the review is locked",
)
def evidence_unlink(request: HttpRequest, review_id: Id, evidence_id: Id) -> Status:
    review = permissions.access_review(request.user, review_id)
    link = review.evidence.filter(pk=evidence_id).first()
    if link is None:
        raise NotFound("No such evidence on this review.")
    services.review_evidence_unlink(actor=request.user, link=link)
    return Status(204, None)


# --- goals ------------------------------------------------------------------------------------


class DevelopmentGoalOut(Schema):
    id: int
    staff_id: int
    review_id: int | None
    skill_code: str
    what: str
    by_when: date
    method: str
    how: str
    status: str
    completed_on: date | None
    evidence_ce_id: int | None
    outcome_note: str


def _goal_out(goal: DevelopmentGoal) -> dict[str, Any]:
    fields = ("skill_code", "what", "by_when", "method", "how", "status", "completed_on")
    return {
        "id": goal.pk,
        "staff_id": goal.staff_id,
        "review_id": goal.review_id,
        "evidence_ce_id": goal.evidence_ce_id,
        "outcome_note": goal.outcome_note,
        **{name: getattr(goal, name) for name in fields},
    }


def _staff_or_me(request: HttpRequest, staff_id: int | None) -> User:
    """The caller, or a staff member whose development record they may read (audited)."""
    if staff_id is None or staff_id == _me(request).pk:
        return _me(request)
    staff = permissions.access_development_staff(request.user, staff_id)
    record(
        actor=request.user,
        action=AuditAction.VIEW,
        target_type="workforce.development_record",
        target_id=staff.pk,
    )
    return staff


@router.get(
    "/development/goals",
    response=list[DevelopmentGoalOut],
    summary="Development goals of the caller (or of a team member)",
)
def goals_list(request: HttpRequest, filters: Query[StaffFilter]) -> list[dict[str, Any]]:
    staff = _staff_or_me(request, filters.staff_id)
    return [_goal_out(goal) for goal in staff.development_goals.all()]


class DevelopmentGoalIn(InputSchema):
    staff_id: Id | None = Field(None, description="A team member; yourself when left out")
    review_id: Id | None = Field(None, description="The review the goal comes from")
    skill_code: Text30
    what: Text300 = Field(min_length=1)
    by_when: date
    method: GoalMethod
    how: Text500 = ""


@router.post(
    "/development/goals",
    response={201: DevelopmentGoalOut},
    summary="Set a development goal: what, by when, how",
)
def goal_create(request: HttpRequest, payload: DevelopmentGoalIn) -> Status:
    staff = _staff_or_me(request, payload.staff_id)
    review = None
    if payload.review_id is not None:
        review = permissions.access_review(request.user, payload.review_id)
        if review.staff_id != staff.pk:
            raise NotFound("No such review of this staff member.")
    data = payload.dict(exclude={"staff_id", "review_id"})
    data["method"] = str(data["method"])
    goal = services.goal_create(actor=request.user, staff=staff, data=data, review=review)
    return Status(201, _goal_out(goal))


class GoalCompleteIn(InputSchema):
    completed_on: date
    evidence_ce_id: Id | None = Field(None, description="A completed CE record of the staff member")
    note: Text500 = ""


@router.post(
    "/development/goals/{development_goal_id}/complete",
    response=DevelopmentGoalOut,
    summary="Mark a goal as met, optionally with a completed CE record as evidence",
)
def goal_complete(
    request: HttpRequest, development_goal_id: Id, payload: GoalCompleteIn
) -> dict[str, Any]:
    goal = permissions.access_goal(request.user, development_goal_id)
    ce = None
    if payload.evidence_ce_id is not None:
        ce = goal.staff.continuing_education.filter(pk=payload.evidence_ce_id).first()
        if ce is None:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                {"evidence_ce_id": "Choose one of the staff member's CE records."}
            )
    goal = services.goal_complete(
        actor=request.user,
        goal=goal,
        completed_on=payload.completed_on,
        evidence_ce=ce,
        note=payload.note,
    )
    return _goal_out(goal)


# --- schedule -----------------------------------------------------------------------------------


class ScheduleOut(Schema):
    staff_id: int
    staff_name: str
    next_review_due: date | None = Field(description="Null when the person has no program role")
    review_in_progress_id: int | None
    review_in_progress_status: str | None


@router.get(
    "/development/schedule",
    response=list[ScheduleOut],
    summary="When the caller's and their team's next competency reviews are due",
)
def schedule(request: HttpRequest) -> list[dict[str, Any]]:
    """Every 6 months in a person's first year in a role, yearly after (per role)."""
    people = permissions.development_visible_to(request.user).order_by("full_name", "pk")
    open_reviews = {
        r.staff_id: r
        for r in CompetencyReview.objects.filter(staff__in=people).exclude(
            status=ReviewStatus.LOCKED
        )
    }
    rows = []
    for person in people:
        current = open_reviews.get(person.pk)
        rows.append(
            {
                "staff_id": person.pk,
                "staff_name": str(person),
                "next_review_due": queries.next_review_due(person),
                "review_in_progress_id": current.pk if current else None,
                "review_in_progress_status": current.status if current else None,
            }
        )
    return rows

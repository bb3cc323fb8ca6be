"""Every change to the competency framework, reviews, development goals and study logs.

Keyword-only, one transaction each, ``full_clean()``, an audit row in the same transaction.
A staff member rates themself and signs; their supervisor starts the review, rates, signs;
when both have signed the review is locked (the database refuses any later change).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casework.accounts.models import Organization, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import PermissionDenied, StaleVersion
from casework.notifications.services import notify
from casework.workforce.development import permissions
from casework.workforce.development.models import (
    CompetencyFramework,
    CompetencyRating,
    CompetencyReview,
    DevelopmentGoal,
    EvidenceSource,
    GoalStatus,
    Level,
    ReviewEvidence,
    ReviewStatus,
    StudyEntry,
)

DATA = Path(__file__).resolve().parent / "data"
Ratings = Mapping[str, tuple[str, str]]  # skill code -> (level, comment)


@cache
def framework_file() -> dict[str, Any]:
    return dict(yaml.safe_load((DATA / "competencies.yaml").read_text(encoding="utf-8")))


@cache
def exam_domains() -> dict[str, dict[str, Any]]:
    """The exams Casework helps prepare for, by code, with their domains and source."""
    data = yaml.safe_load((DATA / "exam_domains.yaml").read_text(encoding="utf-8"))
    return {exam["code"]: exam for exam in data["exams"]}


def _audit(actor: Any, action: str, target: Any, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type=f"workforce.{target._meta.model_name}",
        target_id=target.pk,
        **extra,
    )


# --- framework ----------------------------------------------------------------------------


def framework_current(organization_id: int | None = None) -> CompetencyFramework:
    """The agency's newest version if it has one, else the newest published version (loaded
    from the data file the first time)."""
    if organization_id is not None:
        own = CompetencyFramework.objects.filter(organization_id=organization_id).first()
        if own is not None:
            return own
    published = CompetencyFramework.objects.filter(organization__isnull=True).first()
    if published is None:
        data = framework_file()
        skills = [dict(skill, origin="founding") for skill in data["skills"]]
        published, _ = CompetencyFramework.objects.get_or_create(
            organization=None,
            version=data["version"],
            defaults={
                "name": data["name"],
                "skills": skills,
                "source": " ".join(data["source"].split()),
            },
        )
    return published


def validate_skills(skills: Any) -> list[dict[str, Any]]:
    """Each skill needs a code, name, description and an indicator at all four levels."""
    if not isinstance(skills, list) or not skills:
        raise ValidationError({"skills": "Give a list of skills."})
    codes: set[str] = set()
    for index, skill in enumerate(skills):
        where = f"skills.{index}"
        if not isinstance(skill, dict):
            raise ValidationError({where: "Each skill is a mapping."})
        for key in ("code", "name", "description"):
            if not str(skill.get(key) or "").strip():
                raise ValidationError({f"{where}.{key}": "Required."})
        if skill["code"] in codes:
            raise ValidationError({f"{where}.code": f"The code {skill['code']!r} is used twice."})
        codes.add(skill["code"])
        indicators = skill.get("indicators") or {}
        missing = [level for level in Level.values if not str(indicators.get(level) or "").strip()]
        if missing:
            raise ValidationError(
                {f"{where}.indicators": f"Describe the levels: {', '.join(missing)}."}
            )
    return skills


def skill_code_for(name: str, used: set[str]) -> str:
    """A code for a new skill, made from its name and unique among ``used``."""
    from django.utils.text import slugify

    base = slugify(name).replace("-", "_")[:32] or "skill"
    code, number = base, 2
    while code in used:
        code, number = f"{base}_{number}", number + 1
    return code


@transaction.atomic
def framework_edit(
    *,
    actor: Any,
    organization: Organization | None,
    skills: Any,
    name: str = "",
    based_on: int | None = None,
) -> CompetencyFramework:
    """Save a new version (an agency's own when ``organization`` is given: org admins; the
    published one otherwise: platform administrators). Past reviews keep their version.

    ``based_on`` is the version the editor started from: if someone saved a newer one in the
    meantime, ``StaleVersion`` refuses the edit instead of silently overwriting theirs.
    """
    from casework.workforce.permissions import can_edit_rules

    if not can_edit_rules(actor, organization):
        raise PermissionDenied("You cannot edit this competency framework.")
    current = framework_current(organization.pk if organization else None)
    if based_on is not None and based_on != current.version:
        raise StaleVersion(current.version)
    skills = validate_skills(skills)
    for skill in skills:
        # Where a skill came from is the framework's to say, never the editor's.
        before = current.skill(skill["code"])
        skill["origin"] = before.get("origin", "founding") if before else "agency"
    last = CompetencyFramework.objects.filter(organization=organization).aggregate(v=Max("version"))
    framework = CompetencyFramework(
        organization=organization,
        version=max(last["v"] or 0, current.version) + 1,
        name=name.strip() or current.name,
        skills=skills,
        source=current.source if organization is None else f"{current.source} Agency edition.",
        created_by=actor,
    )
    framework.full_clean()
    framework.save()
    _audit(actor, AuditAction.CREATE, framework, details={"version": framework.version})
    return framework


def framework_versions(organization: Organization | None) -> list[dict[str, Any]]:
    """The versions an agency has had (its own, then the published ones), newest first,
    each with how many reviews were made against it."""
    from django.db.models import Count, Q

    scope = Q(organization__isnull=True)
    if organization is not None:
        scope |= Q(organization=organization)
    rows = list(CompetencyFramework.objects.filter(scope).select_related("created_by"))
    used = dict(
        CompetencyReview.objects.filter(framework__in=rows)
        .values("framework_id")
        .annotate(n=Count("pk"))
        .values_list("framework_id", "n")
    )
    return [
        {
            "framework": row,
            "own": row.organization_id is not None,
            "reviews": used.get(row.pk, 0),
            "skills": len(row.skills),
        }
        for row in sorted(rows, key=lambda r: (r.organization_id is None, -r.version))
    ]


# --- reviews ------------------------------------------------------------------------------


def _organization_id(staff: User) -> int | None:
    from casework.workforce.permissions import primary_organization_id

    return primary_organization_id(staff)


@transaction.atomic
def review_start(*, actor: Any, staff: User, due_on: date) -> CompetencyReview:
    """A supervisor opens a review of a team member against the framework in force."""
    if not permissions.supervises(actor, staff):
        raise PermissionDenied("Only the staff member's supervisor starts a review.")
    if CompetencyReview.objects.filter(staff=staff).exclude(status=ReviewStatus.LOCKED).exists():
        raise ValidationError({"staff": f"{staff} already has a review in progress."})
    framework = framework_current(_organization_id(staff))
    review = CompetencyReview(staff=staff, supervisor=actor, framework=framework, due_on=due_on)
    review.full_clean()
    review.save()
    CompetencyRating.objects.bulk_create(
        CompetencyRating(review=review, skill_code=skill["code"]) for skill in framework.skills
    )
    _audit(actor, AuditAction.CREATE, review, details={"staff": staff.email, "due_on": due_on})
    notify(
        recipients=[staff],
        kind="competency_review",
        title=f"Your competency review is open: rate yourself by {due_on}",
        url=f"/development/reviews/{review.pk}/",
        dedupe_key=f"review-open:{review.pk}",
    )
    return review


def _apply_ratings(review: CompetencyReview, ratings: Ratings, side: str) -> dict[str, Any]:
    """Write one side's levels and comments; every skill needs a level."""
    rows = {r.skill_code: r for r in review.ratings.select_for_update()}
    unknown = sorted(set(ratings) - set(rows))
    if unknown:
        raise ValidationError({"ratings": f"Unknown skills: {', '.join(unknown)}."})
    missing = [code for code in rows if not (ratings.get(code) or ("", ""))[0]]
    if missing:
        raise ValidationError({f"{code}_level": "Choose a level." for code in missing})
    changes = {}
    for code, (level, comment) in ratings.items():
        if level not in Level.values:
            raise ValidationError({f"{code}_level": "Choose one of the four levels."})
        row = rows[code]
        setattr(row, f"{side}_level", level)
        setattr(row, f"{side}_comment", comment.strip()[:2000])
        row.full_clean()
        row.save()
        changes[code] = level
    return changes


@transaction.atomic
def review_self_rate(*, actor: Any, review: CompetencyReview, ratings: Ratings) -> CompetencyReview:
    """The staff member's own levels and comments; then the supervisor rates."""
    fresh = CompetencyReview.objects.select_for_update().get(pk=review.pk)
    if actor.pk != fresh.staff_id:
        raise PermissionDenied("Only the staff member rates themself.")
    if fresh.status != ReviewStatus.SELF_RATING:
        raise ValidationError("The self-rating of this review is already submitted.")
    changes = _apply_ratings(fresh, ratings, "self")
    fresh.status = ReviewStatus.SUPERVISOR_RATING
    fresh.save(update_fields=["status", "updated_at"])
    _audit(actor, AuditAction.UPDATE, fresh, details={"self_ratings": changes})
    notify(
        recipients=[fresh.supervisor],
        kind="competency_review",
        title=f"{fresh.staff} submitted their self-rating",
        url=f"/development/reviews/{fresh.pk}/",
        dedupe_key=f"review-self:{fresh.pk}",
    )
    return fresh


@transaction.atomic
def review_supervisor_rate(
    *, actor: Any, review: CompetencyReview, ratings: Ratings
) -> CompetencyReview:
    """The supervisor's levels and comments, after the self-rating; then both sign."""
    fresh = CompetencyReview.objects.select_for_update().get(pk=review.pk)
    if actor.pk != fresh.supervisor_id or not permissions.supervises(actor, fresh.staff):
        raise PermissionDenied("Only the reviewing supervisor rates this review.")
    if fresh.status != ReviewStatus.SUPERVISOR_RATING:
        raise ValidationError("This review is not waiting for the supervisor's rating.")
    changes = _apply_ratings(fresh, ratings, "supervisor")
    fresh.status = ReviewStatus.SIGNING
    fresh.save(update_fields=["status", "updated_at"])
    _audit(actor, AuditAction.UPDATE, fresh, details={"supervisor_ratings": changes})
    notify(
        recipients=[fresh.staff],
        kind="competency_review",
        title="Your supervisor rated your review: read it and sign",
        url=f"/development/reviews/{fresh.pk}/",
        dedupe_key=f"review-rated:{fresh.pk}",
    )
    return fresh


@transaction.atomic
def review_sign(*, actor: Any, review: CompetencyReview) -> CompetencyReview:
    """The staff member and the supervisor each sign; the second signature locks it."""
    fresh = CompetencyReview.objects.select_for_update().get(pk=review.pk)
    if fresh.status != ReviewStatus.SIGNING:
        raise ValidationError("Both ratings must be in before the review is signed.")
    now = timezone.now()
    if actor.pk == fresh.staff_id and fresh.staff_signed_at is None:
        fresh.staff_signed_at, other = now, fresh.supervisor
    elif actor.pk == fresh.supervisor_id and fresh.supervisor_signed_at is None:
        fresh.supervisor_signed_at, other = now, fresh.staff
    else:
        raise PermissionDenied("You cannot sign this review (again).")
    if fresh.staff_signed_at and fresh.supervisor_signed_at:
        fresh.status, fresh.locked_at = ReviewStatus.LOCKED, now
    fresh.save()
    _audit(actor, AuditAction.UPDATE, fresh, details={"signed": True, "locked": fresh.is_locked})
    notify(
        recipients=[other],
        kind="competency_review",
        title="The competency review is signed and locked"
        if fresh.is_locked
        else f"{actor} signed the competency review: please sign",
        url=f"/development/reviews/{fresh.pk}/",
        dedupe_key=f"review-signed:{fresh.pk}:{actor.pk}",
    )
    return fresh


# --- evidence linked to a review ------------------------------------------------------------


def _check_evidence_access(actor: Any, review: CompetencyReview) -> None:
    if actor.pk == review.staff_id:
        return
    if actor.pk == review.supervisor_id and permissions.supervises(actor, review.staff):
        return
    raise PermissionDenied("Only the staff member and the reviewing supervisor add evidence.")


def _parse_choice(choice: str) -> tuple[str, int]:
    source, _sep, pk = str(choice).partition(":")
    if source not in EvidenceSource.values or not pk.isdigit():
        raise ValidationError({"record": "Choose one of the records listed."})
    return source, int(pk)


@transaction.atomic
def review_evidence_link(
    *, actor: Any, review: CompetencyReview, skill_code: str, record: str, comment: str = ""
) -> ReviewEvidence:
    """Link one of the staff member's own notes or tasks (``source:id``) to a skill of the
    review. The actor must be able to read the record through its gate; a locked review
    takes no more evidence."""
    from casework.core.exceptions import NotFound
    from casework.workforce.development import evidence

    fresh = CompetencyReview.objects.select_for_update().get(pk=review.pk)
    _check_evidence_access(actor, fresh)
    if fresh.is_locked:
        raise ValidationError("The review is signed and locked: its evidence cannot change.")
    if fresh.framework.skill(skill_code) is None:
        raise ValidationError({"skill_code": "Choose a skill of this review."})
    source, source_id = _parse_choice(record)
    try:
        found = evidence.load_record(actor, source, source_id, audit=False)
    except NotFound:
        found = None
    if found is None or not evidence.owned_by(found, fresh.staff):
        raise ValidationError(
            {"record": "Choose one of the staff member's own records that you may read."}
        )
    if ReviewEvidence.objects.filter(
        review=fresh, skill_code=skill_code, source=source, source_id=source_id
    ).exists():
        raise ValidationError({"record": "That record is already linked to this skill."})
    link = ReviewEvidence(
        review=fresh,
        skill_code=skill_code,
        source=source,
        source_id=source_id,
        comment=(comment or "").strip()[:500],
        added_by=actor,
    )
    link.full_clean()
    link.save()
    _audit(
        actor,
        AuditAction.CREATE,
        link,
        client_id=getattr(found, "client_id", None),
        organization_id=getattr(found, "organization_id", None),
        details={"review": fresh.pk, "skill": skill_code, "source": source, "id": source_id},
    )
    return link


@transaction.atomic
def review_evidence_unlink(*, actor: Any, link: ReviewEvidence) -> None:
    """Remove a link before the review is locked (whoever may add evidence may remove it)."""
    review = CompetencyReview.objects.select_for_update().get(pk=link.review_id)
    _check_evidence_access(actor, review)
    if review.is_locked:
        raise ValidationError("The review is signed and locked: its evidence cannot change.")
    details = {"review": review.pk, "skill": link.skill_code, "source": link.source}
    _audit(actor, AuditAction.DELETE, link, details=details | {"id": link.source_id})
    link.delete()


# --- goals --------------------------------------------------------------------------------


def _check_goal_access(actor: Any, staff: User) -> None:
    if actor.pk != staff.pk and not permissions.supervises(actor, staff):
        raise PermissionDenied("Only the staff member or their supervisor sets goals.")


@transaction.atomic
def goal_create(
    *, actor: Any, staff: User, data: Mapping[str, Any], review: CompetencyReview | None = None
) -> DevelopmentGoal:
    """A development goal: what, by when, how (training, shadowing, a CE course)."""
    _check_goal_access(actor, staff)
    framework = review.framework if review else framework_current(_organization_id(staff))
    if framework.skill(str(data.get("skill_code"))) is None:
        raise ValidationError({"skill_code": "Choose a skill of the framework."})
    allowed = {"skill_code", "what", "by_when", "method", "how"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    goal = DevelopmentGoal(staff=staff, review=review, created_by=actor, **dict(data))
    goal.full_clean()
    goal.save()
    _audit(actor, AuditAction.CREATE, goal, details={"what": goal.what, "by_when": goal.by_when})
    return goal


@transaction.atomic
def goal_complete(
    *,
    actor: Any,
    goal: DevelopmentGoal,
    completed_on: date,
    evidence_ce: Any = None,
    note: str = "",
) -> DevelopmentGoal:
    """Close a goal, optionally with a completed CE record of the staff member as evidence."""
    _check_goal_access(actor, goal.staff)
    if goal.status != GoalStatus.OPEN:
        raise ValidationError("This goal is already closed.")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "A goal cannot be completed in the future."})
    if evidence_ce is not None:
        if evidence_ce.user_id != goal.staff_id:
            raise ValidationError({"evidence_ce": "Choose one of the staff member's CE records."})
        if evidence_ce.completed_on > timezone.localdate():
            raise ValidationError({"evidence_ce": "That course is not completed yet."})
    goal.status, goal.completed_on = GoalStatus.COMPLETED, completed_on
    goal.evidence_ce, goal.outcome_note = evidence_ce, note.strip()[:500]
    goal.full_clean()
    goal.save()
    _audit(
        actor,
        AuditAction.UPDATE,
        goal,
        changes={"status": [GoalStatus.OPEN, GoalStatus.COMPLETED]},
        details={"evidence_ce": evidence_ce.pk if evidence_ce else None},
    )
    return goal


# --- exam preparation ------------------------------------------------------------------------


@transaction.atomic
def study_log(
    *,
    actor: Any,
    exam: str,
    domain: str,
    kind: str,
    on: date,
    hours: Decimal | None = None,
    score_percent: int | None = None,
    note: str = "",
) -> StudyEntry:
    """Plan study for an exam domain, log study hours, or log a practice result."""
    known = exam_domains().get(exam)
    if known is None:
        raise ValidationError({"exam": f"Choose one of {', '.join(exam_domains())}."})
    if domain not in {d["code"] for d in known["domains"]}:
        raise ValidationError({"domain": "Choose one of the exam's domains."})
    if kind != StudyEntry.Kind.PLAN and on > timezone.localdate():
        raise ValidationError({"on": "Study and practice are logged once done."})
    entry = StudyEntry(
        staff=actor,
        exam=exam,
        domain=domain,
        kind=kind,
        on=on,
        hours=hours if kind != StudyEntry.Kind.PRACTICE else None,
        score_percent=score_percent if kind == StudyEntry.Kind.PRACTICE else None,
        note=note.strip()[:300],
    )
    entry.full_clean()
    entry.save()
    _audit(actor, AuditAction.CREATE, entry, details={"exam": exam, "domain": domain, "kind": kind})
    return entry

"""Every change to service plans. Keyword-only, one transaction, an audit row in it.

Version lifecycle: draft -> (submitted -> approved | returned -> draft ...) -> signed.
A signed version is frozen (the database refuses changes); ``plan_review`` creates the next
version from it. Submitting is needed only where the program requires approval.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import access_for
from casework.assessments.models import Assessment
from casework.assessments.schema import NEED_LABELS
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client, Enrollment
from casework.core.exceptions import PermissionDenied
from casework.plans.models import (
    Goal,
    GoalStatus,
    Intervention,
    Need,
    Objective,
    PlanSettings,
    PlanVersion,
    Priority,
    Progress,
    Responsible,
    ServicePlan,
    SignatureMethod,
    VersionStatus,
)
from casework.plans.sections import validate_section

TEXT_LIMIT = 2000


def _audit(actor: Any, plan: ServicePlan, action: str, **details: Any) -> None:
    record(
        actor=actor,
        action=AuditAction.UPDATE if action != "create" else AuditAction.CREATE,
        target_type="service_plan",
        target_id=plan.pk,
        client_id=plan.client_id,
        organization_id=plan.organization_id,
        details={"step": action, **details},
    )


def plan_settings(program_id: int) -> PlanSettings:
    found = PlanSettings.objects.filter(program_id=program_id).first()
    return found or PlanSettings(program_id=program_id)


def _review_due(enrollment: Enrollment, start: datetime.date) -> datetime.date:
    return start + datetime.timedelta(
        days=plan_settings(enrollment.program_id).review_interval_days
    )


def _check_draft(version: PlanVersion) -> None:
    if version.is_locked:
        raise ValidationError({"version": "This version is signed; review the plan to change it."})
    if version.status in (VersionStatus.SUBMITTED, VersionStatus.APPROVED):
        raise ValidationError(
            {"version": "This version is with the supervisor; it changes only if returned."}
        )


@transaction.atomic
def plan_open(*, actor: Any, enrollment: Enrollment) -> ServicePlan:
    """The enrollment's plan, created (with a first draft version) if it has none."""
    existing = ServicePlan.objects.filter(enrollment=enrollment).first()
    if existing is not None:
        return existing
    plan = ServicePlan.objects.create(
        organization_id=enrollment.organization_id,
        client_id=enrollment.client_id,
        enrollment=enrollment,
        created_by=actor,
    )
    PlanVersion.objects.create(
        plan=plan, number=1, review_due=_review_due(enrollment, timezone.localdate())
    )
    _audit(actor, plan, "create", enrollment=enrollment.pk)
    return plan


def editable_version(*, actor: Any, plan: ServicePlan) -> PlanVersion:
    """The draft to edit: the latest version, or a new draft after a signed one."""
    latest = plan.latest
    if not latest.is_locked:
        return latest
    return _next_version(actor=actor, plan=plan, source=latest, reviewed=False)


def _copy_goal(goal: Goal, version: PlanVersion, needs: dict[int, Need]) -> Goal:
    objectives = list(goal.objectives.all())
    interventions = list(goal.interventions.all())
    goal.pk = None
    goal.version = version
    goal.need = needs.get(goal.need_id) if goal.need_id else None
    goal.progress, goal.progress_note = "", ""
    goal.save()
    for objective in objectives:
        objective.pk, objective.goal = None, goal
        objective.save()
    for intervention in interventions:
        intervention.pk, intervention.goal = None, goal
        intervention.save()
    return goal


def _next_version(
    *, actor: Any, plan: ServicePlan, source: PlanVersion, reviewed: bool
) -> PlanVersion:
    today = timezone.localdate()
    version = PlanVersion.objects.create(
        plan=plan,
        number=source.number + 1,
        sections=source.sections,
        review_due=_review_due(plan.enrollment, today) if reviewed else source.review_due,
        reviewed_on=today if reviewed else None,
    )
    needs: dict[int, Need] = {}
    for need in source.needs.all():
        old = need.pk
        need.pk, need.version = None, version
        need.save()
        needs[old] = need
    for goal in source.goals.prefetch_related("objectives", "interventions"):
        _copy_goal(goal, version, needs)
    _audit(actor, plan, "new_version", version=version.number, reviewed=reviewed)
    return version


@transaction.atomic
def plan_from_needs(
    *, actor: Any, client: Client, assessments: Iterable[Assessment]
) -> ServicePlan:
    """Build (or extend) the plan from the needs the assessments identified, in one step.

    Each new need is linked to its assessment and gets a proposed goal to fill in with the
    client. Needs already in the plan are not repeated.
    """
    assessments = [a for a in assessments if a.client_id == client.pk]
    if not assessments:
        raise ValidationError({"assessment": "Choose an assessment of this client."})
    enrollment = enrollment_for_plan(actor, client, assessments)
    plan = plan_open(actor=actor, enrollment=enrollment)
    version = editable_version(actor=actor, plan=plan)
    _check_draft(version)
    have = set(version.needs.values_list("domain", flat=True))
    added = []
    for assessment in assessments:
        for found in assessment.needs:
            if found["domain"] in have:
                continue
            have.add(found["domain"])
            need = Need.objects.create(
                version=version,
                domain=found["domain"],
                rating=found.get("rating"),
                description=_need_text(assessment, found),
                assessment=assessment,
            )
            Goal.objects.create(version=version, need=need, status=GoalStatus.PROPOSED)
            added.append(need.domain)
    _audit(actor, plan, "needs_added", version=version.number, needs=added)
    return plan


def _need_text(assessment: Assessment, found: Mapping[str, Any]) -> str:
    label = NEED_LABELS.get(found["domain"], found["domain"])
    source = assessment.instrument.short_name
    note = assessment.notes.get(found.get("source", ""), "")
    where = f"{label}: identified by {source} on {assessment.administered_on:%b %-d, %Y}"
    return f"{where}. {note}".strip() if note else where + "."


def enrollment_for_plan(actor: Any, client: Client, assessments: list[Assessment]) -> Enrollment:
    """The enrollment a plan belongs to: the assessments' open one, else the client's newest
    open enrollment in the actor's programs."""
    programs = access_for(actor).write_program_ids
    for assessment in assessments:
        enrollment = assessment.enrollment
        if (
            enrollment is not None
            and enrollment.end_date is None
            and enrollment.program_id in programs
        ):
            return enrollment
    enrollment = (
        Enrollment.objects.open()
        .filter(client_id=client.pk, program_id__in=programs)
        .order_by("-start_date", "-id")
        .first()
    )
    if enrollment is None:
        raise ValidationError({"enrollment": "The client has no open enrollment in your programs."})
    return enrollment


def _clean_text(value: Any, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if "\x00" in text or len(text) > TEXT_LIMIT:
        raise ValidationError({field: f"At most {TEXT_LIMIT} characters of plain text."})
    if required and not text:
        raise ValidationError({field: "This is required."})
    return text


GOAL_FIELDS = ("client_words", "measurable", "target_date", "priority", "status")


@transaction.atomic
def goal_save(
    *, actor: Any, plan: ServicePlan, data: Mapping[str, Any], goal: Goal | None = None
) -> Goal:
    """Add a goal to the plan's draft, or change one of its goals."""
    version = goal.version if goal is not None else editable_version(actor=actor, plan=plan)
    _check_draft(version)
    goal = goal or Goal(version=version)
    goal.client_words = _clean_text(data.get("client_words"), "client_words")
    goal.measurable = _clean_text(data.get("measurable"), "measurable")
    goal.target_date = data.get("target_date") or None
    goal.priority = data.get("priority") or Priority.MEDIUM
    goal.status = data.get("status") or GoalStatus.PROPOSED
    goal.full_clean(exclude=["version", "need"])
    goal.save()
    _audit(actor, plan, "goal_saved", version=version.number, goal=str(goal.key))
    return goal


@transaction.atomic
def objective_add(*, actor: Any, goal: Goal, text: str, target_date: Any = None) -> Objective:
    _check_draft(goal.version)
    objective = Objective(goal=goal, text=_clean_text(text, "text", required=True))
    objective.target_date = target_date or None
    objective.full_clean()
    objective.save()
    _audit(actor, goal.version.plan, "objective_added", goal=str(goal.key))
    return objective


@transaction.atomic
def intervention_add(*, actor: Any, goal: Goal, data: Mapping[str, Any]) -> Intervention:
    """Add a service or action to a goal: what, how often, who."""
    _check_draft(goal.version)
    responsible = data.get("responsible") or ""
    if responsible not in Responsible.values:
        raise ValidationError({"responsible": "Choose who does it."})
    name = _clean_text(data.get("responsible_name"), "responsible_name")
    if responsible in (Responsible.PROVIDER, Responsible.ORGANIZATION) and not name:
        raise ValidationError({"responsible_name": "Name the provider or organization."})
    intervention = Intervention(
        goal=goal,
        what=_clean_text(data.get("what"), "what", required=True),
        frequency=_clean_text(data.get("frequency"), "frequency")[:100],
        responsible=responsible,
        responsible_name=name[:200],
        start_date=data.get("start_date") or None,
    )
    intervention.full_clean()
    intervention.save()
    _audit(actor, goal.version.plan, "intervention_added", goal=str(goal.key))
    return intervention


@transaction.atomic
def section_save(
    *, actor: Any, plan: ServicePlan, kind: str, data: Mapping[str, Any]
) -> PlanVersion:
    """Save a practice-area section (discharge, ipe, safety, housing) on the draft."""
    version = editable_version(actor=actor, plan=plan)
    _check_draft(version)
    section = validate_section(kind, data)
    if kind == "ipe":
        _check_same_eligibility(plan, version, section)
    version.sections = {**version.sections, kind: section}
    version.save(update_fields=["sections", "updated_at"])
    _audit(actor, plan, "section_saved", version=version.number, section=kind)
    return version


def _check_same_eligibility(
    plan: ServicePlan, version: PlanVersion, section: Mapping[str, Any]
) -> None:
    """A new version does not restart the IPE's 90-day clock: the eligibility date stays
    the one recorded with the plan's first IPE (34 CFR 361.45(e))."""
    first = (
        plan.versions.filter(number__lt=version.number, sections__has_key="ipe")
        .order_by("number")
        .values_list("number", "sections__ipe")
        .first()
    )
    if first is None or not isinstance(first[1], dict):
        return
    recorded = first[1].get("eligibility_date")
    if recorded and recorded != section.get("eligibility_date"):
        day = datetime.date.fromisoformat(recorded)
        raise ValidationError(
            {
                "eligibility_date": f"Eligibility was determined on {day:%b %-d, %Y} "
                f"(recorded in version {first[0]}); a new version of the plan does not "
                "restart the 90-day clock. Record an agreed extension instead."
            }
        )


# --- Approval and signature -------------------------------------------------------------------


def _ready_to_agree(version: PlanVersion) -> None:
    goals = list(version.goals.exclude(status=GoalStatus.CANCELLED))
    if not goals and not version.sections:
        raise ValidationError({"goals": "Add at least one goal (or a plan section) first."})
    for goal in goals:
        if not goal.client_words or not goal.measurable or goal.target_date is None:
            raise ValidationError(
                {
                    "goals": "Every goal needs the client's words, a measurable statement and a "
                    "target date before the plan is agreed."
                }
            )


@transaction.atomic
def plan_submit(*, actor: Any, plan: ServicePlan) -> PlanVersion:
    version = plan.latest
    _check_draft(version)
    _ready_to_agree(version)
    version.status = VersionStatus.SUBMITTED
    version.submitted_at, version.submitted_by = timezone.now(), actor
    version.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    _audit(actor, plan, "submitted", version=version.number)
    from casework.plans.notices import tell_supervisors

    tell_supervisors(plan, version)
    return version


def _check_supervisor(actor: Any, plan: ServicePlan) -> None:
    if plan.enrollment.program_id not in access_for(actor).supervised_program_ids:
        raise PermissionDenied("Only a supervisor of the program can approve or return plans.")


@transaction.atomic
def plan_decide(*, actor: Any, plan: ServicePlan, approve: bool, comment: str = "") -> PlanVersion:
    """A supervisor approves the submitted version, or returns it with comments."""
    _check_supervisor(actor, plan)
    version = plan.latest
    if version.status != VersionStatus.SUBMITTED:
        raise ValidationError({"version": "Only a submitted version can be approved or returned."})
    comment = _clean_text(comment, "comment", required=not approve)
    version.supervisor_comment = comment
    if approve:
        version.status = VersionStatus.APPROVED
        version.approved_at, version.approved_by = timezone.now(), actor
    else:
        version.status = VersionStatus.RETURNED
    version.save(
        update_fields=["status", "supervisor_comment", "approved_at", "approved_by", "updated_at"]
    )
    _audit(
        actor, plan, "approved" if approve else "returned", version=version.number, comment=comment
    )
    return version


@transaction.atomic
def plan_sign(
    *,
    actor: Any,
    plan: ServicePlan,
    method: str,
    signed_name: str = "",
    signature_image: str = "",
    signed_on: datetime.date | None = None,
    not_signed_reason: str = "",
) -> PlanVersion:
    """Record the client's agreement (drawn or typed signature with date), or that the
    client did not sign and why. The version is frozen from then on."""
    version = plan.latest
    if version.is_locked:
        raise ValidationError({"version": "This version is already signed."})
    needs_approval = plan_settings(plan.enrollment.program_id).requires_approval
    if needs_approval and version.status != VersionStatus.APPROVED:
        raise ValidationError({"version": "The program requires supervisor approval first."})
    if not needs_approval and version.status == VersionStatus.SUBMITTED:
        raise ValidationError({"version": "Wait for the supervisor's decision."})
    _ready_to_agree(version)
    _check_signature(method, signed_name, signature_image, signed_on, not_signed_reason)
    version.signature_method = method
    version.signed_name = _clean_text(signed_name, "signed_name")[:200]
    version.signature_image = signature_image if method == SignatureMethod.DRAWN else ""
    version.signed_on = signed_on or timezone.localdate()
    version.not_signed_reason = not_signed_reason.strip()[:300]
    version.signed_at, version.signed_recorded_by = timezone.now(), actor
    version.status = VersionStatus.SIGNED
    version.full_clean(exclude=["plan"])
    version.save()
    _audit(actor, plan, "signed", version=version.number, method=method)
    return version


def _check_signature(
    method: str, name: str, image: str, signed_on: datetime.date | None, reason: str
) -> None:
    if method not in SignatureMethod.values:
        raise ValidationError({"method": "Choose drawn, typed or not signed."})
    if method == SignatureMethod.NOT_SIGNED:
        if len(reason.strip()) < 5:
            raise ValidationError({"not_signed_reason": "Say why the client did not sign."})
        return
    if not name.strip():
        raise ValidationError({"signed_name": "Type the name of the person signing."})
    if method == SignatureMethod.DRAWN and not image.strip():
        raise ValidationError({"signature_image": "Draw the signature, or type it instead."})
    if len(image) > 200_000 or any(c not in "MLQCZ0123456789.,- " for c in image):
        raise ValidationError({"signature_image": "The drawn signature could not be read."})
    if signed_on and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "The date cannot be in the future."})


# --- Review -----------------------------------------------------------------------------------


@transaction.atomic
def plan_review(
    *, actor: Any, plan: ServicePlan, progress: Mapping[str, Mapping[str, str]], note: str = ""
) -> PlanVersion:
    """Review the signed plan: record progress per goal (by goal key) and create the next
    version with the goals carried forward; the next review falls due after the interval."""
    source = plan.current_signed
    if source is None or plan.latest.pk != source.pk:
        raise ValidationError({"version": "Only the latest signed version can be reviewed."})
    version = _next_version(actor=actor, plan=plan, source=source, reviewed=True)
    version.review_note = _clean_text(note, "note")
    version.save(update_fields=["review_note"])
    for goal in version.goals.all():
        given = progress.get(str(goal.key), {})
        rating = given.get("progress", "")
        if rating and rating not in Progress.values:
            raise ValidationError({"progress": f"Unknown progress rating {rating!r}."})
        goal.progress = rating
        goal.progress_note = _clean_text(given.get("note"), "progress_note")
        status = given.get("status") or goal.status
        if status not in GoalStatus.values:
            raise ValidationError({"status": f"Unknown goal status {status!r}."})
        goal.status = status
        goal.save(update_fields=["progress", "progress_note", "status"])
    _audit(actor, plan, "reviewed", version=version.number)
    return version

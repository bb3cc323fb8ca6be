"""Service plans (issue 13): build from identified needs, goals and interventions,
practice-area sections, supervisor approval, the client's signature, reviews, FHIR CarePlan.

Plans load only through ``access_plan`` (the client's gate; the client's own staff only).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Body, Query, Router, Schema
from pydantic import Field

from casework.api.disclosure import DisclosureNoticeOut, notice_field, with_notice
from casework.api.types import Id, InputSchema, Text200, Text300
from casework.assessments.models import Assessment
from casework.assessments.permissions import access_assessment
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound
from casework.interop import fhir_care
from casework.plans import services
from casework.plans.models import Goal, PlanVersion, ServicePlan
from casework.plans.permissions import access_goal, access_plan, readable_plans
from casework.plans.queries import plan_ipe_clocks, plan_reviews_due
from casework.plans.readmissions import readmission_report as build_readmission_report
from casework.plans.sections import SECTIONS
from casework.referrals.models import Referral
from casework.referrals.queries import intervention_referrals, referrals_by_intervention

router = Router(tags=["service plans"])
Text2000 = Field("", max_length=2000)


class InterventionReferralOut(Schema):
    """A referral that carries out the intervention, with its outcome once closed."""

    id: int
    status: str
    status_label: str
    recipient: str
    service_delivered: bool | None
    enrolled: bool | None
    outcome: str
    outcome_note: str
    status_reason: str
    closed_at: datetime | None


class InterventionOut(Schema):
    id: int
    key: str
    what: str
    frequency: str
    responsible: str
    responsible_name: str
    start_date: date | None
    referrals: list[InterventionReferralOut] = Field(
        description="Referrals sent for it (newest first) that the caller sees, with outcomes."
    )


class GoalOut(Schema):
    id: int
    key: str
    need_domain: str | None
    client_words: str
    measurable: str
    target_date: date | None
    priority: str
    status: str
    progress: str
    progress_note: str
    objectives: list[dict[str, Any]]
    interventions: list[InterventionOut]


class NeedOut(Schema):
    id: int
    domain: str
    description: str
    rating: int | None
    assessment_id: int | None


class VersionOut(Schema):
    number: int
    status: str
    review_due: date | None
    reviewed_on: date | None
    sections: dict[str, Any]
    supervisor_comment: str
    signature_method: str
    signed_name: str
    signed_on: date | None
    not_signed_reason: str
    signed_at: datetime | None
    needs: list[NeedOut]
    goals: list[GoalOut]


class PlanOut(Schema):
    id: int
    client_id: int
    enrollment_id: int
    program: str
    review_overdue: bool
    ipe_clock: dict[str, Any] | None
    version: VersionOut
    disclosure_notice: DisclosureNoticeOut | None = notice_field()


def _goal(goal: Goal, referrals: dict[str, list[Referral]]) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "key": str(goal.key),
        "need_domain": goal.need.domain if goal.need else None,
        "client_words": goal.client_words,
        "measurable": goal.measurable,
        "target_date": goal.target_date,
        "priority": goal.priority,
        "status": goal.status,
        "progress": goal.progress,
        "progress_note": goal.progress_note,
        "objectives": [
            {"id": o.pk, "text": o.text, "target_date": o.target_date, "done": o.done}
            for o in goal.objectives.all()
        ],
        "interventions": [
            {
                "id": i.pk,
                "key": str(i.key),
                "what": i.what,
                "frequency": i.frequency,
                "responsible": i.responsible,
                "responsible_name": i.responsible_name,
                "start_date": i.start_date,
                "referrals": [intervention_referrals(r) for r in referrals.get(str(i.key), [])],
            }
            for i in goal.interventions.all()
        ],
    }


def plan_out(
    plan: ServicePlan, version: PlanVersion | None = None, *, user: Any = None
) -> dict[str, Any]:
    """The plan as the API answers it; with ``user``, each intervention carries the referrals
    the user sees for it (status and outcome)."""
    version = version or plan.latest
    goals = list(
        version.goals.select_related("need").prefetch_related("objectives", "interventions")
    )
    keys = [i.key for g in goals for i in g.interventions.all()]
    referrals = referrals_by_intervention(user, keys) if user is not None and keys else {}
    due = plan_reviews_due(client_ids=[plan.client_id])
    ipe = plan_ipe_clocks([plan.pk]).get(plan.pk)
    return {
        "id": plan.pk,
        "client_id": plan.client_id,
        "enrollment_id": plan.enrollment_id,
        "program": plan.enrollment.program.name,
        "review_overdue": any(d["plan_id"] == plan.pk and d["overdue"] for d in due),
        "ipe_clock": ipe[1] if ipe else None,
        "version": {
            **{
                f: getattr(version, f)
                for f in VersionOut.model_fields
                if f not in ("needs", "goals")
            },
            "needs": [
                {
                    "id": n.pk,
                    "domain": n.domain,
                    "description": n.description,
                    "rating": n.rating,
                    "assessment_id": n.assessment_id,
                }
                for n in version.needs.all()
            ],
            "goals": [_goal(g, referrals) for g in goals],
        },
    }


@router.get("/clients/{client_id}/plans", response=list[PlanOut], operation_id="plan_list")
def plan_list(request: HttpRequest, client_id: Id) -> list[dict[str, Any]]:
    client = access_client(request.user, client_id, audit=False)
    plans = [plan_out(p, user=request.user) for p in readable_plans(request.user, client)]
    return with_notice(plans, client)


class FromNeedsIn(InputSchema):
    assessment_ids: list[Id] = Field(min_length=1, max_length=20)


@router.post(
    "/clients/{client_id}/plans/from-needs",
    response={201: PlanOut},
    operation_id="plan_from_needs",
)
def plan_from_needs(request: HttpRequest, client_id: Id, payload: FromNeedsIn) -> dict[str, Any]:
    """Build (or extend) the client's plan from the needs these assessments identified."""
    client = access_client(request.user, client_id, write=True)
    found: list[Assessment] = [access_assessment(request.user, i) for i in payload.assessment_ids]
    if any(a.client_id != client.pk for a in found):
        raise NotFound("assessment")
    plan = services.plan_from_needs(actor=request.user, client=client, assessments=found)
    return plan_out(plan, user=request.user)


@router.get("/plans/{plan_id}", response=PlanOut, operation_id="plan_get")
def plan_get(request: HttpRequest, plan_id: Id, version: int | None = None) -> dict[str, Any]:
    """The plan's latest version, or ``?version=N``."""
    plan = access_plan(request.user, plan_id)
    chosen = plan.versions.filter(number=version).first() if version else plan.latest
    if chosen is None:
        raise NotFound("plan version")
    return plan_out(plan, chosen, user=request.user)


@router.get("/plans/{plan_id}/fhir", operation_id="plan_fhir")
def plan_fhir(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """The latest version as a FHIR R4 CarePlan with its Goals contained."""
    plan = access_plan(request.user, plan_id)
    return fhir_care.care_plan(plan, plan.latest, patient_ref=f"Patient/{plan.client_id}")


class GoalIn(InputSchema):
    client_words: str = Text2000
    measurable: str = Text2000
    target_date: date | None = None
    priority: Literal["high", "medium", "low"] = "medium"
    status: Literal["proposed", "active", "on_hold", "achieved", "not_achieved", "cancelled"] = (
        "proposed"
    )


@router.post("/plans/{plan_id}/goals", response={201: PlanOut}, operation_id="plan_goal_add")
def plan_goal_add(request: HttpRequest, plan_id: Id, payload: GoalIn) -> dict[str, Any]:
    plan = access_plan(request.user, plan_id, write=True)
    services.goal_save(actor=request.user, plan=plan, data=payload.model_dump())
    return plan_out(plan, user=request.user)


class InterventionIn(InputSchema):
    what: str = Field(min_length=1, max_length=2000)
    frequency: str = Field("", max_length=100)
    responsible: Literal["client", "case_manager", "provider", "organization"]
    responsible_name: Text200 = ""
    start_date: date | None = None


@router.post(
    "/plans/{plan_id}/goals/{goal_id}/interventions",
    response={201: PlanOut},
    operation_id="plan_intervention_add",
)
def plan_intervention_add(
    request: HttpRequest, plan_id: Id, goal_id: Id, payload: InterventionIn
) -> dict[str, Any]:
    goal = access_goal(request.user, goal_id)
    if goal.version.plan_id != plan_id:
        raise NotFound("goal")
    services.intervention_add(actor=request.user, goal=goal, data=payload.model_dump())
    return plan_out(goal.version.plan, user=request.user)


@router.put("/plans/{plan_id}/sections/{kind}", response=PlanOut, operation_id="plan_section_put")
def plan_section_put(
    request: HttpRequest, plan_id: Id, kind: str, payload: Body[dict[str, Any]]
) -> dict[str, Any]:
    """Save a section: ``discharge``, ``ipe``, ``safety`` or ``housing`` (see docs/api.md)."""
    if kind not in SECTIONS:
        raise NotFound("plan section")
    plan = access_plan(request.user, plan_id, write=True)
    services.section_save(actor=request.user, plan=plan, kind=kind, data=payload)
    return plan_out(plan, user=request.user)


@router.post("/plans/{plan_id}/submit", response=PlanOut, operation_id="plan_submit")
def plan_submit(request: HttpRequest, plan_id: Id) -> dict[str, Any]:
    """Send the draft to the program's supervisors for approval."""
    plan = access_plan(request.user, plan_id, write=True)
    services.plan_submit(actor=request.user, plan=plan)
    return plan_out(plan, user=request.user)


class DecisionIn(InputSchema):
    approve: bool
    comment: str = Text2000


@router.post("/plans/{plan_id}/decision", response=PlanOut, operation_id="plan_decision")
def plan_decision(request: HttpRequest, plan_id: Id, payload: DecisionIn) -> dict[str, Any]:
    """A supervisor approves the submitted version, or returns it with comments."""
    plan = access_plan(request.user, plan_id)
    services.plan_decide(
        actor=request.user, plan=plan, approve=payload.approve, comment=payload.comment
    )
    return plan_out(plan, user=request.user)


class SignIn(InputSchema):
    method: Literal["drawn", "typed", "not_signed"]
    signed_name: Text200 = ""
    signature_image: str = Field("", max_length=200_000)
    signed_on: date | None = None
    not_signed_reason: Text300 = ""


@router.post("/plans/{plan_id}/sign", response=PlanOut, operation_id="plan_sign")
def plan_sign(request: HttpRequest, plan_id: Id, payload: SignIn) -> dict[str, Any]:
    """Record the client's signature (drawn or typed, with date) or why they did not sign;
    the version is frozen from then on."""
    plan = access_plan(request.user, plan_id, write=True)
    services.plan_sign(actor=request.user, plan=plan, **payload.model_dump())
    return plan_out(plan, user=request.user)


class GoalProgressIn(InputSchema):
    progress: Literal["no_progress", "some", "good", "achieved", "worse", ""] = ""
    note: str = Text2000
    status: Literal[
        "proposed", "active", "on_hold", "achieved", "not_achieved", "cancelled", ""
    ] = ""


class ReviewIn(InputSchema):
    progress: dict[str, GoalProgressIn] = Field(
        default_factory=dict, description="By goal key: progress rating, note, new status."
    )
    note: str = Text2000


@router.post("/plans/{plan_id}/review", response={201: PlanOut}, operation_id="plan_review")
def plan_review(request: HttpRequest, plan_id: Id, payload: ReviewIn) -> dict[str, Any]:
    """Review the signed plan: progress per goal, and the next version is created."""
    plan = access_plan(request.user, plan_id, write=True)
    progress = {k: v.model_dump() for k, v in payload.progress.items()}
    services.plan_review(actor=request.user, plan=plan, progress=progress, note=payload.note)
    return plan_out(plan, user=request.user)


# --- 30-day readmission report ----------------------------------------------------------------


class ReadmissionFilters(InputSchema):
    program: Id | None = None
    start: date | None = None
    end: date | None = None
    by: Literal["program", "case_manager", "month", "quarter"] = "program"


class ReadmissionRowOut(Schema):
    key: str
    label: str
    index_discharges: int
    window_open: int
    counted: int
    readmitted_30_days: int
    planned_readmissions: int
    rate_percent: float | None


class SourceOut(Schema):
    body: str
    document: str
    year: int
    url: str


class ReadmissionReportOut(Schema):
    start: date
    end: date
    as_of: date
    by: str
    program_ids: list[int]
    window_days: int
    definition: str
    sources: list[SourceOut]
    rows: list[ReadmissionRowOut]
    total: ReadmissionRowOut


@router.get(
    "/reports/readmissions",
    response=ReadmissionReportOut,
    operation_id="readmission_report",
    tags=["reports"],
)
def readmission_report(request: HttpRequest, filters: Query[ReadmissionFilters]) -> dict[str, Any]:
    """Readmissions within 30 days of the discharges recorded in discharge plans, per
    program, case manager, month or quarter of discharge (supervisors and organization
    admins; audited). ``definition`` and ``sources`` say how they are counted."""
    report = build_readmission_report(
        actor=request.user,
        program_id=filters.program,
        start=filters.start,
        end=filters.end,
        by=filters.by,
    )
    return report.as_dict()

"""Service plan pages (issue 13): the plan with its needs, goals and interventions; supervisor
approval; the client's signature; reviews; a printable plain-language copy; sections.

Views parse the form, load through ``access_plan``/``access_goal``, call one service, and
redirect (or re-render with the service's errors and what was typed).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.assessments.models import Assessment
from casework.assessments.permissions import STAFF_BASES, access_assessment
from casework.assessments.schema import NEED_LABELS
from casework.plans import services
from casework.plans.models import (
    GoalStatus,
    PlanSettings,
    PlanVersion,
    Priority,
    Progress,
    Responsible,
    ServicePlan,
    SignatureMethod,
    VersionStatus,
)
from casework.plans.permissions import access_goal, access_plan, readable_plans
from casework.plans.queries import plan_reviews_due
from casework.plans.sections import SECTIONS, TITLES, discharge_checks, plan_ipe_clock
from casework.referrals.queries import intervention_referrals, referrals_by_intervention
from casework.web.gates import load_client
from casework.web.views.plan_sections import section_fields, section_from_post


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        raise ValidationError({"date": f"{value!r} is not a date (YYYY-MM-DD)."}) from None


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{k.replace('_', ' ')}: {' '.join(v)}" for k, v in error.message_dict.items()]
    return list(error.messages)


@login_required
def plan_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, audit=False)
    if client.access_basis not in STAFF_BASES:  # plans are not disclosed under a consent
        raise Http404("No such client.")
    plans = readable_plans(request.user, client)
    due = {d["plan_id"]: d for d in plan_reviews_due(client_ids=[client.pk], within_days=30)}
    rows = [{"plan": p, "version": p.latest, "due": due.get(p.pk)} for p in plans]
    return render(request, "care/plan_list.html", {"client": client, "rows": rows})


@login_required
@require_POST
def plan_from_needs(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    ids = request.POST.getlist("assessment")
    found: list[Assessment] = [access_assessment(request.user, i) for i in ids]
    try:
        if found:
            plan = services.plan_from_needs(actor=request.user, client=client, assessments=found)
        else:
            enrollment = services.enrollment_for_plan(request.user, client, [])
            plan = services.plan_open(actor=request.user, enrollment=enrollment)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
        return redirect("web:plan_list", pk=client.pk)
    messages.success(request, "The plan now holds the identified needs, each with a goal to agree.")
    return redirect("web:plan_detail", pk=plan.pk)


def _version(plan: ServicePlan, number: str | None) -> PlanVersion:
    versions = _versions(plan)
    if not number:
        return versions[0]
    version = next((v for v in versions if str(v.number) == number.strip()), None)
    if version is None:
        raise Http404("No such version.")
    return version


def _versions(plan: ServicePlan) -> list[PlanVersion]:
    """Every version of the plan, newest first, read once per request (the page, its
    version list, the IPE clock and the review signal all come from it)."""
    held: list[PlanVersion] | None = getattr(plan, "_all_versions", None)
    if held is None:
        held = list(plan.versions.order_by("-number"))
        plan._all_versions = held  # type: ignore[attr-defined]  # per-request memo
    return held


def _plan_context(request: HttpRequest, plan: ServicePlan, version: PlanVersion) -> dict[str, Any]:
    goals = list(
        version.goals.select_related("need").prefetch_related("objectives", "interventions")
    )
    for goal in goals:
        goal.need_label = NEED_LABELS.get(goal.need.domain, "") if goal.need else ""  # type: ignore[attr-defined]  # for the template
    _attach_referrals(request.user, goals)
    try:  # read with the plan by ``access_plan``; none means the defaults
        settings = plan.enrollment.program.plan_settings
    except PlanSettings.DoesNotExist:
        settings = PlanSettings(program_id=plan.enrollment.program_id)
    versions = _versions(plan)
    latest = versions[0]
    today = timezone.localdate()
    ipe = plan_ipe_clock(
        [(v.sections.get("ipe"), v.signed_on if v.signed_at else None) for v in reversed(versions)],
        today=today,
    )
    return {
        "client": plan.client,
        "plan": plan,
        "version": version,
        "is_latest": version.pk == latest.pk,
        "versions": versions,
        "needs": [(n, NEED_LABELS.get(n.domain, n.domain)) for n in version.needs.all()],
        "goals": goals,
        "editable": version.pk == latest.pk
        and not version.is_locked
        and version.status not in (VersionStatus.SUBMITTED, VersionStatus.APPROVED),
        "requires_approval": settings.requires_approval,
        "is_supervisor": plan.enrollment.program_id
        in access_for(request.user).supervised_program_ids,
        # The same rule as ``plan_reviews_due``: the latest version, signed, past its date.
        "overdue": latest.signed_at is not None
        and latest.review_due is not None
        and latest.review_due < today,
        "ipe": ipe,
        "discharge_gaps": discharge_checks(version.sections["discharge"])
        if "discharge" in version.sections
        else [],
        "section_titles": TITLES,
        "statuses": GoalStatus.choices,
        "priorities": Priority.choices,
        "responsibles": Responsible.choices,
    }


def _attach_referrals(user: Any, goals: list[Any]) -> None:
    """Each intervention's referrals (status and outcome) as the user sees them, for the page."""
    interventions = [i for goal in goals for i in goal.interventions.all()]
    found = referrals_by_intervention(user, [i.key for i in interventions]) if interventions else {}
    for intervention in interventions:
        intervention.referrals = [  # for the template
            intervention_referrals(r) for r in found.get(str(intervention.key), [])
        ]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk)
    version = _version(plan, request.GET.get("version"))
    return render(request, "care/plan_detail.html", _plan_context(request, plan, version))


@login_required
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The client's copy in plain language, with its own print stylesheet."""
    plan = access_plan(request.user, pk)
    version = _version(plan, request.GET.get("version"))
    return render(request, "care/plan_print.html", _plan_context(request, plan, version))


def _goal_data(post: Any) -> dict[str, Any]:
    return {
        "client_words": post.get("client_words", ""),
        "measurable": post.get("measurable", ""),
        "target_date": _date(post.get("target_date", "")),
        "priority": post.get("priority", ""),
        "status": post.get("status", ""),
    }


@login_required
@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    try:
        services.goal_save(actor=request.user, plan=plan, data=_goal_data(request.POST))
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    return redirect("web:plan_detail", pk=plan.pk)


@login_required
@require_POST
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access_goal(request.user, pk)
    plan = goal.version.plan
    try:
        services.goal_save(actor=request.user, plan=plan, data=_goal_data(request.POST), goal=goal)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(request, "Goal saved.")
    return redirect(f"/plans/{plan.pk}/#goal-{goal.pk}")


@login_required
@require_POST
def intervention_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access_goal(request.user, pk)
    fields = ("what", "frequency", "responsible", "responsible_name")
    data: dict[str, Any] = {k: request.POST.get(k, "") for k in fields}
    try:
        data["start_date"] = _date(request.POST.get("start_date", ""))
        services.intervention_add(actor=request.user, goal=goal, data=data)
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    return redirect(f"/plans/{goal.version.plan_id}/#goal-{goal.pk}")


@login_required
@require_POST
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = access_goal(request.user, pk)
    try:
        services.objective_add(
            actor=request.user,
            goal=goal,
            text=request.POST.get("text", ""),
            target_date=_date(request.POST.get("target_date", "")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    return redirect(f"/plans/{goal.version.plan_id}/#goal-{goal.pk}")


@login_required
@require_POST
def plan_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Submit for approval, approve, or return with comments."""
    if step not in ("submit", "approve", "return"):
        raise Http404("No such step.")
    plan = access_plan(request.user, pk, write=step == "submit")
    try:
        if step == "submit":
            services.plan_submit(actor=request.user, plan=plan)
        else:
            services.plan_decide(
                actor=request.user,
                plan=plan,
                approve=step == "approve",
                comment=request.POST.get("comment", ""),
            )
    except ValidationError as error:
        messages.error(request, " ".join(_errors(error)))
    else:
        messages.success(
            request,
            {
                "submit": "Sent for approval.",
                "approve": "Approved.",
                "return": "Returned with your comments.",
            }[step],
        )
    return redirect("web:plan_detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_sign(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.plan_sign(
                actor=request.user,
                plan=plan,
                method=request.POST.get("method", ""),
                signed_name=request.POST.get("signed_name", ""),
                signature_image=request.POST.get("signature_image", ""),
                signed_on=_date(request.POST.get("signed_on", "")),
                not_signed_reason=request.POST.get("not_signed_reason", ""),
            )
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(
                request, "The client's agreement is recorded; this version is now final."
            )
            return redirect("web:plan_detail", pk=plan.pk)
    context = _plan_context(request, plan, _version(plan, None)) | {
        "problems": problems,
        "typed": request.POST,
        "methods": SignatureMethod.choices,
        "today": timezone.localdate(),
    }
    return render(request, "care/plan_sign.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request.user, pk, write=True)
    problems: list[str] = []
    if request.method == "POST":
        keys = request.POST.getlist("goal_key")
        progress = {
            key: {
                "progress": request.POST.get(f"progress_{key}", ""),
                "note": request.POST.get(f"note_{key}", ""),
                "status": request.POST.get(f"status_{key}", ""),
            }
            for key in keys
        }
        try:
            services.plan_review(
                actor=request.user, plan=plan, progress=progress, note=request.POST.get("note", "")
            )
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, "Review recorded; the next version is ready to agree.")
            return redirect("web:plan_detail", pk=plan.pk)
    context = _plan_context(request, plan, _version(plan, None)) | {
        "problems": problems,
        "progress_choices": Progress.choices,
    }
    return render(request, "care/plan_review.html", context)


def _risk_scores(plan: ServicePlan) -> list[Assessment]:
    """The client's latest LACE and HOSPITAL results, shown on the discharge plan."""
    latest = []
    for code in ("lace", "hospital"):
        found = (
            Assessment.objects.filter(client_id=plan.client_id, instrument_code=code)
            .select_related("instrument")
            .order_by("-administered_on", "-id")
            .first()
        )
        if found is not None:
            latest.append(found)
    return latest


@login_required
@require_http_methods(["GET", "POST"])
def plan_section(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in SECTIONS:
        raise Http404("No such section.")
    plan = access_plan(request.user, pk, write=request.method == "POST")
    current = plan.latest.sections.get(kind, {})
    problems: list[str] = []
    values = current
    if request.method == "POST":
        values = section_from_post(kind, request.POST)
        try:
            services.section_save(actor=request.user, plan=plan, kind=kind, data=values)
        except ValidationError as error:
            problems = _errors(error)
        else:
            messages.success(request, f"{TITLES[kind]} saved.")
            return redirect("web:plan_detail", pk=plan.pk)
    context = {
        "risk_scores": _risk_scores(plan) if kind == "discharge" else [],
        "client": plan.client,
        "plan": plan,
        "kind": kind,
        "title": TITLES[kind],
        "fields": section_fields(kind, values),
        "problems": problems,
    }
    return render(request, "care/plan_section.html", context)

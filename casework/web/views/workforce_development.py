"""Staff development pages: my development, a competency review, goals, the supervisor's
team chart and exam preparation.

Staff see their own; supervisors their team's; nobody else (org admins included): the
gates in ``casework.workforce.development.permissions`` raise ``NotFound`` for anyone else,
which the web middleware answers with the 404 page.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.exceptions import NotFound, PermissionDenied, StaleVersion
from casework.web.forms import add_service_errors
from casework.workforce.development import evidence, permissions, queries, services
from casework.workforce.development import forms as dev_forms
from casework.workforce.development.models import CompetencyReview, ReviewStatus
from casework.workforce.permissions import primary_organization_id, rule_scope


def _me(request: HttpRequest) -> User:
    return cast(User, request.user)


def _skills_for(staff: User) -> list[dict[str, Any]]:
    return list(services.framework_current(primary_organization_id(staff)).skills)


def _development_context(request: HttpRequest, staff: User, goal_form: Any = None) -> dict:
    today = timezone.localdate()
    skills = _skills_for(staff)
    evidence = queries.evidence_for(staff, today=today)
    skill_rows = [
        (
            skill,
            evidence["by_skill"].get(skill["code"], []),
            evidence["not_yet"].get(skill["code"], []),
        )
        for skill in skills
    ]
    return {
        "staff": staff,
        "is_own": staff.pk == _me(request).pk,
        "skills": skills,
        "reviews": CompetencyReview.objects.filter(staff=staff).select_related("supervisor"),
        "next_due": queries.next_review_due(staff, today=today),
        "goals": staff.development_goals.select_related("evidence_ce"),
        "goal_form": goal_form or dev_forms.GoalForm(skills=skills),
        "evidence": evidence,
        "skill_rows": skill_rows,
        "exams": services.exam_domains().values(),
        "has_team": permissions.team_of(_me(request)).exists(),
    }


def _goal_post(request: HttpRequest, staff: User) -> tuple[bool, Any]:
    form = dev_forms.GoalForm(request.POST, skills=_skills_for(staff))
    if form.is_valid():
        try:
            services.goal_create(actor=_me(request), staff=staff, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added the development goal.")
            return True, form
    return False, form


@login_required
@require_http_methods(["GET", "POST"])
def development(request: HttpRequest) -> HttpResponse:
    """My reviews, when the next one is due, my goals and the evidence beside each skill."""
    me = _me(request)
    form = None
    if request.method == "POST":
        saved, form = _goal_post(request, me)
        if saved:
            return redirect("web:workforce_development")
    return render(request, "workforce/development.html", _development_context(request, me, form))


@login_required
@require_http_methods(["GET", "POST"])
def development_staff(request: HttpRequest, pk: int) -> HttpResponse:
    """A team member's development record, for their supervisor (and themself)."""
    staff = permissions.access_development_staff(_me(request), pk)
    form = None
    if request.method == "POST":
        saved, form = _goal_post(request, staff)
        if saved:
            return redirect("web:workforce_development_staff", pk=staff.pk)
    record(
        actor=_me(request),
        action=AuditAction.VIEW,
        target_type="workforce.development_record",
        target_id=staff.pk,
    )
    context = _development_context(request, staff, form)
    return render(request, "workforce/development.html", context)


def _rating_form(review: CompetencyReview, me: User, data: Any = None) -> Any:
    """The form the viewer fills now, or None when it is not their turn to rate."""
    skills = review.framework.skills
    if review.status == ReviewStatus.SELF_RATING and me.pk == review.staff_id:
        return dev_forms.RatingForm(data, skills=skills, side="self")
    if review.status == ReviewStatus.SUPERVISOR_RATING and me.pk == review.supervisor_id:
        return dev_forms.RatingForm(data, skills=skills, side="supervisor")
    return None


def _evidence_form(review: CompetencyReview, me: User, data: Any = None) -> Any:
    """The form to link a record to a skill, for the staff member and the reviewer until the
    review is locked; None for anyone else."""
    if review.is_locked or me.pk not in (review.staff_id, review.supervisor_id):
        return None
    records = evidence.candidates(me, review.staff)
    return dev_forms.EvidenceForm(data, skills=review.framework.skills, records=records)


def _evidence_post(request: HttpRequest, review: CompetencyReview, form: Any) -> bool:
    me = _me(request)
    if request.POST.get("action") == "unlink_evidence":
        link = review.evidence.filter(pk=_int_or_none(request.POST.get("evidence")) or 0).first()
        if link is None:
            raise NotFound("No such evidence on this review.")
        try:
            services.review_evidence_unlink(actor=me, link=link)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return False
        messages.success(request, "Removed the evidence.")
        return True
    if form is None:
        raise PermissionDenied("You cannot add evidence to this review.")
    if not form.is_valid():
        return False
    try:
        services.review_evidence_link(actor=me, review=review, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, "Linked the evidence.")
    return True


def _review_post(request: HttpRequest, review: CompetencyReview, form: Any) -> bool:
    me = _me(request)
    try:
        if request.POST.get("action") == "sign":
            services.review_sign(actor=me, review=review)
            messages.success(request, "Signed the review.")
            return True
        if form is None or not form.is_valid():
            if form is None:
                messages.error(request, "It is not your turn to rate this review.")
            return False
        rate = services.review_self_rate if form.side == "self" else services.review_supervisor_rate
        rate(actor=me, review=review, ratings=form.ratings())
    except ValidationError as error:
        if form is not None:
            add_service_errors(form, error)
        else:
            messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, "Saved your rating.")
    return True


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A review: both ratings side by side with differences highlighted, the form for whoever
    rates next, the evidence linked to each skill, and the signatures; locked once both have
    signed."""
    me = _me(request)
    review = permissions.access_review(me, pk)
    form = _rating_form(review, me)
    evidence_form = _evidence_form(review, me)
    if request.method == "POST":
        if request.POST.get("action", "").endswith("_evidence"):
            evidence_form = _evidence_form(review, me, request.POST)
            if _evidence_post(request, review, evidence_form):
                return redirect("web:workforce_review", pk=review.pk)
        else:
            form = _rating_form(review, me, request.POST)
            if _review_post(request, review, form):
                return redirect("web:workforce_review", pk=review.pk)
    record(
        actor=me,
        action=AuditAction.VIEW,
        target_type="workforce.competencyreview",
        target_id=review.pk,
    )
    return render(
        request, "workforce/review.html", _review_context(review, me, form, evidence_form)
    )


def _review_context(review: CompetencyReview, me: User, form: Any, evidence_form: Any) -> dict:
    skills = {s["code"]: s for s in review.framework.skills}
    linked = evidence.shown_to(me, review.evidence.select_related("added_by"))
    rows = [
        (skills.get(r.skill_code, {"name": r.skill_code}), r, linked.get(r.skill_code, []))
        for r in review.ratings.all()
    ]
    return {
        "review": review,
        "rows": rows,
        "form": form,
        "evidence_form": evidence_form,
        "has_evidence": bool(linked),
        "facts": [
            (skills[code]["name"], lines)
            for code, lines in evidence.skill_facts(review.staff).items()
            if code in skills
        ],
        **queries.review_visibility(review, me),
    }


@login_required
@require_POST
def goal_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a goal, optionally linking one of the staff member's completed CE records."""
    goal = permissions.access_goal(_me(request), pk)
    ce = goal.staff.continuing_education.filter(completed_on__lte=timezone.localdate())
    form = dev_forms.GoalCompleteForm(request.POST, ce=ce)
    target = (
        redirect("web:workforce_development")
        if goal.staff_id == _me(request).pk
        else redirect("web:workforce_development_staff", pk=goal.staff_id)
    )
    if not form.is_valid():
        messages.error(request, "Give the completion date (and pick a CE course if any).")
        return target
    try:
        services.goal_complete(
            actor=_me(request),
            goal=goal,
            completed_on=form.cleaned_data["completed_on"],
            evidence_ce=form.cleaned_data["evidence_ce"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Marked the goal “{goal.what}” as met.")
    return target


@login_required
@require_http_methods(["GET", "POST"])
def team(request: HttpRequest) -> HttpResponse:
    """The supervisor's team: skill by level (chart and table), and starting a review."""
    me = _me(request)
    members = permissions.team_of(me)
    if not members.exists():
        raise Http404("You supervise no team.")
    form = dev_forms.StartReviewForm(team=members)
    if request.method == "POST":
        form = dev_forms.StartReviewForm(request.POST, team=members)
        if form.is_valid():
            try:
                review = services.review_start(
                    actor=me, staff=form.cleaned_data["staff"], due_on=form.cleaned_data["due_on"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Opened a review of {review.staff}.")
                return redirect("web:workforce_review", pk=review.pk)
    chart = queries.team_chart(me)
    chart_data = {
        "labels": [s["name"] for s in chart["skills"]],
        "datasets": [
            {"label": level["label"], "data": chart["series"][level["code"]]}
            for level in chart["levels"]
        ],
    }
    context = {"chart": chart, "chart_data": chart_data, "form": form}
    return render(request, "workforce/team.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def exam_prep(request: HttpRequest) -> HttpResponse:
    """Exam preparation for CCM, ACM or CRC: study per domain beside eligibility."""
    me = _me(request)
    exams = services.exam_domains()
    exam = request.GET.get("exam", "CCM")
    if exam not in exams:
        raise Http404("No such exam.")
    form = dev_forms.StudyForm(domains=exams[exam]["domains"])
    if request.method == "POST":
        form = dev_forms.StudyForm(request.POST, domains=exams[exam]["domains"])
        if form.is_valid():
            try:
                services.study_log(actor=me, exam=exam, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Logged.")
                return redirect(f"{request.path}?exam={exam}")
    context = {"exams": exams.values(), "current": exam, "form": form}
    context["readiness"] = queries.readiness(me, exam)
    return render(request, "workforce/exam_prep.html", context)


def _place_framework_errors(formset: Any, error: ValidationError) -> None:
    """Put the service's ``skills.N.field`` errors on the form of that skill."""
    if not hasattr(error, "error_dict"):
        formset.forms[0].add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        parts = key.split(".")
        if parts[0] != "skills" or len(parts) < 2 or not parts[1].isdigit():
            formset.forms[0].add_error(None, texts)
            continue
        form = formset.forms[formset.form_index(int(parts[1]))]
        field = parts[2] if len(parts) > 2 and parts[2] in form.fields else None
        form.add_error(field, texts)


@login_required
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest) -> HttpResponse:
    """Org admins edit their agency's competency framework (platform administrators the
    published one). Saving makes a new version; reviews keep the version they were made in."""
    scope, can_edit = rule_scope(_me(request))
    if not can_edit:
        raise PermissionDenied("Only an administrator edits the competency framework.")
    current = services.framework_current(scope.pk if scope else None)
    formset = dev_forms.skill_formset(request.POST or None, current.skills)
    if request.method == "POST" and formset.is_valid():
        try:
            saved = services.framework_edit(
                actor=_me(request),
                organization=scope,
                skills=formset.skills(),
                based_on=_int_or_none(request.POST.get("based_on")),
            )
        except ValidationError as error:
            _place_framework_errors(formset, error)
        except StaleVersion as stale:
            formset.forms[0].add_error(
                None,
                f"Someone saved version {stale.current_version} while you were editing. "
                "Reload the page to edit the newest version.",
            )
        else:
            messages.success(request, f"Saved version {saved.version} of the framework.")
            return redirect("web:workforce_framework")
    context = {
        "current": current,
        "formset": formset,
        "scope": scope,
        "versions": services.framework_versions(scope),
    }
    return render(request, "workforce/framework.html", context)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return -1 if value else None

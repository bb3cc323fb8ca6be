"""Workforce pages: my credentials, adding record entries, supervision, compliance,
program requirements and exceptions, the rule editor, and the public pathway planner.

Views parse a form, call a gate and one service, and render; domain refusals become
404 (hidden or missing) or 403 (visible but not allowed).
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any, cast

import yaml
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, User
from casework.clients.services import client_list_record
from casework.core.csvsafe import safe_mapping
from casework.web.forms import add_service_errors, error_text
from casework.workforce import forms as wf_forms
from casework.workforce import pathway as planner
from casework.workforce import permissions, queries, services
from casework.workforce.models import (
    Certification,
    ContinuingEducation,
    CredentialException,
    CredentialRequirement,
    Education,
    ExamResult,
    Licence,
    Position,
    Practicum,
    SupervisedHours,
)
from casework.workforce.rules import current_rules

ENTRY_KINDS: dict[str, tuple[type[Any], type[Any], str]] = {
    "education": (wf_forms.EducationForm, Education, "Add education"),
    "licence": (wf_forms.LicenceForm, Licence, "Add a licence"),
    "certification": (wf_forms.CertificationForm, Certification, "Add a certification"),
    "exam": (wf_forms.ExamResultForm, ExamResult, "Record an exam result"),
    "position": (wf_forms.PositionForm, Position, "Add a position"),
    "ce": (wf_forms.ContinuingEducationForm, ContinuingEducation, "Log continuing education"),
    "practicum": (wf_forms.PracticumForm, Practicum, "Add a practicum"),
    "hours": (wf_forms.SupervisedHoursForm, SupervisedHours, "Log supervised hours"),
}


def _me(request: HttpRequest) -> User:
    """The signed-in user (every caller is behind ``login_required``)."""
    return cast(User, request.user)


def _record_context(staff: User, viewer: Any) -> dict[str, Any]:
    report = queries.credentials_report(staff)
    return {
        "staff": staff,
        "report": report,
        "education": staff.education.all(),
        "licences": staff.licences.select_related("verified_by"),
        "certifications": staff.certifications.select_related("verified_by"),
        "exams": staff.exam_results.select_related("verified_by"),
        "positions": staff.positions.all(),
        "hours": staff.supervised_hours.select_related("supervisor")[:50],
        "ce_entries": staff.continuing_education.all(),
        "practicums": [
            (p, sum(h.hours for h in p.hours.all() if h.signed_at is not None))
            for p in staff.practicums.select_related("field_instructor")
        ],
        "can_verify": permissions.can_verify(viewer, staff),
        "verify_form": wf_forms.VerifyForm(),
        "today": timezone.localdate(),
    }


@login_required
@require_http_methods(["GET"])
def my_credentials(request: HttpRequest) -> HttpResponse:
    context = _record_context(_me(request), _me(request))
    context["is_own"] = True
    return render(request, "workforce/my_credentials.html", context)


def _entry_form(kind: str, request: HttpRequest, data: Any = None, files: Any = None) -> Any:
    form_class = ENTRY_KINDS[kind][0]
    me = _me(request)
    extra: dict[str, Any] = {}
    if kind == "hours":
        extra["supervisors"] = queries.supervisor_choices(me)
        extra["practicums"] = me.practicums.all()
    elif kind == "practicum":
        extra["supervisors"] = User.objects.filter(
            pk__in=[u.pk for u in queries.supervisors_of(me)]
        )
    return form_class(data, files, **extra)


def _save_entry(kind: str, request: HttpRequest, form: Any) -> None:
    actor = _me(request)
    data = dict(form.cleaned_data)
    if kind == "ce":
        certificate = data.pop("certificate", None)
        services.continuing_education_create(
            actor=actor, user=actor, data=data, certificate=certificate or None
        )
    elif kind == "hours":
        services.supervised_hours_submit(actor=actor, **data)
    else:
        services.entry_create(actor=actor, user=actor, model=ENTRY_KINDS[kind][1], data=data)


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ENTRY_KINDS:
        raise Http404("No such kind of entry.")
    form = _entry_form(kind, request)
    if request.method == "POST":
        form = _entry_form(kind, request, request.POST, request.FILES)
        if form.is_valid():
            try:
                _save_entry(kind, request, form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved to your record.")
                return redirect("web:my_credentials")
    title = ENTRY_KINDS[kind][2]
    return render(
        request, "workforce/entry_form.html", {"form": form, "title": title, "kind": kind}
    )


EDIT_FORMS: dict[str, type[Any]] = {
    "education": wf_forms.EducationForm,
    "licence": wf_forms.LicenceForm,
    "certification": wf_forms.CertificationForm,
    "exam": wf_forms.ExamResultForm,
    "position": wf_forms.PositionForm,
    "ce": wf_forms.ContinuingEducationEditForm,
    "practicum": wf_forms.PracticumForm,
    "hours": wf_forms.SupervisedHoursEditForm,
}


def _edit_form(kind: str, request: HttpRequest, pk: int, data: Any = None) -> Any:
    """The edit form, bound to its own copy of the entry (the form mutates its instance)."""
    entry = permissions.access_own_entry(_me(request), ENTRY_KINDS[kind][1], pk)
    form = EDIT_FORMS[kind](data, instance=entry)
    if kind == "practicum":  # the instructor signs the hours, so changing them is not an edit
        form.fields["field_instructor"].disabled = True
    return form


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Correct one of my entries (a signed hours entry is locked and not found here)."""
    if kind not in EDIT_FORMS:
        raise Http404("No such kind of entry.")
    form = _edit_form(kind, request, pk)
    if request.method == "POST":
        form = _edit_form(kind, request, pk, request.POST)
        if form.is_valid():
            entry = permissions.access_own_entry(_me(request), ENTRY_KINDS[kind][1], pk)
            data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
            try:
                services.entry_update(actor=_me(request), entry=entry, data=data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved your change.")
                return redirect("web:my_credentials")
    title = "Edit: " + ENTRY_KINDS[kind][2].removeprefix("Add ").removeprefix("Log ")
    if kind == "exam":
        title = "Edit: exam result"
    return render(
        request, "workforce/entry_form.html", {"form": form, "title": title, "kind": kind}
    )


@login_required
@require_http_methods(["GET"])
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    """Certificates are served only here, after the access check, as attachments."""
    entry = permissions.access_certificate(_me(request), pk)
    handle, name, media_type = services.certificate_open(actor=_me(request), entry=entry)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=media_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET"])
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    staff = permissions.access_staff(_me(request), pk)
    context = _record_context(staff, _me(request))
    context["is_own"] = staff.pk == _me(request).pk
    return render(request, "workforce/staff_detail.html", context)


@login_required
@require_POST
def credential_verify(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    credential = permissions.access_credential(_me(request), kind, pk)
    form = wf_forms.VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the outcome and how you verified it.")
    else:
        services.credential_verify(
            actor=_me(request),
            credential=credential,
            outcome=form.cleaned_data["outcome"],
            method=form.cleaned_data["method"],
        )
        messages.success(request, f"Recorded the verification of {credential}.")
    return redirect("web:workforce_staff", pk=credential.user_id)


@login_required
@require_POST
def hours_sign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = permissions.access_hours_to_sign(_me(request), pk)
    try:
        services.supervised_hours_sign(actor=_me(request), entry=entry)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Signed {entry.hours} hours for {entry.user}. It is now locked.")
    return redirect("web:workforce_supervision")


def _require_oversight(request: HttpRequest) -> None:
    if not permissions.can_see_compliance(_me(request)):
        raise PermissionDenied("Only supervisors and organization admins can see this page.")


@login_required
@require_http_methods(["GET"])
def supervision(request: HttpRequest) -> HttpResponse:
    """The supervisor's page: staff lacking a required credential (with the clients to
    reassign), hours awaiting signature, and credentials expiring within 90 days."""
    today = timezone.localdate()
    awaiting = SupervisedHours.objects.filter(
        supervisor=_me(request), signed_at__isnull=True
    ).select_related("user")
    in_scope = list(queries.memberships_in_scope(_me(request)))
    if not in_scope and not awaiting:
        _require_oversight(request)
    gaps = queries.gaps(in_scope, today=today)
    _audit_clients_shown(request, gaps)
    staff = {m.user_id: m.user for m in in_scope}.values()
    context = {
        "gaps": gaps,
        "awaiting": awaiting,
        "expiring": queries.expiring(staff, today=today),
        "staff": sorted(staff, key=lambda u: u.full_name),
    }
    return render(request, "workforce/supervision.html", context)


def _audit_clients_shown(request: HttpRequest, gaps: list[queries.StaffGap]) -> None:
    clients = [e.client for gap in gaps for e in gap.enrollments]
    if clients:
        client_list_record(
            actor=_me(request), clients=clients, query={"credential_alerts": "expired"}
        )


@login_required
@require_http_methods(["GET"])
def compliance(request: HttpRequest) -> HttpResponse:
    _require_oversight(request)
    rows = queries.compliance_rows(_me(request), today=timezone.localdate())
    return render(request, "workforce/compliance.html", {"rows": rows})


@login_required
@require_http_methods(["GET"])
def compliance_csv(request: HttpRequest) -> HttpResponse:
    _require_oversight(request)
    rows = services.compliance_export(actor=_me(request), today=timezone.localdate())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="credential-compliance.csv"'
    columns = ["staff", "email", "program", "finding", "detail", "affected_clients"]
    writer = csv.DictWriter(response, fieldnames=columns)
    writer.writeheader()
    for row in rows:
        writer.writerow(safe_mapping(row))  # no cell runs as a spreadsheet formula
    return response


def _admin_programs(request: HttpRequest) -> Any:
    org_ids = access_for(_me(request)).admin_org_ids
    if not org_ids:
        raise PermissionDenied("Only organization admins manage credential requirements.")
    return Program.objects.filter(organization_id__in=org_ids, is_active=True)


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request: HttpRequest) -> HttpResponse:
    """Org admins: which credentials each program requires, and time-limited exceptions."""
    programs = _admin_programs(request)
    staff = User.objects.filter(
        pk__in=Membership.objects.active().filter(program__in=programs).values("user_id")
    )
    req_form = wf_forms.RequirementForm(programs=programs)
    exc_form = wf_forms.ExceptionForm(programs=programs, staff=staff)
    action = request.POST.get("action")
    if action == "requirement":
        req_form = wf_forms.RequirementForm(request.POST, programs=programs)
        if req_form.is_valid() and _apply(
            req_form, lambda d: services.credential_requirement_set(actor=_me(request), **d)
        ):
            messages.success(request, "Saved the requirement.")
            return redirect("web:workforce_requirements")
    elif action == "exception":
        exc_form = wf_forms.ExceptionForm(request.POST, programs=programs, staff=staff)
        if exc_form.is_valid() and _apply(
            exc_form, lambda d: services.credential_exception_grant(actor=_me(request), **d)
        ):
            messages.success(request, "Recorded the exception.")
            return redirect("web:workforce_requirements")
    elif action == "revoke":
        exception = CredentialException.objects.filter(
            pk=int(raw) if (raw := request.POST.get("exception", "")).isdigit() else 0,
            program__in=programs,
        ).first()
        if exception is None:
            raise Http404("No such exception.")
        services.credential_exception_revoke(actor=_me(request), exception=exception)
        messages.success(request, "Ended the exception.")
        return redirect("web:workforce_requirements")
    context = {
        "req_form": req_form,
        "exc_form": exc_form,
        "requirements": CredentialRequirement.objects.filter(
            program__in=programs, is_active=True
        ).select_related("program"),
        "exceptions": CredentialException.objects.filter(program__in=programs).select_related(
            "user", "program", "granted_by"
        ),
        "today": timezone.localdate(),
    }
    return render(request, "workforce/requirements.html", context)


def _apply(form: Any, call: Callable[[dict[str, Any]], Any]) -> bool:
    try:
        call(dict(form.cleaned_data))
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True


@login_required
@require_http_methods(["GET"])
def rules(request: HttpRequest) -> HttpResponse:
    """Every rule in force for the viewer's agency (its overrides, else the published rule)
    with its version, source and marker; read by all staff."""
    scope, can_edit = permissions.rule_scope(_me(request))
    org_id = scope.pk if scope else permissions.primary_organization_id(_me(request))
    context = {
        "rules": current_rules(organization_id=org_id).values(),
        "can_edit": can_edit,
        "scope": scope,
    }
    return render(request, "workforce/rules.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Org admins edit their agency's override; platform administrators the published rule."""
    scope, can_edit = permissions.rule_scope(_me(request))
    if not can_edit:
        raise PermissionDenied("Only an administrator edits the rules.")
    rule = current_rules(organization_id=scope.pk if scope else None).get(code)
    if rule is None:
        raise Http404("No such rule.")
    initial = {
        "params": yaml.safe_dump(rule.params, sort_keys=False, allow_unicode=True, width=100),
        "citation": rule.citation,
        "source_url": rule.source_url,
        "marker": rule.marker,
    }
    form = wf_forms.RuleEditForm(request.POST or None, initial=initial)
    saved = (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda d: services.ruleset_edit(actor=_me(request), code=code, organization=scope, **d),
        )
    )
    if saved:
        messages.success(request, f"Saved a new version of {code}.")
        return redirect("web:workforce_rules")
    return render(request, "workforce/rule_edit.html", {"form": form, "rule": rule, "scope": scope})


@require_http_methods(["GET"])
def pathway(request: HttpRequest) -> HttpResponse:
    """The public career pathway planner (no sign-in). Signed-in staff start from their record."""
    result = None
    if "area" in request.GET:
        form = wf_forms.PathwayForm(request.GET)
        if form.is_valid():
            try:
                answers = planner.parse_answers(**form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                result = planner.plan(answers).as_dict()
    elif request.user.is_authenticated:
        form = wf_forms.PathwayForm(initial=planner.initial_from_record(request.user))
    else:
        form = wf_forms.PathwayForm()
    return render(request, "workforce/pathway.html", {"form": form, "plan": result})

"""The client record pages (issue 3): profile, the record's parts, SSN, and "What changed".

Each view parses a form, loads the client through the gate (``load_client``), calls one
service and renders. Parts the reader may not see (a confidential address outside the care
team; disabilities outside the consented categories) are never loaded for display.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.audit.models import AuditEvent
from casework.clients import consent as consents
from casework.clients import record_services as parts
from casework.clients.models import (
    RECORD_PARTS,
    BreakGlassAccess,
    Client,
    ClientAddress,
    ClientPart,
    Consent,
    Enrollment,
    Race,
)
from casework.clients.permissions import (
    access_enrollment,
    can_write_client,
    in_care_team,
    reads_whole_record,
    redact_audit_addresses,
    require_whole_record,
)
from casework.clients.services import client_update
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors, error_text
from casework.web.forms_record import PART_FORMS, ProfileForm, SsnForm, VersionForm
from casework.web.gates import load_client
from casework.web.paging import paginate

PART_TITLES = {
    "names": ("Other names", "Aliases, previous legal names and nicknames."),
    "identifiers": ("Identifiers", "Medicaid and Medicare IDs, record numbers, agency IDs."),
    "contacts": ("Phones and emails", "Current and past phone numbers and email addresses."),
    "addresses": ("Addresses", "Current, previous and mailing addresses, with their dates."),
    "household": ("Household members", "People in the household (HMIS 3.15)."),
    "emergency_contacts": ("Emergency contacts", "Who to call in an emergency."),
    "insurance": ("Insurance", "Payers, member IDs and coverage dates."),
    "disabilities": ("Disabilities", "HMIS 1.3 disability types."),
}
# The field that "ends" a row instead of deleting it, per part.
END_FIELDS = {
    "contacts": "ended_on",
    "addresses": "valid_to",
    "household": "ended_on",
    "emergency_contacts": "ended_on",
    "insurance": "end_date",
}
CONSENT_SOON_DAYS = 30


def part_or_404(part: str) -> type[ClientPart]:
    model = RECORD_PARTS.get(part)
    if model is None:
        raise Http404("No such part of the record.")
    return model


def _hidden_part(user: Any, client: Client, part: str) -> bool:
    return part == "addresses" and client.address_confidential and not in_care_team(user, client)


def _load_item(user: Any, client: Client, part: str, item_id: int) -> ClientPart:
    if _hidden_part(user, client, part):
        raise Http404("No such record.")
    return parts.record_part_get(client=client, part=part, item_id=item_id)


# --- Sections summary (the partial on the client page) ----------------------------------------


def expiring_consents(client: Client) -> list[Consent]:
    soon = timezone.localdate() + timedelta(days=CONSENT_SOON_DAYS)
    return list(
        Consent.objects.in_force()
        .filter(client_id=client.pk, expiry_date__isnull=False, expiry_date__lte=soon)
        .order_by("expiry_date")
    )


def client_sections_context(user: Any, client: Client) -> dict[str, Any]:
    """What ``record/_client_sections.html`` shows; the client was loaded through the gate."""
    visible = parts.record_parts_for(user, client)
    sections = [
        {"part": name, "title": PART_TITLES[name][0], "count": len(rows)}
        for name, rows in visible.items()
    ]
    full = reads_whole_record(client)
    glass = None
    if client.access_basis == "break_glass":
        glass = (
            BreakGlassAccess.objects.filter(
                client_id=client.pk, user_id=user.pk, expires_at__gt=timezone.now()
            )
            .order_by("-expires_at")
            .first()
        )
    # Only enrollments in the reader's own programs (or organization-wide roles): that the
    # client is also in, say, a mental-health program is not every reader's business.
    enrollments = (
        Enrollment.objects.visible_to(user)
        .filter(client_id=client.pk)
        .select_related("program")
        .order_by("-id")
    )
    return {
        "record_client": client,
        "record_sections": sections,
        "record_full": full,
        "record_can_edit": can_write_client(user, client),
        "record_expiring": expiring_consents(client) if full else [],
        "record_glass": glass,
        "record_enrollments": list(enrollments),
    }


@login_required
def client_sections(request: HttpRequest, pk: int) -> HttpResponse:
    """The sections partial on its own (loaded by htmx into the client page, or visited)."""
    client = load_client(request.user, pk, audit=False)
    return render(request, "record/sections.html", client_sections_context(request.user, client))


# --- Profile -------------------------------------------------------------------------------


def _profile_initial(client: Client) -> dict[str, Any]:
    return {name: getattr(client, name) for name in Client.PROFILE_FIELDS} | {
        "version": client.version
    }


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    if request.method == "GET":
        form = ProfileForm(initial=_profile_initial(client))
        return _render_profile(request, client, form)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            client_update(
                actor=request.user,
                client=client,
                expected_version=form.cleaned_data["version"],
                data=form.profile_data(),
            )
        except domain.StaleVersion:
            return _profile_conflict(request, pk, form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the profile of {client.display_name}.")
            return redirect("web:client_detail", pk=client.pk)
    return _render_profile(request, client, form)


def _render_profile(
    request: HttpRequest, client: Client, form: ProfileForm, **extra: Any
) -> HttpResponse:
    status = extra.pop("status", 200)
    context = {"client": client, "form": form} | extra
    return render(request, "record/profile.html", context, status=status)


def _label(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(Race(v).label) if v in Race.values else str(v) for v in value)
    if value in (None, ""):
        return "(empty)"
    return str(value)


def _profile_conflict(request: HttpRequest, pk: int, stale: ProfileForm) -> HttpResponse:
    """Someone saved first: keep what was typed, show both versions side by side."""
    current = load_client(request.user, pk, write=True)
    rows = []
    for name in Client.PROFILE_FIELDS:
        if name not in stale.fields:
            continue
        theirs, yours = getattr(current, name), stale.cleaned_data.get(name)
        if (theirs or None) != (yours or None):
            label = str(stale.fields[name].label)
            rows.append({"label": label, "theirs": _label(theirs), "yours": _label(yours)})
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = ProfileForm(data)
    form.is_valid()
    return _render_profile(request, current, form, conflicts=rows, status=409)


# --- Record parts ---------------------------------------------------------------------------


def _cell(item: ClientPart, name: str) -> str:
    value = getattr(item, name)
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if getattr(item._meta.get_field(name), "choices", None):
        return str(getattr(item, f"get_{name}_display")())
    if hasattr(value, "strftime"):
        return f"{value:%b} {value.day}, {value.year}"
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def part_list(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """The rows of one part, and (for writers) a form to add one."""
    model = part_or_404(part)
    client = load_client(request.user, pk, write=request.method == "POST")
    form_class = PART_FORMS[part]
    form = form_class(request.POST) if request.method == "POST" else form_class()
    if request.method == "POST" and form.is_valid():
        try:
            parts.record_part_add(
                actor=request.user, client=client, part=part, data=form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added to {PART_TITLES[part][0].lower()}.")
            return redirect("web:record_part_list", pk=client.pk, part=part)
    rows: list[ClientPart] = []
    if not _hidden_part(request.user, client, part):
        rows = parts.record_parts_for(request.user, client)[part]
    context = {
        "client": client,
        "part": part,
        "title": PART_TITLES[part][0],
        "intro": PART_TITLES[part][1],
        "rows": [{"item": row, "cells": [_cell(row, f) for f in model.FIELDS]} for row in rows],
        "headers": [
            str(getattr(model._meta.get_field(f), "verbose_name", f)).capitalize()
            for f in model.FIELDS
        ],
        "form": form,
        "can_edit": can_write_client(request.user, client),
        "hidden": _hidden_part(request.user, client, part),
        "end_field": END_FIELDS.get(part),
    }
    status = 200 if request.method == "GET" or not form.errors else 422
    return render(request, "record/part_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def part_edit(request: HttpRequest, pk: int, part: str, item_id: int) -> HttpResponse:
    part_or_404(part)
    client = load_client(request.user, pk, write=True)
    item = _load_item(request.user, client, part, item_id)
    form_class = PART_FORMS[part]
    model = type(item)
    if request.method == "GET":
        initial = {f: getattr(item, f) for f in model.FIELDS}
        form = form_class(initial=initial)
        version = VersionForm(initial={"version": item.version})
        return _render_part_edit(request, client, part, item, form, version)
    form, version = form_class(request.POST), VersionForm(request.POST)
    if form.is_valid() and version.is_valid():
        try:
            parts.record_part_update(
                actor=request.user,
                item=item,
                expected_version=version.cleaned_data["version"],
                data=form.cleaned_data,
            )
        except domain.StaleVersion:
            fresh = _load_item(request.user, client, part, item_id)
            version = VersionForm(initial={"version": fresh.version})
            return _render_part_edit(
                request, client, part, fresh, form, version, conflict=True, status=409
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the change.")
            return redirect("web:record_part_list", pk=client.pk, part=part)
    return _render_part_edit(request, client, part, item, form, version, status=422)


def _render_part_edit(
    request: HttpRequest,
    client: Client,
    part: str,
    item: ClientPart,
    form: Any,
    version: VersionForm,
    *,
    conflict: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "client": client,
        "part": part,
        "title": PART_TITLES[part][0],
        "item": item,
        "form": form,
        "version_form": version,
        "conflict": conflict,
    }
    return render(request, "record/part_edit.html", context, status=status)


@login_required
@require_POST
def part_end(request: HttpRequest, pk: int, part: str, item_id: int) -> HttpResponse:
    """End a row (a past phone, a previous address) instead of deleting it."""
    part_or_404(part)
    end_field = END_FIELDS.get(part)
    if end_field is None:
        raise Http404("This part has no end date.")
    client = load_client(request.user, pk, write=True)
    item = _load_item(request.user, client, part, item_id)
    version = VersionForm(request.POST)
    data: dict[str, Any] = {end_field: timezone.localdate()}
    if isinstance(item, ClientAddress) and item.use == ClientAddress.Use.CURRENT:
        data["use"] = ClientAddress.Use.PREVIOUS
    if version.is_valid():
        try:
            parts.record_part_update(
                actor=request.user,
                item=item,
                expected_version=version.cleaned_data["version"],
                data=data,
            )
        except domain.StaleVersion:
            messages.error(request, "Someone changed that row first; look again and retry.")
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, "Ended. It stays in the record's history.")
    return redirect("web:record_part_list", pk=client.pk, part=part)


# --- SSN -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def ssn_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    form = SsnForm(request.POST or None, initial={"version": client.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            consents.client_set_ssn(
                actor=request.user,
                client=client,
                ssn=form.cleaned_data["ssn"],
                expected_version=form.cleaned_data["version"],
            )
        except domain.StaleVersion:
            messages.error(request, "Someone changed this client while you typed; enter it again.")
            return redirect("web:record_ssn", pk=client.pk)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 422
        else:
            messages.success(request, "Saved the Social Security number.")
            return redirect("web:record_ssn", pk=client.pk)
    elif request.method == "POST":
        status = 422
    context = {"client": client, "form": form, "revealed": ""}
    return render(request, "record/ssn.html", context, status=status)


@login_required
@require_POST
def ssn_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full SSN once, after a deliberate click; audited by the service."""
    client = load_client(request.user, pk, audit=False)
    require_whole_record(client)
    revealed = consents.client_reveal_ssn(actor=request.user, client=client)
    context = {"client": client, "revealed": revealed or "Not recorded"}
    htmx = getattr(request, "htmx", None)
    if htmx:
        return render(request, "record/_ssn_value.html", context)
    form = SsnForm(initial={"version": client.version})
    return render(request, "record/ssn.html", context | {"form": form})


# --- What changed ------------------------------------------------------------------------------


def _visible_changes(event: AuditEvent) -> list[dict[str, Any]]:
    rows = []
    for name, pair in sorted((event.changes or {}).items()):
        old, new = ([*pair, None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append({"field": name.replace("_", " "), "old": old, "new": new})
    return rows


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """Audit rows with changes for the client and its parts: who, when, field, old -> new."""
    client = load_client(request.user, pk)
    require_whole_record(client)
    events = (
        AuditEvent.objects.for_client(client.pk)
        .exclude(changes={})
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )
    page = paginate(request, events, size=25)
    redact_audit_addresses(request.user, page.items)
    rows = [{"event": e, "changes": _visible_changes(e)} for e in page.items]
    context = {"client": client, "page": page, "rows": rows}
    return render(request, "record/history.html", context)


# --- Enrollment lifecycle -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an enrollment along its lifecycle (the service enforces the allowed moves)."""
    from casework.clients.services import enrollment_transition as transition
    from casework.web.forms_record import TransitionForm

    enrollment = access_enrollment(request.user, pk, write=True)
    form = TransitionForm(
        request.POST or None, initial={"version": enrollment.version}, current=enrollment.status
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                transition(
                    actor=request.user,
                    enrollment=enrollment,
                    expected_version=data["version"],
                    to=data["to"],
                    closure_reason=data["closure_reason"],
                    closure_note=data["closure_note"],
                    destination=data["destination"],
                )
            except domain.StaleVersion:
                messages.error(request, "Someone changed this enrollment first; look again.")
                return redirect("web:enrollment_transition", pk=enrollment.pk)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"The enrollment is now {enrollment.get_status_display()}."
                )
                return redirect("web:client_detail", pk=enrollment.client_id)
    context = {"enrollment": enrollment, "client": enrollment.client, "form": form}
    return render(request, "record/transition.html", context, status=status)


@login_required
@require_POST
def enrollment_reenroll(request: HttpRequest, pk: int) -> HttpResponse:
    """Enroll again in the program of a closed enrollment; the closed one stays as history."""
    from casework.clients.services import enrollment_create
    from casework.web.forms_record import ReenrollForm

    enrollment = access_enrollment(request.user, pk)
    client = load_client(request.user, enrollment.client_id, write=True, audit=False)
    form = ReenrollForm(request.POST)
    if form.is_valid():
        try:
            enrollment_create(
                actor=request.user,
                client=client,
                program=enrollment.program,
                status=form.cleaned_data["status"],
                primary_case_manager=enrollment.primary_case_manager,
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        except domain.PermissionDenied as denied:
            messages.error(request, str(denied))
        else:
            messages.success(request, f"Enrolled again in {enrollment.program.name}.")
    return redirect("web:client_detail", pk=client.pk)

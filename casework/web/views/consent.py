"""Consent (release of information) pages and emergency (break-the-glass) access (issue 3)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.clients import consent as consents
from casework.clients import consent_events
from casework.clients.models import Client, Consent, ExpiryEvent
from casework.clients.permissions import access_consent, can_write_client, require_whole_record
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors
from casework.web.forms_consent import EventOutcomeForm
from casework.web.forms_record import (
    ConsentForm,
    EmergencyAccessForm,
    EmergencySearchForm,
    RevokeForm,
)
from casework.web.gates import load_client
from casework.web.views.record import expiring_consents

EMERGENCY_SEARCH_LIMIT = 20


def _status(consent: Consent) -> str:
    if consent.revoked_at is not None:
        return "revoked"
    if consent.ended_at is not None:
        return "ended"
    if consent.expiry_date is not None and consent.expiry_date < timezone.localdate():
        return "expired"
    if consent.effective_date > timezone.localdate():
        return "not yet in force"
    return "in force"


def _load_consent(user: Any, consent_id: int, *, write: bool = False) -> tuple[Client, Consent]:
    """The consent, only through its client's gate (staff who see the whole record)."""
    consent = access_consent(user, consent_id, write=write)
    require_whole_record(consent.client)
    return consent.client, consent


@login_required
def consent_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk)
    require_whole_record(client)
    rows = [
        {
            "consent": c,
            "status": _status(c),
            "awaits_event": awaits_event_outcome(c),
            # An expired or ended consent has nothing left to revoke.
            "revocable": _status(c) in ("in force", "not yet in force"),
        }
        for c in client.consents.select_related(
            "recipient_organization", "recipient_program"
        ).order_by("-effective_date", "-id")
    ]
    context = {
        "client": client,
        "rows": rows,
        "expiring": expiring_consents(client),
        "can_edit": can_write_client(request.user, client),
        "revoke_form": RevokeForm(),
    }
    return render(request, "record/consent_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True)
    if request.method == "GET":
        form = ConsentForm(client=client, initial={"signed_by_name": client.display_name})
        return _render_form(request, client, form)
    form = ConsentForm(request.POST, request.FILES, client=client)
    if form.is_valid():
        try:
            consents.consent_record(
                actor=request.user,
                client=client,
                data=form.consent_data(),
                signature_image=form.cleaned_data["signature_image"],
                signed_form=form.cleaned_data["signed_form"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded the consent.")
            return redirect("web:consent_list", pk=client.pk)
    return _render_form(request, client, form, status=422)


def _render_form(
    request: HttpRequest, client: Client, form: ConsentForm, status: int = 200
) -> HttpResponse:
    context = {
        "client": client,
        "form": form,
        "notice": consents.PART2_REDISCLOSURE_NOTICE,
        "expiring": expiring_consents(client),
    }
    return render(request, "record/consent_form.html", context, status=status)


@login_required
@require_POST
def consent_revoke(request: HttpRequest, consent_id: int) -> HttpResponse:
    client, consent = _load_consent(request.user, consent_id, write=True)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a reason for revoking the consent.")
        return redirect("web:consent_list", pk=client.pk)
    consents.consent_revoke(actor=request.user, consent=consent, reason=form.cleaned_data["reason"])
    messages.success(request, "Revoked. Access it gave has ended.")
    return redirect("web:consent_list", pk=client.pk)


def awaits_event_outcome(consent: Consent) -> bool:
    """In force and waiting on an event Casework cannot see: staff record whether it happened."""
    return consent.expiry_trigger == ExpiryEvent.OTHER and consent.in_force_on()


@login_required
@require_http_methods(["GET", "POST"])
def consent_event(request: HttpRequest, consent_id: int) -> HttpResponse:
    """Record whether the event that ends a consent has happened (or review it later)."""
    client, consent = _load_consent(request.user, consent_id, write=True)
    form = EventOutcomeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                consent_events.consent_event_outcome(
                    actor=request.user,
                    consent=consent,
                    happened=form.cleaned_data["happened"],
                    next_review_date=form.cleaned_data["next_review_date"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                ended = form.cleaned_data["happened"]
                messages.success(
                    request, "The consent has ended." if ended else "Saved the next review date."
                )
                return redirect("web:consent_list", pk=client.pk)
    context = {
        "client": client,
        "consent": consent,
        "form": form,
        "open": awaits_event_outcome(consent),
    }
    return render(request, "record/consent_event.html", context, status=status)


@login_required
def consent_form_download(request: HttpRequest, consent_id: int) -> FileResponse:
    """The uploaded signed form, only to staff who see the whole record; audited."""
    _client, consent = _load_consent(request.user, consent_id)
    handle, name = consents.signed_form_open(actor=request.user, consent=consent)
    return FileResponse(handle, as_attachment=True, filename=name)


# --- Emergency (break-the-glass) access ------------------------------------------------------


def _staff_org_ids(user: Any) -> frozenset[int]:
    return consents.emergency_staff_org_ids(user)


def _emergency_search(request: HttpRequest, form: EmergencySearchForm) -> list[dict[str, Any]]:
    """Name and date of birth only, across the user's own organizations; audited."""
    if not form.is_valid():
        return []
    return consents.client_emergency_search(actor=request.user, text=form.cleaned_data["q"])


@login_required
@require_http_methods(["GET", "POST"])
def emergency_access(request: HttpRequest) -> HttpResponse:
    """State a reason to open a record you cannot otherwise see; supervisors are alerted."""
    if not _staff_org_ids(request.user):
        raise Http404("No such page.")
    search = EmergencySearchForm(request.GET if "q" in request.GET else None)
    results = _emergency_search(request, search) if search.is_bound else []
    initial = {"client_id": request.GET.get("client")} if request.GET.get("client") else {}
    form = EmergencyAccessForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                grant = consents.break_glass_open(
                    actor=request.user,
                    client_id=form.cleaned_data["client_id"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except domain.NotFound:
                form.add_error("client_id", "No client with this ID in your organization.")
            else:
                until = timezone.localtime(grant.expires_at)
                messages.error(request, f"Emergency access until {until:%H:%M}.")
                return redirect("web:client_detail", pk=grant.client_id)
    context = {
        "form": form,
        "search": search,
        "results": results,
        "access_length": consents.emergency_access_length(_staff_org_ids(request.user)),
    }
    return render(request, "record/emergency_access.html", context, status=status)

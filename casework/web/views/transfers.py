"""Transfers of a client to another case manager: ask (with the summary), answer, follow."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.models import User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload import transfers
from casework.caseload.models import TransferStatus
from casework.clients.assignment import case_manager_candidates, may_hand_over
from casework.clients.models import Client, Enrollment
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import DeclineForm, TransferForm
from casework.web.gates import load_client, signed_in_user


def _transferable(user: Any, client: Client) -> list[Enrollment]:
    rows = (
        Enrollment.objects.open()
        .filter(client_id=client.pk)
        .select_related("program", "primary_case_manager")
    )
    return [e for e in rows if may_hand_over(user, e)]


def _workers(enrollments: list[Enrollment], exclude: int) -> Any:
    ids = {u.pk for e in enrollments for u in case_manager_candidates(e.program)} - {exclude}
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


@login_required
@require_http_methods(["GET", "POST"])
def transfer_request(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True, page="transfer")
    enrollments = _transferable(request.user, client)
    if not enrollments:
        raise PermissionDenied(
            "Only the client's case manager or a supervisor of the program can hand them over."
        )
    form = TransferForm(
        request.POST or None,
        enrollments=enrollments,
        workers=_workers(enrollments, signed_in_user(request).pk),
        initial={"enrollment": enrollments[0].pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enrollment = next(e for e in enrollments if e.pk == data["enrollment"])
        try:
            transfer = transfers.transfer_request(
                actor=signed_in_user(request),
                enrollment=enrollment,
                to=data["to"],
                reason=data["reason"],
                note=data.get("handoff_note", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except domain.Conflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Transfer sent to {transfer.to_user.full_name}. The client stays with their "
                "case manager until it is accepted.",
            )
            return redirect("web:transfer_detail", pk=transfer.pk)
    previews = [(e, transfers.transfer_summary(e)) for e in enrollments]
    pending = transfers.transfers_visible_to(request.user).filter(
        client_id=client.pk, status=TransferStatus.PENDING
    )
    context = {"client": client, "form": form, "previews": previews, "pending": pending}
    status = 422 if request.method == "POST" else 200
    return render(request, "caseload/transfer_form.html", context, status=status)


@login_required
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    rows = list(
        transfers.transfers_visible_to(request.user)
        .select_related("client", "program", "from_user", "to_user", "requested_by")
        .order_by("-requested_at")[:200]
    )
    from casework.clients.models import Client as ClientModel

    visible = set(
        ClientModel.objects.visible_to(request.user)
        .filter(pk__in={t.client_id for t in rows})
        .values_list("pk", flat=True)
    )
    rows = [t for t in rows if t.client_id in visible]
    record(
        actor=request.user,
        action=AuditAction.LIST,
        target_type="transfer_list",
        details={"client_ids": sorted(visible)},
    )
    uid = request.user.pk
    context = {
        "incoming": [t for t in rows if t.to_user_id == uid and t.is_pending],
        "outgoing": [
            t for t in rows if t.is_pending and uid in (t.requested_by_id, t.from_user_id)
        ],
        "team": [
            t
            for t in rows
            if t.is_pending and uid not in (t.to_user_id, t.requested_by_id, t.from_user_id)
        ],
        "decided": [t for t in rows if not t.is_pending][:50],
    }
    return render(request, "caseload/transfer_list.html", context)


@login_required
@require_GET
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.access_transfer(request.user, pk)
    context = {
        "transfer": transfer,
        "client": transfer.client,
        "summary": transfer.summary,
        "may_decide": transfers.may_decide(request.user, transfer),
        "may_withdraw": transfers.may_withdraw(request.user, transfer),
        "decline_form": DeclineForm(),
    }
    return render(request, "caseload/transfer_detail.html", context)


@login_required
@require_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.access_transfer(request.user, pk, audit=False)
    try:
        done = transfers.transfer_accept(actor=signed_in_user(request), transfer=transfer)
    except (ValidationError, domain.Conflict, domain.StaleVersion) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("web:transfer_detail", pk=transfer.pk)
    moved = done.moved
    messages.success(
        request,
        f"You are now the case manager. Moved to you: {moved.get('tasks', 0)} tasks, "
        f"{moved.get('appointments', 0)} appointments, {moved.get('referrals', 0)} referrals.",
    )
    return redirect("web:client_detail", pk=done.client_id)


@login_required
@require_POST
def transfer_decline(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.access_transfer(request.user, pk, audit=False)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            transfers.transfer_decline(
                actor=signed_in_user(request),
                transfer=transfer,
                reason=form.cleaned_data["decline_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except domain.Conflict as error:
            messages.error(request, str(error))
            return redirect("web:transfer_detail", pk=transfer.pk)
        else:
            messages.success(request, "Declined. The person who asked has been told why.")
            return redirect("web:transfer_detail", pk=transfer.pk)
    context = {
        "transfer": transfer,
        "client": transfer.client,
        "summary": transfer.summary,
        "may_decide": transfers.may_decide(request.user, transfer),
        "may_withdraw": transfers.may_withdraw(request.user, transfer),
        "decline_form": form,
    }
    return render(request, "caseload/transfer_detail.html", context, status=422)


@login_required
@require_POST
def transfer_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = transfers.access_transfer(request.user, pk, audit=False)
    try:
        transfers.transfer_withdraw(actor=signed_in_user(request), transfer=transfer)
    except domain.Conflict as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Transfer withdrawn.")
    return redirect("web:transfer_detail", pk=transfer.pk)

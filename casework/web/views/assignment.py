"""Choosing and changing a client's primary case manager: for one enrollment (from the
client page) and for several at once (the supervisor's "Not assigned" and "Clients to
reassign" lists). The rules are the service's (``casework.clients.assignment``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.accounts.access import access_for
from casework.accounts.models import Program, User
from casework.clients import assignment
from casework.clients.models import Client, Enrollment
from casework.clients.permissions import access_enrollment
from casework.clients.services import client_list_record
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors
from casework.web.forms_assignment import UNASSIGNED, CaseManagerForm, ReassignForm
from casework.web.gates import signed_in_user

BULK_LIMIT = 200


def _service_errors(form: CaseManagerForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict") and "primary_case_manager" in error.error_dict:
        error = ValidationError(
            {
                ("case_manager" if k == "primary_case_manager" else k): v
                for k, v in error.error_dict.items()
            }
        )
    add_service_errors(form, error)


def _choices_for(user: User, enrollment: Enrollment) -> tuple[list[User], bool]:
    """Whom this user may choose, and whether "nobody" is offered; 403 when nobody."""
    program = enrollment.program
    if assignment.can_assign_anyone(user, program):
        return assignment.case_manager_candidates(program), True
    mine = enrollment.primary_case_manager_id in (None, user.pk)
    if mine and assignment.carries_caseload(user, program):
        return [user], False
    raise PermissionDenied(
        f"Only a supervisor of {program.name} can change this client's case manager."
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrollment_case_manager(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign or change the primary case manager of one enrollment, with a reason."""
    user = signed_in_user(request)
    enrollment = access_enrollment(user, pk, write=True, page="case manager")
    candidates, allow_none = _choices_for(user, enrollment)
    current = enrollment.primary_case_manager_id
    initial = {"version": enrollment.version, "case_manager": str(current) if current else ""}
    form = CaseManagerForm(
        request.POST or None, initial=initial, candidates=candidates, allow_none=allow_none
    )
    if request.method == "POST" and form.is_valid():
        try:
            assignment.enrollment_assign_case_manager(
                actor=user,
                enrollment=enrollment,
                case_manager=form.chosen(),
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except domain.StaleVersion:
            messages.error(request, "Someone changed this enrollment first; look again.")
            return redirect("web:enrollment_case_manager", pk=enrollment.pk)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            who = form.chosen()
            done = f"{who} is now the primary case manager" if who else "No case manager now"
            messages.success(request, f"{done} in {enrollment.program.name}.")
            return redirect("web:client_detail", pk=enrollment.client_id)
    status = 422 if form.errors else 200
    context = {"enrollment": enrollment, "client": enrollment.client, "form": form}
    return render(request, "web/clients/case_manager.html", context, status=status)


def _program_for_reassign(user: User, program_id: str) -> Program:
    """A program whose case managers ``user`` may assign; the same 404 otherwise."""
    access = access_for(user)
    program = Program.objects.filter(pk=int(program_id) if program_id.isdigit() else 0).first()
    if program is None or not (
        program.pk in access.program_ids or program.organization_id in access.admin_org_ids
    ):
        raise Http404("No such program.")
    if not assignment.can_assign_anyone(user, program):
        raise PermissionDenied(f"Only a supervisor of {program.name} can reassign clients.")
    return program


def _from_whom(program: Program, value: str) -> User | None:
    """The case manager whose clients are listed (``none``: the unassigned ones)."""
    if value == UNASSIGNED:
        return None
    found = User.objects.filter(pk=int(value) if value.isdigit() else 0).first()
    if found is None:
        raise Http404("No such case manager.")
    return found


def _open_enrollments(program: Program, holder: User | None) -> list[Enrollment]:
    rows = (
        Enrollment.objects.open()
        .filter(program=program, primary_case_manager=holder)
        .select_related("client", "program", "primary_case_manager")
        .order_by("client__family_name", "client__given_name", "id")
    )
    return list(rows[:BULK_LIMIT])


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request: HttpRequest) -> HttpResponse:
    """A supervisor reassigns one, several or all clients of a case manager (or the
    unassigned clients) of one program, with one reason."""
    user = signed_in_user(request)
    program = _program_for_reassign(user, request.GET.get("program", ""))
    holder = _from_whom(program, request.GET.get("from", UNASSIGNED))
    enrollments = _open_enrollments(program, holder)
    by_id = {e.pk: e for e in enrollments}
    rows = [(e.pk, _row_label(e.client)) for e in enrollments]
    candidates = [c for c in assignment.case_manager_candidates(program) if c != holder]
    form = ReassignForm(request.POST or None, rows=rows, candidates=candidates, allow_none=False)
    if request.method == "POST" and form.is_valid():
        chosen = [by_id[pk] for pk in form.cleaned_data["enrollments"]]
        try:
            count = assignment.enrollments_assign_case_manager(
                actor=user,
                enrollments=chosen,
                case_manager=form.chosen(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _service_errors(form, error)
        else:
            messages.success(request, f"Reassigned {count} client{'s' if count != 1 else ''}.")
            return redirect(request.get_full_path())
    client_list_record(
        actor=user,
        clients=[e.client for e in enrollments],
        query={"reassign_program": program.pk, "from": holder.pk if holder else UNASSIGNED},
    )
    context: dict[str, Any] = {
        "program": program,
        "holder": holder,
        "form": form,
        "enrollments": enrollments,
        "limited": len(enrollments) == BULK_LIMIT,
    }
    return render(request, "web/clients/reassign.html", context, status=422 if form.errors else 200)


def _row_label(client: Client) -> str:
    born = client.date_of_birth
    when = f", born {born:%b} {born.day}, {born.year}" if born else ""
    return f"{client.family_name}, {client.given_name}{when}"

"""Bulk CSV import of clients: upload, preview (nothing written), confirm, status (issue 3).

Between the preview and the confirmation the upload waits in ``clients.staging``: encrypted,
visible only to its uploader, deleted once imported or cancelled, swept after a day.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Program, Role
from casework.clients import staging
from casework.clients.importing import (
    ImportFileError,
    ImportPlan,
    import_commit,
    import_parse,
    plan_dumps,
    plan_loads,
)
from casework.core import exceptions as domain
from casework.core.uploads import upload_limit
from casework.web.forms_record import ImportUploadForm
from casework.web.gates import signed_in_user

IMPORT_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.INTAKE_WORKER})


def import_program_ids(user: Any) -> list[int]:
    """Programs the user may import into: org admins', and program admins' and intake workers'."""
    access = access_for(user)
    ids = {p for p, roles in access.program_roles.items() if roles & IMPORT_ROLES}
    if access.admin_org_ids:
        ids |= set(
            Program.objects.filter(
                organization_id__in=access.admin_org_ids, is_active=True
            ).values_list("pk", flat=True)
        )
    return sorted(ids)


def _load(user: Any, token: str) -> staging.StagedImport:
    staged = staging.load(user_id=user.pk, token=token)
    if staged is None:
        raise Http404("No such import.")
    return staged


def _program(user: Any, program_id: int) -> Program:
    if program_id not in import_program_ids(user):
        raise Http404("No such program.")
    return Program.objects.get(pk=program_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    program_ids = import_program_ids(request.user)
    if not program_ids:
        raise PermissionDenied("Only admins and intake workers import clients.")
    form = ImportUploadForm(request.POST or None, request.FILES or None, program_ids=program_ids)
    if request.method == "POST" and form.is_valid():
        program = form.cleaned_data["program"]
        upload = form.cleaned_data["file"]
        raw = upload.read(upload_limit() + 1)
        try:
            plan = import_parse(raw, program=program, max_bytes=upload_limit())
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            staged = staging.stage(
                user_id=signed_in_user(request).pk,
                program_id=program.pk,
                filename=str(upload.name),
                raw=raw,
            )
            staged.save_plan(plan_dumps(plan))
            token = staged.token
            return redirect("web:import_status", token=token)
    status_code = 422 if form.errors else 200
    context = {"form": form, "limit_kb": upload_limit() // 1024}
    return render(request, "record/import_upload.html", context, status=status_code)


def _stored_plan(staged: staging.StagedImport, program: Any) -> ImportPlan:
    """The preview computed at upload; the file is parsed again only if none was kept."""
    stored = staged.read_plan()
    if stored is not None:
        return plan_loads(stored)
    return import_parse(staged.read(), program=program, max_bytes=upload_limit())


@login_required
def import_status(request: HttpRequest, token: str) -> HttpResponse:
    """The preview before confirming (every bad row and field), or the result after."""
    staged = _load(request.user, token)
    status = staged.status
    program = _program(request.user, status["program_id"])
    plan: ImportPlan | None = None
    error = ""
    if status["state"] == "previewed":
        try:
            plan = _stored_plan(staged, program)
        except (OSError, ImportFileError) as problem:
            error = str(problem)
    context = {
        "status": status,
        "uploaded_at": datetime.fromisoformat(status["uploaded_at"]),
        "token": token,
        "program": program,
        "plan": plan,
        "error": error,
    }
    return render(request, "record/import_status.html", context)


@login_required
@require_POST
def import_confirm(request: HttpRequest, token: str) -> HttpResponse:
    staged = _load(request.user, token)
    status = staged.status
    if status["state"] != "previewed":
        messages.info(request, "This file was already imported.")
        return redirect("web:import_status", token=token)
    program = _program(request.user, status["program_id"])
    try:
        plan = _stored_plan(staged, program)
        created = import_commit(
            actor=request.user, program=program, plan=plan, filename=status["filename"]
        )
    except (OSError, ImportFileError, ValidationError, domain.PermissionDenied) as error:
        text = " ".join(getattr(error, "messages", [str(error)]))
        messages.error(request, f"Nothing was imported: {text}")
        return redirect("web:import_status", token=token)
    staged.save_status(
        state="imported",
        created=created,
        already_on_file=len(plan.existing),
        imported_at=timezone.now().isoformat(),
    )
    staged.drop_data()  # the people are in the database now; keep no copy
    messages.success(request, f"Imported {len(created)} client(s) into {program.name}.")
    return redirect("web:import_status", token=token)


@login_required
@require_POST
def import_cancel(request: HttpRequest, token: str) -> HttpResponse:
    """Drop a previewed upload at once rather than leave it for the sweep."""
    staged = _load(request.user, token)
    if staged.status["state"] == "previewed":
        staged.discard()
        messages.info(request, f"Cancelled: {staged.status['filename']} was deleted.")
    return redirect("web:import_upload")

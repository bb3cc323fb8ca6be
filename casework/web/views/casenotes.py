"""Case-note pages: a client's notes with search, the draft editor (autosaved), signing,
addenda and co-signature. Notes load only through ``access_note``; one service per change.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.accounts.access import access_for
from casework.accounts.models import Program
from casework.casenotes import services as notes
from casework.casenotes.models import CaseNote
from casework.casenotes.permissions import access_note, notes_visible_on
from casework.casenotes.search import search_notes
from casework.clients.models import Enrollment
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors
from casework.web.forms_caseload import AddendumForm, NoteForm, NoteSearchForm, NoteStartForm
from casework.web.gates import load_client, signed_in_user
from casework.web.paging import paginate

PAGE_SIZE = 20


def load_note(user: Any, pk: object, *, write: bool = False, audit: bool = True) -> CaseNote:
    return access_note(user, pk, write=write, audit=audit)


def _note_programs(user: Any, client_id: int) -> Any:
    """Programs the user writes in where the client is enrolled."""
    access = access_for(user)
    enrolled = Enrollment.objects.filter(client_id=client_id).values("program_id")
    writable = [p for p in access.program_ids if access.can_write_in_program(p)]
    return Program.objects.filter(pk__in=writable).filter(pk__in=enrolled).order_by("name")


@login_required
@require_GET
def note_list(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, audit=False)
    search = NoteSearchForm(request.GET or None)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    rows = notes_visible_on(client).select_related("author", "program", "cosignature")
    page = paginate(
        request, search_notes(rows, query, client.pk).order_by("-service_at", "-id"), size=PAGE_SIZE
    )
    notes.note_list_record(
        actor=request.user, client=client, note_ids=[n.pk for n in page.items], query=query
    )
    context = {
        "client": client,
        "page": page,
        "search": search,
        "query": query,
        "can_write": _note_programs(request.user, client.pk).exists(),
    }
    return render(request, "caseload/note_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=True, audit=False)
    programs = _note_programs(request.user, client.pk)
    form = NoteStartForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            note = notes.note_create(
                actor=request.user,
                client=client,
                program=form.cleaned_data["program"],
                data={"note_type": form.cleaned_data["note_type"]},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("web:note_detail", pk=note.pk)
    return render(request, "caseload/note_start.html", {"client": client, "form": form})


def _detail_context(request: HttpRequest, note: CaseNote, form: NoteForm | None) -> dict[str, Any]:
    user = signed_in_user(request)
    editable = not note.is_signed and note.author_id == user.pk
    return {
        "client": note.client,
        "note": note,
        "form": form
        or (NoteForm(note=note, plan_goals=notes.plan_goals(note.client_id)) if editable else None),
        "editable": editable,
        "addenda": list(note.addenda.select_related("author")),
        "cosignature": getattr(note, "cosignature", None) if note.is_signed else None,
        "can_add": note.is_signed and access_for(user).can_write_in_program(note.program_id),
        "can_cosign": note.cosign_required
        and not hasattr(note, "cosignature")
        and notes.can_cosign(user, note),
        "addendum_form": AddendumForm(),
        "goals": [text for pk, text in notes.plan_goals(note.client_id) if pk in note.goal_ids],
    }


@login_required
@require_http_methods(["GET", "POST"])
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a note; its author edits a draft here, and signs it with the "Sign" button."""
    note = load_note(request.user, pk, audit=request.method == "GET")
    if request.method == "GET":
        return render(request, "caseload/note_detail.html", _detail_context(request, note, None))
    if note.is_signed:
        messages.error(request, notes.SIGNED_LOCKED)
        return redirect("web:note_detail", pk=note.pk)
    form = NoteForm(request.POST, note=note, plan_goals=notes.plan_goals(note.client_id))
    if form.is_valid():
        try:
            note = notes.note_update_draft(
                actor=request.user,
                note=note,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
            )
            if request.POST.get("action") == "sign":
                note = notes.note_sign(actor=request.user, note=note, expected_version=note.version)
                messages.success(
                    request, "Note signed. It can no longer change; add an addendum instead."
                )
            else:
                messages.success(request, "Draft saved.")
            return redirect("web:note_detail", pk=note.pk)
        except domain.StaleVersion:
            form.add_error(None, "Someone saved this draft since you opened it; reload to see it.")
        except ValidationError as error:
            _section_errors(form, error)
    return render(
        request, "caseload/note_detail.html", _detail_context(request, note, form), status=422
    )


def _section_errors(form: NoteForm, error: ValidationError) -> None:
    renamed = {
        (f"section_{k.split('.', 1)[1]}" if k.startswith("sections.") else k): v
        for k, v in error.message_dict.items()
    }
    add_service_errors(form, ValidationError(renamed))


@login_required
@require_POST
def note_autosave(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft while it is typed (htmx); answers the small status block with the version."""
    note = load_note(request.user, pk, audit=False)
    form = NoteForm(request.POST, note=note, plan_goals=notes.plan_goals(note.client_id))
    status, message = "saved", "Draft saved"
    if note.is_signed or note.author_id != request.user.pk:
        status, message = "error", "This note can no longer be changed."
    elif not form.is_valid():
        status, message = "error", "Not saved: check the fields marked in red when you save."
    else:
        try:
            note = notes.note_update_draft(
                actor=request.user,
                note=note,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except domain.StaleVersion:
            status, message = "error", "Not saved: this draft changed elsewhere. Reload the page."
        except ValidationError:
            status, message = "error", "Not saved: check the fields marked in red when you save."
    context = {"note": note, "status": status, "message": message}
    return render(request, "caseload/_note_autosave.html", context)


@login_required
@require_POST
def note_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    note = load_note(request.user, pk, write=True, audit=False)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the addendum before adding it.")
        return redirect("web:note_detail", pk=note.pk)
    try:
        notes.note_addendum_add(actor=request.user, note=note, text=form.cleaned_data["text"])
        messages.success(request, "Addendum added.")
    except domain.Conflict as conflict:
        messages.error(request, str(conflict))
    return redirect("web:note_detail", pk=note.pk)


@login_required
@require_POST
def note_cosign(request: HttpRequest, pk: int) -> HttpResponse:
    note = load_note(request.user, pk, audit=False)
    try:
        notes.note_cosign(actor=request.user, note=note)
        messages.success(request, "Co-signed.")
    except domain.Conflict as conflict:
        messages.error(request, str(conflict))
    if request.POST.get("next") == "worklist":
        return redirect("web:worklist")
    return redirect("web:note_detail", pk=note.pk)

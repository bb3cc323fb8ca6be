"""Attachments of a client (and their notes): list and upload, and the only way to download
one (access-checked, audited, served as an attachment with its checked type)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from casework.casenotes.attachments import (
    attachment_add,
    attachment_open,
    attachments_list,
    media_type,
)
from casework.casenotes.permissions import access_attachment, notes_visible_on
from casework.clients.permissions import require_whole_record
from casework.web.forms import add_service_errors
from casework.web.gates import load_client


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx); checked from the content.",
    )
    note = forms.TypedChoiceField(
        label="Attach to note", coerce=int, required=False, empty_value=None
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_attachments(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=request.method == "POST", audit=False)
    require_whole_record(client)
    visible_notes = notes_visible_on(client).order_by("-service_at")[:50]
    form = AttachmentForm(request.POST or None, request.FILES or None)
    form.fields["note"].choices = [("", "The client (no note)")] + [  # type: ignore[attr-defined]  # a choice field
        (n.pk, f"{n.get_note_type_display()}, {n.service_at:%b %-d, %Y}") for n in visible_notes
    ]
    if request.method == "POST" and form.is_valid():
        note_id = form.cleaned_data.get("note")
        note = next((n for n in visible_notes if n.pk == note_id), None) if note_id else None
        upload = form.cleaned_data["file"]
        try:
            attachment_add(
                actor=request.user, client=client, upload=upload, name=upload.name, note=note
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "File added.")
            return redirect("web:client_attachments", pk=client.pk)
    rows = attachments_list(actor=request.user, client=client)
    context = {"client": client, "form": form, "attachments": rows}
    status = 422 if request.method == "POST" else 200
    return render(request, "caseload/attachments.html", context, status=status)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = access_attachment(request.user, pk)
    handle = attachment_open(actor=request.user, attachment=attachment)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{attachment.title.rsplit('.', 1)[0]}.{attachment.kind}",
        content_type=media_type(attachment.kind),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

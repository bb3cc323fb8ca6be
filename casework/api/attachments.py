"""Files on a client (and their notes) over the API: list, upload, download.

The same gates and services as the web page: the client's gate and the whole-record rule
for the list and uploads, ``access_attachment`` for a download; the list and each download
are audited reads, each upload is audited by its service.
"""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status, UploadedFile

from casework.api.types import DOCUMENT_DOWNLOAD, Id, InputSchema
from casework.casenotes.attachments import (
    attachment_add,
    attachment_open,
    attachments_list,
    media_type,
)
from casework.casenotes.models import Attachment
from casework.casenotes.permissions import access_attachment, access_note
from casework.clients.permissions import access_client, require_whole_record
from casework.core.exceptions import NotFound

router = Router(tags=["attachments"])


class AttachmentOut(Schema):
    id: int
    client_id: int
    program_id: int
    note_id: int | None
    kind: str
    title: str
    size: int
    sha256: str
    uploaded_by_id: int
    created_at: datetime
    download: str

    @staticmethod
    def resolve_download(obj: Attachment) -> str:
        return f"/api/v1/attachments/{obj.pk}/content"


class AttachmentIn(InputSchema):
    note_id: Id | None = None


@router.get(
    "/clients/{client_id}/attachments",
    response=list[AttachmentOut],
    operation_id="attachments_list",
    summary="List a client's files (the newest 100; audited)",
)
def attachments_list_op(request: HttpRequest, client_id: Id) -> list[Attachment]:
    client = access_client(request.user, client_id, audit=False)
    require_whole_record(client)
    return attachments_list(actor=request.user, client=client)


@router.post(
    "/clients/{client_id}/attachments",
    response={201: AttachmentOut},
    operation_id="attachments_create",
    summary="Upload a file to a client or one of their notes",
)
def attachments_create(
    request: HttpRequest,
    client_id: Id,
    payload: Form[AttachmentIn],
    file: File[UploadedFile],
    response: HttpResponse,
) -> Status[Attachment]:
    """``multipart/form-data``: ``file`` (PDF, PNG, JPEG, .docx or .xlsx, judged by its
    content; its extension must agree) and optionally ``note_id``, a note of this client."""
    client = access_client(request.user, client_id, write=True, audit=False)
    require_whole_record(client)
    note = None
    if payload.note_id is not None:
        note = access_note(request.user, payload.note_id, audit=False)
        if note.client_id != client.pk:
            raise NotFound("note")
    attachment = attachment_add(
        actor=request.user, client=client, upload=file, name=file.name or "", note=note
    )
    response["Location"] = f"/api/v1/attachments/{attachment.pk}/content"
    return Status(201, attachment)


@router.get(
    "/attachments/{attachment_id}/content",
    response={200: None},
    operation_id="attachments_download",
    summary="Download a file (audited)",
    openapi_extra=DOCUMENT_DOWNLOAD,
)
def attachments_download(request: HttpRequest, attachment_id: Id) -> FileResponse:
    attachment = access_attachment(request.user, attachment_id)
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

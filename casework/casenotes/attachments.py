"""Attachments: checked by content (sniffed, then parsed), stored under random names.

A file is accepted only when its first bytes name a known type, its extension agrees, and
the matching parser reads it (Pillow for images, pypdf for PDF, the Office Open XML package
layout for .docx/.xlsx). The name the user gave becomes the title only; on disk or in the
bucket the file is ``<random>.<kind>``, so no client name and no ``../`` reaches a path.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.casenotes.models import Attachment, CaseNote
from casework.clients.models import Client, Enrollment
from casework.core.exceptions import PermissionDenied
from casework.core.uploads import MEDIA_TYPES, document_kind, random_name, upload_limit

OFFICE_TYPES = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
}


def media_type(kind: str) -> str:
    return MEDIA_TYPES.get(kind) or OFFICE_TYPES[kind][1]


def attachment_storage() -> Any:
    return storages["attachments"]


def _office_kind(data: bytes) -> str | None:
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, (part, _) in OFFICE_TYPES.items() if part in names), None)


def _parses(kind: str, data: bytes) -> bool:
    try:
        if kind in ("png", "jpg"):
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                return (image.format or "").lower() in ({"png"} if kind == "png" else {"jpeg"})
        if kind == "pdf":
            from pypdf import PdfReader

            return len(PdfReader(io.BytesIO(data)).pages) >= 1
    except Exception:
        return False
    return kind in OFFICE_TYPES


def check_upload(upload: IO[bytes], name: str) -> tuple[str, bytes]:
    """The file's kind and bytes, or ``ValidationError`` on ``file`` saying what is wrong."""
    size = getattr(upload, "size", None)
    limit = upload_limit()
    if size is not None and size > limit:
        raise ValidationError({"file": f"The file is larger than {limit // 1024} KB."})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": f"The file is larger than {limit // 1024} KB."})
    kind = document_kind(io.BytesIO(data)) or _office_kind(data)
    if kind is None:
        raise ValidationError(
            {"file": "Upload a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file."}
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EXTENSIONS[kind]:
        raise ValidationError(
            {
                "file": f"The content is {kind.upper()}, but the name ends "
                f"{'.' + extension if extension else 'without an extension'}."
            }
        )
    if not _parses(kind, data):
        raise ValidationError(
            {"file": f"The file could not be read as a {kind.upper()}; it may be damaged."}
        )
    return kind, data


def _title(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip()
    return (cleaned or "attachment")[:200]


@transaction.atomic
def attachment_add(
    *, actor: Any, client: Client, upload: IO[bytes], name: str, note: CaseNote | None = None
) -> Attachment:
    """Store a checked file on a client (in the note's program, or the actor's)."""
    program_id = note.program_id if note else _program_for(actor, client)
    if not access_for(actor).can_write_in_program(program_id, client.organization_id):
        raise PermissionDenied("You cannot add files in this program.")
    kind, data = check_upload(upload, name)
    stored = attachment_storage().save(random_name(kind), ContentFile(data))
    attachment = Attachment.objects.create(
        organization_id=client.organization_id,
        client=client,
        program_id=program_id,
        note=note,
        kind=kind,
        title=_title(name),
        stored_name=stored,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="attachment",
        target_id=attachment.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"kind": kind, "size": len(data), "note": note.pk if note else None},
    )
    return attachment


def _program_for(actor: Any, client: Client) -> int:
    access = access_for(actor)
    enrolled = Enrollment.objects.filter(
        client_id=client.pk, program_id__in=access.write_program_ids
    ).values_list("program_id", flat=True)
    program_id = next(iter(enrolled), None)
    if program_id is None:
        raise PermissionDenied("You do not work in a program this client is enrolled in.")
    return int(program_id)


def attachments_visible_on(client: Client) -> Any:
    """The files of a client loaded through ``access_client`` that its reader may open: the
    same rule as ``access_attachment`` (files on a note follow the note; files on the
    client are for the client's own staff)."""
    from casework.casenotes.permissions import STAFF_BASES, notes_visible_on

    rows = Attachment.objects.filter(client_id=client.pk)
    if client.access_basis in STAFF_BASES:
        return rows
    return rows.filter(note_id__in=notes_visible_on(client).values("pk"))


def attachments_list(*, actor: Any, client: Client, limit: int = 100) -> list[Attachment]:
    """The newest files of a client that ``actor`` may open, the list read audited with
    the ids shown (the web page and the API both list through here)."""
    rows = list(
        attachments_visible_on(client)
        .select_related("uploaded_by", "note")
        .order_by("-created_at", "-id")[:limit]
    )
    record(
        actor=actor,
        action=AuditAction.LIST,
        target_type="attachment_list",
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"attachment_ids": [a.pk for a in rows]},
    )
    return rows


def attachment_open(*, actor: Any, attachment: Attachment) -> IO[bytes]:
    """The stored file, opened for reading; the read is audited."""
    record(
        actor=actor,
        action=AuditAction.VIEW,
        target_type="attachment",
        target_id=attachment.pk,
        client_id=attachment.client_id,
        organization_id=attachment.organization_id,
    )
    return attachment_storage().open(attachment.stored_name, "rb")

"""Case notes over the API: drafts, signing, addenda, co-signature, search within a client.

Notes load only through ``access_note`` (the client gate, then the note's consent
category); a signed note answers any change with 409 and a problem document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.disclosure import DisclosureNoticeOut, notice_field, with_notice
from casework.api.lookups import program_for_caller
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import Id, InputSchema, PatchSchema, Text200
from casework.casenotes import services as notes
from casework.casenotes.models import CaseNote, NoteContactMethod, NoteType
from casework.casenotes.permissions import access_note, notes_visible_on
from casework.casenotes.search import search_notes
from casework.clients.models import ConsentCategory
from casework.clients.permissions import access_client
from casework.core.exceptions import Conflict

router = Router(tags=["case notes"])


class AddendumOut(Schema):
    id: int
    author_id: int
    text: str
    signature: str
    created_at: datetime


class CosignOut(Schema):
    note_id: int
    signature: str
    signed_at: datetime


class NoteOut(Schema):
    id: int
    version: int
    client_id: int
    program_id: int
    author_id: int
    note_type: NoteType
    category: str
    contact_method: NoteContactMethod
    service_at: datetime
    duration_minutes: int
    travel_minutes: int
    location: str
    sections: dict[str, str]
    goal_ids: list[int]
    task_id: int | None
    appointment_id: int | None
    referral_id: int | None
    crisis_event_id: int | None
    status: str
    signed_at: datetime | None
    signature: str
    late_entry: bool
    cosign_required: bool
    cosigned: bool = False
    units: int | None
    unit_rule: str
    service_code: str
    created_at: datetime
    updated_at: datetime
    disclosure_notice: DisclosureNoticeOut | None = notice_field()

    @staticmethod
    def resolve_cosigned(obj: CaseNote) -> bool:
        return hasattr(obj, "cosignature")


class NoteDetailOut(NoteOut):
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_addenda(obj: CaseNote) -> list[Any]:
        return list(obj.addenda.all())


class _NoteFields(InputSchema):
    category: ConsentCategory | None = None
    contact_method: NoteContactMethod | None = None
    service_at: datetime | None = Field(None, description="When the service happened.")
    duration_minutes: int | None = Field(None, ge=0, le=1440)
    travel_minutes: int | None = Field(None, ge=0, le=1440)
    location: Text200 | None = None
    sections: dict[str, str] | None = Field(
        None, description="Template section key to text; see the note type's template."
    )
    goal_ids: list[Id] | None = None
    task_id: Id | None = None
    appointment_id: Id | None = None
    referral_id: Id | None = None
    crisis_event_id: Id | None = None


class NoteCreateIn(_NoteFields):
    program_id: Id
    note_type: NoteType


class NotePatchIn(PatchSchema, _NoteFields):
    """Only the fields sent change; ``null`` unlinks a task, appointment, referral or crisis
    and is refused elsewhere (a note's text fields are never null)."""

    NULLABLE = frozenset({"task_id", "appointment_id", "referral_id", "crisis_event_id"})

    note_type: NoteType | None = None


class AddendumIn(InputSchema):
    text: str = Field(..., min_length=1, max_length=20000)


class NoteFilters(InputSchema, PageParams):
    q: str | None = Field(None, max_length=200, description="Words the notes must contain.")


@router.get(
    "/clients/{client_id}/notes",
    response=Page[NoteOut],
    operation_id="notes_list",
    summary="List or search a client's notes",
)
def notes_list(request: HttpRequest, client_id: Id, filters: Query[NoteFilters]) -> dict[str, Any]:
    client = access_client(request.user, client_id, audit=False)
    rows = notes_visible_on(client).select_related("cosignature").order_by("-service_at", "-id")
    rows = search_notes(rows, filters.q or "", client.pk)
    page = paginate(request, rows, filters)
    page["results"] = with_notice(page["results"], client)
    notes.note_list_record(
        actor=request.user,
        client=client,
        note_ids=[n.pk for n in page["results"]],
        query=filters.q or "",
    )
    return page


@router.post(
    "/clients/{client_id}/notes",
    response={201: NoteOut},
    operation_id="notes_create",
    summary="Start a draft note",
)
def notes_create(
    request: HttpRequest, client_id: Id, payload: NoteCreateIn, response: HttpResponse
) -> CaseNote:
    client = access_client(request.user, client_id, write=True, audit=False)
    program = program_for_caller(request.user, payload.program_id)
    data = payload.model_dump(exclude_none=True, exclude={"program_id"})
    note = notes.note_create(actor=request.user, client=client, program=program, data=data)
    set_etag(response, note)
    response["Location"] = f"/api/v1/notes/{note.pk}"
    return note


@router.get("/notes/{note_id}", response=NoteDetailOut, operation_id="notes_get")
def notes_get(request: HttpRequest, note_id: Id, response: HttpResponse) -> CaseNote:
    note = access_note(request.user, note_id)
    set_etag(response, note)
    return with_notice([note], note.client)[0]


@router.patch(
    "/notes/{note_id}",
    response=NoteOut,
    operation_id="notes_patch",
    summary="Change a draft (If-Match); a signed note answers 409",
)
def notes_patch(
    request: HttpRequest,
    note_id: Id,
    payload: NotePatchIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> CaseNote:
    note = access_note(request.user, note_id, write=True, audit=False)
    if note.is_signed:
        raise Conflict(notes.SIGNED_LOCKED)
    expected = require_if_match(if_match)
    check_version(note, expected)
    data = payload.model_dump(exclude_unset=True)
    note = notes.note_update_draft(
        actor=request.user, note=note, expected_version=expected, data=data
    )
    set_etag(response, note)
    return note


@router.post(
    "/notes/{note_id}/sign",
    response=NoteOut,
    operation_id="notes_sign",
    summary="Sign and lock a draft (If-Match optional)",
)
def notes_sign(
    request: HttpRequest,
    note_id: Id,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> CaseNote:
    note = access_note(request.user, note_id, write=True, audit=False)
    if if_match and if_match.strip() != "*":
        check_version(note, require_if_match(if_match))
    note = notes.note_sign(actor=request.user, note=note, expected_version=note.version)
    set_etag(response, note)
    return note


@router.post(
    "/notes/{note_id}/addenda",
    response={201: AddendumOut},
    operation_id="notes_addendum",
    summary="Add a dated addendum to a signed note",
)
def notes_addendum(request: HttpRequest, note_id: Id, payload: AddendumIn) -> Any:
    note = access_note(request.user, note_id, write=True, audit=False)
    return Status(201, notes.note_addendum_add(actor=request.user, note=note, text=payload.text))


@router.post(
    "/notes/{note_id}/cosign",
    response={201: CosignOut},
    operation_id="notes_cosign",
    summary="Co-sign a trainee's signed note",
)
def notes_cosign(request: HttpRequest, note_id: Id) -> Any:
    note = access_note(request.user, note_id, audit=False)
    cosign = notes.note_cosign(actor=request.user, note=note)
    return Status(
        201, {"note_id": note.pk, "signature": cosign.signature, "signed_at": cosign.signed_at}
    )

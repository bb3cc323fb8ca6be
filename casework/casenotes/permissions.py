"""The gate for case notes: through the client's gate, then the note's consent category.

A note the reader may not see (hidden client, or a category no consent of theirs opens) is
answered like a missing one. Partners reach no client here, so they never see a note.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.casenotes.models import CaseNote, NoteQuerySet
from casework.clients.models import Client
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, PermissionDenied

# Access bases of the client's own staff (and emergency access): they see the whole record.
STAFF_BASES = ("program", "organization", "break_glass")


def notes_visible_on(client: Client) -> NoteQuerySet:
    """The notes of a client loaded through ``access_client`` that its reader may read.

    Staff of the client's programs see every note; a consent recipient sees signed notes of
    the categories their consents release (drafts are the author's working copy).
    """
    notes = CaseNote.objects.filter(client_id=client.pk)
    if client.access_basis in STAFF_BASES:
        return notes
    return notes.filter(status="signed", category__in=sorted(client.access_categories))


def can_write_notes(user: Any, program_id: int, organization_id: int) -> bool:
    return access_for(user).can_write_in_program(program_id, organization_id)


def access_note(user: Any, note_id: object, *, write: bool = False, audit: bool = True) -> CaseNote:
    """A note the user may read (and, with ``write``, add to); NotFound when hidden or missing.

    ``note.client`` is the gated client. Reads are audited as a view of the note.
    """
    try:
        pk = int(str(note_id))
    except ValueError:
        raise NotFound("note") from None
    client_id = CaseNote.objects.filter(pk=pk).values_list("client_id", flat=True).first()
    if client_id is None:
        raise NotFound("note")
    client = access_client(user, client_id, audit=False)
    note = notes_visible_on(client).filter(pk=pk).select_related("author", "program").first()
    if note is None:
        raise NotFound("note")
    note.client = client
    if write and not can_write_notes(user, note.program_id, note.organization_id):
        raise PermissionDenied("You can read this note but not add to it.")
    if audit:
        record(
            actor=user,
            action=AuditAction.VIEW,
            target_type="case_note",
            target_id=pk,
            client_id=client.pk,
            organization_id=client.organization_id,
        )
    return note


def notes_to_cosign(user: Any) -> NoteQuerySet:
    """Signed trainee notes waiting for this supervisor (program supervisor or instructor)."""
    access = access_for(user)
    return (
        CaseNote.objects.awaiting_cosign()
        .filter(Q(program_id__in=access.supervised_program_ids))
        .exclude(author_id=access.user_id)
    )


def access_attachment(user: Any, attachment_id: object) -> Any:
    """An attachment the user may open: through the client's gate; files on a note follow
    the note's visibility, files on the client are for the client's own staff only."""
    from casework.casenotes.models import Attachment

    try:
        pk = int(str(attachment_id))
    except ValueError:
        raise NotFound("attachment") from None
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise NotFound("attachment")
    client = access_client(user, attachment.client_id, audit=False)
    if attachment.note_id is not None:
        if not notes_visible_on(client).filter(pk=attachment.note_id).exists():
            raise NotFound("attachment")
    elif client.access_basis not in STAFF_BASES:
        raise NotFound("attachment")
    attachment.client = client
    return attachment

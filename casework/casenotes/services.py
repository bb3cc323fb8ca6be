"""Every change to case notes: draft, autosave, sign, co-sign, addendum; each audited.

Signing is final. A signed note's row is never written again (the service answers
:class:`Conflict`, and the database refuses it too); what follows is an addendum or a
co-signature, each its own append-only row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Program, Role
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.casenotes.billing import billable_units
from casework.casenotes.models import (
    TEMPLATES,
    CaseNote,
    NoteAddendum,
    NoteContactMethod,
    NoteCosignature,
    NoteStatus,
    NoteType,
    ProgramBilling,
    UnitRule,
)
from casework.clients.models import Client, ConsentCategory, Enrollment
from casework.core.concurrency import save_versioned
from casework.core.exceptions import Conflict, PermissionDenied

EDITABLE = (
    "note_type",
    "category",
    "contact_method",
    "service_at",
    "duration_minutes",
    "travel_minutes",
    "location",
    "sections",
    "goal_ids",
    "task_id",
    "appointment_id",
    "referral_id",
    "crisis_event_id",
)
SIGNED_LOCKED = "This note is signed and locked; add a dated addendum instead."
# Contacts that are a billable service (collateral and supervision notes are not billed).
BILLED_TYPES = frozenset(
    {NoteType.SOAP, NoteType.DAP, NoteType.BIRP, NoteType.GIRP, NoteType.CONTACT}
)
DEFAULT_CATEGORY = {"mental_health": ConsentCategory.MENTAL_HEALTH}


def late_entry_after() -> timedelta:
    """How long after the service a signature marks the note a late entry.

    CMS sets no fixed deadline; "a couple of days" is the common expectation, so 48 hours
    unless ``CASEWORK_LATE_ENTRY_HOURS`` says otherwise.
    """
    return timedelta(hours=int(getattr(settings, "CASEWORK_LATE_ENTRY_HOURS", 48)))


def _audit(actor: Any, action: str, note: CaseNote, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type="case_note",
        target_id=note.pk,
        client_id=note.client_id,
        organization_id=note.organization_id,
        **extra,
    )


def _check_program(actor: Any, client: Client, program: Program) -> None:
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot write notes in {program.name}.")
    if not Enrollment.objects.filter(client_id=client.pk, program_id=program.pk).exists():
        raise ValidationError({"program": "The client is not enrolled in this program."})


def plan_goals(client_id: int) -> list[tuple[int, str]]:
    """(goal id, text) of the goals in the latest version of each of the client's plans."""
    from casework.plans.models import Goal, PlanVersion

    latest = {}
    for version in PlanVersion.objects.filter(plan__client_id=client_id).order_by("number"):
        latest[version.plan_id] = version.pk
    goals = Goal.objects.filter(version_id__in=list(latest.values())).order_by("id")
    return [(g.pk, (g.measurable or g.client_words or f"Goal {g.pk}")[:120]) for g in goals]


def _check_goals(client_id: int, goal_ids: Any) -> list[int]:
    from casework.plans.models import Goal

    ids = sorted({int(g) for g in goal_ids or []})
    known = set(
        Goal.objects.filter(pk__in=ids, version__plan__client_id=client_id).values_list(
            "pk", flat=True
        )
    )
    if set(ids) - known:
        raise ValidationError({"goal_ids": "Link only goals of this client's service plan."})
    return ids


def _clean_data(data: Mapping[str, Any], note_type: str) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    clean = dict(data)
    if "sections" in clean:
        keys = {key for key, _h, _p in TEMPLATES.get(note_type, ())}
        sections = clean["sections"] or {}
        if not isinstance(sections, dict) or set(sections) - keys:
            extra = sorted(set(sections) - keys) if isinstance(sections, dict) else []
            raise ValidationError({"sections": f"Not part of this note type: {extra}."})
        clean["sections"] = {k: str(v) for k, v in sections.items()}
    service_at = clean.get("service_at")
    if service_at is not None and service_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"service_at": "The service cannot be in the future."})
    return clean


@transaction.atomic
def note_create(
    *, actor: Any, client: Client, program: Program, data: Mapping[str, Any]
) -> CaseNote:
    """Start a draft note by ``actor`` on a client of ``program``."""
    _check_program(actor, client, program)
    note_type = data.get("note_type", "")
    if note_type not in NoteType.values:
        raise ValidationError({"note_type": "Choose a note type."})
    clean = _clean_data(data, note_type)
    if "goal_ids" in clean:
        clean["goal_ids"] = _check_goals(client.pk, clean["goal_ids"])
    clean.setdefault("category", DEFAULT_CATEGORY.get(program.practice_area, "general"))
    clean.setdefault("service_at", timezone.now())
    clean.setdefault("contact_method", NoteContactMethod.FACE_TO_FACE)
    note = CaseNote(
        organization_id=client.organization_id,
        client=client,
        program=program,
        author=actor,
        **clean,
    )
    note.full_clean()
    note.save()
    _audit(actor, AuditAction.CREATE, note, changes=diff({}, snapshot(note, EDITABLE)))
    return note


@transaction.atomic
def note_update_draft(
    *, actor: Any, note: CaseNote, expected_version: int, data: Mapping[str, Any]
) -> CaseNote:
    """Change a draft (autosave included); only its author may, and never after signing."""
    if note.is_signed:
        raise Conflict(SIGNED_LOCKED)
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the note's author can change a draft.")
    clean = _clean_data(data, data.get("note_type", note.note_type))
    if "goal_ids" in clean:
        clean["goal_ids"] = _check_goals(note.client_id, clean["goal_ids"])
    before = snapshot(note, EDITABLE)
    for name, value in clean.items():
        setattr(note, name, value)
    note.full_clean()
    changes = diff(before, snapshot(note, EDITABLE))
    if not changes:
        return note
    note.search_text = note.joined_text()
    save_versioned(note, expected_version=expected_version, fields=[*clean, "search_text"])
    _audit(actor, AuditAction.UPDATE, note, changes=changes)
    return note


def needs_cosignature(author: Any, on: date) -> bool:
    """Whether a note by ``author`` on day ``on`` needs a supervisor's co-signature.

    The rule: the author is an intern or trainee, i.e. has a practicum (a field placement,
    recorded in the workforce credentials) that is running on the day of the service.
    Licensure is not checked here: a licensed worker in a placement still co-signs.
    """
    from casework.workforce.models import Practicum

    return (
        Practicum.objects.filter(user_id=author.pk, started_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))
        .exists()
    )


def _signature(user: Any, when: Any) -> str:
    local = timezone.localtime(when)
    return f"Electronically signed by {user.full_name or user.email} on {local:%Y-%m-%d %H:%M %Z}"


def _sign_errors(note: CaseNote) -> dict[str, str]:
    errors: dict[str, str] = {}
    for key, heading, _prompt in TEMPLATES[note.note_type]:
        if not str(note.sections.get(key, "")).strip():
            errors[f"sections.{key}"] = f"Write the {heading} section before signing."
    if note.note_type in BILLED_TYPES and note.duration_minutes <= 0:
        errors["duration_minutes"] = "Record how long the contact took before signing."
    return errors


def program_billing(program_id: int) -> tuple[str, str, str]:
    """(unit rule, service code, face-to-face modifier) of a program.

    Without a billing row a program bills T1016 under the CMS 8-minute rule.
    """
    row = ProgramBilling.objects.filter(program_id=program_id).first()
    if row is None:
        return UnitRule.MEDICARE_TOTAL_TIME, "T1016", ""
    return row.unit_rule, row.service_code, row.face_to_face_modifier


@transaction.atomic
def note_sign(*, actor: Any, note: CaseNote, expected_version: int) -> CaseNote:
    """Sign and lock the author's draft: signature, late-entry mark, units and co-sign need."""
    if note.is_signed:
        raise Conflict("This note is already signed.")
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the note's author can sign it.")
    errors = _sign_errors(note)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    rule, code, modifier = program_billing(note.program_id)
    billed = note.note_type in BILLED_TYPES
    note.status = NoteStatus.SIGNED
    note.signed_at = now
    note.signature = _signature(actor, now)
    note.late_entry = now - note.service_at > late_entry_after()
    note.cosign_required = needs_cosignature(actor, timezone.localtime(note.service_at).date())
    note.units = billable_units(note.duration_minutes, rule) if billed else 0
    note.unit_rule = rule if billed else ""
    face_to_face = note.contact_method == NoteContactMethod.FACE_TO_FACE
    note.service_code = (
        (f"{code}-{modifier}" if modifier and face_to_face else code) if billed else ""
    )
    fields = ["status", "signed_at", "signature", "late_entry", "cosign_required", "units"]
    save_versioned(
        note, expected_version=expected_version, fields=[*fields, "unit_rule", "service_code"]
    )
    _audit(
        actor,
        AuditAction.UPDATE,
        note,
        changes={"status": ["draft", "signed"]},
        details={"late_entry": note.late_entry, "units": note.units, "rule": note.unit_rule},
    )
    return note


@transaction.atomic
def note_addendum_add(*, actor: Any, note: CaseNote, text: str) -> NoteAddendum:
    """Add a dated, signed addendum to a signed note (a draft is simply edited)."""
    if not note.is_signed:
        raise Conflict("Addenda are for signed notes; edit the draft instead.")
    if not access_for(actor).can_write_in_program(note.program_id, note.organization_id):
        raise PermissionDenied("You cannot add to notes in this program.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the addendum."})
    now = timezone.now()
    addendum = NoteAddendum(note=note, author=actor, text=text, signature=_signature(actor, now))
    addendum.created_at = now
    addendum.full_clean()
    addendum.save()
    _audit(actor, AuditAction.CREATE, note, details={"addendum": addendum.pk})
    return addendum


def can_cosign(user: Any, note: CaseNote) -> bool:
    """A supervisor of the note's program or the author's field instructor; never the author."""
    if user.pk == note.author_id:
        return False
    if access_for(user).has_program_role(note.program_id, Role.SUPERVISOR):
        return True
    from casework.workforce.models import Practicum

    return Practicum.objects.filter(user_id=note.author_id, field_instructor_id=user.pk).exists()


@transaction.atomic
def note_cosign(*, actor: Any, note: CaseNote) -> NoteCosignature:
    """Record a supervisor's co-signature of a signed trainee note (once)."""
    if not note.is_signed or not note.cosign_required:
        raise Conflict("This note does not need a co-signature.")
    if NoteCosignature.objects.filter(note=note).exists():
        raise Conflict("This note is already co-signed.")
    if not can_cosign(actor, note):
        raise PermissionDenied(
            "Only the program's supervisor or the author's field instructor can co-sign."
        )
    now = timezone.now()
    cosign = NoteCosignature(note=note, supervisor=actor, signature=_signature(actor, now))
    cosign.signed_at = now
    cosign.save()
    _audit(actor, AuditAction.UPDATE, note, details={"cosigned": True})
    return cosign


def note_list_record(*, actor: Any, client: Client, note_ids: list[int], query: str = "") -> None:
    """Audit a list or search of a client's notes: which notes were shown, for what query."""
    record(
        actor=actor,
        action=AuditAction.SEARCH if query else AuditAction.LIST,
        target_type="case_note_list",
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"note_ids": note_ids, "query": query} if query else {"note_ids": note_ids},
    )

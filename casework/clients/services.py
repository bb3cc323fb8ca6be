"""Every change to clients and enrollments, each audited in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.accounts.access import access_for
from casework.accounts.models import Program, User
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.assignment import (
    check_initial_case_manager,
    tell_new_enrollment,
)
from casework.clients.models import Client, ClosureReason, Enrollment, EnrollmentStatus
from casework.clients.models.client import SEARCH_KEY_FIELDS
from casework.clients.permissions import check_can_take_in, list_disclosures_record
from casework.clients.record_services import record_sync_contact_fields
from casework.core.concurrency import save_versioned
from casework.core.exceptions import PermissionDenied

ENROLLMENT_FIELDS = ("status", "start_date", "end_date", "primary_case_manager_id")
CLIENT_FIELDS = (*Client.EDITABLE_FIELDS, *Client.PROFILE_FIELDS)
CONTACT_FIELDS = frozenset({"phone", "email", *Client.ADDRESS_FIELDS})
ENROLLMENT_EDITABLE = frozenset(
    {
        "status",
        "start_date",
        "end_date",
        "primary_case_manager",
        "closure_reason",
        "closure_note",
        "destination",
    }
)
LIFECYCLE_FIELDS = (
    "status",
    "end_date",
    "waitlisted_at",
    "closure_reason",
    "closure_note",
    "destination",
)


def _check_program_write(actor: Any, program: Program) -> None:
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot enroll clients in {program.name}.")


@transaction.atomic
def client_create(
    *,
    actor: Any,
    program: Program,
    data: Mapping[str, Any],
    primary_case_manager: User | None = None,
    enrollment_status: str = EnrollmentStatus.ACTIVE,
    start_date: date | None = None,
) -> Client:
    """Create a client and enroll them in ``program`` (a client is always in some program)."""
    _check_program_write(actor, program)
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    client = Client(organization_id=program.organization_id, created_by=actor, **data)
    client.full_clean()
    client.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="client",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes=diff({}, snapshot(client, CLIENT_FIELDS)),
    )
    enrollment_create(
        actor=actor,
        client=client,
        program=program,
        status=enrollment_status,
        start_date=start_date,
        primary_case_manager=primary_case_manager,
    )
    record_sync_contact_fields(actor=actor, client=client)
    return client


@transaction.atomic
def client_update(
    *, actor: Any, client: Client, expected_version: int, data: Mapping[str, Any]
) -> Client:
    """Apply ``data`` if nobody saved since ``expected_version``; raises ``StaleVersion``."""
    unknown = set(data) - set(CLIENT_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    before = snapshot(client, CLIENT_FIELDS)
    for name, value in data.items():
        setattr(client, name, value)
    client.full_clean()
    client.refresh_search_keys()
    changes = diff(before, snapshot(client, CLIENT_FIELDS))
    if not changes:
        return client
    fields = [*data.keys(), *SEARCH_KEY_FIELDS]
    save_versioned(client, expected_version=expected_version, fields=fields)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="client",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes=changes,
    )
    if CONTACT_FIELDS & set(changes):
        record_sync_contact_fields(actor=actor, client=client)
    return client


@transaction.atomic
def enrollment_create(
    *,
    actor: Any,
    client: Client,
    program: Program,
    status: str = EnrollmentStatus.ACTIVE,
    start_date: date | None = None,
    primary_case_manager: User | None = None,
) -> Enrollment:
    _check_program_write(actor, program)
    if program.organization_id != client.organization_id:
        raise ValidationError({"program": "The program belongs to another organization."})
    check_can_take_in(actor, client)
    check_initial_case_manager(actor, program, primary_case_manager)
    if Enrollment.objects.open().filter(client=client, program=program).exists():
        raise ValidationError({"program": f"The client is already enrolled in {program.name}."})
    enrollment = Enrollment(
        organization_id=client.organization_id,
        client=client,
        program=program,
        status=status,
        primary_case_manager=primary_case_manager,
        created_by=actor,
    )
    if start_date is not None:
        enrollment.start_date = start_date
    if status == EnrollmentStatus.WAITLISTED:
        from django.utils import timezone

        enrollment.waitlisted_at = timezone.now()
    enrollment.full_clean()
    enrollment.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="enrollment",
        target_id=enrollment.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes=diff({}, snapshot(enrollment, ("program_id", *ENROLLMENT_FIELDS))),
    )
    tell_new_enrollment(actor, enrollment)
    return enrollment


@transaction.atomic
def enrollment_update(
    *, actor: Any, enrollment: Enrollment, expected_version: int, data: Mapping[str, Any]
) -> Enrollment:
    """Change an enrollment; a status change must be an allowed lifecycle move."""
    unknown = set(data) - ENROLLMENT_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    _check_program_write(actor, enrollment.program)
    new_status = data.get("status", enrollment.status)
    if new_status != enrollment.status:
        errors = _transition_errors(
            enrollment, new_status, data.get("closure_reason", ""), data.get("destination")
        )
        if errors:
            raise ValidationError(errors)
    if "primary_case_manager" in data:
        _refuse_case_manager_change(enrollment, data["primary_case_manager"])
    before = snapshot(enrollment, ENROLLMENT_FIELDS + LIFECYCLE_FIELDS)
    for name, value in data.items():
        setattr(enrollment, name, value)
    _stamp_status(enrollment, before["status"])
    enrollment.full_clean()
    changes = diff(before, snapshot(enrollment, ENROLLMENT_FIELDS + LIFECYCLE_FIELDS))
    if not changes:
        return enrollment
    fields = sorted(ENROLLMENT_EDITABLE | {"waitlisted_at", "end_date"})
    save_versioned(enrollment, expected_version=expected_version, fields=fields)
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="enrollment",
        target_id=enrollment.pk,
        client_id=enrollment.client_id,
        organization_id=enrollment.organization_id,
        changes=changes,
    )
    if enrollment.status == EnrollmentStatus.CLOSED and before["status"] != EnrollmentStatus.CLOSED:
        from casework.clients.consent_events import consent_events_on_enrollment_closed

        consent_events_on_enrollment_closed(actor=actor, enrollment=enrollment)
    return enrollment


def _refuse_case_manager_change(enrollment: Enrollment, case_manager: User | None) -> None:
    new_id = case_manager.pk if case_manager is not None else None
    if new_id != enrollment.primary_case_manager_id:
        raise ValidationError(
            {
                "primary_case_manager": "Change the case manager with its own action, which "
                "records the reason and tells both case managers."
            }
        )


def _stamp_status(enrollment: Enrollment, old_status: str) -> None:
    from django.utils import timezone

    if enrollment.status == old_status:
        return
    if enrollment.status == EnrollmentStatus.WAITLISTED:
        enrollment.waitlisted_at = timezone.now()
    if enrollment.status == EnrollmentStatus.CLOSED and enrollment.end_date is None:
        enrollment.end_date = max(timezone.localdate(), enrollment.start_date)


def client_list_record(*, actor: Any, clients: Iterable[Client], query: Mapping[str, Any]) -> None:
    """Audit a list or search page: which clients were shown, for which query; a client
    shown through a consent or emergency access is also accounted as a disclosure."""
    clients = list(clients)
    shown = [c.pk for c in clients]
    org_ids = {c.organization_id for c in clients}
    searched = any(query.values())
    event = record(
        actor=actor,
        action=AuditAction.SEARCH if searched else AuditAction.LIST,
        target_type="client_list",
        organization_id=org_ids.pop() if len(org_ids) == 1 else None,
        details={"client_ids": shown, "query": {k: v for k, v in query.items() if v}},
    )
    list_disclosures_record(
        actor=actor,
        clients=clients,
        what="client search" if searched else "client list",
        audit_event=event,
    )


# Allowed moves of the enrollment lifecycle; closed is final (re-enrolling opens a new row,
# so the history of every episode is kept).
TRANSITIONS: dict[str, frozenset[str]] = {
    EnrollmentStatus.REFERRED: frozenset({"waitlisted", "active", "closed"}),
    EnrollmentStatus.WAITLISTED: frozenset({"active", "closed"}),
    EnrollmentStatus.ACTIVE: frozenset({"on_hold", "closed"}),
    EnrollmentStatus.ON_HOLD: frozenset({"active", "closed"}),
    EnrollmentStatus.CLOSED: frozenset(),
}


def allowed_moves(status: str) -> list[EnrollmentStatus]:
    """The statuses an enrollment in ``status`` may move to, in lifecycle order."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [s for s in EnrollmentStatus if s.value in allowed]


def allowed_moves_text(status: str) -> str:
    """The rule in the words people read, e.g. "An active enrollment can move to On hold
    or Closed." (labels, never codes)."""
    label = EnrollmentStatus(status).label.lower() if status in EnrollmentStatus.values else status
    article = "An" if label[:1] in "aeiou" else "A"
    moves = [str(s.label) for s in allowed_moves(status)]
    if not moves:
        return f"{article} {label} enrollment is final; enroll the client again instead."
    listed = moves[0] if len(moves) == 1 else f"{', '.join(moves[:-1])} or {moves[-1]}"
    return f"{article} {label} enrollment can move to {listed}."


def _transition_errors(enrollment: Enrollment, to: str, reason: str, destination: Any) -> dict:
    if to not in TRANSITIONS.get(enrollment.status, frozenset()):
        return {"status": allowed_moves_text(enrollment.status)}
    errors: dict[str, str] = {}
    if to == EnrollmentStatus.CLOSED:
        if reason not in ClosureReason.values:
            errors["closure_reason"] = "Choose why the enrollment is closing."
        housing = enrollment.program.practice_area == "social_services"
        if housing and destination is None:
            errors["destination"] = "Housing programs record where the client went (HMIS 3.12)."
    return errors


def enrollment_transition(
    *,
    actor: Any,
    enrollment: Enrollment,
    expected_version: int,
    to: str,
    closure_reason: str = "",
    closure_note: str = "",
    destination: int | None = None,
    on: date | None = None,
) -> Enrollment:
    """Move an enrollment along its lifecycle (referred, waitlisted, active, on hold, closed)."""
    data: dict[str, Any] = {"status": to}
    if to == EnrollmentStatus.CLOSED:
        from django.utils import timezone

        if on is not None and on < enrollment.start_date:
            raise ValidationError(
                {
                    "end_date": f"The enrollment started on {enrollment.start_date:%Y-%m-%d}; "
                    "it cannot close before that."
                }
            )
        data |= {
            "closure_reason": closure_reason,
            "closure_note": closure_note[:300],
            "destination": destination,
            "end_date": on or max(timezone.localdate(), enrollment.start_date),
        }
    return enrollment_update(
        actor=actor, enrollment=enrollment, expected_version=expected_version, data=data
    )

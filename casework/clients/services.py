"""Every change to clients and enrollments, each audited in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.accounts.access import access_for
from casework.accounts.models import Program, Role, User
from casework.accounts.policies import assignment_refusals
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.models import Client, Enrollment, EnrollmentStatus
from casework.core.concurrency import save_versioned
from casework.core.exceptions import PermissionDenied

CASE_MANAGER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_ADMIN)
ENROLLMENT_FIELDS = ("status", "start_date", "end_date", "primary_case_manager_id")
CLIENT_FIELDS = (*Client.EDITABLE_FIELDS, *Client.PROFILE_FIELDS)


def _check_program_write(actor: Any, program: Program) -> None:
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot enroll clients in {program.name}.")


def _check_case_manager(program: Program, user: User | None) -> None:
    if user is None:
        return
    holds = (
        user.is_active
        and user.memberships.active().filter(program=program, role__in=CASE_MANAGER_ROLES).exists()
    )
    if not holds:
        raise ValidationError(
            {"primary_case_manager": f"{user} is not a case manager in {program.name}."}
        )
    refusals = assignment_refusals(
        user=user, program=program, role=Role.CASE_MANAGER, purpose="client"
    )
    if refusals:
        raise ValidationError({"primary_case_manager": refusals})


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
    fields = [*data.keys(), "family_name_key", "given_name_key", "preferred_name_key"]
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
    _check_case_manager(program, primary_case_manager)
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
    return enrollment


@transaction.atomic
def enrollment_update(
    *, actor: Any, enrollment: Enrollment, expected_version: int, data: Mapping[str, Any]
) -> Enrollment:
    allowed = {"status", "start_date", "end_date", "primary_case_manager"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))
    _check_program_write(actor, enrollment.program)
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    for name, value in data.items():
        setattr(enrollment, name, value)
    if "primary_case_manager" in data:
        _check_case_manager(enrollment.program, data["primary_case_manager"])
    if enrollment.status == EnrollmentStatus.CLOSED and enrollment.end_date is None:
        from django.utils import timezone

        enrollment.end_date = max(timezone.localdate(), enrollment.start_date)
    enrollment.full_clean()
    changes = diff(before, snapshot(enrollment, ENROLLMENT_FIELDS))
    if not changes:
        return enrollment
    fields = ["status", "start_date", "end_date", "primary_case_manager"]
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
    return enrollment


def client_list_record(*, actor: Any, clients: Iterable[Client], query: Mapping[str, Any]) -> None:
    """Audit a list or search page: which clients were shown, for which query."""
    shown = [c.pk for c in clients]
    org_ids = {c.organization_id for c in clients}
    record(
        actor=actor,
        action=AuditAction.SEARCH if any(query.values()) else AuditAction.LIST,
        target_type="client_list",
        organization_id=org_ids.pop() if len(org_ids) == 1 else None,
        details={"client_ids": shown, "query": {k: v for k, v in query.items() if v}},
    )

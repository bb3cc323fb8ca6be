"""The gate for client records: the only way ``web`` and ``api`` load a client.

A client the user may not see is answered exactly like one that does not exist (404), and
the attempt is audited. A client the user may see but not change (an auditor) gives 403.
"""

from __future__ import annotations

from typing import Any

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Client, Enrollment
from casework.core.exceptions import NotFound, PermissionDenied


def can_write_client(user: Any, client: Client) -> bool:
    access = access_for(user)
    if client.organization_id in access.admin_org_ids:
        return True
    writable = access.write_program_ids
    if not writable:
        return False
    return Enrollment.objects.filter(client_id=client.pk, program_id__in=writable).exists()


def _deny(user: Any, client_id: object, reason: str) -> None:
    existing = Client.objects.filter(pk=client_id).values_list("organization_id", flat=True).first()
    record(
        actor=user,
        action=AuditAction.DENIED,
        target_type="client",
        target_id=client_id,
        client_id=int(str(client_id)) if existing is not None else None,
        organization_id=existing,
        details={"reason": reason},
    )


def access_client(
    user: Any, client_id: object, *, write: bool = False, audit: bool = True
) -> Client:
    """Load a client the user may see (and, with ``write``, change).

    Reads are audited as a view unless ``audit=False`` (the caller records a more specific
    event). Raises :class:`NotFound` for missing *and* hidden clients, and
    :class:`PermissionDenied` when the client is visible but ``write`` is not allowed.
    """
    try:
        pk = int(str(client_id))
    except ValueError:
        raise NotFound("client") from None
    client = Client.objects.visible_to(user).select_related("organization").filter(pk=pk).first()
    if client is None:
        _deny(user, pk, "not visible")
        raise NotFound("client")
    if write:
        if not can_write_client(user, client):
            _deny(user, pk, "read-only access")
            raise PermissionDenied("You can view this client but not change it.")
    elif audit:
        record(
            actor=user,
            action=AuditAction.VIEW,
            target_type="client",
            target_id=pk,
            client_id=pk,
            organization_id=client.organization_id,
        )
    return client


def access_enrollment(user: Any, enrollment_id: object, *, write: bool = False) -> Enrollment:
    try:
        pk = int(str(enrollment_id))
    except ValueError:
        raise NotFound("enrollment") from None
    enrollment = Enrollment.objects.select_related("program", "client").filter(pk=pk).first()
    if enrollment is None:
        raise NotFound("enrollment")
    access_client(user, enrollment.client_id, write=write, audit=False)
    if write and not access_for(user).can_write_in_program(
        enrollment.program_id, enrollment.organization_id
    ):
        raise PermissionDenied("You cannot change enrollments in this program.")
    return enrollment


def programs_for_new_client(user: Any) -> list[int]:
    """Programs in which the user may create (and so enroll) a client."""
    access = access_for(user)
    from casework.accounts.models import Program

    ids = set(access.write_program_ids)
    if access.admin_org_ids:
        ids |= set(
            Program.objects.filter(
                organization_id__in=access.admin_org_ids, is_active=True
            ).values_list("pk", flat=True)
        )
    return sorted(ids)

"""A client's care team: staff members and outside people, and the consent check that
decides whether anything may be shared with an outsider.

Staff of the client's programs reach the record through the access gate already; an
outside member (a landlord, a probation officer, a psychiatrist elsewhere) may receive
information only under a consent in force whose recipient names them (person or agency).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.models import CareTeamMember, CareTeamRole
from casework.clients.models import Client, Consent, Enrollment
from casework.core.exceptions import Conflict, PermissionDenied

EXTERNAL_FIELDS = ("name", "agency", "phone", "email")


def _check_writer(actor: Any, client: Client) -> None:
    access = access_for(actor)
    writable = Enrollment.objects.filter(
        client_id=client.pk, program_id__in=access.write_program_ids
    ).exists()
    if not (writable or client.organization_id in access.admin_org_ids):
        raise PermissionDenied("You cannot change this client's care team.")


@transaction.atomic
def care_team_add(
    *, actor: Any, client: Client, role: str, data: Mapping[str, Any], user: Any = None
) -> CareTeamMember:
    """Add a staff member (``user``, who must work in one of the client's programs) or an
    outside person (``data``: name, agency, phone, email)."""
    _check_writer(actor, client)
    if role not in CareTeamRole.values:
        raise ValidationError({"role": "Choose a role."})
    if user is not None:
        programs = Enrollment.objects.filter(client_id=client.pk).values_list(
            "program_id", flat=True
        )
        if not set(programs) & set(access_for(user).program_ids):
            raise ValidationError({"user": f"{user} does not work in this client's programs."})
    member = CareTeamMember(
        organization_id=client.organization_id,
        client=client,
        role=role,
        user=user,
        added_by=actor,
        **{k: str(data.get(k, "")).strip() for k in EXTERNAL_FIELDS},
    )
    member.full_clean()
    member.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="care_team_member",
        target_id=member.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"role": role, "external": member.external},
    )
    return member


@transaction.atomic
def care_team_end(*, actor: Any, member: CareTeamMember) -> CareTeamMember:
    _check_writer(actor, member.client)
    if member.ended_at is not None:
        raise Conflict("This person has already left the care team.")
    member.ended_at = timezone.now()
    member.save(update_fields=["ended_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="care_team_member",
        target_id=member.pk,
        client_id=member.client_id,
        organization_id=member.organization_id,
        changes={"ended_at": [None, member.ended_at]},
    )
    return member


def sharing_consent(member: CareTeamMember) -> Consent | None:
    """The consent in force that lets the agency share with this outside member, if any:
    its recipient names the member (person) or the member's agency. Staff need none."""
    if not member.external:
        return None
    consents = Consent.objects.in_force().filter(client_id=member.client_id)
    for consent in consents.select_related("recipient_organization"):
        names = {consent.recipient_name.strip().lower()}
        if consent.recipient_organization is not None:
            names.add(consent.recipient_organization.name.strip().lower())
        wanted = {member.name.strip().lower(), member.agency.strip().lower()} - {""}
        if names & wanted:
            return consent
    return None


def check_may_share(member: CareTeamMember) -> Consent | None:
    """Refuse to share with an outside member no consent covers (``PermissionDenied``)."""
    if not member.external:
        return None
    consent = sharing_consent(member)
    if consent is None:
        raise PermissionDenied(
            f"No consent in force lets you share with {member.name or member.agency}; "
            "record the client's consent first."
        )
    return consent

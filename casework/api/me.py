"""``GET /me``: who the caller is, where they hold roles, and how they signed in."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from casework.accounts.access import UserAccess, access_for
from casework.accounts.models import Organization, Program, Role
from casework.api.auth import request_token

router = Router(tags=["me"])


class MeOrganizationOut(Schema):
    id: int
    name: str
    kind: str
    roles: list[str]


class MeProgramOut(Schema):
    id: int
    name: str
    practice_area: str
    organization_id: int
    roles: list[str]


class MeTokenOut(Schema):
    name: str
    prefix: str
    read_only: bool
    expires_at: datetime | None


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    auth: str
    roles: list[str]
    organizations: list[MeOrganizationOut]
    programs: list[MeProgramOut]
    token: MeTokenOut | None


def _organization_roles(access: UserAccess, org_id: int) -> list[str]:
    held = (
        (Role.ORG_ADMIN, access.admin_org_ids),
        (Role.AUDITOR, access.auditor_org_ids),
        (Role.PARTNER, access.partner_org_ids),
    )
    return [str(role) for role, org_ids in held if org_id in org_ids]


@router.get("/me", response=MeOut, summary="The signed-in user, their roles and token")
def me_get(request: HttpRequest) -> dict[str, object]:
    """The caller's organizations and programs with the roles held in each.

    ``auth`` is ``token`` or ``session``; ``token`` describes the API token used, if any.
    """
    user = request.user
    access = access_for(user)
    organizations = Organization.objects.filter(pk__in=access.organization_ids)
    programs = Program.objects.filter(pk__in=access.program_ids)
    token = request_token(request)
    return {
        "id": user.pk,
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "auth": "token" if token else "session",
        "roles": sorted(access.roles()),
        "organizations": [
            {
                "id": org.pk,
                "name": org.name,
                "kind": org.kind,
                "roles": _organization_roles(access, org.pk),
            }
            for org in organizations
        ],
        "programs": [
            {
                "id": program.pk,
                "name": program.name,
                "practice_area": program.practice_area,
                "organization_id": program.organization_id,
                "roles": sorted(access.program_roles.get(program.pk, ())),
            }
            for program in programs
        ],
        "token": token,
    }

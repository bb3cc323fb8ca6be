"""``GET /programs``: the programs the caller works in (org admins and auditors: all of theirs)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from casework.accounts.access import access_for
from casework.accounts.models import PracticeArea, Program
from casework.api.pagination import Page, PageParams, paginate
from casework.api.types import InputSchema

router = Router(tags=["programs"])


class ProgramFilters(InputSchema, PageParams):
    practice_area: PracticeArea | None = None


class ProgramOut(Schema):
    id: int
    name: str
    practice_area: str
    organization_id: int
    organization_name: str
    is_active: bool
    roles: list[str]
    can_write: bool


@router.get("/programs", response=Page[ProgramOut], summary="Programs visible to the caller")
def programs_list(request: HttpRequest, filters: Query[ProgramFilters]) -> dict[str, Any]:
    """Programs where the caller holds a role, plus every program of organizations where they
    are an org admin or auditor. ``roles`` are the caller's roles in the program."""
    access = access_for(request.user)
    programs = (
        Program.objects.filter(
            Q(pk__in=access.program_ids) | Q(organization_id__in=access.org_wide_org_ids)
        )
        .select_related("organization")
        .order_by("organization__name", "name", "pk")
    )
    if filters.practice_area:
        programs = programs.filter(practice_area=filters.practice_area)
    page = paginate(request, programs, filters)
    page["results"] = [
        {
            "id": program.pk,
            "name": program.name,
            "practice_area": program.practice_area,
            "organization_id": program.organization_id,
            "organization_name": program.organization.name,
            "is_active": program.is_active,
            "roles": sorted(access.program_roles.get(program.pk, ())),
            "can_write": access.can_write_in_program(program.pk, program.organization_id),
        }
        for program in page["results"]
    ]
    return page

"""Gates for intake: which programs a user may screen and enroll in, or edit the rules of.

Programs the user has no role in (and whose organization they do not see whole) are answered
like programs that do not exist (:class:`NotFound`); a program they can see but not act in
gives :class:`PermissionDenied`. Screenings are client data: they load through
``clients.permissions.access_client``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from casework.accounts.access import access_for
from casework.accounts.models import Program, Role
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound, PermissionDenied
from casework.intake.models import EligibilityScreening


def _visible_program(user: Any, program_id: object) -> Program:
    try:
        pk = int(str(program_id))
    except ValueError:
        raise NotFound("program") from None
    access = access_for(user)
    program = Program.objects.filter(pk=pk, is_active=True).first()
    if program is None or not (
        program.pk in access.program_ids or program.organization_id in access.org_wide_org_ids
    ):
        raise NotFound("program")
    return program


def can_screen_in(user: Any, program: Program) -> bool:
    """Intake workers, case managers, supervisors, program admins and org admins who write there."""
    return access_for(user).can_write_in_program(program.pk, program.organization_id)


def can_edit_rules(user: Any, program: Program) -> bool:
    """Org admins of the program's organization and the program's own admins."""
    access = access_for(user)
    return program.organization_id in access.admin_org_ids or access.has_program_role(
        program.pk, Role.PROGRAM_ADMIN
    )


def _refuse(user: Any, program: Program, what: str) -> None:
    record(
        actor=user,
        action=AuditAction.DENIED,
        target_type="program",
        target_id=program.pk,
        organization_id=program.organization_id,
        details={"reason": what},
    )


def program_for_intake(user: Any, program_id: object) -> Program:
    """A program the user may screen and enroll clients in."""
    program = _visible_program(user, program_id)
    if not can_screen_in(user, program):
        _refuse(user, program, "intake not allowed")
        raise PermissionDenied(f"You cannot take clients into {program.name}.")
    return program


def program_for_rules(user: Any, program_id: object, *, write: bool = False) -> Program:
    """A program whose rules the user may read (anyone who sees it) or, with ``write``, edit."""
    program = _visible_program(user, program_id)
    if write and not can_edit_rules(user, program):
        _refuse(user, program, "rules edit not allowed")
        raise PermissionDenied(f"Only administrators can change the rules of {program.name}.")
    return program


def intake_programs(user: Any) -> list[Program]:
    """Active programs where the user may run an intake, by organization and name."""
    access = access_for(user)
    programs = Program.objects.filter(
        Q(pk__in=access.write_program_ids) | Q(organization_id__in=access.admin_org_ids),
        is_active=True,
    )
    return list(programs.select_related("organization").order_by("organization__name", "name"))


def rules_programs(user: Any) -> list[Program]:
    """Active programs whose rules the user may edit."""
    access = access_for(user)
    administered = [p for p, roles in access.program_roles.items() if Role.PROGRAM_ADMIN in roles]
    programs = Program.objects.filter(
        Q(pk__in=administered) | Q(organization_id__in=access.admin_org_ids), is_active=True
    )
    return list(programs.select_related("organization").order_by("organization__name", "name"))


def access_screening(
    user: Any, screening_id: object, *, write: bool = False
) -> EligibilityScreening:
    """Load a screening through its client's gate; ``write`` (override, enroll) needs intake rights.

    A screening in a program the user does not work in stays hidden even if they can see the
    client through another program: the screening itself says which program was applied to.
    """
    try:
        pk = int(str(screening_id))
    except ValueError:
        raise NotFound("screening") from None
    screening = (
        EligibilityScreening.objects.select_related("program", "client").filter(pk=pk).first()
    )
    if screening is None:
        raise NotFound("screening")
    access = access_for(user)
    program = screening.program
    if not (program.pk in access.program_ids or program.organization_id in access.org_wide_org_ids):
        raise NotFound("screening")
    screening.client = access_client(user, screening.client_id, audit=False)
    if write and not can_screen_in(user, program):
        _refuse(user, program, "screening change not allowed")
        raise PermissionDenied(f"You cannot change screenings in {program.name}.")
    record(
        actor=user,
        action=AuditAction.VIEW,
        target_type="eligibility_screening",
        target_id=screening.pk,
        client_id=screening.client_id,
        organization_id=screening.organization_id,
    )
    return screening

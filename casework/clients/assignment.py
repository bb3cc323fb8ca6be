"""Choosing and changing a client's primary case manager (issue 10).

The primary case manager lives on the enrollment: a client in two programs has one in
each. Every change goes through :func:`enrollment_assign_case_manager` (one enrollment)
or :func:`enrollments_assign_case_manager` (a supervisor's bulk reassignment); both check
who may assign, that the new case manager works in the program and passes its credential
gate, record the reason in the audit row, and tell the old and new case manager.

Who may assign: the program's supervisors and program admins, and organization admins,
choose anyone eligible (and may leave an enrollment unassigned). A case manager (or
anyone else who may write in the program) may only take an unassigned client themselves,
so intake never hands a client to someone without their supervisor deciding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, Role, User
from casework.accounts.policies import assignment_refusals
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients.models import Enrollment
from casework.core.concurrency import save_versioned
from casework.core.exceptions import PermissionDenied
from casework.notifications.services import notify

CASE_MANAGER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_ADMIN)
REASON_MAX = 500
KIND = "case_manager_assigned"


def check_case_manager(program: Program, user: User | None) -> None:
    """Refuse (``ValidationError`` on ``primary_case_manager``) anyone who is not active
    staff of ``program`` in a case-managing role, or whom the credential gate refuses."""
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


def check_initial_case_manager(actor: Any, program: Program, case_manager: User | None) -> None:
    """For a new enrollment: the case manager is eligible, and someone who is not a
    supervisor chooses only themselves (or nobody, for the supervisor to decide)."""
    check_case_manager(program, case_manager)
    if (
        case_manager is not None
        and case_manager.pk != getattr(actor, "pk", None)
        and not can_assign_anyone(actor, program)
    ):
        raise ValidationError(
            {
                "primary_case_manager": f"Only a supervisor of {program.name} can choose "
                "another person; choose yourself or leave it for the supervisor."
            }
        )


def tell_new_enrollment(actor: Any, enrollment: Enrollment) -> None:
    """Tell the case manager of a new enrollment, unless they created it themselves."""
    if enrollment.primary_case_manager is not None:
        _tell(actor, [(enrollment, None)], enrollment.primary_case_manager)


def can_assign_anyone(user: Any, program: Program) -> bool:
    """Supervisors and program admins of ``program``, and its organization's admins."""
    access = access_for(user)
    return program.organization_id in access.admin_org_ids or access.has_program_role(
        program.pk, Role.SUPERVISOR, Role.PROGRAM_ADMIN
    )


def carries_caseload(user: Any, program: Program) -> bool:
    """Whether ``user`` may be a primary case manager in ``program`` today (role and
    credentials): the default case manager of the clients they take in."""
    try:
        check_case_manager(program, user)
    except ValidationError:
        return False
    return True


def may_change_case_manager(user: Any, enrollment: Enrollment) -> bool:
    """Whether to offer ``user`` the action on this enrollment (the service decides)."""
    if not enrollment.is_open:
        return False
    if can_assign_anyone(user, enrollment.program):
        return True
    return enrollment.primary_case_manager_id is None and carries_caseload(user, enrollment.program)


def case_manager_candidates(program: Program) -> list[User]:
    """Active staff of ``program`` who may be chosen: a case-managing role and no refusal
    from the credential gate (``accounts.policies``). Sorted by name."""
    users = (
        User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.active()
            .filter(program=program, role__in=CASE_MANAGER_ROLES)
            .values("user_id"),
        )
        .order_by("full_name", "email")
        .distinct()
    )
    return [
        user
        for user in users
        if not assignment_refusals(
            user=user, program=program, role=Role.CASE_MANAGER, purpose="client"
        )
    ]


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the case manager is changing."})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": f"Keep the reason to {REASON_MAX} characters (it has {len(reason)})."}
        )
    return reason


def _check_actor(actor: Any, enrollment: Enrollment, case_manager: User | None) -> None:
    program = enrollment.program
    if can_assign_anyone(actor, program):
        return
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot assign case managers in {program.name}.")
    taking_unassigned = (
        case_manager is not None
        and case_manager.pk == getattr(actor, "pk", None)
        and enrollment.primary_case_manager_id in (None, actor.pk)
    )
    if not taking_unassigned:
        raise PermissionDenied(
            f"Only a supervisor of {program.name} can choose or change another person's "
            "case manager; you can take an unassigned client yourself."
        )


def _assign_one(
    actor: Any,
    enrollment: Enrollment,
    case_manager: User | None,
    reason: str,
    expected_version: int,
    *,
    details: dict[str, Any] | None = None,
    actor_checked: bool = False,
) -> tuple[bool, User | None]:
    """Change one enrollment; returns whether it changed, and the previous case manager."""
    if not enrollment.is_open:
        raise ValidationError({"enrollment": "A closed enrollment keeps its case manager."})
    if not actor_checked:
        _check_actor(actor, enrollment, case_manager)
    if case_manager is None and not can_assign_anyone(actor, enrollment.program):
        raise PermissionDenied("Only a supervisor can leave a client without a case manager.")
    check_case_manager(enrollment.program, case_manager)
    new_id = case_manager.pk if case_manager else None
    old = enrollment.primary_case_manager
    if enrollment.primary_case_manager_id == new_id:
        return False, old
    enrollment.primary_case_manager = case_manager
    save_versioned(enrollment, expected_version=expected_version, fields=["primary_case_manager"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="enrollment",
        target_id=enrollment.pk,
        client_id=enrollment.client_id,
        organization_id=enrollment.organization_id,
        changes={"primary_case_manager_id": [old.pk if old else None, new_id]},
        details={"reason": reason, "assignment": True} | (details or {}),
    )
    return True, old


@transaction.atomic
def enrollment_assign_case_manager(
    *,
    actor: Any,
    enrollment: Enrollment,
    case_manager: User | None,
    reason: str,
    expected_version: int | None = None,
) -> Enrollment:
    """Make ``case_manager`` (None: nobody) the enrollment's primary case manager.

    Raises ``ValidationError`` (closed enrollment, missing reason, someone outside the
    program or failing its credential gate), ``PermissionDenied`` (see the module rule) or
    ``StaleVersion`` when ``expected_version`` is given and someone saved first. Audited
    with the reason; the old and new case manager are notified. A no-op when unchanged.
    """
    reason = _clean_reason(reason)
    version = enrollment.version if expected_version is None else expected_version
    changed, old = _assign_one(actor, enrollment, case_manager, reason, version)
    if changed:
        _tell(actor, [(enrollment, old)], case_manager)
    return enrollment


@transaction.atomic
def enrollments_assign_case_manager(
    *, actor: Any, enrollments: Sequence[Enrollment], case_manager: User | None, reason: str
) -> int:
    """Reassign several enrollments at once (all or none); returns how many changed.

    The same checks as :func:`enrollment_assign_case_manager` for each; each change has
    its own audit row; each person told gets one notification for the whole batch.
    """
    reason = _clean_reason(reason)
    if not enrollments:
        raise ValidationError({"enrollments": "Choose at least one client."})
    changed: list[tuple[Enrollment, User | None]] = []
    for enrollment in enrollments:
        did, old = _assign_one(actor, enrollment, case_manager, reason, enrollment.version)
        if did:
            changed.append((enrollment, old))
    if changed:
        _tell(actor, changed, case_manager)
    return len(changed)


def may_hand_over(user: Any, enrollment: Enrollment) -> bool:
    """Whether ``user`` may ask for a transfer of this enrollment to another case manager:
    its current primary case manager, or anyone who may assign in the program."""
    if not enrollment.is_open:
        return False
    if can_assign_anyone(user, enrollment.program):
        return True
    return (
        enrollment.primary_case_manager_id is not None
        and enrollment.primary_case_manager_id == getattr(user, "pk", None)
    )


@transaction.atomic
def enrollment_accept_handover(
    *,
    receiver: User,
    enrollment: Enrollment,
    requested_by: User,
    expected_previous: int | None,
    reason: str,
    transfer_id: int,
) -> User | None:
    """The receiving case manager accepts a transfer (``caseload.transfers``): they become
    the primary case manager. The request stands for the supervisor's decision when the
    current case manager or a supervisor asked for it (``may_hand_over``, checked again
    now), and only while the case manager is still the one it was asked from. Audited with
    the reason and the transfer; the previous case manager is told. Returns them."""
    reason = _clean_reason(reason)
    if enrollment.primary_case_manager_id != expected_previous:
        raise ValidationError(
            {"enrollment": "The case manager changed since this transfer was asked for."}
        )
    if not may_hand_over(requested_by, enrollment):
        raise PermissionDenied(
            f"{requested_by} can no longer hand this client over in {enrollment.program.name}."
        )
    changed, old = _assign_one(
        receiver,
        enrollment,
        receiver,
        reason,
        enrollment.version,
        details={"transfer": transfer_id, "requested_by": requested_by.pk},
        actor_checked=True,
    )
    if changed:
        _tell(receiver, [(enrollment, old)], receiver)
    return old


def _tell(actor: Any, changed: Iterable[tuple[Enrollment, User | None]], new: User | None) -> None:
    """Notify the new case manager and each previous one (never the actor about their own
    act). Titles name the program, not the client: a notification's email copy leaves the
    system, so the client is only seen after signing in."""
    changed = list(changed)
    actor_id = getattr(actor, "pk", None)
    if new is not None and new.pk != actor_id:
        count, program = len(changed), changed[0][0].program
        notify(
            recipients=[new],
            kind=KIND,
            title=_count_text(count, f"assigned to you in {program.name}"),
            body="You are now their primary case manager. They are listed under My clients.",
            url=reverse("web:dashboard")
            if count > 1
            else reverse("web:client_detail", args=[changed[0][0].client_id]),
        )
    losing: dict[User, list[Enrollment]] = defaultdict(list)
    for enrollment, old in changed:
        if old is not None and old.pk != actor_id:
            losing[old].append(enrollment)
    for old, rows in losing.items():
        notify(
            recipients=[old],
            kind=KIND,
            title=_count_text(
                len(rows), f"reassigned to another case manager in {rows[0].program.name}"
            ),
            body="You are no longer their primary case manager.",
            url=reverse("web:dashboard"),
        )


def _count_text(count: int, rest: str) -> str:
    return f"{'A client was' if count == 1 else f'{count} clients were'} {rest}"

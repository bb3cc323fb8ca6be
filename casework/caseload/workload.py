"""Team caseloads for supervisors: counts, acuity-weighted load, overdue work; bulk moves.

Weighted load of a worker = sum over their open enrollments of the program's client weight,
plus, for each open crisis of those clients, the program's weight for its severity, plus,
for each open risk flag, the program's weight for the flag's severity. The weights are data
on the program (``ProgramCaseloadSettings``), edited by its supervisors and admins through
:func:`load_weights_save`; without settings a client weighs 1 and crises and flags add the
defaults below.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Role, User
from casework.caseload.models import CrisisEvent, ProgramCaseloadSettings
from casework.clients.assignment import enrollments_assign_case_manager
from casework.clients.models import Enrollment
from casework.core.exceptions import PermissionDenied
from casework.scheduling.models import Task, TaskStatus
from casework.scheduling.services import tasks_reassign

DEFAULT_SEVERITY_WEIGHTS = {1: Decimal("0.25"), 2: Decimal("0.5"), 3: Decimal("1"), 4: Decimal("2")}
DEFAULT_FLAG_WEIGHTS = {"low": Decimal("0"), "moderate": Decimal("0.25"), "high": Decimal("0.5")}
WEIGHT_MAX = Decimal("10")
CLIENT_WEIGHT_MIN = Decimal("0.1")


@dataclass
class WorkerLoad:
    user_id: int
    name: str
    clients: int = 0
    weighted: Decimal = Decimal(0)
    open_crises: int = 0
    open_flags: int = 0
    overdue_tasks: int = 0
    open_tasks: int = 0


@dataclass
class LoadWeights:
    """A program's weights as the load uses them (defaults filled in)."""

    client: Decimal
    crisis: dict[int, Decimal]
    flag: dict[str, Decimal]


def load_weights(row: ProgramCaseloadSettings | None) -> LoadWeights:
    crisis = dict(DEFAULT_SEVERITY_WEIGHTS)
    flag = dict(DEFAULT_FLAG_WEIGHTS)
    if row is not None:
        crisis |= {int(k): Decimal(str(v)) for k, v in (row.severity_weights or {}).items()}
        flag |= {str(k): Decimal(str(v)) for k, v in (row.flag_weights or {}).items()}
    return LoadWeights(Decimal(row.client_weight) if row else Decimal(1), crisis, flag)


def _weights(program_ids: Iterable[int]) -> dict[int, LoadWeights]:
    found = {
        row.program_id: row
        for row in ProgramCaseloadSettings.objects.filter(program_id__in=list(program_ids))
    }
    return {pid: load_weights(found.get(pid)) for pid in program_ids}


def team_workers(program_ids: frozenset[int]) -> list[User]:
    """Case managers (and supervisors carrying cases) of the programs."""
    ids = Membership.objects.active().filter(
        program_id__in=program_ids, role__in=[Role.CASE_MANAGER, Role.SUPERVISOR]
    )
    return list(
        User.objects.filter(pk__in=ids.values("user_id"), is_active=True).order_by("full_name")
    )


def team_loads(program_ids: frozenset[int]) -> list[WorkerLoad]:
    """One row per worker of the programs, heaviest weighted load first."""
    loads = {u.pk: WorkerLoad(u.pk, u.full_name or u.email) for u in team_workers(program_ids)}
    weights = _weights(program_ids)
    enrollments = Enrollment.objects.open().filter(
        program_id__in=program_ids, primary_case_manager__isnull=False
    )
    owner_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for client_id, program_id, cm in enrollments.values_list(
        "client_id", "program_id", "primary_case_manager_id"
    ):
        load = loads.setdefault(cm, WorkerLoad(cm, "(not in these programs)"))
        load.clients += 1
        load.weighted += weights[program_id].client
        owner_of[client_id].append((cm, program_id))
    crises = CrisisEvent.objects.open().filter(client_id__in=list(owner_of))
    for client_id, severity in crises.values_list("client_id", "severity"):
        for cm, program_id in owner_of[client_id]:
            loads[cm].open_crises += 1
            loads[cm].weighted += weights[program_id].crisis.get(severity, Decimal(0))
    from casework.assessments.models import RiskFlag

    flags = RiskFlag.objects.open().filter(client_id__in=list(owner_of))
    for client_id, flag_severity in flags.values_list("client_id", "severity"):
        for cm, program_id in owner_of[client_id]:
            loads[cm].open_flags += 1
            loads[cm].weighted += weights[program_id].flag.get(flag_severity, Decimal(0))
    tasks = Task.objects.filter(status=TaskStatus.OPEN, assignee_id__in=list(loads))
    now = timezone.now()
    for row in tasks.values("assignee_id").annotate(n=Count("id")):
        loads[row["assignee_id"]].open_tasks = row["n"]
    for row in tasks.filter(due_at__lt=now).values("assignee_id").annotate(n=Count("id")):
        loads[row["assignee_id"]].overdue_tasks = row["n"]
    return sorted(loads.values(), key=lambda w: (-w.weighted, w.name))


# --- Editing the weights -------------------------------------------------------------------


def weights_editable_programs(user: Any) -> Any:
    """Programs whose load weights ``user`` may change: those they supervise or administer,
    and every program of an organization they administer."""
    from django.db.models import Q

    from casework.accounts.models import Program

    access = access_for(user)
    administered = {
        pid
        for pid, roles in access.program_roles.items()
        if roles & {Role.SUPERVISOR, Role.PROGRAM_ADMIN}
    }
    return Program.objects.filter(
        Q(pk__in=administered) | Q(organization_id__in=access.admin_org_ids)
    ).order_by("name")


def _weight(value: Any, field: str, *, low: Decimal = Decimal(0)) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (ArithmeticError, ValueError):
        raise ValidationError({field: "Enter a number, e.g. 1 or 0.5."}) from None
    if not number.is_finite() or number < low or number > WEIGHT_MAX:
        raise ValidationError({field: f"Enter a number from {low} to {WEIGHT_MAX}."})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: "Use at most two decimal places."})
    return number.quantize(Decimal("0.01"))


@transaction.atomic
def load_weights_save(
    *,
    actor: Any,
    program: Any,
    client_weight: Any,
    crisis: dict[int, Any],
    flag: dict[str, Any],
) -> ProgramCaseloadSettings:
    """Set a program's load weights (validated, each field named in errors); audited with
    the old and new values."""
    from casework.audit.models import AuditAction
    from casework.audit.services import record

    if not weights_editable_programs(actor).filter(pk=program.pk).exists():
        raise PermissionDenied(f"You cannot change the load weights of {program.name}.")
    base = _weight(client_weight, "client_weight", low=CLIENT_WEIGHT_MIN)
    crisis_clean = {
        str(level): str(_weight(crisis.get(level, 0), f"crisis_{level}"))
        for level in DEFAULT_SEVERITY_WEIGHTS
    }
    flag_clean = {
        level: str(_weight(flag.get(level, 0), f"flag_{level}")) for level in DEFAULT_FLAG_WEIGHTS
    }
    row, _ = ProgramCaseloadSettings.objects.select_for_update().get_or_create(program=program)
    cents = Decimal("0.01")
    old = load_weights(row)
    before = {
        "client_weight": str(old.client.quantize(cents)),
        "severity_weights": {str(k): str(v.quantize(cents)) for k, v in old.crisis.items()},
        "flag_weights": {k: str(v.quantize(cents)) for k, v in old.flag.items()},
    }
    row.client_weight = base
    row.severity_weights = crisis_clean
    row.flag_weights = flag_clean
    row.weights_changed_at = timezone.now()
    row.weights_changed_by = actor
    row.full_clean()
    row.save()
    after = {
        "client_weight": str(base),
        "severity_weights": crisis_clean,
        "flag_weights": flag_clean,
    }
    changes = {k: [before[k], after[k]] for k in after if str(before[k]) != str(after[k])}
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="caseload_weights",
        target_id=program.pk,
        organization_id=program.organization_id,
        changes=changes,
    )
    return row


def _check_supervises(actor: Any, program_ids: Iterable[int]) -> None:
    supervised = access_for(actor).supervised_program_ids
    if not set(program_ids) <= supervised:
        raise PermissionDenied("You can reassign only within the programs you supervise.")


@transaction.atomic
def clients_reassign(*, actor: Any, enrollment_ids: list[int], to: User, reason: str) -> int:
    """Make ``to`` the primary case manager of these open enrollments (through the clients
    app's assignment, which checks, audits with the reason and tells both case managers),
    and move each client's open tasks of the previous case manager along, each audited."""
    enrollments = list(
        Enrollment.objects.open().filter(pk__in=enrollment_ids).select_related("program")
    )
    if len(enrollments) != len(set(enrollment_ids)):
        raise ValidationError({"ids": "Some of these clients are no longer open in your programs."})
    _check_supervises(actor, {e.program_id for e in enrollments})
    previous = {e.pk: e.primary_case_manager_id for e in enrollments}
    moved = enrollments_assign_case_manager(
        actor=actor, enrollments=enrollments, case_manager=to, reason=reason
    )
    for enrollment in enrollments:
        old = previous[enrollment.pk]
        if old and old != to.pk:
            open_tasks = Task.objects.filter(
                client_id=enrollment.client_id,
                program_id=enrollment.program_id,
                assignee_id=old,
                status=TaskStatus.OPEN,
            ).select_related("program")
            tasks_reassign(actor=actor, tasks=open_tasks, assignee=to)
    return moved


@transaction.atomic
def team_tasks_reassign(*, actor: Any, task_ids: list[int], to: User) -> int:
    """Give these open tasks (of clients in the actor's supervised programs) to ``to``."""
    tasks = list(
        Task.objects.filter(pk__in=task_ids, status=TaskStatus.OPEN).select_related("program")
    )
    if len(tasks) != len(set(task_ids)) or any(t.program_id is None for t in tasks):
        raise ValidationError({"ids": "Some of these tasks are closed or not in your programs."})
    _check_supervises(actor, {t.program_id for t in tasks if t.program_id})
    return tasks_reassign(actor=actor, tasks=tasks, assignee=to)

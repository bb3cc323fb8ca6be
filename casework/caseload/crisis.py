"""The crisis workflow: report (alerts, follow-up tasks), resolve, count per program.

Reporting alerts the program's supervisors and its on-call contact at once (in the app and
by email; the email names no client), and opens two tasks for the client's primary case
manager (or the reporter): a follow-up due within 24 hours and a re-assessment within 72.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from casework.accounts.access import access_for
from casework.accounts.models import Membership, Program, Role, User
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.caseload.models import CrisisEvent, CrisisKind, ProgramCaseloadSettings, Severity
from casework.clients.models import Client, Enrollment
from casework.core.exceptions import Conflict, PermissionDenied
from casework.notifications.models import Notification
from casework.notifications.services import notify
from casework.scheduling.models import Priority, TaskKind
from casework.scheduling.services import task_create

FOLLOW_UP_WITHIN = timedelta(hours=24)
REASSESS_WITHIN = timedelta(hours=72)


def _audit(actor: Any, action: str, crisis: CrisisEvent, **extra: Any) -> None:
    record(
        actor=actor,
        action=action,
        target_type="crisis_event",
        target_id=crisis.pk,
        client_id=crisis.client_id,
        organization_id=crisis.organization_id,
        **extra,
    )


def crisis_recipients(program: Program, reporter: Any) -> list[User]:
    """The program's supervisors and its on-call contact (not the reporter themself)."""
    supervisors = User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(program=program, role=Role.SUPERVISOR)
        .values("user_id")
    )
    people = {u.pk: u for u in supervisors}
    on_call = (
        ProgramCaseloadSettings.objects.filter(program=program, on_call__is_active=True)
        .select_related("on_call")
        .first()
    )
    if on_call is not None and on_call.on_call is not None:
        people[on_call.on_call.pk] = on_call.on_call
    people.pop(reporter.pk, None)
    return list(people.values())


def _owner(client: Client, program: Program, reporter: Any) -> Any:
    enrollment = (
        Enrollment.objects.open()
        .filter(client_id=client.pk, program_id=program.pk, primary_case_manager__is_active=True)
        .select_related("primary_case_manager")
        .first()
    )
    return enrollment.primary_case_manager if enrollment else reporter


@transaction.atomic
def crisis_report(
    *,
    actor: Any,
    client: Client,
    program: Program,
    kind: str,
    severity: int,
    what_happened: str,
    actions_taken: str = "",
) -> CrisisEvent:
    """Record a crisis, alert the supervisors and on-call contact, open both follow-up tasks."""
    if not access_for(actor).can_write_in_program(program.pk, program.organization_id):
        raise PermissionDenied(f"You cannot report crises in {program.name}.")
    if not Enrollment.objects.filter(client_id=client.pk, program_id=program.pk).exists():
        raise ValidationError({"program": "The client is not enrolled in this program."})
    if kind not in CrisisKind.values:
        raise ValidationError({"kind": "Choose the kind of crisis."})
    if severity not in Severity.values:
        raise ValidationError({"severity": "Choose how severe it is."})
    crisis = CrisisEvent(
        organization_id=client.organization_id,
        client=client,
        program=program,
        kind=kind,
        severity=severity,
        what_happened=(what_happened or "").strip(),
        actions_taken=(actions_taken or "").strip(),
        reported_by=actor,
    )
    crisis.full_clean()
    crisis.save()
    owner = _owner(client, program, actor)
    now = timezone.now()
    common = {"actor": actor, "assignee": owner, "client": client, "program": program}
    follow = task_create(
        **common,
        title=f"Crisis follow-up: {crisis.get_kind_display()}",
        due_at=now + FOLLOW_UP_WITHIN,
        kind=TaskKind.CRISIS_FOLLOW_UP,
        data={"priority": Priority.URGENT, "reminder_minutes": [120]},
    )
    reassess = task_create(
        **common,
        title="Re-assess risk after the crisis",
        due_at=now + REASSESS_WITHIN,
        kind=TaskKind.CRISIS_REASSESSMENT,
        data={"priority": Priority.HIGH},
    )
    CrisisEvent.objects.filter(pk=crisis.pk).update(
        follow_up_task_id=follow.pk, reassessment_task_id=reassess.pk
    )
    crisis.follow_up_task_id, crisis.reassessment_task_id = follow.pk, reassess.pk
    _audit(actor, AuditAction.CREATE, crisis, details={"kind": kind, "severity": severity})
    recipients = crisis_recipients(program, actor)
    notify(
        recipients=recipients,
        kind="crisis",
        level=Notification.Level.URGENT,
        title=f"Crisis reported in {program.name}: {crisis.get_kind_display()}, "
        f"{crisis.get_severity_display().lower()} severity",
        url=f"/clients/{client.pk}/caseload/",
        dedupe_key=f"crisis:{crisis.pk}",
    )
    return crisis


@transaction.atomic
def crisis_resolve(*, actor: Any, crisis: CrisisEvent, resolution: str) -> CrisisEvent:
    """Record how the crisis ended; the banner comes down."""
    if crisis.resolved_at is not None:
        raise Conflict("This crisis is already resolved.")
    if not access_for(actor).can_write_in_program(crisis.program_id, crisis.organization_id):
        raise PermissionDenied("You cannot resolve crises in this program.")
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": "Say how the crisis was resolved."})
    crisis.resolved_at, crisis.resolved_by, crisis.resolution = timezone.now(), actor, resolution
    from casework.core.concurrency import save_versioned

    save_versioned(
        crisis,
        expected_version=crisis.version,
        fields=["resolved_at", "resolved_by", "resolution"],
    )
    _audit(actor, AuditAction.UPDATE, crisis, changes={"resolved_at": [None, crisis.resolved_at]})
    return crisis


def safety_plan_for(client_id: int) -> dict[str, Any] | None:
    """The client's latest safety plan (the ``safety`` section of their newest plan version
    that has one): its steps and whether that version is signed; None when there is none."""
    from casework.plans.models import PlanVersion

    version = (
        PlanVersion.objects.filter(plan__client_id=client_id, sections__has_key="safety")
        .order_by("-created_at", "-id")
        .first()
    )
    if version is None:
        return None
    return {
        "version": version.number,
        "signed_at": version.signed_at,
        "steps": version.sections["safety"],
    }


def crisis_counts(program_ids: frozenset[int], since: Any = None) -> list[dict[str, Any]]:
    """Crisis events per program (and kind) since a date: the program's crisis count."""
    rows = CrisisEvent.objects.filter(program_id__in=program_ids)
    if since is not None:
        rows = rows.filter(reported_at__gte=since)
    counted = (
        rows.values("program_id", "program__name", "kind")
        .annotate(count=Count("id"))
        .order_by("program__name", "kind")
    )
    labels = dict(CrisisKind.choices)
    return [row | {"kind_label": labels.get(row["kind"], row["kind"])} for row in counted]

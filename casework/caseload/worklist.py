"""The "Today" worklist: what one person must do now, for whom, and why.

The list is built from *sources*: functions that take a :class:`WorklistContext` and yield
:class:`WorklistItem` rows, each with its reason and its action. This module's own sources
cover tasks, appointments, crises, notes, consents and contact gaps; other apps add theirs
by exposing ``worklist_items(context)`` in a module named in ``PLUGIN_SOURCES`` (loaded
only if it exists, so an app that has not landed yet leaves its kinds out).

Ordering is explainable and the same everywhere (page and API): severity first (critical
to low), then due time (earliest first, undated last), then the client's risk (highest
first). Every item says which of the three placed it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format

from casework.accounts.access import access_for
from casework.caseload.models import CrisisEvent, ProgramCaseloadSettings, Severity
from casework.casenotes.models import CaseNote
from casework.casenotes.permissions import notes_to_cosign
from casework.clients.models import Client, Consent, Enrollment
from casework.scheduling.models import Appointment, Attendance, Priority, Task, TaskStatus

UNSIGNED_AFTER = timedelta(hours=24)
CONSENT_WARNING_DAYS = 30
DEFAULT_NO_CONTACT_DAYS = 30
FAR_FUTURE = datetime.max.replace(tzinfo=timezone.get_fixed_timezone(0))
# Modules of other apps that may add worklist kinds (each defines ``worklist_items``).
PLUGIN_SOURCES = (
    "casework.caseload.sources",  # risk flags, plan reviews, IPE deadlines, referrals
)


@dataclass(frozen=True)
class WorklistItem:
    """One thing to do. ``reason`` says why it is on the list; ``action_url`` does it."""

    kind: str
    kind_label: str
    severity: int
    title: str
    reason: str
    action_url: str
    action_label: str
    object_id: int
    due_at: datetime | None = None
    client_id: int | None = None
    program_id: int | None = None
    client_name: str = ""
    client_risk: int = 0

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.object_id}"

    def sort_key(self) -> tuple[Any, ...]:
        return (
            -self.severity,
            self.due_at or FAR_FUTURE,
            -self.client_risk,
            self.kind,
            self.object_id,
        )

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def order_reason(self) -> str:
        """Why the item sits where it does: the three ordering keys, in words."""
        due = "no due time" if self.due_at is None else f"due {_when(self.due_at)}"
        return f"{self.severity_label} severity; {due}; client risk {self.client_risk} of 4"


@dataclass
class WorklistContext:
    """Who the list is for and the filters; sources read the shared facts from here."""

    user: Any
    now: datetime
    program_id: int | None = None
    client_id: int | None = None
    kinds: frozenset[str] = frozenset()
    caseload: dict[int, int] = field(default_factory=dict)  # client id -> program id

    @property
    def end_of_today(self) -> datetime:
        local = timezone.localtime(self.now)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)

    @property
    def start_of_today(self) -> datetime:
        return timezone.localtime(self.now).replace(hour=0, minute=0, second=0, microsecond=0)

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


Source = Callable[[WorklistContext], Iterable[WorklistItem]]


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localtime().year
    return date_format(local, "M j, g:i A" if same_year else "M j, Y, g:i A")


def _ago(delta: timedelta) -> str:
    days = delta.days
    if days >= 1:
        return f"{days} day{'s' if days != 1 else ''}"
    hours = max(1, int(delta.total_seconds() // 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


# --- Sources --------------------------------------------------------------------------------


def task_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Open tasks assigned to the user that are overdue or due today."""
    rows = Task.objects.filter(
        assignee_id=ctx.user.pk, status=TaskStatus.OPEN, due_at__lte=ctx.end_of_today
    )
    for task in rows.order_by("due_at")[:200]:
        overdue = task.due_at < ctx.now
        severity = min(Severity.CRITICAL, task.priority + (1 if overdue else 0))
        reason = (
            f"Overdue by {_ago(ctx.now - task.due_at)} (was due {_when(task.due_at)})"
            if overdue
            else f"Due today at {timezone.localtime(task.due_at):%-I:%M %p}"
        )
        if task.priority >= Priority.HIGH:
            reason += f"; {task.get_priority_display().lower()} priority"
        yield WorklistItem(
            kind="task_overdue" if overdue else "task_due_today",
            kind_label="Overdue task" if overdue else "Task due today",
            severity=severity,
            title=task.title,
            reason=reason,
            action_url=f"/tasks/{task.pk}/",
            action_label="Complete",
            object_id=task.pk,
            due_at=task.due_at,
            client_id=task.client_id,
            program_id=task.program_id,
        )


def appointment_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """The user's appointments today still waiting for their attendance to be recorded."""
    rows = Appointment.objects.filter(
        worker_id=ctx.user.pk,
        attendance=Attendance.SCHEDULED,
        starts_at__gte=ctx.start_of_today,
        starts_at__lte=ctx.end_of_today,
    )
    for appt in rows.order_by("starts_at"):
        started = appt.starts_at <= ctx.now
        yield WorklistItem(
            kind="appointment_today",
            kind_label="Appointment today",
            severity=Severity.MODERATE,
            title=appt.purpose or f"{appt.get_mode_display()} appointment",
            reason=(
                f"Today at {timezone.localtime(appt.starts_at):%-I:%M %p}, "
                f"{appt.get_mode_display().lower()}"
                + (": record whether the client came" if started else "")
            ),
            action_url=f"/appointments/{appt.pk}/",
            action_label="Record attendance",
            object_id=appt.pk,
            due_at=appt.starts_at,
            client_id=appt.client_id,
            program_id=appt.program_id,
        )


def crisis_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Open crises on the user's clients, and in the programs the user supervises."""
    supervised = access_for(ctx.user).supervised_program_ids
    rows = CrisisEvent.objects.open().filter(
        Q(client_id__in=list(ctx.caseload)) | Q(program_id__in=supervised)
    )
    for crisis in rows.order_by("-severity", "reported_at")[:100]:
        yield WorklistItem(
            kind="crisis",
            kind_label="Open crisis",
            severity=crisis.severity,
            title=f"{crisis.get_kind_display()} crisis",
            reason=(
                f"{crisis.get_severity_display()} severity, reported "
                f"{_when(crisis.reported_at)}; follow-up due within 24 hours of the report"
            ),
            action_url=f"/clients/{crisis.client_id}/caseload/",
            action_label="Follow up",
            object_id=crisis.pk,
            due_at=crisis.reported_at + timedelta(hours=24),
            client_id=crisis.client_id,
            program_id=crisis.program_id,
        )


def unsigned_note_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """The user's drafts started more than 24 hours ago."""
    rows = CaseNote.objects.drafts().filter(
        author_id=ctx.user.pk, created_at__lt=ctx.now - UNSIGNED_AFTER
    )
    for note in rows.order_by("created_at")[:100]:
        yield WorklistItem(
            kind="unsigned_note",
            kind_label="Unsigned note",
            severity=Severity.MODERATE,
            title=f"{note.get_note_type_display()} of {_when(note.service_at)}",
            reason=f"Unsigned for {_ago(ctx.now - note.created_at)}; sign within 24 hours",
            action_url=f"/notes/{note.pk}/",
            action_label="Finish and sign",
            object_id=note.pk,
            due_at=note.created_at + UNSIGNED_AFTER,
            client_id=note.client_id,
            program_id=note.program_id,
        )


def cosign_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Trainee notes waiting for this supervisor's co-signature."""
    for note in notes_to_cosign(ctx.user).select_related("author").order_by("signed_at")[:100]:
        yield WorklistItem(
            kind="cosign_note",
            kind_label="Co-signature needed",
            severity=Severity.MODERATE,
            title=f"{note.get_note_type_display()} by {note.author.full_name}",
            reason=f"Signed {_when(note.signed_at or ctx.now)} by a supervised trainee",
            action_url=f"/notes/{note.pk}/",
            action_label="Review and co-sign",
            object_id=note.pk,
            due_at=(note.signed_at or ctx.now) + timedelta(days=2),
            client_id=note.client_id,
            program_id=note.program_id,
        )


def consent_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Consents of the user's clients that expire within 30 days."""
    today = timezone.localdate(ctx.now)
    rows = Consent.objects.in_force().filter(
        client_id__in=list(ctx.caseload),
        expiry_date__isnull=False,
        expiry_date__lte=today + timedelta(days=CONSENT_WARNING_DAYS),
    )
    for consent in rows.order_by("expiry_date")[:100]:
        expiry = consent.expiry_date
        assert expiry is not None  # filtered above
        days = (expiry - today).days
        expires = timezone.make_aware(datetime.combine(expiry, datetime.max.time()))
        yield WorklistItem(
            kind="consent_expiring",
            kind_label="Consent expiring",
            severity=Severity.MODERATE if days <= 7 else Severity.LOW,
            title="Release of information expires",
            reason=f"Expires in {days} day{'s' if days != 1 else ''} ({expiry:%b %-d})",
            action_url=f"/clients/{consent.client_id}/consents/",
            action_label="Renew or let lapse",
            object_id=consent.pk,
            due_at=expires,
            client_id=consent.client_id,
            program_id=ctx.caseload.get(consent.client_id),
        )


def no_contact_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """The user's clients with no signed note of a contact for the program's N days."""
    if not ctx.caseload:
        return
    limits = dict(
        ProgramCaseloadSettings.objects.filter(
            program_id__in=set(ctx.caseload.values())
        ).values_list("program_id", "no_contact_days")
    )
    last_note = (
        CaseNote.objects.signed()
        .filter(client_id=OuterRef("client_id"))
        .values("client_id")
        .annotate(last=Max("service_at"))
        .values("last")
    )
    rows = (
        Enrollment.objects.filter(
            client_id__in=list(ctx.caseload), primary_case_manager_id=ctx.user.pk
        )
        .open()
        .annotate(last_contact=Subquery(last_note))
    )
    for enrollment in rows:
        days = limits.get(enrollment.program_id, DEFAULT_NO_CONTACT_DAYS)
        last = getattr(enrollment, "last_contact", None)  # annotated above
        since = last or timezone.make_aware(
            datetime.combine(enrollment.start_date, datetime.min.time())
        )
        if ctx.now - since < timedelta(days=days):
            continue
        gap = (ctx.now - since).days
        what = "since the last contact" if last else "since enrollment, none yet"
        yield WorklistItem(
            kind="no_contact",
            kind_label="No recent contact",
            severity=Severity.MODERATE,
            title="Reach out to the client",
            reason=f"{gap} days {what}; the program expects contact every {days} days",
            action_url=f"/clients/{enrollment.client_id}/notes/new/",
            action_label="Log a contact",
            object_id=enrollment.pk,
            due_at=since + timedelta(days=days),
            client_id=enrollment.client_id,
            program_id=enrollment.program_id,
        )


TRANSFER_ANSWER_DAYS = 2
DECLINED_SHOWN_DAYS = 14


def transfer_items(ctx: WorklistContext) -> Iterator[WorklistItem]:
    """Transfers waiting for the user's answer, and the user's requests declined lately."""
    from casework.caseload.models import Transfer, TransferStatus

    waiting = Transfer.objects.filter(to_user_id=ctx.user.pk, status=TransferStatus.PENDING)
    for transfer in waiting.select_related("requested_by", "program").order_by("requested_at"):
        yield WorklistItem(
            kind="transfer_waiting",
            kind_label="Transfer to accept",
            severity=Severity.HIGH,
            title=f"Take over a client in {transfer.program.name}",
            reason=f"{transfer.requested_by.full_name} asked on {_when(transfer.requested_at)}: "
            f"{transfer.reason}",
            action_url=f"/transfers/{transfer.pk}/",
            action_label="Read and answer",
            object_id=transfer.pk,
            due_at=transfer.requested_at + timedelta(days=TRANSFER_ANSWER_DAYS),
            client_id=transfer.client_id,
            program_id=transfer.program_id,
        )
    declined = Transfer.objects.filter(
        requested_by_id=ctx.user.pk,
        status=TransferStatus.DECLINED,
        decided_at__gte=ctx.now - timedelta(days=DECLINED_SHOWN_DAYS),
    )
    for transfer in declined.select_related("to_user").order_by("decided_at"):
        yield WorklistItem(
            kind="transfer_declined",
            kind_label="Transfer declined",
            severity=Severity.MODERATE,
            title="Find another case manager",
            reason=f"{transfer.to_user.full_name} declined: {transfer.decline_reason}",
            action_url=f"/transfers/{transfer.pk}/",
            action_label="Open the transfer",
            object_id=transfer.pk,
            due_at=None,
            client_id=transfer.client_id,
            program_id=transfer.program_id,
        )


SOURCES: dict[str, tuple[str, ...]] = {
    "tasks": ("task_overdue", "task_due_today"),
    "appointments": ("appointment_today",),
    "crises": ("crisis",),
    "notes": ("unsigned_note", "cosign_note"),
    "consents": ("consent_expiring",),
    "contact": ("no_contact",),
    "transfers": ("transfer_waiting", "transfer_declined"),
}
BUILTIN: tuple[Source, ...] = (
    task_items,
    appointment_items,
    crisis_items,
    unsigned_note_items,
    cosign_items,
    consent_items,
    no_contact_items,
    transfer_items,
)
KIND_LABELS = {
    "task_overdue": "Overdue tasks",
    "task_due_today": "Tasks due today",
    "appointment_today": "Appointments today",
    "crisis": "Open crises",
    "unsigned_note": "Unsigned notes",
    "cosign_note": "Notes to co-sign",
    "consent_expiring": "Consents expiring",
    "no_contact": "No recent contact",
    "transfer_waiting": "Transfers to accept",
    "transfer_declined": "Transfers declined",
    "risk_flag": "Open risk flags",
    "plan_review": "Plan reviews due",
    "ipe_deadline": "IPE deadlines",
    "discharge_deadline": "Discharge deadlines",
    "enrollment_exit": "Planned exits",
    "referral_waiting": "Referrals waiting",
}


def plugin_sources() -> list[Source]:
    """``worklist_items`` of the other apps' worklist modules that exist."""
    found = []
    for name in PLUGIN_SOURCES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        source = getattr(module, "worklist_items", None)
        if callable(source):
            found.append(source)
    return found


# --- Building the list ---------------------------------------------------------------------


def caseload_of(user: Any) -> dict[int, int]:
    """The user's clients: open enrollments whose primary case manager they are."""
    access = access_for(user)
    rows = Enrollment.objects.open().filter(
        primary_case_manager_id=user.pk, program_id__in=access.program_ids
    )
    return dict(rows.values_list("client_id", "program_id"))


def client_risks(client_ids: Iterable[int]) -> dict[int, int]:
    """Each client's risk, 0 to 4: their worst open crisis or open risk flag (a high flag
    counts as 3, moderate 2, low 1)."""
    ids = list(client_ids)
    rows = (
        CrisisEvent.objects.open()
        .filter(client_id__in=ids)
        .values("client_id")
        .annotate(worst=Max("severity"))
    )
    risks = {row["client_id"]: row["worst"] for row in rows}
    from casework.assessments.models import SEVERITY_RANK
    from casework.assessments.queries import open_flags_for

    for flag in open_flags_for(ids):
        rank = SEVERITY_RANK.get(flag.severity, 0)
        risks[flag.client_id] = max(risks.get(flag.client_id, 0), rank)
    return risks


def build_worklist(
    user: Any,
    *,
    program_id: int | None = None,
    client_id: int | None = None,
    kinds: Iterable[str] = (),
    now: datetime | None = None,
) -> list[WorklistItem]:
    """The user's worklist, filtered and ordered; only items about clients they may see."""
    ctx = WorklistContext(
        user=user,
        now=now or timezone.now(),
        program_id=program_id,
        client_id=client_id,
        kinds=frozenset(kinds),
        caseload=caseload_of(user),
    )
    items: list[WorklistItem] = []
    for source in (*BUILTIN, *plugin_sources()):
        items.extend(item for item in source(ctx) if ctx.wants(item.kind))
    if program_id is not None:
        items = [i for i in items if i.program_id == program_id]
    if client_id is not None:
        items = [i for i in items if i.client_id == client_id]
    return _with_clients(user, items)


def _with_clients(user: Any, items: list[WorklistItem]) -> list[WorklistItem]:
    """Names and risk of the items' clients; items about clients the user cannot see go."""
    ids = {i.client_id for i in items if i.client_id}
    visible = {
        c.pk: c
        for c in Client.objects.visible_to(user)
        .filter(pk__in=ids)
        .only("id", "given_name", "family_name", "preferred_name", "organization_id")
    }
    risks = client_risks(visible)
    kept = []
    for item in items:
        if item.client_id and item.client_id not in visible:
            continue
        if item.client_id:
            client = visible[item.client_id]
            item = _replace(
                item, client_name=client.display_name, client_risk=risks.get(client.pk, 0)
            )
        kept.append(item)
    return sorted(kept, key=WorklistItem.sort_key)


def _replace(item: WorklistItem, **changes: Any) -> WorklistItem:
    from dataclasses import replace

    return replace(item, **changes)

"""Skill evidence from what Casework records about a staff member's casework: case notes,
tasks and crisis follow-ups.

Two kinds, never turned into a score:

* facts beside each skill: counts over the last 12 months (notes signed within 24 hours of
  the service, tasks done by their due time, crisis follow-ups done on time). Counts name
  no client.
* records linked to a skill in a review, chosen by the staff member or the reviewer. Each is
  shown to a viewer through the record's own gate (``access_note`` / ``access_task``): the
  client's name and a link only when that viewer may read the record, with the read audited
  there; otherwise only the date and kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.dateformat import format as date_format

from casework.accounts.access import access_for
from casework.accounts.models import User
from casework.casenotes.models import CaseNote, NoteStatus
from casework.casenotes.permissions import access_note
from casework.core.exceptions import NotFound
from casework.plans.models import PlanVersion, ServicePlan
from casework.plans.queries import plan_reviews_due
from casework.referrals.models import OPEN_STATUSES, Referral
from casework.scheduling.models import Task, TaskKind, TaskStatus
from casework.scheduling.permissions import access_task, tasks_visible_to

SIGN_WITHIN = timedelta(hours=24)
CANDIDATE_LIMIT = 60


class Source:
    CASE_NOTE = "case_note"
    TASK = "task"
    CHOICES = (("case_note", "Case note"), ("task", "Task"))


def _since(day: date) -> datetime:
    start = day - timedelta(days=365)
    return timezone.make_aware(datetime(start.year, start.month, start.day))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


# --- facts beside each skill -------------------------------------------------------------------


def _note_facts(staff: User, since: datetime) -> list[str]:
    notes = CaseNote.objects.filter(author=staff, service_at__gte=since)
    counts = notes.aggregate(
        signed=Count("pk", filter=Q(status=NoteStatus.SIGNED)),
        on_time=Count(
            "pk",
            filter=Q(status=NoteStatus.SIGNED, signed_at__lte=F("service_at") + SIGN_WITHIN),
        ),
        late_drafts=Count(
            "pk",
            filter=Q(status=NoteStatus.DRAFT, service_at__lt=timezone.now() - SIGN_WITHIN),
        ),
    )
    if not counts["signed"] and not counts["late_drafts"]:
        return ["No case notes in the last 12 months"]
    lines = [
        f"{counts['on_time']} of {_plural(counts['signed'], 'signed case note')} signed within "
        "24 hours of the service (last 12 months)"
    ]
    if counts["late_drafts"]:
        lines.append(
            f"{_plural(counts['late_drafts'], 'draft note')} more than 24 hours after the service"
        )
    return lines


def _task_counts(tasks: Any, now: datetime) -> dict[str, int]:
    counts: dict[str, int] = tasks.aggregate(
        due=Count("pk", filter=~Q(status=TaskStatus.CANCELLED)),
        on_time=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__lte=F("due_at"))),
        late=Count("pk", filter=Q(status=TaskStatus.DONE, completed_at__gt=F("due_at"))),
        overdue=Count("pk", filter=Q(status=TaskStatus.OPEN, due_at__lt=now)),
    )
    return counts


def _task_facts(staff: User, since: datetime, now: datetime) -> tuple[list[str], list[str]]:
    # Tasks due in the window so far, and those already done ahead of a later due time.
    mine = Task.objects.filter(assignee=staff, due_at__gte=since).filter(
        Q(due_at__lte=now) | Q(status=TaskStatus.DONE)
    )
    general = _task_counts(mine.exclude(kind=TaskKind.CRISIS_FOLLOW_UP), now)
    crisis = _task_counts(mine.filter(kind=TaskKind.CRISIS_FOLLOW_UP), now)
    overdue_now = Task.objects.filter(assignee=staff).overdue(now).count()
    organization = [
        f"{general['on_time']} of {_plural(general['due'], 'task')} due in the last 12 months "
        f"done by the due time; {general['late']} done late",
        f"{_plural(overdue_now, 'task')} overdue now",
    ]
    if crisis["due"]:
        follow_ups = [
            f"{crisis['on_time']} of {_plural(crisis['due'], 'crisis follow-up')} done within "
            f"the time set (last 12 months); {crisis['late']} late, {crisis['overdue']} overdue"
        ]
    else:
        follow_ups = ["No crisis follow-ups in the last 12 months"]
    return organization, follow_ups


def _plan_review_facts(staff: User, day: date) -> list[str]:
    """Reviews of the service plans of the staff member's caseload in the last 12 months,
    each on time when done by the date the reviewed version set, and the plans overdue now."""
    plans = ServicePlan.objects.filter(enrollment__primary_case_manager=staff)
    reviewed = list(
        PlanVersion.objects.filter(
            plan__in=plans, reviewed_on__gt=day - timedelta(days=365), reviewed_on__lte=day
        ).values_list("plan_id", "number", "reviewed_on")
    )
    due_by: dict[tuple[int, int], date | None] = {
        (plan_id, number): due
        for plan_id, number, due in PlanVersion.objects.filter(
            plan_id__in={plan_id for plan_id, _, _ in reviewed}
        ).values_list("plan_id", "number", "review_due")
    }
    on_time = 0
    for plan_id, number, reviewed_on in reviewed:
        due = due_by.get((plan_id, number - 1))
        on_time += int(due is None or (reviewed_on is not None and reviewed_on <= due))
    caseload = dict(plans.values_list("pk", "client_id"))
    overdue = sum(
        1
        for row in plan_reviews_due(client_ids=set(caseload.values()), on=day)
        if row["overdue"] and row["plan_id"] in caseload
    )
    lines = (
        [
            f"{on_time} of {_plural(len(reviewed), 'service plan review')} in the last 12 "
            f"months done by the review date; {len(reviewed) - on_time} late"
        ]
        if reviewed
        else ["No service plan reviews in the last 12 months"]
    )
    return [*lines, f"{_plural(overdue, 'service plan')} overdue for review now"]


def _referral_facts(staff: User, since: datetime) -> list[str]:
    """The referrals the staff member sent in the last 12 months, and how many were followed
    to a recorded outcome (service delivered or not, enrolled or not)."""
    counts = Referral.objects.filter(referred_by=staff, requested_at__gte=since).aggregate(
        sent=Count("pk"),
        outcome=Count("pk", filter=Q(service_delivered__isnull=False) | Q(enrolled__isnull=False)),
        still_open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    if not counts["sent"]:
        return ["No referrals sent in the last 12 months"]
    return [
        f"{counts['outcome']} of {_plural(counts['sent'], 'referral')} sent in the last 12 "
        f"months followed to a recorded outcome; {counts['still_open']} still open"
    ]


def skill_facts(staff: User, *, today: date | None = None) -> dict[str, list[str]]:
    """Counts from the staff member's notes, tasks, plan reviews and referrals, by the skill
    they inform."""
    day = today or timezone.localdate()
    since, now = _since(day), timezone.now()
    organization, crisis = _task_facts(staff, since, now)
    return {
        "documentation": _note_facts(staff, since),
        "organization": [*organization, *_plan_review_facts(staff, day)],
        "crisis": crisis,
        "advocacy": _referral_facts(staff, since),
    }


# --- records a reviewer may link -------------------------------------------------------------


def _note_label(note: CaseNote) -> str:
    delay = note.signed_at - note.service_at if note.signed_at else None
    hours = int(delay.total_seconds() // 3600) if delay is not None else None
    signed = "" if hours is None else f", signed {_plural(max(hours, 0), 'hour')} after"
    service = date_format(timezone.localtime(note.service_at), "M j, Y")
    return f"{note.get_note_type_display()}, service {service}{signed}"


def _task_label(task: Task) -> str:
    due = date_format(timezone.localtime(task.due_at), "M j, Y")
    kind = task.get_kind_display()
    if task.status == TaskStatus.DONE and task.completed_at:
        late = task.completed_at > task.due_at
        state = "done late" if late else "done on time"
    elif task.status == TaskStatus.OPEN:
        state = "overdue" if task.due_at < timezone.now() else "open"
    else:
        state = task.get_status_display().lower()
    return f"{kind}, due {due}: {state}"


def candidates(actor: Any, staff: User, *, today: date | None = None) -> list[tuple[str, str]]:
    """The staff member's notes and tasks of the last 12 months that ``actor`` may see, as
    (``source:id``, label) choices. Labels carry the kind and dates only, never the client."""
    since = _since(today or timezone.localdate())
    access = access_for(actor)
    notes = (
        CaseNote.objects.filter(author=staff, status=NoteStatus.SIGNED, service_at__gte=since)
        .filter(
            Q(program_id__in=access.program_ids) | Q(organization_id__in=access.org_wide_org_ids)
        )
        .order_by("-service_at")[:CANDIDATE_LIMIT]
    )
    tasks = (
        tasks_visible_to(actor)
        .filter(assignee=staff, due_at__gte=since)
        .filter(Q(due_at__lte=timezone.now()) | Q(status=TaskStatus.DONE))
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("-due_at")[:CANDIDATE_LIMIT]
    )
    return [
        *((f"{Source.CASE_NOTE}:{n.pk}", f"Case note: {_note_label(n)}") for n in notes),
        *((f"{Source.TASK}:{t.pk}", _task_label(t)) for t in tasks),
    ]


def load_record(viewer: Any, source: str, source_id: int, *, audit: bool) -> Any:
    """The note or task through its own gate (NotFound when ``viewer`` may not read it)."""
    if source == Source.CASE_NOTE:
        return access_note(viewer, source_id, audit=audit)
    if source == Source.TASK:
        return access_task(viewer, source_id, audit=audit)
    raise NotFound("evidence")


def owned_by(record: Any, staff: User) -> bool:
    """Whether the record is the staff member's own work."""
    if isinstance(record, CaseNote):
        return record.author_id == staff.pk and record.status == NoteStatus.SIGNED
    return bool(record.assignee_id == staff.pk)


@dataclass(frozen=True)
class ShownEvidence:
    pk: int
    skill_code: str
    source: str
    record_id: int | None  # None when the viewer may not open the record
    label: str
    comment: str
    added_by: str
    client: str  # empty when the viewer may not see the client
    url: str  # empty when the viewer may not open the record


def shown_to(viewer: Any, links: Any) -> dict[str, list[ShownEvidence]]:
    """Linked records by skill, as ``viewer`` may see them; each opened record is audited
    as a read by its own gate."""
    from django.urls import reverse

    by_skill: dict[str, list[ShownEvidence]] = {}
    for link in links:
        record: Any = None
        try:
            record = load_record(viewer, link.source, link.source_id, audit=True)
        except NotFound:
            record = None
        if record is None:
            label, client, url = _hidden_label(link), "", ""
        elif isinstance(record, CaseNote):
            label = f"Case note: {_note_label(record)}"
            client, url = record.client.display_name, reverse("web:note_detail", args=[record.pk])
        else:
            label = _task_label(record)
            client = record.client.display_name if record.client_id else ""
            url = reverse("web:task_detail", args=[record.pk])
        by_skill.setdefault(link.skill_code, []).append(
            ShownEvidence(
                pk=link.pk,
                skill_code=link.skill_code,
                source=link.source,
                record_id=link.source_id if record is not None else None,
                label=label,
                comment=link.comment,
                added_by=str(link.added_by),
                client=client,
                url=url,
            )
        )
    return by_skill


def _hidden_label(link: Any) -> str:
    """What a viewer who may not read the record sees: its kind, nothing about the client."""
    kind = "A case note" if link.source == Source.CASE_NOTE else "A task"
    return f"{kind} of a client you do not have access to"

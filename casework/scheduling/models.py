"""Tasks with reminders and recurrence, appointments with attendance, and calendar feeds.

A task or appointment about a client carries the client's organization (the tenant key) and
the program it was made in; a free-standing task has neither client nor program and belongs
to its assignee alone. Reading either goes through ``scheduling.permissions``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.models import Client
from casework.core.models import VersionedModel

USER = settings.AUTH_USER_MODEL


class Priority(models.IntegerChoices):
    """Higher is more urgent; the worklist sorts on it."""

    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class TaskKind(models.TextChoices):
    """Why the task exists; tasks the system makes say so."""

    GENERAL = "general", "Task"
    NO_SHOW_FOLLOW_UP = "no_show_follow_up", "No-show follow-up"
    CRISIS_FOLLOW_UP = "crisis_follow_up", "Crisis follow-up"
    CRISIS_REASSESSMENT = "crisis_reassessment", "Crisis re-assessment"
    TRANSFER = "transfer", "Transfer"


class TaskQuerySet(models.QuerySet["Task"]):
    def open(self) -> TaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, now: object = None) -> TaskQuerySet:
        """The one definition of overdue: open, with a due time that has passed."""
        return self.open().filter(due_at__lt=now or timezone.now())


class Task(VersionedModel):
    """Something a person must do, on a client or free-standing.

    ``recurrence`` is an iCalendar RRULE (RFC 5545), e.g. ``FREQ=WEEKLY;COUNT=4``: completing
    one occurrence opens the next. ``checklist`` is ``[{"text": str, "done": bool}]``.
    ``goal_id`` and ``referral_id`` name a plan goal or referral once those apps link here.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="tasks", null=True, blank=True
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    kind = models.CharField(max_length=24, choices=TaskKind.choices, default=TaskKind.GENERAL)
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    assignee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="tasks")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    recurrence = models.CharField(max_length=200, blank=True, help_text="RFC 5545 RRULE")
    series_start = models.DateTimeField(
        null=True, blank=True, help_text="The first occurrence's due time: the rule counts from it."
    )
    checklist = models.JSONField(default=list, blank=True)
    reminder_minutes = models.JSONField(
        default=list, blank=True, help_text="Minutes before the due time to remind the assignee."
    )
    appointment = models.ForeignKey(
        "Appointment", on_delete=models.PROTECT, related_name="tasks", null=True, blank=True
    )
    goal_id = models.PositiveBigIntegerField(null=True, blank=True)
    referral_id = models.PositiveBigIntegerField(null=True, blank=True)
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_occurrence"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="task_assignee_due"),
            models.Index(fields=["client", "status"], name="task_client_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=TaskKind.values), name="task_kind_valid"),
            models.CheckConstraint(
                condition=Q(priority__gte=1, priority__lte=4), name="task_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=True) | Q(program__isnull=False),
                name="task_client_needs_program",
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False),
                name="task_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at < timezone.now()


class TaskReminder(models.Model):
    """One reminder of one task at one time; ``sent_at`` makes sending idempotent."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    remind_at = models.DateTimeField()
    due_at = models.DateTimeField(help_text="The task's due time this reminder was made for.")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remind_at"]
        constraints = [
            models.UniqueConstraint(fields=["task", "remind_at"], name="reminder_unique_time")
        ]

    def __str__(self) -> str:
        return f"Reminder {self.remind_at:%Y-%m-%d %H:%M}"


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"


class Attendance(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    CANCELLED_CLIENT = "cancelled_client", "Cancelled by client"
    CANCELLED_STAFF = "cancelled_staff", "Cancelled by staff"
    RESCHEDULED = "rescheduled", "Rescheduled"


ACTIVE_ATTENDANCE = (Attendance.SCHEDULED, Attendance.ATTENDED)


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def overlapping(
        self, worker_id: int, starts_at: object, ends_at: object
    ) -> AppointmentQuerySet:
        """The worker's scheduled or attended appointments that overlap the interval."""
        return self.filter(
            worker_id=worker_id,
            attendance__in=ACTIVE_ATTENDANCE,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )


class Appointment(VersionedModel):
    """A meeting with a client (and optionally an outside provider) kept by one worker."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="appointments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="appointments")
    provider = models.CharField(max_length=200, blank=True, help_text="An outside provider.")
    mode = models.CharField(max_length=10, choices=AppointmentMode.choices)
    place = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    ends_at = models.DateTimeField(editable=False)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.SCHEDULED
    )
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["worker", "starts_at"], name="appointment_worker_start"),
            models.Index(fields=["client", "starts_at"], name="appointment_client_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance__in=Attendance.values), name="appointment_attendance_valid"
            ),
            models.CheckConstraint(
                condition=Q(mode__in=AppointmentMode.values), name="appointment_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="appointment_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="appointment_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.ends_at = self.starts_at + timedelta(minutes=self.duration_minutes)
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own signature


class CalendarFeedToken(models.Model):
    """A private iCalendar feed URL's secret; only its hash is kept, revoking ends it."""

    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="calendar_feeds")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of user {self.user_id}"

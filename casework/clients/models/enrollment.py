"""Enrollments: a client's participation in a program, and its lifecycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.models.client import Client
from casework.clients.models.codes import ClosureReason, Destination
from casework.core.models import VersionedModel


class EnrollmentStatus(models.TextChoices):
    REFERRED = "referred", "Referred"
    WAITLISTED = "waitlisted", "Waitlisted"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CLOSED = "closed", "Closed"


OPEN_ENROLLMENT_STATUSES = (
    EnrollmentStatus.REFERRED,
    EnrollmentStatus.WAITLISTED,
    EnrollmentStatus.ACTIVE,
    EnrollmentStatus.ON_HOLD,
)


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def open(self) -> EnrollmentQuerySet:
        return self.filter(status__in=OPEN_ENROLLMENT_STATUSES)

    def visible_to(self, user: object) -> EnrollmentQuerySet:
        """Enrollments in programs the user works in, or in organizations they see whole.

        The one rule for showing enrollments: that a client is also in, say, a
        mental-health program is not the business of every reader of their record. (The
        client itself is checked by its own gate or ``Client.objects.visible_to``.)
        """
        from casework.accounts.access import access_for

        access = access_for(user)
        return self.filter(
            Q(organization_id__in=access.org_wide_org_ids) | Q(program_id__in=access.program_ids)
        )


class Enrollment(VersionedModel):
    """A client's participation in one program, with its primary case manager."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="enrollments"
    )
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="enrollments")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(
        max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE
    )
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)
    primary_case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_enrollments",
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    closure_reason = models.CharField(max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.CharField(max_length=300, blank=True)
    destination = models.PositiveSmallIntegerField(
        choices=Destination.choices, null=True, blank=True, help_text="HMIS 3.12, at exit"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["primary_case_manager", "status"], name="enrollment_cm_status"),
            models.Index(fields=["program", "status"], name="enrollment_program_status"),
            models.Index(fields=["client", "program"], name="enrollment_client_program"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=EnrollmentStatus.values), name="enrollment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="enrollment_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | (Q(closure_reason="") & Q(destination__isnull=True)),
                name="enrollment_closure_only_when_closed",
            ),
            models.UniqueConstraint(
                fields=["client", "program"],
                condition=Q(status__in=["referred", "waitlisted", "active", "on_hold"]),
                name="enrollment_one_open_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} in {self.program}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ENROLLMENT_STATUSES

    @property
    def waitlist_position(self) -> int | None:
        """1 for the longest-waiting client of the program; None when not waitlisted."""
        if self.status != EnrollmentStatus.WAITLISTED or self.waitlisted_at is None:
            return None
        ahead = Enrollment.objects.filter(
            program_id=self.program_id,
            status=EnrollmentStatus.WAITLISTED,
            waitlisted_at__lt=self.waitlisted_at,
        ).count()
        return ahead + 1

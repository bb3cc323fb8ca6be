"""Service plans: one per enrollment, in versions; needs, goals, objectives, interventions.

A version is drafted, optionally submitted and approved by a supervisor (where the program
requires it), then signed (or marked not signed, with the reason) and from then on frozen:
the database refuses changes to a signed version and to its needs, goals, objectives and
interventions. A review creates the next version, carrying each goal forward (same
``key``) with the progress recorded at the review.

Practice-area parts (discharge plan, IPE, safety plan, housing stability plan) live in the
version's ``sections``, validated by ``casework.plans.sections``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.accounts.models import Organization, Program
from casework.assessments.models import Assessment
from casework.clients.models import Client, Enrollment
from casework.core.models import TimeStampedModel, VersionedModel


class PlanSettings(TimeStampedModel):
    """A program's plan rules: how often plans are reviewed, whether a supervisor approves."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="plan_settings")
    review_interval_days = models.PositiveSmallIntegerField(default=90)
    requires_approval = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Plan settings of {self.program}"


class ServicePlan(VersionedModel):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="service_plans")
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="service_plan"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Service plan {self.pk}"

    @property
    def latest(self) -> PlanVersion:
        return self.versions.order_by("-number").first()  # type: ignore[return-value]

    @property
    def current_signed(self) -> PlanVersion | None:
        return self.versions.filter(signed_at__isnull=False).order_by("-number").first()


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for supervisor approval"
    RETURNED = "returned", "Returned with comments"
    APPROVED = "approved", "Approved"
    SIGNED = "signed", "Agreed and signed"


class SignatureMethod(models.TextChoices):
    DRAWN = "drawn", "Drawn signature"
    TYPED = "typed", "Typed name"
    NOT_SIGNED = "not_signed", "Not signed (reason recorded)"


class PlanVersion(TimeStampedModel):
    plan = models.ForeignKey(ServicePlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    review_due = models.DateField(null=True, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    sections = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supervisor_comment = models.TextField(blank=True)
    signature_method = models.CharField(max_length=12, choices=SignatureMethod.choices, blank=True)
    signature_image = models.TextField(blank=True)  # SVG path data from the signature pad
    signed_name = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    not_signed_reason = models.CharField(max_length=300, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planversion_unique_number"),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(status="signed"),
                name="planversion_signed_status",
            ),
            models.CheckConstraint(
                condition=~Q(signature_method="not_signed") | ~Q(not_signed_reason=""),
                name="planversion_not_signed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} version {self.number}"

    @property
    def is_locked(self) -> bool:
        return self.signed_at is not None


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class GoalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    ACHIEVED = "achieved", "Achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"
    CANCELLED = "cancelled", "Cancelled"


class Progress(models.TextChoices):
    """The progress rating a review records for each goal."""

    NO_PROGRESS = "no_progress", "No progress"
    SOME = "some", "Some progress"
    GOOD = "good", "Good progress"
    ACHIEVED = "achieved", "Achieved"
    WORSE = "worse", "Got worse"


class Need(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="needs")
    domain = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.domain


class Goal(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="goals")
    key = models.UUIDField(default=uuid.uuid4)  # the same goal across versions
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="goals"
    )
    client_words = models.TextField(blank=True)
    measurable = models.TextField(blank=True)
    target_date = models.DateField(null=True, blank=True)
    priority = models.CharField(max_length=6, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(
        max_length=12, choices=GoalStatus.choices, default=GoalStatus.PROPOSED
    )
    progress = models.CharField(max_length=12, choices=Progress.choices, blank=True)
    progress_note = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="goal_unique_key_in_version"),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.client_words[:60] or self.measurable[:60] or "Goal"


class Objective(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField()
    target_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class Responsible(models.TextChoices):
    CLIENT = "client", "Client"
    CASE_MANAGER = "case_manager", "Case manager"
    PROVIDER = "provider", "Named provider"
    ORGANIZATION = "organization", "Organization"


class Intervention(models.Model):
    """A service or action toward a goal: what, how often, who.

    Referrals (another app) link to an intervention by its ``key``, which stays the same
    when a review carries the intervention into the next version.
    """

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="interventions")
    key = models.UUIDField(default=uuid.uuid4)
    what = models.TextField()
    frequency = models.CharField(max_length=100, blank=True)
    responsible = models.CharField(max_length=12, choices=Responsible.choices)
    responsible_name = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible__in=Responsible.values),
                name="intervention_responsible_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:60]

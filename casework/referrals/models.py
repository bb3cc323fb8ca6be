"""Closed-loop referrals: to a directory service of a partner, or between programs.

The lifecycle is the referral Task of the HL7 Gravity Project SDOH Clinical Care IG
(SDOHCC-TaskForReferralManagement, STU 2.3, 2024; FHIR R4 Task.status without ``ready`` and
``received``); :mod:`casework.referrals.lifecycle` holds its transitions and who may make each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.core.models import VersionedModel


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"
    IN_PROGRESS = "in-progress", "In progress"
    ON_HOLD = "on-hold", "On hold"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"
    ENTERED_IN_ERROR = "entered-in-error", "Entered in error"


OPEN_STATUSES = frozenset(
    {Status.DRAFT, Status.REQUESTED, Status.ACCEPTED, Status.IN_PROGRESS, Status.ON_HOLD}
)
# Waiting for the receiving side to answer (the response clock runs).
AWAITING_RESPONSE = frozenset({Status.REQUESTED})


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"
    ASAP = "asap", "As soon as possible"


class Side(models.TextChoices):
    REFERRER = "referrer", "Referring side"
    RECEIVER = "receiver", "Receiving side"


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Referral(VersionedModel):
    """A referral of one client, for one need, to a service (or a program of the agency)."""

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="referrals")
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_sent",
        help_text="The referring agency (the client's organization): the tenant key.",
    )
    referring_program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    recipient_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="referrals_received",
        help_text="The organization whose users answer the referral.",
    )
    recipient_program = models.ForeignKey(
        "accounts.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_received",
        help_text="For a referral between programs of one agency.",
    )
    need_category = models.CharField(
        max_length=60, blank=True, help_text="SDOH category code of the need (Gravity Project)."
    )
    plan_intervention_key = models.UUIDField(
        null=True,
        blank=True,
        db_index=True,
        help_text="The service-plan intervention it carries out (plans.Intervention.key, "
        "stable across plan versions).",
    )
    need = models.CharField(max_length=300, blank=True)
    reason = models.TextField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    shared_categories = models.JSONField(
        default=list, help_text="Consent categories of client information shared with it."
    )
    consent = models.ForeignKey(
        "clients.Consent",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text="The consent in force that covered the sharing when it was sent.",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    service_delivered = models.BooleanField(null=True, blank=True)
    enrolled = models.BooleanField(null=True, blank=True)
    outcome_note = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="0 none; 1 referring worker told; 2 supervisor told."
    )

    objects = ReferralQuerySet.as_manager()
    #: set by ``access_referral``: the sides on which the loading user may act
    sides: frozenset[str] = frozenset()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["recipient_organization", "status", "-created_at"], name="referral_inbox"
            ),
            models.Index(fields=["referred_by", "status"], name="referral_worker"),
            models.Index(fields=["status", "requested_at"], name="referral_clock"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="referral_status"),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="referral_urgency"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.REJECTED, Status.CANCELLED]) | ~Q(status_reason=""),
                name="referral_reason_when_refused",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} to {self.recipient_label}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_program_id:
            return str(self.recipient_program)
        if self.service_id:
            return f"{self.service} ({self.recipient_organization})"
        return str(self.recipient_organization)

    @property
    def need_label(self) -> str:
        """The need in words: the worker's own, else the category's name."""
        from casework.resources.search import NEED_CATEGORIES

        return self.need or NEED_CATEGORIES.get(self.need_category, self.need_category)

    @property
    def is_internal(self) -> bool:
        return self.recipient_program_id is not None


class StatusChange(models.Model):
    """One step of a referral's status history: who, which side, when, and why."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    side = models.CharField(max_length=10, choices=Side.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    source = models.CharField(max_length=10, default="web", help_text="web, api or fhir")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"


class Message(models.Model):
    """A message between the two sides of a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=10, choices=Side.choices)
    body = models.TextField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"Message {self.pk} on referral {self.referral_id}"


class Attachment(models.Model):
    """A document sent with a referral (shared with the receiving side)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="referrals/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class ResponseClock(models.Model):
    """How many business days a program's referrals wait for an answer before escalating."""

    program = models.OneToOneField(
        "accounts.Program", on_delete=models.CASCADE, related_name="referral_clock"
    )
    business_days = models.PositiveSmallIntegerField(default=3)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(business_days__gte=1), name="clock_at_least_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.program}: {self.business_days} business days"

"""Caseload data: crisis events, and each program's caseload settings (on-call contact,
no-contact threshold, acuity weights)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.accounts.models import Organization, Program
from casework.clients.models import Client
from casework.core.models import VersionedModel

USER = settings.AUTH_USER_MODEL


class CrisisKind(models.TextChoices):
    SUICIDE_RISK = "suicide_risk", "Suicide risk"
    VIOLENCE = "violence", "Violence"
    HOUSING_LOSS = "housing_loss", "Housing loss"
    MEDICAL = "medical", "Medical"
    OVERDOSE = "overdose", "Overdose"
    MISSING_PERSON = "missing_person", "Missing person"
    OTHER = "other", "Other"


class Severity(models.IntegerChoices):
    """Shared by crises and worklist items: higher sorts first."""

    LOW = 1, "Low"
    MODERATE = 2, "Moderate"
    HIGH = 3, "High"
    CRITICAL = 4, "Critical"


class CrisisQuerySet(models.QuerySet["CrisisEvent"]):
    def open(self) -> CrisisQuerySet:
        return self.filter(resolved_at__isnull=True)


class CrisisEvent(VersionedModel):
    """A crisis reported on a client: what happened, what was done, until it is resolved."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="crisis_events")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=CrisisKind.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices)
    what_happened = models.TextField()
    actions_taken = models.TextField(blank=True)
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    follow_up_task_id = models.PositiveBigIntegerField(null=True, blank=True)
    reassessment_task_id = models.PositiveBigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    resolution = models.TextField(blank=True)

    objects = CrisisQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["client", "resolved_at"], name="crisis_client_open"),
            models.Index(fields=["program", "reported_at"], name="crisis_program_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CrisisKind.values), name="crisis_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__gte=1, severity__lte=4), name="crisis_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="crisis_resolution_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_severity_display()})"


class ProgramCaseloadSettings(models.Model):
    """A program's caseload settings; a program without a row uses the defaults."""

    program = models.OneToOneField(
        Program, on_delete=models.PROTECT, related_name="caseload_settings"
    )
    on_call = models.ForeignKey(
        USER,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Alerted at once, with the supervisors, when a crisis is reported.",
    )
    no_contact_days = models.PositiveSmallIntegerField(
        default=30, help_text="A client with no contact for this long appears on the worklist."
    )
    client_weight = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=1,
        help_text="Load of one client of this program, before acuity (1 = a typical client).",
    )
    severity_weights = models.JSONField(
        default=dict,
        blank=True,
        help_text='Extra load per open crisis by severity, e.g. {"3": 1.0, "4": 2.0}.',
    )
    flag_weights = models.JSONField(
        default=dict,
        blank=True,
        help_text='Extra load per open risk flag by severity, e.g. {"high": 0.5}.',
    )
    weights_changed_at = models.DateTimeField(null=True, blank=True)
    weights_changed_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(no_contact_days__gte=1), name="caseload_no_contact_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(client_weight__gt=0), name="caseload_weight_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Caseload settings of {self.program}"


class CareTeamRole(models.TextChoices):
    PRIMARY_CASE_MANAGER = "primary_case_manager", "Primary case manager"
    SUPERVISOR = "supervisor", "Supervisor"
    NURSE = "nurse", "Nurse"
    JOB_COACH = "job_coach", "Job coach"
    PEER_SPECIALIST = "peer_specialist", "Peer specialist"
    PRIMARY_CARE = "primary_care", "Primary care provider"
    PSYCHIATRIST = "psychiatrist", "Psychiatrist"
    THERAPIST = "therapist", "Therapist"
    LANDLORD = "landlord", "Landlord"
    PROBATION_OFFICER = "probation_officer", "Probation officer"
    OTHER = "other", "Other"


class CareTeamMember(models.Model):
    """Someone on a client's care team: a staff member (``user``), or an outside person
    with their contacts. What may be shared with an outsider depends on a consent in force
    naming them (``caseload.careteam.sharing_consent``), checked each time, never stored."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="care_team")
    role = models.CharField(max_length=24, choices=CareTeamRole.choices)
    user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="care_teams"
    )
    name = models.CharField(max_length=150, blank=True)
    agency = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ended_at", "role", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=CareTeamRole.values), name="careteam_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(name=""), name="careteam_member_named"
            ),
        ]

    def __str__(self) -> str:
        return self.name or str(self.user)

    @property
    def external(self) -> bool:
        return self.user_id is None


class TransferStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the receiving case manager"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Withdrawn"


class Transfer(models.Model):
    """A handoff of one enrollment (a client in a program) to another case manager.

    Asked for by the current case manager or a supervisor with a summary taken at that
    moment (goals, open tasks, risks, upcoming appointments); pending until the receiver
    accepts (then the assignment changes and what is open moves, see
    ``caseload.transfers``) or declines with a reason."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="transfers")
    enrollment = models.ForeignKey(
        "clients.Enrollment", on_delete=models.PROTECT, related_name="transfers"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="+")
    from_user = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="transfers_received")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=500)
    handoff_note = models.TextField(blank=True)
    summary = models.JSONField(default=dict)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    moved = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["to_user", "status"], name="transfer_receiver_status"),
            models.Index(fields=["program", "status"], name="transfer_program_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=TransferStatus.values), name="transfer_status_valid"
            ),
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_enrollment",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="transfer_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk} ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == TransferStatus.PENDING

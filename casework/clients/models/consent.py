"""Consent to release information, and emergency (break-the-glass) access."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.models.client import Client
from casework.core.models import VersionedModel


class ConsentCategory(models.TextChoices):
    """Kinds of information a consent can release (issue 3; 42 CFR Part 2 for substance use)."""

    GENERAL = "general", "General (identity, contact, enrollment)"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use disorder (42 CFR Part 2)"
    HIV = "hiv", "HIV/AIDS"
    DOMESTIC_VIOLENCE = "domestic_violence", "Domestic violence"
    EDUCATION = "education", "Education records"


# Consents dated before this are refused as implausible (a typo for 2019, not 1919).
EARLIEST_CONSENT_DATE = datetime.date(1900, 1, 1)


class ExpiryEvent(models.TextChoices):
    """What ends a consent besides (or instead of) a date (42 CFR 2.31(a)(7)).

    The first three Casework observes and enforces itself, the moment they happen
    (``clients.consent.consent_events_on_enrollment_closed``). ``other`` is an event Casework
    cannot see: it needs a review date, when the case manager is asked whether it happened.
    """

    NONE = "", "No event (a date, or none)"
    ENROLLMENT_CLOSED = "enrollment_closed", "The named enrollment closes"
    TREATMENT_ENDED = "treatment_ended", "Treatment in the disclosing program ends"
    CLIENT_DIED = "client_died", "The client dies"
    OTHER = "other", "Another event, reviewed on a date"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: object = None) -> ConsentQuerySet:
        """Signed, not revoked, not ended by its expiry event, effective and not expired."""
        today = on or timezone.localdate()
        return self.filter(
            revoked_at__isnull=True, ended_at__isnull=True, effective_date__lte=today
        ).filter(Q(expiry_date__isnull=True) | Q(expiry_date__gte=today))

    def to_recipient(self, *, organization_ids: object, program_ids: object) -> ConsentQuerySet:
        return self.filter(
            Q(recipient_organization_id__in=organization_ids, recipient_program__isnull=True)
            | Q(recipient_program_id__in=program_ids)
        )


class Consent(VersionedModel):
    """A client's consent to release information (a release of information, ROI).

    The disclosing party is the client's organization (optionally one program of it); the
    recipient is an organization, one program, or a named person. A consent releases only its
    ``categories``, only between ``effective_date`` and ``expiry_date``, and never after
    ``revoked_at``. Substance-use (Part 2) consents must hold every element of 42 CFR 2.31
    (checked in ``clean``); see DOMAIN.md §5.4.
    """

    class SignatureMethod(models.TextChoices):
        TYPED = "typed", "Typed signature"
        DRAWN = "drawn", "Drawn signature"
        UPLOADED = "uploaded", "Uploaded signed form"

    class Kind(models.TextChoices):
        SINGLE_PURPOSE = "single_purpose", "Single purpose"
        TPO = "tpo", "Treatment, payment and health care operations"
        COUNSELING_NOTES = "counseling_notes", "SUD counseling notes"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    disclosing_program = models.ForeignKey(
        Program,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Leave empty when the whole organization may disclose.",
    )
    recipient_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents_received",
    )
    recipient_program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="consents_received"
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="A named person or class of persons."
    )
    categories = models.JSONField(default=list)
    information_description = models.TextField(
        blank=True, help_text="A specific and meaningful description of the information."
    )
    purpose = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SINGLE_PURPOSE)
    effective_date = models.DateField(default=timezone.localdate)
    expiry_date = models.DateField(null=True, blank=True)
    expiry_event = models.CharField(
        max_length=200, blank=True, help_text='An expiry event, e.g. "end of treatment".'
    )
    expiry_trigger = models.CharField(
        max_length=20, choices=ExpiryEvent.choices, blank=True, default=ExpiryEvent.NONE
    )
    expiry_enrollment = models.ForeignKey(
        "clients.Enrollment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For an enrollment-closes event: the enrollment whose closing ends it.",
    )
    review_date = models.DateField(
        null=True,
        blank=True,
        help_text="For an event Casework cannot observe: when to ask whether it happened.",
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When its expiry event happened (it ends the consent)."
    )
    ended_note = models.CharField(max_length=300, blank=True)
    revocation_instructions = models.TextField(
        blank=True, help_text="How the client revokes: to whom, in what form (42 CFR 2.31)."
    )
    recipient_is_covered_entity = models.BooleanField(
        default=False,
        help_text="The recipient is a HIPAA covered entity or business associate.",
    )
    hipaa_redisclosure_statement = models.TextField(blank=True)
    signature_method = models.CharField(max_length=10, choices=SignatureMethod.choices)
    signed_by_name = models.CharField(max_length=200)
    signer_authority = models.CharField(
        max_length=200, blank=True, help_text="If not the client: guardian, representative, ..."
    )
    signed_on = models.DateField(default=timezone.localdate)
    signature_image = models.TextField(blank=True, help_text="A drawn signature as an SVG path.")
    signed_form = models.FileField(upload_to="consents/%Y/%m/", blank=True)
    revocation_right_acknowledged = models.BooleanField(default=False)
    redisclosure_notice = models.TextField(blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(max_length=300, blank=True)
    expiry_notified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_date", "-id"]
        indexes = [
            models.Index(fields=["client", "revoked_at"], name="consent_client"),
            models.Index(
                fields=["recipient_organization", "revoked_at"], name="consent_recipient_org"
            ),
            models.Index(
                fields=["recipient_program", "revoked_at"], name="consent_recipient_program"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_organization__isnull=False)
                | Q(recipient_program__isnull=False)
                | ~Q(recipient_name=""),
                name="consent_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(expiry_date__isnull=True)
                | Q(expiry_date__gte=models.F("effective_date")),
                name="consent_expiry_after_effective",
            ),
            models.CheckConstraint(
                condition=~Q(expiry_trigger="enrollment_closed")
                | Q(expiry_enrollment__isnull=False),
                name="consent_enrollment_event_names_it",
            ),
            models.CheckConstraint(
                condition=~Q(expiry_trigger="other") | Q(review_date__isnull=False),
                name="consent_other_event_has_review",
            ),
            models.CheckConstraint(
                condition=Q(effective_date__gte=EARLIEST_CONSENT_DATE),
                name="consent_effective_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk} for {self.client}"

    @property
    def recipient_label(self) -> str:
        parts = [str(p) for p in (self.recipient_program, self.recipient_organization) if p]
        if self.recipient_name:
            parts.append(self.recipient_name)
        return ", ".join(parts)

    @property
    def is_part2(self) -> bool:
        return ConsentCategory.SUBSTANCE_USE in (self.categories or [])

    def in_force_on(self, day: object = None) -> bool:
        today = day or timezone.localdate()
        return (
            self.revoked_at is None
            and self.ended_at is None
            and self.effective_date <= today  # type: ignore[operator]
            and (self.expiry_date is None or self.expiry_date >= today)  # type: ignore[operator]
        )


class BreakGlassAccess(models.Model):
    """An emergency, time-limited opening of a record by someone without access.

    HIPAA 164.312(a)(2)(ii), emergency access procedure: a stated reason, a time limit, an
    audit row and an alert to the program's supervisors (``clients.services.break_glass_open``).
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="break_glass")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["user", "client", "expires_at"], name="breakglass_lookup")]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="breakglass_reason_required"),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("opened_at")), name="breakglass_expires_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opened {self.client} until {self.expires_at:%Y-%m-%d %H:%M}"


class ConsentElementSet(models.Model):
    """Which elements a consent must hold when it releases one category of information.

    Element checks are data: the names in ``elements`` map to checks in
    ``clients.consent.ELEMENT_CHECKS``. A set with no ``organization`` ships with Casework
    and applies everywhere; an organization's own set with the same ``key`` replaces it for
    that organization (how an admin edits one). A ``state`` limits a set to organizations
    in that state. The federal Part 2 elements are also enforced in code as a floor.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=ConsentCategory.choices)
    state = models.CharField(max_length=2, blank=True, help_text="USPS state code, or any")
    elements = models.JSONField(default=list)
    source = models.CharField(max_length=300, blank=True, help_text="The rule, with its year.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "key"]
        constraints = [
            # Two partial constraints instead of nulls_distinct=False, which SQLite lacks:
            # one key per agency, and one per shared (agency-less) set.
            models.UniqueConstraint(
                fields=["organization", "key"],
                condition=models.Q(organization__isnull=False),
                name="consent_element_set_org_key",
            ),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(organization__isnull=True),
                name="consent_element_set_shared_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

"""Clients and their enrollments in programs.

Every client-scoped row carries ``organization`` (the tenant key). Visibility is decided
by :meth:`ClientQuerySet.visible_to`; loading one client for display or change goes through
:func:`casework.clients.permissions.access_client`.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.core.models import VersionedModel

if TYPE_CHECKING:
    from casework.accounts.access import UserAccess


def normalize_name(value: str) -> str:
    """Lower-case, accent-free, letters/digits/spaces only: the form names are searched in."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in stripped.lower())
    return " ".join(cleaned.split())


class Sex(models.IntegerChoices):
    """HMIS FY2026 data element 4.21 Sex (DOMAIN.md §3)."""

    FEMALE = 0, "Female"
    MALE = 1, "Male"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class DataQuality(models.IntegerChoices):
    """HMIS 3.01.5 / 3.02.2 / 3.03.2: name, SSN and date-of-birth data quality."""

    FULL = 1, "Full"
    PARTIAL = 2, "Partial or approximate"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class NoYesReasons(models.IntegerChoices):
    """HMIS 1.8 NoYesReasonsForMissingData (used for veteran status)."""

    NO = 0, "No"
    YES = 1, "Yes"
    DOES_NOT_KNOW = 8, "Client doesn't know"
    PREFERS_NOT = 9, "Client prefers not to answer"
    NOT_COLLECTED = 99, "Data not collected"


class Race(models.TextChoices):
    """HMIS FY2026 race and ethnicity flags (Client.csv); several may apply."""

    AM_IND_AK_NATIVE = "AmIndAKNative", "American Indian, Alaska Native, or Indigenous"
    ASIAN = "Asian", "Asian or Asian American"
    BLACK_AF_AMERICAN = "BlackAfAmerican", "Black, African American, or African"
    HISPANIC_LATINAO = "HispanicLatinao", "Hispanic/Latina/o"
    MID_EAST_N_AFRICAN = "MidEastNAfrican", "Middle Eastern or North African"
    NATIVE_HI_PACIFIC = "NativeHIPacific", "Native Hawaiian or Pacific Islander"
    WHITE = "White", "White"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    MAIL = "mail", "Mail"
    IN_PERSON = "in_person", "In person only"


class ClientQuerySet(models.QuerySet["Client"]):
    def active(self) -> ClientQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: object) -> ClientQuerySet:
        """Clients the user may see.

        Through an enrollment in one of their programs; through an organization-wide role
        (org admin, auditor) in the client's organization; through a consent in force that
        names their organization or program as recipient; or through an unexpired
        break-the-glass access. Partner users see no client records here (referrals later
        send them what they need).
        """
        from casework.accounts.access import access_for

        access: UserAccess = access_for(user)
        if access.is_empty:
            return self.none()
        condition: Any = Q(organization_id__in=access.org_wide_org_ids)
        if access.program_ids:
            enrolled = Enrollment.objects.filter(
                client_id=OuterRef("pk"), program_id__in=access.program_ids
            )
            condition |= Exists(enrolled)
        staff_orgs = access.org_wide_org_ids | frozenset(access.program_org.values())
        consented = (
            Consent.objects.in_force()
            .filter(client_id=OuterRef("pk"))
            .to_recipient(organization_ids=staff_orgs, program_ids=access.program_ids)
        )
        glass = BreakGlassAccess.objects.filter(
            client_id=OuterRef("pk"),
            user_id=access.user_id or 0,
            expires_at__gt=timezone.now(),
        )
        return self.filter(condition | Exists(consented) | Exists(glass))

    def search(self, text: str = "", date_of_birth: date | None = None) -> ClientQuerySet:
        """Prefix search on family or given (legal or preferred) name, plus date of birth.

        Each word must start a name part. Prefix matching is written as a range
        (``>= 'smi' AND < 'smi\\uffff'``) so both SQLite and PostgreSQL use the name indexes.
        """
        qs = self
        for word in normalize_name(text).split()[:4]:
            upper = word + "\uffff"
            qs = qs.filter(
                Q(family_name_key__gte=word, family_name_key__lt=upper)
                | Q(given_name_key__gte=word, given_name_key__lt=upper)
                | Q(preferred_name_key__gte=word, preferred_name_key__lt=upper)
            )
        if date_of_birth:
            qs = qs.filter(date_of_birth=date_of_birth)
        return qs


class Client(VersionedModel):
    """A person served by the agency."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="clients")
    given_name = models.CharField("legal first name", max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField("legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.PositiveSmallIntegerField(choices=Sex.choices, default=Sex.NOT_COLLECTED)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField("street address", max_length=200, blank=True)
    address_line2 = models.CharField("apartment, suite, unit", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    name_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.FULL
    )
    dob_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.NOT_COLLECTED
    )
    race_ethnicity = models.JSONField(default=list, blank=True)
    race_none = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        choices=[(code, label) for code, label in DataQuality.choices if code >= 8],
    )
    additional_race_ethnicity = models.CharField(max_length=100, blank=True)
    primary_language = models.CharField(max_length=50, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    veteran_status = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices, default=NoYesReasons.NOT_COLLECTED
    )
    # The SSN is stored only encrypted (core.crypto, a key from the environment); the last
    # four digits are kept apart so the masked form can be shown without decrypting.
    ssn_encrypted = models.TextField(blank=True, editable=False)
    ssn_last4 = models.CharField(max_length=4, blank=True, editable=False)
    ssn_data_quality = models.PositiveSmallIntegerField(
        choices=DataQuality.choices, default=DataQuality.NOT_COLLECTED
    )
    address_confidential = models.BooleanField(
        "confidential address",
        default=False,
        help_text="Hide the address from everyone outside the client's care team.",
    )
    preferred_contact_method = models.CharField(
        max_length=10, choices=ContactMethod.choices, blank=True
    )
    safe_contact_times = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Normalized copies for indexed prefix search; kept in step by save().
    family_name_key = models.CharField(max_length=100, editable=False, default="")
    given_name_key = models.CharField(max_length=100, editable=False, default="")
    preferred_name_key = models.CharField(max_length=100, editable=False, default="")

    objects = ClientQuerySet.as_manager()

    EDITABLE_FIELDS = (
        "given_name",
        "middle_name",
        "family_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "phone",
        "email",
        "address_line1",
        "address_line2",
        "city",
        "state",
        "postal_code",
    )
    # Intake-record fields (issue 3), editable through the same services.
    PROFILE_FIELDS = (
        "pronouns",
        "name_data_quality",
        "dob_data_quality",
        "race_ethnicity",
        "race_none",
        "additional_race_ethnicity",
        "primary_language",
        "interpreter_needed",
        "veteran_status",
        "ssn_data_quality",
        "address_confidential",
        "preferred_contact_method",
        "safe_contact_times",
    )
    ADDRESS_FIELDS = ("address_line1", "address_line2", "city", "state", "postal_code")

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["organization", "family_name_key"], name="client_org_family"),
            models.Index(fields=["organization", "given_name_key"], name="client_org_given"),
            models.Index(
                fields=["organization", "preferred_name_key"], name="client_org_preferred"
            ),
            models.Index(fields=["family_name_key"], name="client_family"),
            models.Index(fields=["given_name_key"], name="client_given"),
            models.Index(fields=["date_of_birth"], name="client_dob"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="client_sex_valid"),
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="client_names_not_blank"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def ssn_masked(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    def refresh_search_keys(self) -> None:
        self.family_name_key = normalize_name(self.family_name)[:100]
        self.given_name_key = normalize_name(self.given_name)[:100]
        self.preferred_name_key = normalize_name(self.preferred_name)[:100]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        errors: dict[str, str] = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth cannot be in the future."
        if self.date_of_birth and self.date_of_birth.year < 1900:
            errors["date_of_birth"] = "Date of birth must be in 1900 or later."
        if self.state and not (len(self.state) == 2 and self.state.isalpha()):
            errors["state"] = "Use the two-letter state code, e.g. NY."
        unknown_races = set(self.race_ethnicity or []) - set(Race.values)
        if not isinstance(self.race_ethnicity, list) or unknown_races:
            errors["race_ethnicity"] = f"Unknown race or ethnicity codes: {sorted(unknown_races)}."
        elif self.race_ethnicity and self.race_none is not None:
            errors["race_none"] = "Leave this empty when a race or ethnicity is recorded."
        if errors:
            raise ValidationError(errors)
        self.state = self.state.upper()

    def save(self, *args: object, **kwargs: object) -> None:
        self.refresh_search_keys()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


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
            models.UniqueConstraint(
                fields=["client", "program"],
                condition=Q(status__in=["referred", "waitlisted", "active", "on_hold"]),
                name="enrollment_one_open_per_program",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client} in {self.program}"


class ConsentCategory(models.TextChoices):
    """Kinds of information a consent can release (issue 3; 42 CFR Part 2 for substance use)."""

    GENERAL = "general", "General (identity, contact, enrollment)"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use disorder (42 CFR Part 2)"
    HIV = "hiv", "HIV/AIDS"
    DOMESTIC_VIOLENCE = "domestic_violence", "Domestic violence"
    EDUCATION = "education", "Education records"


class ConsentQuerySet(models.QuerySet["Consent"]):
    def in_force(self, on: object = None) -> ConsentQuerySet:
        """Signed, not revoked, effective today and not yet expired."""
        today = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, effective_date__lte=today).filter(
            Q(expiry_date__isnull=True) | Q(expiry_date__gte=today)
        )

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

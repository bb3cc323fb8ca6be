"""Clients and their enrollments in programs.

Every client-scoped row carries ``organization`` (the tenant key). Visibility is decided
by :meth:`ClientQuerySet.visible_to`; loading one client for display or change goes through
:func:`casework.clients.permissions.access_client`.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

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


class ClientQuerySet(models.QuerySet["Client"]):
    def active(self) -> ClientQuerySet:
        return self.filter(is_active=True)

    def visible_to(self, user: object) -> ClientQuerySet:
        """Clients the user may see: by enrollment in one of their programs, or org-wide roles."""
        from casework.accounts.access import access_for

        access: UserAccess = access_for(user)
        if access.is_empty:
            return self.none()
        condition = Q(organization_id__in=access.org_wide_org_ids)
        if access.program_ids:
            enrolled = Enrollment.objects.filter(
                client_id=OuterRef("pk"), program_id__in=access.program_ids
            )
            condition |= Exists(enrolled)
        return self.filter(condition)

    def search(self, text: str = "", date_of_birth: object = None) -> ClientQuerySet:
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

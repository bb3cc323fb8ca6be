"""Users, organizations (agencies and partners), programs, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.core.models import TimeStampedModel


class PracticeArea(models.TextChoices):
    HEALTHCARE = "healthcare", "Healthcare"
    MENTAL_HEALTH = "mental_health", "Mental health"
    SOCIAL_SERVICES = "social_services", "Social services"
    VOCATIONAL_REHAB = "vocational_rehab", "Vocational rehabilitation"


class Role(models.TextChoices):
    # Program-level roles: held in one program.
    CASE_MANAGER = "case_manager", "Case manager"
    SUPERVISOR = "supervisor", "Supervisor"
    INTAKE_WORKER = "intake_worker", "Intake worker"
    PROGRAM_ADMIN = "program_admin", "Program admin"
    # Organization-level roles: held across one organization.
    ORG_ADMIN = "org_admin", "Organization admin"
    AUDITOR = "auditor", "Auditor"
    PARTNER = "partner", "Partner"


# Emergency (break-the-glass) access: one hour unless the organization sets otherwise, and
# never more than four hours (HIPAA 45 CFR 164.312(a)(2)(ii), time-limited emergency access).
EMERGENCY_ACCESS_DEFAULT_MINUTES = 60
EMERGENCY_ACCESS_MAX_MINUTES = 240

PROGRAM_ROLES = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.INTAKE_WORKER, Role.PROGRAM_ADMIN}
)
ORGANIZATION_ROLES = frozenset({Role.ORG_ADMIN, Role.AUDITOR, Role.PARTNER})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=(username or "").strip())

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def new_access_stamp() -> int:
    """A fresh random ``User.access_stamp``: random, so no stamp ever comes back."""
    return secrets.randbits(62)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in. Identified by email; never shared, never deleted (disabled)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    access_stamp = models.BigIntegerField(
        default=new_access_stamp,
        editable=False,
        help_text="Replaced whenever what the user may reach could change (``accounts.access``).",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(condition=~Q(email=""), name="user_email_not_blank"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, but never write ``access_stamp`` back to an existing row.

        Only ``accounts.access.renew_access_stamps`` sets it. A user object loaded before an
        access change still holds the replaced stamp; writing it back would make access
        cached under that stamp current again.
        """
        if not self._state.adding and not kwargs.get("force_insert"):
            fields = kwargs.get("update_fields")
            if fields is None:
                fields = [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name != "access_stamp"]
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organization(TimeStampedModel):
    """An agency that runs programs, or an external partner that receives referrals."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency"
        PARTNER = "partner", "Partner organization"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.AGENCY)
    state = models.CharField(max_length=2, blank=True, help_text="USPS state code")
    mfa_required_roles = models.JSONField(
        default=list, blank=True, help_text="Roles whose holders must use two-factor sign-in."
    )
    emergency_access_minutes = models.PositiveSmallIntegerField(
        default=EMERGENCY_ACCESS_DEFAULT_MINUTES,
        validators=[MinValueValidator(1), MaxValueValidator(EMERGENCY_ACCESS_MAX_MINUTES)],
        help_text="How long an emergency (break-the-glass) access lasts; at most 4 hours.",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(emergency_access_minutes__gte=1)
                & Q(emergency_access_minutes__lte=EMERGENCY_ACCESS_MAX_MINUTES),
                name="org_emergency_access_ceiling",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Program(TimeStampedModel):
    """A service program of an agency, in one practice area. Clients enroll in programs."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    name = models.CharField(max_length=200)
    practice_area = models.CharField(max_length=20, choices=PracticeArea.choices)
    state = models.CharField(max_length=2, blank=True, help_text="USPS state code")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="program_unique_name"),
            models.CheckConstraint(
                condition=Q(practice_area__in=PracticeArea.values),
                name="program_practice_area_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True, organization__is_active=True)


class Membership(TimeStampedModel):
    """A role held by a user: in one program, or (org admin, auditor, partner) organization-wide."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "program__name", "role"]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(PROGRAM_ROLES), program__isnull=False)
                    | Q(role__in=sorted(ORGANIZATION_ROLES), program__isnull=True)
                ),
                name="membership_program_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "program", "role"],
                condition=Q(program__isnull=False),
                name="membership_unique_program_role",
            ),
            models.UniqueConstraint(
                fields=["user", "organization", "role"],
                condition=Q(program__isnull=True),
                name="membership_unique_org_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.program or self.organization
        return f"{self.user} — {self.get_role_display()} ({where})"


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256: they are long random strings, so no slow hash is needed."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its hash is kept; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="The first characters, to recognise it")
    key_hash = models.CharField(max_length=64, unique=True)
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= timezone.now():
            return "expired"
        return "active"

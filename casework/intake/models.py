"""Intake data: poverty guidelines, per-program eligibility rules (versioned) and screenings.

The rules themselves are a JSON document validated by :mod:`casework.intake.eligibility`
(``Rules.from_dict``), so the API, the admin page and the evaluator share one definition.
Every saved version of a program's rules is kept in :class:`EligibilityRulesVersion`; a
screening names the version it was evaluated against and keeps a copy of the rules.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization, Program
from casework.clients.models import Client, Enrollment
from casework.core.models import VersionedModel
from casework.intake import eligibility


class GuidelineRegion(models.TextChoices):
    CONTIGUOUS = "contiguous", "48 contiguous states and DC"
    ALASKA = "alaska", "Alaska"
    HAWAII = "hawaii", "Hawaii"


class PovertyGuideline(models.Model):
    """One year's HHS poverty guideline for one region (a row per year and region)."""

    year = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=12, choices=GuidelineRegion.choices)
    first_person = models.PositiveIntegerField(help_text="Dollars a year for a household of 1.")
    per_additional_person = models.PositiveIntegerField(
        help_text="Dollars added for each further person in the household."
    )
    source = models.CharField(max_length=300)
    source_url = models.URLField(max_length=300, blank=True)
    effective_on = models.DateField(
        null=True,
        blank=True,
        help_text="The Federal Register notice's effective date; empty reads as 1 January.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "region"]
        constraints = [
            models.UniqueConstraint(fields=["year", "region"], name="poverty_guideline_unique"),
            models.CheckConstraint(
                condition=Q(region__in=GuidelineRegion.values), name="poverty_guideline_region"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1980, year__lte=2100), name="poverty_guideline_year"
            ),
            models.CheckConstraint(
                condition=Q(first_person__gt=0), name="poverty_guideline_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_region_display()}: ${self.first_person:,}"

    def as_guideline(self) -> eligibility.Guideline:
        return eligibility.Guideline(
            year=self.year,
            region=self.region,
            first_person=self.first_person,
            per_additional_person=self.per_additional_person,
            effective_on=self.effective_on,
        )


def guideline_table() -> eligibility.GuidelineTable:
    return eligibility.GuidelineTable.of(g.as_guideline() for g in PovertyGuideline.objects.all())


def validate_rules(value: object) -> None:
    try:
        eligibility.Rules.from_dict(value if isinstance(value, dict) else None)
    except eligibility.RulesError as error:
        raise ValidationError(error.errors) from None


class ProgramEligibility(VersionedModel):
    """The current eligibility rules and capacity of one program (versioned; see history)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="eligibility")
    rules = models.JSONField(default=dict, blank=True, validators=[validate_rules])
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Places in the program. When active enrollments reach it, eligible people "
        "are waitlisted. Empty: no limit.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "program eligibility"

    def __str__(self) -> str:
        return f"Eligibility rules of {self.program} (version {self.version})"

    @property
    def parsed_rules(self) -> eligibility.Rules:
        return eligibility.Rules.from_dict(self.rules)


class EligibilityRulesVersion(models.Model):
    """A saved version of a program's rules; every version is kept, oldest first."""

    eligibility = models.ForeignKey(
        ProgramEligibility, on_delete=models.PROTECT, related_name="versions"
    )
    version = models.PositiveIntegerField()
    rules = models.JSONField(default=dict)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["eligibility", "version"], name="eligibility_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Version {self.version} of {self.eligibility.program}"


class ScreeningResult(models.TextChoices):
    ELIGIBLE = eligibility.ELIGIBLE, "Eligible"
    INELIGIBLE = eligibility.INELIGIBLE, "Not eligible"
    WAITLISTED = eligibility.WAITLISTED, "Eligible, waitlisted (program full)"
    UNDETERMINED = eligibility.UNDETERMINED, "Cannot tell yet (answers missing)"


OVERRIDE_RESULTS = (
    ScreeningResult.ELIGIBLE,
    ScreeningResult.INELIGIBLE,
    ScreeningResult.WAITLISTED,
)


class EligibilityScreening(models.Model):
    """One screening of one client for one program: answers, verdict and any override."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="screenings")
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="screenings")
    answers = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=12, choices=ScreeningResult.choices)
    outcomes = models.JSONField(
        default=list, blank=True, help_text="Every rule checked: rule, status, message."
    )
    failed_rules = models.JSONField(default=list, blank=True)
    unknown_rules = models.JSONField(default=list, blank=True)
    rules_version = models.PositiveIntegerField(
        default=0, help_text="The version of the program's rules used; 0 when it had none."
    )
    rules_snapshot = models.JSONField(default=dict, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    active_enrollments = models.PositiveIntegerField(default=0)
    guideline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    income_percent = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(default=timezone.now)
    screening_date = models.DateField(default=timezone.localdate)
    override_result = models.CharField(
        max_length=12,
        blank=True,
        choices=[(r.value, r.label) for r in OVERRIDE_RESULTS],
    )
    override_reason = models.TextField(blank=True)
    overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    overridden_at = models.DateTimeField(null=True, blank=True)
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The enrollment this screening led to, once the worker finished the intake.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-screened_at", "-id"]
        indexes = [
            models.Index(fields=["client", "program", "-screened_at"], name="screening_client"),
            models.Index(fields=["program", "-screened_at"], name="screening_program"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=ScreeningResult.values), name="screening_result_valid"
            ),
            models.CheckConstraint(
                condition=Q(override_result="")
                | (
                    Q(override_result__in=[r.value for r in OVERRIDE_RESULTS])
                    & ~Q(override_reason="")
                    & Q(overridden_by__isnull=False)
                ),
                name="screening_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening {self.pk} of {self.client_id} for {self.program}"

    @property
    def final_result(self) -> str:
        """The override when there is one, else the evaluated result."""
        return self.override_result or self.result

    @property
    def final_result_label(self) -> str:
        return str(ScreeningResult(self.final_result).label)

    @property
    def is_overridden(self) -> bool:
        return bool(self.override_result)

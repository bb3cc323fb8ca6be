"""Instrument definitions (versioned data), administered assessments, and risk flags."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from casework.accounts.models import Organization
from casework.assessments.schema import InstrumentSpec, parse_definition
from casework.clients.models import Client, Enrollment
from casework.core.models import TimeStampedModel, VersionedModel

# Parsed definitions by their JSON text: parsing is the costly part of reading a row, and
# the same few definitions are read on every assessment page and save.
_PARSED: dict[str, InstrumentSpec] = {}


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def for_organization(self, organization_id: int | None) -> InstrumentQuerySet:
        """Published definitions plus the organization's own uploads."""
        return self.filter(Q(organization__isnull=True) | Q(organization_id=organization_id))


class Instrument(TimeStampedModel):
    """One version of one instrument definition, validated by ``schema.InstrumentSpec``.

    Published versions (``organization`` empty) come from the data files; an agency's
    upload of the same code overrides the published one for that agency only. Rows are
    never changed: a new definition is a new version.
    """

    class Origin(models.TextChoices):
        FILE = "file", "Shipped data file"
        UPLOAD = "upload", "Uploaded by an agency"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code = models.CharField(max_length=40)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40)
    categories = models.JSONField(default=list)
    spec = models.JSONField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.FILE)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(organization__isnull=True),
                name="instrument_published_unique_version",
            ),
            models.UniqueConstraint(
                fields=["organization", "code", "version"],
                condition=Q(organization__isnull=False),
                name="instrument_agency_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_name} v{self.version}"

    @property
    def definition(self) -> InstrumentSpec:
        """The validated definition, parsed once per process for each distinct text (and
        kept on the row, which never changes)."""
        held = self.__dict__.get("_definition")
        if held is not None:
            return held
        key = json.dumps(self.spec, sort_keys=True)
        cached = _PARSED.get(key)
        if cached is None:
            cached = parse_definition(self.spec, filename=f"{self.code} v{self.version}")
            _PARSED[key] = cached
        self.__dict__["_definition"] = cached
        return cached


class Assessment(TimeStampedModel):
    """One administration of an instrument: the answers, and the result scored on save.

    ``instrument`` pins the definition version used; the result is never recomputed with a
    later version (the database refuses changes to the scored columns).
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="assessments")
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.PROTECT, null=True, blank=True, related_name="assessments"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    instrument_code = models.CharField(max_length=40)
    categories = models.JSONField(default=list)
    answers = models.JSONField(default=dict)
    notes = models.JSONField(default=dict, blank=True)
    total = models.FloatField(null=True, blank=True)
    band_code = models.CharField(max_length=40, blank=True)
    band_label = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict)
    administered_on = models.DateField()
    administered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    SCORED_FIELDS = ("instrument_id", "answers", "total", "band_code", "result")

    class Meta:
        ordering = ["-administered_on", "-id"]
        indexes = [
            models.Index(
                fields=["client", "instrument_code", "administered_on"],
                name="assessment_client_trend",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_code} on {self.administered_on}"

    @property
    def flags(self) -> list[dict[str, Any]]:
        return list(self.result.get("flags", []))

    @property
    def needs(self) -> list[dict[str, Any]]:
        return list(self.result.get("needs", []))


class Severity(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


SEVERITY_RANK = {"low": 1, "moderate": 2, "high": 3}


class RiskFlagQuerySet(models.QuerySet["RiskFlag"]):
    def open(self) -> RiskFlagQuerySet:
        return self.filter(resolved_at__isnull=True)


class RiskFlag(VersionedModel):
    """A risk the team must see: raised by an instrument rule or by hand, resolved with a note."""

    class Source(models.TextChoices):
        INSTRUMENT = "instrument", "Instrument rule"
        MANUAL = "manual", "Raised by staff"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="risk_flags")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, null=True, blank=True, related_name="risk_flags"
    )
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=300)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    source = models.CharField(max_length=12, choices=Source.choices)
    category = models.CharField(max_length=30, default="general")
    note = models.TextField(blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    objects = RiskFlagQuerySet.as_manager()

    class Meta:
        ordering = ["resolved_at", "-created_at"]
        indexes = [
            models.Index(fields=["client", "resolved_at"], name="riskflag_client_open"),
            models.Index(
                fields=["organization", "severity", "resolved_at"], name="riskflag_org_open"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="riskflag_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution_note=""),
                name="riskflag_resolved_with_note",
            ),
            models.UniqueConstraint(
                fields=["client", "code"],
                condition=Q(resolved_at__isnull=True, source="instrument"),
                name="riskflag_one_open_per_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()} risk: {self.label}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

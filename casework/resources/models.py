"""The resource directory, in the objects and fields of Open Referral HSDS 3.0.

Each model is one HSDS table; its column names are HSDS's field names and its primary key is
the HSDS ``id`` (a UUID string), so re-importing a dataset updates the same rows in place.
Foreign keys keep HSDS's ``<table>_id`` column names. Casework adds only what HSDS has no
place for, each marked below: who curates a service and when it was last verified, and which
Casework organization receives referrals for a directory organization.

Source: Open Referral, Human Services Data Specification 3.0 (2023),
https://docs.openreferral.org/en/latest/hsds/ (CC BY-SA 4.0).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


def _text() -> models.TextField:
    return models.TextField(blank=True, default="")


def _fk(to: str, related_name: str, *, required: bool = False) -> models.ForeignKey:
    """An HSDS reference, kept as given even when its target is not (yet) in the directory.

    Published HSDS data (the specification's own example among it) refers to objects it does
    not include; the id must survive a round trip, so the database does not enforce it. The
    import reports such references; the pages treat a missing target as absent.
    """
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name=related_name,
        null=not required,
        blank=not required,
    )


class HsdsModel(models.Model):
    id = models.CharField(primary_key=True, max_length=64)

    class Meta:
        abstract = True


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Organization(HsdsModel):
    name = models.CharField(max_length=500)
    alternate_name = _text()
    description = _text()
    email = _text()
    website = _text()
    tax_status = _text()
    tax_id = _text()
    year_incorporated = models.FloatField(null=True, blank=True)
    legal_status = _text()
    logo = _text()
    uri = _text()
    parent_organization = _fk("self", "child_organizations")
    # Casework: the organization whose partner users receive referrals for this one.
    casework_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organizations",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Program(HsdsModel):
    organization = _fk("resources.Organization", "programs", required=True)
    name = models.CharField(max_length=500)
    alternate_name = _text()
    description = _text()

    def __str__(self) -> str:
        return self.name


class Service(HsdsModel):
    # Required in HSDS's tabular package, optional in its JSON schema (a service document
    # may come without its organization); search and referrals need one, import checks it.
    organization = _fk("resources.Organization", "services")
    program = _fk("resources.Program", "services")
    name = models.CharField(max_length=500)
    alternate_name = _text()
    description = _text()
    url = _text()
    email = _text()
    status = models.CharField(max_length=20, choices=ServiceStatus.choices)
    interpretation_services = _text()
    application_process = _text()
    fees_description = _text()
    wait_time = _text()
    fees = _text()
    accreditations = _text()
    eligibility_description = _text()
    minimum_age = models.FloatField(null=True, blank=True)
    maximum_age = models.FloatField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = _text()
    licenses = _text()
    alert = _text()
    last_modified = models.DateTimeField(null=True, blank=True)
    # Casework: directory curation (HSDS's ``assured_date`` is the provider's own assurance).
    last_verified_at = models.DateTimeField(null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "name"], name="service_status_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="service_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Location(HsdsModel):
    location_type = models.CharField(max_length=10, choices=LocationType.choices)
    url = _text()
    organization = _fk("resources.Organization", "locations")
    name = _text()
    alternate_name = _text()
    description = _text()
    transportation = _text()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    external_identifier = _text()
    external_identifier_type = _text()

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"], name="location_lat_lon")]
        constraints = [
            models.CheckConstraint(
                condition=Q(location_type__in=LocationType.values), name="location_type_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.id


class ServiceAtLocation(HsdsModel):
    service = _fk("resources.Service", "service_at_locations", required=True)
    location = _fk("resources.Location", "service_at_locations", required=True)
    description = _text()

    def __str__(self) -> str:
        return self.id


class Address(HsdsModel):
    location = _fk("resources.Location", "addresses")
    attention = _text()
    address_1 = models.TextField()
    address_2 = _text()
    city = models.TextField()
    region = _text()
    state_province = models.TextField()
    postal_code = models.TextField()
    country = models.TextField()
    address_type = models.CharField(max_length=10, choices=LocationType.choices)

    def __str__(self) -> str:
        return self.one_line()

    def one_line(self) -> str:
        parts = [self.address_1, self.address_2, self.city, self.state_province, self.postal_code]
        return ", ".join(p for p in parts if p)


class Contact(HsdsModel):
    organization = _fk("resources.Organization", "contacts")
    service = _fk("resources.Service", "contacts")
    service_at_location = _fk("resources.ServiceAtLocation", "contacts")
    location = _fk("resources.Location", "contacts")
    name = _text()
    title = _text()
    department = _text()
    email = _text()

    def __str__(self) -> str:
        return self.id


class Phone(HsdsModel):
    location = _fk("resources.Location", "phones")
    service = _fk("resources.Service", "phones")
    organization = _fk("resources.Organization", "phones")
    contact = _fk("resources.Contact", "phones")
    service_at_location = _fk("resources.ServiceAtLocation", "phones")
    number = models.TextField()
    extension = models.FloatField(null=True, blank=True)
    type = _text()
    description = _text()

    def __str__(self) -> str:
        return self.id


class Schedule(HsdsModel):
    """Regular hours as RFC 5545 recurrence fields (HSDS 3.0 ``schedule``)."""

    service = _fk("resources.Service", "schedules")
    location = _fk("resources.Location", "schedules")
    service_at_location = _fk("resources.ServiceAtLocation", "schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.FloatField(null=True, blank=True)
    wkst = _text()
    freq = _text()
    interval = models.FloatField(null=True, blank=True)
    byday = _text()
    byweekno = _text()
    bymonthday = _text()
    byyearday = _text()
    description = _text()
    # Text, not TimeField: HSDS allows a UTC offset ("09:00-05:00") that must survive export.
    opens_at = models.CharField(max_length=20, blank=True, default="")
    closes_at = models.CharField(max_length=20, blank=True, default="")
    schedule_link = _text()
    attending_type = _text()
    notes = _text()

    def __str__(self) -> str:
        return self.id


class Funding(HsdsModel):
    organization = _fk("resources.Organization", "funding")
    service = _fk("resources.Service", "funding")
    source = _text()

    def __str__(self) -> str:
        return self.id


class ServiceArea(HsdsModel):
    service = _fk("resources.Service", "service_areas")
    name = _text()
    description = _text()
    extent = _text()
    extent_type = _text()
    uri = _text()

    def __str__(self) -> str:
        return self.id


class RequiredDocument(HsdsModel):
    service = _fk("resources.Service", "required_documents")
    document = _text()
    uri = _text()

    def __str__(self) -> str:
        return self.id


class Language(HsdsModel):
    service = _fk("resources.Service", "languages")
    location = _fk("resources.Location", "languages")
    phone = _fk("resources.Phone", "languages")
    name = _text()
    code = models.CharField(max_length=35, blank=True, default="", db_index=True)
    note = _text()

    def __str__(self) -> str:
        return self.id


class Accessibility(HsdsModel):
    location = _fk("resources.Location", "accessibility")
    description = _text()
    details = _text()
    url = _text()

    def __str__(self) -> str:
        return self.id


class Taxonomy(HsdsModel):
    name = models.TextField()
    description = models.TextField()
    uri = _text()
    version = _text()

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(HsdsModel):
    code = models.CharField(max_length=200, blank=True, default="", db_index=True)
    name = models.TextField()
    description = models.TextField()
    parent = _fk("resources.TaxonomyTerm", "children")
    taxonomy = _text()
    language = _text()
    # HSDS names both the free-text ``taxonomy`` and the reference ``taxonomy_id``.
    taxonomy_ref = models.ForeignKey(
        "resources.Taxonomy",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="terms",
        db_column="taxonomy_id",
    )
    term_uri = _text()

    def __str__(self) -> str:
        return self.name


class Attribute(HsdsModel):
    """A taxonomy term attached to any object (``link_entity`` names its table)."""

    link_id = models.CharField(max_length=64)
    taxonomy_term = _fk("resources.TaxonomyTerm", "attributes", required=True)
    link_type = _text()
    link_entity = models.CharField(max_length=40)
    value = _text()

    class Meta:
        indexes = [
            models.Index(fields=["taxonomy_term", "link_entity", "link_id"], name="attr_term"),
            models.Index(fields=["link_entity", "link_id"], name="attr_link"),
        ]

    def __str__(self) -> str:
        return self.id


class Metadata(HsdsModel):
    resource_id = models.CharField(max_length=64)
    resource_type = models.TextField()
    last_action_date = models.DateField()
    last_action_type = models.TextField()
    field_name = models.TextField()
    previous_value = models.TextField()
    replacement_value = models.TextField()
    updated_by = models.TextField()

    def __str__(self) -> str:
        return self.id


class MetaTableDescription(HsdsModel):
    name = _text()
    language = _text()
    character_set = _text()

    def __str__(self) -> str:
        return self.name or self.id


class CostOption(HsdsModel):
    service = _fk("resources.Service", "cost_options", required=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = _text()
    currency = _text()
    amount = models.FloatField(null=True, blank=True)
    amount_description = _text()

    def __str__(self) -> str:
        return self.id


class OrganizationIdentifier(HsdsModel):
    organization = _fk("resources.Organization", "organization_identifiers", required=True)
    identifier_scheme = _text()
    identifier_type = models.TextField()
    identifier = models.TextField()

    def __str__(self) -> str:
        return self.id


class ImportRun(models.Model):
    """One HSDS import (command or upload page): its state and every located error."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    token = models.CharField(max_length=40, unique=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done")
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import {self.file_name} ({self.state})"

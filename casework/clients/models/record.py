"""The rest of the intake record: names, identifiers, contacts, addresses with history,
household, emergency contacts, insurance and disabilities (issue 3).

Each row belongs to one client and carries the client's organization (the tenant key). Rows
are ended, not deleted: an address moves to ``previous`` with an end date, a phone is marked
no longer current. Services in ``clients/record_services.py`` make every change, audited.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from casework.accounts.models import Organization
from casework.clients.models.client import Client
from casework.clients.models.codes import (
    DisabilityType,
    NoYesReasons,
    RelationshipToHoH,
    SubstanceUseResponse,
)
from casework.clients.models.consent import ConsentCategory
from casework.core.models import VersionedModel


class ClientPart(VersionedModel):
    """A part of a client's record."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")

    #: the information category a consent must release for a recipient to see this row
    category: str = ConsentCategory.GENERAL
    #: the fields the record services may set
    FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True


class ClientName(ClientPart):
    """An alias, previous or other name; merged records keep their names here too."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias / also known as"
        PREVIOUS = "previous", "Previous legal name"
        NICKNAME = "nickname", "Nickname"
        MERGED = "merged", "Name from a merged record"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="other_names")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)
    given_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    note = models.CharField(max_length=200, blank=True)

    FIELDS = ("kind", "given_name", "middle_name", "family_name", "note")

    class Meta:
        ordering = ["kind", "family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="") | ~Q(family_name=""), name="clientname_not_blank"
            )
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.given_name, self.middle_name, self.family_name) if p)

    def clean(self) -> None:
        # The constraint's own error names no field; say which one to fill in.
        if not self.given_name.strip() and not self.family_name.strip():
            raise ValidationError({"given_name": "Give a given name or a family name."})


class ClientIdentifier(ClientPart):
    """A typed identifier: Medicaid or Medicare ID, medical record number, agency ID, ..."""

    class Kind(models.TextChoices):
        MEDICAID = "medicaid", "Medicaid ID"
        MEDICARE = "medicare", "Medicare ID (MBI)"
        MRN = "mrn", "Medical record number"
        AGENCY = "agency", "Agency client ID"
        HMIS = "hmis", "HMIS PersonalID"
        OTHER = "other", "Other"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    issuer = models.CharField(max_length=100, blank=True, help_text="State, hospital, system")
    value = models.CharField(max_length=64)

    FIELDS = ("kind", "issuer", "value")

    class Meta:
        ordering = ["kind", "issuer"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "issuer", "value"],
                name="clientidentifier_unique_in_org",
            ),
            models.CheckConstraint(condition=~Q(value=""), name="clientidentifier_value"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"


class ContactPoint(ClientPart):
    """A phone number or email address, current or past."""

    class System(models.TextChoices):
        PHONE = "phone", "Phone"
        EMAIL = "email", "Email"

    class Use(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        HOME = "home", "Home"
        WORK = "work", "Work"
        OTHER = "other", "Other"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contact_points")
    system = models.CharField(max_length=5, choices=System.choices)
    use = models.CharField(max_length=6, choices=Use.choices, default=Use.MOBILE)
    value = models.CharField(max_length=254)
    is_primary = models.BooleanField(default=False)
    safe_to_leave_message = models.BooleanField(default=False)
    ended_on = models.DateField(null=True, blank=True)

    FIELDS = ("system", "use", "value", "is_primary", "safe_to_leave_message", "ended_on")

    class Meta:
        ordering = ["ended_on", "-is_primary", "system"]
        constraints = [models.CheckConstraint(condition=~Q(value=""), name="contactpoint_value")]

    def __str__(self) -> str:
        return self.value


class ClientAddress(ClientPart):
    """An address with its period: current, previous or mailing. Hidden like the client's
    own address when the client has a confidential address."""

    class Use(models.TextChoices):
        CURRENT = "current", "Current"
        PREVIOUS = "previous", "Previous"
        MAILING = "mailing", "Mailing"

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="addresses")
    use = models.CharField(max_length=8, choices=Use.choices, default=Use.CURRENT)
    line1 = models.CharField("street address", max_length=200)
    line2 = models.CharField("apartment, suite, unit", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    county = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10, blank=True)
    valid_from = models.DateField(default=timezone.localdate)
    valid_to = models.DateField(null=True, blank=True)

    FIELDS = (
        "use",
        "line1",
        "line2",
        "city",
        "county",
        "state",
        "postal_code",
        "valid_from",
        "valid_to",
    )
    ADDRESS_FIELDS = ("line1", "line2", "city", "county", "postal_code")

    class Meta:
        ordering = ["use", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="clientaddress_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line1}, {self.city}, {self.state}"


class HouseholdMember(ClientPart):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="household")
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    relationship = models.PositiveSmallIntegerField(
        choices=RelationshipToHoH.choices,
        help_text="HMIS 3.15, relationship to the head of household",
    )
    related_client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="When the member is also a client.",
    )
    ended_on = models.DateField(null=True, blank=True, help_text="Left the household on")

    FIELDS = ("given_name", "family_name", "date_of_birth", "relationship", "ended_on")

    class Meta:
        ordering = ["relationship", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class EmergencyContact(ClientPart):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="emergency_contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    notes = models.CharField(max_length=300, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    FIELDS = ("name", "relationship", "phone", "email", "notes", "ended_on")

    class Meta:
        ordering = ["ended_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email=""), name="emergencycontact_reachable"
            )
        ]

    def __str__(self) -> str:
        return self.name


class InsuranceCoverage(ClientPart):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="insurance")
    payer = models.CharField(max_length=200)
    plan_name = models.CharField(max_length=200, blank=True)
    member_id = models.CharField(max_length=64)
    group_number = models.CharField(max_length=64, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=True)

    FIELDS = (
        "payer",
        "plan_name",
        "member_id",
        "group_number",
        "start_date",
        "end_date",
        "is_primary",
    )

    class Meta:
        ordering = ["-is_primary", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="insurance_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.member_id}"


_DISABILITY_CATEGORY: dict[int, str] = {
    DisabilityType.HIV_AIDS: ConsentCategory.HIV,
    DisabilityType.MENTAL_HEALTH: ConsentCategory.MENTAL_HEALTH,
    DisabilityType.SUBSTANCE_USE: ConsentCategory.SUBSTANCE_USE,
}


class Disability(ClientPart):
    """HMIS 4.05-4.10 disabilities. HIV, mental health and substance use rows are released
    to consent recipients only under a consent for that category (substance use: Part 2)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="disabilities")
    disability_type = models.PositiveSmallIntegerField(choices=DisabilityType.choices)
    response = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices, default=NoYesReasons.YES
    )
    substance_use = models.PositiveSmallIntegerField(
        choices=SubstanceUseResponse.choices,
        null=True,
        blank=True,
        help_text="HMIS 4.10.2, for substance use disorder only",
    )
    indefinite_and_impairs = models.PositiveSmallIntegerField(
        choices=NoYesReasons.choices,
        null=True,
        blank=True,
        help_text="Expected to be of long-continued and indefinite duration and to impair "
        "independent living",
    )
    information_date = models.DateField(default=timezone.localdate)

    FIELDS = (
        "disability_type",
        "response",
        "substance_use",
        "indefinite_and_impairs",
        "information_date",
    )

    class Meta:
        ordering = ["disability_type", "-information_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_type=10) | Q(substance_use__isnull=True),
                name="disability_substance_detail_only_for_sud",
            )
        ]

    def __str__(self) -> str:
        return self.get_disability_type_display()

    @property
    def category(self) -> str:  # type: ignore[override]  # a property per row, not per class
        return _DISABILITY_CATEGORY.get(self.disability_type, ConsentCategory.GENERAL)

    @classmethod
    def released(cls, categories: frozenset[str]) -> Q:
        """Rows a reader with access to ``categories`` may see."""
        hidden = [t for t, c in _DISABILITY_CATEGORY.items() if c not in categories]
        return ~Q(disability_type__in=hidden)


RECORD_PARTS: dict[str, type[ClientPart]] = {
    "names": ClientName,
    "identifiers": ClientIdentifier,
    "contacts": ContactPoint,
    "addresses": ClientAddress,
    "household": HouseholdMember,
    "emergency_contacts": EmergencyContact,
    "insurance": InsuranceCoverage,
    "disabilities": Disability,
}

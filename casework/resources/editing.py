"""Curating the directory's organizations and locations, and linking a listed organization to
the Casework partner organization whose users receive its referrals.

Fields are HSDS 3.0's (Open Referral, Human Services Data Specification 3.0, 2023,
https://docs.openreferral.org/en/latest/hsds/): an organization needs a ``name`` and a
``description``; ``email`` is an email address and ``website`` and ``uri`` are URIs; a
location needs a ``location_type`` (physical, postal or virtual); an address needs
``address_1``, ``city``, ``state_province``, ``postal_code``, ``country`` (ISO 3166-1 alpha-2)
and ``address_type``. New records get a UUID id, as HSDS requires.

Curators only (:func:`casework.resources.curation.check_curator`). Each save writes an audit
row with the changed fields, and one HSDS ``metadata`` row per changed field (HSDS's own
provenance trail, exported with the directory; it names the curator by user number only).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Organization as Agency
from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.core import places
from casework.resources.curation import check_curator
from casework.resources.models import Address, Location, LocationType, Metadata, Organization

ORGANIZATION_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "email",
    "website",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "uri",
)
LOCATION_FIELDS = (
    "location_type",
    "name",
    "alternate_name",
    "description",
    "transportation",
    "url",
    "latitude",
    "longitude",
    "external_identifier",
    "external_identifier_type",
)
ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")
URI_FIELDS = {"website", "uri", "url", "logo"}
MAX_TEXT = 2000


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _known(data: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not an editable field."))


def _check_formats(values: Mapping[str, Any], errors: dict[str, str]) -> None:
    for name, value in values.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            errors[name] = f"Keep it under {MAX_TEXT} characters."
        elif isinstance(value, str) and "\x00" in value:
            errors[name] = "Text may not contain NUL characters."
    email = values.get("email")
    if email and "email" not in errors:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors["email"] = "Enter an email address, e.g. intake@example.org."
    for name in URI_FIELDS & set(values):
        if values[name] and name not in errors:
            try:
                URLValidator(schemes=["http", "https"])(values[name])
            except ValidationError:
                errors[name] = "Enter a web address starting with https:// or http://."


def _number(value: Any, name: str, errors: dict[str, str]) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        errors[name] = "Enter a number."
        return None


def _provenance(kind: str, pk: str, changes: Mapping[str, list[Any]], actor: Any) -> None:
    today = timezone.localdate()
    action = "create" if kind.endswith(":new") else "update"
    Metadata.objects.bulk_create(
        Metadata(
            id=str(uuid.uuid4()),
            resource_id=pk,
            resource_type=kind.removesuffix(":new"),
            last_action_date=today,
            last_action_type=action,
            field_name=name,
            previous_value=_text(old),
            replacement_value=_text(new),
            # Exported with the directory: the user's number, not their name (the audit
            # trail says who it was).
            updated_by=f"Casework user {getattr(actor, 'pk', '')}".strip(),
        )
        for name, (old, new) in changes.items()
    )


def _clean_organization(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        name: _text(data.get(name)) for name in ORGANIZATION_FIELDS if name in data
    }
    year_given = data.get("year_incorporated")
    values.pop("year_incorporated", None)
    _check_formats(values, errors)
    year = _number(year_given, "year_incorporated", errors)
    this_year = datetime.date.today().year
    if year is not None and (year != int(year) or not 1600 <= year <= this_year):
        errors["year_incorporated"] = f"Enter a year between 1600 and {this_year}, e.g. 1998."
    if "year_incorporated" in data:
        values["year_incorporated"] = int(year) if year is not None else None
    if errors:
        raise ValidationError(errors)
    return values


def _required_organization(values: Mapping[str, Any], errors: dict[str, str]) -> None:
    if not values.get("name"):
        errors.setdefault("name", "Give the organization's name.")
    elif len(values["name"]) > 500:
        errors.setdefault("name", "Keep the name under 500 characters.")
    if not values.get("description"):
        errors.setdefault("description", "Describe what the organization does (HSDS requires it).")


def organization_errors(
    data: Mapping[str, Any], organization: Organization | None = None
) -> dict[str, str]:
    """Every problem with ``data`` for the organization (new when None), by field."""
    errors: dict[str, str] = {}
    try:
        _clean_organization(data)
    except ValidationError as error:
        errors = {k: " ".join(v) for k, v in error.message_dict.items()}
    required = ("name", "description")
    current = {} if organization is None else snapshot(organization, required)
    _required_organization(
        current | {k: _text(v) for k, v in data.items() if k in required}, errors
    )
    return errors


def organization_save(
    *, actor: Any, data: Mapping[str, Any], organization: Organization | None = None
) -> Organization:
    """Create a directory organization (``organization`` None) or change its fields."""
    check_curator(actor)
    _known(data, ORGANIZATION_FIELDS)
    errors = organization_errors(data, organization)
    if errors:
        raise ValidationError(errors)
    values = _clean_organization(data)
    creating = organization is None
    target = organization or Organization(id=str(uuid.uuid4()))
    before = {} if creating else snapshot(target, ORGANIZATION_FIELDS)
    for name, value in values.items():
        setattr(target, name, value)
    changes = diff(before, snapshot(target, ORGANIZATION_FIELDS))
    with transaction.atomic():
        target.save()
        _provenance("organization" + (":new" if creating else ""), target.pk, changes, actor)
        record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target_type="directory_organization",
            target_id=target.pk,
            changes=changes,
        )
    return target


def partner_choices() -> list[Agency]:
    """Casework organizations that can receive referrals from the directory: partners."""
    return list(Agency.objects.filter(kind=Agency.Kind.PARTNER).order_by("name"))


def organization_link_partner(
    *, actor: Any, organization: Organization, partner_id: int | None
) -> Organization:
    """Route the listing's referrals to a partner organization's inbox (None: unlink)."""
    check_curator(actor)
    partner = None
    if partner_id is not None:
        partner = Agency.objects.filter(pk=partner_id, kind=Agency.Kind.PARTNER).first()
        if partner is None:
            raise ValidationError(
                {"partner": "Choose a partner organization that has Casework accounts."}
            )
    before = organization.casework_organization_id
    organization.casework_organization = partner
    with transaction.atomic():
        organization.save(update_fields=["casework_organization"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type="directory_organization",
            target_id=organization.pk,
            organization_id=partner.pk if partner else before,
            changes={"casework_organization": [before, partner.pk if partner else None]},
            details={"partner": partner.name if partner else ""},
        )
    return organization


def primary_address(location: Location) -> Address | None:
    """The location's physical address (else its first one)."""
    addresses = sorted(location.addresses.all(), key=lambda a: (a.address_type != "physical", a.pk))
    return addresses[0] if addresses else None


def _clean_location(
    data: Mapping[str, Any], current_address: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The location's values (its address, the current one with the given fields applied, under
    ``_address``) and the problems found, by field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        name: _text(data.get(name))
        for name in LOCATION_FIELDS
        if name in data and name not in ("latitude", "longitude")
    }
    given = {name: _text(data.get(name)) for name in ADDRESS_FIELDS if name in data}
    _check_formats(values | given, errors)
    address = dict(current_address or {}) | given if given else {}
    if "location_type" in values and values["location_type"] not in LocationType.values:
        errors["location_type"] = "Choose physical, postal or virtual."
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if name in data:
            number = _number(data.get(name), name, errors)
            if number is not None and not -limit <= number <= limit:
                errors[name] = f"Enter a number between -{limit} and {limit}."
            values[name] = number
    if any(address.values()):
        required = {"address_1": "the street", "city": "the city",
                    "state_province": "the state", "postal_code": "the ZIP or postal code",
                    "country": "the country"}  # fmt: skip
        for name, words in required.items():
            if not address.get(name) and name not in errors:
                errors[name] = f"Give {words}: HSDS needs it for an address."
        country = address.get("country", "").upper()
        if country and (len(country) != 2 or not country.isalpha()):
            errors["country"] = "Use the two-letter country code, e.g. US."
        address["country"] = country
        if country == "US":
            for name, check in (("state_province", places.clean_state),
                                ("postal_code", places.clean_zip)):  # fmt: skip
                if address.get(name) and name not in errors:
                    try:
                        address[name] = check(address[name])
                    except ValueError as error:
                        errors[name] = str(error)
    return values | {"_address": address}, errors


def location_errors(data: Mapping[str, Any], location: Location | None = None) -> dict[str, str]:
    """Every problem with ``data`` for the location (new when None), by field."""
    return _location_values(data, location)[1]


def _location_values(
    data: Mapping[str, Any], location: Location | None
) -> tuple[dict[str, Any], dict[str, str]]:
    address = None if location is None else primary_address(location)
    current = {n: getattr(address, n) for n in ADDRESS_FIELDS} if address else {}
    values, errors = _clean_location(data, current)
    if location is None and not values.get("location_type"):
        errors.setdefault("location_type", "Choose physical, postal or virtual.")
    lat = values.get("latitude", location.latitude if location else None)
    lon = values.get("longitude", location.longitude if location else None)
    if (lat is None) != (lon is None) and not {"latitude", "longitude"} & set(errors):
        errors["longitude" if lon is None else "latitude"] = (
            "Give both latitude and longitude, or neither."
        )
    return values, errors


def location_save(
    *,
    actor: Any,
    data: Mapping[str, Any],
    location: Location | None = None,
    organization: Organization | None = None,
) -> Location:
    """Create a location of ``organization`` or change one, with its physical address."""
    check_curator(actor)
    _known(data, LOCATION_FIELDS + ADDRESS_FIELDS)
    values, errors = _location_values(data, location)
    if errors:
        raise ValidationError(errors)
    address_values: dict[str, str] = values.pop("_address")
    creating = location is None
    target = location or Location(id=str(uuid.uuid4()), organization=organization)
    address = None if creating else primary_address(target)
    before = {} if creating else _location_snapshot(target, address)
    for name, value in values.items():
        setattr(target, name, value)
    with transaction.atomic():
        target.save()
        if any(address_values.values()):
            if address is None:
                address = Address(id=str(uuid.uuid4()), location=target, address_type="physical")
            for name, value in address_values.items():
                setattr(address, name, value)
            address.save()
        changes = diff(before, _location_snapshot(target, address))
        _provenance("location" + (":new" if creating else ""), target.pk, changes, actor)
        record(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target_type="directory_location",
            target_id=target.pk,
            changes=changes,
            details={"organization": target.organization_id or ""},
        )
    return target


def _location_snapshot(location: Location, address: Address | None) -> dict[str, Any]:
    found = snapshot(location, LOCATION_FIELDS)
    if address is not None:
        found |= {f"address.{n}": getattr(address, n) for n in ADDRESS_FIELDS}
    return found

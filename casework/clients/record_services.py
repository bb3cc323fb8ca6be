"""Changes to the parts of a client's record (names, identifiers, contacts, addresses,
household, emergency contacts, insurance, disabilities), and reading them with consent
categories and confidential addresses applied.

One set of services serves every part: each part model lists its editable ``FIELDS``.
Callers load the client first with ``access_client(user, id, write=True)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.models import (
    RECORD_PARTS,
    Client,
    ClientAddress,
    ClientPart,
    Disability,
)
from casework.clients.permissions import ALL_CATEGORIES, in_care_team
from casework.core.concurrency import save_versioned
from casework.core.exceptions import NotFound


def _part_model(part: str) -> type[ClientPart]:
    try:
        return RECORD_PARTS[part]
    except KeyError:
        raise NotFound(part) from None


def _check_fields(model: type[ClientPart], data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(model.FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Unknown field."))


def _target(item: ClientPart) -> str:
    return type(item)._meta.model_name or "part"


@transaction.atomic
def record_part_add(
    *, actor: Any, client: Client, part: str, data: Mapping[str, Any]
) -> ClientPart:
    """Add a row to one part of the record, e.g. ``part="addresses"``."""
    model = _part_model(part)
    _check_fields(model, data)
    item = model(organization_id=client.organization_id, client=client, **data)
    item.full_clean()
    if isinstance(item, ClientAddress) and item.use == ClientAddress.Use.CURRENT:
        _retire_current_addresses(actor=actor, client=client, starting=item.valid_from)
    item.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type=_target(item),
        target_id=item.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        changes=diff({}, snapshot(item, model.FIELDS)),
    )
    return item


def _retire_current_addresses(*, actor: Any, client: Client, starting: Any) -> None:
    """A new current address makes the old current one ``previous``, ending the day before."""
    from datetime import timedelta

    for old in ClientAddress.objects.filter(client=client, use=ClientAddress.Use.CURRENT):
        end = max(old.valid_from, starting - timedelta(days=1))
        record_part_update(
            actor=actor,
            item=old,
            expected_version=old.version,
            data={"use": ClientAddress.Use.PREVIOUS, "valid_to": end},
        )


@transaction.atomic
def record_part_update(
    *, actor: Any, item: ClientPart, expected_version: int, data: Mapping[str, Any]
) -> ClientPart:
    """Change a row if nobody saved it since ``expected_version`` (else ``StaleVersion``)."""
    model = type(item)
    _check_fields(model, data)
    fields = model.FIELDS
    before = snapshot(item, fields)
    for name, value in data.items():
        setattr(item, name, value)
    item.full_clean()
    changes = diff(before, snapshot(item, fields))
    if changes:
        save_versioned(item, expected_version=expected_version, fields=list(data))
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target_type=_target(item),
            target_id=item.pk,
            client_id=item.client_id,
            organization_id=item.organization_id,
            changes=changes,
        )
    return item


def record_part_get(*, client: Client, part: str, item_id: object) -> ClientPart:
    """One row of a part, only if it belongs to ``client`` (loaded through the gate)."""
    model = _part_model(part)
    try:
        pk = int(str(item_id))
    except ValueError:
        raise NotFound(part) from None
    item = model._default_manager.filter(pk=pk, client_id=client.pk).first()
    if item is None:
        raise NotFound(part)
    return item


def record_parts_for(user: Any, client: Client) -> dict[str, list[ClientPart]]:
    """Every part of the record the reader may see.

    Disabilities outside the reader's consented categories are left out (substance use only
    under a Part 2 consent); addresses of a confidential-address client are blanked for
    anyone outside the care team.
    """
    categories = getattr(client, "access_categories", ALL_CATEGORIES)
    hide_address = client.address_confidential and not in_care_team(user, client)
    parts: dict[str, list[ClientPart]] = {}
    for name, model in RECORD_PARTS.items():
        qs = model._default_manager.filter(client_id=client.pk)
        if model is Disability:
            qs = qs.filter(Disability.released(frozenset(categories)))
        rows = list(qs)
        if model is ClientAddress and hide_address:
            rows = []
        parts[name] = rows
    return parts


# --- One place for contact data -----------------------------------------------------------------


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def record_sync_contact_fields(*, actor: Any, client: Client) -> None:
    """Carry the phone, email and street address typed on the client form into the record's
    "Phones and emails" and "Addresses" sections, which the client page reads, so the two
    never disagree. Adds a row only for a value the sections do not hold yet (a new street
    address retires the current one, as adding it in the section does)."""
    from casework.clients.models import ContactPoint

    open_points = ContactPoint.objects.filter(client=client, ended_on__isnull=True)
    for system, value in (("phone", client.phone), ("email", client.email)):
        value = (value or "").strip()
        if not value:
            continue
        same = _digits if system == "phone" else str.lower
        held = [p for p in open_points if p.system == system]
        if any(same(p.value) == same(value) for p in held):
            continue
        data: dict[str, Any] = {"system": system, "use": "home" if system == "phone" else "other"}
        data |= {"value": value, "is_primary": not any(p.is_primary for p in held)}
        record_part_add(actor=actor, client=client, part="contacts", data=data)
    if client.address_line1 and client.city and client.state:
        address = {
            "line1": client.address_line1,
            "line2": client.address_line2,
            "city": client.city,
            "state": client.state,
            "postal_code": client.postal_code,
        }
        current = ClientAddress.objects.filter(client=client, use=ClientAddress.Use.CURRENT)
        if not any(all(getattr(a, k) == v for k, v in address.items()) for a in current):
            record_part_add(actor=actor, client=client, part="addresses", data=address)


def current_contact(client: Client) -> dict[str, Any]:
    """What the client page's header shows, read from the record's sections: the primary
    (else first) open phone and email, and the current address (None when none)."""
    from casework.clients.models import ContactPoint

    points = list(
        ContactPoint.objects.filter(client=client, ended_on__isnull=True).order_by(
            "-is_primary", "id"
        )
    )
    address = (
        ClientAddress.objects.filter(client=client, use=ClientAddress.Use.CURRENT)
        .order_by("-valid_from", "-id")
        .first()
    )
    return {
        "phone": next((p.value for p in points if p.system == "phone"), ""),
        "email": next((p.value for p in points if p.system == "email"), ""),
        "address": address,
    }

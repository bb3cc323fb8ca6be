"""Which elements a consent must hold: checks by name, chosen per category by data.

``ConsentElementSet`` rows name the elements each category of information needs (the
federal Part 2 set, and example sets for state mental-health and HIV consents that an
organization's admin can replace with its own). ``element_errors`` applies every set that
matches a consent, plus the federal Part 2 floor, which no edit can lower.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from casework.audit.models import AuditAction
from casework.audit.services import diff, record, snapshot
from casework.clients.models import Consent, ConsentCategory, ConsentElementSet, ExpiryEvent

# Default wording, filled in when staff leave the field empty.
DEFAULT_REVOCATION_INSTRUCTIONS = (
    "You may revoke this consent at any time by telling your case manager, or by writing to "
    "the program that holds your record. Revoking stops future disclosures; it cannot undo "
    "what was already shared while the consent was in force."
)
# 42 CFR 2.31(a)(4)(i)/(b) as amended in 2024: TPO consents to covered entities or business
# associates must say the record may be redisclosed as HIPAA permits.
HIPAA_REDISCLOSURE_STATEMENT = (
    "Because the recipient is a HIPAA covered entity or business associate receiving this "
    "record for treatment, payment or health care operations, the record may be further "
    "disclosed as the HIPAA regulations (45 CFR part 164) permit, except for uses and "
    "disclosures for civil, criminal, administrative and legislative proceedings against you."
)


def _has_recipient(c: Consent) -> bool:
    return bool(c.recipient_name or c.recipient_organization_id or c.recipient_program_id)


def _has_expiry(c: Consent) -> bool:
    return c.expiry_date is not None or bool(c.expiry_trigger) or bool(c.expiry_event.strip())


def _hipaa_statement(c: Consent) -> bool:
    needed = c.kind == Consent.Kind.TPO and c.recipient_is_covered_entity
    return not needed or bool(c.hipaa_redisclosure_statement.strip())


# name -> (check, field the error goes on, message)
ELEMENT_CHECKS: dict[str, tuple[Callable[[Consent], bool], str, str]] = {
    "information_description": (
        lambda c: bool(c.information_description.strip()),
        "information_description",
        "Describe specifically what information may be disclosed.",
    ),
    "recipient": (_has_recipient, "recipient_name", "Name who receives the information."),
    "purpose": (lambda c: bool(c.purpose.strip()), "purpose", "State the purpose."),
    "expiry": (_has_expiry, "expiry_date", "Give an expiry date or an expiry event."),
    "expiry_date": (
        lambda c: c.expiry_date is not None,
        "expiry_date",
        "This kind of consent needs an expiry date.",
    ),
    "revocation_right": (
        lambda c: c.revocation_right_acknowledged,
        "revocation_right_acknowledged",
        "The client must be told of the right to revoke.",
    ),
    "revocation_instructions": (
        lambda c: bool(c.revocation_instructions.strip()),
        "revocation_instructions",
        "Say how the client can revoke this consent.",
    ),
    "hipaa_redisclosure": (
        _hipaa_statement,
        "hipaa_redisclosure_statement",
        "A TPO consent to a covered entity or business associate carries the HIPAA "
        "redisclosure statement.",
    ),
}
# How each element reads on the admin's form.
ELEMENT_LABELS: dict[str, str] = {
    "information_description": "A specific description of the information",
    "recipient": "Who receives it",
    "purpose": "The purpose",
    "expiry": "An expiry date or event",
    "expiry_date": "An expiry date (an event alone is not enough)",
    "revocation_right": "The client was told of the right to revoke",
    "revocation_instructions": "How to revoke",
    "hipaa_redisclosure": "The HIPAA redisclosure statement (TPO consents to covered entities)",
}
# 42 CFR 2.31(a), enforced whatever the data says.
PART2_FLOOR = (
    "information_description",
    "recipient",
    "purpose",
    "expiry",
    "revocation_right",
    "revocation_instructions",
    "hipaa_redisclosure",
)


def element_sets_for(consent: Consent) -> list[ConsentElementSet]:
    """The active sets that apply: Casework's own, replaced key by key by the organization's."""
    categories = set(consent.categories or [])
    state = ""
    if consent.organization_id:
        from casework.accounts.models import Organization

        state = (
            Organization.objects.filter(pk=consent.organization_id)
            .values_list("state", flat=True)
            .first()
            or ""
        )
    rows = ConsentElementSet.objects.filter(category__in=categories).filter(
        organization_id__in=[consent.organization_id]
    ) | ConsentElementSet.objects.filter(category__in=categories, organization__isnull=True)
    by_key: dict[str, ConsentElementSet] = {}
    for row in sorted(rows, key=lambda r: r.organization_id is not None):
        by_key[row.key] = row  # the organization's own set comes last and wins
    return [s for s in by_key.values() if s.is_active and (not s.state or s.state == state)]


def element_errors(consent: Consent) -> dict[str, str]:
    """``{field: message}`` for each required element the consent lacks."""
    required: set[str] = set()
    for element_set in element_sets_for(consent):
        required.update(e for e in element_set.elements if e in ELEMENT_CHECKS)
    if ConsentCategory.SUBSTANCE_USE in (consent.categories or []):
        required.update(PART2_FLOOR)
    errors: dict[str, str] = {}
    for name in sorted(required):
        check, field, message = ELEMENT_CHECKS[name]
        if not check(consent):
            errors.setdefault(field, message)
    return errors


def fill_defaults(consent: Consent) -> None:
    """Standard wording where staff left it empty: how to revoke, and the HIPAA statement."""
    if not consent.revocation_instructions.strip():
        consent.revocation_instructions = DEFAULT_REVOCATION_INSTRUCTIONS
    if (
        consent.kind == Consent.Kind.TPO
        and consent.recipient_is_covered_entity
        and not consent.hipaa_redisclosure_statement.strip()
    ):
        consent.hipaa_redisclosure_statement = HIPAA_REDISCLOSURE_STATEMENT
    if consent.expiry_event.strip() and not consent.expiry_trigger:
        consent.expiry_trigger = ExpiryEvent.OTHER  # free text: an event Casework cannot see
    if consent.expiry_trigger and consent.expiry_trigger != ExpiryEvent.OTHER:
        consent.expiry_event = consent.expiry_event or ExpiryEvent(consent.expiry_trigger).label


def element_sets_for_organization(organization_id: int) -> list[ConsentElementSet]:
    """Every set an organization's admin sees: its own, and the shared ones it has not replaced."""
    own = list(ConsentElementSet.objects.filter(organization_id=organization_id))
    replaced = {row.key for row in own}
    shared = ConsentElementSet.objects.filter(organization__isnull=True).exclude(key__in=replaced)
    return sorted([*own, *shared], key=lambda row: (row.category, row.key))


def element_set_for_organization(organization_id: int, key: str) -> ConsentElementSet | None:
    """The organization's own set with ``key``, or else the shared one; ``None`` if neither."""
    rows = ConsentElementSet.objects.filter(key=key).filter(
        Q(organization_id=organization_id) | Q(organization__isnull=True)
    )
    return min(rows, key=lambda row: row.organization_id is None, default=None)


_EDITABLE = ("name", "category", "state", "elements", "source", "is_active")


@transaction.atomic
def consent_element_set_save(
    *, actor: Any, organization: Any, key: str, data: dict[str, Any]
) -> ConsentElementSet:
    """Save an organization's own element set under ``key`` (it replaces a shared one).

    Unknown element names are refused: each name must have a check. The federal Part 2
    floor still applies to every substance-use consent, whatever a set says.
    """
    unknown = sorted(set(data.get("elements") or []) - set(ELEMENT_CHECKS))
    if unknown:
        raise ValidationError({"elements": f"Unknown elements: {', '.join(unknown)}."})
    row = ConsentElementSet.objects.filter(organization=organization, key=key).first()
    before = snapshot(row, _EDITABLE) if row else {}
    row = row or ConsentElementSet(organization=organization, key=key)
    for name in _EDITABLE:
        if name in data:
            setattr(row, name, data[name])
    row.elements = sorted(set(row.elements or []))
    row.full_clean()
    row.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        target_type="consent_element_set",
        target_id=row.pk,
        organization_id=organization.pk,
        changes=diff(before, snapshot(row, _EDITABLE)),
        details={"key": key},
    )
    return row

"""What the receiving side of a referral may see of the client: only what a consent in force
releases to it, with the notice that must accompany the disclosure.

The consent is checked again on every read, not only when the referral was sent: once the
client revokes it (or it expires) the partner sees the referral but no client details.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casework.clients.consent import PART2_REDISCLOSURE_NOTICE
from casework.clients.models import ConsentCategory
from casework.referrals.models import Referral
from casework.referrals.services import covering_consent


@dataclass(frozen=True)
class SharedClient:
    """The client as the receiving side sees it. ``withheld`` when no consent covers it."""

    withheld: bool
    details: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()
    consent_scope: str = ""
    notice: str = ""


def shared_client(referral: Referral) -> SharedClient:
    """The consented view of the referral's client for its receiving side."""
    consent = covering_consent(
        referral.client,
        organization_id=referral.recipient_organization_id,
        program_id=referral.recipient_program_id,
        categories=referral.shared_categories,
    )
    if consent is None:
        return SharedClient(withheld=True)
    client = referral.client
    name = " ".join(
        p for p in (client.preferred_name or client.given_name, client.family_name) if p
    )
    details = {
        "Name": name,
        "Date of birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
        "Phone": client.phone,
        "Email": client.email,
        "Preferred contact": client.get_preferred_contact_method_display()
        if client.preferred_contact_method
        else "",
        "Safe times to contact": client.safe_contact_times,
        "Language": client.primary_language
        + (" (needs an interpreter)" if client.interpreter_needed else ""),
    }
    if not client.address_confidential:
        address = ", ".join(
            p for p in (client.address_line1, client.city, client.state, client.postal_code) if p
        )
        details["Address"] = address
    labels = tuple(ConsentCategory(c).label for c in referral.shared_categories)
    expiry = consent.expiry_date.isoformat() if consent.expiry_date else consent.expiry_event
    scope = (
        f"Consent signed {consent.signed_on.isoformat()} by {consent.signed_by_name} for "
        f"“{consent.purpose}”, releasing {', '.join(labels)} to {consent.recipient_label}"
        + (f", until {expiry}" if expiry else "")
        + ". The client may revoke it at any time."
    )
    notice = (
        PART2_REDISCLOSURE_NOTICE
        if ConsentCategory.SUBSTANCE_USE in referral.shared_categories
        else ""
    )
    return SharedClient(
        withheld=False,
        details={k: v for k, v in details.items() if v},
        categories=labels,
        consent_scope=scope,
        notice=notice,
    )

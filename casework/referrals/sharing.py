"""What the receiving side of a referral may see of the client: only what a consent in force
releases to it, with the notice that must accompany the disclosure, and an accounting of it.

The consent is checked again on every read, not only when the referral was sent: once the
client revokes it (or it expires) the partner sees the referral but no client details. The
notice uses the consent work's shapes (``clients.disclosure``): the intro, the Part 2 notice
when substance-use information is shared (42 CFR 2.32), and the consent's scope. Each read
that shows client details is accounted for as an ``audit.Disclosure`` (45 CFR 164.528;
42 CFR 2.24).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from casework.audit.models import Disclosure
from casework.clients.consent import PART2_REDISCLOSURE_NOTICE
from casework.clients.disclosure import NOTICE_INTRO, ConsentScope, DisclosureNotice
from casework.clients.models import Consent, ConsentCategory
from casework.core import context
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
    disclosure_notice: DisclosureNotice | None = None


def _details(referral: Referral) -> dict[str, str]:
    client = referral.client
    name = " ".join(
        p for p in (client.preferred_name or client.given_name, client.family_name) if p
    )
    language = client.primary_language + (
        " (needs an interpreter)" if client.interpreter_needed else ""
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
        "Language": language,
    }
    if not client.address_confidential:
        parts = (client.address_line1, client.city, client.state, client.postal_code)
        details["Address"] = ", ".join(p for p in parts if p)
    return {k: v for k, v in details.items() if v}


def _notice(consent: Consent, shared: list[str]) -> DisclosureNotice:
    labels = dict(ConsentCategory.choices)
    until = " or ".join(
        p for p in (consent.expiry_date and f"{consent.expiry_date:%B %-d, %Y}",
                    consent.expiry_event) if p
    ) or "until revoked"  # fmt: skip
    scope = ConsentScope(
        consent_id=consent.pk,
        recipient=consent.recipient_label,
        information=consent.information_description or "",
        categories=[labels.get(c, c) for c in consent.categories or []],
        purpose=consent.purpose,
        until=until,
        how_to_revoke=consent.revocation_instructions,
        redisclosure=consent.hipaa_redisclosure_statement,
    )
    part2 = ""
    if ConsentCategory.SUBSTANCE_USE in shared:
        part2 = consent.redisclosure_notice or PART2_REDISCLOSURE_NOTICE
    return DisclosureNotice(intro=NOTICE_INTRO, part2_notice=part2, scopes=[scope])


def shared_client(referral: Referral, *, reader: Any = None) -> SharedClient:
    """The consented view of the referral's client for its receiving side.

    With ``reader``, the showing is accounted for as a disclosure to that user.
    """
    consent = covering_consent(
        referral.client,
        organization_id=referral.recipient_organization_id,
        program_id=referral.recipient_program_id,
        categories=referral.shared_categories,
    )
    if consent is None:
        return SharedClient(withheld=True)
    notice = _notice(consent, referral.shared_categories)
    scope = notice.scopes[0]
    if reader is not None:
        _account(referral, consent, reader)
    return SharedClient(
        withheld=False,
        details=_details(referral),
        categories=tuple(ConsentCategory(c).label for c in referral.shared_categories),
        consent_scope=(
            f"Consent {consent.pk}, signed {consent.signed_on:%B %-d, %Y} by "
            f"{consent.signed_by_name}: {', '.join(scope.categories)} to {scope.recipient} "
            f"for {scope.purpose}, in force {scope.until}."
        ),
        notice=notice.part2_notice,
        disclosure_notice=notice,
    )


def _account(referral: Referral, consent: Consent, reader: Any) -> None:
    Disclosure.objects.create(
        client_id=referral.client_id,
        organization_id=referral.organization_id,
        recipient=reader if getattr(reader, "is_authenticated", False) else None,
        recipient_label=f"{getattr(reader, 'full_name', '')} <{getattr(reader, 'email', '')}>",
        recipient_organization_ids=[referral.recipient_organization_id],
        categories=sorted(referral.shared_categories),
        basis="consent",
        consent_ids=[consent.pk],
        purpose=consent.purpose[:300],
        what=f"referral {referral.pk}"[:50],
        channel=context.current().channel,
    )

"""What travels with a disclosure, and the accounting of disclosures.

A reader who reaches a client through a consent (not through the client's own programs)
receives a disclosure. Two things follow:

* **The notice travels with it** (42 CFR 2.32 as amended in 2024): wherever the recipient
  sees or receives the information, the Part 2 notice (when substance-use information is
  released) and a plain statement of each consent's scope (what, to whom, for what, until
  when, how to revoke). ``disclosure_notice`` builds it once per request; the client gate
  attaches it to the client as ``client.disclosure_notice``; pages include
  ``web/includes/disclosure_notice.html``, the API answers it as ``disclosure_notice``, and an
  export or print for recipients calls ``notice_lines``. Other apps (referrals) call
  ``disclosure_notice``.
* **Each disclosure is accounted for** (45 CFR 164.528; 42 CFR 2.24): who received it, which
  categories, when, and on what basis (a consent, or emergency access). ``disclosure_record``
  writes an append-only ``audit.Disclosure`` beside the read's audit row; ``disclosures_of``
  lists them for the client page, the print for the client, and the API.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from casework.accounts.access import access_for
from casework.audit.models import AuditEvent, Disclosure
from casework.clients.models import Client, Consent, ConsentCategory
from casework.core import context

DISCLOSED_BASES = frozenset({"consent", "break_glass"})
NOTICE_INTRO = (
    "You are receiving this client's information under the client's written consent. "
    "Use it only as the consent allows."
)


@dataclass(frozen=True)
class ConsentScope:
    """A plain statement of one consent's scope, as the recipient must see it."""

    consent_id: int
    recipient: str
    information: str
    categories: list[str]
    purpose: str
    until: str
    how_to_revoke: str
    redisclosure: str


@dataclass(frozen=True)
class DisclosureNotice:
    """The notice that accompanies information disclosed under consent."""

    intro: str
    part2_notice: str
    scopes: list[ConsentScope]


def _until(consent: Consent) -> str:
    parts = []
    if consent.expiry_date:
        parts.append(f"{consent.expiry_date:%B %-d, %Y}")
    if consent.expiry_event:
        parts.append(consent.expiry_event)
    return " or ".join(parts) if parts else "until revoked"


def _scope(consent: Consent) -> ConsentScope:
    labels = dict(ConsentCategory.choices)
    return ConsentScope(
        consent_id=consent.pk,
        recipient=consent.recipient_label,
        information=consent.information_description or "",
        categories=[labels.get(c, c) for c in consent.categories or []],
        purpose=consent.purpose,
        until=_until(consent),
        how_to_revoke=consent.revocation_instructions,
        redisclosure=consent.hipaa_redisclosure_statement,
    )


def consents_to_readers(
    user: Any, client_ids: Collection[int], *, fresh: bool = False
) -> dict[int, list[Consent]]:
    """For each client, the consents in force through which ``user`` reaches it: one query
    for all of them, memoized per request (``fresh`` reads them again, as the gate does when
    it decides the basis)."""
    access = access_for(user)
    memo: dict[int, list[Consent]] = access.memo.setdefault("consents_to", {})  # type: ignore[assignment]
    missing = sorted({pk for pk in client_ids if fresh or pk not in memo})
    if missing:
        staff_orgs = access.org_wide_org_ids | frozenset(access.program_org.values())
        found: dict[int, list[Consent]] = {pk: [] for pk in missing}
        for consent in (
            Consent.objects.in_force()
            .filter(client_id__in=missing)
            .to_recipient(organization_ids=staff_orgs, program_ids=access.program_ids)
            .select_related("recipient_organization", "recipient_program")
            .order_by("pk")
        ):
            found[consent.client_id].append(consent)
        memo.update(found)
    return {pk: memo[pk] for pk in client_ids}


def consents_to_reader(user: Any, client_id: int) -> list[Consent]:
    """The consents in force through which ``user`` reaches the client (memoized per request)."""
    return consents_to_readers(user, [client_id])[client_id]


def _notice(consents: list[Consent]) -> DisclosureNotice:
    part2 = next((c.redisclosure_notice for c in consents if c.is_part2), "")
    if part2 == "" and any(c.is_part2 for c in consents):
        from casework.clients.consent import PART2_REDISCLOSURE_NOTICE

        part2 = PART2_REDISCLOSURE_NOTICE
    return DisclosureNotice(
        intro=NOTICE_INTRO, part2_notice=part2, scopes=[_scope(c) for c in consents]
    )


def disclosure_notices(user: Any, clients: Iterable[Client]) -> dict[int, DisclosureNotice | None]:
    """The notice for each client of a page (a list, a search): one query for the consents
    of every client ``user`` reaches through a consent, none when the gate already read them;
    None for the others. Each client carries ``access_basis`` (the gate, or
    ``permissions.mark_list_access`` for a page)."""
    clients = list(clients)
    consented = [c.pk for c in clients if getattr(c, "access_basis", None) == "consent"]
    consents = consents_to_readers(user, consented) if consented else {}
    return {c.pk: _notice(consents[c.pk]) if c.pk in consents else None for c in clients}


def disclosure_notice(user: Any, client: Client) -> DisclosureNotice | None:
    """The notice for a client ``user`` reaches through a consent; None otherwise.

    ``client`` was loaded through the gate (``access_client``), which set ``access_basis``.
    """
    return disclosure_notices(user, [client])[client.pk]


def notice_lines(notice: DisclosureNotice | None) -> list[str]:
    """The notice as plain lines, for CSV exports, text files and prints."""
    if notice is None:
        return []
    lines = [notice.intro]
    if notice.part2_notice:
        lines.append(notice.part2_notice)
    for scope in notice.scopes:
        lines.append(
            f"Consent {scope.consent_id}: {', '.join(scope.categories)}"
            f"{' (' + scope.information + ')' if scope.information else ''} to {scope.recipient}"
            f" for {scope.purpose}, in force {scope.until}. How to revoke: {scope.how_to_revoke}"
            f"{' ' + scope.redisclosure if scope.redisclosure else ''}"
        )
    return lines


def _disclosure(
    actor: Any,
    client: Client,
    what: str,
    audit_event: AuditEvent | None,
    categories: Iterable[str] | None,
) -> Disclosure | None:
    """The accounting row for showing ``client`` to ``actor``, unsaved; None when it is no
    disclosure (the consents come from the per-request memo the gate filled)."""
    basis = getattr(client, "access_basis", None)
    if basis not in DISCLOSED_BASES:
        return None
    consents = consents_to_reader(actor, client.pk) if basis == "consent" else []
    access = access_for(actor)
    shown = sorted(categories if categories is not None else client.access_categories)
    return Disclosure(
        client_id=client.pk,
        organization_id=client.organization_id,
        recipient=actor if getattr(actor, "is_authenticated", False) else None,
        recipient_label=_recipient_label(actor),
        recipient_organization_ids=sorted(
            access.org_wide_org_ids | frozenset(access.program_org.values())
        ),
        categories=shown,
        basis=basis,
        consent_ids=[c.pk for c in consents],
        purpose="; ".join(sorted({c.purpose for c in consents}))[:300]
        if consents
        else "emergency access",
        what=what[:50],
        channel=context.current().channel,
        audit_event=audit_event,
    )


def disclosure_record(
    *,
    actor: Any,
    client: Client,
    what: str,
    audit_event: AuditEvent | None = None,
    categories: Iterable[str] | None = None,
) -> Disclosure | None:
    """Account for showing or sending ``client``'s information to ``actor``, if it is a
    disclosure (the client reached through a consent or emergency access); else None."""
    disclosure = _disclosure(actor, client, what, audit_event, categories)
    if disclosure is not None:
        disclosure.save()
    return disclosure


def disclosures_record(
    *,
    actor: Any,
    clients: Iterable[Client],
    what: str,
    audit_event: AuditEvent | None = None,
    categories: Iterable[str] | None = None,
) -> int:
    """``disclosure_record`` for each client of a page, written in one insert (each client
    carries ``access_basis``; the consents of the page were read once). Returns how many."""
    clients = list(clients)
    chosen = list(categories) if categories is not None else None
    consented = [c.pk for c in clients if getattr(c, "access_basis", None) == "consent"]
    if consented:
        consents_to_readers(actor, consented)  # one query, or none after the page's gate
    rows = [
        row
        for client in clients
        if (row := _disclosure(actor, client, what, audit_event, chosen)) is not None
    ]
    if rows:
        Disclosure.objects.bulk_create(rows)
    return len(rows)


def _recipient_label(actor: Any) -> str:
    name = getattr(actor, "full_name", "") or ""
    email = getattr(actor, "email", "") or ""
    return f"{name} <{email}>" if name else email


def disclosures_of(client_id: int) -> list[Disclosure]:
    """Every disclosure of the client, newest first (never editable)."""
    return list(Disclosure.objects.filter(client_id=client_id).order_by("-occurred_at", "-id"))

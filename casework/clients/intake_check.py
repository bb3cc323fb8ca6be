"""One way in: every path that creates a client searches first (issue 10).

Intake, "Add a client", ``POST /api/v1/clients`` and the CSV import all create through
:func:`client_create_checked`: it runs the intake search (:mod:`casework.clients.
intake_search`) over the clients the actor may see and refuses with
:class:`PossibleDuplicates` while any of them is flagged "possible duplicate", unless the
actor confirms a new record with a reason. The search is audited as a search; the reason
and the records it overrode are audited with the new client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import transaction

from casework.accounts.access import access_for
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.clients import intake_search
from casework.clients.matching.records import Person
from casework.clients.models import Client
from casework.clients.permissions import redact_confidential_addresses
from casework.clients.services import client_create, client_list_record

SHOW_LIMIT = 10
POPULATION_CACHE_SECONDS = 900
REASON_MAX_LENGTH = 2000


@dataclass
class Match:
    """An existing client offered for an incoming person, with the evidence."""

    client: Client
    score: float
    reasons: list[str] = field(default_factory=list)
    possible_duplicate: bool = False
    found_by: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(self.score * 100)


class PossibleDuplicates(Exception):
    """A new record was refused: these visible clients may be the same person."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__("This person may already have a record.")
        self.matches = matches


def population(user: Any) -> int:
    """Roughly how many clients the search covers (the matcher's prior odds); cached."""
    org_ids = sorted(access_for(user).organization_ids)
    key = "intake-population:" + ",".join(map(str, org_ids))
    count = cache.get(key)
    if count is None:
        count = Client.objects.active().filter(organization_id__in=org_ids).count()
        cache.set(key, count, POPULATION_CACHE_SECONDS)
    return max(int(count), 1)


def matches_for(
    user: Any,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: date | None,
    phone: str = "",
    k: int = SHOW_LIMIT,
) -> list[Match]:
    """The ``k`` best matches among the active clients ``user`` may see (not audited)."""
    person = Person(
        id="incoming",
        first_name=given_name,
        last_name=family_name,
        dob=date_of_birth,
        phone=phone,
    )
    visible = Client.objects.active().visible_to(user)
    found = intake_search.find_candidates(person, clients=visible, k=k, population=population(user))
    rows = visible.in_bulk([c.client_id for c in found])
    return [
        Match(
            client=rows[c.client_id],
            score=round(c.score, 3),
            reasons=list(c.reasons),
            possible_duplicate=c.possible_duplicate,
            found_by=list(c.found_by),
        )
        for c in found
        if c.client_id in rows
    ]


def duplicate_check(actor: Any, data: Mapping[str, Any]) -> list[Match]:
    """The matches for a client about to be created from ``data``; the search is audited."""
    given, family = str(data.get("given_name", "")), str(data.get("family_name", ""))
    born = data.get("date_of_birth")
    matches = matches_for(
        actor,
        given_name=given,
        family_name=family,
        date_of_birth=born if isinstance(born, date) else None,
        phone=str(data.get("phone", "")),
    )
    redact_confidential_addresses(actor, [m.client for m in matches])
    query = {
        "duplicate_check": f"{given} {family}".strip(),
        "dob": born.isoformat() if isinstance(born, date) else "",
    }
    client_list_record(actor=actor, clients=[m.client for m in matches], query=query)
    return matches


def client_create_checked(
    *, actor: Any, data: Mapping[str, Any], new_record_reason: str = "", **create: Any
) -> Client:
    """``client_create`` after the search-first check (the keyword arguments are its own).

    Raises :class:`PossibleDuplicates` when a visible client is flagged and no reason is
    given; with a reason, the new client is created and the reason is audited with the ids
    of the flagged clients it overrode. The search's audit row is written before the
    refusal and outside the creating transaction, so a refusal keeps it (as long as the
    caller handles the exception rather than letting it undo an enclosing ``atomic``).
    """
    reason = " ".join(new_record_reason.split())[:REASON_MAX_LENGTH]
    flagged = [m for m in duplicate_check(actor, data) if m.possible_duplicate]
    if flagged and not reason:
        raise PossibleDuplicates(flagged)
    with transaction.atomic():
        client = client_create(actor=actor, data=data, **create)
        if reason:
            _record_reason(actor, client, reason, flagged)
    return client


def _record_reason(actor: Any, client: Client, reason: str, flagged: list[Match]) -> None:
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="client_new_record_confirmed",
        target_id=client.pk,
        client_id=client.pk,
        organization_id=client.organization_id,
        details={"reason": reason, "possible_duplicates": [m.client.pk for m in flagged]},
    )


# At most this many lines are named in an import's refusal (the rest are counted).
IMPORT_LINES_SHOWN = 20


def import_duplicates_check(actor: Any, rows: list[tuple[int, Mapping[str, Any]]]) -> None:
    """Refuse an import whose new people may already be on file (``ValidationError``).

    ``rows`` are ``(line, client data)`` of the people an import would create. Each is
    searched as intake would among the clients ``actor`` may see (one audited search row
    for the whole file); a line with a flagged match stops the import, all or nothing,
    with the lines to fix: match them by agency id or remove them.
    """
    from django.core.exceptions import ValidationError

    problems, shown = [], []
    for line, data in rows:
        born = data.get("date_of_birth")
        flagged = [
            m
            for m in matches_for(
                actor,
                given_name=str(data.get("given_name", "")),
                family_name=str(data.get("family_name", "")),
                date_of_birth=born if isinstance(born, date) else None,
                phone=str(data.get("phone", "")),
                k=3,
            )
            if m.possible_duplicate
        ]
        if flagged:
            shown += [m.client for m in flagged]
            names = ", ".join(f"{m.client.display_name} (client {m.client.pk})" for m in flagged)
            problems.append(f"Line {line} may already be on file as {names}.")
    if not problems:
        return
    client_list_record(actor=actor, clients=shown, query={"import_duplicate_check": "yes"})
    more = len(problems) - IMPORT_LINES_SHOWN
    tail = [f"And {more} more line(s)."] if more > 0 else []
    advice = "Give those rows the existing record's agency id, or remove them."
    raise ValidationError({"file": [*problems[:IMPORT_LINES_SHOWN], *tail, advice]})

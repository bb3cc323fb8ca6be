"""The thin Django adapter: ``clients.Client`` rows in, matcher people out.

Only this module (and :mod:`intake`) touches the ORM; the rest of the package is pure
Python. The SSN is not read: it is encrypted at rest and revealed only on an audited click,
so whole-database runs match on names, date of birth, sex, phone and address.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from casework.clients.matching.records import Person

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casework.clients.models import Client

# Values read from a Client row; the order matches _person().
CLIENT_COLUMNS = (
    "pk",
    "organization_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
)
_HOUSE_NUMBER = re.compile(r"^\s*(\d+[a-zA-Z]?)\s+(.*)$")
# HMIS 4.21 codes (Client.Sex): 0 female, 1 male; the rest say "unknown".
_SEX = {0: "F", 1: "M"}


def split_street(line: str) -> tuple[str, str]:
    """'12 Main St' -> ('12', 'Main St'); a line without a leading number is kept whole."""
    found = _HOUSE_NUMBER.match(line or "")
    return (found.group(1), found.group(2)) if found else ("", line or "")


def person_from_row(row: tuple[Any, ...]) -> Person:
    (pk, _org, given, family, dob, sex, phone, line1, line2, city, state, postcode) = row
    number, street = split_street(line1)
    return Person(
        id=str(pk),
        first_name=given or "",
        last_name=family or "",
        dob=dob if isinstance(dob, dt.date) else None,
        sex=_SEX.get(sex, ""),
        phone=phone or "",
        street_number=number,
        address_1=street,
        address_2=line2 or "",
        city=city or "",
        state=state or "",
        postcode=postcode or "",
    )


def people_by_organization(
    queryset: QuerySet[Client] | None = None, chunk_size: int = 5000
) -> dict[int, list[Person]]:
    """Active clients as people, grouped by organization (the tenant: never matched across)."""
    if queryset is None:
        from casework.clients.models import Client

        queryset = Client.objects.filter(is_active=True)
    groups: dict[int, list[Person]] = defaultdict(list)
    rows: Iterable[tuple[Any, ...]] = (
        queryset.order_by("pk").values_list(*CLIENT_COLUMNS).iterator(chunk_size=chunk_size)
    )
    for row in rows:
        groups[row[1]].append(person_from_row(row))
    return dict(groups)


def record_match_run(*, organization_id: int, clients: int, pairs: int) -> None:
    """One audit row per organization whose client data a whole-database run read."""
    from django.db import transaction

    from casework.audit.models import AuditAction
    from casework.audit.services import record

    with transaction.atomic():
        record(
            actor=None,
            actor_label="casework match (command line)",
            action=AuditAction.EXPORT,
            target_type="client_match_run",
            organization_id=organization_id,
            details={"clients": clients, "pairs": pairs},
        )


def pairs_with_reasons(
    *, records: list[Any], pairs: list[Any], model: Any
) -> list[tuple[int, int, float, list[str]]]:
    """``(id_a, id_b, score, reasons)`` for scored pairs, reasons in plain words."""
    from casework.clients.matching.compare import comparator

    by_id = {record.id: record for record in records}
    gamma = comparator(model.comparisons)
    return [
        (
            int(pair.id_a),
            int(pair.id_b),
            round(pair.score, 6),
            model.reasons(gamma(by_id[pair.id_a], by_id[pair.id_b])),
        )
        for pair in pairs
    ]


def queue_pairs(*, organization_id: int, records: list[Any], pairs: list[Any], model: Any) -> int:
    """Put scored pairs, with their plain-words reasons, into the duplicates review queue.

    Pairs a supervisor already decided stay decided. Returns how many pairs are new.
    """
    from casework.clients.merge import duplicate_candidates_record

    rows = pairs_with_reasons(records=records, pairs=pairs, model=model)
    return duplicate_candidates_record(organization_id=organization_id, pairs=rows)

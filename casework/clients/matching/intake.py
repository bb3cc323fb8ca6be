"""Intake candidate search: the existing clients most likely to be an incoming person.

One selective database query fetches the candidates, then the Fellegi-Sunter model ranks
them. The query uses only indexed, selective keys (the ``client_dob`` index on
``date_of_birth``, and the name-key prefix indexes), never a fuzzy scan:

- with a date of birth: clients born on that date or with day and month swapped, plus
  clients born on a date one keystroke away whose family or given name starts with the
  same two letters (a mistyped date still finds a person whose name was typed right);
- without one: clients with that exact family name whose given name starts with the same
  letter, or the names swapped (capped).

Reading is the caller's business to audit (intake search records one ``search`` event);
this function only reads, through the queryset it is given, so tenant scoping and
visibility are the caller's ``Client.objects`` filter.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from casework.clients.matching.compare import comparator
from casework.clients.matching.database import CLIENT_COLUMNS, person_from_row
from casework.clients.matching.estimate import present_comparisons
from casework.clients.matching.model import Model, default_model, probability
from casework.clients.matching.records import Features, Person, features

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casework.clients.models import Client

# A suggestion is flagged "possible duplicate" at this probability (as `casework match`).
ALERT_THRESHOLD = 0.5
# Of the people who come to intake, the share already on file (agencies report 60-90%;
# the benchmark's mix is 80%). With the caseload size it sets the prior odds.
RETURNING_SHARE = 0.8
NAME_ONLY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Candidate:
    client_id: int
    score: float
    reasons: tuple[str, ...]
    possible_duplicate: bool


def one_keystroke_dates(dob: dt.date) -> set[dt.date]:
    """Real dates whose YYYYMMDD differs from ``dob``'s by one digit or one neighbour swap."""
    text = dob.strftime("%Y%m%d")
    variants = {text[:i] + d + text[i + 1 :] for i in range(8) for d in "0123456789"}
    variants |= {text[:i] + text[i + 1] + text[i] + text[i + 2 :] for i in range(7)}
    out = set()
    for variant in variants:
        try:
            candidate = dt.date(int(variant[:4]), int(variant[4:6]), int(variant[6:]))
        except ValueError:
            continue
        if candidate.year >= 1900:
            out.add(candidate)
    out.discard(dob)
    return out


def _prefix(field: str, text: str) -> Q:
    # A range, not LIKE/startswith, so SQLite and PostgreSQL both use the plain index.
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\uffff"})


def _candidate_filter(person: Features) -> Q | None:
    if person.dob_ymd is not None:
        year, month, day = person.dob_ymd
        dob = dt.date(year, month, day)
        exact = {dob}
        if day <= 12 and day != month:
            exact.add(dt.date(year, day, month))
        near = one_keystroke_dates(dob) - exact
        names = Q()
        if person.last:
            names |= _prefix("family_name_key", person.last[:2])
        if person.first:
            names |= _prefix("given_name_key", person.first[:2])
        query = Q(date_of_birth__in=sorted(exact))
        if near and (person.last or person.first):
            query |= Q(date_of_birth__in=sorted(near)) & names
        return query
    if person.last and person.first:
        return (Q(family_name_key=person.last) & _prefix("given_name_key", person.first[0])) | (
            Q(family_name_key=person.first) & _prefix("given_name_key", person.last[0])
        )
    return None


def find_candidates(
    person: Person,
    *,
    clients: QuerySet[Client],
    k: int = 5,
    model: Model | None = None,
    population: int = 10_000,
) -> list[Candidate]:
    """The ``k`` best-scoring existing clients for ``person``, best first.

    ``clients`` is the scoped queryset to search (e.g. the organization's active clients);
    ``population`` is roughly how many clients it holds (sets the prior odds; a cached
    count is fine: being off by a factor of two moves a weight by one bit).
    """
    query = features(person)
    where = _candidate_filter(query)
    model = model or default_model()
    if where is None or model is None:
        return []
    rows = clients.filter(where).values_list(*CLIENT_COLUMNS)
    if query.dob_ymd is None:
        rows = rows[:NAME_ONLY_LIMIT]
    return rank(query, (features(person_from_row(row)) for row in rows), model, k, population)


def rank(
    query: Features, found: Iterable[Features], model: Model, k: int, population: int
) -> list[Candidate]:
    names = present_comparisons([query], model.comparisons)
    usable = model.restricted(names)
    gamma = comparator(usable.comparisons)
    prior = RETURNING_SHARE / max(population, 1)
    scored = []
    for candidate in found:
        g = gamma(query, candidate)
        weight = usable.weight(g) - usable.prior_weight + _log2_odds(prior)
        scored.append((weight, int(candidate.id), g))
    scored.sort(key=lambda item: (-item[0], item[1]))
    out = []
    for weight, client_id, g in scored[:k]:
        score = probability(weight)
        out.append(Candidate(client_id, score, tuple(usable.reasons(g)), score >= ALERT_THRESHOLD))
    return out


def _log2_odds(p: float) -> float:
    return math.log2(p / (1 - p))

"""Intake candidate search: the existing clients most likely to be an incoming person.

One database query fetches the candidates, then the Fellegi-Sunter model ranks them. The
query is a union of small blocks, each read from one index and capped, never a fuzzy scan:

- with a date of birth: clients born on that date or with day and month swapped; born on
  a date one keystroke away with a family or given name that starts with the same three
  letters or sounds like one of the person's names (``family_name_sound`` and
  ``given_name_sound``, NYSIIS codes); born the same year with both names sounding alike,
  straight or swapped;
- without one: clients with the same names, with names sounding the same, or with the
  same family name and given initial, straight or swapped.

Reading is the caller's business to audit (intake search records one ``search`` event);
this function only reads, through the queryset it is given, so tenant scoping and
visibility are the caller's ``Client.objects`` filter.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connections
from django.db.models.expressions import RawSQL

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
# A piece of WHERE clause and its parameters.
Condition = tuple[str, list[object]]
# At most this many candidates from each block.
BRANCH_LIMIT = 100


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
        if candidate.year >= 1900 and candidate <= dt.date.today():
            out.add(candidate)
    out.discard(dob)
    return out


def _in(column: str, values: Sequence[object]) -> Condition:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _prefix(column: str, text: str) -> Condition:
    # A range, not LIKE, so that SQLite and PostgreSQL both use the plain b-tree index.
    return f"{column} >= %s AND {column} < %s", [text, text + "\uffff"]


def _both(*conditions: Condition) -> Condition:
    return " AND ".join(sql for sql, _ in conditions), [p for _, ps in conditions for p in ps]


def _dob_branches(
    person: Features, dob: dt.date, date: Callable[[dt.date], object]
) -> list[Condition]:
    """Blocks for a person with a date of birth, each read from one index.

    Everyone born that day or with day and month swapped; on a date one keystroke away,
    people with a name close to the person's (:func:`_near_names`); born the same year,
    people whose given and family names both sound like the person's, either way round
    (a date wrong by more than a keystroke).
    """
    exact = {dob}
    if dob.day <= 12 and dob.day != dob.month:
        exact.add(dt.date(dob.year, dob.day, dob.month))
    branches = [_in("date_of_birth", [date(d) for d in sorted(exact)])]
    near = sorted(one_keystroke_dates(dob) - exact)
    if near:
        on_near_date = _in("date_of_birth", [date(d) for d in near])
        branches += [_both(on_near_date, name) for name in _near_names(person)]
    same_year = (
        "date_of_birth >= %s AND date_of_birth <= %s",
        [date(dt.date(dob.year, 1, 1)), date(dt.date(dob.year, 12, 31))],
    )
    branches += [_both(pair, same_year) for pair in _sound_pairs(person)]
    return branches


def _near_names(person: Features) -> list[Condition]:
    """Name conditions for a date one keystroke away, each a seek in one index.

    The family or given name starts with the same three letters (a typo later in the name),
    or sounds like either of the person's names (a respelling, or the names swapped). One
    condition per code: given an ``IN`` list of codes, PostgreSQL intersected two bitmap
    scans (4 ms at a million clients for a common code) instead of seeking both columns.
    """
    names: list[Condition] = []
    for code in sorted({code for code in (person.last_nysiis, person.first_nysiis) if code}):
        names += [("family_name_sound = %s", [code]), ("given_name_sound = %s", [code])]
    for column, value in (("family_name_key", person.last), ("given_name_key", person.first)):
        if value:
            names.append(_prefix(column, value[:3]))
    return names


def _sound_pairs(person: Features) -> list[Condition]:
    """Given and family names sounding like the person's, straight and swapped."""
    first, last = person.first_nysiis, person.last_nysiis
    if not (first and last):
        return []
    pairs: list[Condition] = [
        ("given_name_sound = %s AND family_name_sound = %s", [given, family])
        for given, family in sorted({(first, last), (last, first)})
    ]
    return pairs


def _name_branches(person: Features) -> list[Condition]:
    """Blocks for a person without a date of birth, straight and swapped.

    The same names; names sounding the same; the same family name and a given name with
    the same initial. The exact names come first as their own block so that a common
    family name filling the initial block's cap cannot push them out.
    """
    if not (person.first and person.last):
        return []
    orders = sorted({(person.first, person.last), (person.last, person.first)})
    exact: list[Condition] = [
        ("given_name_key = %s AND family_name_key = %s", [given, family])
        for given, family in orders
    ]
    initial = [
        _both(("family_name_key = %s", [family]), _prefix("given_name_key", given[0]))
        for given, family in orders
    ]
    return exact + _sound_pairs(person) + initial


def candidate_sql(
    person: Features, table: str, date: Callable[[dt.date], object]
) -> Condition | None:
    """``SELECT id`` of the blocking candidates, or None when there is nothing to block on.

    One capped ``SELECT`` per block, joined by ``UNION``: each block reads one index, and a
    common name cannot flood the ranking. Raw SQL because building this filter through the
    ORM (about fifty dates) cost more than running it; ``date`` adapts a date for the
    connection.
    """
    if person.dob_ymd is not None:
        branches = _dob_branches(person, dt.date(*person.dob_ymd), date)
    else:
        branches = _name_branches(person)
    if not branches:
        return None
    selects = [
        f"SELECT id FROM (SELECT id FROM {table} WHERE {where} LIMIT {BRANCH_LIMIT}) AS b{i}"  # noqa: S608  # table name from model metadata
        for i, (where, _) in enumerate(branches)
    ]
    return " UNION ".join(selects), [p for _, params in branches for p in params]


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
    model = model or default_model()
    connection = connections[clients.db]
    found = candidate_sql(
        query,
        connection.ops.quote_name(clients.model._meta.db_table),
        connection.ops.adapt_datefield_value,
    )
    if found is None or model is None:
        return []
    # The blocking keys go in a subquery so that the planner drives the search from their
    # indexes; the caller's scope (tenant, visibility) then filters those few rows by
    # primary key. Filtering both at once let SQLite pick the organization index and scan
    # the whole tenant (35 ms at 20,000 clients, against 1 ms this way).
    keys = RawSQL(*found)  # noqa: S611  # every value is a bound parameter; names are constants
    rows = clients.filter(pk__in=keys).order_by().values_list(*CLIENT_COLUMNS)
    return rank(query, (features(person_from_row(row)) for row in rows), model, k, population)


def rank(
    query: Features, found: Iterable[Features], model: Model, k: int, population: int
) -> list[Candidate]:
    usable = model.restricted(present_comparisons([query], model.comparisons))
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

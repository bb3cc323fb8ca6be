"""Search first: the existing clients an incoming person may already be, and why.

One query collects candidates from small blocks, each read from one index and capped at
``BRANCH_LIMIT`` rows (never a fuzzy scan of the table); the Fellegi-Sunter model of
:mod:`casework.clients.matching` then ranks them. The blocks ("branches"):

- with a date of birth: born that day or with day and month swapped; born on a date one
  keystroke away with a similar name; born the same year with both names sounding alike;
- always, whether or not a date was given, so that a client whose stored date is blank,
  wrong or copied from a relative is still found: the same full name (straight or swapped)
  and a family or first name one edit away with the other name (small blocks even for
  common names), with any date; and (with a date given, among clients whose stored date is blank or
  marked approximate; without one, among all) names sounding alike; the same family name
  with the same first initial, a nickname of the first name, or a placeholder first name;
  the same first name with a placeholder family name, one cut to any single letter, or
  one that starts with the same three letters (a typo past one edit: "Jackzobn" for
  "Jackson"); a family or first name one edit away (insert, delete, substitute or swap two
  neighbours: the exact neighbours of the typed name are looked up in the name index, see
  decision 0055; a space typed inside a name is not an edit); one part of a double family
  name; without a date, also the family name alone, the first name alone, each name in
  the other's column, the family name one edit away with any first name, and the names
  swapped with one of them one edit away (decision 0100). One-name branches read at most
  ``BROAD_LIMIT`` rows.

Placeholder names ("Baby", "Female Child", "Ms", "Unknown", "Last Name": ``data/
placeholder_names.csv``, per field: "Goh" is a placeholder first name in survey data but a
real family name) are treated as missing on both sides, and a family name cut to one
letter is not compared; a person with one usable name is searched by that name (and the
family initial, when one was typed). The list joins the placeholder names the U.S. Census
Bureau's Person Validation System meets in survey responses (NORC's report, as quoted by
the pseudopeople package, 2023), without the ones that are common real family names
("Son", "Man", "House", "Parent"), and the placeholders of intake practice ("Baby Girl",
"FNU", "Refused"). A candidate is never flagged "possible duplicate" when both
dates of birth are known and disagree outright: the name alone then proves nothing (a
relative, a namesake), nor when both names are compared and differ outright (a shared
birthday is not one person, however small the caseload that sets the prior), nor,
unless both records carry a date of birth, when the names are not the same (a nickname, a
typo or a shared part is what relatives and namesakes look like too). Each
candidate carries the model's reasons, the notes above, and the branches that found it
(``found_by``), so the worker sees why it was offered.

Only reads, through the queryset given: tenant scoping, visibility and auditing are the
caller's (``casework.intake.candidates``, the API, the import). A branch's cap counts only
clients of that queryset (a full branch that lost rows to its filter is read again with
it), so another organization's namesakes cannot crowd the caller's out. One statement
returns the candidates' rows. On PostgreSQL it is prepared and runs one plan, made once
per connection for each shape of search: a list of names is one parameter, looked up a
name at a time (``_capped``, decisions 0111 and 0112), and the branches among undated
clients read partial indexes holding only those.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import string
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections

from casework.clients.matching.compare import (
    DOB,
    FIRST_NAME,
    LAST_NAME,
    by_name,
    comparator,
    compare_dob,
    nickname_groups,
)
from casework.clients.matching.database import CLIENT_COLUMNS, person_from_row
from casework.clients.matching.estimate import present_comparisons
from casework.clients.matching.intake import ALERT_THRESHOLD as ALERT_THRESHOLD
from casework.clients.matching.intake import (
    BRANCH_LIMIT,
    RETURNING_SHARE,
    one_keystroke_dates,
)
from casework.clients.matching.model import HOUSEHOLDS, Model, default_model, probability
from casework.clients.matching.records import Features, Person, features
from casework.core.db import bound_cursor

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from casework.clients.models import Client

PLACEHOLDERS_FILE = Path(__file__).parent / "data" / "placeholder_names.csv"
# HMIS 3.03.2 "partial or approximate" (DataQuality.PARTIAL): the stored date is a guess.
APPROXIMATE_DOB = 2
DATES_DIFFER = DOB.levels.index("different")
FIRST_DIFFERENT = FIRST_NAME.levels.index("different")
LAST_DIFFERENT = LAST_NAME.levels.index("different")
FIRST_SAME = {FIRST_NAME.levels.index("exact"), FIRST_NAME.levels.index("swapped")}
LAST_SAME = {LAST_NAME.levels.index("exact"), LAST_NAME.levels.index("swapped")}
LETTERS = string.ascii_lowercase
# Shortest name whose one-edit neighbours are searched ("Li" has too many to mean much).
TYPO_MIN_LENGTH = 3
# A branch: why it offers a client (shown to the worker), a WHERE clause and its parameters.
Branch = tuple[str, str, list[Any]]
Condition = tuple[str, list[Any]]

SAME_DAY = "born the same day"
NEAR_DAY = "born a keystroke away, similar name"
SAME_YEAR = "born the same year, names sound alike"
SAME_NAME = "same name"
SOUNDS_ALIKE = "names sound alike"
SAME_INITIAL = "same last name and first initial"
NICKNAME = "first name is a nickname"
PLACEHOLDER = "same last name, first name not known"
PLACEHOLDER_LAST = "same first name, last name not known"
LAST_INITIAL = "same first name and last initial"
SAME_FIRST = "same first name"
LAST_TYPO = "last name one letter off"
FIRST_TYPO = "first name one letter off"
NAME_PART = "part of a double last name"
LAST_STARTS = "same first name, last name starts alike"
SAME_LAST = "same last name"
FIRST_AS_LAST = "last name is the first name entered"
LAST_AS_FIRST = "first name is the last name entered"
LONE_FIRST_TYPO = "first name one letter off, last name not known"
SWAPPED_TYPO = "names swapped, one of them one letter off"
LONE_LAST_TYPO = "last name one letter off, any first name"


# One name alone (the other replaced, swapped or missing): a common name has hundreds of
# clients who tie on it, all ranked alike, so a larger cap adds work to rank and no recall
# (with ties broken at random, a cap of c >= 5 gives the true client the same 5 / n chance).
BROAD_LIMIT = 20
LIMITS = dict.fromkeys(
    (SAME_FIRST, FIRST_AS_LAST, LAST_AS_FIRST, LONE_FIRST_TYPO, LONE_LAST_TYPO), BROAD_LIMIT
)

# Branches that look at every client whatever the stored date, also when a date is entered:
# each is an exact name (or a typed name's one-edit neighbours) with the other name, so it
# stays small for common names, and it finds a record whose date was replaced or mistyped
# beyond one keystroke and whose name has a typo ("Lia Maymard" for "Lia Maynard").
ANY_DATE = frozenset({SAME_NAME, LAST_TYPO, FIRST_TYPO})

# The order a client's reasons are shown in, the most telling first: the page shows the
# first two, and "names sound alike" (NYSIIS drops a final "a" or "s") or "starts alike"
# says less than "last name one letter off" about "Beckerrjqse" for "Beckerrjqsea".
REASON_ORDER = {
    why: rank
    for rank, why in enumerate(
        (
            SAME_DAY,
            SAME_NAME,
            NICKNAME,
            NEAR_DAY,
            LAST_TYPO,
            FIRST_TYPO,
            SWAPPED_TYPO,
            SAME_INITIAL,
            NAME_PART,
            SOUNDS_ALIKE,
            SAME_YEAR,
            LAST_STARTS,
            PLACEHOLDER,
            PLACEHOLDER_LAST,
            LAST_INITIAL,
            LONE_LAST_TYPO,
            LONE_FIRST_TYPO,
            SAME_LAST,
            SAME_FIRST,
            FIRST_AS_LAST,
            LAST_AS_FIRST,
        )
    )
}


@dataclass(frozen=True, slots=True)
class Candidate:
    client_id: int
    score: float
    reasons: tuple[str, ...]
    possible_duplicate: bool
    found_by: tuple[str, ...] = ()


# --- Placeholder names -------------------------------------------------------------------


@cache
def placeholder_names(field: str) -> frozenset[str]:
    """Placeholder names of ``data/placeholder_names.csv`` for ``field`` ("first", "last")."""
    with PLACEHOLDERS_FILE.open(encoding="utf-8", newline="") as handle:
        return frozenset(
            " ".join(row["name"].split())
            for row in csv.DictReader(handle)
            if row["field"] in (field, "any")
        )


@lru_cache(maxsize=65_536)  # every stored candidate's names, on every search
def is_placeholder(normalized: str, field: str) -> bool:
    """Whether a normalized name is only placeholder words ("baby girl", "ms", "unknown")."""
    words = placeholder_names(field)
    parts = normalized.split()
    return bool(parts) and (normalized in words or all(part in words for part in parts))


def _without_first(found: Features) -> Features:
    return replace(found, first="", first_parts=(), first_nysiis="", first_meta="")


def _without_last(found: Features) -> Features:
    return replace(found, last="", last_parts=(), last_nysiis="", last_meta="")


def usable_names(found: Features, whose: str) -> tuple[Features, list[str]]:
    """``found`` with placeholder names (and a family name cut to an initial) removed.

    ``whose`` starts the note saying so ("stored", "entered").
    """
    notes = []
    if found.first and is_placeholder(found.first, "first"):
        notes.append(f'{whose} first name "{found.first.title()}" is a placeholder, not compared')
        found = _without_first(found)
    if found.last and (is_placeholder(found.last, "last") or len(found.last) == 1):
        kind = "an initial only" if len(found.last) == 1 else "a placeholder"
        notes.append(f'{whose} last name "{found.last.title()}" is {kind}, not compared')
        found = _without_last(found)
    return found, notes


# --- Branches ----------------------------------------------------------------------------


def one_edit_neighbours(word: str) -> set[str]:
    """Every string one insertion, deletion, substitution or neighbour swap from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in LETTERS}
    out |= {a + c + b for a, b in splits for c in LETTERS}
    out.discard(word)
    return {name for name in out if name.strip() == name and "  " not in name}


def _eq(column: str, value: object) -> Condition:
    return f"{column} = %s", [value]


def _in(column: str, values: Iterable[object]) -> Condition:
    listed = sorted(values)  # type: ignore[type-var]  # str or date, one kind per call
    return f"{column} IN ({', '.join(['%s'] * len(listed))})", listed


class NameSet(tuple[str, ...]):
    """Name keys a column may equal: one parameter, written out per database by ``render``."""

    __slots__ = ()


class DateSet(tuple[Any, ...]):
    """Dates a column may equal: one parameter, written out per database by ``render``."""

    __slots__ = ()


def _dates_in(column: str, dates: Iterable[Any]) -> Condition:
    return f"{column} %s", [DateSet(sorted(dates))]


def _names_in(column: str, names: Iterable[str]) -> Condition:
    return f"{column} %s", [NameSet(sorted(names))]


def render(where: str, params: Sequence[Any], vendor: str) -> Condition:
    """``where`` with each ``NameSet`` and ``DateSet`` parameter written for the database.

    SQLite: ``IN (%s, %s, ...)``. PostgreSQL: dates as one string cast to ``date[]``; a
    branch's one list of names becomes a lateral join (``_capped``, decision 0112), and
    any other as ``= ANY(ARRAY(SELECT unnest(...)))`` of one string split on line breaks,
    an array the planner cannot see into (decision 0111).
    Given the list itself, it took each of a typed name's several hundred neighbours for a
    name on file (10 ms of planning), expected thousands of rows where there were none,
    and read the whole table to fill the cap: a third of a second at a million clients.
    Given an array it cannot see, it reads the name index once per neighbour. One string
    rather than an array of strings: the driver quoted each name, 4 ms a search. Stored
    keys are letters, digits and single spaces (``normalize_name``), so a value with a
    line break could match nothing and is left out.
    """
    pieces = where.split("%s")
    if len(pieces) != len(params) + 1:
        raise ValueError("one parameter per placeholder")
    sql, out = [pieces[0]], []
    for value, piece in zip(params, pieces[1:], strict=True):
        if value is EACH_NAME:
            sql.append("= each_name.key")
        elif isinstance(value, DateSet) and vendor == "postgresql":
            sql.append("= ANY(string_to_array(%s, ' ')::date[])")
            out.append(" ".join(str(day) for day in value))
        elif not isinstance(value, NameSet | DateSet):
            sql.append("%s")
            out.append(value)
        elif vendor == "postgresql":
            sql.append("= ANY(ARRAY(SELECT unnest(string_to_array(%s, chr(10)))))")
            out.append("\n".join(name for name in value if "\n" not in name))
        else:
            sql.append(f"IN ({', '.join(['%s'] * len(value))})")
            out.extend(value)
        sql.append(piece)
    return "".join(sql), out


# Written as the current name of the lateral join over a ``NameSet`` (see ``_capped``).
EACH_NAME = object()


def _capped(where: str, params: Sequence[Any], vendor: str, table: str, limit: int) -> Condition:
    """A branch's select of at most ``limit`` client ids.

    On PostgreSQL a branch with a list of names reads the index once per name, each name
    with the branch's other conditions (a lateral join): the plan is then the same for a
    name a thousand clients share as for one no one has, and PostgreSQL can keep one plan
    for every search (decision 0112). Given ``= ANY(array)`` the generic plan read every
    client with the family name and filtered on the first names: 91 ms for a family name
    18,350 of a million clients share.
    """
    at = [i for i, value in enumerate(params) if isinstance(value, NameSet)]
    if vendor != "postgresql" or len(at) != 1:
        sql, values = render(where, params, vendor)
        return f"SELECT id FROM {table} WHERE {sql} LIMIT {limit}", values  # noqa: S608  # table name from model metadata; values are parameters
    names = params[at[0]]
    sql, values = render(where, [*params[: at[0]], EACH_NAME, *params[at[0] + 1 :]], vendor)
    each = "unnest(string_to_array(%s, chr(10))) AS each_name(key)"
    return (
        f"SELECT c.id FROM {each} CROSS JOIN LATERAL"  # noqa: S608  # as above
        f" (SELECT id FROM {table} WHERE {sql} LIMIT {limit}) AS c LIMIT {limit}",
        ["\n".join(name for name in names if "\n" not in name), *values],
    )


def _prefix(column: str, text: str) -> Condition:
    # A range, not LIKE, so that SQLite and PostgreSQL both use the plain b-tree index.
    return f"{column} >= %s AND {column} < %s", [text, text + "\uffff"]


def _both(*conditions: Condition) -> Condition:
    return " AND ".join(sql for sql, _ in conditions), [p for _, ps in conditions for p in ps]


def _branch(why: str, *conditions: Condition) -> Branch:
    return (why, *_both(*conditions))


def _sound_pairs(person: Features) -> list[Condition]:
    first, last = person.first_nysiis, person.last_nysiis
    if not (first and last):
        return []
    return [
        _both(_eq("given_name_sound", given), _eq("family_name_sound", family))
        for given, family in sorted({(first, last), (last, first)})
    ]


def date_branches(
    person: Features, dob: dt.date, date: Callable[[dt.date], object]
) -> list[Branch]:
    """Born that day (or day and month swapped), a keystroke away, or the same year."""
    exact = {dob}
    if dob.day <= 12 and dob.day != dob.month:
        exact.add(dt.date(dob.year, dob.day, dob.month))
    branches = [_branch(SAME_DAY, _dates_in("date_of_birth", [date(d) for d in exact]))]
    near = one_keystroke_dates(dob) - exact
    if near:
        on_near_date = _dates_in("date_of_birth", [date(d) for d in near])
        names: list[Condition] = []
        for code in sorted({code for code in (person.last_nysiis, person.first_nysiis) if code}):
            names += [_eq("family_name_sound", code), _eq("given_name_sound", code)]
        for column, value in (("family_name_key", person.last), ("given_name_key", person.first)):
            if value:
                names.append(_prefix(column, value[:3]))
        branches += [_branch(NEAR_DAY, on_near_date, name) for name in names]
    year = (
        "date_of_birth >= %s AND date_of_birth <= %s",
        [date(dt.date(dob.year, 1, 1)), date(dt.date(dob.year, 12, 31))],
    )
    return branches + [_branch(SAME_YEAR, pair, year) for pair in _sound_pairs(person)]


def name_branches(person: Features, last_initial: str = "") -> list[Branch]:
    """Branches on the names alone, any date of birth (see the module docstring).

    ``last_initial`` is the entered family name when it was cut to one letter (and so
    removed from ``person``).
    """
    first, last = person.first, person.last
    if not last:
        return _one_name_branches(first, last_initial)
    if not first:
        return [_branch(SAME_LAST, _eq("family_name_key", last)), *_lone_typo("family", last)]
    orders = sorted({(first, last), (last, first)})
    branches = [
        _branch(SAME_NAME, _eq("given_name_key", g), _eq("family_name_key", f)) for g, f in orders
    ]
    branches += [(SOUNDS_ALIKE, *pair) for pair in _sound_pairs(person)]
    branches += [
        _branch(SAME_INITIAL, _eq("family_name_key", f), _prefix("given_name_key", g[0]))
        for g, f in orders
    ]
    nicknames = nickname_groups().get(first)
    if nicknames:
        branches.append(
            _branch(NICKNAME, _eq("family_name_key", last), _names_in("given_name_key", nicknames))
        )
    unknown = _names_in("given_name_key", placeholder_names("first"))
    branches.append(_branch(PLACEHOLDER, _eq("family_name_key", last), unknown))
    # A stored family name cut to any one letter is as good as unknown (it is not compared):
    # "Ruth H" on file for an arriving "Ruth Carlisle".
    no_last = _names_in("family_name_key", placeholder_names("last") | {last[0], *LETTERS})
    branches.append(_branch(PLACEHOLDER_LAST, _eq("given_name_key", first), no_last))
    if len(last) >= TYPO_MIN_LENGTH:
        starts = _prefix("family_name_key", last[:TYPO_MIN_LENGTH])
        branches.append(_branch(LAST_STARTS, _eq("given_name_key", first), starts))
    typos = _typo_branches(first, last)
    if len(orders) > 1:  # swapped, one of them mistyped (searched without a date only)
        typos += [(SWAPPED_TYPO, *branch[1:]) for branch in _typo_branches(last, first)]
    return branches + typos + _part_branches(person)


def _one_name_branches(first: str, last_initial: str) -> list[Branch]:
    """Only a first name (the family name blank, a placeholder or an initial).

    With an initial typed, clients with that first name and initial come first (ties are
    broken by the number of branches that found a client), but the first name alone is
    searched too: the initial may be another name's ("Gillian R" for Gillian Bradford).
    """
    if not first:
        return []
    branches = [_branch(SAME_FIRST, _eq("given_name_key", first)), *_lone_typo("given", first)]
    if last_initial:
        initial = _prefix("family_name_key", last_initial)
        branches.insert(0, _branch(LAST_INITIAL, _eq("given_name_key", first), initial))
    return branches


@lru_cache(maxsize=4096)
def typo_keys(name: str) -> frozenset[str]:
    """Names one edit from ``name``, and from it without its spaces ("br asn": "brain").

    A space typed inside a name is not counted as an edit (FEBRL and OCR-like noise split
    names: "ha ge" for "Hage").
    """
    keys = one_edit_neighbours(name)
    if " " in name:
        joined = name.replace(" ", "")
        keys |= {joined, *one_edit_neighbours(joined)}
    keys.discard(name)
    return frozenset(keys)


def _typo_branches(first: str, last: str) -> list[Branch]:
    """A name one edit away: the typed name's neighbours, each an index seek.

    Called for the names as typed and the other way round (given and family names swapped
    and one of them mistyped: "Georte Kyra" for Kyra George).
    """
    branches = []
    if len(last) >= TYPO_MIN_LENGTH:
        near = _names_in("family_name_key", typo_keys(last))
        branches.append(_branch(LAST_TYPO, near, _prefix("given_name_key", first[0])))
    if len(first) >= TYPO_MIN_LENGTH:
        near = _names_in("given_name_key", typo_keys(first))
        branches.append(_branch(FIRST_TYPO, near, _eq("family_name_key", last)))
    return branches


def _lone_typo(field: str, name: str) -> list[Branch]:
    """The only usable name one edit away (the other missing, or searched without a date)."""
    if len(name) < TYPO_MIN_LENGTH:
        return []
    why = LONE_FIRST_TYPO if field == "given" else LONE_LAST_TYPO
    return [_branch(why, _names_in(f"{field}_name_key", typo_keys(name)))]


def _part_branches(person: Features) -> list[Branch]:
    """ "Becker-Smith" finds "Becker" and "Smith"; "Becker" finds "Becker Smith"."""
    initial = _prefix("given_name_key", person.first[0])
    if len(person.last_parts) > 1:
        return [
            _branch(NAME_PART, _eq("family_name_key", part), initial)
            for part in sorted(set(person.last_parts))
            if len(part) > 1
        ]
    # Two ranges: the given name's initial is checked on the rows of the family range, not
    # read from its own index. Without statistics SQLite chose the given-name index and read
    # every client with that initial (a twentieth of the table: 5.8 ms a search at 1M, two
    # thirds of the SQL time), where the family range holds a few rows.
    unindexed = ("substr(given_name_key, 1, 1) = %s", [person.first[0]])
    return [_branch(NAME_PART, _prefix("family_name_key", person.last + " "), unindexed)]


def branches_for(
    person: Features, date: Callable[[dt.date], object], last_initial: str = ""
) -> list[Branch]:
    """Every branch for an incoming person (already stripped of placeholder names).

    With a birth date, the name branches other than the same full name look only at
    clients whose stored date cannot be trusted (blank, or marked approximate): the others
    are reached by the date branches, and leaving them out keeps a common name from adding
    hundreds of candidates to rank.
    """
    branches = name_branches(person, last_initial)
    if person.dob_ymd is None:
        if person.first and person.last:
            # Nothing but the names to go on: the family name alone too, for a first name
            # replaced or mistyped past the branches above (FEBRL's duplicates). Capped like
            # every branch: for a rare family name, everyone who has it.
            branches.append(_branch(SAME_LAST, _eq("family_name_key", person.last)))
            # ... and the first name alone (the family name replaced: a marriage, or
            # "Katherine Moh" for Katherine Postelle), each name where the other belongs
            # (swapped, and the other one replaced), and the family name one edit away with
            # any first name. Every one is an index seek capped like the others.
            # A one-letter name is an initial: too broad alone.
            if len(person.first) > 1:
                branches += [
                    _branch(SAME_FIRST, _eq("given_name_key", person.first)),
                    _branch(FIRST_AS_LAST, _eq("family_name_key", person.first)),
                ]
            branches += [
                _branch(LAST_AS_FIRST, _eq("given_name_key", person.last)),
                *_lone_typo("family", person.last),
            ]
        return branches
    # Literally the condition of the partial indexes on undated clients (``UNDATED``), so
    # that the planner of either database can prove a branch may read them.
    unknown_date: Condition = (
        f"(date_of_birth IS NULL OR dob_data_quality = {APPROXIMATE_DOB})",
        [],
    )
    branches = [
        branch if branch[0] in ANY_DATE else _branch(branch[0], branch[1:], unknown_date)
        for branch in branches
        # Swapped names are found by the date (and the same-year sound branches); two more
        # lists of a few hundred neighbours would cost every dated search a millisecond.
        if branch[0] != SWAPPED_TYPO
    ]
    return date_branches(person, dt.date(*person.dob_ymd), date) + branches


def _found(
    branches: Sequence[Branch], clients: QuerySet[Client]
) -> tuple[dict[int, list[str]], list[tuple[Any, ...]]]:
    """The clients of ``clients`` the branches find: client id -> the branches that found
    it, and each client's row (``CLIENT_COLUMNS`` and the date's data-quality code).

    One statement: a ``UNION ALL`` of capped selects, joined to the queryset's own filter.
    The selects read the whole table, which keeps each on its own index. A branch that
    came back full and lost rows to the filter (another organization's "Maria Garcia"s
    filled it) is read again with the filter inside; a full branch that lost none already
    holds as many of the caller's clients as its cap allows.
    """
    if clients.query.is_empty():
        return {}, []
    scope = _scope(clients)
    if scope is None:
        return {}, []
    hits, lost = _read(branches, clients, scope, inner=False)
    if lost:
        again, _ = _read([branches[i] for i in lost], clients, scope, inner=True)
        hits = [hit for hit in hits if hit[0] not in lost] + [(lost[i], r) for i, r in again]
    found: dict[int, list[str]] = defaultdict(list)
    rows: dict[int, tuple[Any, ...]] = {}
    for index, row in hits:
        client_id = int(row[0])
        rows.setdefault(client_id, row)
        why = branches[index][0]
        if why not in found[client_id]:
            found[client_id].append(why)
    for reasons in found.values():
        reasons.sort(key=REASON_ORDER.__getitem__)
    return found, list(rows.values())


def _limit(branch: Branch) -> int:
    return LIMITS.get(branch[0], BRANCH_LIMIT)


@cache
def _columns() -> tuple[str, ...]:
    """The client table's columns of ``CLIENT_COLUMNS`` and the date's data-quality code."""
    from casework.clients.models import Client

    meta = Client._meta
    names = [
        meta.pk.name if name == "pk" else name for name in (*CLIENT_COLUMNS, "dob_data_quality")
    ]
    by_name = {key: f.column for f in meta.concrete_fields for key in (f.name, f.attname)}
    return tuple(by_name[name] for name in names)


def _read(
    branches: Sequence[Branch], clients: QuerySet[Client], scope: Condition, *, inner: bool
) -> tuple[list[tuple[int, tuple[Any, ...]]], list[int]]:
    """(branch index, client row) for each branch's first rows within ``scope``, and the
    indexes of the branches that came back full and lost rows to it.

    ``inner`` adds the scope to each branch's own select too (the second reading).
    """
    connection = connections[clients.db]
    quote = connection.ops.quote_name
    table = quote(clients.model._meta.db_table)
    selects, params = [], []
    for i, branch in enumerate(branches):
        where, values = branch[1], branch[2]
        if inner and scope[0]:
            where, values = f"({where}) AND {scope[0]}", [*values, *scope[1]]
        sql, rendered = _capped(where, values, connection.vendor, table, _limit(branch))
        selects.append(f"SELECT id, {i} AS branch FROM ({sql}) AS b{i}")  # noqa: S608
        params += rendered
    # Each branch's count before the filter (a window over its hits), and only the
    # caller's clients' values: a client outside the scope comes back as NULLs.
    on = f"{table}.id = hits.id" + (f" AND {scope[0]}" if scope[0] else "")
    columns = ", ".join(f"{table}.{quote(column)}" for column in _columns())
    sql = (
        f"SELECT hits.branch, COUNT(*) OVER (PARTITION BY hits.branch), {columns}"  # noqa: S608  # names from model metadata; values are parameters
        f" FROM ({' UNION ALL '.join(selects)}) AS hits LEFT JOIN {table} ON {on}"
    )
    with bound_cursor(clients.db) as cursor:
        cursor.execute(sql, [*params, *scope[1]])
        fetched = cursor.fetchall()
    hits, kept = [], Counter[int]()
    full = {}
    for index, count, *row in fetched:
        full[index] = count >= _limit(branches[index])
        if row[0] is not None:
            kept[index] += 1
            hits.append((index, _typed(row)))
    lost = sorted(i for i, is_full in full.items() if is_full and kept[i] < _limit(branches[i]))
    return hits, lost


_DOB_AT = CLIENT_COLUMNS.index("date_of_birth")


def _typed(row: list[Any]) -> tuple[Any, ...]:
    """A row as the ORM would give it: SQLite returns the date of birth as text."""
    if isinstance(row[_DOB_AT], str):
        row[_DOB_AT] = dt.date.fromisoformat(row[_DOB_AT])
    return tuple(row)


def _scope(clients: QuerySet[Client]) -> Condition | None:
    """The queryset's filter as SQL on the client table ("" when it has none), or None when
    it can hold no client at all."""
    query = clients.query
    table = connections[clients.db].ops.quote_name(query.get_meta().db_table)
    joined = [a for a in query.alias_map if query.alias_refcount[a] and a != query.base_table]
    if joined or query.is_sliced or query.distinct or query.combinator:
        sql, params = clients.order_by().values("pk").query.sql_with_params()
        return f"{table}.id IN ({sql})", list(params)
    try:
        sql, params = query.get_compiler(clients.db).compile(query.where)
    except EmptyResultSet:
        return None
    except FullResultSet:
        return "", []
    return f"({sql})", list(params)


# --- Search and ranking ------------------------------------------------------------------


def query_notes(person: Person) -> list[str]:
    """What the search did with the entered names (placeholders searched as missing)."""
    return usable_names(features(person), "the entered")[1]


def find_candidates(
    person: Person,
    *,
    clients: QuerySet[Client],
    k: int = 5,
    model: Model | None = None,
    population: int = 10_000,
) -> list[Candidate]:
    """The ``k`` best-scoring clients of ``clients`` for ``person``, best first.

    ``clients`` is the scoped queryset (tenant, visibility, active); ``population`` roughly
    how many clients it holds (the prior odds; a cached count is fine).
    """
    model = model or default_model()
    entered = features(person)
    query, _ = usable_names(entered, "entered")
    if model is None or not (query.first or query.last or query.dob_ymd):
        return []
    connection = connections[clients.db]
    initial = entered.last if len(entered.last) == 1 else ""
    branches = branches_for(query, connection.ops.adapt_datefield_value, initial)
    if not branches:
        return []
    found, rows = _found(branches, clients)
    if not found:
        return []
    return rank(query, rows, model, k=k, population=population, found=found)


def rank(
    query: Features,
    rows: Iterable[tuple[Any, ...]],
    model: Model,
    *,
    k: int,
    population: int,
    found: dict[int, list[str]],
) -> list[Candidate]:
    """Score each stored row against ``query`` and keep the ``k`` best."""
    usable = near_no_stronger(model).restricted(present_comparisons([query], model.comparisons))
    if not query.dob_ymd:
        usable = without_family_correction(usable)
    gamma = comparator(usable.comparisons)
    share = RETURNING_SHARE / max(population, 1)
    prior = math.log2(share / (1 - share))
    scored = []
    for row in rows:
        stored, notes = _stored(query, row)
        g = gamma(query, stored)
        weight = usable.weight(g) - usable.prior_weight + prior
        client_id = int(row[0])
        ties = (_name_levels(g, usable.comparisons), -len(found[client_id]), client_id)
        scored.append((weight, ties, client_id, g, stored, notes))
    # Equal weights: the stronger name agreement first (exact before a typo), then the
    # client more branches found (a typed initial that matches), then the older record.
    scored.sort(key=lambda item: (-item[0], item[1]))
    out = []
    for weight, _, client_id, g, stored, notes in scored[:k]:
        score = probability(weight)
        flagged = score >= ALERT_THRESHOLD
        reasons = [*usable.reasons(g), *notes]
        if flagged and compare_dob(query, stored) == DATES_DIFFER:
            flagged = False
            reasons.append("not flagged: the dates of birth disagree")
        if flagged and _names_differ(g, usable.comparisons):
            flagged = False
            reasons.append("not flagged: neither name matches")
        if flagged and not (query.dob_ymd and stored.dob_ymd) and not _names_same(g, usable):
            flagged = False
            reasons.append("not flagged: without both dates of birth, the names must match")
        out.append(Candidate(client_id, score, tuple(reasons), flagged, tuple(found[client_id])))
    return out


# Levels that say "the same name, or nearly": none may weigh more than "exact".
NEAR_LEVELS = {
    "first_name": ("nickname", "part", "typo", "sounds_alike", "initial"),
    "last_name": ("part", "typo", "sounds_alike"),
}


# Models derived from a model for ranking, built once: (kind, id(model)) -> (model, derived).
_DERIVED: dict[tuple[str, int], tuple[Model, Model]] = {}


def _derived(kind: str, model: Model, build: Callable[[Model], Model]) -> Model:
    known = _DERIVED.get((kind, id(model)))
    if known is not None and known[0] is model:
        return known[1]
    if len(_DERIVED) > 16:  # models passed in by callers (tests); the shipped one stays
        _DERIVED.clear()
    derived = build(model)
    _DERIVED[(kind, id(model))] = (model, derived)
    return derived


def near_no_stronger(model: Model) -> Model:
    """``model`` with no near-agreement of a name weighing more than exact agreement.

    EM on the generator's data left a first-name typo at 7.3 bits and exact agreement at
    6.95, a shared part of a family name at 9.66 and exact at 8.23 (rare levels, whose
    rate among non-matches is measured on few pairs). Ranking a search, that put "Lillian
    Ary" above "Gillian Bradford" for an entered "Gillian". m is lowered so that
    m / u of each near level is at most that of "exact" (ties then go to "exact" through
    the branches that found it).
    """
    return _derived("near", model, _near_capped)


def _near_capped(model: Model) -> Model:
    m = {name: list(values) for name, values in model.m.items()}
    for name, levels in NEAR_LEVELS.items():
        if name not in m:
            continue
        spec = by_name([name])[0]
        ratio = m[name][0] / model.u[name][0]
        for level in levels:
            at = spec.levels.index(level)
            m[name][at] = min(m[name][at], ratio * model.u[name][at])
    return Model(model.comparisons, m, model.u, model.prior, dict(model.info))


def without_family_correction(model: Model) -> Model:
    """``model`` ranking as for data without households (no relative correction).

    The correction (``model.HOUSEHOLD_FIELDS``) sets aside a shared family name when the
    first names are unrelated, so that a relative is not flagged as the person. Searched
    without a birth date, a candidate is flagged only when both names match (see
    :func:`rank`), so the correction no longer guards a flag; it only ranked a client with
    the same family name and a replaced first name (FEBRL: "Harriet Etherington" for
    Robert Etherington) below every client who merely shares the first name. The model's
    own weights say the opposite (a shared family name is the stronger evidence).
    """
    if model.info.get(HOUSEHOLDS) is False:
        return model
    return _derived(
        "no households",
        model,
        lambda m: Model(m.comparisons, m.m, m.u, m.prior, {**m.info, HOUSEHOLDS: False}),
    )


def _name_levels(g: tuple[int | None, ...], comparisons: Sequence[str]) -> int:
    """The name levels added up (lower: stronger agreement; a missing name counts last)."""
    levels = dict(zip(comparisons, g, strict=True))
    total = 0
    for spec in (FIRST_NAME, LAST_NAME):
        level = levels.get(spec.name)
        total += len(spec.levels) if level is None else level
    return total


def _names_same(g: tuple[int | None, ...], model: Model) -> bool:
    """Both names compared and the same (in either order).

    Without a date of birth on both sides the names are all the evidence, and a nickname,
    a one-letter difference or a shared part is what relatives and namesakes look like as
    often as a typo does ("James" and "Jimmy Perez", "Michael" and "Michelle Blanton").
    """
    levels = dict(zip(model.comparisons, g, strict=True))
    first, last = levels.get("first_name"), levels.get("last_name")
    return first in FIRST_SAME and last in LAST_SAME


def _names_differ(g: tuple[int | None, ...], comparisons: Sequence[str]) -> bool:
    """Both names compared and outright different: a shared birthday is not one person."""
    levels = dict(zip(comparisons, g, strict=True))
    return levels.get("first_name") == FIRST_DIFFERENT and levels.get("last_name") == LAST_DIFFERENT


def _stored(query: Features, row: tuple[Any, ...]) -> tuple[Features, list[str]]:
    """A stored client's features, placeholders removed and an approximate date ignored."""
    stored, notes = usable_names(features(person_from_row(row[: len(CLIENT_COLUMNS)])), "stored")
    approximate = row[len(CLIENT_COLUMNS)] == APPROXIMATE_DOB
    if approximate and stored.dob and query.dob and stored.dob != query.dob:
        stored = replace(stored, dob="", dob_ymd=None)
        notes.append("stored date of birth is marked approximate, not compared")
    return stored, notes

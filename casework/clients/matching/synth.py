"""Synthetic people with known duplicates, for tests and the linkage benchmark.

Deterministic by seed. Names are drawn by US frequency (Faker's en_US census-weighted
tables, plus its es_MX surnames for hyphenated and Spanish names). Households share a
surname, address and phone; some hold twins (same date of birth and surname, different
first name) and other relatives, who are NOT duplicates. A share of people get extra
records carrying the errors intake staff make: typos, nicknames, swapped day/month,
swapped first/last names, hyphenated surnames, a move to a new address, missing fields.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import accumulate

from faker.providers.address.en_US import Provider as Address
from faker.providers.person.en_US import Provider as Names
from faker.providers.person.es_MX import Provider as SpanishNames

from casework.clients.matching.compare import nickname_groups
from casework.clients.matching.records import Person, metaphone, normalize_text

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class _Weighted:
    def __init__(self, table: dict[str, float] | Sequence[str]) -> None:
        if isinstance(table, dict):
            self.values = list(table)
            self.cum = list(accumulate(table.values()))
        else:
            self.values = list(table)
            self.cum = list(accumulate([1.0] * len(self.values)))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cum)[0]


_FEMALE = _Weighted(Names.first_names_female)
_MALE = _Weighted(Names.first_names_male)
_LAST = _Weighted(Names.last_names)
_SPANISH_LAST = _Weighted(sorted(set(SpanishNames.last_names)))
_SUFFIX = _Weighted(list(Address.street_suffixes))


@dataclass
class Synthetic:
    """Records plus the truth: ``entity[record id]`` names the real person."""

    people: list[Person]
    entity: dict[str, str]
    kind: dict[str, str]  # entity id -> "person", "twin", "relative" (for analysis)

    def true_pairs(self) -> set[tuple[str, str]]:
        by_entity: dict[str, list[str]] = {}
        for person in self.people:
            by_entity.setdefault(self.entity[person.id], []).append(person.id)
        pairs: set[tuple[str, str]] = set()
        for ids in by_entity.values():
            ids.sort()
            pairs.update((a, b) for x, a in enumerate(ids) for b in ids[x + 1 :])
        return pairs


class _World:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311  # synthetic test data, not security
        self.next_entity = 0
        self.postcodes = [
            (
                f"{self.rng.randrange(10000, 99999):05d}",
                self._city(),
                self.rng.choice(Address.states_abbr),
            )
            for _ in range(3000)
        ]

    def _city(self) -> str:
        rng = self.rng
        return f"{_LAST.pick(rng)}{rng.choice(Address.city_suffixes)}"

    def entity_id(self) -> str:
        self.next_entity += 1
        return f"E{self.next_entity:07d}"

    def address(self) -> dict[str, str]:
        rng = self.rng
        postcode, city, state = rng.choice(self.postcodes)
        unit = f"Apt {rng.randrange(1, 40)}" if rng.random() < 0.3 else ""
        return {
            "street_number": str(rng.randrange(1, 9999)),
            "address_1": f"{_LAST.pick(rng)} {_SUFFIX.pick(rng)}",
            "address_2": unit,
            "city": city,
            "state": state,
            "postcode": postcode,
            "phone": f"{rng.randrange(201, 989)}{rng.randrange(200, 999)}{rng.randrange(9999):04d}",
        }

    def surname(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.12:
            return _SPANISH_LAST.pick(rng)
        if roll < 0.16:
            return f"{_SPANISH_LAST.pick(rng)}-{_SPANISH_LAST.pick(rng)}"
        return _LAST.pick(rng)

    def person(
        self, surname: str, home: dict[str, str], dob: dt.date, sex: str, avoid: str = ""
    ) -> Person:
        rng = self.rng
        first = avoid
        while first == avoid:
            first = (_FEMALE if sex == "F" else _MALE).pick(rng)
        area, group, serial = rng.randrange(1, 899), rng.randrange(1, 99), rng.randrange(1, 9999)
        ssn = "" if rng.random() < 0.3 else f"{area:03d}{group:02d}{serial:04d}"
        return Person(id="", first_name=first, last_name=surname, dob=dob, sex=sex, ssn=ssn, **home)

    def birthday(self, low: int = 1935, high: int = 2024) -> dt.date:
        start = dt.date(low, 1, 1).toordinal()
        return dt.date.fromordinal(self.rng.randrange(start, dt.date(high, 12, 31).toordinal()))

    def household(self) -> Iterator[tuple[Person, str]]:
        """One household: a person, and sometimes relatives and twins (not duplicates)."""
        rng = self.rng
        surname, home = self.surname(), self.address()
        head_dob = self.birthday(1935, 2005)
        yield self.person(surname, home, head_dob, rng.choice("FM")), "person"
        if rng.random() < 0.35:
            spouse_dob = self.birthday(max(head_dob.year - 5, 1930), min(head_dob.year + 5, 2006))
            yield self.person(surname, home, spouse_dob, rng.choice("FM")), "relative"
        if rng.random() < 0.25 and head_dob.year < 1995:
            child_dob = self.birthday(head_dob.year + 20, min(head_dob.year + 40, 2024))
            child = self.person(surname, home, child_dob, rng.choice("FM"))
            yield child, "relative"
            if rng.random() < 0.15:
                sex = child.sex if rng.random() < 0.5 else rng.choice("FM")
                yield self.person(surname, home, child_dob, sex, avoid=child.first_name), "twin"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    at = rng.randrange(1, len(text))
    kind = rng.randrange(4)
    if kind == 0:  # substitute
        return text[:at] + rng.choice(_LETTERS) + text[at + 1 :]
    if kind == 1:  # delete
        return text[:at] + text[at + 1 :]
    if kind == 2:  # insert
        return text[:at] + rng.choice(_LETTERS) + text[at:]
    if at < len(text) - 1:  # swap neighbours
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]
    return text


@cache
def _same_sound() -> dict[str, list[str]]:
    """Metaphone code -> the names (first and last) spelled differently that share it."""
    groups: dict[str, set[str]] = {}
    for table in (_FEMALE, _MALE, _LAST, _SPANISH_LAST):
        for name in table.values:
            groups.setdefault(metaphone(normalize_text(name)), set()).add(name)
    return {code: sorted(names) for code, names in groups.items() if len(names) > 1}


def _sound_alike(rng: random.Random, name: str) -> str:
    """Another spelling with the same sound (Smith/Smyth, Jon/John), when the tables have one."""
    options = [n for n in _same_sound().get(metaphone(normalize_text(name)), ()) if n != name]
    return rng.choice(options) if options else name


def _nickname(rng: random.Random, first: str) -> str:
    options = sorted(nickname_groups().get(first.lower(), ()))
    return rng.choice(options).title() if options else first


def _dob_error(rng: random.Random, dob: dt.date | None) -> dt.date | None:
    if dob is None:
        return None
    if dob.day <= 12 and dob.day != dob.month and rng.random() < 0.6:
        return dob.replace(month=dob.day, day=dob.month)
    for _ in range(5):
        text = dob.strftime("%Y%m%d")
        at = rng.randrange(2, 8)
        candidate = text[:at] + str(rng.randrange(10)) + text[at + 1 :]
        try:
            changed = dt.datetime.strptime(candidate, "%Y%m%d").date()  # a date, no zone
        except ValueError:
            continue
        if changed != dob and 1900 <= changed.year <= 2025:
            return changed
    return dob


# Each duplicate record gets each error with this probability (at least one error).
_ERRORS = (
    ("first_typo", 0.18),
    ("nickname", 0.15),
    ("last_typo", 0.12),
    ("sound_alike", 0.08),
    ("dob_error", 0.10),
    ("swap_names", 0.03),
    ("hyphenate", 0.04),
    ("moved", 0.25),
    ("missing", 0.25),
    ("ssn_typo", 0.03),
)


def corrupt(world: _World, original: Person) -> Person:
    """A duplicate record of the same person, with one or more realistic errors."""
    rng = world.rng
    errors = [name for name, p in _ERRORS if rng.random() < p] or [rng.choice(_ERRORS)[0]]
    person = original
    for error in errors:
        person = _apply(world, person, error)
    return person


def _apply(world: _World, person: Person, error: str) -> Person:  # a flat dispatch
    rng = world.rng
    if error == "first_typo":
        return replace(person, first_name=_typo(rng, person.first_name))
    if error == "nickname":
        return replace(person, first_name=_nickname(rng, person.first_name))
    if error == "last_typo":
        return replace(person, last_name=_typo(rng, person.last_name))
    if error == "sound_alike":
        if rng.random() < 0.5:
            return replace(person, first_name=_sound_alike(rng, person.first_name))
        return replace(person, last_name=_sound_alike(rng, person.last_name))
    if error == "dob_error":
        return replace(person, dob=_dob_error(rng, person.dob))
    if error == "swap_names":
        return replace(person, first_name=person.last_name, last_name=person.first_name)
    if error == "hyphenate":
        if "-" in person.last_name:
            return replace(person, last_name=rng.choice(person.last_name.split("-")))
        return replace(person, last_name=f"{person.last_name}-{world.surname().split('-')[0]}")
    if error == "moved":
        return replace(person, **world.address())  # type: ignore[arg-type]  # str fields only
    if error == "ssn_typo" and person.ssn:
        return replace(
            person, ssn=_typo(rng, person.ssn) if rng.random() < 0.5 else person.ssn[::-1]
        )
    if error == "missing":
        field = rng.choice(("dob", "sex", "ssn", "phone", "address", "first_name"))
        if field == "address":
            return replace(
                person, street_number="", address_1="", address_2="", city="", postcode=""
            )
        if field == "dob" and rng.random() < 0.5:
            return person  # a missing date of birth is rarer than the other gaps
        if field == "dob":
            return replace(person, dob=None)
        return replace(person, **{field: ""})  # type: ignore[arg-type]  # a str field
    return person


def generate(records: int, seed: int = 0, duplicate_rate: float = 0.2) -> Synthetic:
    """About ``records`` records; ``duplicate_rate`` of people have 1-3 extra records."""
    world = _World(seed)
    rng = world.rng
    people: list[Person] = []
    entity: dict[str, str] = {}
    kind: dict[str, str] = {}
    while len(people) < records:
        for person, role in world.household():
            eid = world.entity_id()
            kind[eid] = role
            copies = [person]
            if rng.random() < duplicate_rate:
                copies += [corrupt(world, person) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
            for copy in copies:
                people.append(copy)
                entity[str(len(people))] = eid
    people = people[:records]
    order = list(range(len(people)))
    rng.shuffle(order)
    out, truth = [], {}
    for new_index, old_index in enumerate(order):
        rid = f"r{new_index + 1:07d}"
        out.append(replace(people[old_index], id=rid))
        truth[rid] = entity[str(old_index + 1)]
    return Synthetic(out, truth, {e: kind[e] for e in set(truth.values())})


@dataclass
class IntakeScenario:
    """Existing clients, and incoming people: ``answer[incoming id]`` is the existing id or None."""

    existing: list[Person]
    incoming: list[Person]
    answer: dict[str, str | None]


def intake_scenario(
    existing: int, incoming: int, seed: int = 0, new_share: float = 0.2
) -> IntakeScenario:
    """People on file (one record each), and arrivals of whom ``new_share`` are not on file.

    Returning people arrive as a duplicate record (the same errors as :func:`generate`);
    new people are drawn from the same households as people on file, so relatives and
    twins of existing clients are among them.
    """
    world = _World(seed)
    rng = world.rng
    population: list[Person] = []
    while len(population) < existing + incoming:
        population.extend(person for person, _ in world.household())
    population = [replace(p, id=f"p{i:07d}") for i, p in enumerate(population)]
    newcomers = set(rng.sample(range(len(population)), round(incoming * new_share)))
    on_file = [p for i, p in enumerate(population) if i not in newcomers][:existing]
    arrivals: list[Person] = []
    answer: dict[str, str | None] = {}
    for i in sorted(newcomers):
        arrivals.append(replace(population[i], id=f"in{len(arrivals):06d}"))
        answer[arrivals[-1].id] = None
    for original in rng.sample(on_file, incoming - len(arrivals)):
        arrivals.append(replace(corrupt(world, original), id=f"in{len(arrivals):06d}"))
        answer[arrivals[-1].id] = original.id
    rng.shuffle(arrivals)
    return IntakeScenario(on_file, arrivals, answer)

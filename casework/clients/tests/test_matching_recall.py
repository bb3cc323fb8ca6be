"""Blocking and scoring for corrupted duplicates (issue 11), against brute-force references."""

from __future__ import annotations

import datetime as dt
from itertools import combinations

import numpy as np
import pytest

from casework.clients.matching import blocking, pipeline
from casework.clients.matching.model import default_model
from casework.clients.matching.records import Person
from casework.clients.matching.table import FeatureTable


def _pairs(table: FeatureTable, rules: tuple[str, ...]) -> set[tuple[int, int]]:
    i, j = blocking.dedupe_pairs(table, rules)
    return set(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize("rule", sorted(blocking.RULE_MAX_BLOCK))
@pytest.mark.parametrize("size", [blocking.SMALL_BLOCK, blocking.SMALL_BLOCK + 1])
def test_rare_coincidence_rules_skip_big_blocks(rule, size):
    people = [
        Person(
            id=str(k),
            first_name="Ann",
            last_name="Lee",
            dob=dt.date(1950 + k, 1, 1),
            street_number="1",
            address_1="College Road",
            postcode="12207",
        )
        for k in range(size)
    ]
    table = FeatureTable.from_people(people)
    expected = set(combinations(range(size), 2)) if size <= blocking.SMALL_BLOCK else set()
    assert _pairs(table, (rule,)) == expected
    i, j = blocking.link_pairs(table, size // 2, (rule,))
    found = set(zip(i.tolist(), j.tolist(), strict=True))
    assert found == {(a, b) for a, b in expected if a < size // 2 <= b}
    # block_pairs counts a pair once per key it shares: the same address shares three.
    keys = 3 if rule == "two_of_street_number+street_name+postcode" else 1
    assert blocking.block_pairs(table, rule) == keys * len(expected)


def test_duplicates_with_a_replaced_birthday_or_an_unknown_one_are_compared():
    people = [
        Person(id="a", first_name="Bailee", last_name="Mccarthy", dob=dt.date(1923, 5, 20)),
        Person(id="b", first_name="Bailee", last_name="Mccarthy", dob=dt.date(1988, 7, 21)),
        Person(
            id="c", first_name="Harriet", street_number="17", address_1="Reuther St", city="Moe"
        ),
        Person(
            id="d",
            first_name="Imogen",
            last_name="Muehlberg",
            street_number="17",
            address_1="Reuther Street",
            city="Moe",
        ),
    ]
    assert _pairs(FeatureTable.from_people(people), blocking.PREDICTION_RULES) == {
        (0, 1),
        (2, 3),
    }


def _at(key: str, first: str, last: str, number: str, street: str, postcode: str) -> Person:
    return Person(
        id=key,
        first_name=first,
        last_name=last,
        street_number=number,
        address_1=street,
        postcode=postcode,
    )


def test_an_address_with_one_part_mistyped_still_meets_its_duplicate():
    # FEBRL-style duplicates: a new first name, a family-name typo and no usable birth
    # date, so only the address is left, and one of its three parts is off.
    people = [
        _at("a1", "Robert", "Ales", "90", "Salsoal St", "2761"),
        _at("a2", "Bob", "Alves", "90", "Salsola St", "2761"),  # street name
        _at("b1", "Lucy", "Webl", "10", "Tenison Woods Circuit", "2979"),
        _at("b2", "Lu", "Webb", "10", "Tenison Woods Circuit", "3244"),  # postcode
        _at("c1", "Kiara", "Everett", "", "Eddy Crescent", "2017"),
        _at("c2", "Ki", "Everet", "8", "Eddy  Crescent", "2017"),  # number dropped
        _at("d1", "Molly", "Baillie", "49", "Bibby Pl", "2245"),
        _at("d2", "Mo", "Bailloie", "49", "Bib by Pl", "2270"),  # split word, postcode
        # Only one part in common: not compared.
        _at("e1", "Ann", "Lee", "7", "Oak Rd", "2000"),
        _at("e2", "Zoe", "Kim", "7", "Elm Rd", "3000"),
    ]
    table = FeatureTable.from_people(people)
    expected = {(0, 1), (2, 3), (4, 5), (6, 7)}
    assert _pairs(table, blocking.PREDICTION_RULES) == expected
    without = tuple(r for r in blocking.PREDICTION_RULES if not r.startswith("two_of_street"))
    assert _pairs(table, without) == set()
    # Linking the first records of each person to the second ones finds the same four.
    linked = FeatureTable.from_people([*people[::2], *people[1::2]])
    i, j = blocking.link_pairs(linked, 5)
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == {(0, 5), (1, 6), (2, 7), (3, 8)}


def _namesakes(first: str, last: str, copies: int, start: int) -> list[Person]:
    return [
        Person(id=f"{start + k}", first_name=first, last_name=last, dob=dt.date(1990, 1, 2))
        for k in range(copies)
    ]


def test_sharing_a_rare_name_counts_for_more_than_sharing_a_common_one():
    common = _namesakes("John", "Smith", 40, 0)
    rare = _namesakes("Zebedee", "Quartermaine", 2, 100)
    filler = [
        Person(id=f"f{k}", first_name=f"N{k}", last_name=f"S{k}", dob=dt.date(1960, 1, 1))
        for k in range(3000)
    ]
    table = FeatureTable.from_people([*common, *rare, *filler])
    model = default_model()
    assert model is not None
    model = model.restricted(("first_name", "last_name", "dob"))
    scores = pipeline.score_pairs(model, table, np.array([0, 40]), np.array([1, 41]))
    plain = model.probability((0, 0, 0))
    assert scores[1] > plain > scores[0]


def test_residents_of_a_big_building_sharing_a_family_name_are_compared():
    # A dormitory of 30 (census vs ACS had one of 130): too many for the street rules. A
    # resident whose first name was a placeholder ("Boy", read as missing), against a
    # record without a birth date, shares no other key than family name and street.
    def resident(k: int, **fields: object) -> Person:
        values: dict[str, object] = {
            "id": f"p{k}",
            "first_name": f"Name{k}",
            "last_name": f"Family{k}",
            "dob": dt.date(1990, 1, 1 + k % 28),
            "street_number": "8203",
            "address_1": "West Farwell Avenue",
            "city": "Anytown",
        }
        return Person(**{**values, **fields})  # type: ignore[arg-type]

    building = [resident(k) for k in range(30)]
    building.append(resident(30, first_name="", last_name="Cornel", dob=dt.date(1964, 12, 20)))
    building.append(resident(31, first_name="Christy", last_name="Cornel", dob=None))
    table = FeatureTable.from_people(building)
    assert (30, 31) in _pairs(table, blocking.PREDICTION_RULES)
    without = tuple(r for r in blocking.PREDICTION_RULES if r != "last_name+street")
    assert (30, 31) not in _pairs(table, without)
    assert len(_pairs(table, ("last_name+street",))) == 1

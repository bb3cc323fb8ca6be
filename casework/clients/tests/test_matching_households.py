"""Whether the data holds households decides the family correction (issue 11)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from casework.clients.matching import estimate, pipeline
from casework.clients.matching.model import HOUSEHOLDS, Model
from casework.clients.matching.records import Person
from casework.clients.matching.synth import generate
from casework.clients.matching.table import FeatureTable


def _unrelated_people(count: int = 1500) -> list[Person]:
    """Everyone at their own address; a third have a duplicate whose first name was replaced."""
    people = []
    for k in range(count):
        person = Person(
            id=f"p{k}",
            first_name=f"Given{k % 97}x{k % 13}",
            last_name=f"Family{k}",
            dob=dt.date(1940 + k % 60, 1 + k % 12, 1 + k % 28),
            street_number=str(k),
            address_1="Long Road",
            postcode=f"{10000 + k % 500}",
        )
        people.append(person)
        if k % 3 == 0:
            people.append(replace(person, id=f"d{k}", first_name="Replaced"))
    return people


def test_households_are_seen_in_family_data_and_not_in_lists_of_unrelated_people():
    families = FeatureTable.from_people(generate(1500, seed=2).people)
    assert estimate.households_seen(families) is True
    assert estimate.households_seen(FeatureTable.from_people(_unrelated_people())) is False
    no_streets = [replace(p, street_number="", address_1="") for p in _unrelated_people(50)]
    assert estimate.households_seen(FeatureTable.from_people(no_streets)) is None


def test_without_households_a_replaced_first_name_is_still_the_same_person():
    people = _unrelated_people()
    model = pipeline.fit(FeatureTable.from_people(people))
    assert model.info[HOUSEHOLDS] is False
    pairs, _ = pipeline.dedupe(FeatureTable.from_people(people), model=model)
    found = {(p.id_a, p.id_b) for p in pairs}
    expected = {(f"d{k}", f"p{k}") for k in range(0, 1500, 3)}
    assert len(found & expected) / len(expected) > 0.95
    assert len(found - expected) <= 0.02 * len(found)


def _twin_gamma(model: Model, sex: int | None) -> tuple[int | None, ...]:
    levels = {"first_name": 7, "last_name": 0, "dob": 0, "sex": sex, "address": 0}
    return tuple(levels.get(name) for name in model.comparisons)


def test_the_family_correction_follows_the_data():
    base = pipeline.fit(FeatureTable.from_people(generate(1500, seed=2).people))
    assert base.info[HOUSEHOLDS] is True
    with_families = base.restricted(("first_name", "last_name", "dob", "sex", "address"))
    without = Model(
        with_families.comparisons,
        with_families.m,
        with_families.u,
        with_families.prior,
        {**with_families.info, HOUSEHOLDS: False},
    )
    unknown_sex = _twin_gamma(without, None)
    assert with_families.probability(unknown_sex) < 0.5
    assert with_families.looks_like_relative(unknown_sex)
    assert without.probability(unknown_sex) > 0.5, "no households: the evidence adds up"
    same_sex = _twin_gamma(without, 0)
    assert without.looks_like_relative(same_sex), "twins are corrected in any data"
    assert without.probability(same_sex) < 0.5


def test_with_households_a_missing_first_name_and_another_birthday_is_a_relative():
    model = pipeline.fit(FeatureTable.from_people(generate(1500, seed=2).people))
    model = model.restricted(("first_name", "last_name", "dob", "sex", "address"))
    assert model.info[HOUSEHOLDS] is True
    born_apart = (None, 0, 4, 0, 0)  # no first name on one side, another birthday
    same_day = (None, 0, 0, 0, 0)
    assert model.contributions(born_apart)[1] == 0.0
    assert model.contributions(born_apart)[4] == 0.0
    assert model.probability(born_apart) < 0.5
    assert model.contributions(same_day)[1] > 0
    assert model.probability(same_day) > model.probability(born_apart)


def test_the_shipped_model_intake_uses_keeps_its_correction_as_benchmarked():
    from casework.clients.matching.model import default_model

    shipped = default_model()
    assert shipped is not None
    assert HOUSEHOLDS not in shipped.info
    model = shipped.restricted(("first_name", "last_name", "dob"))
    assert model.contributions((None, 0, 4))[1] > 0, "no first name: the surname still counts"
    assert model.looks_like_relative((7, 0, 0)), "unrelated first names: a relative, as before"

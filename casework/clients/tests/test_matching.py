"""The Fellegi-Sunter matcher: comparison levels, estimation, scoring and persistence."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from casework.clients.matching import compare, pipeline
from casework.clients.matching.compare import DOB, FIRST_NAME, LAST_NAME
from casework.clients.matching.estimate import em
from casework.clients.matching.model import Model
from casework.clients.matching.records import Person, features
from casework.clients.matching.synth import generate


def person(**fields: object) -> Person:
    base: dict[str, object] = {
        "id": "x",
        "first_name": "Catherine",
        "last_name": "Garcia",
        "dob": dt.date(1980, 3, 7),
        "sex": "F",
        "phone": "518-555-0134",
        "street_number": "12",
        "address_1": "Main Street",
        "city": "Albany",
        "state": "NY",
        "postcode": "12207",
    }
    return Person(**{**base, **fields})  # type: ignore[arg-type]  # test helper


def levels(a: Person, b: Person) -> dict[str, str | None]:
    names = ("first_name", "last_name", "dob", "sex", "ssn", "phone", "address")
    gamma = compare.comparator(names)(features(a), features(b))
    specs = compare.by_name(names)
    return {
        spec.name: None if level is None else spec.levels[level]
        for spec, level in zip(specs, gamma, strict=True)
    }


@pytest.fixture(scope="module")
def synthetic():
    return generate(3000, seed=11)


@pytest.fixture(scope="module")
def trained(synthetic):
    records = pipeline.to_features(synthetic.people)
    return records, pipeline.fit(records)


# --- comparison levels ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("Catherine", "exact"),
        ("Cathy", "nickname"),
        ("Kathy", "nickname"),
        ("Catherien", "typo"),
        ("Kathryn", "sounds_alike"),
        ("C", "initial"),
        ("Catherine Anne", "part"),
        ("Beatrice", "different"),
    ],
)
def test_first_name_levels(first, expected):
    assert levels(person(), person(first_name=first))["first_name"] == expected


@pytest.mark.parametrize(
    ("last", "expected"),
    [
        ("GARCIA", "exact"),
        ("García", "exact"),
        ("Garcai", "typo"),
        ("Garcia-Lopez", "part"),
        ("Okafor", "different"),
    ],
)
def test_last_name_levels(last, expected):
    assert levels(person(), person(last_name=last))["last_name"] == expected


def test_last_names_that_sound_alike_beyond_a_typo():
    assert levels(person(last_name="Smith"), person(last_name="Smythe"))["last_name"] == (
        "sounds_alike"
    )


def test_swapped_first_and_last_names_are_one_level_on_both():
    swapped = person(first_name="Garcia", last_name="Catherine")
    assert levels(person(), swapped)["first_name"] == "swapped"
    assert levels(person(), swapped)["last_name"] == "swapped"


def test_swap_with_a_nickname_is_still_a_swap():
    swapped = person(first_name="Garcia", last_name="Cathy")
    assert levels(person(), swapped)["first_name"] == "swapped"


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (dt.date(1980, 3, 7), "exact"),
        (dt.date(1980, 7, 3), "transposed"),
        (dt.date(1986, 3, 7), "typo"),
        (dt.date(1980, 3, 21), "year_month"),
        (dt.date(1975, 11, 30), "different"),
    ],
)
def test_date_of_birth_levels(dob, expected):
    assert levels(person(), person(dob=dob))["dob"] == expected


def test_address_levels_use_usps_abbreviations():
    assert levels(person(), person(address_1="Main St"))["address"] == "exact"
    assert levels(person(), person(street_number="14", address_1="Oak Av"))["address"] == (
        "postcode"
    )


def test_missing_fields_are_neutral_not_disagreement():
    blank = person(dob=None, sex="", phone="", street_number="", address_1="", city="")
    blank = replace(blank, postcode="", first_name="")
    found = levels(person(), blank)
    assert found["dob"] is None
    assert found["first_name"] is None
    assert found["address"] is None
    model = Model(
        ("first_name", "dob"),
        {"first_name": [0.9] + [0.1 / 7] * 7, "dob": [0.9, 0.025, 0.025, 0.025, 0.025]},
        {"first_name": [0.01] + [0.99 / 7] * 7, "dob": [0.001, 0.001, 0.001, 0.001, 0.996]},
        0.001,
    )
    assert model.weight((None, None)) == pytest.approx(model.prior_weight)


def test_placeholder_ssns_and_phones_count_as_missing():
    a, b = person(ssn="000-00-0000", phone="0000000000"), person(ssn="000000000", phone="")
    assert levels(a, b)["ssn"] is None
    assert levels(a, b)["phone"] is None


def test_level_tables_have_one_reason_per_level():
    for spec in (FIRST_NAME, LAST_NAME, DOB):
        assert len(spec.levels) == len(spec.reasons)


# --- estimation ---------------------------------------------------------------------------


def test_em_recovers_known_parameters_from_a_two_class_mixture():
    """500 matches (m = 0.9 agree) and 4500 non-matches (u = 0.1 agree) on three fields."""
    from collections import Counter
    from itertools import product

    m_true, u_true = 0.9, 0.1
    patterns: Counter = Counter()
    for pattern in product((0, 1), repeat=3):
        p_m = 1.0
        p_u = 1.0
        for level in pattern:
            p_m *= m_true if level == 0 else 1 - m_true
            p_u *= u_true if level == 0 else 1 - u_true
        patterns[pattern] = round(500 * p_m + 4500 * p_u)
    u = [[u_true, 1 - u_true]] * 3
    m, prior, _ = em(patterns, u, [0, 1, 2], [[0.6, 0.4]] * 3, 0.3)
    assert prior == pytest.approx(0.1, abs=0.01)
    assert all(row[0] == pytest.approx(0.9, abs=0.02) for row in m)


def test_em_on_generated_people_gives_sensible_m_and_u(trained):
    _, model = trained
    for name in ("first_name", "last_name", "dob", "sex"):
        m, u = model.m[name], model.u[name]
        assert m[0] > 0.4, f"{name}: most matches agree exactly"
        assert u[0] < 0.01 or name == "sex", f"{name}: few non-matches agree exactly"
        assert m[-1] < 0.2, f"{name}: few matches disagree outright"
        assert u[-1] > 0.95 or name == "sex", f"{name}: most non-matches disagree"
    assert 0.4 < model.u["sex"][0] < 0.6
    assert model.m["first_name"][FIRST_NAME.levels.index("nickname")] > 0.05


def test_estimated_prior_is_near_the_true_share_of_matches(synthetic, trained):
    _, model = trained
    n = len(synthetic.people)
    truth = len(synthetic.true_pairs()) / (n * (n - 1) / 2)
    assert truth / 2 < model.prior < truth * 2


# --- scoring ------------------------------------------------------------------------------


def test_known_duplicates_score_above_threshold_and_relatives_below(trained):
    _, model = trained
    gamma = compare.comparator(model.comparisons)

    def score(a: Person, b: Person) -> float:
        return model.probability(gamma(features(a), features(b)))

    original = person()
    duplicates = [
        person(first_name="Cathy"),
        person(dob=dt.date(1980, 7, 3), street_number="9", address_1="Elm St", postcode="12208"),
        person(last_name="Garcia-Lopez", phone=""),
        person(first_name="Garcia", last_name="Catherine"),
        person(first_name="Catherien", dob=None),
    ]
    for duplicate in duplicates:
        assert score(original, duplicate) >= pipeline.DEFAULT_THRESHOLD, duplicate
    twin = person(first_name="Beatrice")  # same birthday, surname, home and phone
    brother = person(first_name="Thomas", sex="M", dob=dt.date(1983, 5, 1))
    mother = person(first_name="Rosa", dob=dt.date(1955, 3, 7))
    for relative in (twin, brother, mother):
        assert score(original, relative) < pipeline.DEFAULT_THRESHOLD, relative


def test_reasons_are_plain_words_strongest_first(trained):
    _, model = trained
    gamma = compare.comparator(model.comparisons)(
        features(person(last_name="Smith")),
        features(person(first_name="Cathy", last_name="Smythe")),
    )
    reasons = model.reasons(gamma)
    assert reasons[0] == "date of birth matches"
    assert "first name is a known nickname" in reasons
    assert "last name sounds alike" in reasons


def test_dedupe_finds_most_generated_duplicates_and_few_false_ones(synthetic, trained):
    records, model = trained
    pairs, _ = pipeline.dedupe(records, model=model)
    found = {(p.id_a, p.id_b) for p in pairs}
    truth = synthetic.true_pairs()
    assert len(found & truth) / len(truth) > 0.85
    assert len(found & truth) / len(found) > 0.9
    assert [p.score for p in pairs] == sorted((p.score for p in pairs), reverse=True)


def test_link_pairs_are_left_then_right():
    left = pipeline.to_features([person(id="a1"), person(id="a2", first_name="Zed", dob=None)])
    right = pipeline.to_features([person(id="b1", first_name="Cathy")])
    pairs, _ = pipeline.link(left, right, model=_default())
    assert [(p.id_a, p.id_b) for p in pairs] == [("a1", "b1")]


def _default() -> Model:
    from casework.clients.matching.model import default_model

    model = default_model()
    assert model is not None, "the shipped default model is missing"
    return model


# --- persistence and determinism ----------------------------------------------------------


def test_model_save_and_load_round_trip(tmp_path, trained):
    _, model = trained
    path = tmp_path / "model.json"
    model.save(path)
    loaded = Model.load(path)
    assert loaded.comparisons == model.comparisons
    assert loaded.m == model.m
    assert loaded.u == model.u
    assert loaded.prior == model.prior
    gamma = (0, 0, 0, 0, None, None, None)[: len(model.comparisons)]
    assert loaded.probability(gamma) == model.probability(gamma)


def test_loading_a_damaged_model_fails_clearly(tmp_path):
    path = tmp_path / "bad.json"
    data = _default().to_json()
    data["m"]["dob"] = [0.5]  # type: ignore[index]  # test edits the JSON
    import json

    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="dob"):
        Model.load(path)


def test_generation_and_estimation_are_deterministic():
    first, second = generate(800, seed=3), generate(800, seed=3)
    assert first.people == second.people
    assert first.entity == second.entity
    assert generate(800, seed=4).people != first.people
    a = pipeline.fit(pipeline.to_features(first.people))
    b = pipeline.fit(pipeline.to_features(second.people))
    assert a.m == b.m
    assert a.u == b.u
    assert a.prior == b.prior


def test_generator_makes_twins_and_relatives_who_are_not_duplicates(synthetic):
    kinds = set(synthetic.kind.values())
    assert {"person", "relative", "twin"} <= kinds
    assert len(synthetic.true_pairs()) > 100

"""Estimating the prior from names and date of birth only, where namesakes abound."""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import replace

import pytest

from casework.clients.matching import estimate, pipeline
from casework.clients.matching.model import Model
from casework.clients.matching.records import Person
from casework.clients.matching.table import FeatureTable

NAMES_AND_DOB = ("first_name", "last_name", "dob", "sex")


def _names(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choices(string.ascii_lowercase, k=6)).title() for _ in range(count)]


def _namesakes_world(people: int = 5000, seed: int = 0) -> tuple[list[Person], int]:
    """People from 20 first and 20 last names born within five years, and their duplicates.

    Everyone has their own phone number. A fifth of the people have one exact duplicate
    record whose date of birth is wrong 15% of the time. With so few names, the block of
    pairs whose names sound alike is mostly namesakes (about 40,000 pairs against 1,000
    duplicates), as it is among a million real records. Returns the records and the number
    of duplicate pairs.
    """
    rng = random.Random(seed)
    firsts, lasts = _names(rng, 20), _names(rng, 20)
    start = dt.date(1960, 1, 1)

    def birthday() -> dt.date:
        return start + dt.timedelta(days=rng.randrange(5 * 365))

    records: list[Person] = []
    duplicates = 0
    for number in range(people):
        person = Person(
            id=f"p{number}",
            first_name=rng.choice(firsts),
            last_name=rng.choice(lasts),
            dob=birthday(),
            sex=rng.choice("MF"),
            phone=f"212{number:07d}",
        )
        records.append(person)
        if rng.random() < 0.2:
            dob = person.dob if rng.random() < 0.85 else birthday()
            records.append(replace(person, id=f"d{number}", dob=dob))
            duplicates += 1
    return records, duplicates


@pytest.fixture(scope="module")
def namesakes() -> tuple[FeatureTable, float]:
    """The world's table and its true prior (the share of all pairs that are duplicates)."""
    records, duplicates = _namesakes_world()
    n = len(records)
    return FeatureTable.from_people(records), duplicates / (n * (n - 1) / 2)


@pytest.mark.parametrize("fallback", [pipeline.default_model(), None], ids=["default", "none"])
def test_prior_is_near_the_truth_when_namesakes_outnumber_duplicates(
    namesakes: tuple[FeatureTable, float], fallback: Model | None
) -> None:
    # Learning m(dob) from the name block alone made this prior 3.7 times the truth.
    table, truth = namesakes
    model = estimate.train(NAMES_AND_DOB, table, fallback=fallback)
    assert truth / 1.5 < model.prior < truth * 1.5


def test_a_session_with_one_comparison_to_learn_is_skipped(
    namesakes: tuple[FeatureTable, float],
) -> None:
    # The name block fixes names and sex, leaving only date of birth: m(dob) then comes from
    # the fallback, not from a split of the block that the data cannot determine.
    table, _ = namesakes
    fallback = pipeline.default_model()
    assert fallback is not None
    model = estimate.train(NAMES_AND_DOB, table, fallback=fallback)
    assert list(model.info["sessions"]) == ["dob"]  # type: ignore[call-overload]  # JSON dict
    assert model.m["dob"] == fallback.m["dob"]


def test_a_session_with_two_comparisons_to_learn_still_runs(
    namesakes: tuple[FeatureTable, float],
) -> None:
    # With the phone number beside the date of birth, the name block learns both.
    table, _ = namesakes
    model = estimate.train((*NAMES_AND_DOB, "phone"), table, fallback=None)
    sessions = list(model.info["sessions"])  # type: ignore[call-overload]  # JSON dict
    assert sessions == ["dob", "first_and_last_name_sound"]


def test_exact_agreement_rate_of_a_list_counts_distinct_pairs_only() -> None:
    # Five records, every birthday different but two: one agreeing pair of the 10. Pairing
    # each row with itself as well gave (2 * 2 + 3) / 25 = 0.28, almost three times as
    # often, and at 5,000 records 1/5,000 more than chance: a birthday in common was then
    # worth 2.4 bits less than it is (FEBRL 2).
    days = [dt.date(1980, 1, 1), dt.date(1980, 1, 1), *(dt.date(1981, 1, d) for d in (2, 3, 4))]
    table = FeatureTable.from_people([Person(id=f"r{k}", dob=d) for k, d in enumerate(days)])
    assert estimate._exact_rate("dob", table, None) == pytest.approx(2 / 20)
    # Between two lists every pair is a pair of two records: both sides' shares multiply.
    assert estimate._exact_rate("dob", table, 2) == 0.0
    assert estimate._exact_rate("dob", table, 1) == pytest.approx(1 / 4)


def test_exact_agreement_rate_without_a_pair_to_count_is_zero() -> None:
    table = FeatureTable.from_people([Person(id="only", dob=dt.date(1980, 1, 1))])
    assert estimate._exact_rate("dob", table, None) == 0.0


def test_a_link_to_a_short_list_keeps_the_shipped_m_and_estimates_u_on_the_data() -> None:
    from casework.clients.matching.cli import model_source
    from casework.clients.matching.synth import generate

    people = generate(2100, seed=4).people
    table = FeatureTable.from_people(people)
    default = pipeline.default_model()
    assert default is not None
    short = pipeline.fit(table, split=2040)  # 60 records on the right: at most 60 links
    shipped = default.restricted(short.comparisons)
    assert short.m == shipped.m
    assert short.u != shipped.u
    assert short.u == estimate.estimate_u(short.comparisons, table, 2040)
    assert short.info[estimate.U_FROM_DATA] is True
    assert short.info["households"] is True  # the generator's households, seen in the data
    assert short.info["estimated"] is False  # no EM on these records
    assert "estimated on these 2,100 records" in model_source(short)
    # Both lists long enough: EM on the data at hand, as before.
    both = pipeline.fit(table, split=1050)
    assert "estimated" not in both.info
    assert estimate.U_FROM_DATA not in both.info
    assert model_source(both) == "estimated by EM on these 2,100 records"

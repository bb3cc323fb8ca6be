"""Link runs: a record of the shorter list matches at most one record of the other."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import numpy as np
import pytest

from casework.clients.matching import blocking, pipeline
from casework.clients.matching.cli import finish
from casework.clients.matching.compare import by_name
from casework.clients.matching.records import Person, features
from casework.clients.matching.synth import generate
from casework.clients.matching.table import FeatureTable

PRIOR = 1e-4
LONG = 10_000


def arrays(*pairs: tuple[int, int, float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(left row, right row counted from 0, score) triples as link_table's arrays."""
    i = np.array([p[0] for p in pairs], dtype=np.int64)
    j = np.array([LONG + p[1] for p in pairs], dtype=np.int64)
    return i, j, np.array([p[2] for p in pairs], dtype=np.float64)


def test_the_only_candidate_of_a_survey_record_is_likely_its_match_when_most_have_one():
    # 49 of 50 survey records have a sure partner; the 50th one weak candidate (0.1).
    i, j, scores = arrays(*((k, k, 0.99999) for k in range(49)), (500, 49, 0.1))
    one, share = pipeline.one_match_scores(scores, i, j, LONG, LONG + 50, PRIOR)
    # EM's fixed point: the share is the expected number of records with a match, plus
    # one of two pseudo-records (Beta(2, 2)), over the records.
    assert share == pytest.approx((one.sum() + 1) / 52, abs=1e-6)
    assert share == pytest.approx(0.9775, abs=0.0005)
    # The prior of a pair is 1 / LONG here, so q = share x odds = 0.9775 x 0.111, and the
    # pair's probability is q / ((1 - share) + q).
    assert one[-1] == pytest.approx(0.1086 / (0.0225 + 0.1086), abs=0.005)  # 0.83
    assert one[:-1] == pytest.approx(1.0, abs=1e-4)


def test_a_list_of_mostly_other_people_raises_no_score():
    # 5 of 50 survey records have a partner: the weak candidate stays weak.
    i, j, scores = arrays(*((k, k, 0.99999) for k in range(5)), (500, 49, 0.1))
    one, share = pipeline.one_match_scores(scores, i, j, LONG, LONG + 50, PRIOR)
    assert share == pytest.approx((one.sum() + 1) / 52, abs=1e-6)
    assert share == pytest.approx(6 / 52, abs=0.005)
    assert one[-1] < 0.02
    assert (one <= scores).all()


def test_two_sure_candidates_share_the_one_match_and_the_records_side_is_the_shorter():
    # Survey record 0 has two sure candidates (a person listed twice in the census): read
    # as "at most one", each is about 0.5. The caller keeps the pair-by-pair score.
    i, j, scores = arrays((3, 0, 0.999999), (4, 0, 0.999999))
    one, _ = pipeline.one_match_scores(scores, i, j, LONG, LONG + 1, PRIOR)
    assert one == pytest.approx([0.5, 0.5], abs=0.01)
    # The left list shorter: the left rows are the records with at most one match.
    left_short, share = pipeline.one_match_scores(scores, i, j, 5, LONG + 5, PRIOR)
    assert left_short == pytest.approx([1.0, 1.0], abs=1e-4)
    assert share == pytest.approx(3 / 7, abs=0.01)  # 2 of 5 left records matched, Beta(2, 2)


def test_no_pairs_or_an_empty_list_gives_nothing():
    empty = np.array([], dtype=np.int64)
    one, share = pipeline.one_match_scores(np.array([]), empty, empty, 10, 20, PRIOR)
    assert len(one) == 0
    assert share == 0.0


@pytest.fixture(scope="module")
def census():
    """1,500 generator people (with their own duplicates), James Nelson born 1952, and
    one person listed twice."""
    people = generate(1500, seed=4).people
    left = [dataclasses.replace(p, id=f"L{k}", ssn="", phone="") for k, p in enumerate(people)]
    left.append(
        Person(
            id="Lnelson", first_name="James", last_name="Nelson", sex="M", dob=dt.date(1952, 7, 6)
        )
    )
    left.append(dataclasses.replace(left[0], id="Ltwice"))
    return left


NELSON = Person(id="Rnelson", first_name="James", last_name="Nelson", dob=dt.date(1949, 1, 30))


def linked(left: list[Person], right: list[Person]):
    table = FeatureTable.from_features([features(p) for p in [*left, *right]])
    found, model = pipeline.link_table(table, len(left))
    i, j = blocking.link_pairs(table, len(left))
    scores = pipeline.score_pairs(model, table, i, j)
    alone = {(table.ids[a], table.ids[b]): s for a, b, s in zip(i, j, scores, strict=True)}
    return {(p.id_a, p.id_b): p.score for p in found}, alone, model


def test_a_survey_drawn_from_the_census_links_a_namesake_born_years_apart(census):
    # Every survey record is a census person; James Nelson's birth date is three years
    # off, with nothing else to go on (census vs CPS had this pair).
    survey = [dataclasses.replace(p, id=f"R{k}") for k, p in enumerate(census[:60:2])]
    found, alone, model = linked(census, [*survey, NELSON])
    assert alone[("Lnelson", "Rnelson")] < 0.5  # pair by pair: unlikely
    assert found[("Lnelson", "Rnelson")] >= 0.5  # the one plausible partner of a census person
    assert model.info[pipeline.ONE_MATCH_SHARE] > 0.9
    # The person listed twice in the census keeps both pairs (each about 0.5 if read
    # as "at most one match").
    assert found[("L0", "R0")] > 0.99
    assert found[("Ltwice", "R0")] > 0.99
    said: list[str] = []
    finish(
        ([], model, []),
        {"report": None, "save_model": None, "output": None, "threshold": 0.5},
        io.StringIO(),
        said.append,
    )
    assert any(line.startswith("one match per record: 9") for line in said)


def test_a_list_of_strangers_does_not_link_the_namesake(census):
    strangers = [
        dataclasses.replace(p, id=f"S{k}") for k, p in enumerate(generate(200, seed=99).people[:30])
    ]
    found, _alone, model = linked(census, [*strangers, NELSON])
    assert ("Lnelson", "Rnelson") not in found
    assert model.info[pipeline.ONE_MATCH_SHARE] < 0.1


def test_a_dedupe_run_does_not_report_a_saved_link_runs_reading(census):
    _, _, model = linked(census, [NELSON])
    _, used = pipeline.dedupe(
        FeatureTable.from_features([features(p) for p in census[:50]]), model=model
    )
    assert pipeline.ONE_MATCH_SHARE not in used.info


@pytest.fixture(scope="module")
def tax_forms():
    """3,000 generator people, and forms for half of them: no birth date or sex, and
    every other one mailed to the address of someone else (moved since)."""
    data = generate(3000, seed=4)
    left = [dataclasses.replace(p, id=f"L{k}", ssn="", phone="") for k, p in enumerate(data.people)]
    movers = generate(3000, seed=9).people
    right = []
    for k, person in enumerate(left[:1500]):
        form = dataclasses.replace(person, id=f"R{k}", dob=None, sex="")
        if k % 2:
            elsewhere = movers[k]
            form = dataclasses.replace(
                form,
                street_number=elsewhere.street_number,
                address_1=elsewhere.address_1,
                address_2=elsewhere.address_2,
                city=elsewhere.city,
                state=elsewhere.state,
                postcode=elsewhere.postcode,
            )
        right.append(form)
    entity = {f"L{k}": data.entity[p.id] for k, p in enumerate(data.people)}
    truth = {(a, f"R{k}") for k in range(1500) for a in entity if entity[a] == entity[f"L{k}"]}
    table = FeatureTable.from_features([features(p) for p in [*left, *right]])
    return table, len(left), truth


def test_a_field_one_list_never_has_is_not_compared(tax_forms):
    table, split, _ = tax_forms
    model = pipeline.fit(table, split=split)
    assert model.comparisons == ("first_name", "last_name", "address")
    # Neither training block fits: blocked on a birth date only the census's own pairs
    # (relatives) share one; blocked on names nothing is left to learn but the address.
    assert model.info["sessions"] == {}
    assert model.info["prior_from"] == "fallback"
    shipped = pipeline.default_model()
    assert shipped is not None
    assert model.prior == pytest.approx(
        shipped.prior * int(shipped.info["records"]) / len(table)  # type: ignore[call-overload]
    )
    # A dedupe run of the same records compares every field some record has.
    assert "dob" in pipeline.fit(table).comparisons


def test_without_a_training_block_m_is_learned_from_the_runs_own_pairs(tax_forms):
    table, split, truth = tax_forms
    found, model = pipeline.link_table(table, split)
    assert int(model.info[pipeline.M_FROM_ONE_MATCH]) >= 2  # type: ignore[call-overload]
    # Half the forms went to another address: the learned m says so, the shipped one
    # (duplicates in the generator rarely move) does not.
    different = -1
    assert model.m["address"][different] == pytest.approx(0.48, abs=0.05)
    shipped = pipeline.fit(table, split=split)
    assert shipped.m["address"][different] < 0.4
    kept, _ = pipeline.link_table(table, split, model=shipped)  # a given model is kept
    learned = {(p.id_a, p.id_b) for p in found}
    given = {(p.id_a, p.id_b) for p in kept}
    assert len(learned & truth) > len(given & truth)
    assert len(learned & truth) / len(learned) > 0.97
    from casework.clients.matching.cli import model_source

    assert "learned from these records' own pairs" in model_source(model)
    assert "shipped default model's agreement rates" in model_source(shipped)


def test_lists_with_no_field_in_common_link_nothing_and_say_so():
    from casework.clients.matching.cli import model_source

    left = [Person(id=f"L{k}", dob=dt.date(1980, 1, 1 + k % 28)) for k in range(1200)]
    right = [Person(id=f"R{k}", first_name="Ann", last_name=f"Lee{k}") for k in range(1200)]
    table = FeatureTable.from_features([features(p) for p in [*left, *right]])
    found, model = pipeline.link_table(table, len(left))
    assert found == []
    assert model.comparisons == ()
    assert model_source(model) == "none: the lists have no field in common to compare"


def test_a_given_model_is_named_as_given_not_as_estimated_here(tmp_path):
    from django.core.management import call_command

    from casework.clients.matching.csvio import write_people

    data = generate(1200, seed=5)
    people = tmp_path / "people.csv"
    write_people(people, data.people)
    saved = tmp_path / "model.json"

    def said(*args: str) -> list[str]:
        err = io.StringIO()
        call_command("match", str(people), "--no-progress", *args, stdout=io.StringIO(), stderr=err)
        return [line for line in err.getvalue().splitlines() if line.startswith("model:")]

    assert said("--save-model", str(saved)) == ["model: estimated by EM on these 1,200 records"]
    assert said("--model", str(saved)) == [
        f"model: the one given ({saved}), from a run where it was estimated by EM on these "
        "1,200 records"
    ]


# ---- family fields in the one-match reading (pipeline.FamilyAgreement) ----


def test_family_agreement_is_the_share_of_the_longer_lists_pairs_agreeing_on_all_of_them():
    # The longer list: two households. Family name and birthday agree together in 2 of the
    # 15 pairs among the 6 records that have both: (a, b) and (d, e).
    born, other = dt.date(2001, 7, 27), dt.date(1970, 1, 2)
    home = {"street_number": "8203", "address_1": "West Farwell Avenue", "city": "Anytown"}
    longer = [
        Person(id="a", first_name="Ann", last_name="Rangel", dob=born, postcode="98101", **home),
        # Ann's twin; the postcode missing, the city the same: the address is the same.
        Person(id="b", first_name="Bea", last_name="Rangel", dob=born, **home),
        Person(id="c", first_name="Cy", last_name="Rangel", dob=other, **home),
        Person(id="d", first_name="Di", last_name="Cornel", dob=born),
        Person(id="e", first_name="Ed", last_name="Cornel", dob=born),
        Person(id="f", first_name="Flo", last_name="Cornel", dob=other),
        Person(id="g", first_name="Gus", last_name="Cornel"),  # no birthday: not counted
    ]
    shorter = [Person(id="r", first_name="Margaret", last_name="Rangel", dob=born)]
    model = pipeline.default_model()
    assert model is not None
    for records, split in (([*longer, *shorter], len(longer)), ([*shorter, *longer], 1)):
        table = FeatureTable.from_features([features(p) for p in records])
        family = pipeline.FamilyAgreement(table, split)
        assert family.u(("last_name", "dob"), model) == pytest.approx(2 / 15)
        # Family name alone: 3 + 6 pairs of 21 (all 7 have one).
        assert family.u(("last_name",), model) == pytest.approx(9 / 21)
        # With the address: a, b and c have one, and all three pairs agree on it; with the
        # birthday as well, only (a, b).
        assert family.u(("last_name", "address"), model) == pytest.approx(1.0)
        assert family.u(("last_name", "dob", "address"), model) == pytest.approx(1 / 3)
        # Nobody in the longer list has a phone: nothing to count.
        assert family.u(("last_name", "phone"), model) is None
    # No pair of the longer list agrees: one pair is assumed (never an infinite weight).
    apart = [longer[0], longer[2], longer[3], *shorter]
    nobody = pipeline.FamilyAgreement(FeatureTable.from_features([features(p) for p in apart]), 3)
    assert nobody.u(("last_name", "dob"), model) == pytest.approx(1 / 3)


def test_family_fields_are_never_weighed_below_setting_them_aside():
    # Family name and birthday shared by most of a tiny longer list: their joint rate is
    # higher than a match's, and the one-match reading gives them back nothing rather
    # than count them against the pair.
    born = dt.date(2001, 7, 27)
    longer = [
        Person(id=f"k{n}", first_name=f"N{n}", last_name="Rangel", dob=born) for n in range(4)
    ]
    table = FeatureTable.from_features(
        [
            features(p)
            for p in [*longer, Person(id="r", first_name="Margaret", last_name="Rangel", dob=born)]
        ]
    )
    model = pipeline.default_model()
    assert model is not None
    family = pipeline.FamilyAgreement(table, len(longer))
    assert family.u(("last_name", "dob"), model) == pytest.approx(1.0)
    different = by_name(["first_name"])[0].levels.index("different")
    levels = {"first_name": different, "last_name": 0, "dob": 0}
    twin = tuple(levels.get(name) for name in model.comparisons)
    assert model.set_aside(twin)
    assert family.bits(model, twin) == 0.0


def _family_census() -> tuple[list[Person], Person, Person]:
    """Generator people; one of them listed once, with no relative sharing their family
    name and birthday; and a twin for that one (family name, birthday, sex and home the
    same, first names unrelated)."""
    data = generate(1500, seed=4)
    people = [
        dataclasses.replace(p, id=f"L{k}", ssn="", phone="") for k, p in enumerate(data.people)
    ]
    entity = [data.entity[p.id] for p in data.people]
    by_family: dict[tuple[str, object], int] = {}
    for person in people:
        by_family[(person.last_name, person.dob)] = (
            by_family.get((person.last_name, person.dob), 0) + 1
        )
    alone = next(
        p
        for k, p in enumerate(people)
        if p.dob
        and p.address_1
        and p.first_name
        and by_family[(p.last_name, p.dob)] == 1
        and entity.count(entity[k]) == 1
    )
    twin = dataclasses.replace(alone, id="Ltwin", first_name="Ottilie")
    return people, alone, twin


def test_the_one_plausible_partner_with_a_corrupted_first_name_is_linked():
    # A survey drawn from the census; one survey person's first name was corrupted past
    # recognition ("Jaryaart" for Margaret, census vs ACS). Pair by pair that is the twin
    # signature, set aside; in the one-match reading the census has no other candidate,
    # and its own twins show how rarely different people agree on all of it.
    people, alone, _ = _family_census()
    survey = [dataclasses.replace(p, id=f"R{k}") for k, p in enumerate(people[:80:2])]
    garbled = dataclasses.replace(alone, id="Rgarbled", first_name="Jaryaart")
    found, scored, model = linked(people, [*survey, garbled])
    assert scored[(alone.id, "Rgarbled")] < 0.01  # set aside pair by pair
    assert found[(alone.id, "Rgarbled")] >= 0.5
    assert model.info[pipeline.ONE_MATCH_SHARE] > 0.9


def test_a_twin_loses_the_one_match_to_the_persons_own_record_even_with_its_birthday():
    # The survey person's own census record has another birth date (census vs CPS seeds
    # 2 and 3 had this: a birthday copied from a relative), and a twin in the census has
    # the survey's birthday. Weighed at their joint rate, family name, birthday and home
    # do not outweigh the first name and home of the person's own record; weighed as if
    # independent (tried and reverted, 2026-12-07) they did.
    people, alone, twin = _family_census()
    survey = [dataclasses.replace(p, id=f"R{k}") for k, p in enumerate(people[:80:2])]
    assert alone.dob is not None
    born = alone.dob
    own = dataclasses.replace(alone, dob=dt.date(born.year - 23, born.month % 12 + 1, 3))
    census = [own if p.id == alone.id else p for p in people]
    person = dataclasses.replace(alone, id="Rperson")
    found, _, _ = linked([*census, twin], [*survey, person])
    assert found[(alone.id, "Rperson")] >= 0.5
    assert ("Ltwin", "Rperson") not in found


def test_the_one_match_readings_scores_do_not_depend_on_the_number_of_processes(monkeypatch):
    people, _, twin = _family_census()
    survey = [dataclasses.replace(p, id=f"R{k}") for k, p in enumerate(people[:400])]
    table = FeatureTable.from_features([features(p) for p in [*people, twin, *survey]])
    split = len(people) + 1
    model = pipeline.fit(table, split=split)
    i, j = blocking.link_pairs(table, split)
    monkeypatch.setattr(pipeline, "SCORE_CHUNK", 97)
    family = pipeline.FamilyAgreement(table, split)
    alone_scores = pipeline.link_scores(model, table, i, j, family, workers=1)
    assert (alone_scores[1] > alone_scores[0]).any()  # the twin signature was weighed
    assert np.array_equal(alone_scores[0], pipeline.score_pairs(model, table, i, j, workers=1))
    for workers in (2, 3):
        fresh = pipeline.FamilyAgreement(table, split)
        both = pipeline.link_scores(model, table, i, j, fresh, workers=workers)
        assert np.array_equal(both[0], alone_scores[0])
        assert np.array_equal(both[1], alone_scores[1])
    assert len(i) > 97 * 6

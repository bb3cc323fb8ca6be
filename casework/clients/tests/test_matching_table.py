"""The columnar matcher agrees with the scalar reference, pair for pair."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import replace
from itertools import combinations
from typing import Any

import numpy as np
import pytest

from casework.clients.matching import blocking, compare, pipeline
from casework.clients.matching import records as normalize
from casework.clients.matching import table as table_module
from casework.clients.matching.csvio import read_columns, read_people, write_people
from casework.clients.matching.records import Features, Person, features
from casework.clients.matching.synth import generate
from casework.clients.matching.table import FeatureTable, Patterns, gamma_matrix

ALL = tuple(c.name for c in compare.ALL_COMPARISONS)


def _edge_cases() -> list[Person]:
    """People whose comparisons hit the rarer levels: swaps, parts, initials, blanks."""
    base = Person(
        id="e0",
        first_name="Catherine",
        last_name="Garcia-Lopez",
        dob=dt.date(1980, 3, 7),
        sex="F",
        ssn="123-45-6780",
        phone="518-555-0134",
        street_number="12",
        address_1="Main Street",
        city="Albany",
        state="NY",
        postcode="12207",
    )
    variants: list[dict[str, Any]] = [
        {"first_name": "Garcia-Lopez", "last_name": "Catherine"},
        {"first_name": "Garcia", "last_name": "Cathy"},
        {"first_name": "Cathy", "last_name": "Lopez"},
        {"first_name": "C", "last_name": "Garsia-Lopez"},
        {"first_name": "Catherine Anne", "last_name": "Garcia"},
        {"first_name": "", "dob": None, "sex": "", "phone": ""},
        {"last_name": "", "ssn": "123-45-6708", "street_number": "", "address_1": ""},
        {"dob": dt.date(1980, 7, 3), "ssn": "123-45-6781", "address_1": "Main St"},
        {"dob": dt.date(1981, 3, 7), "postcode": "", "city": "Albany", "address_1": "Elm Rd"},
        {"dob": dt.date(1980, 3, 27), "state": "", "address_1": "Mian Street"},
        {"first_name": "123", "last_name": "456", "ssn": "000-00-0000", "phone": "1111111"},
        {"first_name": "Kathryn", "dob": dt.date(1980, 3, 9), "address_1": "", "city": ""},
    ]
    return [base, *(replace(base, id=f"e{k}", **v) for k, v in enumerate(variants, start=1))]


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return generate(1200, seed=13).people + _edge_cases()


@pytest.fixture(scope="module")
def records(people) -> list[Features]:
    return [features(p) for p in people]


@pytest.fixture(scope="module")
def table(people) -> FeatureTable:
    return FeatureTable.from_people(people)


def _sample_pairs(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every blocked-looking pair is rare among random ones, so take both kinds."""
    rng = random.Random(3)
    edges = range(size - len(_edge_cases()), size)
    pairs = set(combinations(edges, 2))
    for _ in range(3000):
        a, b = sorted(rng.sample(range(size), 2))
        pairs.add((a, b))
    i, j = zip(*sorted(pairs), strict=True)
    return np.array(i), np.array(j)


def test_gamma_matrix_equals_the_scalar_comparator(table, records):
    block_i, block_j = blocking.dedupe_pairs(table)
    some_i, some_j = _sample_pairs(len(records))
    i, j = np.concatenate([block_i, some_i]), np.concatenate([block_j, some_j])
    matrix = gamma_matrix(table, ALL, i, j)
    gamma = compare.comparator(ALL)
    mismatches = [
        (records[a].id, records[b].id, row, gamma(records[a], records[b]))
        for a, b, row in zip(i.tolist(), j.tolist(), matrix.tolist(), strict=True)
        if tuple(None if level < 0 else level for level in row) != gamma(records[a], records[b])
    ]
    assert len(i) > 3000
    assert mismatches == []
    # The sample does reach every level of every comparison.
    for at, spec in enumerate(compare.by_name(ALL)):
        seen = set(matrix[:, at].tolist()) - {-1}
        assert seen == set(range(len(spec.levels))), spec.name


def test_gamma_matrix_keeps_the_order_of_the_names_asked_for(table):
    i, j = _sample_pairs(len(table))
    full = gamma_matrix(table, ALL, i, j)
    some = gamma_matrix(table, ("dob", "first_name"), i, j)
    assert np.array_equal(some, full[:, [ALL.index("dob"), ALL.index("first_name")]])
    with pytest.raises(ValueError, match="unknown comparison"):
        gamma_matrix(table, ("shoe_size",), i, j)


def test_a_table_of_features_compares_like_a_table_of_people(table, records):
    i, j = _sample_pairs(len(records))
    from_features = FeatureTable.from_features(records)
    assert from_features.ids == table.ids
    assert np.array_equal(gamma_matrix(from_features, ALL, i, j), gamma_matrix(table, ALL, i, j))


def _scalar_keys(record: Features) -> dict[str, set[str]]:
    """Each rule's keys for one record, written directly from the rule descriptions."""
    keys: dict[str, set[str]] = {rule: set() for rule in blocking.RULES}
    names = "|".join(sorted((record.first_nysiis, record.last_nysiis)))
    has_names = bool(record.first_nysiis and record.last_nysiis)
    if record.dob_ymd:
        year, month, day = record.dob_ymd
        day_month = f"{min(month, day)}|{max(month, day)}"
        dob = f"{year}|{day_month}"
        keys["dob"].add(dob)
        keys["dob+initial"] |= {f"{dob}|{name[0]}" for name in (record.first, record.last) if name}
        if record.last_nysiis:
            keys["last_name_sound+birth_year"].add(f"{record.last_nysiis}|{year}")
            keys["last_name_sound+birth_year+month_or_day"] |= {
                f"{record.last_nysiis}|{year}|month {month}",
                f"{record.last_nysiis}|{year}|day {day}",
            }
        if has_names:
            keys["first_and_last_name_sound+birth_year_or_day"] |= {
                f"{names}|year {year}",
                f"{names}|day and month {day_month}",
            }
    if record.first_nysiis and record.postcode:
        keys["first_name_sound+postcode"].add(f"{record.first_nysiis}|{record.postcode}")
    if record.first and record.last:
        keys["first_and_last_name"].add(f"{record.first}|{record.last}")
    if has_names:
        keys["first_and_last_name_sound"].add(names)
        keys["first_and_last_name_sound+missing_dob"].add(names)
    if record.street and (record.postcode or record.city):
        keys["street+postcode_or_city"].add(f"{record.street}|{record.postcode or record.city}")
        if record.last:
            place = record.postcode or record.city
            keys["last_name+street"].add(f"{record.street}|{place}|{record.last}")
    head, _, rest = record.street.partition(" ")
    numbered = bool(rest) and any(ch.isdigit() for ch in head)
    number = head if numbered else ""
    street_name = (rest if numbered else record.street).replace(" ", "")
    parts = {"number": number, "name": street_name, "postcode": record.postcode}
    for a, b in (("number", "name"), ("name", "postcode"), ("number", "postcode")):
        if parts[a] and parts[b]:
            keys["two_of_street_number+street_name+postcode"].add(f"{a}|{parts[a]}|{parts[b]}")
    if record.phone:
        keys["phone"].add(record.phone[-7:])
    if record.ssn:
        keys["ssn"].add(record.ssn)
    return keys


def _reference_pairs(records, rules, left=None):
    """All pairs sharing a key of one of ``rules`` (no block is near MAX_BLOCK here)."""
    keys = [_scalar_keys(r) for r in records]
    rows = range(len(records))
    candidates = (
        combinations(rows, 2)
        if left is None
        else ((a, b) for a in range(left) for b in range(left, len(records)))
    )

    def shares(a: int, b: int, rule: str) -> bool:
        if rule == "first_and_last_name_sound+missing_dob" and records[a].dob and records[b].dob:
            return False  # only pairs where one side has no date of birth
        return bool(keys[a][rule] & keys[b][rule])

    return {(a, b) for a, b in candidates if any(shares(a, b, rule) for rule in rules)}


def test_dedupe_pairs_are_the_pairs_sharing_a_blocking_key(table, records):
    i, j = blocking.dedupe_pairs(table)
    found = list(zip(i.tolist(), j.tolist(), strict=True))
    assert len(found) == len(set(found))
    assert set(found) == _reference_pairs(records, blocking.PREDICTION_RULES)


def test_link_pairs_cross_the_split_and_share_a_key(table, records):
    split = 700
    i, j = blocking.link_pairs(table, split)
    found = set(zip(i.tolist(), j.tolist(), strict=True))
    assert found == _reference_pairs(records, blocking.PREDICTION_RULES, left=split)


@pytest.mark.parametrize("rule", ["dob", "first_and_last_name_sound"])
def test_rule_pairs_come_in_scan_order_and_stop_at_the_limit(table, records, rule):
    blocks: dict[str, list[int]] = {}
    for row, record in enumerate(records):
        for key in _scalar_keys(record)[rule]:
            blocks.setdefault(key, []).append(row)
    expected = [pair for members in blocks.values() for pair in combinations(members, 2)]
    first_block = len(next(m for m in blocks.values() if len(m) > 1))
    for limit in (0, 1, first_block * (first_block - 1) // 2, 50, 51, len(expected) + 1):
        i, j = blocking.rule_pairs(table, rule, limit)
        assert list(zip(i.tolist(), j.tolist(), strict=True)) == expected[:limit], limit
    assert blocking.block_pairs(table, rule) == len(expected)


def test_patterns_count_distinct_gammas_in_first_seen_order():
    matrix = np.array([[0, -1], [1, 2], [0, -1], [1, 2], [0, 0]])
    patterns = Patterns.of(matrix)
    assert patterns.gammas == [(0, None), (1, 2), (0, 0)]
    assert patterns.counts == [2, 2, 1]
    assert patterns.of_pair.tolist() == [0, 1, 0, 1, 2]
    counts = Counter(patterns.gammas[k] for k in patterns.of_pair.tolist())
    assert counts == {(0, None): 2, (1, 2): 2, (0, 0): 1}


def test_columns_read_from_csv_normalize_like_features(tmp_path, people):
    path = tmp_path / "people.csv"
    write_people(path, people)
    columns = read_columns(path)
    assert read_people(path) == people
    from_csv = FeatureTable.from_columns(columns)
    i, j = _sample_pairs(len(people))
    expected = gamma_matrix(FeatureTable.from_people(people), ALL, i, j)
    assert np.array_equal(gamma_matrix(from_csv, ALL, i, j), expected)


def test_blank_lines_are_skipped_and_errors_count_them(tmp_path):
    from casework.clients.matching.csvio import InputError

    path = tmp_path / "blank.csv"
    path.write_text("id,first_name,dob\n1, Ann ,1980-01-02\n\n , \n2,Bo,\n", encoding="utf-8")
    columns = read_columns(path)
    assert columns.columns["id"] == ["1", "2"]
    assert columns.columns["first_name"] == ["Ann", "Bo"]
    assert columns.columns["last_name"] == ["", ""]
    assert columns.dates == [dt.date(1980, 1, 2), None]
    path.write_text("id,first_name,dob\n1,Ann,\n\n2,Bo,1980-02-30\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 4, column 'dob'"):
        read_columns(path)


TRICKY = [
    "",
    "  O'Brien-Smith ",
    "José  María",
    "ÅNGSTRÖM",
    "a\x00b",
    "x\x1cy",
    "snake_case",
    "12 Main Street",
    "(518) 555-0134",
    "١٢٣ 45",
    "123-45-6789",
    "000-00-0000",
    "apt #4",
    "North Eastern  Avenue Suite 5",
    "Streetly Road-Street East",
    "unit UNIT  court",
]


def test_many_values_normalize_exactly_like_one_value():
    assert normalize.normalize_texts(TRICKY) == list(map(normalize.normalize_text, TRICKY))
    assert normalize.digit_strings(TRICKY) == list(map(normalize.digits, TRICKY))
    assert normalize.ssn_values(TRICKY) == list(map(normalize.ssn_value, TRICKY))
    assert normalize.phone_values(TRICKY) == list(map(normalize.phone_value, TRICKY))
    assert normalize.sex_values(TRICKY) == list(map(normalize.sex_value, TRICKY))
    assert normalize.postcode_values(TRICKY) == list(map(normalize.postcode_value, TRICKY))
    pairs = [(number, line) for number in ("12", "", " 7b ") for line in TRICKY]
    assert normalize.street_values(pairs) == [normalize.street_value(n, line) for n, line in pairs]
    numbers, lines = ["12", "", " 7b "], list(TRICKY)
    parts = [(a, b) for a in range(len(numbers)) for b in range(len(lines))]
    assert normalize.streets_of_parts(numbers, lines, parts) == [
        normalize.street_value(numbers[a], lines[b]) for a, b in parts
    ]
    assert normalize.normalize_texts([]) == []
    assert normalize.normalize_texts(["ÅNGSTRÖM"]) == ["angstrom"]


def test_scores_do_not_depend_on_the_chunk_size(table, monkeypatch):
    model = pipeline.fit(table)
    i, j = blocking.dedupe_pairs(table)
    whole = pipeline.score_pairs(model, table, i, j)
    monkeypatch.setattr(pipeline, "SCORE_CHUNK", 97)
    assert np.array_equal(pipeline.score_pairs(model, table, i, j), whole)
    assert len(whole) > 97 * 3
    assert ((whole > 0) & (whole <= 1)).all()


def test_long_rows_are_fine_but_a_long_cell_is_named(tmp_path):
    from casework.clients.matching.csvio import InputError

    path = tmp_path / "long.csv"
    wide = ",".join(["1", "A" * 150, "B" * 150, "1980-01-02"])
    path.write_text(f"id,first_name,last_name,dob\n{wide}\n", encoding="utf-8")
    assert read_columns(path).columns["last_name"] == ["B" * 150]
    path.write_text(f"id,first_name,last_name,dob\n{wide}\n2,Al,{'C' * 201},\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 3, column 'last_name': 'C+\.\.\.' is longer"):
        read_columns(path)


@pytest.mark.parametrize("rule", sorted(blocking.RULES))
def test_each_rule_pairs_the_records_sharing_its_key(table, records, rule):
    i, j = blocking.dedupe_pairs(table, (rule,))
    found = list(zip(i.tolist(), j.tolist(), strict=True))
    assert len(found) == len(set(found))
    assert set(found) == _reference_pairs(records, (rule,))
    i, j = blocking.link_pairs(table, 700, (rule,))
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == _reference_pairs(
        records, (rule,), left=700
    )


def _people(*rows: tuple[str, str, dt.date | None]) -> FeatureTable:
    return FeatureTable.from_people(
        [
            Person(id=str(k), first_name=first, last_name=last, dob=dob)
            for k, (first, last, dob) in enumerate(rows)
        ]
    )


def _pairs(pairs: tuple[np.ndarray, np.ndarray]) -> set[tuple[int, int]]:
    return set(zip(pairs[0].tolist(), pairs[1].tolist(), strict=True))


def test_a_wrong_birth_digit_still_meets_on_the_last_name_sound_year_and_month_or_day():
    table = _people(
        ("Ann", "Smith", dt.date(1980, 3, 7)),
        ("Bea", "Smithe", dt.date(1980, 3, 9)),  # the day is wrong: same month
        ("Cy", "Smith", dt.date(1980, 8, 7)),  # the month is wrong: same day
        ("Di", "Smith", dt.date(1980, 4, 9)),  # neither: another person born that year
        ("Ed", "Smith", dt.date(1981, 3, 7)),  # another year
    )
    rule = "last_name_sound+birth_year+month_or_day"
    assert _pairs(blocking.dedupe_pairs(table, (rule,))) == {(0, 1), (0, 2), (1, 3)}
    assert _pairs(blocking.dedupe_pairs(table, ("last_name_sound+birth_year",))) == {
        (a, b) for a, b in combinations(range(4), 2)
    }


def test_name_sound_blocks_split_by_birth_year_or_day_and_month():
    table = _people(
        ("Ann", "Smith", dt.date(1980, 3, 7)),
        ("Smith", "Anne", dt.date(1980, 11, 30)),  # swapped names, same year
        ("Ann", "Smithe", dt.date(1908, 7, 3)),  # wrong year, day and month swapped
        ("Ann", "Smith", dt.date(1955, 1, 1)),  # a namesake
    )
    rule = "first_and_last_name_sound+birth_year_or_day"
    assert _pairs(blocking.dedupe_pairs(table, (rule,))) == {(0, 1), (0, 2)}


def test_a_record_without_a_birthday_meets_its_whole_name_sound_block():
    table = _people(
        ("Ann", "Smith", dt.date(1980, 1, 2)),
        ("Anne", "Smithe", None),
        ("Ann", "Smith", dt.date(1955, 7, 30)),
        ("Smith", "Ann", None),
        ("Bo", "Smith", None),  # another name: another block
    )
    rule = "first_and_last_name_sound+missing_dob"
    assert blocking.OPEN[rule](table).tolist() == [False, True, False, True, True]
    expected = {(0, 1), (1, 2), (0, 3), (2, 3), (1, 3)}
    assert _pairs(blocking.dedupe_pairs(table, (rule,))) == expected
    for split in range(1, 5):
        crossing = {(a, b) for a, b in expected if a < split <= b}
        assert _pairs(blocking.link_pairs(table, split, (rule,))) == crossing
    with pytest.raises(ValueError, match="no scan order"):
        blocking.rule_pairs(table, rule, 10)


def test_patterns_built_chunk_by_chunk_are_those_of_the_whole_matrix(table):
    model = pipeline.fit(table)
    i, j = blocking.dedupe_pairs(table)
    whole = Patterns.of(gamma_matrix(table, model.comparisons, i, j))
    chunked = Patterns.of_pairs(table, model.comparisons, i, j, 37)
    assert len(i) > 37 * 10
    assert chunked.gammas == whole.gammas  # in order of first occurrence, as one matrix
    assert chunked.counts == whole.counts
    assert np.array_equal(chunked.of_pair, whole.of_pair)


def test_scores_do_not_depend_on_the_number_of_scoring_processes(table, monkeypatch):
    model = pipeline.fit(table)
    i, j = blocking.dedupe_pairs(table)
    monkeypatch.setattr(pipeline, "SCORE_CHUNK", 101)
    alone = pipeline.score_pairs(model, table, i, j, workers=1)
    for workers in (2, 3):
        assert np.array_equal(pipeline.score_pairs(model, table, i, j, workers=workers), alone)
    assert len(i) > 101 * 6


def test_a_failing_scoring_process_fails_the_run(table, monkeypatch):
    model = pipeline.fit(table)
    i, j = blocking.dedupe_pairs(table)
    parent, chunk_scores = os.getpid(), pipeline._chunk_scores

    def fails_in_a_child(*args: Any) -> np.ndarray:
        if os.getpid() != parent:
            raise MemoryError("no room")
        return chunk_scores(*args)

    monkeypatch.setattr(pipeline, "SCORE_CHUNK", 101)
    monkeypatch.setattr(pipeline, "_chunk_scores", fails_in_a_child)
    with pytest.raises(RuntimeError, match="a scoring process failed: MemoryError: no room"):
        pipeline.score_pairs(model, table, i, j, workers=2)


def test_only_big_runs_in_a_single_threaded_process_score_in_parallel(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert pipeline.scoring_workers(pipeline.PARALLEL_MIN_PAIRS - 1) == 1
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert pipeline.scoring_workers(pipeline.PARALLEL_MIN_PAIRS) == 2
    monkeypatch.setattr(threading, "active_count", lambda: 3)  # a threaded server: no fork
    assert pipeline.scoring_workers(pipeline.PARALLEL_MIN_PAIRS) == 1


def test_the_progress_bar_leaves_the_process_single_threaded_so_scoring_can_fork():
    # ``casework match`` over the database shows a bar while normalizing; tqdm's monitor
    # thread would make scoring_workers refuse to fork. A fresh interpreter, since pytest's
    # own workers run threads.
    code = (
        "import io, sys, threading\n"
        "from casework.clients.matching import pipeline\n"
        "from casework.clients.matching.records import Person\n"
        "people = [Person(id=str(n), first_name='Ann', last_name='Lee') for n in range(3)]\n"
        "pipeline.PROGRESS_MIN_RECORDS = 1\n"
        "bar = io.StringIO()\n"
        "pipeline.to_features(people, bar)\n"
        "assert 'normalizing' in bar.getvalue(), bar.getvalue()\n"
        "print(threading.active_count())\n"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"


def test_phone_codes_are_equal_exactly_when_the_phone_values_are():
    rng = random.Random(5)
    raws = [
        *TRICKY,
        "(518) 555-0134",
        "518.555.0134",
        "+1 518 555 0134",
        "5550134",
        "555013",
        "1-555-0134",
        "0000000",
        "1111111111",
        "11111111112",
        "21111111111",
        "2111111111",
        "3111111111 1",
        "x" * 45 + "5550134",
        "5" * 45,
        "١٢٣٤٥٦٧٨",
        "12345678\x00",
        *(
            "".join(rng.choice("0123456789 -().") for _ in range(rng.randint(0, 16)))
            for _ in range(3000)
        ),
    ]
    codes = table_module._phone7_codes(raws).tolist()
    values = [normalize.phone_value(raw)[-7:] for raw in raws]
    assert [code == 0 for code in codes] == [value == "" for value in values]
    first_code: dict[str, int] = {}
    for code, value in zip(codes, values, strict=True):
        assert first_code.setdefault(value, code) == code
    assert len(set(codes)) == len(set(values))
    assert table_module._phone7_codes([]).tolist() == []
    assert table_module._phone7_codes(["", ""]).tolist() == [0, 0]

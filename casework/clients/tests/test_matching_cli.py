"""`casework match` through the command line, and intake candidate search on the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework.audit.models import AuditEvent
from casework.clients.intake_search import find_candidates
from casework.clients.matching.csvio import write_people
from casework.clients.matching.intake import one_keystroke_dates
from casework.clients.matching.records import FIELDS, Person
from casework.clients.matching.synth import generate
from casework.clients.models import Client

HEADER = ",".join(FIELDS)


def write_csv(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("match", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def read_pairs(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def people_csv(tmp_path):
    data = generate(1500, seed=5)
    path = tmp_path / "people.csv"
    write_people(path, data.people)
    return path, data


def test_match_one_file_writes_sorted_pairs_at_or_above_threshold(people_csv, tmp_path):
    path, data = people_csv
    output = tmp_path / "pairs.csv"
    run(str(path), "--output", str(output), "--threshold", "0.7")
    rows = read_pairs(output.read_text())
    assert rows[0] == ["id_a", "id_b", "score"]
    scores = [float(score) for _, _, score in rows[1:]]
    assert scores, "expected some duplicate pairs"
    assert scores == sorted(scores, reverse=True)
    assert all(0.7 <= s <= 1 for s in scores)
    assert all(a < b for a, b, _ in rows[1:])
    truth = data.true_pairs()
    found = {(a, b) for a, b, _ in rows[1:]}
    assert len(found & truth) / len(found) > 0.9


def test_match_two_files_links_left_to_right(tmp_path):
    left = write_csv(
        tmp_path / "a.csv",
        "a1,Robert,Okafor,1971-02-03,M,,,,,,,,",
        "a2,Maria,Lopez,1990-06-11,F,,,,,,,,",
    )
    right = write_csv(
        tmp_path / "b.csv",
        "b1,Bob,Okafor,1971-03-02,M,,,,,,,,",
        "b2,Marie,Lopes,1990-06-11,F,,,,,,,,",
        "b3,Chen,Wu,2001-01-01,F,,,,,,,,",
    )
    rows = read_pairs(run(str(left), str(right)))
    assert rows[0] == ["id_a", "id_b", "score"]
    assert {(a, b) for a, b, _ in rows[1:]} == {("a1", "b1"), ("a2", "b2")}


def test_missing_columns_are_allowed_but_id_is_required(tmp_path):
    fine = write_csv(
        tmp_path / "few.csv",
        "1,Ann,Lee,1980-01-02",
        "2,Anne,Lee,1980-01-02",
        header="id,first_name,last_name,dob",
    )
    rows = read_pairs(run(str(fine)))
    assert [r[:2] for r in rows[1:]] == [["1", "2"]]
    no_id = write_csv(tmp_path / "noid.csv", "Ann,Lee", header="first_name,last_name")
    with pytest.raises(CommandError, match=r"noid\.csv, row 1 \(header\).*'id'"):
        run(str(no_id))


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("7,Ann,Lee,1980-13-02,F,,,,,,,,", r"row 3, column 'dob': '1980-13-02' is not a date"),
        ("7,Ann,Lee,02.01.1980,F,,,,,,,,", r"row 3, column 'dob': '02.01.1980' is not a date in"),
        ("7,Ann,Lee,2999-01-01,F,,,,,,,,", r"row 3, column 'dob': '2999-01-01' is in the future"),
        ("7,Ann,Lee", r"row 3: 3 fields, expected 13$"),
        (",Ann,Lee,1980-01-02,F,,,,,,,,", r"row 3, column 'id': id is empty$"),
        ("1,Ann,Lee,1980-01-02,F,,,,,,,,", r"row 3, column 'id': '1' appears twice$"),
        ("7,Ann,Lee,1980-01-02,F,,,,,,,,12A4", r"row 3, column 'postcode': '12A4' is not"),
        ("7,An\x07n,Lee,1980-01-02,F,,,,,,,,", r"row 3, column 'first_name': 'An\\x07n' contains"),
    ],
)
def test_strict_refuses_the_file_at_its_first_unusable_value(tmp_path, row, message):
    path = write_csv(tmp_path / "bad.csv", "1,Ann,Lee,1980-01-02,F,,,,,,,,", row)
    with pytest.raises(CommandError, match=r"bad\.csv, " + message):
        run(str(path), "--strict")
    run(str(path))  # without --strict the same file is matched


def test_unreadable_inputs_fail_clearly(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        run(str(tmp_path / "absent.csv"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00id")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(str(binary))
    with pytest.raises(CommandError, match="at most two"):
        run("a.csv", "b.csv", "c.csv")
    with pytest.raises(CommandError, match="between 0 and 1"):
        run(str(binary), "--threshold", "2")


def test_save_model_then_reuse_it_gives_the_same_pairs(people_csv, tmp_path):
    path, _ = people_csv
    model = tmp_path / "model.json"
    first = run(str(path), "--save-model", str(model))
    assert model.exists()
    assert run(str(path), "--model", str(model)) == first
    broken = tmp_path / "broken.json"
    broken.write_text("{}")
    with pytest.raises(CommandError, match="not a usable model file"):
        run(str(path), "--model", str(broken))


def test_runs_are_deterministic(people_csv):
    path, _ = people_csv
    assert run(str(path)) == run(str(path))


# --- the database --------------------------------------------------------------------------


@pytest.fixture
def twins_and_a_duplicate(make_client, intake_health):
    def add(**fields):
        return make_client("healthcare", actor=intake_health, **fields)

    base = {"date_of_birth": dt.date(1988, 4, 9), "city": "Albany", "phone": "518-555-0199"}
    katherine = add(given_name="Katherine", family_name="Okafor", **base)
    kathy = add(given_name="Kathy", family_name="Okafor", **base)
    twin = add(given_name="Josephine", family_name="Okafor", **base)
    other = add(given_name="Wei", family_name="Chen", date_of_birth=dt.date(1950, 1, 1))
    return katherine, kathy, twin, other


@pytest.mark.django_db
def test_match_without_files_scans_the_database_and_audits_the_read(twins_and_a_duplicate):
    katherine, kathy, twin, _ = twins_and_a_duplicate
    rows = read_pairs(run("--threshold", "0.5"))
    found = {tuple(sorted((a, b))) for a, b, _ in rows[1:]}
    assert tuple(sorted((str(katherine.pk), str(kathy.pk)))) in found
    assert not any(str(twin.pk) in pair for pair in found), "a twin is not a duplicate"
    assert AuditEvent.objects.filter(
        target_type="client_match_run", organization_id=katherine.organization_id
    ).exists()


@pytest.mark.django_db
def test_match_without_files_fills_the_review_queue_once(twins_and_a_duplicate):
    from casework.clients.models import DuplicateCandidate

    katherine, kathy, _, _ = twins_and_a_duplicate
    run("--threshold", "0.5")
    run("--threshold", "0.5")
    queued = DuplicateCandidate.objects.get(
        client_a=min(katherine.pk, kathy.pk), client_b=max(katherine.pk, kathy.pk)
    )
    assert queued.reasons
    assert DuplicateCandidate.objects.count() == len(
        {(c.client_a_id, c.client_b_id) for c in DuplicateCandidate.objects.all()}
    )


@pytest.mark.django_db
def test_intake_search_ranks_the_existing_person_first_with_reasons(twins_and_a_duplicate):
    katherine, kathy, twin, _ = twins_and_a_duplicate
    incoming = Person(id="new", first_name="Cathy", last_name="Okafor", dob=dt.date(1988, 9, 4))
    found = find_candidates(incoming, clients=Client.objects.all(), k=3)
    assert {c.client_id for c in found[:2]} == {katherine.pk, kathy.pk}
    assert found[0].possible_duplicate
    assert "first name is a known nickname" in found[0].reasons
    assert "date of birth has day and month swapped" in found[0].reasons
    assert all(c.client_id != twin.pk or not c.possible_duplicate for c in found)


@pytest.mark.django_db
def test_intake_search_does_not_alert_for_a_new_person(twins_and_a_duplicate):
    incoming = Person(id="new", first_name="Marcus", last_name="Bell", dob=dt.date(1988, 4, 9))
    found = find_candidates(incoming, clients=Client.objects.all())
    assert not any(c.possible_duplicate for c in found)


@pytest.mark.django_db
def test_intake_search_only_looks_inside_the_queryset_it_is_given(twins_and_a_duplicate):
    incoming = Person(id="new", first_name="Katherine", last_name="Okafor", dob=dt.date(1988, 4, 9))
    assert find_candidates(incoming, clients=Client.objects.none()) == []


def test_one_keystroke_dates_are_real_dates_one_edit_away():
    dates = one_keystroke_dates(dt.date(1988, 4, 9))
    assert dt.date(1988, 4, 19) in dates
    assert dt.date(1989, 4, 9) in dates
    assert dt.date(1988, 4, 9) not in dates
    assert all(d.year >= 1900 for d in dates)

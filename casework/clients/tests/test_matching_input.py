"""Messy matcher input (issue 11): unusable values are missing data, not a refused file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from casework.clients.matching import cleaning
from casework.clients.matching.csvio import ALIASES, InputError, read_file
from casework.clients.matching.records import FIELDS, Person

HEADER = ",".join(FIELDS)
GOOD = "1,Ann,Lee,1980-01-02,F,,555-201-3344,12,Main St,,Albany,NY,12207"


def write(path: Path, *rows: str, header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def match(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("match", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# (row after GOOD, column left blank, why): one kind of unusable value each.
BAD_VALUES = [
    ("2,Bo,Lee,1985-11-31,M,,,,,,,,", "dob", "is not a date on the calendar"),
    ("2,Bo,Lee,1985-02-29,M,,,,,,,,", "dob", "is not a date on the calendar"),
    ("2,Bo,Lee,9027-03-11,M,,,,,,,,", "dob", "is in the future: not a plausible birth date"),
    ("2,Bo,Lee,1850-01-01,M,,,,,,,,", "dob", "is before 1900: not a plausible birth date"),
    ("2,Bo,Lee,unknown,M,,,,,,,,", "dob", "is not a date in YYYY-MM-DD"),
    ("2,Bo,Lee,1980-01-02,M,,,,,,,,12A07", "postcode", "is not a 5-digit ZIP code"),
    ("2,Bo,Lee,1980-01-02,M,,,,,,,,123", "postcode", "is not a 5-digit ZIP code"),
    ("2,Bo,Lee,1980-01-02,M,,,,,,,,00000", "postcode", "is a placeholder postcode"),
    ("2,B\x00o,Lee,1980-01-02,M,,,,,,,,", "first_name", "contains control characters"),
    ("2,Bo,Le\x1be,1980-01-02,M,,,,,,,,", "last_name", "contains control characters"),
    ("2,Bo,Lee,1980-01-02,M,,,,Ma\x0cin,,,,", "address_1", "contains control characters"),
    ("2,Bo," + "L" * 201 + ",1980-01-02,M,,,,,,,,", "last_name", "is longer than 200"),
    ("2,Baby Boy,Lee,1980-01-02,M,,,,,,,,", "first_name", "is a placeholder, not a name"),
    ("2,Bo,Unknown,1980-01-02,M,,,,,,,,", "last_name", "is a placeholder, not a name"),
]


@pytest.mark.parametrize(
    ("value", "first", "last"),
    [
        ("Lady of the House", True, False),
        ("Friend", True, False),
        ("Declined", True, True),
        ("Son", True, False),  # a Korean family name
        ("Child", True, False),  # an English one
        ("Sonia", False, False),
        ("De La Cruz", False, False),
        ("J", False, False),  # an initial
        ("Babyface", False, False),
    ],
)
def test_placeholder_names(value, first, last):
    assert (cleaning.name_problem(value) is not None) is first
    assert (cleaning.family_name_problem(value) is not None) is last


@pytest.mark.parametrize(("row", "column", "why"), BAD_VALUES)
def test_each_kind_of_unusable_value_is_blanked_for_that_field_only(tmp_path, row, column, why):
    result = read_file(write(tmp_path / "in.csv", GOOD, row))
    people = result.people.people()
    assert [p.id for p in people] == ["1", "2"]
    bo = people[1]
    assert (bo.dob if column == "dob" else getattr(bo, column)) in ("", None)
    assert bo.sex == "M", "the rest of the row is kept"
    (problem,) = result.problems
    assert (problem.row, problem.column) == ("3", column)
    assert problem.why.startswith(why)
    assert "\x00" not in problem.value
    assert "\x1b" not in problem.value
    assert people[0] == Person(
        id="1",
        first_name="Ann",
        last_name="Lee",
        dob=dt.date(1980, 1, 2),
        sex="F",
        phone="555-201-3344",
        street_number="12",
        address_1="Main St",
        city="Albany",
        state="NY",
        postcode="12207",
    )


@pytest.mark.parametrize(("row", "column", "why"), BAD_VALUES)
def test_strict_reading_refuses_each_of_them(tmp_path, row, column, why):
    with pytest.raises(InputError, match=rf"row 3, column '{column}': '.*' {why[:20]}"):
        read_file(write(tmp_path / "in.csv", GOOD, row), strict=True)


def test_rows_that_cannot_be_read_are_skipped_and_reported(tmp_path):
    path = write(
        tmp_path / "rows.csv",
        GOOD,
        "2,Bo,Lee",  # too few fields
        ",Cy,Lee,1980-01-02,M,,,,,,,,",  # no id
        "1,Di,Lee,1980-01-02,F,,,,,,,,",  # id seen before
        ",,,,,,,,,,,,",  # blank: skipped silently
        "5,Ed,Lee,1980-01-02,M,,,,,,,,",
    )
    result = read_file(path)
    assert result.people.columns["id"] == ["1", "5"]
    assert result.people.columns["first_name"] == ["Ann", "Ed"]
    rows = [(p.row, p.column, p.why) for p in result.problems]
    assert rows == [
        ("3", "", "3 fields, expected 13; row skipped"),
        ("4", "id", "id is empty; row skipped"),
        ("5", "id", "appears twice; row skipped (the first row with it is kept)"),
    ]


def test_other_date_forms_are_read(tmp_path):
    path = write(tmp_path / "d.csv", "1,19800102", "2,01/02/1980", "3,1980-1-2", header="id,dob")
    result = read_file(path)
    assert result.people.dates == [dt.date(1980, 1, 2)] * 3
    assert result.problems == []


def test_command_counts_reports_and_still_matches(tmp_path):
    path = write(
        tmp_path / "in.csv",
        GOOD,
        "2,Anne,Lee,1980-02-30,F,,555-201-3344,12,Main St,,Albany,NY,12207",
        "3,Bo,Chen,9027-03-11,M,,,,,,,,",
        "4,Cy,Chen,1985-11-31,M,,,,,,,,1234X",
    )
    report = tmp_path / "report.csv"
    out, err = match(str(path), "--report", str(report))
    pairs = list(csv.reader(io.StringIO(out)))
    assert [row[:2] for row in pairs[1:]] == [["1", "2"]], "found despite the bad birth date"
    assert "4 unusable value(s) treated as missing" in err
    assert "3 x dob: is not a date on the calendar" not in err
    assert "2 x dob: is not a date on the calendar" in err
    assert "1 x postcode: is not a 5-digit ZIP code" in err
    assert "model: the shipped default model" in err
    with report.open(encoding="utf-8", newline="") as handle:
        listed = list(csv.DictReader(handle))
    assert [(r["row"], r["column"], r["value"]) for r in listed] == [
        ("5", "postcode", "1234X"),
        ("3", "dob", "1980-02-30"),
        ("4", "dob", "9027-03-11"),
        ("5", "dob", "1985-11-31"),
    ]
    assert {r["file"] for r in listed} == {str(path)}
    with pytest.raises(CommandError, match=r"row 3, column 'dob': '1980-02-30' is not a date"):
        match(str(path), "--strict")


def test_command_with_clean_input_says_so_and_writes_an_empty_report(tmp_path):
    path = write(tmp_path / "in.csv", GOOD)
    report = tmp_path / "report.csv"
    _, err = match(str(path), "--report", str(report))
    assert "no unusable values" in err
    assert report.read_text(encoding="utf-8").splitlines() == [",".join(cleaning.REPORT_COLUMNS)]


def test_common_column_names_are_mapped_and_the_mapping_printed(tmp_path):
    canonical = write(
        tmp_path / "a.csv",
        "1,Ann,Lee,1980-01-02,12207",
        "2,Anne,Lee,1980-01-02,12207",
        header="id,first_name,last_name,dob,postcode",
    )
    other = write(
        tmp_path / "b.csv",
        "1,Ann,Lee,1980-01-02,12207",
        "2,Anne,Lee,1980-01-02,12207",
        header="Rec_ID,Given Name,surname,date-of-birth,ZIP",
    )
    out, err = match(str(other))
    assert out == match(str(canonical))[0]
    assert (
        "columns read as Rec_ID -> id, Given Name -> first_name, surname -> last_name, "
        "date-of-birth -> dob, ZIP -> postcode"
    ) in err
    for alias in ("dob", "date_of_birth", "birth_date", "zip", "zipcode", "postcode"):
        assert alias in FIELDS or any(alias in names for names in ALIASES.values())


def test_an_unknown_column_is_an_error_listing_the_known_ones(tmp_path):
    path = write(tmp_path / "u.csv", "1,Ann,x", header="id,first_name,favourite_colour")
    with pytest.raises(CommandError) as error:
        match(str(path))
    text = str(error.value)
    assert "unknown column(s) 'favourite_colour'" in text
    assert "dob (date_of_birth, birth_date" in text
    assert "postcode (zip, zipcode" in text
    twice = write(tmp_path / "t.csv", "1,1980-01-02,1980-01-02", header="id,dob,birth_date")
    with pytest.raises(CommandError, match=r"each once \(repeated: dob\)"):
        match(str(twice))


def test_clean_people_checks_database_values_the_same_way():
    people = [
        Person(id="7", first_name="Ann\x07", dob=dt.date(1850, 1, 1), postcode="1"),
        Person(id="8", first_name="Bo", dob=dt.date(1980, 1, 2), postcode="12207"),
    ]
    cleaned, problems = cleaning.clean_people(people, dt.date(2026, 1, 1))
    assert cleaned[0] == Person(id="7")
    assert cleaned[1] is people[1]
    assert [(p.row, p.column) for p in problems] == [
        ("client 7", "first_name"),
        ("client 7", "postcode"),
        ("client 7", "dob"),
    ]
    later = cleaning.clean_people([Person(id="9", dob=dt.date(2026, 1, 2))], dt.date(2026, 1, 1))
    assert later[1][0].why.startswith("is in the future")


def test_file_runs_skip_django_and_print_what_the_command_prints(tmp_path, monkeypatch, capsys):
    import django.core.management

    from casework import cli

    path = write(
        tmp_path / "in.csv", GOOD, "2,Anne,Lee,1980-01-02,F,,,,,,,,", "3,Bo,Chen,1985-11-31"
    )
    expected_out, expected_err = match(str(path), "--report", str(tmp_path / "r1.csv"))

    def no_django(argv: list[str]) -> None:
        raise AssertionError("a file run must not set Django up")

    monkeypatch.setattr(django.core.management, "execute_from_command_line", no_django)
    with pytest.raises(SystemExit) as done:
        cli.main(["casework", "match", str(path), "--report", str(tmp_path / "r2.csv")])
    assert done.value.code == 0
    out, err = capsys.readouterr()
    assert out == expected_out
    assert err.replace(str(tmp_path / "r2.csv"), "R") == expected_err.replace(
        str(tmp_path / "r1.csv"), "R"
    )
    assert (tmp_path / "r1.csv").read_text() == (tmp_path / "r2.csv").read_text()
    with pytest.raises(SystemExit) as done:
        cli.main(["casework", "match", str(path), "--threshold", "7"])
    assert done.value.code == 1
    assert "CommandError: --threshold must be between 0 and 1." in capsys.readouterr().err


def test_only_plain_file_runs_take_the_quick_path():
    from casework.clients.matching.cli import file_run_requested

    assert file_run_requested(["a.csv", "b.csv", "--threshold", "0.7", "--strict"])
    assert not file_run_requested([])  # the database
    assert not file_run_requested(["--reviewer", "x@example.org"])
    assert not file_run_requested(["a.csv", "--help"])
    assert not file_run_requested(["a.csv", "--settings", "other"])
    assert not file_run_requested(["a.csv", "--threshold", "many"])

"""``casework import-clients``: checked row by row, dry run by default, no duplicates (issue 3)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.audit.models import AuditEvent
from casework.clients.models import Client, ClientIdentifier

HEADER = "given_name,family_name,date_of_birth,sex,phone,email,city,state,external_id\n"
GOOD = (
    HEADER
    + "Ada,Lovelace,1945-12-10,Female,555-0111,ada@example.org,Albany,NY,A-1\n"
    + "Alan,Turing,1912-06-23,1,,,Troy,ny,A-2\n"
    + "Grace,Hopper,,,,,,,\n"
)


def write(tmp_path: Path, content: str | bytes, name: str = "people.csv") -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_clients", *args, "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_commit_it_is_a_dry_run(tmp_path, programs, intake_health):
    out, _ = run(write(tmp_path, GOOD), "--program", str(programs["healthcare"].pk))
    assert "3 new" in out
    assert "Dry run" in out
    assert not Client.objects.exists()


def test_commit_creates_enrolls_and_keeps_the_agency_id(tmp_path, programs, intake_health):
    out, _ = run(
        write(tmp_path, GOOD),
        "--program",
        "Care Transitions",
        "--commit",
        "--actor",
        intake_health.email,
    )
    assert "Imported 3 client(s)" in out
    ada = Client.objects.get(family_name="Lovelace")
    assert ada.sex == 0
    assert ada.enrollments.get().program == programs["healthcare"]
    assert ClientIdentifier.objects.get(client=ada).value == "A-1"
    assert Client.objects.get(family_name="Turing").state == "NY"
    assert AuditEvent.objects.filter(target_type="client_import").exists()


def test_rerunning_the_same_file_creates_no_duplicates(tmp_path, programs, intake_health):
    path = write(tmp_path, GOOD)
    args = (path, "--program", "Care Transitions", "--commit", "--actor", intake_health.email)
    run(*args)
    out, _ = run(*args)
    # Ada and Alan by their agency id; Grace (no id, no birth date) by name alone.
    assert "0 new, 3 already on file" in out
    assert Client.objects.count() == 3
    assert ClientIdentifier.objects.count() == 2


def test_a_person_without_an_agency_id_matches_on_name_and_birth_date(
    tmp_path, programs, intake_health
):
    content = HEADER + "Ada,Lovelace,1945-12-10,,,,,,\n"
    args = ("--program", "Care Transitions", "--commit", "--actor", intake_health.email)
    run(write(tmp_path, content), *args)
    out, _ = run(write(tmp_path, content.replace("Ada,", "ADA,"), "again.csv"), *args)
    assert "1 already on file" in out
    assert Client.objects.count() == 1


def test_bad_rows_are_named_by_line_and_field_and_nothing_is_saved(
    tmp_path, programs, intake_health
):
    content = (
        HEADER
        + "Ada,Lovelace,1945-12-10,,,,,,A-1\n"
        + "Future,Kid,2999-01-01,,,,,,\n"
        + "Feb,Thirty,2026-02-30,,,,,,\n"
        + "Bad,Sex,,7,,,,,\n"
        + "Bad,Email,,,,not-an-email,,,\n"
        + ",Nameless,,,,,,,\n"
        + "Too,Many,,,,,,,,extra\n"
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(
            write(tmp_path, content),
            "--program",
            "Care Transitions",
            "--commit",
            "--actor",
            intake_health.email,
        )
    assert not Client.objects.exists()


def test_the_report_lists_every_bad_row(tmp_path, programs):
    content = HEADER + "Future,Kid,2999-01-01,,,,,,\nFeb,Thirty,2026-02-30,,,,,,\n,X,,,,,,,\n"
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_clients",
            write(tmp_path, content),
            "--program",
            "Care Transitions",
            stdout=StringIO(),
            stderr=err,
        )
    report = err.getvalue()
    assert "Line 2, date_of_birth: Date of birth cannot be in the future." in report
    assert "Line 3, date_of_birth: '2026-02-30' is not a real date" in report
    assert "Line 4, given_name" in report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"given_name,family_name\n\xff\xfeAda,Lovelace\n", "not UTF-8"),
        ("Ada,Lovelace\n", "Unknown column"),
        ("given_name,city\nAda,Albany\n", "missing: family_name"),
        ("", "empty"),
        (HEADER, "no data rows"),
        ('given_name,family_name\n"Ada,Lovelace\n', "malformed"),
    ],
)
def test_malformed_files_get_a_clear_error(tmp_path, programs, content, message):
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, content), "--program", "Care Transitions")


def test_commit_needs_an_actor_and_a_real_program(tmp_path, programs):
    path = write(tmp_path, GOOD)
    with pytest.raises(CommandError, match="--actor"):
        run(path, "--program", "Care Transitions", "--commit")
    with pytest.raises(CommandError, match="No single program"):
        run(path, "--program", "Nope")


def test_an_actor_who_may_not_write_in_the_program_imports_nothing(
    tmp_path, programs, cm_mental_health
):
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(
            write(tmp_path, GOOD),
            "--program",
            "Care Transitions",
            "--commit",
            "--actor",
            cm_mental_health.email,
        )
    assert not Client.objects.exists()


# --- Issue 9: limits before parsing, set-based checks, control characters -------------------


def test_too_many_lines_are_refused_before_any_parsing(programs, monkeypatch):
    from casework.clients import importing

    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(importing.csv, "reader", no_parsing)
    raw = (HEADER + "A,B,,,,,,,\n" * (importing.MAX_ROWS + 1_500)).encode()
    with pytest.raises(importing.ImportFileError, match="More than 20000 rows"):
        importing.import_parse(raw, program=programs["healthcare"], max_bytes=len(raw))


def test_checking_a_file_costs_a_few_queries_not_one_per_row(
    programs, intake_health, django_assert_max_num_queries
):
    from casework.clients.importing import import_parse

    rows = "".join(f"Given{n},Family{n},1980-01-{n % 28 + 1:02d},,,,,,X-{n}\n" for n in range(300))
    raw = (HEADER + rows + "Ada,Lovelace,1945-12-10,Female,,,,,\n").encode()
    Client.objects.create(
        organization=programs["healthcare"].organization,
        given_name="Ada",
        family_name="Lovelace",
        date_of_birth="1945-12-10",
    )
    with django_assert_max_num_queries(6):
        plan = import_parse(raw, program=programs["healthcare"], max_bytes=len(raw))
    assert len(plan.to_create) == 300
    assert len(plan.existing) == 1


def test_a_nul_is_a_row_error_not_a_broken_file(programs):
    from casework.clients.importing import describe_errors, import_parse

    raw = (HEADER + "Ada,Love\x00lace,,,,,,,\n" + "Alan,Turing,,,,,,,\n").encode()
    plan = import_parse(raw, program=programs["healthcare"], max_bytes=len(raw))
    assert len(plan.to_create) == 1
    (line,) = describe_errors(plan)
    assert line.startswith("Line 2, family_name: Contains a control character (code U+0000")

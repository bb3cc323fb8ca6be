"""HSDS 3.0 import and export: the shared examples import, round trips lose nothing,
broken files are refused with located errors and nothing written."""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from casework.interop.hsds import MODELS, _export_rows, export_path, import_path
from casework.interop.hsds_schema import tables
from casework.resources.models import Service

EXAMPLES = Path(__file__).resolve().parents[3].parent / "shared/standards/hsds/v3.0/examples"
if not EXAMPLES.exists():  # the worktree layout: /work/wt/<helper>/
    EXAMPLES = Path("/work/shared/standards/hsds/v3.0/examples")
CSV_DIR = EXAMPLES / "csv"
JSON_DIR = EXAMPLES / "json"
pytestmark = pytest.mark.django_db


def _everything() -> dict[str, list[dict[str, object]]]:
    return {table: _export_rows(table) for table in MODELS}


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    shutil.copytree(CSV_DIR, folder)
    return folder


def test_every_hsds_table_has_a_model_with_exactly_its_fields() -> None:
    for name, spec in tables().items():
        columns = {f.column for f in MODELS[name]._meta.concrete_fields}
        assert set(spec.fields) <= columns, name


def test_the_example_data_package_imports_cleanly() -> None:
    result = import_path(CSV_DIR)
    assert result.problems == []
    assert result.counts["service"] == 1
    assert Service.objects.count() == 1
    for table in tables():
        assert MODELS[table]._default_manager.count() == 1, table


def test_every_example_json_document_imports_cleanly() -> None:
    import_path(CSV_DIR)
    result = import_path(JSON_DIR)
    assert result.problems == []
    assert result.counts["service"] >= 1


def test_a_zipped_package_imports_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "dir.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in CSV_DIR.iterdir():
            zipped.write(file, f"hsds/{file.name}")
    assert import_path(archive).ok
    assert Service.objects.count() == 1


def test_import_export_reimport_loses_nothing(tmp_path: Path) -> None:
    assert import_path(CSV_DIR).ok
    assert import_path(JSON_DIR).ok
    before = _everything()
    out = tmp_path / "export"
    exported = export_path(out)
    assert exported.problems == []
    for model in reversed(list(MODELS.values())):
        model._default_manager.all().delete()
    assert import_path(out).ok
    assert _everything() == before


def test_export_to_a_zip_reimports(tmp_path: Path) -> None:
    import_path(CSV_DIR)
    assert export_path(tmp_path / "d.zip").ok
    assert import_path(tmp_path / "d.zip").ok


def test_reimport_updates_rows_in_place(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    assert import_path(folder).ok
    path = folder / "services.csv"
    rows = list(csv.DictReader(path.open()))
    rows[0]["name"] = "Renamed counselling"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert import_path(folder).ok
    assert list(Service.objects.values_list("name", flat=True)) == ["Renamed counselling"]


def _break(folder: Path, file: str, column: str, value: str) -> None:
    path = folder / file
    rows = list(csv.DictReader(path.open()))
    rows[0][column] = value
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def test_broken_files_are_refused_with_located_errors_and_nothing_written(
    tmp_path: Path,
) -> None:
    folder = _copy(tmp_path)
    _break(folder, "services.csv", "status", "open")
    _break(folder, "locations.csv", "latitude", "north")
    _break(folder, "addresses.csv", "city", "")
    _break(folder, "phones.csv", "service_id", "not-a-uuid")
    result = import_path(folder)
    located = {(p.file, p.row, p.field) for p in result.problems}
    assert ("services.csv", "2", "status") in located
    assert ("locations.csv", "2", "latitude") in located
    assert ("addresses.csv", "2", "city") in located
    assert ("phones.csv", "2", "service_id") in located
    assert all(MODELS[t]._default_manager.count() == 0 for t in MODELS)


def test_a_bad_json_document_is_refused_with_its_pointer(tmp_path: Path) -> None:
    document = json.loads((JSON_DIR / "service_full.json").read_text())
    document["status"] = "open"
    del document["phones"][0]["number"]
    path = tmp_path / "service_full.json"
    path.write_text(json.dumps(document))
    result = import_path(path)
    located = {(p.row, p.field) for p in result.problems}
    assert ("/", "status") in located or ("", "status") in located, result.problems
    assert any(p.field == "number" and "phones/0" in p.row for p in result.problems)
    assert Service.objects.count() == 0


def test_the_command_imports_and_exports(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("hsds", "import", str(CSV_DIR), stdout=out)
    assert "service: 1" in out.getvalue()
    call_command("hsds", "export", str(tmp_path / "x"), stdout=io.StringIO())
    assert (tmp_path / "x" / "datapackage.json").exists()


def test_the_command_refuses_a_broken_package_and_names_the_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _break(folder, "services.csv", "name", "")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("hsds", "import", str(folder), stderr=err)
    assert "services.csv, row 2, field name" in err.getvalue()


def test_an_import_refreshes_the_planner_statistics_on_postgresql() -> None:
    """Right after a bulk load PostgreSQL's statistics say the tables are empty, and the
    search's plans are slow until autovacuum runs; the import analyzes them at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert import_path(CSV_DIR).ok
    analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert len(analyzed) == 1
        assert '"resources_service"' in analyzed[0]
    else:
        assert analyzed == []

"""HSDS 3.0 import and export of the resource directory (``casework hsds import|export``).

Import: read (``hsds_read``), check every row against the HSDS JSON Schemas and the tabular
package's required fields and foreign keys, and only if nothing is wrong write every row in
one transaction, inserting new ids and updating existing ones in place. Every problem is
reported with its file, row and field; on any problem nothing is written.

Export: every directory row as the tabular data package (CSV files and the upstream
``datapackage.json``), checked with the same rules before anything is written.
"""

from __future__ import annotations

import csv
import datetime
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.dateparse import parse_date, parse_datetime

from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.interop.hsds_read import Dataset, Row, read
from casework.interop.hsds_schema import DATA_DIR, Problem, schema_problems, tables
from casework.resources import models as directory
from casework.resources.maintenance import refresh_statistics

MODELS: dict[str, type[models.Model]] = {
    "organization": directory.Organization,
    "program": directory.Program,
    "service": directory.Service,
    "attribute": directory.Attribute,
    "service_at_location": directory.ServiceAtLocation,
    "location": directory.Location,
    "phone": directory.Phone,
    "contact": directory.Contact,
    "address": directory.Address,
    "schedule": directory.Schedule,
    "funding": directory.Funding,
    "service_area": directory.ServiceArea,
    "required_document": directory.RequiredDocument,
    "language": directory.Language,
    "accessibility": directory.Accessibility,
    "taxonomy_term": directory.TaxonomyTerm,
    "metadata": directory.Metadata,
    "meta_table_description": directory.MetaTableDescription,
    "cost_option": directory.CostOption,
    "organization_identifier": directory.OrganizationIdentifier,
    "taxonomy": directory.Taxonomy,
}
BATCH = 2000
Progress = Callable[[int], None]


@dataclass
class Result:
    """What an import or export did: rows per table, or the problems that stopped it."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: references to objects the data does not include (kept, not refused: see resources)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _columns(table: str) -> dict[str, models.Field[Any, Any]]:
    """HSDS field name -> model field (an HSDS ``x_id`` is the foreign key's column)."""
    model = MODELS[table]
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return {name: by_column[name] for name in tables()[table].fields}


def _merged(dataset: Dataset) -> dict[str, dict[str, Row]]:
    """Rows by table and id. A JSON object seen twice (in two documents) is merged; an id
    repeated in a CSV file is a problem."""
    merged: dict[str, dict[str, Row]] = {}
    for table, rows in dataset.rows.items():
        by_id = merged.setdefault(table, {})
        for row in rows:
            key = str(row.data.get("id", ""))
            seen = by_id.get(key)
            if seen is None or not key:
                by_id[key or f"{row.file}:{row.row}"] = row
            elif row.file.endswith(".csv"):
                dataset.problems.append(
                    Problem(row.file, row.row, "id", f"Repeats the id of row {seen.row}.")
                )
            else:
                by_id[key] = Row(seen.file, seen.row, seen.data | row.data)
    return merged


def _check(merged: dict[str, dict[str, Row]], warnings: list[Problem]) -> list[Problem]:
    """Schema and required fields of every row; unresolved references go to ``warnings``
    (rows already in the directory count as known)."""
    problems: list[Problem] = []
    for table, rows in merged.items():
        spec = tables()[table]
        for row in rows.values():
            problems += schema_problems(table, row.data, file=row.file, row=row.row)
            for name in sorted(spec.required - set(row.data)):
                if not any(p.row == row.row and p.field == name for p in problems):
                    problems.append(Problem(row.file, row.row, name, "This field is required."))
            warnings += _foreign_key_problems(table, row, merged)
    return problems


def _foreign_key_problems(table: str, row: Row, merged: dict[str, dict[str, Row]]) -> list[Problem]:
    problems = []
    for name, target in tables()[table].foreign_keys.items():
        value = row.data.get(name)
        if value is None or str(value) in merged.get(target, {}):
            continue
        if not MODELS[target]._default_manager.filter(pk=str(value)).exists():
            problems.append(
                Problem(
                    row.file,
                    row.row,
                    name,
                    f"No {target} with id {value} in the data (kept as given).",
                )
            )
    return problems


def _instance(table: str, data: dict[str, Any]) -> models.Model:
    model = MODELS[table]
    values: dict[str, Any] = {}
    for name, model_field in _columns(table).items():
        value = data.get(name)
        if isinstance(model_field, models.DateTimeField):
            value = parse_datetime(value.replace("Z", "+00:00")) if value else None
        elif isinstance(model_field, models.DateField):
            value = parse_date(value) if value else None
        elif isinstance(model_field, models.FloatField | models.ForeignKey):
            value = value if value is not None else None
        else:
            value = "" if value is None else str(value)
        values[model_field.attname] = value
    return model(**values)


def import_path(path: Path, *, actor: Any = None, progress: Progress | None = None) -> Result:
    """Import an HSDS dataset. Writes nothing unless every row passes every check."""
    dataset = read(path)
    if progress:
        progress(20)
    merged = _merged(dataset)
    warnings: list[Problem] = []
    problems = dataset.problems + _check(merged, warnings)
    if progress:
        progress(50)  # the writing below is one transaction: others see it only at the end
    if problems:
        return Result(problems=problems, warnings=warnings)
    counts = {table: len(rows) for table, rows in merged.items()}
    total = max(sum(counts.values()), 1)
    done = 0
    with transaction.atomic():
        for table in MODELS:
            rows = list(merged.get(table, {}).values())
            updatable = [f.attname for f in _columns(table).values() if f.attname != "id"]
            for start in range(0, len(rows), BATCH):
                batch = [_instance(table, r.data) for r in rows[start : start + BATCH]]
                MODELS[table]._default_manager.bulk_create(
                    batch, update_conflicts=True, unique_fields=["id"], update_fields=updatable
                )
                done += len(batch)
                if progress:
                    progress(min(99, 50 + done * 50 // total))
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="hsds_import",
            target_id=path.name,
            details={"rows": counts},
        )
    refresh_statistics()  # the search's plans depend on them (PostgreSQL)
    return Result(counts=counts, warnings=warnings)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _export_rows(table: str) -> list[dict[str, Any]]:
    columns = _columns(table)
    attnames = [f.attname for f in columns.values()]
    rows = []
    for values in MODELS[table]._default_manager.order_by("pk").values_list(*attnames):
        row = {
            name: _json_value(value)
            for name, value in zip(columns, values, strict=True)
            if value not in (None, "")
        }
        rows.append(row)
    return rows


def export_path(path: Path, *, actor: Any = None) -> Result:
    """Write the directory as an HSDS tabular data package: a folder, or a ``.zip``.

    Every row is checked against the HSDS schemas first; on a problem nothing is written.
    """
    result = Result()
    package: dict[str, list[dict[str, Any]]] = {}
    for table, spec in tables().items():
        rows = _export_rows(table)
        package[table] = rows
        result.counts[table] = len(rows)
        for index, row in enumerate(rows, start=2):
            result.problems += schema_problems(table, row, file=spec.path, row=str(index))
    if result.problems:
        return result
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        shutil.copy(DATA_DIR / "datapackage.json", folder / "datapackage.json")
        for table, rows in package.items():
            (folder / tables()[table].path).write_text(_csv(table, rows), encoding="utf-8")
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in sorted(folder.iterdir()):
                    archive.write(file, file.name)
        else:
            path.mkdir(parents=True, exist_ok=True)
            for file in folder.iterdir():
                shutil.copy(file, path / file.name)
    record(actor=actor, action=AuditAction.EXPORT, target_type="hsds_export", details=result.counts)
    return result


def _csv(table: str, rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(tables()[table].fields), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()

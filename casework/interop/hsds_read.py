"""Reading HSDS 3.0 data into flat, located rows (one list per HSDS table).

Accepted inputs: a tabular data package (a folder, or a zip, of CSV files with a
``datapackage.json``), an HSDS JSON document (one object such as ``service_full``, a list of
them, an API page with ``contents``, or the ``{"services.csv": [...]}`` tabular form), or a
folder of such JSON files. Nested JSON objects are flattened into their tables with the
parent's id filled in, exactly as the tabular form would hold them.

Nothing here touches the database; every problem found while reading is a located
:class:`Problem`, never an exception.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casework.interop.hsds_schema import (
    Problem,
    schema_problems,
    string_fields,
    table_for_path,
    tables,
)

# A document's top-level kind from its file name (``service_full.json``, ``location.json``).
_KINDS = (
    "service_at_location",
    "taxonomy_term",
    "taxonomy",
    "organization",
    "service",
    "location",
)
# Properties of a JSON document that hold another table's rows, and which table.
_SINGLE = {
    "organization": "organization",
    "program": "program",
    "location": "location",
    "service": "service",
    "taxonomy_term": "taxonomy_term",
    "taxonomy_detail": "taxonomy",
}
_LISTS = {
    "phones": "phone", "schedules": "schedule", "service_areas": "service_area",
    "service_at_locations": "service_at_location", "languages": "language",
    "funding": "funding", "cost_options": "cost_option", "required_documents": "required_document",
    "contacts": "contact", "attributes": "attribute", "metadata": "metadata",
    "addresses": "address", "accessibility": "accessibility", "locations": "location",
    "programs": "program", "organization_identifiers": "organization_identifier",
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    file: str
    row: str
    data: dict[str, Any]


@dataclass
class Dataset:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)

    def count(self) -> int:
        return sum(len(r) for r in self.rows.values())


def read(path: Path) -> Dataset:
    """Read ``path`` (folder, zip or JSON file) into a dataset; problems are collected."""
    dataset = Dataset()
    if not path.exists():
        dataset.problems.append(Problem(str(path), "", "", "No such file or folder."))
    elif path.is_dir():
        _read_folder(path, dataset)
    elif zipfile.is_zipfile(path):
        _read_zip(path, dataset)
    elif path.suffix.lower() == ".json":
        _read_json(path.name, path.read_bytes(), dataset)
    else:
        dataset.problems.append(
            Problem(
                path.name, "", "", "Give a folder or zip with datapackage.json, or a .json file."
            )
        )
    return dataset


def _read_folder(path: Path, dataset: Dataset) -> None:
    if (path / "datapackage.json").exists():
        files = {p.name: p.read_bytes() for p in path.iterdir() if p.suffix.lower() == ".csv"}
        _read_tabular(files, dataset)
        return
    documents = sorted(path.glob("*.json"))
    if not documents:
        dataset.problems.append(
            Problem(path.name, "", "", "The folder has no datapackage.json and no .json files.")
        )
    for document in documents:
        _read_json(document.name, document.read_bytes(), dataset)


def _read_zip(path: Path, dataset: Dataset) -> None:
    with zipfile.ZipFile(path) as archive:
        names = [n for n in archive.namelist() if not n.endswith("/")]
        if not any(Path(n).name == "datapackage.json" for n in names):
            dataset.problems.append(Problem(path.name, "", "", "The zip has no datapackage.json."))
            return
        files = {Path(n).name: archive.read(n) for n in names if n.lower().endswith(".csv")}
    _read_tabular(files, dataset)


def _read_tabular(files: dict[str, bytes], dataset: Dataset) -> None:
    for name, content in sorted(files.items()):
        table = table_for_path(name)
        if table is None:
            dataset.problems.append(Problem(name, "", "", "Not a file of the HSDS 3.0 package."))
            continue
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            dataset.problems.append(Problem(name, "", "", "The file is not UTF-8 text."))
            continue
        reader = csv.DictReader(io.StringIO(text, newline=""))
        unknown = sorted(set(reader.fieldnames or []) - set(table.fields))
        for column in unknown:
            dataset.problems.append(Problem(name, "1", column, "Not a field of this HSDS table."))
        for line, raw in enumerate(reader, start=2):
            data = _typed(table.name, raw, name, str(line), dataset)
            dataset.add(table.name, Row(name, str(line), data))


def _typed(
    table: str, raw: dict[str, Any], file: str, row: str, dataset: Dataset
) -> dict[str, Any]:
    """A CSV row as JSON values: empty cells left out, numbers parsed by the field's type."""
    types = tables()[table].types
    data: dict[str, Any] = {}
    for name, value in raw.items():
        if name is None or value is None or value == "" or name not in types:
            continue
        kind = types[name]
        if kind in ("number", "integer"):
            try:
                number = float(value)
            except ValueError:
                dataset.problems.append(Problem(file, row, name, f"{value!r} is not a number."))
                continue
            data[name] = int(number) if kind == "integer" or number.is_integer() else number
        elif kind == "boolean":
            data[name] = value.strip().lower() in ("true", "1", "yes")
        else:
            data[name] = value
    return data


def _read_json(name: str, content: bytes, dataset: Dataset) -> None:
    try:
        document = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        dataset.problems.append(Problem(name, "", "", f"Not valid JSON: {exc}"))
        return
    if isinstance(document, dict) and any(k.endswith(".csv") for k in document):
        _read_tabular_json(name, document, dataset)
        return
    if isinstance(document, dict) and "openapi_url" in document and "id" not in document:
        return  # the API's base descriptor (``base.json``): no directory data in it
    items = document.get("contents") if isinstance(document, dict) else document
    if isinstance(document, dict) and "contents" not in document:
        items, base = [document], ""
    else:
        base = "/contents" if isinstance(document, dict) else ""
    if not isinstance(items, list):
        dataset.problems.append(Problem(name, "", "", "Expected an HSDS object or a list of them."))
        return
    for index, item in enumerate(items):
        pointer = f"{base}/{index}" if base or len(items) > 1 or document is items else "/"
        kind = _kind(name, item)
        if kind is None:
            dataset.problems.append(
                Problem(name, pointer, "", "Not an HSDS object this import knows.")
            )
            continue
        _text_numbers(kind, item)
        found = schema_problems(kind, item, file=name, row=pointer)
        dataset.problems.extend(found)
        if not found:
            _flatten(kind, item, name, pointer.rstrip("/"), None, dataset)


def _read_tabular_json(name: str, document: dict[str, Any], dataset: Dataset) -> None:
    for path, rows in document.items():
        table = table_for_path(path)
        if table is None or not isinstance(rows, list):
            dataset.problems.append(Problem(name, f"/{path}", "", "Not a table of HSDS 3.0."))
            continue
        for index, row in enumerate(rows):
            data = {k: v for k, v in row.items() if v not in (None, "")}
            _text_numbers(table.name, data)
            dataset.add(table.name, Row(name, f"/{path}/{index}", data))


def _kind(file_name: str, item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    stem = Path(file_name).stem
    for kind in _KINDS:
        if stem.startswith(kind):
            return kind
    keys = set(item)
    if "location_type" in keys:
        return "location"
    if "status" in keys:
        return "service"
    if keys & {"taxonomy_detail", "term_uri", "code"}:
        return "taxonomy_term"
    if "location" in keys or "service" in keys:
        return "service_at_location"
    return "organization" if "name" in keys else None


def _flatten(
    table: str, item: dict[str, Any], file: str, pointer: str,
    parent: tuple[str, str] | None, dataset: Dataset,
) -> None:  # fmt: skip
    """Add ``item`` to ``table`` and its nested objects to theirs, linking ids both ways."""
    columns = set(tables()[table].fields)
    data = {k: v for k, v in item.items() if k in columns and v not in (None, "")}
    if parent is not None:
        parent_table, parent_id = parent
        if f"{parent_table}_id" in columns:
            data.setdefault(f"{parent_table}_id", parent_id)
        if table == "attribute":
            data.setdefault("link_id", parent_id)
            data.setdefault("link_entity", parent_table)
        if table == "metadata":
            data.setdefault("resource_id", parent_id)
            data.setdefault("resource_type", parent_table)
    for key, child_table in _SINGLE.items():
        child = item.get(key)
        if isinstance(child, dict) and child.get("id"):
            data.setdefault(f"{child_table}_id", child["id"])
            _flatten(child_table, child, file, f"{pointer}/{key}", None, dataset)
    dataset.add(table, Row(file, pointer or "/", data))
    for key, child_table in _LISTS.items():
        for index, child in enumerate(item.get(key) or []):
            if isinstance(child, dict):
                where = f"{pointer}/{key}/{index}"
                _flatten(child_table, child, file, where, (table, str(item.get("id"))), dataset)


def _text_numbers(table: str, item: dict[str, Any]) -> None:
    """Turn a number given where HSDS expects text into that text, in place.

    A CSV cannot tell ``10092008082`` from ``"10092008082"``, and the specification's own
    example ``location.json`` gives ``external_identifier`` as a number.
    """
    text = string_fields(table)
    for key, value in item.items():
        if key in text and isinstance(value, int | float) and not isinstance(value, bool):
            item[key] = str(value)
        child_table = _SINGLE.get(key) or _LISTS.get(key)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if child_table and isinstance(child, dict):
                _text_numbers(child_table, child)

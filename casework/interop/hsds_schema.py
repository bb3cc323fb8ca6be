"""The HSDS 3.0 schemas Casework ships, and the checks made with them.

Two sources of rules, both upstream files (see ``data/hsds/README.md``):

- the per-object JSON Schemas (``schema/<table>.json``), which point at each other by bare
  file name and declare no ``$schema``: loaded into a ``referencing`` registry and checked
  with ``jsonschema`` (draft 2020-12, with format checking, so ``uuid`` and ``date`` count);
- the tabular data package descriptor (``datapackage.json``): CSV file names, field types,
  required fields and foreign keys, stricter than the JSON Schemas for CSV files.

Rows are checked as "JSON-shaped" dicts: strings, numbers, and (for nested documents) lists
and objects. A :class:`Problem` locates each error by file, row and field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DATA_DIR = Path(__file__).parent / "data" / "hsds" / "v3.0"
SCHEMA_DIR = DATA_DIR / "schema"


@dataclass(frozen=True)
class Problem:
    """One located error: the file, the row (a CSV line number or a JSON pointer), the field."""

    file: str
    row: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        return f"{where}, field {self.field or '(row)'}: {self.message}"


@dataclass(frozen=True)
class Table:
    """One HSDS table as the tabular package describes it."""

    name: str
    path: str
    fields: tuple[str, ...]
    types: dict[str, str]
    required: frozenset[str]
    foreign_keys: dict[str, str]


@cache
def descriptor() -> dict[str, Any]:
    """The upstream ``datapackage.json``."""
    return dict(json.loads((DATA_DIR / "datapackage.json").read_text()))


@cache
def tables() -> dict[str, Table]:
    """Every table of the package, in the descriptor's order, by HSDS name."""
    found: dict[str, Table] = {}
    for resource in descriptor()["resources"]:
        schema = resource["schema"]
        fields = schema["fields"]
        found[resource["name"]] = Table(
            name=resource["name"],
            path=resource["path"],
            fields=tuple(f["name"] for f in fields),
            types={f["name"]: f["type"] for f in fields},
            required=frozenset(
                f["name"] for f in fields if f.get("constraints", {}).get("required")
            ),
            foreign_keys={
                fk["fields"]: fk["reference"]["resource"] or resource["name"]
                for fk in schema.get("foreignKeys", [])
            },
        )
    return found


def table_for_path(path: str) -> Table | None:
    return next((t for t in tables().values() if t.path == path), None)


@cache
def _registry() -> Registry:
    resources = [
        (
            p.name,
            Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012),
        )
        for p in sorted(SCHEMA_DIR.glob("*.json"))
    ]
    return Registry().with_resources(resources)


@cache
def validator(table: str) -> Draft202012Validator:
    """The JSON Schema validator of one HSDS object (``service``, ``location``…)."""
    schema = json.loads((SCHEMA_DIR / f"{table}.json").read_text())
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


@cache
def string_fields(table: str) -> frozenset[str]:
    """Properties of an HSDS object whose JSON type is ``string``."""
    schema = json.loads((SCHEMA_DIR / f"{table}.json").read_text())
    return frozenset(k for k, v in schema["properties"].items() if v.get("type") == "string")


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
}
_FORMATS = FormatChecker()


@cache
def _flat_rules(table: str) -> tuple[frozenset[str], dict[str, dict[str, Any]]]:
    schema = json.loads((SCHEMA_DIR / f"{table}.json").read_text())
    return frozenset(schema.get("required", [])), schema["properties"]


def _surely_valid(table: str, document: Any) -> bool:
    """A fast check of a flat row that answers True only when the JSON Schema check would
    find nothing: the same types, enums and format checkers, no nesting. Anything else (and
    every failure) goes to ``jsonschema`` for the located message."""
    if not isinstance(document, dict):
        return False
    required, properties = _flat_rules(table)
    if not required <= document.keys():
        return False
    for key, value in document.items():
        rule = properties.get(key)
        if rule is None:
            return False
        kinds = _TYPES.get(rule.get("type", ""))
        is_bool = rule.get("type") == "boolean"
        if kinds is None or not isinstance(value, kinds) or isinstance(value, bool) != is_bool:
            return False
        if "enum" in rule and value not in rule["enum"]:
            return False
        if "format" in rule and not _FORMATS.conforms(value, rule["format"]):
            return False
    return True


def schema_problems(table: str, document: Any, *, file: str, row: str) -> list[Problem]:
    """Every JSON Schema error of ``document`` as the object ``table``, located.

    For a nested document the row is extended with the JSON pointer of the failing part.
    """
    if _surely_valid(table, document):
        return []
    problems = []
    for error in sorted(validator(table).iter_errors(document), key=lambda e: list(e.path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            field = error.message.split("'")[1] if "'" in error.message else ""
            parent = path
        elif path and not path[-1].isdigit():
            field, parent = path[-1], path[:-1]
        else:
            field, parent = "", path
        where = row
        if parent and row.startswith("/"):
            where = row.rstrip("/") + "/" + "/".join(parent)
        problems.append(Problem(file, where, field, error.message))
    return problems

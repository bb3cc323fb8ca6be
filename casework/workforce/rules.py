"""The rule data: read the YAML files, keep them in ``RuleSet``, hand out the version in force.

The files are the published defaults; a platform administrator's edit inserts a newer
published version, an organization admin's edit a version that overrides it for their
agency only (see ``services.ruleset_edit``). A file whose version is newer than anything
published is loaded by ``casework credentials load-rules`` (also run after every migrate).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import IntegrityError, transaction
from django.db.models import Max

from casework.workforce.models import RuleSet
from casework.workforce.rule_schema import validate_file_rule, validate_params

__all__ = ["current_rule", "current_rules", "file_rules", "load_rules", "validate_params"]

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def file_rules() -> tuple[dict[str, Any], ...]:
    """Every rule in the data files, as plain dicts (parsed and validated once per process)."""
    creds = yaml.safe_load((DATA_DIR / "credentials.yaml").read_text())
    pathway = yaml.safe_load((DATA_DIR / "pathway.yaml").read_text())
    rules = [*creds["rules"], *pathway["pathways"]]
    for rule in pathway["pathways"]:
        rule["kind"] = "pathway"
    figures = dict(pathway["figures"], kind="figures")
    routes = dict(pathway["entry_routes"], kind="entry_routes")
    every = (*rules, figures, routes)
    for rule in every:  # the same schema as the rule editor: a bad file fails loudly
        validate_file_rule(rule)
    return every


def load_rules() -> list[RuleSet]:
    """Insert each file rule whose version is newer than every published version of its code."""
    published = RuleSet.objects.filter(organization__isnull=True)
    latest = dict(published.values_list("code").annotate(v=Max("version")))
    created = []
    for rule in file_rules():
        if rule["version"] <= latest.get(rule["code"], 0):
            continue
        try:
            with transaction.atomic():
                created.append(
                    RuleSet.objects.create(
                        code=rule["code"],
                        kind=rule["kind"],
                        name=rule["name"],
                        version=rule["version"],
                        params=rule["params"],
                        source_url=rule.get("source_url") or "",
                        citation=" ".join(rule["citation"].split()),
                        marker=rule["marker"],
                        origin=RuleSet.Origin.FILE,
                    )
                )
        except IntegrityError:  # another process loaded it first
            continue
    return created


def _latest(rows: Iterable[RuleSet]) -> dict[str, RuleSet]:
    found: dict[str, RuleSet] = {}
    for row in rows:  # ordered by code, then newest version first
        found.setdefault(row.code, row)
    return found


def current_rules(
    kind: str | None = None, organization_id: int | None = None
) -> dict[str, RuleSet]:
    """The version in force of every rule (of ``kind``), by code: an agency's own override
    where ``organization_id`` has one, else the published rule. Loads the files if empty."""
    qs = RuleSet.objects.order_by("code", "-version")
    if kind:
        qs = qs.filter(kind=kind)
    rows = _latest(qs.filter(organization__isnull=True))
    if not rows and not RuleSet.objects.exists():
        load_rules()
        return current_rules(kind, organization_id)
    if organization_id is not None:
        rows |= _latest(qs.filter(organization_id=organization_id))
    return rows


def current_rule(code: str, organization_id: int | None = None) -> RuleSet | None:
    return current_rules(organization_id=organization_id).get(code)

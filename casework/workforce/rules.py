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
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from casework.workforce.models import RuleSet

DATA_DIR = Path(__file__).resolve().parent / "data"
REQUIREMENT_TYPES = frozenset(
    {"licence", "certification", "degree", "experience", "hours", "external", "exam", "one_of"}
)


@cache
def file_rules() -> tuple[dict[str, Any], ...]:
    """Every rule in the data files, as plain dicts (parsed once per process)."""
    creds = yaml.safe_load((DATA_DIR / "credentials.yaml").read_text())
    pathway = yaml.safe_load((DATA_DIR / "pathway.yaml").read_text())
    rules = [*creds["rules"], *pathway["pathways"]]
    for rule in pathway["pathways"]:
        rule["kind"] = "pathway"
    figures = dict(pathway["figures"], kind="figures")
    routes = dict(pathway["entry_routes"], kind="entry_routes")
    return (*rules, figures, routes)


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


def validate_params(kind: str, params: Any) -> None:
    """Refuse an edit the engine could not evaluate, naming what is wrong."""
    if not isinstance(params, dict):
        raise ValidationError({"params": "The parameters must be a mapping."})
    if kind in {"certification", "licence"}:
        reqs = params.get("requirements")
        if not isinstance(reqs, list) or not reqs:
            raise ValidationError({"params": "A credential rule needs a list of requirements."})
        for req in reqs:
            _validate_requirement(req)
    renewal = params.get("renewal")
    if renewal is not None:
        for key in ("cycle_years", "ce_hours"):
            if not isinstance(renewal.get(key), int) or renewal[key] < 0:
                raise ValidationError({"params": f"renewal.{key} must be a whole number >= 0."})
        if not isinstance(renewal.get("categories", {}), dict):
            raise ValidationError({"params": "renewal.categories must be a mapping."})
    if kind == "pathway" and not isinstance(params.get("steps"), list):
        raise ValidationError({"params": "A pathway needs a list of steps."})
    if kind == "figures" and not isinstance(params.get("figures"), list):
        raise ValidationError({"params": "The figures must be a list."})
    if kind == "entry_routes" and not isinstance(params.get("routes"), list):
        raise ValidationError({"params": "The entry routes must be a list."})


def _validate_requirement(req: Any) -> None:
    if not isinstance(req, dict) or req.get("type") not in REQUIREMENT_TYPES:
        raise ValidationError(
            {
                "params": f"Unknown requirement {req!r}; "
                f"types: {', '.join(sorted(REQUIREMENT_TYPES))}."
            }
        )
    if req["type"] == "one_of":
        for option in req.get("options") or []:
            for sub in option.get("all") or []:
                _validate_requirement(sub)
    for key in ("months", "hours"):
        if key in req and (not isinstance(req[key], int | float) or req[key] <= 0):
            raise ValidationError({"params": f"{key} must be a positive number in {req!r}."})

"""The one schema every instrument definition file must satisfy (shipped or uploaded).

An instrument is data: items with their answer options and values, skip logic
(``enable_when``), scoring rules, bands, flags, identified-need rules, LOINC codes, the
source citation and the licence. ``load_definition`` parses YAML or JSON text and returns a
validated :class:`InstrumentSpec`, or raises :class:`DefinitionError` listing each problem
with its file and path (``items[3].options: ...``); nothing is saved on error.

Conditions (skip logic, band and flag rules) are small mappings, e.g.
``{item: q9, gt: 0}``, ``{item: q2, equals: "yes"}``, ``{sum: [q7, q8, q9, q10], gt: 10}``,
``{total: true, gte: 10}``, ``{item: q2, any_except: [none]}``, ``{any: [...]}``, ``{all: [...]}``.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

import yaml
from django.core.exceptions import ValidationError as DjangoValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CODE = r"^[a-z][a-z0-9_-]{0,39}$"
ITEM_ID = r"^[a-z][a-z0-9_]{0,39}$"
# Consent categories an instrument can fall under (casework.clients.models.ConsentCategory).
Category = Literal["general", "mental_health", "substance_use", "hiv", "domestic_violence"]
# The life domains of the comprehensive needs assessment; identified needs name one of them.
NEED_DOMAINS = (
    "housing",
    "food",
    "income_benefits",
    "employment_education",
    "physical_health",
    "mental_health",
    "substance_use",
    "safety",
    "legal",
    "transportation",
    "childcare",
    "social_support",
    "daily_living",
    "health_insurance",
)
NEED_LABELS = {
    "housing": "Housing",
    "food": "Food",
    "income_benefits": "Income and benefits",
    "employment_education": "Employment and education",
    "physical_health": "Physical health",
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "safety": "Safety",
    "legal": "Legal",
    "transportation": "Transportation",
    "childcare": "Childcare",
    "social_support": "Social support",
    "daily_living": "Daily living skills",
    "health_insurance": "Health insurance",
}
NeedDomain = Literal[
    "housing",
    "food",
    "income_benefits",
    "employment_education",
    "physical_health",
    "mental_health",
    "substance_use",
    "safety",
    "legal",
    "transportation",
    "childcare",
    "social_support",
    "daily_living",
    "health_insurance",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """One test on the answers. Exactly one subject: ``item``, ``sum``, ``total``, ``any``
    or ``all``; comparisons apply to the item's (or sum's, or total's) numeric value, or to
    its option code for ``equals``/``in``/``not_in``/``any_except``."""

    item: str | None = None
    sum: list[str] | None = None
    total: bool | None = None
    band: str | None = None  # holds when the result's band has this code
    any: list[Condition] | None = None
    all: list[Condition] | None = None
    equals: str | int | float | bool | None = None
    in_: list[str | int] | None = Field(default=None, alias="in")
    not_in: list[str | int] | None = None
    any_except: list[str] | None = None
    answered: bool | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _one_subject(self) -> Condition:
        subjects = [s for s in ("item", "sum", "total", "band", "any", "all") if getattr(self, s)]
        if len(subjects) != 1:
            raise ValueError("a condition names exactly one of item, sum, total, band, any or all")
        return self

    def item_refs(self) -> set[str]:
        refs = {self.item} if self.item else set()
        refs |= set(self.sum or [])
        for child in [*(self.any or []), *(self.all or [])]:
            refs |= child.item_refs()
        return refs


class Option(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    label: str = Field(min_length=1, max_length=300)
    value: float | int | None = None
    loinc: str | None = None
    need: NeedDomain | None = None  # choosing this option identifies a need in that domain


class PointsRule(_Strict):
    """Points for a numeric value (or a multi-choice sum) in ``[min, below)``."""

    min: float | None = None
    below: float | None = None
    points: float


class Item(_Strict):
    id: str = Field(pattern=ITEM_ID)
    text: str = Field(min_length=1, max_length=600)
    type: Literal["choice", "multi", "number", "rating", "text", "date"] = "choice"
    options: str | list[Option] | None = None  # an option_sets key or the options themselves
    loinc: str | None = None
    required: bool = True
    scored: bool = True
    enable_when: list[Condition] = []
    points: list[PointsRule] | None = None  # numeric and multi items: value -> points
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    help: str | None = None
    domain: NeedDomain | None = None  # rating items: the life domain this rates
    prefill: Literal["client.sex"] | None = None


class TotalRule(_Strict):
    items: list[str]
    allow_missing: int = Field(default=0, ge=0)
    prorate: bool = False
    loinc: str | None = None
    min: float | None = None
    max: float | None = None


class Band(_Strict):
    code: str = Field(pattern=CODE)
    label: str
    min: float | None = None
    max: float | None = None
    when: Condition | None = None
    action: str | None = None
    need: NeedDomain | None = None


class Flag(_Strict):
    code: str = Field(pattern=CODE)
    label: str
    severity: Literal["low", "moderate", "high"] = "moderate"
    when: Condition
    raise_risk: bool = False  # also open a risk flag on the client
    offer: str | None = None  # an instrument code to offer next (e.g. cssrs)
    need: NeedDomain | None = None


class Source(_Strict):
    citation: str = Field(min_length=5)
    url: str | None = None
    status: Literal["primary", "secondary"] = "primary"


class NeedRule(_Strict):
    """Rating items (1-5) at or below ``at_most`` become identified needs in their domain."""

    at_most: int = 2


class InstrumentSpec(_Strict):
    code: str = Field(pattern=CODE)
    version: int = Field(ge=1)
    name: str = Field(min_length=2, max_length=200)
    short_name: str = Field(min_length=1, max_length=40)
    kind: Literal["screening", "risk", "assessment"] = "screening"
    categories: list[Category] = Field(default=["general"], min_length=1)
    variant: str | None = None
    stem: str | None = None
    loinc: str | None = None
    source: Source
    licence: str = Field(min_length=3)
    option_sets: dict[str, list[Option]] = {}
    items: list[Item] = Field(min_length=1)
    total: TotalRule | None = None
    subscales: dict[str, TotalRule] = {}
    bands: list[Band] = []
    flags: list[Flag] = []
    needs: NeedRule | None = None
    chart_max: float | None = None

    @model_validator(mode="after")
    def _references(self) -> InstrumentSpec:
        problems: list[str] = []
        ids = [item.id for item in self.items]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            problems.append(f"items: duplicate ids {dupes}")
        known = set(ids)
        for n, item in enumerate(self.items):
            problems += _item_problems(n, item, self.option_sets, known)
        rules = [("total", self.total)] + [(f"subscales.{k}", v) for k, v in self.subscales.items()]
        for where, rule in rules:
            if rule is not None and set(rule.items) - known:
                problems.append(f"{where}.items: unknown items {sorted(set(rule.items) - known)}")
        for where, cond in self._conditions():
            unknown = cond.item_refs() - known
            if unknown:
                problems.append(f"{where}: unknown items {sorted(unknown)}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _conditions(self) -> list[tuple[str, Condition]]:
        found = [(f"bands[{n}].when", b.when) for n, b in enumerate(self.bands) if b.when]
        found += [(f"flags[{n}].when", f.when) for n, f in enumerate(self.flags)]
        for n, item in enumerate(self.items):
            found += [(f"items[{n}].enable_when", c) for c in item.enable_when]
        return found

    def options_for(self, item: Item) -> list[Option]:
        if isinstance(item.options, str):
            return self.option_sets[item.options]
        return list(item.options or [])

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)


def _item_problems(n: int, item: Item, sets: dict[str, list[Option]], known: set[str]) -> list[str]:
    where = f"items[{n}] ({item.id})"
    problems = []
    if item.type in ("choice", "multi"):
        if item.options is None:
            problems.append(f"{where}.options: a {item.type} item needs options")
        elif isinstance(item.options, str) and item.options not in sets:
            problems.append(f"{where}.options: no option set named {item.options!r}")
    elif item.options is not None:
        problems.append(f"{where}.options: a {item.type} item takes no options")
    if item.id in {ref for c in item.enable_when for ref in c.item_refs()}:
        problems.append(f"{where}.enable_when: an item cannot depend on itself")
    return problems


class DefinitionError(DjangoValidationError):
    """A definition file that does not satisfy the schema; ``problems`` are located messages.

    A Django ValidationError on ``definition`` (each message "file: path: problem"), so the
    web forms and the API report it like any other invalid field.
    """

    def __init__(self, filename: str, problems: list[str]) -> None:
        self.filename = filename
        self.problems = problems
        super().__init__({"definition": [f"{filename}: {p}" for p in problems]})


def _loc(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def parse_definition(data: Any, *, filename: str = "definition") -> InstrumentSpec:
    """Validate an already-parsed mapping; raise :class:`DefinitionError` on any problem."""
    if not isinstance(data, dict):
        raise DefinitionError(filename, ["(top level): the file must hold one mapping"])
    try:
        return InstrumentSpec.model_validate(data)
    except ValidationError as error:
        problems = []
        for err in error.errors():
            message = re.sub(r"^Value error, ", "", err["msg"])
            if not err["loc"]:  # the cross-reference check: already located, one per part
                problems += message.split("; ")
            else:
                problems.append(f"{_loc(tuple(err['loc']))}: {message}")
        raise DefinitionError(filename, problems) from None


def load_definition(text: str | bytes, *, filename: str = "definition") -> InstrumentSpec:
    """Parse YAML (or JSON, a subset) text and validate it against the schema."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(file)"
        raise DefinitionError(filename, [f"{where}: not valid YAML or JSON"]) from None
    return parse_definition(data, filename=filename)


def spec_json(spec: InstrumentSpec) -> dict[str, Any]:
    """The stored form of a definition (round-trips through ``parse_definition``)."""
    return json.loads(spec.model_dump_json(by_alias=True, exclude_none=True))

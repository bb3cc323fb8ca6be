"""The one definition of a workforce rule's data (pydantic): the file loader, the rule
editor (web form, through ``services.ruleset_edit``) and the engine's inputs agree on it.

Requirement entries list every key the engine reads, so a typo or a YAML slip (an unquoted
comma in a flow mapping turns ``label: A, B`` into two keys) is refused, naming the place.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, PositiveFloat
from pydantic import ValidationError as PydanticValidationError

REQUIREMENT_TYPES = (
    "licence",
    "certification",
    "degree",
    "experience",
    "hours",
    "external",
    "exam",
    "one_of",
)
Text = Annotated[str, Field(max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Option(_Strict):
    id: Text = ""
    label: Text = ""
    all: list[Requirement] = Field(min_length=1)
    suggest: bool = True


class Requirement(_Strict):
    """One requirement the engine evaluates (``workforce.eligibility``)."""

    type: Literal[REQUIREMENT_TYPES]  # type: ignore[valid-type]  # a tuple of literals
    id: Text = ""
    label: Text = ""
    description: Text = ""
    kinds: list[str] = Field(default_factory=list)
    codes: list[str] = Field(default_factory=list)
    levels: list[str] = Field(default_factory=list)
    fields: list[str] = Field(default_factory=list)
    settings: list[str] = Field(default_factory=list)
    same_state: bool = False
    accreditation: Any = None
    field_experience: Any = None
    disability_coursework: Any = None
    months: PositiveFloat | None = None
    hours: PositiveFloat | None = None
    full_time_hours: PositiveFloat | None = None
    part_time: Any = None
    min_span_months: PositiveFloat | None = None
    min_span_weeks: PositiveFloat | None = None
    within_years: PositiveFloat | None = None
    within_years_marker: Text = ""
    supervised: Any = None
    supervisor_credentials: list[str] = Field(default_factory=list)
    supervisor_role: Any = None
    any_role: bool = False
    status: Any = None
    unknown: Any = None
    suggest: bool = True
    options: list[Option] = Field(default_factory=list)


class Renewal(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cycle_years: NonNegativeInt
    ce_hours: NonNegativeInt
    categories: dict[str, float] = Field(default_factory=dict)
    courses: list[dict[str, Any]] = Field(default_factory=list)
    instead_of_hours: dict[str, Any] | None = None


class CredentialParams(BaseModel):
    """A licence's or certification's eligibility requirements and renewal."""

    model_config = ConfigDict(extra="allow")  # summary, state and other descriptive text

    requirements: list[Requirement] = Field(min_length=1)
    renewal: Renewal | None = None


class RenewalParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    renewal: Renewal


class PathwayParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    steps: list[Any]
    renewal: Renewal | None = None


class FiguresParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    figures: list[Any]


class EntryRoutesParams(BaseModel):
    model_config = ConfigDict(extra="allow")

    routes: list[Any]


PARAMS_BY_KIND: dict[str, type[BaseModel]] = {
    "certification": CredentialParams,
    "licence": CredentialParams,
    "renewal": RenewalParams,
    "pathway": PathwayParams,
    "figures": FiguresParams,
    "entry_routes": EntryRoutesParams,
}


class FileRule(_Strict):
    """One rule as the data files state it (``workforce/data/*.yaml``)."""

    code: Annotated[str, Field(min_length=1, max_length=40)]
    kind: Literal[tuple(PARAMS_BY_KIND)]  # type: ignore[valid-type]  # the kinds above
    name: Annotated[str, Field(min_length=1, max_length=200)]
    version: Annotated[int, Field(ge=1)]
    marker: str
    source_url: str = ""
    citation: Annotated[str, Field(min_length=1)]
    params: dict[str, Any]


def _message(item: Any) -> str:
    last = item["loc"][-1] if item["loc"] else ""
    if item["type"] == "literal_error" and last == "type":
        types = ", ".join(REQUIREMENT_TYPES)
        return f"Unknown requirement type {item['input']!r}; types: {types}."
    if item["type"] == "extra_forbidden":
        return f"Unknown key {last!r} (check the spelling, and quote text that has a comma)."
    return str(item["msg"])


def _where(error: PydanticValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in item['loc']) or 'params'}: {_message(item)}"
        for item in error.errors()
    )


def params_errors(kind: str, params: Any) -> str:
    """Every problem of ``params`` for a rule of ``kind``, in one line ("" when none)."""
    model = PARAMS_BY_KIND.get(kind)
    if model is None:
        return f"Unknown rule kind {kind!r}."
    if not isinstance(params, dict):
        return "The parameters must be a mapping."
    try:
        model.model_validate(params)
    except PydanticValidationError as error:
        return _where(error)
    return ""


def validate_params(kind: str, params: Any) -> None:
    """Refuse parameters the engine could not evaluate, naming where (rule editor)."""
    problem = params_errors(kind, params)
    if problem:
        raise ValidationError({"params": problem})


def validate_file_rule(rule: dict[str, Any]) -> None:
    """Refuse a data-file rule that breaks the schema (loader); names the rule and place."""
    try:
        FileRule.model_validate(rule)
    except PydanticValidationError as error:
        raise ValueError(f"Rule {rule.get('code')!r}: {_where(error)}") from None
    problem = params_errors(rule["kind"], rule["params"])
    if problem:
        raise ValueError(f"Rule {rule['code']!r}: {problem}")

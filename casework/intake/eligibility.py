"""Eligibility rules and their evaluation: pure Python, no database, no Django models.

A program's rules (:class:`Rules`) are data an admin edits; the answers of one screening
(:class:`Answers`) are what the worker recorded; the poverty guideline table
(:class:`GuidelineTable`) is HHS data with its year. :func:`evaluate` turns the three (plus the
program's active enrollment count, for capacity) into a :class:`Result`: ``eligible``,
``ineligible`` (each failed rule named in plain words), ``waitlisted`` (eligible, but the program
is full) or ``undetermined`` ("cannot tell": the rules whose answers are missing are named).

Everything here is deterministic and side-effect free, so every boundary is unit-testable and
a stored screening can be re-explained from its stored rules and answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

# HMIS 1.3 DisabilityType (DOMAIN.md §3).
DISABILITY_TYPES: dict[int, str] = {
    5: "Physical disability",
    6: "Developmental disability",
    7: "Chronic health condition",
    8: "HIV/AIDS",
    9: "Mental health disorder",
    10: "Substance use disorder",
}
REGIONS = ("contiguous", "alaska", "hawaii")
REGION_LABELS = {
    "contiguous": "the 48 contiguous states and DC",
    "alaska": "Alaska",
    "hawaii": "Hawaii",
}
# HHS publishes no poverty guideline for Puerto Rico or the territories: "the office or
# organization that administers the program" decides (ASPE, Poverty Guidelines, 2026).
# A screening there uses only a table the program configured, never the contiguous one.
TERRITORIES = {
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "the U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "the Northern Mariana Islands",
}
TERRITORY = "territory"
_STATE_CODES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP"
)
US_STATES = frozenset(_STATE_CODES.split(" "))
ELIGIBLE = "eligible"
INELIGIBLE = "ineligible"
WAITLISTED = "waitlisted"
UNDETERMINED = "undetermined"
MAX_HOUSEHOLD = 50
MAX_AGE = 130
_POSTAL = re.compile(r"^\d{5}$")
_QUESTION_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CODE = re.compile(r"^[A-Za-z0-9.\-]{1,20}$")


class RulesError(ValueError):
    """Rules that cannot be used; ``errors`` maps each bad field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


def normalize_county(value: str) -> str:
    """'  Kings county ' -> 'kings': counties compare without case or the word 'county'."""
    words = " ".join(str(value).lower().split())
    for suffix in (" county", " parish", " borough"):
        if words.endswith(suffix):
            words = words[: -len(suffix)]
    return words.strip()


def normalize_postal(value: str) -> str:
    """ZIP+4 and spaced input compare on the five-digit ZIP code."""
    return str(value).strip()[:5]


def region_for_state(state: str) -> str:
    """The HHS region of ``state``; ``TERRITORY`` for Puerto Rico and the territories."""
    code = state.strip().upper()
    if code in TERRITORIES:
        return TERRITORY
    return {"AK": "alaska", "HI": "hawaii"}.get(code, "contiguous")


def _money(amount: Decimal | int) -> str:
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"${int(value):,}"
    return f"${value:,.2f}"


# --- Rules: one pydantic definition, used by the data loader, the API and the web form ------


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("rules", message)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _fail("Enter text.")
    if "\x00" in value:
        raise _fail("Text may not contain NUL characters.")
    return value


def _whole(low: int, high: int) -> Callable[[Any], int | None]:
    """Empty is "no such rule"; digits in a string count (form and file input)."""

    def parse(value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise _fail("Enter a whole number.")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise _fail("Enter a whole number.") from None
        if not low <= number <= high:
            raise _fail(f"Enter a number from {low} to {high}.")
        return number

    return parse


def _yes_no_value(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail("Choose yes (true) or no (false).")
    return value


def _text_list(value: Any) -> tuple[str, ...]:
    """A list of text (or one comma-separated text), trimmed, without blanks or repeats."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _fail("Give a list of text values.")
    return tuple(dict.fromkeys(_text(v).strip() for v in value if v.strip()))


def _states(value: Any) -> tuple[str, ...]:
    states = tuple(s.upper() for s in _text_list(value))
    bad = [s for s in states if s not in US_STATES]
    if bad:
        raise _fail(f"Unknown state codes: {', '.join(bad)}. Use e.g. NY, NJ.")
    return states


def _counties(value: Any) -> tuple[str, ...]:
    counties = _text_list(value)
    if any(len(c) > 60 for c in counties):
        raise _fail("County names are at most 60 characters.")
    return counties


def _postal_codes(value: Any) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(normalize_postal(p) for p in _text_list(value)))
    bad = [p for p in codes if not _POSTAL.match(p)]
    if bad:
        raise _fail(f"Use five-digit ZIP codes; not valid: {', '.join(bad)}.")
    return codes


def _disability_types(value: Any) -> tuple[int, ...]:
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise _fail("Give a list of HMIS 1.3 disability type codes.")
    types: set[int] = set()
    for item in value:
        try:
            code = int(item)
        except (TypeError, ValueError):
            code = -1
        if code not in DISABILITY_TYPES or isinstance(item, bool):
            raise _fail(f"Unknown disability type {item!r}; use HMIS 1.3 codes 5-10.")
        types.add(code)
    return tuple(sorted(types))


def _diagnosis_codes(value: Any) -> tuple[str, ...]:
    codes = tuple(c.upper() for c in _text_list(value))
    if any(not _CODE.match(c) for c in codes):
        raise _fail("Diagnosis codes are letters, digits, dots or dashes, e.g. F32.9.")
    return codes


def _one_line(limit: int, message: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = " ".join(_text(value if value is not None else "").split())
        if not text or len(text) > limit:
            raise _fail(message)
        return text

    return parse


def _question_key(value: Any) -> str:
    key = _text(value if value is not None else "").strip()
    if not _QUESTION_KEY.match(key):
        raise _fail("Use lower-case letters, digits and _ (at most 40).")
    return key


def _territory(value: Any) -> str:
    state = _text(value if value is not None else "").strip().upper()
    if state not in TERRITORIES:
        raise _fail(f"Use one of {', '.join(TERRITORIES)} (HHS covers the rest).")
    return state


def _required(parse: Callable[[Any], int | None]) -> Callable[[Any], int]:
    def strict(value: Any) -> int:
        number = parse(value)
        if number is None:
            raise _fail("Enter a whole number.")
        return number

    return strict


class _RuleModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Question(_RuleModel):
    """A program's own yes/no question and the answer a person must give to be eligible."""

    key: Annotated[str, BeforeValidator(_question_key)] = Field(
        default="", description="Stable id of the question: lower-case letters, digits and _."
    )
    text: Annotated[
        str, BeforeValidator(_one_line(300, "Write the question (at most 300 characters)."))
    ] = ""
    required_answer: Annotated[bool, BeforeValidator(_yes_no_value)] = Field(
        default=None,  # type: ignore[assignment]  # validated: a missing answer is an error
        description="The answer a person must give to be eligible.",
    )

    def __init__(self, *args: Any, **data: Any) -> None:
        data |= dict(zip(("key", "text", "required_answer"), args, strict=False))
        super().__init__(**data)


Money = Annotated[int, BeforeValidator(_required(_whole(1, 10_000_000)))]


class LocalGuideline(_RuleModel):
    """A program's own income table for a territory without an HHS guideline."""

    state: Annotated[str, BeforeValidator(_territory)] = ""
    year: Annotated[int, BeforeValidator(_required(_whole(1980, 10_000_000)))] = 0
    first_person: Money = 0
    per_additional_person: Annotated[int, BeforeValidator(_required(_whole(0, 10_000_000)))] = 0
    source: Annotated[
        str,
        BeforeValidator(_one_line(300, "Say where the table comes from (at most 300 characters).")),
    ] = ""


class Rules(_RuleModel):
    """One version of a program's eligibility rules. Empty/None means "no such rule".

    The one definition of the rules: the model field validator, the API's request and answer,
    the admin form (through the service) and the demo loader all validate with it.
    """

    min_age: Annotated[int | None, BeforeValidator(_whole(0, MAX_AGE))] = Field(
        default=None, description="Minimum age in years at the screening date."
    )
    max_age: Annotated[int | None, BeforeValidator(_whole(0, MAX_AGE))] = Field(
        default=None, description="Maximum age in years (inclusive)."
    )
    states: Annotated[tuple[str, ...], BeforeValidator(_states)] = Field(
        default=(), description="Allowed two-letter states."
    )
    counties: Annotated[tuple[str, ...], BeforeValidator(_counties)] = ()
    postal_codes: Annotated[tuple[str, ...], BeforeValidator(_postal_codes)] = Field(
        default=(), description="Five-digit ZIP codes."
    )
    max_income_percent: Annotated[int | None, BeforeValidator(_whole(1, 1000))] = Field(
        default=None, description="Household income limit as % of the federal poverty guideline."
    )
    disability_types: Annotated[tuple[int, ...], BeforeValidator(_disability_types)] = Field(
        default=(), description="HMIS 1.3 codes; a person needs one of these or one diagnosis code."
    )
    diagnosis_codes: Annotated[tuple[str, ...], BeforeValidator(_diagnosis_codes)] = ()
    veteran_required: Annotated[bool, BeforeValidator(_yes_no_value)] = False
    questions: tuple[Question, ...] = Field(default=(), max_length=30)
    guideline_year: Annotated[int | None, BeforeValidator(_whole(1980, 2100))] = Field(
        default=None,
        description="Pin a guideline year; empty uses the latest up to the screening date.",
    )
    territory_guidelines: tuple[LocalGuideline, ...] = Field(
        default=(),
        description="The program's own income tables for territories HHS does not cover.",
    )

    @field_validator("questions", "territory_guidelines", mode="before")
    @classmethod
    def _a_list(cls, value: Any) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list | tuple):
            raise _fail("Give a list.")
        return value

    @field_validator("questions")
    @classmethod
    def _keys_once(cls, questions: tuple[Question, ...]) -> tuple[Question, ...]:
        keys = [q.key for q in questions]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise _fail(f"The key {twice[0]!r} is used twice.")
        return questions

    @field_validator("max_age")
    @classmethod
    def _ages_in_order(cls, max_age: int | None, info: ValidationInfo) -> int | None:
        min_age = info.data.get("min_age")
        if min_age is not None and max_age is not None and max_age < min_age:
            raise _fail("The maximum age must be at least the minimum age.")
        return max_age

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Rules:
        """Parse and validate; raises :class:`RulesError` naming every bad field."""
        try:
            return cls.model_validate(dict(data or {}))
        except PydanticValidationError as error:
            raise RulesError(rules_errors(error)) from None

    @property
    def is_empty(self) -> bool:
        return self == Rules()


_PLAIN = {
    "extra_forbidden": "Unknown rule.",
    "model_type": "Give the fields of this entry as a mapping.",
    "too_long": "Too many entries (at most 30).",
}


def rules_errors(error: PydanticValidationError) -> dict[str, str]:
    """``{"questions.2.text": "Write the question ..."}`` from pydantic's errors."""
    found: dict[str, str] = {}
    for item in error.errors():
        where = ".".join(str(part) for part in item["loc"]) or "rules"
        message = _PLAIN.get(item["type"], item["msg"])
        found.setdefault(where, message.removeprefix("Value error, "))
    return found


# --- Poverty guidelines ------------------------------------------------------------------


@dataclass(frozen=True)
class Guideline:
    year: int
    region: str
    first_person: int
    per_additional_person: int
    # The Federal Register's effective date (2026: 13 January, 91 FR 1797); None means
    # unknown, read as 1 January of ``year``.
    effective_on: date | None = None

    @property
    def in_force_from(self) -> date:
        return self.effective_on or date(self.year, 1, 1)

    def amount(self, household_size: int) -> int:
        """The 100% guideline for a household of ``household_size`` persons (HHS's rule)."""
        return self.first_person + self.per_additional_person * (household_size - 1)


@dataclass(frozen=True)
class GuidelineTable:
    rows: tuple[Guideline, ...] = ()

    @classmethod
    def of(cls, rows: Iterable[Guideline]) -> GuidelineTable:
        return cls(tuple(rows))

    def find(self, *, region: str, year: int | None, on: date) -> Guideline | None:
        """The pinned ``year``'s guideline, else the latest in force on ``on`` (a year's table
        applies from its effective date, e.g. 13 January 2026, not from 1 January)."""
        candidates = [g for g in self.rows if g.region == region]
        if year is not None:
            return next((g for g in candidates if g.year == year), None)
        usable = [g for g in candidates if g.in_force_from <= on]
        return max(usable, key=lambda g: g.year, default=None)


# --- Answers and evaluation --------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """What the worker recorded. ``None`` means "not answered"; an empty list means "none"."""

    date_of_birth: date | None = None
    state: str | None = None
    county: str | None = None
    postal_code: str | None = None
    household_size: int | None = None
    household_income: Decimal | None = None
    disability_types: tuple[int, ...] | None = None
    diagnosis_codes: tuple[str, ...] | None = None
    is_veteran: bool | None = None
    questions: Mapping[str, bool] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else None,
            "state": self.state,
            "county": self.county,
            "postal_code": self.postal_code,
            "household_size": self.household_size,
            "household_income": (
                str(self.household_income) if self.household_income is not None else None
            ),
            "disability_types": (
                list(self.disability_types) if self.disability_types is not None else None
            ),
            "diagnosis_codes": (
                list(self.diagnosis_codes) if self.diagnosis_codes is not None else None
            ),
            "is_veteran": self.is_veteran,
            "questions": dict(self.questions),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Answers:
        """Rebuild stored answers (already validated when they were stored)."""
        dob = data.get("date_of_birth")
        income = data.get("household_income")
        types = data.get("disability_types")
        codes = data.get("diagnosis_codes")
        return cls(
            date_of_birth=date.fromisoformat(dob) if dob else None,
            state=data.get("state"),
            county=data.get("county"),
            postal_code=data.get("postal_code"),
            household_size=data.get("household_size"),
            household_income=Decimal(income) if income is not None else None,
            disability_types=tuple(types) if types is not None else None,
            diagnosis_codes=tuple(codes) if codes is not None else None,
            is_veteran=data.get("is_veteran"),
            questions=dict(data.get("questions") or {}),
        )


def validate_answers(answers: Answers, *, on: date) -> dict[str, str]:
    """Field errors for impossible answers (future birth, negative income, empty household)."""
    errors: dict[str, str] = {}
    if answers.date_of_birth is not None:
        if answers.date_of_birth > on:
            errors["date_of_birth"] = "Date of birth cannot be in the future."
        elif answers.date_of_birth.year < 1900:
            errors["date_of_birth"] = "Date of birth must be in 1900 or later."
    if answers.household_size is not None and not 1 <= answers.household_size <= MAX_HOUSEHOLD:
        errors["household_size"] = f"Household size is 1 (the client alone) to {MAX_HOUSEHOLD}."
    income = answers.household_income
    if income is not None:
        try:
            if income < 0:
                errors["household_income"] = "Household income cannot be negative."
            elif income > Decimal("100000000"):
                errors["household_income"] = "Enter the yearly household income in dollars."
        except InvalidOperation:
            errors["household_income"] = "Enter an amount in dollars."
    if answers.state and answers.state.upper() not in US_STATES:
        errors["state"] = "Use the two-letter state code, e.g. NY."
    if answers.postal_code and not _POSTAL.match(normalize_postal(answers.postal_code)):
        errors["postal_code"] = "Use a five-digit ZIP code."
    bad = [t for t in answers.disability_types or () if t not in DISABILITY_TYPES]
    if bad:
        errors["disability_types"] = f"Unknown disability types: {bad}; use HMIS 1.3 codes 5-10."
    return errors


@dataclass(frozen=True)
class RuleOutcome:
    """One rule's verdict: ``passed``, ``failed`` or ``unknown`` (answer missing)."""

    rule: str
    status: str
    message: str


@dataclass(frozen=True)
class Result:
    result: str
    outcomes: tuple[RuleOutcome, ...]
    guideline_year: int | None = None
    income_percent: Decimal | None = None

    @property
    def failed(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def unknown(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.status == "unknown"]

    @property
    def passed(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.status == "passed"]


def age_on(born: date, on: date) -> int:
    """Whole years; someone born on 29 February turns a year older on 1 March in other years."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _age_range_words(rules: Rules) -> str:
    if rules.min_age is not None and rules.max_age is not None:
        return f"aged {rules.min_age} to {rules.max_age}"
    if rules.min_age is not None:
        return f"aged {rules.min_age} or older"
    return f"aged {rules.max_age} or younger"


def _check_age(rules: Rules, answers: Answers, on: date) -> RuleOutcome | None:
    if rules.min_age is None and rules.max_age is None:
        return None
    if answers.date_of_birth is None:
        return RuleOutcome("age", "unknown", "Age: the date of birth is not recorded.")
    years = age_on(answers.date_of_birth, on)
    too_young = rules.min_age is not None and years < rules.min_age
    too_old = rules.max_age is not None and years > rules.max_age
    words = _age_range_words(rules)
    if too_young or too_old:
        return RuleOutcome(
            "age", "failed", f"The client is {years} years old; this program serves people {words}."
        )
    return RuleOutcome(
        "age", "passed", f"The client is {years}; the program serves people {words}."
    )


def _check_list(
    rule: str, label: str, allowed: tuple[str, ...], given: str | None, norm: Any
) -> RuleOutcome | None:
    if not allowed:
        return None
    if not given:
        return RuleOutcome(rule, "unknown", f"Residence: the {label} is not recorded.")
    shown = ", ".join(allowed)
    if norm(given) in {norm(a) for a in allowed}:
        return RuleOutcome(rule, "passed", f"The client's {label} ({given}) is served.")
    return RuleOutcome(
        rule,
        "failed",
        f"The client's {label} is {given}; this program serves only: {shown}.",
    )


def _check_residence(rules: Rules, answers: Answers) -> list[RuleOutcome]:
    checks = [
        _check_list("state", "state", rules.states, answers.state, lambda v: v.strip().upper()),
        _check_list("county", "county", rules.counties, answers.county, normalize_county),
        _check_list(
            "postal_code", "ZIP code", rules.postal_codes, answers.postal_code, normalize_postal
        ),
    ]
    return [c for c in checks if c is not None]


def _percent_words(percent: Decimal, limit: int, over: bool) -> str:
    shown = percent.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    if over and shown <= limit:
        # Never print "200% ... the limit is 200%" for someone a dollar over: show the cents.
        shown = percent.quantize(Decimal("0.01"), rounding=ROUND_UP)
    return f"{shown.normalize():f}%"


def _check_income(
    rules: Rules, answers: Answers, guidelines: GuidelineTable, on: date
) -> tuple[RuleOutcome | None, Guideline | None, Decimal | None]:
    limit = rules.max_income_percent
    if limit is None:
        return None, None, None
    missing = [
        name
        for name, value in (
            ("household income", answers.household_income),
            ("household size", answers.household_size),
            ("state of residence", answers.state),
        )
        if value is None or value == ""
    ]
    if missing:
        words = " and ".join(missing)
        return (
            RuleOutcome("income", "unknown", f"Household income: the {words} is not recorded."),
            None,
            None,
        )
    assert answers.state  # all three checked just above
    assert answers.household_size
    assert answers.household_income is not None
    region = region_for_state(answers.state)
    if region == TERRITORY:
        guideline, label = _territory_guideline(rules, answers.state, on)
        if guideline is None:
            return RuleOutcome("income", "unknown", label), None, None
    else:
        guideline = guidelines.find(region=region, year=rules.guideline_year, on=on)
        label = REGION_LABELS[region]
    if guideline is None:
        year = rules.guideline_year or on.year
        message = (
            f"Household income: no federal poverty guideline for {label} "
            f"for {year} is loaded; ask an administrator to add it."
        )
        return RuleOutcome("income", "unknown", message), None, None
    size = answers.household_size
    line = Decimal(guideline.amount(size))
    income = answers.household_income
    percent = income * 100 / line
    cap = line * limit / 100
    over = income > cap
    detail = (
        f"{_money(income)} a year for a household of {size}; the {guideline.year} guideline "
        f"for {label} is {_money(line)}, so the limit is {_money(cap)}"
    )
    pct = _percent_words(percent, limit, over)
    kind = "income table" if region == TERRITORY else "federal poverty guideline"
    if over:
        message = (
            f"Household income is {pct} of the {guideline.year} {kind}; "
            f"this program's limit is {limit}% ({detail})."
        )
        return RuleOutcome("income", "failed", message), guideline, percent
    message = (
        f"Household income is {pct} of the {guideline.year} {kind}, "
        f"within the {limit}% limit ({detail})."
    )
    return RuleOutcome("income", "passed", message), guideline, percent


def _territory_guideline(rules: Rules, state: str, on: date) -> tuple[Guideline | None, str]:
    """The program's own table for a territory, or None with the reason it cannot tell."""
    code = state.strip().upper()
    tables = [t for t in rules.territory_guidelines if t.state == code]
    if rules.guideline_year is not None:
        tables = [t for t in tables if t.year == rules.guideline_year]
    else:
        tables = [t for t in tables if t.year <= on.year]
    if not tables:
        reason = (
            f"Household income: HHS publishes no poverty guideline for {TERRITORIES[code]}, "
            "and this program has not configured an income table for it, so Casework cannot "
            "tell (it never falls back to the table for the 48 contiguous states)."
        )
        return None, reason
    table = max(tables, key=lambda t: t.year)
    guideline = Guideline(table.year, TERRITORY, table.first_person, table.per_additional_person)
    return guideline, f"{TERRITORIES[code]} (the program's table: {table.source})"


def _condition_words(rules: Rules) -> str:
    parts = [DISABILITY_TYPES[t] for t in rules.disability_types]
    parts += [f"diagnosis {c}" for c in rules.diagnosis_codes]
    return ", ".join(parts[:-1]) + (" or " if len(parts) > 1 else "") + parts[-1]


def _check_condition(rules: Rules, answers: Answers) -> RuleOutcome | None:
    if not rules.disability_types and not rules.diagnosis_codes:
        return None
    words = _condition_words(rules)
    has_types = set(answers.disability_types or ()) & set(rules.disability_types)
    codes = {c.strip().upper() for c in answers.diagnosis_codes or ()}
    has_codes = codes & set(rules.diagnosis_codes)
    if has_types or has_codes:
        return RuleOutcome(
            "condition", "passed", f"The client has a qualifying condition ({words})."
        )
    unanswered = (rules.disability_types and answers.disability_types is None) or (
        rules.diagnosis_codes and answers.diagnosis_codes is None
    )
    if unanswered:
        return RuleOutcome(
            "condition",
            "unknown",
            f"Disability or diagnosis: not recorded (the program requires {words}).",
        )
    return RuleOutcome(
        "condition",
        "failed",
        f"This program requires {words}; none is recorded for the client.",
    )


def _check_veteran(rules: Rules, answers: Answers) -> RuleOutcome | None:
    if not rules.veteran_required:
        return None
    if answers.is_veteran is None:
        return RuleOutcome(
            "veteran", "unknown", "Veteran status: not recorded (the program serves veterans)."
        )
    if answers.is_veteran:
        return RuleOutcome("veteran", "passed", "The client is a veteran.")
    return RuleOutcome(
        "veteran", "failed", "This program serves veterans; the client is not a veteran."
    )


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _check_questions(rules: Rules, answers: Answers) -> list[RuleOutcome]:
    outcomes = []
    for question in rules.questions:
        rule = f"question:{question.key}"
        given = answers.questions.get(question.key)
        if given is None:
            outcomes.append(RuleOutcome(rule, "unknown", f"“{question.text}”: not answered."))
        elif given == question.required_answer:
            outcomes.append(RuleOutcome(rule, "passed", f"“{question.text}”: {_yes_no(given)}."))
        else:
            message = (
                f"“{question.text}” must be answered {_yes_no(question.required_answer)} "
                f"for this program; the answer was {_yes_no(given)}."
            )
            outcomes.append(RuleOutcome(rule, "failed", message))
    return outcomes


def evaluate(
    *,
    answers: Answers,
    rules: Rules,
    guidelines: GuidelineTable,
    on: date,
    capacity: int | None = None,
    active_enrollments: int = 0,
) -> Result:
    """Apply ``rules`` to ``answers`` as of ``on``.

    Any failed rule makes the result ``ineligible`` (missing answers are still named, so the
    worker sees everything at once); otherwise a missing answer makes it ``undetermined``;
    otherwise it is ``eligible``, or ``waitlisted`` when ``active_enrollments >= capacity``.
    """
    outcomes: list[RuleOutcome] = []
    age = _check_age(rules, answers, on)
    income, guideline, percent = _check_income(rules, answers, guidelines, on)
    for outcome in (age, *_check_residence(rules, answers), income):
        if outcome is not None:
            outcomes.append(outcome)
    for outcome in (_check_condition(rules, answers), _check_veteran(rules, answers)):
        if outcome is not None:
            outcomes.append(outcome)
    outcomes.extend(_check_questions(rules, answers))
    statuses = {o.status for o in outcomes}
    if "failed" in statuses:
        verdict = INELIGIBLE
    elif "unknown" in statuses:
        verdict = UNDETERMINED
    elif capacity is not None and active_enrollments >= capacity:
        verdict = WAITLISTED
        message = (
            f"The client meets every rule, but the program is full ({active_enrollments} active "
            f"enrollments for {capacity} places), so they join the waiting list."
        )
        outcomes.append(RuleOutcome("capacity", "full", message))
    else:
        verdict = ELIGIBLE
    return Result(
        result=verdict,
        outcomes=tuple(outcomes),
        guideline_year=guideline.year if guideline else None,
        income_percent=percent,
    )

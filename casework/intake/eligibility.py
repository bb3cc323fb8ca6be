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
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation
from typing import Any

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


@dataclass(frozen=True)
class Question:
    """A program's own yes/no question and the answer a person must give to be eligible."""

    key: str
    text: str
    required_answer: bool


@dataclass(frozen=True)
class LocalGuideline:
    """A program's own income table for a territory without an HHS guideline."""

    state: str
    year: int
    first_person: int
    per_additional_person: int
    source: str


@dataclass(frozen=True)
class Rules:
    """One version of a program's eligibility rules. Empty/None means "no such rule"."""

    min_age: int | None = None
    max_age: int | None = None
    states: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    postal_codes: tuple[str, ...] = ()
    max_income_percent: int | None = None
    disability_types: tuple[int, ...] = ()
    diagnosis_codes: tuple[str, ...] = ()
    veteran_required: bool = False
    questions: tuple[Question, ...] = ()
    guideline_year: int | None = None
    territory_guidelines: tuple[LocalGuideline, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("states", "counties", "postal_codes", "disability_types", "diagnosis_codes"):
            data[name] = list(data[name])
        data["questions"] = [asdict(q) for q in self.questions]
        data["territory_guidelines"] = [asdict(t) for t in self.territory_guidelines]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Rules:
        """Parse and validate; raises :class:`RulesError` naming every bad field."""
        return _parse_rules(dict(data or {}))

    @property
    def is_empty(self) -> bool:
        return self == Rules()


def _int_or_none(
    data: Mapping[str, Any], name: str, errors: dict[str, str], *, low: int, high: int
) -> int | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors[name] = "Enter a whole number."
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        errors[name] = "Enter a whole number."
        return None
    if not low <= number <= high:
        errors[name] = f"Enter a number from {low} to {high}."
        return None
    return number


def _str_list(data: Mapping[str, Any], name: str, errors: dict[str, str]) -> list[str]:
    value = data.get(name) or []
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[name] = "Give a list of text values."
        return []
    seen: list[str] = []
    for item in (v.strip() for v in value):
        if item and item not in seen:
            seen.append(item)
    return seen


def _parse_residence(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    states = [s.upper() for s in _str_list(data, "states", errors)]
    bad_states = [s for s in states if s not in US_STATES]
    if bad_states:
        errors["states"] = f"Unknown state codes: {', '.join(bad_states)}. Use e.g. NY, NJ."
    counties = _str_list(data, "counties", errors)
    if any(len(c) > 60 for c in counties):
        errors["counties"] = "County names are at most 60 characters."
    postal = [normalize_postal(p) for p in _str_list(data, "postal_codes", errors)]
    bad_postal = [p for p in postal if not _POSTAL.match(p)]
    if bad_postal:
        errors["postal_codes"] = f"Use five-digit ZIP codes; not valid: {', '.join(bad_postal)}."
    return {
        "states": tuple(states),
        "counties": tuple(counties),
        "postal_codes": tuple(dict.fromkeys(postal)),
    }


def _parse_conditions(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    raw = data.get("disability_types") or []
    types: list[int] = []
    if not isinstance(raw, list | tuple):
        errors["disability_types"] = "Give a list of HMIS 1.3 disability type codes."
    else:
        for item in raw:
            try:
                code = int(item)
            except (TypeError, ValueError):
                code = -1
            if code not in DISABILITY_TYPES or isinstance(item, bool):
                errors["disability_types"] = (
                    f"Unknown disability type {item!r}; use HMIS 1.3 codes 5-10."
                )
            elif code not in types:
                types.append(code)
    codes = [c.upper() for c in _str_list(data, "diagnosis_codes", errors)]
    if any(not _CODE.match(c) for c in codes):
        errors["diagnosis_codes"] = (
            "Diagnosis codes are letters, digits, dots or dashes, e.g. F32.9."
        )
    return {"disability_types": tuple(sorted(types)), "diagnosis_codes": tuple(codes)}


def _parse_questions(data: Mapping[str, Any], errors: dict[str, str]) -> tuple[Question, ...]:
    raw = data.get("questions") or []
    if not isinstance(raw, list | tuple):
        errors["questions"] = "Give a list of questions."
        return ()
    questions: list[Question] = []
    for index, item in enumerate(raw):
        where = f"questions.{index}"
        if not isinstance(item, Mapping):
            errors[where] = "Each question needs key, text and required_answer."
            continue
        key = str(item.get("key") or "").strip()
        text = " ".join(str(item.get("text") or "").split())
        answer = item.get("required_answer")
        if not _QUESTION_KEY.match(key):
            errors[f"{where}.key"] = "Use lower-case letters, digits and _ (at most 40)."
        elif any(q.key == key for q in questions):
            errors[f"{where}.key"] = f"The key {key!r} is used twice."
        if not text or len(text) > 300:
            errors[f"{where}.text"] = "Write the question (at most 300 characters)."
        if not isinstance(answer, bool):
            errors[f"{where}.required_answer"] = "Choose yes (true) or no (false)."
        questions.append(Question(key=key, text=text, required_answer=bool(answer)))
    if len(questions) > 30:
        errors["questions"] = "At most 30 questions."
    return tuple(questions)


def _parse_territory_guidelines(
    data: Mapping[str, Any], errors: dict[str, str]
) -> tuple[LocalGuideline, ...]:
    """A program's tables for territories HHS does not cover: state, year, amounts, source."""
    raw = data.get("territory_guidelines") or []
    if not isinstance(raw, list | tuple):
        errors["territory_guidelines"] = "Give a list of territory tables."
        return ()
    tables: list[LocalGuideline] = []
    for index, item in enumerate(raw):
        where = f"territory_guidelines.{index}"
        if not isinstance(item, Mapping):
            errors[where] = (
                "Each table needs state, year, first_person, per_additional_person, source."
            )
            continue
        state = str(item.get("state") or "").strip().upper()
        if state not in TERRITORIES:
            errors[f"{where}.state"] = f"Use one of {', '.join(TERRITORIES)} (HHS covers the rest)."
        numbers = {}
        for key, low in (("year", 1980), ("first_person", 1), ("per_additional_person", 0)):
            number = _int_or_none(item, key, errors, low=low, high=10_000_000)
            if number is None:
                errors.setdefault(key, "Enter a whole number.")
                errors[f"{where}.{key}"] = errors.pop(key)
            numbers[key] = number or 0
        source = " ".join(str(item.get("source") or "").split())
        if not source or len(source) > 300:
            errors[f"{where}.source"] = "Say where the table comes from (at most 300 characters)."
        tables.append(LocalGuideline(state=state, source=source, **numbers))
    return tuple(tables)


def _parse_rules(data: dict[str, Any]) -> Rules:
    errors: dict[str, str] = {}
    known = set(Rules.__dataclass_fields__)
    for name in sorted(set(data) - known):
        errors[name] = "Unknown rule."
    min_age = _int_or_none(data, "min_age", errors, low=0, high=MAX_AGE)
    max_age = _int_or_none(data, "max_age", errors, low=0, high=MAX_AGE)
    if min_age is not None and max_age is not None and max_age < min_age:
        errors["max_age"] = "The maximum age must be at least the minimum age."
    percent = _int_or_none(data, "max_income_percent", errors, low=1, high=1000)
    year = _int_or_none(data, "guideline_year", errors, low=1980, high=2100)
    veteran = data.get("veteran_required", False)
    if not isinstance(veteran, bool):
        errors["veteran_required"] = "Choose yes (true) or no (false)."
    rules = Rules(
        min_age=min_age,
        max_age=max_age,
        max_income_percent=percent,
        veteran_required=bool(veteran),
        guideline_year=year,
        questions=_parse_questions(data, errors),
        territory_guidelines=_parse_territory_guidelines(data, errors),
        **_parse_residence(data, errors),
        **_parse_conditions(data, errors),
    )
    if errors:
        raise RulesError(errors)
    return rules


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

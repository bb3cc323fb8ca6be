"""The scoring engine: answers plus an instrument definition in, a scored result out.

Pure functions, no database: the services, the API, the web pages and the
``casework instruments score`` command all call :func:`score`, so they cannot disagree.

Rules (DOMAIN-CARE A.9): "not answered" is not 0; an item hidden by skip logic is neither
missing nor scored, and an answer given to it is dropped (listed in ``skipped``); a total is
given only when no more scored items are missing than the rule allows (``allow_missing``,
optionally prorated), and the result always names the missing items.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from casework.assessments.schema import Condition, InstrumentSpec, Item, PointsRule, TotalRule

TEXT_LIMIT = 2000


class AnswerError(Exception):
    """Answers that cannot be scored; ``errors`` maps each item id to its problem."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


@dataclass
class _State:
    spec: InstrumentSpec
    answers: dict[str, Any]  # normalized answers of enabled items only
    values: dict[str, float] = field(default_factory=dict)  # numeric value per answered item
    total: float | None = None
    enabled: list[str] = field(default_factory=list)  # ids of the items asked
    band: str | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    if isinstance(value, str):
        try:
            parsed = float(value.strip())
        except ValueError:
            return None
        return parsed if math.isfinite(parsed) else None
    return None


def _choice(spec: InstrumentSpec, item: Item, raw: Any) -> str:
    options = spec.options_for(item)
    for option in options:
        if str(raw) == option.code:
            return option.code
    number = _number(raw)
    matches = [o for o in options if number is not None and o.value == number]
    if len(matches) == 1:
        return matches[0].code
    choices = ", ".join(o.code for o in options)
    raise ValueError(f"choose one of: {choices}")


def _normalize_one(spec: InstrumentSpec, item: Item, raw: Any) -> Any:
    """The stored form of one answer, or ValueError naming the problem."""
    if item.type == "choice":
        return _choice(spec, item, raw)
    if item.type == "multi":
        chosen = raw if isinstance(raw, list) else [raw]
        codes = [_choice(spec, item, one) for one in chosen]
        return sorted(set(codes), key=codes.index)
    if item.type in ("number", "rating"):
        number = _number(raw)
        low, high = (1.0, 5.0) if item.type == "rating" else (item.min, item.max)
        if item.type == "rating" and item.min is not None:
            low, high = item.min, item.max
        if number is None:
            raise ValueError("enter a number")
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"enter a number from {_fmt(low)} to {_fmt(high)}")
        return int(number) if number.is_integer() else number
    if item.type == "date":
        try:
            return datetime.date.fromisoformat(str(raw)).isoformat()
        except ValueError:
            raise ValueError("enter a date as YYYY-MM-DD") from None
    text = str(raw).strip()
    if len(text) > TEXT_LIMIT or "\x00" in text:
        raise ValueError(f"at most {TEXT_LIMIT} characters of plain text")
    return text


def _fmt(value: float | None) -> str:
    if value is None:
        return "any"
    return str(int(value)) if float(value).is_integer() else str(value)


def _blank(raw: Any) -> bool:
    return raw is None or raw == "" or raw == []


def normalize(spec: InstrumentSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Every given answer in stored form (blank ones dropped); AnswerError lists problems."""
    errors: dict[str, str] = {}
    known = {item.id: item for item in spec.items}
    normalized: dict[str, Any] = {}
    for key, raw in answers.items():
        if key not in known:
            errors[str(key)[:40]] = "not an item of this instrument"
            continue
        if _blank(raw):
            continue
        try:
            normalized[key] = _normalize_one(spec, known[key], raw)
        except ValueError as problem:
            errors[key] = str(problem)
    if errors:
        raise AnswerError(errors)
    return normalized


def _value(spec: InstrumentSpec, item: Item, answer: Any) -> float | None:
    if item.type == "choice":
        option = next(o for o in spec.options_for(item) if o.code == answer)
        return None if option.value is None else float(option.value)
    if item.type == "multi":
        by_code = {o.code: o for o in spec.options_for(item)}
        return float(sum(by_code[c].value or 0 for c in answer))
    if item.type in ("number", "rating"):
        return float(answer)
    return None


def _points(rules: list[PointsRule], value: float) -> float:
    for rule in rules:
        if (rule.min is None or value >= rule.min) and (rule.below is None or value < rule.below):
            return rule.points
    return 0.0


def _compare(cond: Condition, value: float | None) -> bool:
    tests = [(cond.gt, "gt"), (cond.gte, "gte"), (cond.lt, "lt"), (cond.lte, "lte")]
    if all(limit is None for limit, _ in tests):
        return True
    if value is None:
        return False
    checks = {"gt": value.__gt__, "gte": value.__ge__, "lt": value.__lt__, "lte": value.__le__}
    return all(checks[name](limit) for limit, name in tests if limit is not None)


def _item_holds(cond: Condition, state: _State) -> bool:
    assert cond.item is not None
    answer = state.answers.get(cond.item)
    if cond.answered is not None:
        return (answer is not None) == cond.answered
    if answer is None:
        return False
    codes = [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]
    if cond.equals is not None and str(cond.equals) not in codes:
        return False
    if cond.in_ is not None and not {str(v) for v in cond.in_} & set(codes):
        return False
    if cond.not_in is not None and {str(v) for v in cond.not_in} & set(codes):
        return False
    if cond.any_except is not None and not set(codes) - set(cond.any_except):
        return False
    return _compare(cond, state.values.get(cond.item))


def holds(cond: Condition, state: _State) -> bool:
    """Whether ``cond`` is true of the answers (unanswered items never satisfy a test)."""
    if cond.any is not None:
        return any(holds(c, state) for c in cond.any)
    if cond.all is not None:
        return all(holds(c, state) for c in cond.all)
    if cond.sum is not None:
        if any(ref not in state.values for ref in cond.sum):
            return False
        return _compare(cond, sum(state.values[ref] for ref in cond.sum))
    if cond.total:
        return _compare(cond, state.total)
    if cond.band is not None:
        return state.band == cond.band
    return _item_holds(cond, state)


def _enabled_answers(spec: InstrumentSpec, given: dict[str, Any]) -> tuple[_State, list[str]]:
    """Apply skip logic in item order; answers to items not asked are dropped."""
    state = _State(spec=spec, answers={})
    skipped: list[str] = []
    enabled = state.enabled
    for item in spec.items:
        if not all(holds(c, state) for c in item.enable_when):
            if item.id in given:
                skipped.append(item.id)
            continue
        enabled.append(item.id)
        if item.id in given:
            state.answers[item.id] = given[item.id]
            value = _value(spec, item, given[item.id])
            if value is not None:
                state.values[item.id] = value
    return state, skipped


def _item_points(spec: InstrumentSpec, state: _State) -> dict[str, float]:
    points: dict[str, float] = {}
    for item in spec.items:
        value = state.values.get(item.id)
        if value is None or not item.scored:
            continue
        points[item.id] = _points(item.points, value) if item.points else value
    return points


def _total(rule: TotalRule, points: dict[str, float], enabled: list[str]) -> float | None:
    asked = [i for i in rule.items if i in enabled]
    answered = [i for i in asked if i in points]
    if not answered or len(asked) - len(answered) > rule.allow_missing:
        return None
    total = sum(points[i] for i in answered)
    if rule.prorate and len(answered) < len(asked):
        total = round(total * len(asked) / len(answered))
    return total


def _band(spec: InstrumentSpec, state: _State) -> dict[str, Any] | None:
    for band in spec.bands:
        if band.min is not None or band.max is not None:
            if state.total is None:
                continue
            if band.min is not None and state.total < band.min:
                continue
            if band.max is not None and state.total > band.max:
                continue
        if band.when is not None and not holds(band.when, state):
            continue
        found = {"code": band.code, "label": band.label}
        return found | ({"action": band.action} if band.action else {})
    return None


def _needs(spec: InstrumentSpec, state: _State, band: Any, flags: list[dict[str, Any]]) -> list:
    found: dict[str, dict[str, Any]] = {}

    def add(domain: str | None, source: str, **extra: Any) -> None:
        if domain and domain not in found:
            found[domain] = {"domain": domain, "source": source, **extra}

    for item in spec.items:
        answer = state.answers.get(item.id)
        if answer is None:
            continue
        value = state.values.get(item.id)
        if spec.needs and item.domain and value is not None and value <= spec.needs.at_most:
            add(item.domain, item.id, rating=_clean(value))
        if item.type in ("choice", "multi"):
            chosen = answer if isinstance(answer, list) else [answer]
            for option in spec.options_for(item):
                if option.code in chosen:
                    add(option.need, item.id)
    if band is not None:
        add(next((b.need for b in spec.bands if b.code == band["code"]), None), "band")
    for flag in flags:
        add(flag.get("need"), f"flag:{flag['code']}")
    return list(found.values())


def _clean(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def score(spec: InstrumentSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The scored result: ``total``, ``band``, ``subscales``, ``flags``, ``missing``,
    ``skipped``, ``needs``, ``points`` and the normalized ``answers`` actually used.

    Raises :class:`AnswerError` for unknown items and invalid values.
    """
    given = normalize(spec, answers)
    state, skipped = _enabled_answers(spec, given)
    enabled = state.enabled
    points = _item_points(spec, state)
    missing = [i.id for i in spec.items if i.id in enabled and i.required and i.id not in given]
    if spec.total is not None:
        state.total = _total(spec.total, points, enabled)
    subscales = {
        name: _clean(_total(rule, points, enabled)) for name, rule in spec.subscales.items()
    }
    band = _band(spec, state)
    state.band = band["code"] if band else None
    flags = [
        {"code": f.code, "label": f.label, "severity": f.severity, "raise_risk": f.raise_risk}
        | ({"offer": f.offer} if f.offer else {})
        | ({"need": f.need} if f.need else {})
        for f in spec.flags
        if holds(f.when, state)
    ]
    return {
        "instrument": spec.code,
        "version": spec.version,
        "variant": spec.variant,
        "total": _clean(state.total),
        "band": band,
        "subscales": subscales,
        "flags": flags,
        "missing": missing,
        "skipped": skipped,
        "needs": _needs(spec, state, band, flags),
        "points": {k: _clean(v) for k, v in points.items()},
        "answers": state.answers,
    }


def enabled_items(spec: InstrumentSpec, answers: Mapping[str, Any]) -> list[str]:
    """Ids of the items asked, given the answers so far (for live skip logic in forms).

    Invalid answers are ignored here (the form reports them on submit).
    """
    given: dict[str, Any] = {}
    for key, raw in answers.items():
        try:
            given |= normalize(spec, {key: raw})
        except AnswerError:
            continue
    state, _ = _enabled_answers(spec, given)
    return list(state.enabled)

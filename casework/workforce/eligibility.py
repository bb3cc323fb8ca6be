"""The eligibility engine: pure functions over a staff record and the rule data.

No database access here: callers build a :class:`StaffRecord` (from the database, or from
the answers to the public pathway planner) and pass the rule parameters in force. Each
requirement comes back met, not met or "cannot tell", with the evidence used and, when not
met, what is missing in plain words.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, CANNOT_TELL = "eligible", "not_eligible", "cannot_tell"
_EPSILON = 1e-9


@dataclass(frozen=True)
class DegreeFact:
    code: str
    level: str
    field: str
    accreditation: str = ""  # "" means unknown
    completed_on: date | None = None
    field_experience: bool | None = None  # None means unknown
    disability_coursework: bool | None = None  # CRC Category D; None means unknown


@dataclass(frozen=True)
class CredentialFact:
    kind: str
    jurisdiction: str = ""
    current: bool = True
    issued_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class PositionFact:
    started_on: date
    ended_on: date | None = None
    setting: str = "other"
    case_management: bool = True
    supervises_case_managers: bool = False
    full_time: bool = True
    hours_per_week: int = 40
    supervisor_credentials: tuple[str, ...] = ()
    supervised: bool = False


@dataclass(frozen=True)
class HoursFact:
    worked_on: date
    hours: float
    kind: str
    practicum: bool = False  # practicum hours never count toward post-degree licensure


@dataclass(frozen=True)
class ExamFact:
    code: str
    taken_on: date
    passed: bool
    jurisdiction: str = ""


@dataclass(frozen=True)
class CeFact:
    completed_on: date
    hours: float
    category: str
    course: str = ""


@dataclass(frozen=True)
class StaffRecord:
    degrees: Sequence[DegreeFact] = ()
    licences: Sequence[CredentialFact] = ()
    certifications: Sequence[CredentialFact] = ()
    positions: Sequence[PositionFact] = ()
    hours: Sequence[HoursFact] = ()
    ce: Sequence[CeFact] = ()
    exams: Sequence[ExamFact] = ()
    hours_known: bool = True  # False for planner answers: no hours log exists
    # False for planner answers: when a month was worked (before or after a degree, with
    # or without a licence) is not known, so a qualifying-status rule cannot be settled.
    timing_known: bool = True


@dataclass
class RequirementResult:
    id: str
    label: str
    status: str
    evidence: list[str] = field(default_factory=list)
    missing: str = ""
    shortfall: float = 0.0  # months or hours still needed; ranks the alternatives

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "evidence": self.evidence,
            "missing": self.missing,
        }


@dataclass
class CredentialResult:
    code: str
    name: str
    status: str
    requirements: list[RequirementResult]

    @property
    def eligible(self) -> bool:
        return self.status == ELIGIBLE

    @property
    def missing(self) -> list[str]:
        return [r.missing for r in self.requirements if r.status == NOT_MET and r.missing]

    @property
    def cannot_tell(self) -> list[str]:
        return [r.missing or r.label for r in self.requirements if r.status == UNKNOWN]


# --- dates ------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(start: date, end: date) -> float:
    """Calendar months from ``start`` to ``end`` (exclusive), with a fraction for the rest."""
    if end <= start:
        return 0.0
    whole = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, whole) > end:
        whole -= 1
    anchor, following = add_months(start, whole), add_months(start, whole + 1)
    return whole + (end - anchor).days / (following - anchor).days


def years_before(day: date, years: int) -> date:
    return add_months(day, -12 * years)


def _count(value: float) -> str:
    shown = math.ceil(value - _EPSILON)
    return f"{shown:,}"


def _more(value: float, what: str) -> str:
    """``"1 more hour of supervision"``/``"2 more hours of supervision"``: ``what`` is written
    in the plural; its word "hours" becomes "hour" when exactly one is missing."""
    shown = math.ceil(value - _EPSILON)
    if shown == 1:
        what = what.replace("hours", "hour", 1)
    return f"{shown:,} more {what}"


def _counted(value: float, unit: str) -> str:
    """``"1 more month"``, ``"3 more months"``: the count rounded up, the unit in agreement."""
    shown = math.ceil(value - _EPSILON)
    return f"{shown:,} {unit}" if shown == 1 else f"{shown:,} {unit}s"


# --- requirements -----------------------------------------------------------------------


def evaluate(
    record: StaffRecord, *, code: str, name: str, params: dict[str, Any], today: date
) -> CredentialResult:
    """Evaluate every requirement of one credential rule against ``record``."""
    state = params.get("state", "")
    results = [
        _requirement(record, req, today=today, state=state) for req in params["requirements"]
    ]
    return CredentialResult(code=code, name=name, status=_overall(results), requirements=results)


def _overall(results: Iterable[RequirementResult]) -> str:
    statuses = {r.status for r in results}
    if NOT_MET in statuses:
        return NOT_ELIGIBLE
    return CANNOT_TELL if UNKNOWN in statuses else ELIGIBLE


def _requirement(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    handler = _HANDLERS[req["type"]]
    result = handler(record, req, today=today, state=state)
    result.id = req.get("id", req["type"])
    result.label = req.get("label", result.label)
    return result


def _licence(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    return _held(record.licences, req, today=today, state=state if req.get("same_state") else "")


def _certification(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    return _held(record.certifications, req, today=today, state="")


def _held(
    facts: Sequence[CredentialFact], req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    kinds = set(req["kinds"])
    where = f" in {state}" if state else ""
    label = f"A current {' or '.join(req['kinds'])}{where}"
    for fact in facts:
        if fact.kind not in kinds or (state and fact.jurisdiction != state):
            continue
        if fact.current and (fact.expires_on is None or fact.expires_on >= today):
            until = f", valid through {fact.expires_on}" if fact.expires_on else ""
            place = f" ({fact.jurisdiction})" if fact.jurisdiction else ""
            return RequirementResult("", label, MET, [f"{fact.kind}{place}{until}"])
    lapsed = [f.kind for f in facts if f.kind in kinds]
    evidence = [f"{k} held but not current" for k in lapsed]
    return RequirementResult(
        "", label, NOT_MET, evidence, f"Hold a current {' or '.join(req['kinds'])}{where}", math.inf
    )


def _degree(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    best = NOT_MET
    evidence: list[str] = []
    for degree in record.degrees:
        status = _degree_match(degree, req, today)
        if status == NOT_MET:
            continue
        evidence.append(
            f"{degree.code}" + (f", {degree.accreditation}" if degree.accreditation else "")
        )
        if status == MET:
            return RequirementResult("", "", MET, evidence[-1:])
        best = UNKNOWN
    label = req.get("label", "a qualifying degree")
    if best == UNKNOWN:
        unknown = req.get("unknown") or (
            "Record the degree's accreditation and whether it included a supervised field "
            "experience"
        )
        return RequirementResult("", label, UNKNOWN, evidence, unknown)
    return RequirementResult(
        "", label, NOT_MET, [], f"Earn {label[0].lower()}{label[1:]}", math.inf
    )


def _degree_match(degree: DegreeFact, req: dict[str, Any], today: date) -> str:
    if degree.completed_on is None or degree.completed_on > today:
        return NOT_MET
    if req.get("codes") and degree.code not in req["codes"]:
        return NOT_MET
    if req.get("levels") and degree.level not in req["levels"]:
        return NOT_MET
    if req.get("fields") and degree.field not in req["fields"]:
        return NOT_MET
    status = MET
    if req.get("accreditation") and degree.accreditation not in req["accreditation"]:
        if degree.accreditation:
            return NOT_MET
        status = UNKNOWN
    for flag in ("field_experience", "disability_coursework"):
        if req.get(flag) and not getattr(degree, flag):
            if getattr(degree, flag) is False:
                return NOT_MET
            status = UNKNOWN
    return status


# --- qualifying status -------------------------------------------------------------------
#
# Licensure hours and months count only when gained in the status the rule names: after the
# degree it requires, while holding the registration, licence or permit it names (in its
# state), inside its window; practicum hours never count toward post-degree licensure.

Span = tuple[date, date]  # inclusive


def qualifying_spans(
    record: StaffRecord, status: dict[str, Any] | None, *, today: date, state: str
) -> list[Span] | None:
    """The periods in which ``status`` held (None: the rule names no status)."""
    if not status:
        return None
    spans: list[Span] = [(date.min, today)]
    if status.get("after_degree"):
        done = [
            d.completed_on
            for d in record.degrees
            if d.code in status["after_degree"] and d.completed_on and d.completed_on <= today
        ]
        spans = [(min(done), today)] if done else []
    if status.get("while_holding"):
        where = state if status.get("same_state") else ""
        held = [
            (f.issued_on or date.min, min(f.expires_on or today, today))
            for f in record.licences
            if f.kind in status["while_holding"] and (not where or f.jurisdiction == where)
        ]
        spans = [
            (max(a, c), min(b, d)) for a, b in spans for c, d in held if max(a, c) <= min(b, d)
        ]
    return spans


def status_words(status: dict[str, Any] | None, state: str) -> str:
    """``" gained after the MSW while holding a NY LMSW or LP-SW"``, or ``""``."""
    if not status:
        return ""
    parts = []
    if status.get("after_degree"):
        parts.append(f"after the {' or '.join(status['after_degree'])}")
    if status.get("while_holding"):
        where = f"{state} " if status.get("same_state") and state else ""
        parts.append(f"while holding a {where}{' or '.join(status['while_holding'])}")
    return " gained " + " ".join(parts) if parts else ""


def _inside(day: date, spans: list[Span] | None) -> bool:
    return spans is None or any(a <= day <= b for a, b in spans)


def experience_months(
    positions: Iterable[PositionFact],
    req: dict[str, Any],
    *,
    today: date,
    spans: list[Span] | None = None,
) -> tuple[float, list[str]]:
    """Full-time-equivalent months of the positions that count for ``req`` (clipped to the
    qualifying ``spans`` when given), and why."""
    window = years_before(today, req["within_years"]) if req.get("within_years") else date.min
    total, evidence = 0.0, []
    for pos in positions:
        if not _position_counts(pos, req):
            continue
        factor = 1.0
        if not pos.full_time:
            if req.get("part_time", "prorate") == "exclude":
                continue
            factor = min(1.0, pos.hours_per_week / req.get("full_time_hours", 40))
        for start, last in _clip(
            (max(pos.started_on, window), min(pos.ended_on or today, today)), spans
        ):
            months = months_between(start, last + timedelta(days=1))
            if months * factor <= 0:
                continue
            total += months * factor
            note = (
                f" at {pos.hours_per_week} h/week = {months * factor:.1f} full-time"
                if factor < 1
                else ""
            )
            evidence.append(f"{months:.1f} months from {start}{note}")
    return total, evidence


def _clip(span: Span, spans: list[Span] | None) -> list[Span]:
    if span[0] > span[1]:
        return []
    if spans is None:
        return [span]
    return [
        (max(span[0], a), min(span[1], b)) for a, b in spans if max(span[0], a) <= min(span[1], b)
    ]


def _position_counts(pos: PositionFact, req: dict[str, Any]) -> bool:
    if req.get("supervisor_role"):
        return pos.supervises_case_managers
    if not pos.case_management and not req.get("any_role"):
        return False
    if req.get("settings") and pos.setting not in req["settings"]:
        return False
    if req.get("supervised") and not (pos.supervised or pos.supervisor_credentials):
        return False
    wanted = set(req.get("supervisor_credentials") or ())
    return not wanted or bool(wanted & set(pos.supervisor_credentials))


def _experience(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    status = req.get("status")
    spans = qualifying_spans(record, status, today=today, state=state)
    if not record.timing_known:
        spans = None  # the planner does not know when the months fell; settled below
    have, evidence = experience_months(record.positions, req, today=today, spans=spans)
    need = req["months"] - have
    what = req.get("description", "experience") + status_words(status, state)
    label = f"{req['months']} months of {what}"
    window = f" (within the last {req['within_years']} years)" if req.get("within_years") else ""
    if need <= _EPSILON and status and not record.timing_known:
        words = status_words(status, state)
        unknown = f"Casework cannot tell from your answers whether the months were{words}"
        return RequirementResult("", label, UNKNOWN, evidence, unknown)
    if need <= _EPSILON:
        return RequirementResult("", label, MET, evidence or [f"{have:.1f} months"])
    missing = f"{_counted(need, 'more month')} of {what}{window}"
    return RequirementResult("", label, NOT_MET, evidence, missing, need)


def _hours_entries(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> tuple[list[HoursFact], list[str]]:
    """The log entries that count for ``req``, and what was left out and why."""
    start = years_before(today, req["within_years"]) if req.get("within_years") else date.min
    kinds = set(req.get("kinds") or ())
    spans = qualifying_spans(record, req.get("status"), today=today, state=state)
    entries, practicum, outside = [], 0.0, 0.0
    for h in record.hours:
        if not (start <= h.worked_on <= today and (not kinds or h.kind in kinds)):
            continue
        if h.practicum and not req.get("practicum_counts"):
            practicum += h.hours
        elif not _inside(h.worked_on, spans):
            outside += h.hours
        else:
            entries.append(h)
    notes = []
    if practicum:
        notes.append(f"{practicum:,.1f} practicum hours do not count toward licensure")
    if outside:
        words = status_words(req.get("status"), state).strip()
        notes.append(f"{outside:,.1f} hours do not count: only hours {words} count")
    return entries, notes


def _span_shortfall(entries: list[HoursFact], req: dict[str, Any], what: str) -> tuple[str, float]:
    """How far the entries fall short of the rule's minimum span, in words and units."""
    first = min(h.worked_on for h in entries)
    last = max(h.worked_on for h in entries) + timedelta(days=1)
    if req.get("min_span_weeks"):
        weeks = (last - first).days / 7
        if weeks + _EPSILON < req["min_span_weeks"]:
            text = (
                f"Spread the {what} over at least {req['min_span_weeks']} weeks (now {weeks:.0f})"
            )
            return text, req["min_span_weeks"] - weeks
    if req.get("min_span_months"):
        span = months_between(first, last)
        if span + _EPSILON < req["min_span_months"]:
            text = (
                f"Spread the {what} over at least {req['min_span_months']} months (now {span:.0f})"
            )
            return text, req["min_span_months"] - span
    return "", 0.0


def _hours(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    what = req.get("description", "supervised hours")
    label = f"{req['hours']:,} {what}"
    if not record.hours_known:
        return RequirementResult(
            "", label, UNKNOWN, [], f"Log your {what}: Casework cannot tell them from months"
        )
    entries, notes = _hours_entries(record, req, today=today, state=state)
    total = sum(h.hours for h in entries)
    evidence = [f"{total:,.1f} signed hours in {len(entries)} entries", *notes]
    if total + _EPSILON < req["hours"]:
        missing = _more(req["hours"] - total, what) + status_words(req.get("status"), state)
        return RequirementResult("", label, NOT_MET, evidence, missing, req["hours"] - total)
    text, short = _span_shortfall(entries, req, what)
    if text:
        return RequirementResult("", label, NOT_MET, evidence, text, short)
    return RequirementResult("", label, MET, evidence)


def _exam(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    """A passed exam result (a state exam in the rule's state)."""
    where = state if req.get("same_state") else ""
    label = req.get("label", f"Pass the {' or '.join(req['kinds'])} exam")
    for exam in record.exams:
        usable = exam.code in req["kinds"] and exam.passed and exam.taken_on <= today
        if usable and (not where or exam.jurisdiction == where):
            place = f" ({exam.jurisdiction})" if exam.jurisdiction else ""
            return RequirementResult(
                "", label, MET, [f"{exam.code}{place} passed on {exam.taken_on}"]
            )
    failed = [
        f"{e.code} not passed on {e.taken_on}" for e in record.exams if e.code in req["kinds"]
    ]
    missing = req.get("missing") or label
    return RequirementResult("", label, NOT_MET, failed, missing, 0.5)


def _external(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    return RequirementResult(
        "", req.get("label", ""), UNKNOWN, [], req.get("missing", req.get("label", ""))
    )


def _one_of(
    record: StaffRecord, req: dict[str, Any], *, today: date, state: str
) -> RequirementResult:
    ranked = []
    for option in req["options"]:
        subs = [_requirement(record, sub, today=today, state=state) for sub in option["all"]]
        status = {ELIGIBLE: MET, CANNOT_TELL: UNKNOWN, NOT_ELIGIBLE: NOT_MET}[_overall(subs)]
        ranked.append((status, sum(s.shortfall for s in subs if s.status == NOT_MET), option, subs))
    order = {MET: 0, UNKNOWN: 1, NOT_MET: 2}
    ranked.sort(key=lambda item: (order[item[0]], item[1]))
    status, shortfall, option, subs = ranked[0]
    evidence = [f"{option['label']}: " + "; ".join(e for s in subs for e in s.evidence)]
    if status == MET:
        return RequirementResult("", "", MET, evidence)
    texts = ["; ".join(s.missing for s in subs if s.status != MET and s.missing)]
    texts += [
        "; ".join(s.missing for s in alt_subs if s.status != MET and s.missing)
        for alt_status, _, _, alt_subs in _alternatives(ranked[1:], shortfall)
        if alt_status == NOT_MET
    ]
    return RequirementResult(
        "", "", status, evidence, "; or ".join(t for t in texts if t), shortfall
    )


def _alternatives(ranked: list[Any], best_shortfall: float) -> list[Any]:
    """The one alternative worth suggesting, not marked ``suggest: false`` in the rule: when
    the best option needs only more of the same (a finite shortfall), only such another one;
    a different licence or degree is suggested only when every option needs one."""
    return [
        r
        for r in ranked
        if r[2].get("suggest", True) and (r[1] != math.inf or best_shortfall == math.inf)
    ][:1]


_HANDLERS = {
    "licence": _licence,
    "certification": _certification,
    "degree": _degree,
    "experience": _experience,
    "hours": _hours,
    "external": _external,
    "exam": _exam,
    "one_of": _one_of,
}


# --- renewal ------------------------------------------------------------------------------


@dataclass
class RenewalResult:
    code: str
    name: str
    cycle_start: date
    deadline: date
    required_hours: float
    earned_hours: float
    categories: list[dict[str, Any]]
    missing: list[str]
    courses: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "cycle_start": self.cycle_start.isoformat(),
            "deadline": self.deadline.isoformat(),
            "required_hours": self.required_hours,
            "earned_hours": self.earned_hours,
            "categories": self.categories,
            "met": self.met,
            "missing": self.missing,
            "courses": self.courses,
            "notes": self.notes,
        }


def renewal_cycle(
    renewal: dict[str, Any], *, issued_on: date | None, expires_on: date | None, today: date
) -> tuple[date, date]:
    """The current cycle: it ends at the expiry (or one cycle after issue) and is one cycle long."""
    months = 12 * int(renewal["cycle_years"])
    deadline = expires_on or add_months(issued_on or today, months)
    start = add_months(deadline, -months)
    if issued_on and issued_on > start:
        start = issued_on
    return start, deadline


def renewal_progress(
    ce: Iterable[CeFact],
    renewal: dict[str, Any],
    *,
    code: str,
    name: str,
    cycle_start: date,
    deadline: date,
    certifications: Sequence[CredentialFact] = (),
    today: date | None = None,
) -> RenewalResult:
    """CE hours earned in the cycle against the rule's total and per-category minimums;
    a current certification the rule accepts instead of the hours (Texas RN); and courses on
    their own clock (New York's infection-control course every 4 years)."""
    entries = list(ce)
    counted = [c for c in entries if cycle_start <= c.completed_on <= deadline]
    earned = sum(c.hours for c in counted)
    required = float(renewal["ce_hours"])
    missing: list[str] = []
    categories = []
    for category, minimum in (renewal.get("categories") or {}).items():
        got = sum(c.hours for c in counted if c.category == category)
        categories.append({"category": category, "required": minimum, "earned": got})
        if got + _EPSILON < minimum:
            label = category.replace("_", " ")
            missing.append(_more(minimum - got, f"{label} CE hours before {deadline}"))
    if earned + _EPSILON < required:
        missing.insert(0, _more(required - earned, f"CE hours before {deadline}"))
    notes: list[str] = []
    day = today or cycle_start
    instead = _certification_instead(renewal, certifications, day)
    if instead:
        missing, notes = [], [instead]
    courses = [_course_status(entries, course, day) for course in renewal.get("courses") or []]
    missing += [c["missing"] for c in courses if c["missing"]]
    result = RenewalResult(code, name, cycle_start, deadline, required, earned, categories, missing)
    result.courses, result.notes = courses, notes
    return result


def _certification_instead(
    renewal: dict[str, Any], certifications: Sequence[CredentialFact], day: date
) -> str:
    """Why the CE hours are not needed: a current certification the rule accepts, or ""."""
    alternative = renewal.get("instead_of_hours")
    if not alternative:
        return ""
    for fact in certifications:
        unexpired = fact.expires_on is None or fact.expires_on >= day
        if fact.kind in alternative["kinds"] and fact.current and unexpired:
            return f"{fact.kind} is current: {alternative['label']}"
    return ""


def _course_status(entries: list[CeFact], course: dict[str, Any], day: date) -> dict[str, Any]:
    """A mandated course on its own clock: last completion, next due date, what is missing."""
    words = [w.lower() for w in course["match"]]
    done = [c.completed_on for c in entries if any(w in c.course.lower() for w in words)]
    last = max(done, default=None)
    every = course.get("every_years")
    due = add_months(last, 12 * every) if last and every else None
    missing = ""
    if last is None:
        missing = f"Complete the {course['label']}"
    elif due is not None and due < day:
        missing = f"Complete the {course['label']} again (it was due on {due})"
    return {
        "id": course["id"],
        "label": course["label"],
        "every_years": every,
        "last_completed": last.isoformat() if last else None,
        "due": due.isoformat() if due else None,
        "missing": missing,
    }

"""The career pathway planner: answers in, an ordered personal roadmap out.

Pure over the rule data (no writes): the public page, the API, the CLI and the logged-in
planner all call :func:`plan`. The steps, employers and figures are admin-editable data
(``data/pathway.yaml``); the eligibility lines come from the credential rules.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from casework.accounts.models import PracticeArea
from casework.core.messages import public_citation
from casework.workforce import eligibility as engine
from casework.workforce.models import (
    DEGREE_FACTS,
    Accreditation,
    CertificationKind,
    Degree,
    ExamKind,
    LicenceKind,
    Setting,
)
from casework.workforce.rules import current_rules

CERTIFICATION_CODES = frozenset(CertificationKind.values) - {"OTHER"}
LICENCE_CODES = frozenset(LicenceKind.values) - {"OTHER"}
EXAM_CODES = frozenset(ExamKind.values)
STATE_RE = re.compile(r"^[A-Z]{2}$")
MAX_MONTHS = 600
# Degrees whose accredited programmes include supervised field education (CSWE EPAS field
# education; nursing clinicals; the CRC internship), so the planner may assume it.
FIELD_EDUCATION: set[str] = {Degree.BSW, Degree.MSW, Degree.BSN, Degree.MSN, Degree.ADN, Degree.MRC}
ACCREDITOR: dict[str, str] = {
    Degree.BSW: Accreditation.CSWE,
    Degree.MSW: Accreditation.CSWE,
    Degree.MRC: Accreditation.CACREP,
}


@dataclass(frozen=True)
class Answers:
    area: str
    degrees: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()  # licences and certifications held
    experience_months: int = 0
    supervised_months: int = 0
    state: str = ""
    goal: str = ""  # empty: the area's default goal
    setting: str = ""  # empty: the area's usual work setting
    exams: tuple[str, ...] = ()  # exams passed (a state exam: in ``state``)


@dataclass
class Plan:
    answers: Answers
    goal: dict[str, Any]
    goals: list[dict[str, Any]]
    setting: str
    steps: list[dict[str, Any]] = field(default_factory=list)
    optional_steps: list[dict[str, Any]] = field(default_factory=list)
    entry_routes: list[dict[str, Any]] = field(default_factory=list)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    total_estimate_months: int = 0

    def as_dict(self) -> dict[str, Any]:
        a = self.answers
        return {
            "answers": {
                "area": a.area,
                "degrees": list(a.degrees),
                "licences": list(a.licences),
                "experience_months": a.experience_months,
                "supervised_months": a.supervised_months,
                "state": a.state,
                "goal": self.goal["id"],
                "setting": self.setting,
                "exams": list(a.exams),
            },
            "goal": self.goal,
            "goals": self.goals,
            "entry_routes": self.entry_routes,
            "steps": self.steps,
            "optional_steps": self.optional_steps,
            "credentials": self.credentials,
            "employers": self.employers,
            "figures": self.figures,
            "source": self.source,
            "total_estimate_months": self.total_estimate_months,
            "total_estimate_text": months_text(self.total_estimate_months),
        }


def _codes(
    value: str | list[str] | tuple[str, ...], allowed: frozenset[str], name: str
) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = [c.strip().upper().replace(" ", "_") for c in items if c and c.strip()]
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ValidationError(
            {name: f"Unknown code(s) {', '.join(unknown)}; use {', '.join(sorted(allowed))}."}
        )
    return tuple(dict.fromkeys(codes))


def parse_answers(
    *,
    area: str,
    degrees: str | list[str] | tuple[str, ...] = "",
    licences: str | list[str] | tuple[str, ...] = "",
    experience_months: int = 0,
    supervised_months: int = 0,
    state: str = "",
    goal: str = "",
    setting: str = "",
    exams: str | list[str] | tuple[str, ...] = "",
) -> Answers:
    """Validate the planner's inputs; a ``ValidationError`` names the offending parameter."""
    if area not in PracticeArea.values:
        raise ValidationError({"area": f"Choose one of {', '.join(PracticeArea.values)}."})
    for name, months in (
        ("experience_months", experience_months),
        ("supervised_months", supervised_months),
    ):
        if not 0 <= months <= MAX_MONTHS:
            raise ValidationError({name: f"Give a whole number of months from 0 to {MAX_MONTHS}."})
    if supervised_months > experience_months:
        raise ValidationError(
            {"supervised_months": "Supervised months are part of the experience months."}
        )
    state = (state or "").strip().upper()
    if state and not STATE_RE.match(state):
        raise ValidationError({"state": "Give a two-letter state code, e.g. TX."})
    setting = (setting or "").strip()
    if setting and setting not in Setting.values:
        raise ValidationError({"setting": f"Choose one of {', '.join(Setting.values)}."})
    return Answers(
        area=area,
        degrees=_codes(degrees, frozenset(Degree.values), "degrees"),
        licences=_codes(licences, LICENCE_CODES | CERTIFICATION_CODES, "licences"),
        experience_months=experience_months,
        supervised_months=supervised_months,
        state=state,
        goal=(goal or "").strip().lower(),
        setting=setting,
        exams=_exam_codes(exams),
    )


def _exam_codes(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Passed exams by their codes (``ASWB-MASTERS``, ``NCLEX-RN``, ``CCM``...)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = [
        c.strip().upper().replace(" ", "-").replace("_", "-") for c in items if c and c.strip()
    ]
    unknown = [c for c in codes if c not in EXAM_CODES]
    if unknown:
        raise ValidationError(
            {"exams": f"Unknown exam(s) {', '.join(unknown)}; use {', '.join(sorted(EXAM_CODES))}."}
        )
    return tuple(dict.fromkeys(codes))


def record_from_answers(answers: Answers, today: date, *, setting: str = "") -> engine.StaffRecord:
    """A staff record the engine can read, built from the planner's answers; the months
    were worked in ``setting`` (the person's choice, else the area's usual setting)."""
    degrees = [
        engine.DegreeFact(
            code=code,
            level=DEGREE_FACTS[code][0],
            field=DEGREE_FACTS[code][1],
            # A rehabilitation counselling master's may or may not be CACREP-accredited with a
            # CRC-supervised internship: the planner asks, it does not assume (CRCC, 2026).
            accreditation=ACCREDITOR.get(code, "") if code != Degree.MRC else "",
            completed_on=today,
            field_experience=True if code in FIELD_EDUCATION - {Degree.MRC} else None,
        )
        for code in answers.degrees
    ]
    held = [
        engine.CredentialFact(kind=code, jurisdiction=answers.state) for code in answers.licences
    ]
    positions = []
    setting = setting or answers.setting or "other"
    # The planner asks for months "supervised by a certified case manager"; in vocational
    # rehabilitation that supervisor is a CRC.
    supervisor = ("CRC",) if answers.area == "vocational_rehab" else ("CCM",)
    unsupervised = answers.experience_months - answers.supervised_months
    if answers.supervised_months:
        start = engine.add_months(today, -answers.supervised_months) + timedelta(days=1)
        positions.append(
            engine.PositionFact(
                started_on=start,
                ended_on=today,
                setting=setting,
                supervisor_credentials=supervisor,
                supervised=True,
            )
        )
    if unsupervised:
        end = engine.add_months(today, -answers.supervised_months)
        start = engine.add_months(end, -unsupervised) + timedelta(days=1)
        # Paid case management employment has a supervisor (ACMA's "supervised"); only the
        # supervisor's credential is unknown.
        positions.append(
            engine.PositionFact(started_on=start, ended_on=end, setting=setting, supervised=True)
        )
    return engine.StaffRecord(
        degrees=degrees,
        licences=[h for h in held if h.kind in LICENCE_CODES],
        certifications=[h for h in held if h.kind in CERTIFICATION_CODES],
        positions=positions,
        exams=[
            engine.ExamFact(code=code, taken_on=today, passed=True, jurisdiction=answers.state)
            for code in answers.exams
        ],
        hours_known=False,
        timing_known=False,
    )


def _holds(condition: dict[str, Any], a: Answers) -> bool:
    checks = {
        "degree_any": lambda v: bool(set(v) & set(a.degrees)),
        "licence_any": lambda v: bool(set(v) & set(a.licences)),
        "credential_held": lambda v: bool(set(v) & set(a.licences)),
        "exam_passed": lambda v: bool(set(v) & set(a.exams)),
        "experience_at_least": lambda v: a.experience_months >= v,
        "supervised_at_least": lambda v: a.supervised_months >= v,
        "never": lambda v: not v,
        "any": lambda v: any(_holds(c, a) for c in v),
    }
    return all(checks[key](value) for key, value in condition.items())


def _estimate(step: dict[str, Any], a: Answers) -> tuple[int, str]:
    """Months the step still takes for this person, and a note on why when it differs."""
    for alternative in step.get("estimate_if") or []:
        if _holds(alternative["when"], a):
            return int(alternative["months"]), alternative.get("note", "")
    if a.state and a.state in (step.get("estimate_by_state") or {}):
        return int(step["estimate_by_state"][a.state]), f"the {a.state} rule's minimum"
    if "remaining" not in step:
        return int(step.get("estimate_months", 0)), ""
    have = {"supervised": a.supervised_months, "experience": a.experience_months}
    options = [
        max(0, need - have[what])
        for alternative in step["remaining"]
        for what, need in alternative.items()
    ]
    return min(options), ""


def _step(step: dict[str, Any], a: Answers, rules: dict[str, Any]) -> dict[str, Any]:
    state = a.state or "your state"
    done = _holds(step.get("done_if", {}), a)
    skipped = not done and bool(step.get("skip_if")) and _holds(step["skip_if"], a)
    requirement, source = step["requirement"], public_citation(step["source"])
    rule = rules.get(step.get("rule", "").replace("{state}", a.state)) if step.get("rule") else None
    if rule is not None:
        summary = rule.params.get("summary", "")
        requirement = f"{requirement}. {rule.name}: {summary}"
        source = "; ".join(s for s in (source, public_citation(rule.citation)) if s)
    months, note = (0, "") if done or skipped else _estimate(step, a)
    status = "done" if done else "not_needed" if skipped else "todo"
    return {
        "id": step["id"],
        "title": step["title"].replace("{state}", state),
        "status": status,
        "requirement": step.get("skip_reason", requirement) if skipped else requirement,
        "source": source,
        "estimate_months": months,
        "estimate_note": note,
        "estimate_text": "done" if done else "not needed" if skipped else months_text(months),
        "after": list(step.get("after") or []),
        # How firm the credential rule the step quotes is (its citation loses the note).
        "marker": rule.marker if rule is not None else "",
    }


def critical_path(steps: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """The longest chain of ``after`` links through ``steps`` (months, step ids in order).

    Only links between the given steps count; a done step takes 0 months. Parallel steps
    (a practicum during its degree) add nothing unless they are the longer branch."""
    by_id = {s["id"]: s for s in steps}
    memo: dict[str, tuple[int, list[str]]] = {}

    def finish(step_id: str) -> tuple[int, list[str]]:
        if step_id not in memo:
            step = by_id[step_id]
            before = [finish(p) for p in step["after"] if p in by_id]
            months, chain = max(before, default=(0, []))
            memo[step_id] = (months + step["estimate_months"], [*chain, step_id])
        return memo[step_id]

    return max((finish(s["id"]) for s in steps), default=(0, []))


def _goal(pathway: Any, answers: Answers) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    goals = list(pathway.params.get("goals") or [{"id": "default", "label": pathway.name}])
    if not answers.goal:
        return next((g for g in goals if g.get("default")), goals[0]), goals
    found = next((g for g in goals if g["id"] == answers.goal), None)
    if found is None:
        choices = ", ".join(g["id"] for g in goals)
        raise ValidationError({"goal": f"For this area choose one of: {choices}."})
    return found, goals


def _entry_routes(rules: dict[str, Any], answers: Answers) -> list[dict[str, Any]]:
    """Routes in without a degree, with the chosen state's own requirement where it has one;
    shown first to someone with no degree or only a high-school diploma or GED."""
    rule = rules.get("entry-routes")
    has_degree = bool(set(answers.degrees) - {Degree.HS_DIPLOMA})
    if rule is None or has_degree or answers.licences:  # a licence implies its degree
        return []
    routes = []
    for route in rule.params["routes"]:
        if answers.area not in route.get("areas", []):
            continue
        local = (route.get("states") or {}).get(answers.state, {})
        routes.append(
            {
                "id": route["id"],
                "title": route["title"],
                "requirement": local.get("requirement", route["requirement"]),
                "estimate_months": int(route.get("typical_months", 0)),
                "estimate_text": months_text(int(route.get("typical_months", 0))),
                "source": local.get("source", route["source"]),
                "marker": local.get("marker", route["marker"]),
                "state": answers.state if local else "",
            }
        )
    return routes


def plan(answers: Answers, *, today: date | None = None) -> Plan:
    """The roadmap for ``answers``: the steps the chosen goal needs, timed by their critical
    path; the other steps apart with their own time; every credential's eligibility in the
    chosen work setting."""
    from casework.workforce.queries import evaluate_all

    day = today or timezone.localdate()
    rules = current_rules()
    pathway = rules[f"pathway-{answers.area}"]
    goal, goals = _goal(pathway, answers)
    setting = answers.setting or pathway.params.get("default_setting", "other")
    steps = [_step(s, answers, rules) for s in pathway.params["steps"]]
    wanted = {
        s["id"] for s in pathway.params["steps"] if goal["id"] in s.get("goals", [goal["id"]])
    }
    required = [s for s in steps if s["id"] in wanted]
    total, chain = critical_path([s for s in required if s["status"] == "todo"])
    for s in required:
        s["critical"] = s["id"] in chain
    figures = rules.get("labour-market")
    by_id = {f["id"]: f for f in (figures.params["figures"] if figures else [])}
    record = record_from_answers(answers, day, setting=setting)
    return Plan(
        answers=answers,
        goal=goal,
        goals=goals,
        setting=setting,
        steps=required,
        optional_steps=[s for s in steps if s["id"] not in wanted],
        entry_routes=_entry_routes(rules, answers),
        credentials=evaluate_all(record, today=day, codes=_codes_for(rules, answers)),
        employers=list(pathway.params.get("employers", [])),
        figures=[by_id[f] for f in pathway.params.get("figures", []) if f in by_id],
        source={
            "pathway": f"{pathway.code} v{pathway.version}",
            "citation": public_citation(pathway.citation),
            "marker": pathway.marker,
            "figures": public_citation(figures.citation) if figures else "",
            "figures_version": f"{figures.code} v{figures.version}" if figures else "",
            "figures_marker": figures.marker if figures else "",
        },
        total_estimate_months=total,
    )


def _codes_for(rules: dict[str, Any], answers: Answers) -> set[str]:
    """Every certification, and the state licences of the chosen state (all states if none)."""
    codes = {c for c, r in rules.items() if r.kind == "certification"}
    licences = {c for c, r in rules.items() if r.kind == "licence"}
    if answers.state:
        return codes | {c for c in licences if c.endswith(f"-{answers.state}")}
    return codes | {c for c in licences if c.startswith("LCSW-")}


def months_text(months: int) -> str:
    """ "1 month", "18 months", "about 2.5 years"; 0 is "ongoing"."""
    if months <= 0:
        return "ongoing"
    if months < 24:
        return "1 month" if months == 1 else f"{months} months"
    return f"about {math.floor(months / 12 * 2) / 2:g} years"


def initial_from_record(user: Any, *, today: date | None = None) -> dict[str, Any]:
    """Planner answers filled in from a staff member's own record."""
    from casework.accounts.models import Membership
    from casework.workforce.queries import staff_record

    day = today or timezone.localdate()
    record = staff_record(user)
    all_cm = {"months": 1}
    supervised = {"months": 1, "supervisor_credentials": ["CCM", "CRC"]}
    experience, _ = engine.experience_months(record.positions, all_cm, today=day)
    under_ccm, _ = engine.experience_months(record.positions, supervised, today=day)
    held = [
        f.kind
        for f in [*record.licences, *record.certifications]
        if f.current and (f.expires_on is None or f.expires_on >= day)
    ]
    membership = (
        Membership.objects.active()
        .filter(user=user, program__isnull=False)
        .select_related("program")
        .first()
    )
    program = membership.program if membership else None
    state = next((f.jurisdiction for f in record.licences if f.jurisdiction), "")
    passed = {e.code for e in record.exams if e.passed and e.taken_on <= day}
    return {
        "exams": sorted(passed),
        "area": program.practice_area if program else PracticeArea.HEALTHCARE,
        "degrees": sorted({d.code for d in record.degrees if d.completed_on}),
        "licences": sorted({k for k in held if k in LICENCE_CODES | CERTIFICATION_CODES}),
        "experience_months": int(experience),
        "supervised_months": min(int(under_ccm), int(experience)),
        "state": state or (program.state if program else ""),
    }

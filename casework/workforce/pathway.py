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
    LicenceKind,
)
from casework.workforce.rules import current_rules

CERTIFICATION_CODES = frozenset(CertificationKind.values) - {"OTHER"}
LICENCE_CODES = frozenset(LicenceKind.values) - {"OTHER"}
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


@dataclass
class Plan:
    answers: Answers
    steps: list[dict[str, Any]] = field(default_factory=list)
    credentials: list[dict[str, Any]] = field(default_factory=list)
    employers: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()  # alternative steps, left out of the total

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
            },
            "steps": self.steps,
            "credentials": self.credentials,
            "employers": self.employers,
            "figures": self.figures,
            "source": self.source,
            "total_estimate_months": sum(
                s["estimate_months"]
                for s in self.steps
                if s["status"] == "todo" and s["id"] not in self.optional
            ),
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
    return Answers(
        area=area,
        degrees=_codes(degrees, frozenset(Degree.values), "degrees"),
        licences=_codes(licences, LICENCE_CODES | CERTIFICATION_CODES, "licences"),
        experience_months=experience_months,
        supervised_months=supervised_months,
        state=state,
    )


def record_from_answers(answers: Answers, today: date) -> engine.StaffRecord:
    """A staff record the engine can read, built from the planner's answers."""
    degrees = [
        engine.DegreeFact(
            code=code,
            level=DEGREE_FACTS[code][0],
            field=DEGREE_FACTS[code][1],
            accreditation=ACCREDITOR.get(code, ""),
            completed_on=today,
            field_experience=True if code in FIELD_EDUCATION else None,
        )
        for code in answers.degrees
    ]
    held = [
        engine.CredentialFact(kind=code, jurisdiction=answers.state) for code in answers.licences
    ]
    positions = []
    setting = "hospital" if answers.area == "healthcare" else "non_profit"
    # The planner asks for months "supervised by a certified case manager"; in vocational
    # rehabilitation that supervisor is a CRC.
    supervisor = ("CRC",) if answers.area == "vocational_rehab" else ("CCM",)
    unsupervised = answers.experience_months - answers.supervised_months
    if answers.supervised_months:
        start = engine.add_months(today, -answers.supervised_months) + timedelta(days=1)
        positions.append(
            engine.PositionFact(
                started_on=start, ended_on=today, setting=setting, supervisor_credentials=supervisor
            )
        )
    if unsupervised:
        end = engine.add_months(today, -answers.supervised_months)
        start = engine.add_months(end, -unsupervised) + timedelta(days=1)
        positions.append(engine.PositionFact(started_on=start, ended_on=end, setting=setting))
    return engine.StaffRecord(
        degrees=degrees,
        licences=[h for h in held if h.kind in LICENCE_CODES],
        certifications=[h for h in held if h.kind in CERTIFICATION_CODES],
        positions=positions,
        hours_known=False,
    )


def _holds(condition: dict[str, Any], a: Answers) -> bool:
    checks = {
        "degree_any": lambda v: bool(set(v) & set(a.degrees)),
        "licence_any": lambda v: bool(set(v) & set(a.licences)),
        "credential_held": lambda v: bool(set(v) & set(a.licences)),
        "experience_at_least": lambda v: a.experience_months >= v,
        "supervised_at_least": lambda v: a.supervised_months >= v,
        "never": lambda v: not v,
        "any": lambda v: any(_holds(c, a) for c in v),
    }
    return all(checks[key](value) for key, value in condition.items())


def _estimate(step: dict[str, Any], a: Answers) -> int:
    if "remaining" not in step:
        return int(step.get("estimate_months", 0))
    have = {"supervised": a.supervised_months, "experience": a.experience_months}
    options = [
        max(0, need - have[what])
        for alternative in step["remaining"]
        for what, need in alternative.items()
    ]
    return min(options)


def _step(step: dict[str, Any], a: Answers, rules: dict[str, Any]) -> dict[str, Any]:
    state = a.state or "your state"
    done = _holds(step.get("done_if", {}), a)
    requirement, source = step["requirement"], public_citation(step["source"])
    rule = rules.get(step.get("rule", "").replace("{state}", a.state)) if step.get("rule") else None
    if rule is not None:
        summary = rule.params.get("summary", "")
        requirement = f"{requirement}. {rule.name}: {summary}"
        source = "; ".join(s for s in (source, public_citation(rule.citation)) if s)
    return {
        "id": step["id"],
        "title": step["title"].replace("{state}", state),
        "status": "done" if done else "todo",
        "requirement": requirement,
        "source": source,
        "estimate_months": 0 if done else _estimate(step, a),
    }


def plan(answers: Answers, *, today: date | None = None) -> Plan:
    """The ordered roadmap for ``answers``, with every credential's eligibility."""
    from casework.workforce.queries import evaluate_all

    day = today or timezone.localdate()
    rules = current_rules()
    pathway = rules[f"pathway-{answers.area}"]
    figures = rules.get("labour-market")
    by_id = {f["id"]: f for f in (figures.params["figures"] if figures else [])}
    lcsw = {c for c in rules if c.startswith("LCSW-")}
    codes = {c for c, r in rules.items() if r.kind == "certification"}
    codes |= {f"LCSW-{answers.state}"} & lcsw if answers.state else lcsw
    return Plan(
        answers=answers,
        steps=[_step(s, answers, rules) for s in pathway.params["steps"]],
        optional=frozenset(s["id"] for s in pathway.params["steps"] if s.get("optional")),
        credentials=evaluate_all(record_from_answers(answers, day), today=day, codes=codes),
        employers=list(pathway.params.get("employers", [])),
        figures=[by_id[f] for f in pathway.params.get("figures", []) if f in by_id],
        source={
            "pathway": f"{pathway.code} v{pathway.version}",
            "citation": public_citation(pathway.citation),
            "marker": pathway.marker,
            "figures": public_citation(figures.citation) if figures else "",
            "figures_marker": figures.marker if figures else "",
        },
    )


def months_text(months: int) -> str:
    if months <= 0:
        return "ongoing"
    years = months / 12
    return f"{months} months" if months < 24 else f"about {math.floor(years * 2) / 2:g} years"


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
    return {
        "area": program.practice_area if program else PracticeArea.HEALTHCARE,
        "degrees": sorted({d.code for d in record.degrees if d.completed_on}),
        "licences": sorted({k for k in held if k in LICENCE_CODES | CERTIFICATION_CODES}),
        "experience_months": int(experience),
        "supervised_months": min(int(under_ccm), int(experience)),
        "state": state or (program.state if program else ""),
    }

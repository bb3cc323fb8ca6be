"""FHIR R4 mapping of the care core: instruments as Questionnaire, assessments as
QuestionnaireResponse, service plans as CarePlan with contained Goals.

Pure mapping to plain dicts (JSON); tests parse the output with ``fhir.resources.R4B``.
``fhir.resources`` does not check required-binding codes, so every status here is taken
from the fixed maps below, which hold only codes of the R4 value sets (HL7 FHIR R4 4.0.1).
"""

from __future__ import annotations

from typing import Any

from casework.assessments.models import Assessment, Instrument
from casework.assessments.schema import InstrumentSpec, Item

LOINC = "http://loinc.org"
BASE = "urn:casework"
ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
QUESTIONNAIRE_STATUS = "active"  # PublicationStatus: draft | active | retired | unknown
RESPONSE_STATUS = "completed"  # QuestionnaireResponseStatus: completed when stored
ITEM_TYPES = {
    "choice": "choice",
    "multi": "choice",
    "number": "decimal",
    "rating": "integer",
    "text": "text",
    "date": "date",
}


def questionnaire_url(instrument: Instrument) -> str:
    owner = f"org-{instrument.organization_id}" if instrument.organization_id else "published"
    return f"{BASE}:questionnaire:{owner}:{instrument.code}"


def _coding(code: str, display: str, system: str = LOINC) -> dict[str, str]:
    return {"system": system, "code": code, "display": display}


def _answer_option(option: Any, item_url: str) -> dict[str, Any]:
    coding = (
        _coding(option.loinc, option.label)
        if option.loinc
        else _coding(option.code, option.label, f"{item_url}/answers")
    )
    answer: dict[str, Any] = {"valueCoding": coding}
    if option.value is not None:
        answer["extension"] = [{"url": ORDINAL, "valueDecimal": option.value}]
    return answer


def _enable_when(item: Item) -> list[dict[str, Any]]:
    """Simple ``{item, equals}`` skip rules as enableWhen; others are described in text."""
    rules = []
    for cond in item.enable_when:
        if cond.item and cond.equals is not None:
            rules.append({"question": cond.item, "operator": "=", "answerString": str(cond.equals)})
    return rules


def _item(spec: InstrumentSpec, item: Item, url: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "linkId": item.id,
        "text": item.text,
        "type": ITEM_TYPES[item.type],
        "required": item.required,
    }
    if item.loinc:
        out["code"] = [_coding(item.loinc, item.text)]
    if item.type == "multi":
        out["repeats"] = True
    if item.type in ("choice", "multi"):
        out["answerOption"] = [
            _answer_option(o, f"{url}/{item.id}") for o in spec.options_for(item)
        ]
    rules = _enable_when(item)
    if rules:
        out["enableWhen"] = rules
        out["enableBehavior"] = "all"
    return out


def questionnaire(instrument: Instrument) -> dict[str, Any]:
    """The instrument version as an R4 Questionnaire."""
    spec = instrument.definition
    url = questionnaire_url(instrument)
    resource: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "id": f"{instrument.code}-v{instrument.version}",
        "url": url,
        "version": str(instrument.version),
        "name": instrument.code.replace("-", "_").upper(),
        "title": spec.name,
        "status": QUESTIONNAIRE_STATUS,
        "description": spec.source.citation,
        "copyright": spec.licence,
        "item": [_item(spec, item, url) for item in spec.items],
    }
    if spec.loinc:
        resource["code"] = [_coding(spec.loinc, spec.name)]
    return resource


def _answers(spec: InstrumentSpec, item: Item, value: Any, url: str) -> list[dict[str, Any]]:
    if item.type in ("choice", "multi"):
        chosen = value if isinstance(value, list) else [value]
        options = {o.code: o for o in spec.options_for(item)}
        return [
            {"valueCoding": _answer_option(options[c], f"{url}/{item.id}")["valueCoding"]}
            for c in chosen
            if c in options
        ]
    if item.type == "number":
        return [{"valueDecimal": value}]
    if item.type == "rating":
        return [{"valueInteger": int(value)}]
    if item.type == "date":
        return [{"valueDate": value}]
    return [{"valueString": str(value)}]


def questionnaire_response(assessment: Assessment, *, patient_ref: str) -> dict[str, Any]:
    """The stored answers as an R4 QuestionnaireResponse, the total as a derived item."""
    instrument = assessment.instrument
    spec = instrument.definition
    url = questionnaire_url(instrument)
    items = []
    for item in spec.items:
        if item.id in assessment.answers:
            items.append(
                {
                    "linkId": item.id,
                    "text": item.text,
                    "answer": _answers(spec, item, assessment.answers[item.id], url),
                }
            )
    if assessment.total is not None and spec.total is not None:
        total: dict[str, Any] = {
            "linkId": "total",
            "text": "Total score",
            "answer": [{"valueDecimal": assessment.total}],
        }
        items.append(total)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"assessment-{assessment.pk}",
        "questionnaire": f"{url}|{instrument.version}",
        "status": RESPONSE_STATUS,
        "subject": {"reference": patient_ref},
        "authored": assessment.created_at.isoformat(),
        "item": items,
    }


# --- Service plans ----------------------------------------------------------------------------

# Our goal statuses -> R4 GoalLifecycleStatus (required binding).
GOAL_LIFECYCLE = {
    "proposed": "proposed",
    "active": "active",
    "on_hold": "on-hold",
    "achieved": "completed",
    "not_achieved": "completed",
    "cancelled": "cancelled",
}
# Review progress ratings -> Goal.achievementStatus codes (goal-achievement code system).
ACHIEVEMENT = {
    "achieved": "achieved",
    "good": "improving",
    "some": "improving",
    "no_progress": "no-progress",
    "worse": "worsening",
}
ACHIEVEMENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-achievement"
PRIORITY_SYSTEM = "http://terminology.hl7.org/CodeSystem/goal-priority"
PRIORITY = {"high": "high-priority", "medium": "medium-priority", "low": "low-priority"}


def _goal(goal: Any, patient_ref: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Goal",
        "id": f"goal-{goal.key}",
        "lifecycleStatus": GOAL_LIFECYCLE[goal.status],
        "description": {"text": goal.measurable or goal.client_words or "Goal to be agreed"},
        "subject": {"reference": patient_ref},
        "priority": {"coding": [{"system": PRIORITY_SYSTEM, "code": PRIORITY[goal.priority]}]},
    }
    if goal.status == "not_achieved":
        resource["achievementStatus"] = {
            "coding": [{"system": ACHIEVEMENT_SYSTEM, "code": "not-achieved"}]
        }
    elif goal.progress in ACHIEVEMENT:
        resource["achievementStatus"] = {
            "coding": [{"system": ACHIEVEMENT_SYSTEM, "code": ACHIEVEMENT[goal.progress]}]
        }
    if goal.target_date:
        resource["target"] = [{"dueDate": goal.target_date.isoformat()}]
    if goal.client_words:
        resource["note"] = [{"text": f"In the client's words: {goal.client_words}"}]
    return resource


def _activity(intervention: Any, goal: Any, active: bool) -> dict[str, Any]:
    detail: dict[str, Any] = {
        "status": "in-progress" if active else "not-started",
        "description": intervention.what,
        "goal": [{"reference": f"#goal-{goal.key}"}],
        "performer": [
            {"display": intervention.responsible_name or intervention.get_responsible_display()}
        ],
    }
    if intervention.frequency:
        detail["scheduledString"] = intervention.frequency
    return {"detail": detail}


def care_plan(plan: Any, version: Any, *, patient_ref: str) -> dict[str, Any]:
    """A plan version as an R4 CarePlan with its goals contained; status is a RequestStatus
    code: draft until signed, active while the enrollment is open, completed after."""
    if not version.is_locked:
        status = "draft"
    elif plan.enrollment.end_date is not None:
        status = "completed"
    else:
        status = "active"
    goals = list(version.goals.prefetch_related("interventions"))
    resource: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": f"plan-{plan.pk}-v{version.number}",
        "status": status,
        "intent": "plan",
        "title": f"Service plan, version {version.number}",
        "subject": {"reference": patient_ref},
        "created": version.created_at.isoformat(),
        "contained": [_goal(g, patient_ref) for g in goals],
        "goal": [{"reference": f"#goal-{g.key}"} for g in goals],
        "activity": [
            _activity(i, g, status == "active") for g in goals for i in g.interventions.all()
        ],
    }
    if version.review_due:
        resource["period"] = {"end": version.review_due.isoformat()}
    return {k: v for k, v in resource.items() if v != []}

"""Practice-area sections of a plan version, each validated by one pydantic model.

* ``discharge``: hospital discharge plan (CMS Conditions of Participation, 42 CFR 482.43,
  2019): destination, post-acute services with the patient's choice among the providers
  offered, a follow-up within 7 days, medication reconciliation, caregiver teaching, what
  was sent to the receiving provider, and a 30-day readmission recorded for outcomes.
* ``ipe``: Individualized Plan for Employment (US Department of Education, 34 CFR 361.45
  and 361.46, 2016): the 90-day clock from the eligibility date, or an agreed extension to
  a specific date; employment goal, services, providers, timelines, responsibilities,
  progress criteria, informed choice; annual review.
* ``safety``: a crisis safety plan with the steps of the Stanley-Brown Safety Planning
  Intervention (headings in our own words), 988 prefilled.
* ``housing``: housing stability plan.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any, Literal

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

CRISIS_LINE = "988 Suicide & Crisis Lifeline: call or text 988"
IPE_DAYS = 90
Text: Any = Field(default="", max_length=2000)
Lines: Any = Field(default_factory=list, max_length=30)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Contact(_Section):
    name: str = Field(max_length=200)
    phone: str = Field(default="", max_length=40)


class PostAcuteService(_Section):
    service: Literal[
        "home_health", "equipment", "inpatient_rehab", "skilled_nursing", "hospice", "other"
    ]
    detail: str = Text
    providers_offered: list[str] = Lines
    patient_choice: str = Field(default="", max_length=200)


class Discharge(_Section):
    anticipated_date: datetime.date | None = None
    destination: Literal[
        "home",
        "home_health",
        "skilled_nursing",
        "inpatient_rehab",
        "long_term_acute",
        "hospice",
        "shelter",
        "other",
    ] = "home"
    post_acute: list[PostAcuteService] = Lines
    follow_up_date: datetime.date | None = None
    follow_up_with: str = Field(default="", max_length=200)
    medication_reconciliation_done: bool = False
    caregiver_teaching: list[str] = Lines
    info_sent_to: str = Field(default="", max_length=200)
    info_sent_on: datetime.date | None = None
    lace_assessment_id: int | None = None
    hospital_assessment_id: int | None = None
    discharged_on: datetime.date | None = None
    readmitted_on: datetime.date | None = None
    readmission_planned: bool = False


class IpeService(_Section):
    service: str = Field(max_length=300)
    provider: str = Field(default="", max_length=200)
    start_by: datetime.date | None = None
    responsibility: str = Field(default="", max_length=300)


class Ipe(_Section):
    eligibility_date: datetime.date
    extension_to: datetime.date | None = None
    extension_reason: str = Text
    extension_agreed_on: datetime.date | None = None
    employment_goal: str = Text
    services: list[IpeService] = Lines
    timelines: str = Text
    progress_criteria: str = Text
    client_responsibilities: str = Text
    agency_responsibilities: str = Text
    informed_choice: bool = False
    informed_choice_note: str = Text


class Safety(_Section):
    warning_signs: list[str] = Lines
    coping: list[str] = Lines
    distraction_people: list[Contact] = Lines
    distraction_places: list[str] = Lines
    help_people: list[Contact] = Lines
    professionals: list[Contact] = Lines
    crisis_line: str = Field(default=CRISIS_LINE, max_length=200)
    safe_environment: list[str] = Lines
    reasons_for_living: str = Text


class Housing(_Section):
    barriers: list[str] = Lines
    housing_goal: str = Text
    subsidy: str = Text
    search_steps: list[str] = Lines
    landlord_contacts: list[Contact] = Lines
    move_in_date: datetime.date | None = None


SECTIONS: dict[str, type[_Section]] = {
    "discharge": Discharge,
    "ipe": Ipe,
    "safety": Safety,
    "housing": Housing,
}
TITLES = {
    "discharge": "Discharge plan",
    "ipe": "Individualized Plan for Employment",
    "safety": "Safety plan",
    "housing": "Housing stability plan",
}


def validate_section(kind: str, data: Any) -> dict[str, Any]:
    """The section as stored JSON, or a ValidationError naming each bad field."""
    model = SECTIONS.get(kind)
    if model is None:
        raise ValidationError({"section": f"Unknown plan section {kind!r}."})
    try:
        parsed = model.model_validate(data)
    except PydanticError as error:
        raise ValidationError(
            {".".join(str(p) for p in e["loc"]) or "section": e["msg"] for e in error.errors()}
        ) from None
    if isinstance(parsed, Ipe):
        _check_extension(parsed)
    if isinstance(parsed, Discharge):
        _check_readmission(parsed)
    return json.loads(parsed.model_dump_json())


def _check_extension(ipe: Ipe) -> None:
    if ipe.extension_to is None:
        return
    if ipe.extension_to <= ipe_deadline_without_extension(ipe.eligibility_date):
        raise ValidationError({"extension_to": "An extension moves the deadline past day 90."})
    if not ipe.extension_reason or ipe.extension_agreed_on is None:
        raise ValidationError(
            {"extension_reason": "Record why, and the date the client agreed to the extension."}
        )


def _check_readmission(discharge: Discharge) -> None:
    if discharge.readmitted_on is None:
        if discharge.readmission_planned:
            raise ValidationError(
                {"readmitted_on": "Give the readmission date, or clear the planned box."}
            )
        return
    if discharge.discharged_on is None:
        raise ValidationError({"discharged_on": "Record the discharge date before a readmission."})
    if discharge.readmitted_on < discharge.discharged_on:
        raise ValidationError(
            {"readmitted_on": "The readmission cannot be before the discharge date."}
        )


def ipe_deadline_without_extension(eligibility: datetime.date) -> datetime.date:
    return eligibility + datetime.timedelta(days=IPE_DAYS)


def ipe_clock(
    section: dict[str, Any], *, signed_on: datetime.date | None, today: datetime.date
) -> dict[str, Any]:
    """The IPE deadline (90 days from eligibility, or the agreed extension date), days left,
    the alert due (30 and 10 days before), and whether it was met; annual review date."""
    eligibility = datetime.date.fromisoformat(section["eligibility_date"])
    extension = section.get("extension_to")
    deadline = (
        datetime.date.fromisoformat(extension)
        if extension
        else ipe_deadline_without_extension(eligibility)
    )
    left = (deadline - today).days
    alert = "lapsed" if left < 0 else "10_days" if left <= 10 else "30_days" if left <= 30 else ""
    return {
        "eligibility_date": eligibility,
        "deadline": deadline,
        "extended": bool(extension),
        "days_left": left,
        "alert": "" if signed_on else alert,
        "met": signed_on is not None and signed_on <= deadline,
        "annual_review_due": (signed_on + datetime.timedelta(days=365)) if signed_on else None,
    }


def plan_ipe_clock(
    versions: Iterable[tuple[dict[str, Any] | None, datetime.date | None]],
    *,
    today: datetime.date,
) -> dict[str, Any] | None:
    """The IPE clock of a whole plan, read from every version, oldest first: each as
    (its IPE section or None, the date the client signed it or None).

    The clock starts on the eligibility date recorded with the plan's first IPE and a new
    version does not restart it (34 CFR 361.45(e) counts from the determination of
    eligibility). An agreed extension carries over to later versions until a later version
    records another one. The IPE is developed when the first version holding it is signed;
    a later draft does not bring the alerts back. The annual review counts from the latest
    signed version."""
    first: dict[str, Any] | None = None
    extension: dict[str, Any] | None = None
    developed: datetime.date | None = None
    latest_signed: datetime.date | None = None
    for section, signed_on in versions:
        if not section:
            continue
        first = first or section
        if section.get("extension_to"):
            extension = section
        if signed_on is not None:
            developed = developed or signed_on
            latest_signed = signed_on
    if first is None:
        return None
    merged = {"eligibility_date": first["eligibility_date"]}
    if extension is not None:
        merged["extension_to"] = extension["extension_to"]
    clock = ipe_clock(merged, signed_on=developed, today=today)
    clock["signed_on"] = developed
    clock["extension_agreed_on"] = (extension or {}).get("extension_agreed_on")
    clock["annual_review_due"] = (
        latest_signed + datetime.timedelta(days=365) if latest_signed else None
    )
    return clock


def discharge_checks(section: dict[str, Any]) -> list[str]:
    """What the discharge plan still lacks, in plain words (shown on the plan page)."""
    missing = []
    left = section.get("discharged_on") or section.get("anticipated_date")
    follow = section.get("follow_up_date")
    if not follow:
        missing.append("No follow-up appointment is booked.")
    elif (
        left and (datetime.date.fromisoformat(follow) - datetime.date.fromisoformat(left)).days > 7
    ):
        missing.append("The follow-up appointment is more than 7 days after discharge.")
    for service in section.get("post_acute", []):
        if service.get("providers_offered") and not service.get("patient_choice"):
            missing.append(
                f"The patient's choice of {service['service']} provider is not recorded."
            )
    if not section.get("medication_reconciliation_done"):
        missing.append("Medication reconciliation is not done.")
    if not section.get("info_sent_on"):
        missing.append("Nothing is recorded as sent to the receiving provider.")
    return missing

"""Intake and eligibility: program rules (versioned, ETag/If-Match), screenings, overrides.

* ``GET/PUT /programs/{id}/eligibility``: the program's rules and capacity. ``PUT`` needs
  ``If-Match`` with the ETag read (``"0"`` for a program that has no rules yet); every saved
  version is kept.
* ``POST /programs/{id}/screenings``: evaluate a client's answers against the current rules
  and store the screening. ``GET /screenings/{id}``, ``POST /screenings/{id}/override``
  (a result and a reason) and ``POST /screenings/{id}/complete`` (enroll, waitlist, or close
  the referral on the final result).

* ``GET /intake/matches``: search first, as the intake page does: the existing clients the
  caller may see who may be the person described, best first, with the reasons and the
  search branches that offered each (audited as a search).

Screenings are client data: they load through the client gate and their reads are audited.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema
from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from casework.api.concurrency import require_if_match
from casework.api.disclosure import DisclosureNoticeOut, notice_field
from casework.api.types import (
    Id,
    InputSchema,
    Name,
    Text30,
    Text100,
    from_json_body,
    json_type_matches,
)
from casework.clients.intake_check import Match
from casework.clients.intake_search import query_notes
from casework.clients.matching.records import Person
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound
from casework.intake import eligibility
from casework.intake.candidates import find_candidates
from casework.intake.models import EligibilityScreening, ProgramEligibility, ScreeningResult
from casework.intake.permissions import access_screening, program_for_intake, program_for_rules
from casework.intake.services import (
    eligibility_for,
    eligibility_rules_save,
    intake_complete,
    screening_create,
    screening_override,
)

router = Router(tags=["intake"])

Code20 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Text300 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class EligibilityIn(InputSchema):
    rules: eligibility.Rules = Field(
        description="The program's rules; the same definition validates the admin form."
    )
    capacity: int | None = Field(None, description="Places; empty means no limit.")

    @field_validator("rules", mode="before")
    @classmethod
    def _rules_typed(cls, value: Any, info: ValidationInfo) -> Any:
        # The rules model also reads the admin form (text for lists, "yes" for true); a JSON
        # body gives each rule the JSON type the schema states.
        if isinstance(value, dict) and from_json_body(info):
            fields = eligibility.Rules.model_fields
            for name, item in value.items():
                if name in fields and not json_type_matches(fields[name].annotation, item):
                    raise ValueError(f"{name}: this value has the wrong type; see the schema.")
        return value


class EligibilityOut(Schema):
    program_id: int
    version: int
    rules: eligibility.Rules
    capacity: int | None
    updated_at: datetime | None


class AnswersIn(InputSchema):
    date_of_birth: date | None = None
    state: Code20 | None = None
    county: Text100 | None = None
    postal_code: Code20 | None = None
    household_size: int | None = Field(None, description="Persons, the client included.")
    household_income: Decimal | None = Field(
        None, description="Yearly household income in dollars."
    )
    disability_types: list[int] | None = Field(
        None, description="HMIS 1.3 codes the client has; [] for none; null if not asked."
    )
    diagnosis_codes: list[Code20] | None = None
    is_veteran: bool | None = None
    questions: dict[str, bool] = Field(
        default_factory=dict, description="The program's yes/no questions, by key."
    )


class ScreeningIn(InputSchema):
    client_id: Id
    answers: AnswersIn


class OverrideIn(InputSchema):
    result: ScreeningResult = Field(description="eligible, waitlisted or ineligible.")
    reason: Reason


class OutcomeOut(Schema):
    rule: str
    status: str
    message: str


class ScreeningOut(Schema):
    id: int
    client_id: int
    program_id: int
    result: ScreeningResult
    final_result: ScreeningResult
    outcomes: list[OutcomeOut]
    failed_rules: list[OutcomeOut]
    unknown_rules: list[OutcomeOut]
    answers: dict[str, Any]
    rules_version: int
    guideline_year: int | None
    income_percent: Decimal | None
    capacity: int | None
    active_enrollments: int
    screening_date: date
    screened_by_id: int
    screened_at: datetime
    override_result: str
    override_reason: str
    overridden_by_id: int | None
    overridden_at: datetime | None
    enrollment_id: int | None
    completed_at: datetime | None


def _eligibility_out(found: ProgramEligibility) -> dict[str, Any]:
    return {
        "program_id": found.program_id,
        "version": found.version,
        "rules": eligibility.Rules.from_dict(found.rules).to_dict(),
        "capacity": found.capacity,
        "updated_at": found.updated_at if found.pk else None,
    }


@router.get(
    "/programs/{program_id}/eligibility",
    response=EligibilityOut,
    summary="Read a program's eligibility rules",
)
def eligibility_get(request: HttpRequest, program_id: Id, response: HttpResponse) -> dict[str, Any]:
    """The current rules (version 0 and no rules if none were ever saved), with an ETag."""
    program = program_for_rules(request.user, program_id)
    found = eligibility_for(program)
    response["ETag"] = f'"{found.version}"'
    return _eligibility_out(found)


@router.put(
    "/programs/{program_id}/eligibility",
    response=EligibilityOut,
    summary="Save a new version of a program's eligibility rules",
)
def eligibility_put(
    request: HttpRequest,
    program_id: Id,
    payload: EligibilityIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> dict[str, Any]:
    """Org admins and the program's admins. Earlier versions are kept; a stale ETag gets 412."""
    expected = require_if_match(if_match)
    program = program_for_rules(request.user, program_id, write=True)
    try:
        saved = eligibility_rules_save(
            actor=request.user,
            program=program,
            rules=payload.rules.model_dump(),
            capacity=payload.capacity,
            expected_version=expected,
        )
    except ValidationError as error:
        raise _prefixed(error, "rules", keep=frozenset({"capacity"})) from None
    response["ETag"] = f'"{saved.version}"'
    return _eligibility_out(saved)


def _prefixed(
    error: ValidationError, prefix: str, keep: frozenset[str] = frozenset()
) -> ValidationError:
    """Name fields as the client sent them (``answers.household_income``)."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {
            (name if name in keep or name == "__all__" else f"{prefix}.{name}"): messages
            for name, messages in error.message_dict.items()
        }
    )


def _answers(data: AnswersIn) -> eligibility.Answers:
    return eligibility.Answers(
        date_of_birth=data.date_of_birth,
        state=(data.state or "").upper() or None,
        county=data.county or None,
        postal_code=data.postal_code or None,
        household_size=data.household_size,
        household_income=data.household_income,
        disability_types=tuple(data.disability_types)
        if data.disability_types is not None
        else None,
        diagnosis_codes=tuple(data.diagnosis_codes) if data.diagnosis_codes is not None else None,
        is_veteran=data.is_veteran,
        questions=dict(data.questions),
    )


@router.post(
    "/programs/{program_id}/screenings",
    response={201: ScreeningOut},
    summary="Screen a client for a program",
)
def screening_post(
    request: HttpRequest, program_id: Id, payload: ScreeningIn, response: HttpResponse
) -> EligibilityScreening:
    """Evaluate and store. Impossible answers are 422 naming ``answers.<field>``."""
    program = program_for_intake(request.user, program_id)
    try:
        client = access_client(request.user, payload.client_id, audit=False)
    except NotFound:
        raise ValidationError({"client_id": "No such client."}) from None
    try:
        screening = screening_create(
            actor=request.user, client=client, program=program, answers=_answers(payload.answers)
        )
    except ValidationError as error:
        raise _prefixed(error, "answers", keep=frozenset({"program"})) from None
    response["Location"] = f"/api/v1/screenings/{screening.pk}"
    return screening


@router.get("/screenings/{screening_id}", response=ScreeningOut, summary="Read a screening")
def screening_get(request: HttpRequest, screening_id: Id) -> EligibilityScreening:
    """One screening, audited as a view. Missing and hidden are both 404."""
    return access_screening(request.user, screening_id)


@router.post(
    "/screenings/{screening_id}/override",
    response=ScreeningOut,
    summary="Override a screening result with a reason",
)
def screening_override_post(
    request: HttpRequest, screening_id: Id, payload: OverrideIn
) -> EligibilityScreening:
    """Record the worker's result and reason (both required; audited)."""
    screening = access_screening(request.user, screening_id, write=True)
    return screening_override(
        actor=request.user, screening=screening, result=payload.result, reason=payload.reason
    )


@router.post(
    "/screenings/{screening_id}/complete",
    response=ScreeningOut,
    summary="Finish the intake: enroll, waitlist or close the referral",
)
def screening_complete_post(request: HttpRequest, screening_id: Id) -> EligibilityScreening:
    """Eligible: active; waitlisted: waitlisted; not eligible: no enrollment (referral closed)."""
    screening = access_screening(request.user, screening_id, write=True)
    intake_complete(actor=request.user, screening=screening)
    return screening


# --- Search first ------------------------------------------------------------------------


class MatchQuery(InputSchema):
    given_name: Name
    family_name: Name
    date_of_birth: date | None = Field(None, description="Leave out when not known.")
    phone: Text30 = ""


class MatchedClientOut(Schema):
    id: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None


class MatchOut(Schema):
    client: MatchedClientOut
    score: float = Field(description="Probability (0-1) that this is the same person.")
    possible_duplicate: bool = Field(
        description="Strong enough to be treated as the same person unless shown otherwise."
    )
    reasons: list[str] = Field(description="The evidence, in plain words, strongest first.")
    found_by: list[str] = Field(description="The search branches that offered this client.")
    disclosure_notice: DisclosureNoticeOut | None = notice_field()


class MatchesOut(Schema):
    matches: list[MatchOut]
    notes: list[str] = Field(description="What the search did with the entered names.")


def matches_out(matches: list[Match]) -> list[dict[str, Any]]:
    """The API form of intake matches (also the body of a refused ``POST /clients``)."""
    return [
        {
            "client": m.client,
            "score": m.score,
            "possible_duplicate": m.possible_duplicate,
            "reasons": m.reasons,
            "found_by": m.found_by,
            # Set by the list's gate when the search was audited (``client_list_record``).
            "disclosure_notice": getattr(m.client, "disclosure_notice", None),
        }
        for m in matches
    ]


@router.get(
    "/intake/matches",
    response=MatchesOut,
    summary="Search first: existing clients who may be this person",
)
def intake_matches(request: HttpRequest, query: Query[MatchQuery]) -> dict[str, Any]:
    """The clients you may see who may be the person described, best first (audited)."""
    found = find_candidates(
        request.user,
        given_name=query.given_name,
        family_name=query.family_name,
        date_of_birth=query.date_of_birth,
        phone=query.phone,
    )
    person = Person(id="query", first_name=query.given_name, last_name=query.family_name)
    return {"matches": matches_out(found), "notes": query_notes(person)}

"""Clients: list and search, create (with a first enrollment), read and change.

Reads go through ``Client.objects.visible_to`` (lists, audited with ``client_list_record``)
and ``access_client`` (one client, audited as a view); writes through the client services.
Creating searches first (``client_create_checked``): a person who may already have a record
is refused with 409 and the matches, unless ``new_record_reason`` confirms a new record.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from casework.api.concurrency import check_version, require_if_match, set_etag
from casework.api.disclosure import DisclosureNoticeOut, notice_field
from casework.api.intake import MatchOut, matches_out
from casework.api.lookups import case_manager_or_none, program_for_caller
from casework.api.pagination import Page, PageParams, paginate
from casework.api.problems import problem
from casework.api.types import (
    Id,
    InputSchema,
    Name,
    PatchSchema,
    Phone,
    PostalCode,
    State,
    Text100,
    Text200,
    Text254,
)
from casework.clients.intake_check import PossibleDuplicates, client_create_checked
from casework.clients.models import Client, Enrollment, EnrollmentStatus, Sex
from casework.clients.permissions import (
    access_client,
    mark_list_access,
    redact_confidential_addresses,
)
from casework.clients.services import client_list_record, client_update

router = Router(tags=["clients"])


# A plain pydantic model read straight from the instance's attributes, not a ninja Schema:
# every field is a column or a property, so ninja's per-attribute getter (for managers, files
# and callables) has nothing to do here, and it was a measurable share of every audited read.
class ClientOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    version: int
    organization_id: int
    given_name: str
    middle_name: str
    family_name: str
    preferred_name: str
    display_name: str
    date_of_birth: date | None
    sex: Sex
    phone: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    address_hidden: bool = Field(
        description="True when the address is confidential and you are not in the care team "
        "(the address fields are then blank)."
    )
    access_basis: str = Field(
        "", description="How you reach this client: program, organization, consent, break_glass."
    )
    disclosure_notice: DisclosureNoticeOut | None = notice_field()


class ClientSummaryOut(Schema):
    id: int
    version: int
    display_name: str
    given_name: str
    family_name: str
    preferred_name: str
    date_of_birth: date | None
    city: str
    address_hidden: bool
    is_active: bool
    disclosure_notice: DisclosureNoticeOut | None = notice_field()


class ClientFilters(InputSchema, PageParams):
    q: Text100 = Field(
        "", description="Name search: each word starts a given, family or preferred name."
    )
    date_of_birth: date | None = None
    program: Id | None = Field(None, description="Enrolled in this program (id).")
    status: EnrollmentStatus | None = Field(None, description="With an enrollment in this status.")


class ClientCreateIn(InputSchema):
    given_name: Name
    middle_name: Text100 = ""
    family_name: Name
    preferred_name: Text100 = ""
    date_of_birth: date | None = None
    sex: Sex = Sex.NOT_COLLECTED
    phone: Phone = ""
    email: Text254 = ""
    address_line1: Text200 = ""
    address_line2: Text200 = ""
    city: Text100 = ""
    state: State = ""
    postal_code: PostalCode = ""
    program_id: Id = Field(description="The program the client is enrolled in on creation.")
    primary_case_manager_id: Id | None = None
    start_date: date | None = Field(None, description="Enrollment start; today if omitted.")
    new_record_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = (
        Field(
            "",
            description="Why this is a new person although the search found possible "
            "duplicates (answered 409 without it). Recorded in the audit trail.",
        )
    )


CREATE_ONLY = {"program_id", "primary_case_manager_id", "start_date", "new_record_reason"}


class DuplicatesProblem(Schema):
    """RFC 9457 problem with the matches that stopped the creation."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]]
    matches: list[MatchOut]


class ClientPatchIn(PatchSchema):
    """Only the fields sent are changed; ``null`` is accepted only for ``date_of_birth``."""

    NULLABLE = frozenset({"date_of_birth"})

    given_name: Name | None = None
    middle_name: Text100 | None = None
    family_name: Name | None = None
    preferred_name: Text100 | None = None
    date_of_birth: date | None = None
    sex: Sex | None = None
    phone: Phone | None = None
    email: Text254 | None = None
    address_line1: Text200 | None = None
    address_line2: Text200 | None = None
    city: Text100 | None = None
    state: State | None = None
    postal_code: PostalCode | None = None


def _enrollment_filter(request: HttpRequest, filters: ClientFilters) -> Exists:
    """Clients with an enrollment matching the filters, in a program the caller may see."""
    enrollments = Enrollment.objects.visible_to(request.user).filter(client_id=OuterRef("pk"))
    if filters.program is not None:
        enrollments = enrollments.filter(program_id=filters.program)
    if filters.status is not None:
        enrollments = enrollments.filter(status=filters.status)
    return Exists(enrollments)


@router.get("/clients", response=Page[ClientSummaryOut], summary="List and search clients")
def clients_list(request: HttpRequest, filters: Query[ClientFilters]) -> dict[str, Any]:
    """Clients the caller may see, by family then given name. The page shown is audited.
    A client you reach through a consent carries ``disclosure_notice`` (null otherwise)."""
    clients = Client.objects.visible_to(request.user).search(filters.q, filters.date_of_birth)
    if filters.program is not None or filters.status is not None:
        clients = clients.filter(_enrollment_filter(request, filters))
    page = paginate(request, clients.order_by("family_name", "given_name", "pk"), filters)
    query = {
        "q": filters.q,
        "date_of_birth": filters.date_of_birth.isoformat() if filters.date_of_birth else None,
        "program": filters.program,
        "status": filters.status,
        "page": filters.page if filters.page > 1 else None,
    }
    # The list's gate: each client reached through a consent carries its notice (one
    # consent query for the page); the audit then accounts for those names.
    mark_list_access(request.user, page["results"])
    client_list_record(actor=request.user, clients=page["results"], query=query)
    redact_confidential_addresses(request.user, page["results"])
    return page


@router.get("/clients/{client_id}", response=ClientOut, summary="Read one client")
def client_get(request: HttpRequest, client_id: Id, response: HttpResponse) -> Client:
    """The client, audited as a view. Missing and hidden clients are both 404."""
    client = access_client(request.user, client_id)
    set_etag(response, client)
    return client


@router.post(
    "/clients",
    response={201: ClientOut, 409: DuplicatesProblem},
    summary="Create and enroll a client",
)
def client_post(
    request: HttpRequest, payload: ClientCreateIn, response: HttpResponse
) -> Status[Client] | HttpResponse:
    """Create a client enrolled in ``program_id``, a program the caller may write in.

    Searches first: when a client you may see may be this person, answers 409 with the
    matches (as ``GET /intake/matches``); send ``new_record_reason`` to create anyway.
    """
    data = payload.model_dump(exclude=CREATE_ONLY)
    program = program_for_caller(request.user, payload.program_id)
    try:
        client = client_create_checked(
            actor=request.user,
            program=program,
            data=data,
            new_record_reason=payload.new_record_reason,
            primary_case_manager=case_manager_or_none(payload.primary_case_manager_id),
            start_date=payload.start_date,
        )
    except PossibleDuplicates as refused:
        return _duplicates_problem(request, refused)
    redact_confidential_addresses(request.user, [client])
    set_etag(response, client)
    response["Location"] = f"{request.path.rstrip('/')}/{client.pk}"
    return Status(201, client)


def _duplicates_problem(request: HttpRequest, refused: PossibleDuplicates) -> HttpResponse:
    matches = [
        MatchOut.model_validate(m).model_dump(mode="json") for m in matches_out(refused.matches)
    ]
    response = problem(
        request,
        409,
        "This person may already have a record: use one of the matches, or send "
        "new_record_reason to create a new record.",
        errors=[{"field": "new_record_reason", "message": "Required when matches are found."}],
        title="Possible duplicate",
    )
    body = json.loads(response.content)
    response.content = json.dumps({**body, "matches": matches}, ensure_ascii=False)
    return response


@router.patch("/clients/{client_id}", response=ClientOut, summary="Change a client")
def client_patch(
    request: HttpRequest,
    client_id: Id,
    payload: ClientPatchIn,
    response: HttpResponse,
    if_match: str | None = Header(None, alias="If-Match"),
) -> Client:
    """Change the fields sent. ``If-Match`` must carry the ETag of the version changed."""
    expected = require_if_match(if_match)
    client = access_client(request.user, client_id, write=True)
    check_version(client, expected)
    data = payload.model_dump(exclude_unset=True)
    client = client_update(actor=request.user, client=client, expected_version=expected, data=data)
    # The write gate does not redact (the service needs the real values); the answer must.
    redact_confidential_addresses(request.user, [client])
    set_etag(response, client)
    return client

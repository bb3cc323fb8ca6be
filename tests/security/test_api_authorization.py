"""Object-level authorization of every JSON API operation (read from the OpenAPI schema).

Each operation with an object id in its path is called with a valid body by the personas
who must not reach the object: they get 401 (anonymous), 403 or 404, never 2xx, and no body
with the client's name or SSN; then the owner is answered (so the ids are right). A
read-only token is refused on every unsafe operation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casework.accounts.models import User
from casework.accounts.services import api_token_create
from casework.api.urls import api
from tests.security.conftest import FAMILY, SSN, SSN_DIGITS, World, signed_in
from tests.security.routes import caseload_ids

UNSAFE = frozenset({"post", "put", "patch", "delete"})
RATINGS = {
    "ratings": {
        code: {"level": "competent"}
        for code in ("advocacy", "organization", "crisis", "documentation", "communication")
    }
}
PART_ROWS: dict[str, dict[str, Any]] = {
    "names": {"kind": "alias", "given_name": "Wyatt", "family_name": "Smith"},
    "identifiers": {"kind": "agency", "value": "AG-1"},
    "contacts": {"system": "phone", "use": "home", "value": "518-555-0111"},
    "addresses": {"use": "mailing", "line1": "PO Box 1", "city": "Troy", "state": "NY"},
    "household": {"given_name": "Kid", "relationship": 2},
    "emergency_contacts": {"name": "Clem", "phone": "518-555-0122"},
    "insurance": {"payer": "Medicaid", "member_id": "M-1"},
    "disabilities": {"disability_type": 5},
}
# Operations that take no object id (path or body) and answer only the caller's own data.
SELF_SCOPED = frozenset(
    {
        "/me",
        "/notifications/preferences",
        "/programs",
        "/clients",
        "/enrollments",
        "/audit-events",
        "/pathway",
        "/workforce/staff",
        "/workforce/me",
        "/workforce/me/credentials",
        "/workforce/me/continuing-education",
        "/workforce/me/continuing-education/certificate",
        "/workforce/me/supervised-hours",
        "/workforce/me/exam-results",
        "/duplicates",
        # Directory and referrals (issue 14): the directory holds no client data; the
        # referral list is the caller's own (visible_to).
        "/services",
        "/referrals",
        # Issue 13: the instruments in force for the caller's agency; an upload names the
        # organization in its body and is refused unless the caller administers it.
        "/instruments",
        # Intake search (issue 10): answers only from the clients the caller may see.
        "/intake/matches",
        # Issue 13: the readmission report covers the caller's supervised or administered
        # programs; a program named in the query is checked against them.
        "/reports/readmissions",
        # Staff development (issue 12): the framework of the caller's agency (PUT: admins
        # only, their own agency's edition); the caller's and their team's reviews, goals
        # and schedule (a staff_id in a filter or body goes through the same gate).
        "/development/framework",
        "/development/reviews",
        "/development/goals",
        "/development/schedule",
    }
)
# Issue 13: instrument definitions are not client data: every signed-in user may read them
# (anonymous callers get 401, checked below).
DEFINITIONS = frozenset({"/instruments/{code}", "/instruments/{code}/fhir"})
# Issue 14: curating the shared resource directory (no client data). Any agency's org admin
# curates it; everyone else gets 404 (casework/resources/tests/test_editing.py); anonymous
# callers get 401 (below).
DIRECTORY_CURATION = frozenset(
    {
        "/directory/organizations",
        "/directory/organizations/{organization_id}",
        "/directory/organizations/{organization_id}/partner",
        "/directory/organizations/{organization_id}/locations",
        "/directory/locations/{location_id}",
    }
)
# Operations that name the object in the body, and who owns each.
BODY_ID = {
    ("post", "/emergency-access"),
    ("post", "/clients"),
    ("post", "/enrollments"),
    ("post", "/referrals"),
    ("post", "/development/reviews"),
    ("post", "/development/goals"),
}
OWNERS = {
    "/programs/{program_id}/eligibility": "org_admin",
    "/programs/{program_id}/referral-clock": "org_admin",
    "/workforce/supervised-hours/{entry_id}/sign": "sup_health",
    "/enrollments/{enrollment_id}/case-manager": "sup_health",
    "/duplicates/{candidate_id}/merge": "org_admin",
    "/duplicates/{candidate_id}/not-duplicate": "org_admin",
    "/merges/{merge_id}/undo": "org_admin",
    "/transfers/{transfer_id}/accept": "sup_health",
    "/programs/{program_id}/caseload-weights": "sup_health",
    "/transfers/{transfer_id}/decline": "sup_health",
    "/plans/{plan_id}/decision": "sup_health",
    "/workforce/staff/{staff_id}": "org_admin",
    "/workforce/staff/{staff_id}/credentials": "org_admin",
    "/development/reviews/{review_id}/supervisor-rating": "sup_health",
}


# --- Caseload (issue 15): bodies of the notes, tasks, appointments and crisis operations ----
CASELOAD_BODIES: dict[tuple[str, str], Any] = {
    ("post", "/clients/{client_id}/notes"): lambda w: {
        "program_id": w.program.pk,
        "note_type": "contact",
    },
    ("patch", "/notes/{note_id}"): lambda w: {"location": "Office"},
    ("post", "/notes/{note_id}/addenda"): lambda w: {"text": "Correction."},
    ("patch", "/tasks/{task_id}"): lambda w: {"priority": 3},
    ("post", "/tasks/{task_id}/complete"): lambda w: {},
    ("post", "/clients/{client_id}/appointments"): lambda w: {
        "program_id": w.program.pk,
        "starts_at": "2031-05-01T10:00:00Z",
        "mode": "phone",
    },
    ("post", "/appointments/{appointment_id}/attendance"): lambda w: {"attendance": "attended"},
    ("post", "/clients/{client_id}/crises"): lambda w: {
        "program_id": w.program.pk,
        "kind": "medical",
        "severity": 2,
        "what_happened": "A fall.",
    },
    ("post", "/crises/{crisis_id}/resolve"): lambda w: {"resolution": "Back home, safe."},
    ("post", "/clients/{client_id}/attachments"): lambda w: Multipart({}, files={"file": _pdf()}),
    ("post", "/enrollments/{enrollment_id}/transfers"): lambda w: {
        "to_user_id": w.supervisor.pk,
        "reason": "Leave",
    },
    ("post", "/transfers/{transfer_id}/decline"): lambda w: {"reason": "Caseload is full."},
    ("put", "/programs/{program_id}/caseload-weights"): lambda w: {
        "client_weight": 1,
        "crisis_weights": {"4": 2},
        "flag_weights": {"high": 0.5},
    },
}


def _pdf() -> bytes:
    from casework.casenotes.tests.test_attachments import pdf_bytes

    return pdf_bytes()


CASELOAD_SELF_SCOPED = frozenset({"/worklist", "/transfers"})
CASELOAD_BODY_ID = {("post", "/tasks")}
# --- end of the caseload block ---------------------------------------------------------------


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="")
    return sorted(
        (method, path)
        for path, methods in schema["paths"].items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    )


def _fill(path: str, world: World) -> str:
    part = re.match(r"^/clients/\{client_id\}/(\w+)/\{item_id\}$", path)
    ids = {
        "client_id": world.client.pk,
        "enrollment_id": world.enrollment.pk,
        "staff_id": world.owner.pk,
        "entry_id": world.ce_id if "continuing-education" in path else world.hours_id,
        "program_id": world.program.pk,
        "screening_id": world.screening_id,
        "consent_id": world.consent.pk,
        "candidate_id": world.candidate.pk,
        "merge_id": world.merge_id,
        "item_id": world.parts[part.group(1)] if part else None,
        "referral_id": world.referral_id if "{referral_id}" in path else None,
        **world.extra.get("care", {}),
        **caseload_ids(world),
        "kind": "safety",
        # Directory curation (issue 14): ids of the shared directory, no client data.
        "organization_id": "00000000-0000-4000-8000-00000000a001",
        "location_id": "00000000-0000-4000-8000-00000000a002",
        "review_id": world.review_id if "{review_id}" in path else None,
        "development_goal_id": world.goal_id if "{development_goal_id}" in path else None,
        "evidence_id": world.evidence_id if "{evidence_id}" in path else None,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)


def _body(method: str, path: str, world: World, owner_api: Any) -> Any:
    part = re.match(r"^/clients/\{client_id\}/(\w+)$", path)
    if part and part.group(1) in PART_ROWS and method == "post":
        return PART_ROWS[part.group(1)]
    bodies: dict[tuple[str, str], Any] = {
        ("patch", "/clients/{client_id}"): {"phone": "518-555-0999"},
        ("patch", "/clients/{client_id}/profile"): {"pronouns": "they/them"},
        ("post", "/clients/{client_id}/ssn"): {"ssn": "219-09-9999"},
        ("post", "/clients/{client_id}/consents"): {
            "recipient_name": "Someone",
            "categories": ["general"],
            "purpose": "Coordination",
            "signature_method": "typed",
            "signed_by_name": "Dolores Abernathy",
        },
        ("post", "/consents/{consent_id}/revoke"): {"reason": "asked to"},
        ("post", "/consents/{consent_id}/event-outcome"): {"happened": False},
        # Issue 13: assessments and risk flags.
        ("post", "/clients/{client_id}/assessments"): {
            "instrument": "phq9",
            "answers": {f"q{n}": 0 for n in range(1, 10)},
        },
        ("post", "/clients/{client_id}/risk-flags"): {"label": "Eviction", "severity": "low"},
        ("post", "/risk-flags/{flag_id}/resolve"): {"note": "Safety plan made today."},
        ("post", "/clients/{client_id}/plans/from-needs"): {
            "assessment_ids": [world.extra["care"]["assessment_id"]]
        },
        ("post", "/plans/{plan_id}/goals"): {"client_words": "Sleep better"},
        ("post", "/plans/{plan_id}/goals/{goal_id}/interventions"): {
            "what": "Weekly check-in",
            "responsible": "case_manager",
        },
        ("post", "/plans/{plan_id}/goals/{goal_id}/objectives"): {"text": "Call two landlords"},
        ("put", "/plans/{plan_id}/sections/{kind}"): {"warning_signs": ["Not sleeping"]},
        ("post", "/plans/{plan_id}/decision"): {"approve": False, "comment": "Add dates."},
        ("post", "/plans/{plan_id}/sign"): {"method": "typed", "signed_name": "D. A."},
        ("post", "/duplicates/{candidate_id}/merge"): {"survivor_id": world.client.pk},
        ("patch", "/enrollments/{enrollment_id}"): {"status": "on_hold"},
        ("post", "/enrollments/{enrollment_id}/transition"): {"to": "on_hold"},
        ("post", "/enrollments/{enrollment_id}/case-manager"): {
            "primary_case_manager_id": None,
            "reason": "Caseload balancing",
        },
        ("post", "/screenings/{screening_id}/override"): {
            "result": "ineligible",
            "reason": "Does not live in the service area at all.",
        },
        ("post", "/referrals/{referral_id}/transition"): {"to": "cancelled", "reason": "Moved"},
        ("post", "/referrals/{referral_id}/messages"): {"body": "Any news?"},
        ("put", "/programs/{program_id}/referral-clock"): {"business_days": 4},
        # Staff development (issue 12).
        ("post", "/development/goals/{development_goal_id}/complete"): {
            "completed_on": "2026-01-05"
        },
        ("post", "/development/reviews/{review_id}/evidence"): {
            "skill_code": "crisis",
            "record": "task:1",
        },
        ("post", "/development/reviews/{review_id}/self-rating"): RATINGS,
        ("post", "/development/reviews/{review_id}/supervisor-rating"): RATINGS,
        ("post", "/programs/{program_id}/screenings"): {
            "client_id": world.client.pk,
            "answers": {"state": "NY"},
        },
    }
    if (method, path) == ("post", "/clients/{client_id}/consents/signed-form"):
        return Multipart(
            {
                "recipient_name": "Someone",
                "categories": ["general"],
                "purpose": "Coordination",
                "signed_by_name": "Dolores Abernathy",
            },
            files={"signed_form": b"%PDF-1.4 signed"},
        )
    if (method, path) in CASELOAD_BODIES:
        return CASELOAD_BODIES[(method, path)](world)
    if (method, path) == ("put", "/programs/{program_id}/eligibility"):
        current = owner_api.get(f"/programs/{world.program.pk}/eligibility").json()
        return {"rules": current["rules"], "capacity": None}
    return bodies.get((method, path), {} if method in UNSAFE else None)


@dataclass(frozen=True)
class Multipart:
    """A ``multipart/form-data`` body; each send gets fresh file objects."""

    fields: dict[str, Any]
    files: dict[str, bytes]

    def data(self) -> dict[str, Any]:
        uploads = {
            name: SimpleUploadedFile(f"{name}.pdf", content, "application/pdf")
            for name, content in self.files.items()
        }
        return self.fields | uploads


class Api:
    def __init__(self, user: User | None, *, read_only: bool = False) -> None:
        self.http = signed_in(None)
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = api_token_create(
                actor=user, user=user, name="matrix", read_only=read_only
            )
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"

    def call(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        send = getattr(self.http, method)
        url = f"/api/v1{path}"
        if body is None:
            return send(url, **self.headers, **extra)
        if isinstance(body, Multipart):
            return send(url, data=body.data(), **self.headers, **extra)
        return send(
            url, data=json.dumps(body), content_type="application/json", **self.headers, **extra
        )

    def get(self, path: str) -> Any:
        return self.call("get", path)


def _leaks(response: Any) -> list[str]:
    text = response.content.decode("utf-8", "replace")
    return [s for s in (FAMILY, SSN, SSN_DIGITS, "MCD-77123") if s in text]


def test_every_operation_is_classified() -> None:
    unknown = [
        (m, p)
        for m, p in operations()
        if "{" not in p
        and p not in SELF_SCOPED | CASELOAD_SELF_SCOPED | DIRECTORY_CURATION
        and (m, p) not in BODY_ID | CASELOAD_BODY_ID
    ]
    assert unknown == [], f"classify these operations in {__name__}: {unknown}"


OBJECT_OPERATIONS = [
    (m, p)
    for m, p in operations()
    if "{" in p and p not in DEFINITIONS and p not in DIRECTORY_CURATION
]


def test_directory_curation_needs_sign_in() -> None:
    for method, path in operations():
        if path in DIRECTORY_CURATION:
            url = path.replace("{organization_id}", "x").replace("{location_id}", "x")
            assert Api(None).call(method, url, {} if method != "get" else None).status_code == 401


def test_instrument_definitions_need_sign_in(partner: User) -> None:
    for path in DEFINITIONS:
        url = path.replace("{code}", "phq9")
        assert Api(None).get(url).status_code == 401
        assert Api(partner).get(url).status_code == 200


@pytest.mark.parametrize(("method", "path"), OBJECT_OPERATIONS, ids=lambda v: str(v))
def test_object_operations_refuse_everyone_but_their_owner(
    method: str,
    path: str,
    world: World,
    intruders: dict[str, User | None],
    request: pytest.FixtureRequest,
) -> None:
    owner = request.getfixturevalue(OWNERS.get(path, "cm_health"))
    owner_api = Api(owner)
    url = _fill(path, world)
    body = _body(method, path, world, owner_api)
    if_match = {"HTTP_IF_MATCH": "*"} if method in UNSAFE else {}
    for who, user in intruders.items():
        response = Api(user).call(method, url, body, **if_match)
        expected = {401} if user is None else {403, 404}
        assert response.status_code in expected, (who, method, url, response.content[:300])
        assert _leaks(response) == [], (who, method, url)
    if method in UNSAFE:
        refused = Api(owner, read_only=True).call(method, url, body, **if_match)
        assert refused.status_code == 403, (method, url, refused.content[:300])
    current = owner_api.get(url) if method == "patch" else None
    if current is not None and current.has_header("ETag"):
        if_match = {"HTTP_IF_MATCH": current["ETag"]}
    answered = owner_api.call(method, url, body, **if_match)
    assert answered.status_code not in (401, 403, 404), (method, url, answered.content[:300])
    assert answered.status_code < 500


@pytest.mark.parametrize("who", ["other_agency_admin", "other_agency_cm", "partner"])
def test_body_ids_of_another_tenant_are_refused(
    who: str, world: World, intruders: dict[str, User | None]
) -> None:
    caller = Api(intruders[who])
    attempts = [
        ("/emergency-access", {"client_id": world.client.pk, "reason": "x" * 20}),
        ("/enrollments", {"client_id": world.client.pk, "program_id": world.program.pk}),
        ("/clients", {"given_name": "A", "family_name": "B", "program_id": world.program.pk}),
        (
            "/referrals",
            {"client_id": world.client.pk, "program_id": world.program.pk, "reason": "x"},
        ),
        (
            "/tasks",
            {
                "title": "x",
                "due_at": "2031-01-01T10:00:00Z",
                "client_id": world.client.pk,
                "program_id": world.program.pk,
            },
        ),
        ("/development/reviews", {"staff_id": world.owner.pk, "due_on": "2031-01-01"}),
        (
            "/development/goals",
            {
                "staff_id": world.owner.pk,
                "skill_code": "crisis",
                "what": "x",
                "by_when": "2031-01-01",
                "method": "training",
            },
        ),
    ]
    for path, body in attempts:
        response = caller.call("post", path, body)
        assert response.status_code in (403, 404, 422), (who, path, response.content[:300])
        assert _leaks(response) == []

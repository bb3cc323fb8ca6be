"""Every API operation answers as its OpenAPI schema says (issue 9), checked by schemathesis.

A bounded, deterministic run over all operations with every check on: not only "no 5xx" but
status codes, content types, response bodies and headers against the schema, valid data
accepted, invalid data refused, a missing required header refused, auth not ignored. The
calls are authenticated as the owner of the security suite's world (an agency with a client,
its enrollment, consents, notes, plans...), and ids the generator draws are replaced by the
world's ids so that valid requests reach the operation's logic rather than a 404.
"""

from __future__ import annotations

import json
import re
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client as HttpClient
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from casework.accounts.models import User
from casework.accounts.services import api_token_create
from casework.api.management.commands.export_openapi import schema_json
from casework.api.types import MAX_ID
from casework.assessments.models import RiskFlag
from tests.security.conftest import World
from tests.security.test_api_authorization import OWNERS, _fill

# Valid requests that a 422 may still answer, each for a rule JSON Schema cannot state: the
# state the record is in (a plan can be submitted once), a rule across fields (an end after
# its start), a date relative to today, or a value checked against data (the agency's skill
# framework, a ZIP code directory). The 422 names the field and the rule. Everything else
# the server refuses, the schema states (lengths, patterns, enums, ranges, nullability).
STATE = "the answer depends on the record's current state (e.g. already signed or undone)"
ACROSS = "a rule across fields, which the schema cannot state"
DATA = "the value is checked against data (the agency's framework, settings or directories)"
TODAY = "a date may not be in the future, relative to the day of the request"
RULES_NO_SCHEMA_STATES: dict[tuple[str, str], str] = {
    ("GET", "/clients/{client_id}/continuity-summary"): ACROSS + ": the end after the start",
    ("POST", "/clients"): DATA + ": a state's code or name",
    ("POST", "/clients/{client_id}/addresses"): ACROSS + ": valid_to after valid_from",
    ("PATCH", "/clients/{client_id}/addresses/{item_id}"): ACROSS + ": valid_to after valid_from",
    ("POST", "/clients/{client_id}/emergency_contacts"): ACROSS + ": a phone or an email",
    ("PATCH", "/clients/{client_id}/emergency_contacts/{item_id}"): ACROSS
    + ": a phone or an email",
    ("POST", "/clients/{client_id}/insurance"): ACROSS + ": end_date after start_date",
    ("PATCH", "/clients/{client_id}/insurance/{item_id}"): ACROSS + ": end_date after start_date",
    ("POST", "/clients/{client_id}/names"): ACROSS + ": a given or a family name",
    ("PATCH", "/clients/{client_id}/names/{item_id}"): ACROSS + ": a given or a family name",
    ("POST", "/clients/{client_id}/household"): TODAY,
    ("PATCH", "/clients/{client_id}/household/{item_id}"): TODAY,
    ("POST", "/clients/{client_id}/identifiers"): STATE + ": the identifier is already on file",
    ("POST", "/clients/{client_id}/consents"): ACROSS + ": the drawn signature for method drawn",
    ("POST", "/consents/{consent_id}/event-outcome"): STATE + ": an open event to review",
    ("POST", "/emergency-access"): DATA + ": the organization's time limit",
    ("POST", "/enrollments"): STATE + ": the client is already enrolled",
    ("PATCH", "/enrollments/{enrollment_id}"): ACROSS + ": closing needs a reason and an end",
    ("POST", "/duplicates/{candidate_id}/merge"): STATE + ": both enrolled in one program",
    ("POST", "/merges/{merge_id}/undo"): STATE,
    ("POST", "/notes/{note_id}/sign"): STATE + ": the note's sections are written",
    ("POST", "/plans/{plan_id}/submit"): STATE,
    ("POST", "/plans/{plan_id}/sign"): STATE,
    ("POST", "/plans/{plan_id}/decision"): STATE,
    ("POST", "/plans/{plan_id}/review"): STATE,
    ("PUT", "/plans/{plan_id}/sections/{kind}"): ACROSS + ": the body's shape is the kind's",
    ("POST", "/plans/{plan_id}/goals/{goal_id}/interventions"): ACROSS + ": a named provider",
    ("POST", "/referrals"): DATA + ": an intervention of the client's plan",
    ("POST", "/referrals/{referral_id}/transition"): STATE + ": the referral's status",
    ("POST", "/referrals/{referral_id}/fhir-task"): "a FHIR R4 Task, validated as FHIR",
    ("POST", "/screenings/{screening_id}/complete"): STATE,
    ("POST", "/screenings/{screening_id}/override"): ACROSS + ": a reason for a changed result",
    ("GET", "/services"): DATA + ": a ZIP code of the directory's gazetteer",
    ("POST", "/tasks"): "a repeat rule (RFC 5545 RRULE) is parsed, not matched",
    ("PATCH", "/tasks/{task_id}"): "a repeat rule (RFC 5545 RRULE) is parsed, not matched",
    ("POST", "/development/goals"): DATA + ": a skill of the agency's framework",
    ("POST", "/development/goals/{development_goal_id}/complete"): STATE,
    ("POST", "/development/reviews/{review_id}/evidence"): DATA + ": a skill of the review",
    ("POST", "/development/reviews/{review_id}/self-rating"): DATA + ": the framework's skills",
    ("POST", "/development/reviews/{review_id}/supervisor-rating"): STATE,
    ("POST", "/development/reviews/{review_id}/sign"): STATE,
    ("POST", "/workforce/me/exam-results"): ACROSS + ": the state of a state's exam",
    ("POST", "/workforce/supervised-hours/{entry_id}/sign"): STATE,
}
# Multipart uploads: a form carries every value as text, so the invalid bodies the generator
# draws for them (a number where text is due, a body with only the required parts) reach the
# server as a valid form and are rightly accepted. The negative-data check cannot apply; the
# uploads' own refusals are tested in casework/casenotes/tests and casework/clients/tests.
MULTIPART_FORMS = {
    ("POST", "/clients/{client_id}/attachments"),
    ("POST", "/clients/{client_id}/consents/signed-form"),
}
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]

# Bounds: the coverage phase's boundary cases of every parameter plus a few random examples
# per operation; derandomized, so a run is the same on every machine.
MAX_EXAMPLES = 2
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
        },
        "checks": {
            # RFC 6585: a missing If-Match is answered 428 Precondition Required, which the
            # schema declares for every operation whose If-Match is required.
            "missing_required_header": {
                "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]
            },
        },
        # One undeclared method per operation (it must get 405 with Allow), not all eight:
        # the run stays within its time.
        "phases": {"stateful": {"enabled": False}, "coverage": {"unexpected-methods": ["delete"]}},
        "operations": [
            {
                "include-method": method,
                "include-path": f"/api/v1{path}",
                "checks": {
                    "positive_data_acceptance": {"expected-statuses": [*POSITIVE_STATUSES, "422"]}
                },
            }
            for (method, path) in RULES_NO_SCHEMA_STATES
        ]
        + [
            {
                "include-method": method,
                "include-path": f"/api/v1{path}",
                "checks": {"negative_data_rejection": {"enabled": False}},
            }
            for (method, path) in MULTIPART_FORMS
        ],
    }
)
_DJANGO = WSGIHandler()


def APP(environ: dict[str, Any], start_response: Any) -> Any:  # noqa: N802 - a WSGI app
    """Django as the test client runs it, each request in a savepoint of the test's
    transaction. Like ``django.test.Client``, it keeps Django from closing the database
    connection at the start and end of a request (``close_old_connections`` drops a
    connection found inside a transaction, which marks the test's transaction broken on
    PostgreSQL). The savepoint spans the middleware and the whole body, so a statement
    refused inside a ``savepoint=False`` block (Django's delete collector, say) and answered
    4xx is rolled back with its request, as it would be in production."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with transaction.atomic():
            response = _DJANGO(environ, start_response)
            body = list(response)
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return body


SCHEMA = schemathesis.openapi.from_dict(json.loads(schema_json()), config=CONFIG)
# As ``from_wsgi`` does, without asking the app for its schema at import time (no database yet).
SCHEMA.app = APP


def _path_ids(path: str, world: World) -> dict[str, str]:
    """The world's value of each path parameter of ``path`` (as the matrix fills them)."""
    names = re.findall(r"\{(\w+)\}", path)
    if not names:
        return {}
    template = re.escape(path)
    for name in names:
        template = template.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
    filled = _fill(path.removeprefix("/api/v1").replace("{code}", "phq9"), world)
    match = re.fullmatch(template.replace("(?P<code>[^/]+)", "(?P<code>phq9)"), "/api/v1" + filled)
    assert match is not None, path
    return match.groupdict()


def _typed(value: str) -> int | str:
    return int(value) if value.isdigit() else value


def _valid_path_value(value: Any, world_value: str, positive: bool) -> bool:
    """Whether a drawn path value is one the schema allows (then the world's value replaces
    it): for an id, a number in the id range; for a text parameter, one drawn as valid."""
    if world_value.isdigit():
        return positive and str(value).isdigit() and 1 <= int(str(value)) <= MAX_ID
    return positive


def _is_positive(case: Any, location: ParameterLocation) -> bool:
    """Whether the generator meant ``location`` of ``case`` to be valid."""
    meta = case.meta
    if meta is None:
        return True
    invalid_at = getattr(meta.phase.data, "parameter_location", None)
    if meta.generation.mode.is_negative and invalid_at == location:
        return False
    component = meta.components.get(location)
    return component is None or bool(component.mode.is_positive)


def _body_ids(world: World) -> dict[str, Any]:
    """The world's value of each id a request body may name."""
    return {
        "client_id": world.client.pk,
        "program_id": world.program.pk,
        "enrollment_id": world.enrollment.pk,
        "expiry_enrollment_id": world.enrollment.pk,
        "primary_case_manager_id": world.owner.pk,
        "staff_id": world.owner.pk,
        "to_user_id": world.supervisor.pk,
        "worker_id": world.owner.pk,
        "assignee_id": world.owner.pk,
        "survivor_id": world.client.pk,
        "assessment_ids": [world.extra["care"]["assessment_id"]],
    }


def _with_world_ids(case: Any, world: World) -> None:
    """Point a valid request at the world's objects (an invalid part is left as generated)."""
    if case.path_parameters:
        ids = _path_ids(case.operation.path, world)
        positive = _is_positive(case, ParameterLocation.PATH)
        case.path_parameters = {
            name: _typed(ids[name]) if _valid_path_value(value, ids[name], positive) else value
            for name, value in case.path_parameters.items()
        }
    if isinstance(case.body, dict) and _is_positive(case, ParameterLocation.BODY):
        ids = _body_ids(world)
        case.body = {
            key: ids[key] if key in ids and value is not None else value
            for key, value in case.body.items()
        }


def _with_current_etag(case: Any, http: HttpClient, auth: str) -> None:
    """A valid If-Match names the version the resource has now (the resource itself, or the
    nearest enclosing one that has an ETag: a client's profile is versioned with the client)."""
    if "If-Match" not in (case.headers or {}) or not _is_positive(case, ParameterLocation.HEADER):
        return
    flag = re.fullmatch(r"/api/v1/risk-flags/(\d+)/resolve", case.formatted_path)
    if flag:  # a risk flag is read in its client's list, without an ETag of its own
        found = RiskFlag.objects.filter(pk=flag.group(1)).first()
        if found is not None:
            case.headers = {**case.headers, "If-Match": found.etag}
        return
    segments = case.formatted_path.split("/")
    while len(segments) > 3:
        response = http.get("/".join(segments), HTTP_AUTHORIZATION=auth)
        if response.status_code == 200 and response.has_header("ETag"):
            case.headers = {**case.headers, "If-Match": response["ETag"]}
            return
        segments.pop()


@pytest.fixture
def tokens(world: World, sup_health: User, org_admin: User) -> dict[str, str]:
    users = {"owner": world.owner, "sup_health": sup_health, "org_admin": org_admin}
    return {
        name: api_token_create(actor=user, user=user, name="schemathesis")[1]
        for name, user in users.items()
    }


@SCHEMA.parametrize()
@hypothesis.settings(suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture])
def test_api_conforms_to_its_schema(case: Any, world: World, tokens: dict[str, str]) -> None:
    short = case.operation.path.removeprefix("/api/v1")
    auth = f"Bearer {tokens[OWNERS.get(short, 'owner')]}"
    _with_world_ids(case, world)
    _with_current_etag(case, HttpClient(), auth)
    case.call_and_validate(headers={"Authorization": auth})

"""Every error is RFC 9457 problem+json with field errors; no input yields a 5xx."""

from __future__ import annotations

import json
import re

import pytest

from casework.api.tests.helpers import PROBLEM, assert_problem
from casework.clients.models import Client


def _new_client(programs, **fields):
    return {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "program_id": programs["healthcare"].pk,
    } | fields


def test_future_date_of_birth_gets_422_on_that_field(api_as, cm_health, programs):
    response = api_as(cm_health).post("clients", _new_client(programs, date_of_birth="2999-01-01"))
    errors = assert_problem(response, 422)["errors"]
    assert errors == [
        {"field": "date_of_birth", "message": "Date of birth cannot be in the future."}
    ]
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_future_date_of_birth_in_a_patch_gets_422(api_as, cm_health, client_health):
    response = api_as(cm_health).patch(
        f"clients/{client_health.pk}", {"date_of_birth": "2999-01-01"}, HTTP_IF_MATCH='"1"'
    )
    assert [e["field"] for e in assert_problem(response, 422)["errors"]] == ["date_of_birth"]
    client_health.refresh_from_db()
    assert client_health.version == 1


def test_unknown_field_gets_422_naming_it(api_as, cm_health, programs):
    response = api_as(cm_health).post("clients", _new_client(programs, favourite_colour="blue"))
    errors = assert_problem(response, 422)["errors"]
    assert errors == [{"field": "favourite_colour", "message": "Unknown field."}]


def test_wrong_types_get_422_with_each_field(api_as, cm_health, programs):
    body = _new_client(programs, sex="yes", date_of_birth="last tuesday", program_id="x")
    fields = {
        e["field"] for e in assert_problem(api_as(cm_health).post("clients", body), 422)["errors"]
    }
    assert fields == {"sex", "date_of_birth", "program_id"}


def test_missing_required_field_gets_422(api_as, cm_health, programs):
    body = {"given_name": "Ada", "program_id": programs["healthcare"].pk}
    errors = assert_problem(api_as(cm_health).post("clients", body), 422)["errors"]
    assert [e["field"] for e in errors] == ["family_name"]


def test_array_instead_of_object_is_an_error_about_the_whole_body(api_as, cm_health):
    errors = assert_problem(api_as(cm_health).post("clients", "[1, 2]"), 422)["errors"]
    assert [e["field"] for e in errors] == ["body"]


def test_nested_field_errors_name_their_path(api_as, cm_health, programs):
    body = _new_client(programs, given_name=["Ada"])
    errors = assert_problem(api_as(cm_health).post("clients", body), 422)["errors"]
    assert [e["field"] for e in errors] == ["given_name"]


def test_malformed_json_gets_400(api_as, cm_health):
    response = api_as(cm_health).post("clients", '{"given_name": "Ada",')
    assert "JSON" in assert_problem(response, 400)["detail"]


def test_oversize_body_gets_413(api_as, cm_health, programs, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = _new_client(programs, address_line1="x" * 4000)
    assert_problem(api_as(cm_health).post("clients", body), 413)
    assert not Client.objects.filter(family_name="Lovelace").exists()


def test_unknown_api_path_gets_a_problem_404(api_as, cm_health):
    for path in ("/api/v1/no-such-thing", "/api/v1/", "/api/v1/clients/1/nope"):
        assert_problem(api_as(cm_health).get(path), 404)


def test_unknown_path_is_404_for_anonymous_callers_too(db):
    from casework.api.tests.helpers import Api

    assert_problem(Api().get("/api/v1/no-such-thing"), 404)


def test_wrong_method_gets_a_problem_405_with_allow(api_as, cm_health):
    response = api_as(cm_health).delete("clients")
    assert_problem(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_problem_carries_the_request_id(api_as, cm_health):
    response = api_as(cm_health).get("/api/v1/nope", HTTP_X_REQUEST_ID="trace-abcdef12")
    body = assert_problem(response, 404)
    assert body["request_id"] == "trace-abcdef12"
    assert body["instance"] == "/api/v1/nope"


NASTY_BODIES = [
    "[]",
    "[1, 2, 3]",
    "null",
    '"a string"',
    "42",
    "true",
    "{}",
    '{"given_name": null, "family_name": null}',
    '{"given_name": ["Ada"], "family_name": {"x": 1}}',
    json.dumps({"given_name": "A" * 100_000, "family_name": "B"}),
    '{"given_name": "Ada\\u0000", "family_name": "Nul"}',
    '{"given_name": "\\ud800", "family_name": "Surrogate"}',
    json.dumps({"given_name": "Zoë 🙂 Ünïcødé", "family_name": "Ñandú"}),
    '{"given_name": "Ada", "family_name": "B", "program_id": 1e308}',
    '{"given_name": "Ada", "family_name": "B", "program_id": 99999999999999999999999999}',
    '{"given_name": "Ada", "family_name": "B", "program_id": -1}',
    '{"given_name": "Ada", "family_name": "B", "date_of_birth": "0000-01-01"}',
    '{"given_name": "Ada", "family_name": "B", "date_of_birth": "1899-12-31"}',
    '{"given_name": "Ada", "family_name": "B", "sex": 1e9}',
    '{"given_name": "Ada", "family_name": "B", "email": "not an email"}',
    '{"given_name": "Ada", "family_name": "B", "state": "N\\u0000"}',
    '{"status": "sideways", "start_date": "2020-02-30", "end_date": null}',
    '{"client_id": 99999999999999999999, "program_id": "1"}',
    '{"primary_case_manager_id": 0, "end_date": "1999-01-01"}',
    "\xff\xfe not utf-8",
    '{"a": ' * 200 + "1" + "}" * 200,
]

NASTY_QUERIES = [
    "clients?q=%00",
    "clients?q=" + "x" * 5000,
    "clients?q=%F0%9F%99%82%20%C3%A9",
    "clients?page=0",
    "clients?page=-5",
    "clients?page=abc",
    "clients?page=99999999999999999999",
    "clients?page_size=0",
    "clients?date_of_birth=yesterday",
    "clients?program=99999999999999999999",
    "clients?status=bogus",
    "enrollments?client=-1",
    "audit-events?since=garbage",
    "audit-events?since=9999-12-31T23:59:59",
    "audit-events?until=0001-01-01T00:00:00%2B14:00",
    "audit-events?since=0001-01-01",
    "clients?date_of_birth=9999-12-31",
    "audit-events?actor=%00",
    "clients/0",
    "clients/-1",
    "clients/99999999999999999999999",
    "clients/%F0%9F%99%82",
    "enrollments/1e3",
]


@pytest.fixture
def writer(api_as, cm_health, client_health):
    return api_as(cm_health)


def _assert_handled(response):
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("body", NASTY_BODIES)
def test_nasty_bodies_never_cause_a_server_error(writer, client_health, body):
    enrollment = client_health.enrollments.get()
    _assert_handled(writer.post("clients", body))
    _assert_handled(writer.post("enrollments", body))
    _assert_handled(writer.patch(f"clients/{client_health.pk}", body, HTTP_IF_MATCH='"1"'))
    _assert_handled(writer.patch(f"enrollments/{enrollment.pk}", body, HTTP_IF_MATCH='"1"'))


@pytest.mark.parametrize("query", NASTY_QUERIES)
def test_nasty_queries_never_cause_a_server_error(api_as, auditor, client_health, query):
    _assert_handled(api_as(auditor).get(query))


# The nastiest few, sent to every operation of every area (the whole API keeps the promise).
EVERY_OPERATION_BODIES = [
    "[]",
    "null",
    '{"a": ' * 200 + "1" + "}" * 200,
    '{"name": "\\u0000", "given_name": "\\ud800", "id": 99999999999999999999999}',
    json.dumps({"status": "x" * 10_000, "date": "0000-00-00", "on": "9999-12-31T23:59:59+14:00"}),
]


def test_no_operation_answers_nasty_input_with_a_server_error(api_as, org_admin, client_health):
    from casework.api.urls import api

    admin = api_as(org_admin)
    for path, operations in api.get_openapi_schema()["paths"].items():
        url = re.sub(r"\{[^}]+\}", str(client_health.pk), path)
        for method in operations:
            if method == "get":
                for query in ("", "?page=0", "?q=%00", "?since=9999-12-31T23:59:59"):
                    _assert_handled(admin.get(url + query))
                continue
            for body in EVERY_OPERATION_BODIES:
                _assert_handled(admin._call(method, url, body, HTTP_IF_MATCH='"1"'))

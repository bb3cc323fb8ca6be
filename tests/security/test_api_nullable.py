"""Nullable means null is accepted (issue 9), read from the OpenAPI schema for every body.

For each request-body property of each operation, a body holding only that property as
``null`` is sent by the world's owner: where the schema declares the property nullable the
server does not refuse the null (no validation error names the field); where it does not,
the server answers 422 naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.accounts.services import api_token_create
from casework.api.management.commands.export_openapi import schema_json
from tests.security.conftest import World
from tests.security.test_api_authorization import OWNERS, _fill

SCHEMA = json.loads(schema_json())
JSON = "application/json"


@pytest.fixture(autouse=True)
def _request_savepoints() -> Iterator[None]:
    """Each request in a savepoint of the test's transaction, as it has a transaction of its
    own in production: on PostgreSQL a refused statement (answered 4xx) would otherwise
    abort the test's transaction for every later request."""
    previous = connection.settings_dict.get("ATOMIC_REQUESTS", False)
    connection.settings_dict["ATOMIC_REQUESTS"] = True
    yield
    connection.settings_dict["ATOMIC_REQUESTS"] = previous


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _nullable(prop: dict[str, Any]) -> bool:
    prop = _resolve(prop)
    return bool(prop.get("nullable")) or any(
        _resolve(branch).get("type") == "null" for branch in prop.get("anyOf", [])
    )


def _bodies() -> list[tuple[str, str, str, bool]]:
    """(method, path, property, nullable) for every JSON request-body property."""
    found = []
    for path, operations in SCHEMA["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if JSON not in content:
                continue
            body = _resolve(content[JSON]["schema"])
            for name, prop in body.get("properties", {}).items():
                found.append((method, path.removeprefix("/api/v1"), name, _nullable(prop)))
    return sorted(found)


BODIES = _bodies()


def test_the_schema_declares_both_kinds():
    assert any(nullable for *_, nullable in BODIES)
    assert sum(not nullable for *_, nullable in BODIES) > 100


def _etag(http: HttpClient, url: str, auth: str) -> str | None:
    segments = url.split("/")
    while len(segments) > 3:
        response = http.get("/".join(segments), HTTP_AUTHORIZATION=auth)
        if response.status_code == 200 and response.has_header("ETag"):
            return str(response["ETag"])
        segments.pop()
    return None


def _errors_about(response: Any, name: str) -> list[str]:
    if response.status_code != 422:
        return []
    errors = response.json()["errors"]
    return [e["message"] for e in errors if e["field"].split(".")[0] == name]


OPERATIONS = sorted({(method, path) for method, path, _name, _nullable in BODIES})


@pytest.mark.parametrize(
    ("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS]
)
def test_null_is_accepted_exactly_where_the_schema_says(
    method: str, path: str, world: World, sup_health: User, org_admin: User
) -> None:
    users = {"owner": world.owner, "sup_health": sup_health, "org_admin": org_admin}
    user = users[OWNERS.get(path, "owner")]
    auth = f"Bearer {api_token_create(actor=user, user=user, name='nulls')[1]}"
    url = "/api/v1" + _fill(path.replace("{code}", "phq9"), world)
    http = HttpClient()
    needs_if_match = "If-Match" in json.dumps(SCHEMA["paths"]["/api/v1" + path][method])
    send = getattr(http, method)
    wrong = []
    for _method, _path, name, nullable in BODIES:
        if (_method, _path) != (method, path):
            continue

        def call(body: dict[str, Any]) -> Any:
            headers = {"HTTP_AUTHORIZATION": auth}
            if needs_if_match:
                headers["HTTP_IF_MATCH"] = _etag(http, url, auth) or '"0"'
            response = send(url, data=json.dumps(body), content_type=JSON, **headers)
            assert response.status_code < 500, response.content
            return response

        response = call({name: None})
        # A rule that names the field when it is left out (a given or a family name) is not
        # a refusal of null: only what null adds to leaving the field out counts.
        refused = sorted(set(_errors_about(response, name)) - set(_errors_about(call({}), name)))
        if nullable and refused:
            wrong.append(f"{name}: declared nullable, null refused: {refused}")
        if not nullable and not refused:
            wrong.append(f"{name}: not nullable, null answered {response.status_code}")
    assert wrong == []

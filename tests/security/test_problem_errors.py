"""Every 422 names what to fix (issue 9): a walk over the whole API with bad input.

For each operation of the schema, the walk sends values that must be refused: ids past 64
bits, unreadable and out-of-range query values, an empty body, unknown and mistyped body
fields, dates no column can hold. Every 422 that comes back must carry a non-empty
``errors`` list, each entry with a ``field`` and a ``message``, and at least one entry
naming a field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from casework.api.urls import api
from tests.security.conftest import World
from tests.security.test_api_authorization import OWNERS, Api, _fill

BAD_QUERY_VALUES = ("99999999999999999999999", "\u0001x", "9999-99-99", "-1")


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="")
    return sorted(
        (method, path, spec)
        for path, methods in schema["paths"].items()
        for method, spec in methods.items()
        if method in {"get", "post", "put", "patch", "delete"}
    )


def _bodies(spec: dict[str, Any]) -> list[Any]:
    content = spec.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return []
    return [
        {},
        [],
        {"no_such_field": 1},
        {"date_of_birth": "99999-01-01", "starts_at": "9999-12-31T23:59:59Z", "page": 2**70},
        {"given_name": ["a"], "program_id": "x", "reason": {"a": 1}, "happened": "maybe"},
    ]


def _safe_fill(path: str, world: World) -> str:
    try:
        return _fill(path, world)
    except KeyError:  # a parameter the authorization matrix fills elsewhere (a code)
        return _fill(re.sub(r"\{(code|key|slug)\}", "unknown", path), world)


def _bad_requests(method: str, path: str, spec: dict[str, Any], world: World) -> Any:
    url = _safe_fill(path, world)
    for name in re.findall(r"\{(\w+)\}", path):
        if name != "kind":
            yield method, _safe_fill(path.replace("{" + name + "}", str(2**64)), world), None
    for parameter in spec.get("parameters", []):
        if parameter.get("in") == "query":
            for value in BAD_QUERY_VALUES:
                yield method, f"{url}?{parameter['name']}={value}", None
    for body in _bodies(spec):
        yield method, url, body


def _check(response: Any, where: str) -> list[str]:
    if response.status_code != 422:
        return []
    body = json.loads(response.content)
    errors = body.get("errors")
    if not errors:
        return [f"{where}: 422 with an empty errors list ({body.get('detail')})"]
    bad = [e for e in errors if not isinstance(e.get("field"), str) or not e.get("message")]
    if bad:
        return [f"{where}: 422 error without a field or message: {bad}"]
    if not any(e["field"] for e in errors):
        return [f"{where}: 422 naming no field: {errors}"]
    return []


def test_every_422_of_the_api_names_a_field_and_the_problem(world: World, request: Any) -> None:
    problems: list[str] = []
    seen = 0
    for method, path, spec in _operations():
        owner = request.getfixturevalue(OWNERS.get(path, "cm_health"))
        client = Api(owner)
        for verb, url, body in _bad_requests(method, path, spec, world):
            headers = {"HTTP_IF_MATCH": '"1"'} if verb in ("put", "patch", "post") else {}
            response = client.call(verb, url, body, **headers)
            if response.status_code >= 500:
                problems.append(f"{verb.upper()} {url} {body!r}: {response.status_code}")
            seen += response.status_code == 422
            problems += _check(response, f"{verb.upper()} {url} {body!r}")
    assert seen > 100, "the walk reached too few refusals to mean anything"
    assert problems == [], "\n".join(problems)


def test_a_value_no_column_can_hold_is_named_in_the_422() -> None:
    from django.db import DataError
    from django.test import RequestFactory

    from casework.api.problems import _on_data_error

    body = {"starts_at": "9999-12-31T23:59:00Z", "hours": 2**64, "note": "ok"}
    request = RequestFactory().post("/api/v1/x?page=99999999999999999999", body, "application/json")
    errors = json.loads(_on_data_error(request, DataError("out of range")).content)["errors"]
    assert {e["field"] for e in errors} == {"starts_at", "hours", "page"}


def test_a_422_without_errors_still_says_what_failed() -> None:
    from casework.api.problems import problem

    body = json.loads(problem(None, 422, "Something was refused.").content)
    assert body["errors"] == [{"field": "body", "message": "Something was refused."}]

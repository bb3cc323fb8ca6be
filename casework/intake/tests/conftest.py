"""Fixtures for intake tests: an API caller per persona, program admins, rules set-up."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as HttpClient

from casework.accounts import services as accounts
from casework.accounts.models import Program, Role, User
from casework.accounts.services import api_token_create
from casework.conftest import make_user
from casework.intake.services import eligibility_rules_save

PROBLEM = "application/problem+json"


class Api:
    """A JSON test client that authenticates with a fresh API token of ``user``."""

    def __init__(self, user: User) -> None:
        _token, raw = api_token_create(actor=user, user=user, name="intake tests")
        self.http = HttpClient()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str, **headers: Any) -> Any:
        return self.http.get(f"/api/v1/{path}", **(self.auth | headers))

    def send(self, method: str, path: str, body: Any, **headers: Any) -> Any:
        call = getattr(self.http, method)
        return call(
            f"/api/v1/{path}",
            data=json.dumps(body),
            content_type="application/json",
            **self.auth,
            **headers,
        )

    def post(self, path: str, body: Any = None, **headers: Any) -> Any:
        return self.send("post", path, body or {}, **headers)

    def put(self, path: str, body: Any, **headers: Any) -> Any:
        return self.send("put", path, body, **headers)


@pytest.fixture
def api() -> Callable[[User], Api]:
    return Api


def problem_fields(response: Any, status: int) -> set[str]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"] for error in response.json()["errors"]}


@pytest.fixture
def health(programs: dict[str, Program]) -> Program:
    return programs["healthcare"]


@pytest.fixture
def program_admin_health(health: Program) -> User:
    user = make_user("padmin.healthcare@example.org")
    accounts.membership_grant(actor=None, user=user, role=Role.PROGRAM_ADMIN, program=health)
    return user


@pytest.fixture
def set_rules(org_admin: User) -> Callable[..., Any]:
    """``set_rules(program, capacity=2, min_age=18)`` saves the next version of the rules."""

    def save(program: Program, capacity: int | None = None, **rules: Any) -> Any:
        from casework.intake.services import eligibility_for

        current = eligibility_for(program)
        return eligibility_rules_save(
            actor=org_admin,
            program=program,
            rules=rules,
            capacity=capacity,
            expected_version=current.version,
        )

    return save

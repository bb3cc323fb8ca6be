"""Fixtures of the case-notes tests: a signed-in API for a persona, and a draft note."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import User


class JsonApi:
    """The API as ``user`` sees it through the web session (CSRF is not enforced in tests)."""

    def __init__(self, user: User | None) -> None:
        self.http = HttpClient()
        if user is not None:
            self.http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    def call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        send = getattr(self.http, method)
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        if body is None:
            return send(f"/api/v1{path}", **extra)
        return send(
            f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **extra
        )


@pytest.fixture
def api() -> type[JsonApi]:
    return JsonApi

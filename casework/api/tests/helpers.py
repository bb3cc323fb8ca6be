"""Helpers for API tests: tokens for the personas, a JSON-speaking client, problem checks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import Client as HttpClient
from django.utils import timezone

from casework.accounts.models import ApiToken, User
from casework.accounts.services import api_token_create, api_token_revoke

PROBLEM = "application/problem+json"


class Api:
    """A test client that sends an API token (or nothing) and JSON bodies."""

    def __init__(self, token: str | None = None, client: HttpClient | None = None) -> None:
        self.client = client or HttpClient()
        self.headers: dict[str, str] = {}
        if token:
            self.headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    def _call(self, method: str, path: str, body: Any = None, **extra: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        headers = {**self.headers, **extra}
        send = getattr(self.client, method)
        if body is None:
            return send(url, **headers)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return send(url, data=data, content_type="application/json", **headers)

    def get(self, path: str, **extra: Any) -> Any:
        return self._call("get", path, **extra)

    def post(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._call("post", path, body, **extra)

    def patch(self, path: str, body: Any = None, **extra: Any) -> Any:
        return self._call("patch", path, body, **extra)

    def delete(self, path: str, **extra: Any) -> Any:
        return self._call("delete", path, **extra)


def token_for(user: User, *, read_only: bool = False, expires_days: int | None = None) -> str:
    _token, raw = api_token_create(
        actor=user, user=user, name="test", read_only=read_only, expires_days=expires_days
    )
    return raw


def revoke(user: User, raw: str) -> None:
    api_token_revoke(actor=user, token=ApiToken.objects.get(prefix=raw[:10], user=user))


def expire(user: User, raw: str) -> None:
    # Test set-up: move the expiry into the past rather than wait a day.
    ApiToken.objects.filter(prefix=raw[:10], user=user).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    """The response is an RFC 9457 problem with ``status``; returns its body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    return body

"""Small helpers shared by the web UI tests."""

from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from casework.accounts.models import User


def signed_in(http: HttpClient, user: User) -> HttpClient:
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def text(response: Any) -> str:
    return response.content.decode()

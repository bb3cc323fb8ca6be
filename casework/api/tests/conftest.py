"""Fixtures for API tests (helpers live in ``helpers.py``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from casework.accounts.models import User
from casework.api.tests.helpers import Api, token_for


@pytest.fixture
def api_as() -> Callable[..., Api]:
    """``api_as(cm_health)`` is an :class:`Api` authenticated with a fresh token of the user."""

    def make(user: User | None, **token_options: Any) -> Api:
        return Api(token_for(user, **token_options) if user is not None else None)

    return make

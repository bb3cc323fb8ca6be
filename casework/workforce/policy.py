"""The credential-gating policy registered with ``casework.accounts.policies``."""

from __future__ import annotations

from typing import Any


def credential_check(*, user: Any, program: Any, role: str, purpose: str) -> str | None:
    """Refuse a role or a client to staff who lack a credential the program requires for the
    role, unless an administrator's exception covers today. Returns the reason, or None."""
    from casework.workforce.queries import refusal_reason

    return refusal_reason(user, program, role)

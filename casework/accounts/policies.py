"""Assignment policies that higher apps contribute without lower apps importing them.

The workforce app (issue 4) registers a check that a staff member holds the credentials a
program requires; ``membership_grant`` and the client assignment services ask every
registered check before giving someone a role or a client. A check returns the reason
for refusing in plain words, or None to allow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AssignmentCheck = Callable[..., "str | None"]
_checks: list[AssignmentCheck] = []


def register_assignment_check(check: AssignmentCheck) -> AssignmentCheck:
    """Register ``check(*, user, program, role, purpose)``; usable as a decorator."""
    if check not in _checks:
        _checks.append(check)
    return check


def assignment_refusals(*, user: Any, program: Any, role: str, purpose: str) -> list[str]:
    """Reasons to refuse giving ``user`` the ``role`` in ``program`` (purpose: role or client)."""
    reasons: list[str] = []
    for check in _checks:
        reason = check(user=user, program=program, role=role, purpose=purpose)
        if reason:
            reasons.append(reason)
    return reasons

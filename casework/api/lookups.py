"""Turning ids in request bodies into the objects services take.

An id the caller may not use is answered like one that does not exist: a 422 on that field.
Whether the caller may *write* there is the service's decision (it raises PermissionDenied).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from casework.accounts.access import access_for
from casework.accounts.models import Program, User


def program_for_caller(user: Any, program_id: int, *, field: str = "program_id") -> Program:
    """An active program in which the caller holds a role or sees the whole organization."""
    access = access_for(user)
    program = (
        Program.objects.filter(pk=program_id, is_active=True)
        .filter(Q(pk__in=access.program_ids) | Q(organization_id__in=access.org_wide_org_ids))
        .first()
    )
    if program is None:
        raise ValidationError({field: "No such program."})
    return program


def case_manager_or_none(user_id: int | None) -> User | None:
    """The active user with this id; the service checks that they manage cases in the program."""
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ValidationError({"primary_case_manager_id": "No such case manager."})
    return user

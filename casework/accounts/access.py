"""What a user may reach, computed once per request from their active memberships."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from casework.accounts.models import Role

WRITE_PROGRAM_ROLES = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.INTAKE_WORKER, Role.PROGRAM_ADMIN}
)
_CACHE_ATTR = "_casework_access"


@dataclass(frozen=True)
class UserAccess:
    user_id: int | None
    admin_org_ids: frozenset[int] = frozenset()
    auditor_org_ids: frozenset[int] = frozenset()
    partner_org_ids: frozenset[int] = frozenset()
    program_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    program_org: dict[int, int] = field(default_factory=dict)
    #: per-request memo for facts other apps derive from this access (see clients)
    memo: dict[str, object] = field(default_factory=dict, compare=False, repr=False)

    @property
    def org_wide_org_ids(self) -> frozenset[int]:
        """Organizations whose every client the user may read (org admins and auditors)."""
        return self.admin_org_ids | self.auditor_org_ids

    @property
    def program_ids(self) -> frozenset[int]:
        return frozenset(self.program_roles)

    @property
    def write_program_ids(self) -> frozenset[int]:
        return frozenset(
            p for p, roles in self.program_roles.items() if roles & WRITE_PROGRAM_ROLES
        )

    @property
    def supervised_program_ids(self) -> frozenset[int]:
        return frozenset(p for p, roles in self.program_roles.items() if Role.SUPERVISOR in roles)

    @property
    def organization_ids(self) -> frozenset[int]:
        return (
            self.admin_org_ids
            | self.auditor_org_ids
            | self.partner_org_ids
            | frozenset(self.program_org.values())
        )

    @property
    def is_empty(self) -> bool:
        return not (self.org_wide_org_ids or self.program_roles)

    def has_program_role(self, program_id: int, *roles: str) -> bool:
        held = self.program_roles.get(program_id, frozenset())
        return bool(held & set(roles)) if roles else bool(held)

    def can_write_in_program(self, program_id: int, organization_id: int | None = None) -> bool:
        if program_id in self.write_program_ids:
            return True
        org = organization_id if organization_id is not None else self.program_org.get(program_id)
        return org is not None and org in self.admin_org_ids

    def can_audit(self, organization_id: int) -> bool:
        return organization_id in self.org_wide_org_ids

    def roles(self) -> set[str]:
        held: set[str] = set()
        for roles in self.program_roles.values():
            held |= roles
        if self.admin_org_ids:
            held.add(Role.ORG_ADMIN)
        if self.auditor_org_ids:
            held.add(Role.AUDITOR)
        if self.partner_org_ids:
            held.add(Role.PARTNER)
        return held


# The user's active memberships in active organizations (and, for program roles, active
# programs); the user is known to be active. Every request runs this, and the ORM spends
# several times longer compiling the equivalent queryset than the database spends answering
# it, so it is written out once here. It is the same rule as
# ``Membership.objects.active().filter(Q(program=None) | Q(program__is_active=True))``; a
# test holds the two together.
_ACTIVE_MEMBERSHIPS_SQL = """
    SELECT m.organization_id, m.program_id, m.role
    FROM accounts_membership m
    JOIN accounts_organization o ON o.id = m.organization_id
    LEFT JOIN accounts_program p ON p.id = m.program_id
    WHERE m.user_id = %s AND m.is_active AND o.is_active
      AND (m.program_id IS NULL OR p.is_active)
"""


def _active_memberships(user_id: int) -> list[tuple[int, int | None, str]]:
    """``(organization_id, program_id, role)`` of each membership that grants access."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_MEMBERSHIPS_SQL, [user_id])
        return cursor.fetchall()


def compute_access(user: object) -> UserAccess:
    user_id = getattr(user, "pk", None)
    active = getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    if not active or user_id is None:
        return UserAccess(user_id=None)
    admin: set[int] = set()
    auditor: set[int] = set()
    partner: set[int] = set()
    programs: dict[int, set[str]] = defaultdict(set)
    program_org: dict[int, int] = {}
    for org_id, program_id, role in _active_memberships(int(user_id)):
        if program_id is not None:
            programs[program_id].add(role)
            program_org[program_id] = org_id
        elif role == Role.ORG_ADMIN:
            admin.add(org_id)
        elif role == Role.AUDITOR:
            auditor.add(org_id)
        elif role == Role.PARTNER:
            partner.add(org_id)
    return UserAccess(
        user_id=user_id,
        admin_org_ids=frozenset(admin),
        auditor_org_ids=frozenset(auditor),
        partner_org_ids=frozenset(partner),
        program_roles={p: frozenset(r) for p, r in programs.items()},
        program_org=program_org,
    )


def access_for(user: object) -> UserAccess:
    """The user's access, cached on the user object for the rest of the request."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = compute_access(user)
        with contextlib.suppress(AttributeError):  # AnonymousUser and other slotted objects
            setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_access(user: object) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)

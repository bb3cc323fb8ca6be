"""What a user may reach, computed from their active memberships.

Every request needs it, so it is kept twice: on the user object for the rest of the request,
and in a small process-wide cache keyed by the user and their ``access_stamp``. The stamp is
read with the user on every request and replaced (``renew_access_stamps``, called by the
signal receivers in ``accounts.signals``, in the same transaction) whenever a membership,
organization or program changes. A request therefore never sees access older than its own
read of the user row: a removed membership takes effect on the very next request, in every
server process.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db.models import QuerySet

from casework.accounts.models import (
    Membership,
    Organization,
    Program,
    Role,
    User,
    new_access_stamp,
)
from casework.core.db import bound_cursor

WRITE_PROGRAM_ROLES = frozenset(
    {Role.CASE_MANAGER, Role.SUPERVISOR, Role.INTAKE_WORKER, Role.PROGRAM_ADMIN}
)
_CACHE_ATTR = "_casework_access"
# (user id, access stamp) -> access, shared by the threads of this process. Entries are
# never wrong, only unused once a stamp is replaced, so a full cache is simply emptied.
_SHARED: dict[tuple[int, int], UserAccess] = {}
_SHARED_LIMIT = 10_000


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
# programs); the user is known to be active. It runs whenever the shared cache misses, and
# the ORM spends several times longer compiling the equivalent queryset than the database
# spends answering it, so it is written out once here. It is the same rule as
# ``Membership.objects.active().filter(Q(program=None) | Q(program__is_active=True))``; a
# test holds the two together.
_ACTIVE_MEMBERSHIPS_SQL = f"""
    SELECT m.organization_id, m.program_id, m.role
    FROM "{Membership._meta.db_table}" m
    JOIN "{Organization._meta.db_table}" o ON o.id = m.organization_id
    LEFT JOIN "{Program._meta.db_table}" p ON p.id = m.program_id
    WHERE m.user_id = %s AND m.is_active AND o.is_active
      AND (m.program_id IS NULL OR p.is_active)
"""  # noqa: S608 - table names from the models


def _active_memberships(user_id: int) -> list[tuple[int, int | None, str]]:
    """``(organization_id, program_id, role)`` of each membership that grants access."""
    with bound_cursor() as cursor:
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
        cached = _shared_access(user)
        with contextlib.suppress(AttributeError):  # AnonymousUser and other slotted objects
            setattr(user, _CACHE_ATTR, cached)
    return cached


def _shared_access(user: object) -> UserAccess:
    """From the process-wide cache when the user row was read with its stamp, else computed.

    Each caller gets its own copy, with an empty per-request ``memo``.
    """
    # Only a stamp loaded with the row counts (a deferred one would be read afresh here).
    if (
        not isinstance(user, User)
        or not user.is_active
        or user.pk is None
        or "access_stamp" in user.get_deferred_fields()
    ):
        return compute_access(user)
    key = (user.pk, user.access_stamp)
    shared = _SHARED.get(key)
    if shared is None:
        shared = compute_access(user)
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        _SHARED[key] = shared
    return replace(shared, memo={})


def renew_access_stamps(users: QuerySet[User]) -> None:
    """Give these users a new access stamp: what they may reach is about to change.

    Call it inside the transaction that makes the change, so the new stamp and the change
    become visible together. This process's cache is emptied too, for user objects loaded
    before the change (their stamp is the old one).
    """
    users.update(access_stamp=new_access_stamp())
    _SHARED.clear()


def forget_access(user: object) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)

"""Every change to users, organizations, programs, memberships and API tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.accounts.access import forget_access
from casework.accounts.models import (
    ORGANIZATION_ROLES,
    PROGRAM_ROLES,
    ApiToken,
    Membership,
    Organization,
    PracticeArea,
    Program,
    Role,
    User,
    hash_token,
)
from casework.accounts.policies import assignment_refusals
from casework.accounts.rows import ModelRows
from casework.audit.models import AuditAction
from casework.audit.services import record
from casework.core.db import bound_cursor

TOKEN_PREFIX = "cw_"  # noqa: S105 - a public marker, not a secret
TOKEN_USE_AUDIT_INTERVAL = timedelta(minutes=5)


@transaction.atomic
def user_create(
    *,
    actor: Any,
    email: str,
    full_name: str,
    password: str | None = None,
    is_superuser: bool = False,
) -> User:
    user = User(email=email, full_name=full_name, is_superuser=is_superuser, is_staff=is_superuser)
    user.full_clean(exclude=["password"])
    if password:
        from django.contrib.auth.password_validation import validate_password

        validate_password(password, user)
    user.set_password(password)  # None gives an unusable password
    user.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="user",
        target_id=user.pk,
        details={"email": user.email},
    )
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password

    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action=AuditAction.PASSWORD_CHANGE, target_type="user", target_id=user.pk)


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> None:
    """Disable, never delete; end every session and revoke every token (ASVS 7.4.2)."""
    from django.contrib.sessions.models import Session

    user.is_active = False
    user.save(update_fields=["is_active"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="user",
        target_id=user.pk,
        changes={"is_active": [True, False]},
    )


@transaction.atomic
def organization_create(
    *, actor: Any, name: str, kind: str = Organization.Kind.AGENCY, state: str = ""
) -> Organization:
    org = Organization(name=name, kind=kind, state=state.upper())
    org.full_clean()
    org.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="organization",
        target_id=org.pk,
        organization_id=org.pk,
        details={"name": name, "kind": kind},
    )
    return org


@transaction.atomic
def organization_set_mfa_roles(*, actor: Any, organization: Organization, roles: list[str]) -> None:
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationError({"mfa_required_roles": f"Unknown roles: {', '.join(unknown)}"})
    before = list(organization.mfa_required_roles)
    organization.mfa_required_roles = sorted(set(roles))
    organization.save(update_fields=["mfa_required_roles", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="organization",
        target_id=organization.pk,
        organization_id=organization.pk,
        changes={"mfa_required_roles": [before, organization.mfa_required_roles]},
    )


@transaction.atomic
def program_create(
    *, actor: Any, organization: Organization, name: str, practice_area: str, state: str = ""
) -> Program:
    if practice_area not in PracticeArea.values:
        raise ValidationError({"practice_area": f"Unknown practice area {practice_area!r}."})
    program = Program(
        organization=organization,
        name=name,
        practice_area=practice_area,
        state=(state or organization.state).upper(),
    )
    program.full_clean()
    program.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="program",
        target_id=program.pk,
        organization_id=organization.pk,
        details={"name": name, "practice_area": practice_area},
    )
    return program


@transaction.atomic
def membership_grant(
    *,
    actor: Any,
    user: User,
    role: str,
    organization: Organization | None = None,
    program: Program | None = None,
) -> Membership:
    """Give ``user`` a role in a program, or an organization-wide role. Idempotent."""
    if role in PROGRAM_ROLES:
        if program is None:
            raise ValidationError({"program": f"The {role} role is held in a program."})
        organization = program.organization
    elif role in ORGANIZATION_ROLES:
        if organization is None or program is not None:
            raise ValidationError({"organization": f"The {role} role is held organization-wide."})
    else:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    if program is not None:
        refusals = assignment_refusals(user=user, program=program, role=role, purpose="role")
        if refusals:
            raise ValidationError({"user": refusals})
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        program=program,
        role=role,
        defaults={"is_active": True},
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active", "updated_at"])
        created = True
    if created:
        record(
            actor=actor,
            action=AuditAction.CREATE,
            target_type="membership",
            target_id=membership.pk,
            organization_id=organization.pk,
            details={"user": user.email, "role": role, "program": program.pk if program else None},
        )
    forget_access(user)
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    if not membership.is_active:
        return
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="membership",
        target_id=membership.pk,
        organization_id=membership.organization_id,
        changes={"is_active": [True, False]},
    )
    forget_access(membership.user)


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    user: User,
    name: str,
    read_only: bool = False,
    expires_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its plaintext, which is never stored or shown again."""
    if actor.pk != user.pk and not getattr(actor, "is_superuser", False):
        raise ValidationError(
            "Only the user (or a platform administrator) can create their tokens."
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, e.g. 'reporting script'."})
    if expires_days is not None and not 1 <= expires_days <= settings.CASEWORK_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_days": f"Expiry must be 1 to {settings.CASEWORK_TOKEN_MAX_DAYS} days."}
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        prefix=raw[:10],
        key_hash=hash_token(raw),
        read_only=read_only,
        expires_at=timezone.now() + timedelta(days=expires_days) if expires_days else None,
    )
    token.full_clean()
    token.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        target_type="api_token",
        target_id=token.pk,
        details={
            "name": token.name,
            "read_only": read_only,
            "expires_at": token.expires_at,
            "user": user.email,
        },
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.revoked_at is not None:
        return
    if actor.pk != token.user_id and not getattr(actor, "is_superuser", False):
        raise ValidationError("Only the token's owner can revoke it.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        target_type="api_token",
        target_id=token.pk,
        changes={"revoked_at": [None, token.revoked_at]},
    )


# Every API request looks its token and user up by key, so that lookup is one hand-written
# query (see ``accounts.rows`` for why).
_TOKEN_ROWS = ModelRows(ApiToken, "t")
_USER_ROWS = ModelRows(User, "u")


def _token_with_user(key_hash: str) -> ApiToken | None:
    """The token with this hash (``key_hash`` is unique) and its user, or None."""
    sql = (
        f"SELECT {_TOKEN_ROWS.columns}, {_USER_ROWS.columns} FROM {_TOKEN_ROWS.table}"  # noqa: S608 - names from the models
        f" JOIN {_USER_ROWS.table} ON u.id = t.user_id WHERE t.key_hash = %s"
    )
    with bound_cursor() as cursor:
        cursor.execute(sql, [key_hash])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_TOKEN_ROWS.fields)
    token = _TOKEN_ROWS.load(row[:split], cursor.db)
    token.user = _USER_ROWS.load(row[split:], cursor.db)
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token for ``raw``, or None. Refusals and (throttled) uses are audited."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = _token_with_user(hash_token(raw))
    if token is None or token.status != "active" or not token.user.is_active:
        record(
            actor=token.user if token else None,
            action=AuditAction.TOKEN_REFUSED,
            target_type="api_token",
            target_id=token.pk if token else "",
            actor_label=token.user.email if token else "",
            details={"prefix": raw[:10], "reason": token.status if token else "unknown"},
        )
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_AUDIT_INTERVAL:
        with transaction.atomic():
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            record(
                actor=token.user,
                action=AuditAction.TOKEN_USE,
                target_type="api_token",
                target_id=token.pk,
                details={"name": token.name},
            )
        token.last_used_at = now
    return token

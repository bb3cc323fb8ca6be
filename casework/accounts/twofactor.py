"""Two-factor sign-in (TOTP via django-otp, recovery codes via otp_static).

The deployment requires it for the roles in ``CASEWORK_MFA_ROLES`` (production default:
admins, auditors and supervisors); an org admin can add roles (``organization_set_mfa_roles``);
anyone may turn it on for themselves. Every change is audited as ``TWO_FACTOR``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.access import access_for
from casework.accounts.models import Organization
from casework.audit.models import AuditAction
from casework.audit.services import record

RECOVERY_CODE_COUNT = 10
_PENDING_NAME = "Authenticator app (not confirmed)"
_CONFIRMED_NAME = "Authenticator app"
_RECOVERY_NAME = "Recovery codes"


def two_factor_required(user: Any) -> bool:
    """True when any organization the user works in requires 2FA for a role they hold."""
    access = access_for(user)
    if access.is_empty and not access.partner_org_ids:
        return False
    held = access.roles()
    if held & set(settings.CASEWORK_MFA_ROLES):
        return True
    rows = Organization.objects.filter(pk__in=access.organization_ids).values_list(
        "mfa_required_roles", flat=True
    )
    return any(held & set(required or []) for required in rows)


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_pending(*, user: Any) -> TOTPDevice:
    """The user's unconfirmed authenticator (created on first call) for the setup page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_PENDING_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, actor: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm ``device`` with a code from the app; returns fresh recovery codes, or None.

    A confirmed device replaces any earlier one, so a user re-enrolling a new phone does not
    keep the old phone able to sign in.
    """
    if device.user_id != actor.pk or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.name = _CONFIRMED_NAME
    device.save(update_fields=["confirmed", "name"])
    codes = _recovery_codes_reset(actor)
    record(
        actor=actor,
        action=AuditAction.TWO_FACTOR,
        target_type="user",
        target_id=actor.pk,
        details={"event": "enabled", "recovery_codes": len(codes)},
    )
    return codes


def _recovery_codes_reset(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: Any, user: Any) -> None:
    """Remove the user's authenticator and recovery codes (they may set it up again)."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if removed:
        record(
            actor=actor,
            action=AuditAction.TWO_FACTOR,
            target_type="user",
            target_id=user.pk,
            details={"event": "disabled"},
        )


def two_factor_verified(*, user: Any, device: Any) -> None:
    """Audit a successful second-factor sign-in (and which kind of device was used)."""
    kind = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    record(
        actor=user,
        action=AuditAction.TWO_FACTOR,
        target_type="user",
        target_id=user.pk,
        details={"event": "verified", "device": kind},
    )


def two_factor_failed(*, user: Any) -> None:
    record(
        actor=user,
        action=AuditAction.LOGIN_FAILED,
        target_type="user",
        target_id=user.pk,
        details={"reason": "wrong two-factor code"},
    )

"""Two-factor (TOTP) rules: an org admin can require it for chosen roles."""

from __future__ import annotations

from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.access import access_for
from casework.accounts.models import Organization


def two_factor_required(user: Any) -> bool:
    """True when any organization the user works in requires 2FA for a role they hold."""
    access = access_for(user)
    if access.is_empty and not access.partner_org_ids:
        return False
    held = access.roles()
    rows = Organization.objects.filter(pk__in=access.organization_ids).values_list(
        "mfa_required_roles", flat=True
    )
    return any(held & set(required or []) for required in rows)


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()

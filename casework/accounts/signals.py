"""Audit sign-ins, sign-outs and failed sign-ins (ASVS 16.3.1); note 2FA needs at sign-in.

Also renew the access stamp (``accounts.access``) of every user whose access a membership,
organization or program change can alter, in the transaction of the change. The receivers
see every save and delete through the ORM; nothing changes these tables with
``QuerySet.update()`` or ``bulk_create()`` except the demo seed, which creates memberships
only for users it has just created (never read yet, so never cached).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from casework.accounts.access import renew_access_stamps
from casework.accounts.auth_audit import record_auth_event
from casework.accounts.middleware import DEVICE_KEY, LOGIN_AT_KEY
from casework.accounts.models import Membership, Organization, Program, User
from casework.accounts.twofactor import has_confirmed_device
from casework.audit.models import AuditAction
from casework.audit.services import record


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().isoformat()
        # Remembered so the middleware need not query devices on every request.
        request.session[DEVICE_KEY] = has_confirmed_device(user)
    record(actor=user, action=AuditAction.LOGIN, target_type="user", target_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(actor=user, action=AuditAction.LOGOUT, target_type="user", target_id=user.pk)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username") or credentials.get("email") or "")
    record_auth_event(action=AuditAction.LOGIN_FAILED, identifier=attempted)


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    renew_access_stamps(User.objects.filter(pk=instance.user_id))


@receiver([post_save, post_delete], sender=Organization)
def _organization_changed(sender: Any, instance: Organization, **kwargs: Any) -> None:
    if _may_change_access(kwargs):
        renew_access_stamps(User.objects.filter(memberships__organization_id=instance.pk))


@receiver([post_save, post_delete], sender=Program)
def _program_changed(sender: Any, instance: Program, **kwargs: Any) -> None:
    if _may_change_access(kwargs):
        renew_access_stamps(User.objects.filter(memberships__program_id=instance.pk))


def _may_change_access(signal_kwargs: dict[str, Any]) -> bool:
    """Whether an organization's or program's save can change who reaches what: a
    deletion, a creation, or a save that may have set ``is_active``."""
    fields = signal_kwargs.get("update_fields")
    return fields is None or "is_active" in fields

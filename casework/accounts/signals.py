"""Audit sign-ins, sign-outs and failed sign-ins (ASVS 16.3.1); note 2FA needs at sign-in."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils import timezone

from casework.accounts.middleware import DEVICE_KEY, LOGIN_AT_KEY
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
    attempted = str(credentials.get("username") or credentials.get("email") or "")[:254]
    record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        target_type="user",
        actor_label=attempted,
        details={"attempted": attempted},
    )

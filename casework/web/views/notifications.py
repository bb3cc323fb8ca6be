"""The notification centre: the signed-in person's messages, and marking them read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casework.notifications.kinds import KINDS
from casework.notifications.models import Notification
from casework.notifications.preferences import notification_preferences_set, preferences_for
from casework.notifications.services import notification_mark_read
from casework.web.gates import signed_in_user
from casework.web.paging import paginate

PAGE_SIZE = 25


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(recipient=signed_in_user(request)).order_by(
        "-created_at", "-id"
    )
    if request.GET.get("show") == "unread":
        rows = rows.unread()
    context = {"page": paginate(request, rows, size=PAGE_SIZE), "show": request.GET.get("show")}
    return render(request, "web/notifications/list.html", context)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read; with ``open`` set, go on to the page the notification points at."""
    notification_mark_read(actor=request.user, notification_ids=[pk])
    target = request.POST.get("open", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("web:notifications")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(actor=request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("web:notifications")


DELIVERY = (("app", "In the app only"), ("email", "In the app and by email"))


def _preference_rows(
    user: Any, typed: Mapping[str, str], errors: Mapping[str, str]
) -> list[dict[str, Any]]:
    return [
        row
        | {"value": typed.get(row["kind"], "email" if row["email"] else "app")}
        | {"error": errors.get(row["kind"], "")}
        for row in preferences_for(user)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """Per kind of notification: in the app only, or in the app and by email."""
    user = signed_in_user(request)
    typed: dict[str, str] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        typed = {k.code: request.POST.get(f"delivery-{k.code}", "") for k in KINDS}
        errors = {
            kind: "Choose in the app only, or in the app and by email."
            for kind, value in typed.items()
            if value not in dict(DELIVERY)
        }
        if not errors:
            changed = notification_preferences_set(
                actor=user, email_by_kind={k: v == "email" for k, v in typed.items()}
            )
            messages.success(
                request,
                f"Saved {changed} change{'s' if changed != 1 else ''}."
                if changed
                else "Nothing changed.",
            )
            return redirect("web:notification_preferences")
    context = {
        "rows": _preference_rows(user, typed, errors),
        "delivery": DELIVERY,
        "has_email": bool(user.email),
        "error_count": len(errors),
    }
    return render(
        request, "web/notifications/preferences.html", context, status=400 if errors else 200
    )

"""The notification centre: the signed-in person's messages, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from casework.notifications.models import Notification
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

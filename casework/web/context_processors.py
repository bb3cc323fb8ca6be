from typing import Any

from django.conf import settings
from django.http import HttpRequest


def casework(request: HttpRequest) -> dict[str, Any]:
    from casework.notifications.services import unread_count

    user = getattr(request, "user", None)
    return {
        "site_name": settings.CASEWORK_SITE_NAME,
        "unread_notifications": unread_count(user) if user is not None else 0,
    }

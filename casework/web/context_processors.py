"""Values every page's layout needs: site name, unread count and which menu items to show."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def casework(request: HttpRequest) -> dict[str, Any]:
    from casework.accounts.access import access_for
    from casework.notifications.services import unread_count

    user = getattr(request, "user", None)
    context: dict[str, Any] = {
        "site_name": settings.CASEWORK_SITE_NAME,
        "unread_notifications": 0,
        "nav_can_audit": False,
        "nav_is_org_admin": False,
        "nav_can_intake": False,
        "nav_is_supervisor": False,
        "nav_is_staff": False,
        "nav_can_import": False,
        "two_factor_default": bool(settings.CASEWORK_MFA_ROLES),
        "nav_is_partner": False,
    }
    if user is not None and user.is_authenticated:
        access = access_for(user)
        context["unread_notifications"] = unread_count(user)
        context["nav_can_audit"] = bool(access.org_wide_org_ids)
        context["nav_is_org_admin"] = bool(access.admin_org_ids)
        context["nav_can_intake"] = bool(access.write_program_ids or access.admin_org_ids)
        context["nav_is_supervisor"] = bool(access.supervised_program_ids or access.admin_org_ids)
        context["nav_is_staff"] = bool(access.program_roles or access.org_wide_org_ids)
        context["nav_is_partner"] = bool(access.partner_org_ids)
        context["nav_can_import"] = bool(access.admin_org_ids) or any(
            roles & {"intake_worker", "program_admin"} for roles in access.program_roles.values()
        )
    return context

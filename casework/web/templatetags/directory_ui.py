"""The client page's referrals panel: find services for a need, and the client's referrals."""

from __future__ import annotations

from typing import Any

from django import template

from casework.clients.permissions import can_write_client
from casework.referrals.permissions import referred_by_staff
from casework.resources.search import NEED_CATEGORIES

register = template.Library()


@register.inclusion_tag("directory/_client_referrals.html", takes_context=True)
def client_referrals(context: template.Context, client: Any) -> dict[str, Any]:
    """The client's referrals the reader sees from the referring side, newest first."""
    user = context["request"].user
    referrals = (
        referred_by_staff(user)
        .filter(client_id=client.pk)
        .select_related("service", "recipient_organization", "recipient_program")[:20]
    )
    return {
        "client": client,
        "referrals": referrals,
        "needs": NEED_CATEGORIES.items(),
        "can_refer": can_write_client(user, client),
    }

"""``/notifications/preferences``: how each kind of notification reaches the caller."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from casework.api.types import InputSchema
from casework.notifications.kinds import BY_CODE
from casework.notifications.preferences import notification_preferences_set, preferences_for

router = Router(tags=["notifications"])


class PreferenceOut(Schema):
    kind: str
    label: str
    description: str
    email: bool = Field(description="True: in the app and by email; false: in the app only.")


class PreferenceIn(InputSchema):
    kind: Literal[tuple(BY_CODE)] = Field(description="A notification kind.")  # type: ignore[valid-type]  # the kinds are data
    email: bool


class PreferencesIn(InputSchema):
    preferences: list[PreferenceIn] = Field(max_length=100)


@router.get(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="For each kind of notification: in the app only, or also by email",
)
def notification_preferences_get(request: HttpRequest) -> list[dict[str, Any]]:
    return preferences_for(request.user)


@router.put(
    "/notifications/preferences",
    response=list[PreferenceOut],
    summary="Choose in-app only (email false) or in-app and email per kind; others unchanged",
)
def notification_preferences_put(request: HttpRequest, payload: PreferencesIn) -> Any:
    notification_preferences_set(
        actor=request.user, email_by_kind={p.kind: p.email for p in payload.preferences}
    )
    return preferences_for(request.user)

"""Per-kind delivery: in the app only, or in the app and by email (page and API)."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from casework.accounts.models import User
from casework.api.tests.helpers import Api, token_for
from casework.audit.models import AuditEvent
from casework.notifications.kinds import BY_CODE
from casework.notifications.models import Notification
from casework.notifications.sweeps import run_sweeps
from casework.web.tests.helpers import signed_in, text
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def choices(**chosen: str) -> dict[str, str]:
    """A full form: every kind by email, except those named."""
    return {f"delivery-{code}": chosen.get(code, "email") for code in BY_CODE}


def test_choosing_in_app_only_stops_the_email_but_not_the_notification(
    client, cm_health: User, sup_health: User, django_capture_on_commit_callbacks
) -> None:
    signed_in(client, cm_health)
    page = text(client.get(reverse("web:notification_preferences")))
    assert "Credentials expiring" in page
    assert "In the app and by email" in page
    response = client.post(
        reverse("web:notification_preferences"), choices(credential_expiry="app")
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        actor=cm_health, target_type="notification_preferences"
    ).exists()
    add_licence(cm_health, expires_on=date.today() + timedelta(days=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_sweeps(only=["credentials"])
    assert Notification.objects.filter(recipient=cm_health, kind="credential_expiry").exists()
    assert [m.to for m in mail.outbox] == [[sup_health.email]]  # the supervisor kept email


def test_default_is_in_app_and_email(cm_health: User, django_capture_on_commit_callbacks) -> None:
    add_licence(cm_health, expires_on=date.today() + timedelta(days=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_sweeps(only=["credentials"])
    assert [m.to for m in mail.outbox] == [[cm_health.email]]


def test_missing_choice_names_the_kind_and_keeps_the_others(client, cm_health: User) -> None:
    signed_in(client, cm_health)
    form = choices(credential_expiry="app")
    del form["delivery-hours_to_sign"]
    response = client.post(reverse("web:notification_preferences"), form)
    assert response.status_code == 400
    body = text(response)
    assert "Supervised hours to sign: Choose in the app only, or in the app and by email." in body
    assert (
        'id="delivery-credential_expiry-app" name="delivery-credential_expiry" value="app" ' in body
    )
    assert not cm_health.notification_preferences.exists()


def test_api_reads_and_changes_preferences(cm_health: User) -> None:
    api = Api(token_for(cm_health))
    listed = api.get("notifications/preferences").json()
    assert {"kind": "ce_shortfall", "email": True}.items() <= next(
        row for row in listed if row["kind"] == "ce_shortfall"
    ).items()
    body = {"preferences": [{"kind": "ce_shortfall", "email": False}]}
    response = api._call("put", "notifications/preferences", body)
    assert response.status_code == 200
    row = next(r for r in response.json() if r["kind"] == "ce_shortfall")
    assert row["email"] is False
    assert cm_health.notification_preferences.get(kind="ce_shortfall").email is False


def test_api_refuses_an_unknown_kind_naming_the_field(cm_health: User) -> None:
    api = Api(token_for(cm_health))
    body = {"preferences": [{"kind": "nonsense", "email": False}]}
    response = api._call("put", "notifications/preferences", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preferences.0.kind"
    assert not cm_health.notification_preferences.exists()


def test_read_only_token_cannot_change_preferences(cm_health: User) -> None:
    api = Api(token_for(cm_health, read_only=True))
    body = {"preferences": [{"kind": "ce_shortfall", "email": False}]}
    assert api._call("put", "notifications/preferences", body).status_code == 403


def _notify_kinds() -> set[str]:
    """Every literal ``kind=`` passed to ``notify(...)`` (or a module's ``KIND``) in the code."""
    found: set[str] = set()
    for path in (ROOT / "casework").rglob("*.py"):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        constants = {
            t.id: n.value.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "notify"):
                continue
            for kw in node.keywords:
                if kw.arg != "kind":
                    continue
                values = [kw.value]
                if isinstance(kw.value, ast.IfExp):
                    values = [kw.value.body, kw.value.orelse]
                for value in values:
                    if isinstance(value, ast.Constant):
                        found.add(str(value.value))
                    elif isinstance(value, ast.Name):
                        found.add(str(constants.get(value.id, value.id)))
    return found


def test_every_kind_sent_has_a_label_on_the_preferences_page() -> None:
    missing = _notify_kinds() - set(BY_CODE)
    assert not missing, f"add these to casework/notifications/kinds.py: {sorted(missing)}"

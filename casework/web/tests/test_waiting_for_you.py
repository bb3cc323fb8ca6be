"""The supervisor's "Waiting for you" panel on the start page."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from casework.web.tests.helpers import signed_in, text
from casework.workforce.models import SupervisedHours
from casework.workforce.tests.conftest import add_licence

pytestmark = pytest.mark.django_db


def test_supervisor_sees_hours_unassigned_clients_and_expiring_credentials(
    client, sup_health, cm_health, intake_health, make_client
):
    for day in (1, 2):
        SupervisedHours.objects.create(
            user=cm_health,
            supervisor=sup_health,
            worked_on=date(2026, 2, day),
            hours=Decimal("1.5"),
            kind="individual_supervision",
        )
    make_client("healthcare", actor=intake_health, given_name="Ana")
    add_licence(cm_health, expires_on=date.today() + timedelta(days=45))
    body = text(signed_in(client, sup_health).get("/"))
    assert "Waiting for you" in body
    assert "2 supervised-hours entries wait for your signature." in body
    assert "1 client in Care Transitions has no case manager." in body
    assert "/caseloads/reassign/?program=" in body
    assert "1 staff credential expired or expiring within 90 days." in body


def test_supervisor_with_nothing_waiting_is_told_so(client, sup_health):
    body = text(signed_in(client, sup_health).get("/"))
    assert "Nothing waits for you" in body


def test_case_manager_without_anything_to_sign_sees_no_panel(client, cm_health):
    body = text(signed_in(client, cm_health).get("/"))
    assert "Waiting for you" not in body

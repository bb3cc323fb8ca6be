"""Audit rows written while serving a request carry its request id, address and user agent."""

import pytest

from casework.audit.models import AuditAction, AuditEvent
from casework.audit.services import diff, record
from casework.conftest import PASSWORD

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) CaseworkTest/1.0"


def sign_in(client, email, password=PASSWORD, **headers):
    return client.post(
        "/login/",
        {"username": email, "password": password},
        headers={"User-Agent": BROWSER, **headers},
        REMOTE_ADDR="203.0.113.9",
    )


def test_a_sign_in_row_is_stamped_from_the_request(client, cm_health):
    response = sign_in(client, cm_health.email, **{"X-Request-ID": "req-4f9c2d1e77"})
    assert response.status_code == 302
    assert response["X-Request-ID"] == "req-4f9c2d1e77"

    row = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=cm_health)
    assert row.request_id == "req-4f9c2d1e77"
    assert row.ip == "203.0.113.9"
    assert row.user_agent == BROWSER
    assert row.channel == "web"
    assert row.actor_label == cm_health.email


def test_a_generated_request_id_is_echoed_and_recorded(client, cm_health):
    response = sign_in(client, cm_health.email)
    row = AuditEvent.objects.get(action=AuditAction.LOGIN, actor=cm_health)
    assert row.request_id == response["X-Request-ID"]
    assert len(row.request_id) >= 8


def test_a_failed_sign_in_row_is_stamped_too(client, cm_health):
    sign_in(client, cm_health.email, password="not the password", **{"X-Request-ID": "req-bad-1"})
    row = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert (row.request_id, row.ip, row.user_agent) == ("req-bad-1", "203.0.113.9", BROWSER)


def test_rows_written_outside_a_request_say_so(db):
    row = record(actor=None, action=AuditAction.CREATE, target_type="program")
    assert (row.request_id, row.ip, row.user_agent, row.channel) == ("", None, "", "system")


@pytest.mark.parametrize("forwarded", ["198.51.100.7", "10.0.0.1, 198.51.100.7"])
def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, cm_health, forwarded):
    """A client cannot forge its audited address unless CASEWORK_PROXY_COUNT says to trust it."""
    sign_in(client, cm_health.email, **{"X-Forwarded-For": forwarded})
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip == "203.0.113.9"


def test_x_forwarded_for_is_read_behind_one_trusted_proxy(client, cm_health, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1
    sign_in(client, cm_health.email, **{"X-Forwarded-For": "10.9.8.7, 198.51.100.7"})
    assert AuditEvent.objects.get(action=AuditAction.LOGIN).ip == "198.51.100.7"


def test_changes_never_hold_a_protected_value(db):
    changes = diff({"password": "old-secret", "city": "Troy"}, {"password": "new", "city": "Rome"})
    assert changes == {"password": ["[redacted]", "[redacted]"], "city": ["Troy", "Rome"]}

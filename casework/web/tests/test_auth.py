"""Signing in and out, lockout, session expiry, password reset, and deny-by-default URLs."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from casework.audit.models import AuditAction, AuditEvent
from casework.conftest import PASSWORD
from casework.web import urls as web_urls
from casework.web.tests.helpers import signed_in, text
from tests.security.routes import PUBLIC

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def sign_in(http, email, password=PASSWORD, **extra):
    return http.post(LOGIN, {"username": email, "password": password, **extra})


def test_sign_in_page_has_labelled_email_and_password(client):
    body = text(client.get(LOGIN))
    assert '<label class="usa-label" for="id_username">Email' in body
    assert '<label class="usa-label" for="id_password">Password' in body
    assert 'name="username"' in body
    assert 'name="password"' in body
    assert ">Sign in</button>" in body


def test_sign_in_goes_to_my_clients_and_is_audited(client, cm_health):
    response = sign_in(client, "CM.Healthcare@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:dashboard")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=cm_health).exists()
    assert client.get("/").status_code == 200


def test_wrong_password_shows_a_clear_error(client, cm_health):
    response = sign_in(client, cm_health.email, "not the password")
    assert response.status_code == 200
    assert "The email or password is not right" in text(response)
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_lockout_after_five_failed_sign_ins(client, cm_health):
    statuses = [sign_in(client, cm_health.email, "wrong").status_code for _ in range(5)]
    assert statuses[:4] == [200] * 4
    locked = sign_in(client, cm_health.email)  # even the right password is refused now
    assert statuses[4] == 429
    assert locked.status_code == 429
    assert "LOCKED" in text(locked)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_four_failures_do_not_lock(client, cm_health):
    for _ in range(4):
        sign_in(client, cm_health.email, "wrong")
    assert sign_in(client, cm_health.email).status_code == 302


def test_sign_out_needs_post(client, cm_health):
    signed_in(client, cm_health)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=cm_health).exists()


def test_idle_session_expires(client, cm_health):
    signed_in(client, cm_health)
    assert client.get("/").status_code == 200
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/clients/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert "expired=1" in response["Location"]
    assert "Your session expired" in text(client.get(response["Location"]))


def test_idle_timeout_is_the_session_cookie_age_slid_once_a_minute(client, cm_health, settings):
    import time
    from unittest import mock

    from django.contrib.sessions.models import Session

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60
    signed_in(client, cm_health)
    client.get("/")
    key = client.session.session_key
    first = Session.objects.get(pk=key).expire_date
    client.get("/")
    assert Session.objects.get(pk=key).expire_date == first  # no write within the minute
    later = time.time() + 61
    with mock.patch("casework.accounts.middleware.time.time", return_value=later):
        client.get("/")
    assert Session.objects.get(pk=key).expire_date > first


def test_session_ends_after_its_absolute_lifetime(client, cm_health, settings):
    signed_in(client, cm_health)
    session = client.session
    started = timezone.now() - timedelta(hours=settings.SESSION_ABSOLUTE_HOURS, minutes=1)
    session["casework_login_at"] = started.isoformat()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert "expired=1" in response["Location"]
    assert client.get("/").status_code == 302  # signed out, not just redirected once


def test_session_within_its_lifetime_continues(client, cm_health):
    signed_in(client, cm_health)
    session = client.session
    session["casework_login_at"] = (timezone.now() - timedelta(hours=1)).isoformat()
    session.save()
    assert client.get("/").status_code == 200


def test_password_reset_by_email(client, cm_health):
    response = client.post(reverse("web:password_reset"), {"email": cm_health.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    found = re.search(r"http://testserver(\S+)", str(mail.outbox[0].body))
    assert found is not None
    link = found.group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in text(form_page)
    new_password = "a completely new passphrase 7"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.status_code == 302
    cm_health.refresh_from_db()
    assert cm_health.check_password(new_password)
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE, actor=cm_health).exists()


def test_password_reset_for_unknown_email_looks_the_same(client, db):
    response = client.post(reverse("web:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


# --- Deny by default -------------------------------------------------------------------------


def _patterns(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern) and entry.name:
            yield entry


def _sample_url(pattern: URLPattern) -> str:
    kwargs = {
        name: 1 if type(conv).__name__ == "IntConverter" else "x"
        for name, conv in pattern.pattern.converters.items()
    }
    return reverse(f"web:{pattern.name}", kwargs=kwargs)


def test_every_web_page_requires_sign_in(client, db):
    checked = []
    for pattern in _patterns(web_urls.urlpatterns):
        if pattern.name in PUBLIC or "pathway" in pattern.name:
            continue
        url = _sample_url(pattern)
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, (url, response.status_code)
            assert response["Location"].startswith(LOGIN), url
        checked.append(pattern.name)
    assert {"dashboard", "client_list", "client_detail", "audit_export", "tokens"} <= set(checked)


def test_unknown_page_is_a_styled_404_without_details(client, cm_health):
    response = signed_in(client, cm_health).get("/no-such-page/")
    assert response.status_code == 404
    body = text(response)
    assert "Page not found" in body
    assert "Traceback" not in body
    assert "usa-header" in body


# --- Password-reset rate limits (issue 9) -------------------------------------------------------


def test_password_reset_sends_at_most_three_emails_an_hour_per_account(client, cm_health):
    from casework.accounts.throttle import RESET_PER_ACCOUNT

    for n in range(RESET_PER_ACCOUNT + 2):
        response = client.post(
            reverse("web:password_reset"), {"email": cm_health.email}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 302  # the same answer either way
    assert len(mail.outbox) == RESET_PER_ACCOUNT
    refused = AuditEvent.objects.filter(action="password_reset", details__event="refused (account)")
    assert refused.count() == 2


def test_password_reset_requests_are_limited_per_address(client, cm_health, db):
    from casework.accounts.throttle import RESET_PER_ADDRESS

    for n in range(RESET_PER_ADDRESS):
        client.post(reverse("web:password_reset"), {"email": f"someone{n}@example.org"})
    response = client.post(reverse("web:password_reset"), {"email": cm_health.email})
    assert response.status_code == 429
    assert "Too many password resets" in response.content.decode()
    assert 'value="' + cm_health.email + '"' in response.content.decode()
    assert mail.outbox == []
    other = client.post(
        reverse("web:password_reset"), {"email": cm_health.email}, REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 302
    assert len(mail.outbox) == 1

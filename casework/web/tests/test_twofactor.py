"""Two-factor sign-in: required by role, set up with a real TOTP code, verified at sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.models import Role
from casework.audit.models import AuditAction, AuditEvent
from casework.conftest import PASSWORD
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift + offset,
    )
    return str(value).zfill(device.digits)


def sign_in(http, email):
    response = http.post("/login/", {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def require_for_case_managers(http, org_admin):
    signed_in(http, org_admin)
    response = http.post(reverse("web:security_settings"), {"roles": [Role.CASE_MANAGER]})
    assert response.status_code == 302
    http.logout()


def test_org_admin_requires_two_factor_for_a_role(client, org_admin, agency):
    require_for_case_managers(client, org_admin)
    agency.refresh_from_db()
    assert agency.mfa_required_roles == [Role.CASE_MANAGER]
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, target_type="organization", actor=org_admin
    ).exists()


def test_only_org_admins_change_security_settings(client, cm_health, auditor):
    assert signed_in(client, cm_health).get(reverse("web:security_settings")).status_code == 403
    client.logout()
    response = signed_in(client, auditor).post(
        reverse("web:security_settings"), {"roles": [Role.AUDITOR]}
    )
    assert response.status_code == 403


def test_required_role_is_sent_to_set_up_then_enrolls_with_a_real_code(
    client, org_admin, cm_health
):
    require_for_case_managers(client, org_admin)
    sign_in(client, cm_health.email)
    blocked = client.get("/clients/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("web:two_factor"))
    setup_redirect = client.get(blocked["Location"])
    assert setup_redirect["Location"] == reverse("web:two_factor_setup")
    page = client.get(reverse("web:two_factor_setup"))
    assert 'src="data:image/svg+xml' in text(page)
    device = TOTPDevice.objects.get(user=cm_health, confirmed=False)
    wrong = client.post(reverse("web:two_factor_setup"), {"code": "000000"})
    assert "That code did not work" in text(wrong)
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device for a second or more
    confirmed = client.post(reverse("web:two_factor_setup"), {"code": code_for(device)})
    assert "Save these recovery codes now" in text(confirmed)
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/clients/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR, actor=cm_health, details__event="enabled"
    ).exists()


def test_user_with_a_device_must_enter_a_code_at_sign_in(client, cm_health):
    device = TOTPDevice.objects.create(user=cm_health, name="phone", confirmed=True)
    sign_in(client, cm_health.email)
    for path in ("/", "/clients/", "/account/tokens/", "/account/two-factor/setup/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("web:two_factor")), path
    wrong = client.post(reverse("web:two_factor"), {"code": "123456", "next": "/clients/"})
    assert "That code did not work" in text(wrong)
    device.refresh_from_db()
    device.throttle_reset()  # a wrong code throttles the device for a second or more
    right = client.post(reverse("web:two_factor"), {"code": code_for(device), "next": "/clients/"})
    assert right.status_code == 302
    assert right["Location"] == "/clients/"
    assert client.get("/clients/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR, actor=cm_health, details__event="verified"
    ).exists()


def test_verify_refuses_an_offsite_next(client, cm_health):
    device = TOTPDevice.objects.create(user=cm_health, name="phone", confirmed=True)
    sign_in(client, cm_health.email)
    response = client.post(
        reverse("web:two_factor"), {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_recovery_code_signs_in_once(client, cm_health):
    signed_in(client, cm_health)
    client.get(reverse("web:two_factor_setup"))
    device = TOTPDevice.objects.get(user=cm_health)
    codes_page = text(client.post(reverse("web:two_factor_setup"), {"code": code_for(device)}))
    recovery = codes_page.split("<code>")[1].split("</code>")[0]
    client.logout()
    sign_in(client, cm_health.email)
    assert client.post(reverse("web:two_factor"), {"code": recovery}).status_code == 302
    assert client.get("/").status_code == 200
    client.logout()
    sign_in(client, cm_health.email)
    reused = client.post(reverse("web:two_factor"), {"code": recovery})
    assert "That code did not work" in text(reused)


def test_user_without_device_or_requirement_is_not_asked(client, cm_health):
    sign_in(client, cm_health.email)
    assert client.get("/").status_code == 200


def test_user_may_turn_off_optional_two_factor(client, cm_health):
    signed_in(client, cm_health)
    client.get(reverse("web:two_factor_setup"))
    device = TOTPDevice.objects.get(user=cm_health)
    client.post(reverse("web:two_factor_setup"), {"code": code_for(device)})
    client.post(reverse("web:two_factor_disable"))
    assert not TOTPDevice.objects.filter(user=cm_health).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR, details__event="disabled"
    ).exists()


def test_password_alone_cannot_turn_two_factor_off(client, cm_health):
    TOTPDevice.objects.create(user=cm_health, name="phone", confirmed=True)
    sign_in(client, cm_health.email)
    response = client.post(reverse("web:two_factor_disable"))
    assert response["Location"] == reverse("web:two_factor")
    assert TOTPDevice.objects.filter(user=cm_health).exists()


def test_required_two_factor_cannot_be_turned_off(client, org_admin, cm_health):
    require_for_case_managers(client, org_admin)
    TOTPDevice.objects.create(user=cm_health, name="phone", confirmed=True)
    signed_in(client, cm_health)
    device = TOTPDevice.objects.get(user=cm_health)
    client.post(reverse("web:two_factor"), {"code": code_for(device)})
    client.post(reverse("web:two_factor_disable"))
    assert TOTPDevice.objects.filter(user=cm_health).exists()


def test_deployment_roles_need_a_second_factor_and_the_demo_says_it_does_not(
    client, settings, sup_health, cm_health
):
    """CASEWORK_MFA_ROLES (production: admins, auditors, supervisors) applies in every
    organization; the demo, which sets none, says so on the sign-in page (issue 10)."""
    from casework.accounts.twofactor import two_factor_required

    assert "does not ask admins, auditors or supervisors" in client.get("/login/").content.decode()
    settings.CASEWORK_MFA_ROLES = ["supervisor"]
    assert two_factor_required(sup_health)
    assert not two_factor_required(cm_health)
    assert "does not ask" not in client.get("/login/").content.decode()

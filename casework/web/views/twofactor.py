"""Two-factor sign-in: verify a code, set up an authenticator, and who must use it."""

from __future__ import annotations

import base64

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts import services as accounts
from casework.accounts import twofactor
from casework.accounts.access import access_for
from casework.accounts.middleware import DEVICE_KEY
from casework.accounts.models import Organization
from casework.web.forms import OneTimeCodeForm, SecuritySettingsForm, add_service_errors


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else "/"


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Ask for a code from the authenticator (or a recovery code) before anything else."""
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]  # installed by OTPMiddleware
        return redirect(_next_url(request))
    if not twofactor.has_confirmed_device(user):
        if twofactor.two_factor_required(user):
            messages.info(request, "Your organization requires two-factor sign-in. Set it up now.")
            return redirect("web:two_factor_setup")
        return redirect(_next_url(request))
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["code"])
        if device is not None:
            request.session.cycle_key()  # a new session id for the stronger sign-in
            django_otp.login(request, device)
            twofactor.two_factor_verified(user=user, device=device)
            return redirect(_next_url(request))
        twofactor.two_factor_failed(user=user)
        form.add_error("code", "That code did not work. Codes change every 30 seconds.")
    context = {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    return render(request, "web/account/two_factor_verify.html", context)


def _qr_data_uri(config_url: str) -> str:
    return segno.make(config_url, error="m").svg_data_uri(scale=5, border=2)


def _secret(device: object) -> str:
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")  # type: ignore[attr-defined]
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show a QR code and the secret; a correct code confirms the authenticator."""
    user = request.user
    has_device = twofactor.has_confirmed_device(user)
    if has_device and not user.is_verified():  # type: ignore[union-attr]
        # Replacing a device needs the current one first, or a stolen password would do.
        return redirect("web:two_factor")
    if has_device and request.method == "GET" and request.GET.get("new") != "1":
        return render(
            request,
            "web/account/two_factor_status.html",
            {"required": twofactor.two_factor_required(user)},
        )
    device = twofactor.totp_device_pending(user=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.totp_device_confirm(
            actor=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[DEVICE_KEY] = True
            return render(request, "web/account/two_factor_codes.html", {"codes": codes})
        form.add_error(
            "code", "That code did not work. Check the time on your phone and try again."
        )
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": _secret(device),
        "required": twofactor.two_factor_required(user),
    }
    return render(request, "web/account/two_factor_setup.html", context)


@login_required
@require_POST
def disable(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_verified():  # type: ignore[union-attr]  # installed by OTPMiddleware
        # Only someone who has just given a code may remove the need for one.
        return redirect("web:two_factor")
    if twofactor.two_factor_required(user):
        messages.error(request, "Your organization requires two-factor sign-in for your role.")
    else:
        twofactor.two_factor_disable(actor=user, user=user)
        request.session[DEVICE_KEY] = False
        messages.success(request, "Two-factor sign-in is off.")
    return redirect("web:two_factor_setup")


@login_required
@require_http_methods(["GET", "POST"])
def security_settings(request: HttpRequest) -> HttpResponse:
    """Org admins choose which roles must use two-factor sign-in."""
    admin_orgs = access_for(request.user).admin_org_ids
    if not admin_orgs:
        raise PermissionDenied("Only organization admins can change security settings.")
    organizations = list(Organization.objects.filter(pk__in=admin_orgs).order_by("name"))
    chosen = request.POST.get("organization") or request.GET.get("organization")
    org = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    form = SecuritySettingsForm(request.POST or None, initial={"roles": org.mfa_required_roles})
    if request.method == "POST" and form.is_valid():
        try:
            accounts.organization_set_mfa_roles(
                actor=request.user, organization=org, roles=form.cleaned_data["roles"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the two-factor rules for {org.name}.")
            return redirect(f"{request.path}?organization={org.pk}")
    context = {"form": form, "organization": org, "organizations": organizations}
    return render(request, "web/account/security_settings.html", context)

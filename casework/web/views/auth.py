"""Sign in, sign out, lockout and password reset (Django's auth views, our templates)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from casework.accounts import services as accounts
from casework.accounts.auth_audit import record_auth_event
from casework.accounts.throttle import RESET_WINDOW, password_reset_refusal
from casework.audit.models import AuditAction
from casework.core.middleware import client_ip
from casework.web.forms import SignInForm


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "web/auth/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "throttled", 0):
            response.status_code = 429
            response["Retry-After"] = str(form.throttled)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = self.request.GET.get("expired") == "1"
        context["site_name"] = settings.CASEWORK_SITE_NAME  # not the host name Django puts here
        return context


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET), so a link or image cannot sign anyone out."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_signed_in:
            messages.success(request, "You have signed out.")
        return response


def lockout_username(request: HttpRequest, credentials: Any = None) -> str:
    """The account django-axes counts failures against: the email as sign-in matches it."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(raw).strip().lower()[:254]


def lockout_response(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this once an account has too many failed sign-ins: 429 and why."""
    attempted = lockout_username(request, credentials)
    record_auth_event(action=AuditAction.LOCKED_OUT, identifier=attempted)
    form = SignInForm(request, initial={"username": attempted})
    return render(request, "web/auth/login.html", {"form": form, "locked": True}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "web/auth/password_reset_form.html"
    email_template_name = "web/email/password_reset.txt"
    subject_template_name = "web/email/password_reset_subject.txt"
    success_url = reverse_lazy("web:password_reset_done")

    @property
    def extra_email_context(self) -> dict[str, str]:
        return {"site_name": settings.CASEWORK_SITE_NAME}

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"]
        refused = password_reset_refusal(email, client_ip(self.request))
        # Recorded for every request, whether or not the address has an account.
        record_auth_event(
            action=AuditAction.PASSWORD_RESET,
            identifier=email,
            details={"event": f"refused ({refused})" if refused else "requested"},
        )
        if refused == "address":
            context = self.get_context_data(form=form, too_many=True)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(int(RESET_WINDOW.total_seconds()))
            return response
        if refused == "account":
            # The same answer as a sent email: whether an account exists stays unsaid.
            return HttpResponseRedirect(str(self.success_url))
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "web/auth/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/auth/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")

    def form_valid(self, form: Form) -> HttpResponse:
        # Through the service (audited) rather than form.save().
        user = self.user  # set by dispatch() for a valid link
        accounts.user_set_password(
            actor=user, user=user, password=form.cleaned_data["new_password1"]
        )
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(str(self.success_url))


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/auth/password_reset_complete.html"

"""Personal API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts import services as accounts
from casework.accounts.models import ApiToken
from casework.web.forms import ApiTokenForm, add_service_errors
from casework.web.gates import signed_in_user


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = accounts.api_token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                expires_days=form.cleaned_data["expires_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Rendered, not redirected: the plaintext exists only in this one response.
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    context = {
        "form": form,
        "created": created,
        "tokens": ApiToken.objects.filter(user=user).order_by("-created_at"),
    }
    return render(request, "web/account/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=signed_in_user(request), pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    accounts.api_token_revoke(actor=request.user, token=token)
    messages.success(request, f"Revoked the token “{token.name}”. It no longer works.")
    return redirect("web:tokens")

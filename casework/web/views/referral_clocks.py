"""How long each program's referrals may wait for an answer before they escalate (the
response clock, in business days). Administrators of the program set it; the escalation
sweep (``referrals_escalate``) reads it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casework.core.exceptions import PermissionDenied
from casework.referrals import clocks
from casework.referrals.models import ResponseClock
from casework.web.forms import add_service_errors


class ClockForm(forms.Form):
    business_days = forms.CharField(
        max_length=5,
        label="Business days to answer",
        help_text=f"Between {clocks.MIN_RESPONSE_DAYS} and {clocks.MAX_RESPONSE_DAYS}. Weekends "
        "and public holidays do not count.",
        error_messages={"required": "Enter a whole number of business days."},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


@login_required
def response_clocks(request: HttpRequest) -> HttpResponse:
    programs = clocks.clock_programs(request.user)
    if not programs:
        raise PermissionDenied("Only administrators set referral response times.")
    set_days = dict(
        ResponseClock.objects.filter(program__in=programs).values_list(
            "program_id", "business_days"
        )
    )
    rows = [(p, set_days.get(p.pk)) for p in programs]
    context = {"rows": rows, "default": settings.CASEWORK_REFERRAL_RESPONSE_DAYS}
    return render(request, "directory/response_clocks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def response_clock_edit(request: HttpRequest, program_id: int) -> HttpResponse:
    program = clocks.program_for_clock(request.user, program_id)
    form = ClockForm(
        request.POST or None, initial={"business_days": clocks.response_days(program.pk)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            clock = clocks.response_clock_set(
                actor=request.user,
                program=program,
                business_days=form.cleaned_data["business_days"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{program.name}: referrals now escalate after {clock.business_days} business "
                f"day{'s' if clock.business_days != 1 else ''} without an answer.",
            )
            return redirect("web:response_clocks")
    context = {
        "form": form,
        "program": program,
        "default": settings.CASEWORK_REFERRAL_RESPONSE_DAYS,
    }
    return render(
        request, "directory/response_clock_form.html", context, status=422 if form.errors else 200
    )

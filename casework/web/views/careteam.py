"""A client's care team page: staff and outside members, and whether each outsider may
receive information (a consent in force naming them)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts.models import Membership, User
from casework.caseload.careteam import care_team_add, care_team_end, sharing_consent
from casework.caseload.models import CareTeamMember, CareTeamRole
from casework.clients.models import Enrollment
from casework.core import exceptions as domain
from casework.web.forms import add_service_errors
from casework.web.gates import load_client

STAFF = ("program", "organization", "break_glass")


class MemberForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=CareTeamRole.choices)
    user = forms.ModelChoiceField(
        label="Staff member",
        queryset=User.objects.none(),
        required=False,
        empty_label="Someone outside the agency",
    )
    name = forms.CharField(label="Name", max_length=150, required=False)
    agency = forms.CharField(label="Organization", max_length=200, required=False)
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    email = forms.EmailField(label="Email", required=False)


@login_required
@require_http_methods(["GET", "POST"])
def care_team(request: HttpRequest, pk: int) -> HttpResponse:
    client = load_client(request.user, pk, write=request.method == "POST", page="care_team")
    if client.access_basis not in STAFF:
        raise Http404("No such client.")
    programs = Enrollment.objects.filter(client_id=client.pk).values("program_id")
    staff = User.objects.filter(
        pk__in=Membership.objects.active().filter(program_id__in=programs).values("user_id")
    ).order_by("full_name")
    form = MemberForm(request.POST or None)
    user_field = form.fields["user"]
    assert isinstance(user_field, forms.ModelChoiceField)
    user_field.queryset = staff
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            care_team_add(
                actor=request.user, client=client, role=data["role"], data=data, user=data["user"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the care team.")
            return redirect("web:care_team", pk=client.pk)
    members = list(
        CareTeamMember.objects.filter(client_id=client.pk, ended_at__isnull=True).select_related(
            "user"
        )
    )
    rows = [(m, sharing_consent(m) if m.external else None) for m in members]
    context = {"client": client, "rows": rows, "form": form}
    return render(
        request, "caseload/care_team.html", context, status=422 if request.method == "POST" else 200
    )


@login_required
@require_POST
def care_team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = CareTeamMember.objects.filter(pk=pk).first()
    if member is None:
        raise Http404("No such member.")
    member.client = load_client(request.user, member.client_id, write=True, audit=False)
    try:
        care_team_end(actor=request.user, member=member)
        messages.success(request, "Removed from the care team.")
    except domain.Conflict as conflict:
        messages.error(request, str(conflict))
    return redirect("web:care_team", pk=member.client_id)

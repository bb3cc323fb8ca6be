"""Assigning and reassigning the primary case manager from the client page and from the
supervisor's lists (issue 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.audit.models import AuditEvent
from casework.clients.models import Enrollment
from casework.conftest import make_user
from casework.notifications.models import Notification
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def cm_two(programs):
    user = make_user("cm.two@example.org", "Casey Two")
    accounts.membership_grant(
        actor=None, user=user, role=Role.CASE_MANAGER, program=programs["healthcare"]
    )
    return user


def test_supervisor_changes_the_case_manager_from_the_client_page(
    client, sup_health, cm_health, cm_two, client_health
):
    enrollment = Enrollment.objects.get(client=client_health)
    http = signed_in(client, sup_health)
    url = reverse("web:enrollment_case_manager", args=[enrollment.pk])
    assert url in text(http.get(reverse("web:client_detail", args=[client_health.pk])))
    form = text(http.get(url))
    assert "Casey Two" in form
    assert "Cm Healthcare" in form
    saved = http.post(url, {"case_manager": cm_two.pk, "reason": "Balancing", "version": 1})
    assert saved.status_code == 302
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_two
    assert Notification.objects.filter(recipient=cm_health).exists()
    assert Notification.objects.filter(recipient=cm_two).exists()
    # Opening the form read the client record: the gate recorded it, naming the page.
    assert AuditEvent.objects.filter(
        actor=sup_health, action="view", client_id=client_health.pk, details__page="case manager"
    ).exists()


def test_missing_reason_keeps_the_choice_and_says_which_field(
    client, sup_health, cm_two, client_health
):
    enrollment = Enrollment.objects.get(client=client_health)
    url = reverse("web:enrollment_case_manager", args=[enrollment.pk])
    response = signed_in(client, sup_health).post(
        url, {"case_manager": cm_two.pk, "reason": "", "version": 1}
    )
    assert response.status_code == 422
    assert "Reason: This field is required." in text(response)
    assert f'<option value="{cm_two.pk}" selected>' in text(response)


def test_case_manager_cannot_reassign_their_client_and_sees_no_link(
    client, cm_health, cm_two, client_health
):
    enrollment = Enrollment.objects.get(client=client_health)
    url = reverse("web:enrollment_case_manager", args=[enrollment.pk])
    http = signed_in(client, cm_two)
    assert url not in text(http.get(reverse("web:client_detail", args=[client_health.pk])))
    refused = http.post(url, {"case_manager": cm_two.pk, "reason": "mine", "version": 1})
    assert refused.status_code == 403
    assert Enrollment.objects.get(pk=enrollment.pk).primary_case_manager == cm_health


def test_other_program_staff_get_404(client, cm_mental_health, client_health):
    enrollment = Enrollment.objects.get(client=client_health)
    url = reverse("web:enrollment_case_manager", args=[enrollment.pk])
    assert signed_in(client, cm_mental_health).get(url).status_code == 404


def test_supervisor_assigns_the_not_assigned_clients_in_bulk(
    client, sup_health, cm_health, cm_two, make_client
):
    unassigned = [
        make_client("healthcare", actor=sup_health, given_name=name) for name in ("Ann", "Bo")
    ]
    http = signed_in(client, sup_health)
    dashboard = text(http.get("/"))
    program = unassigned[0].enrollments.get().program
    link = f"{reverse('web:reassign')}?program={program.pk}&amp;from=none"
    assert link in dashboard
    url = f"{reverse('web:reassign')}?program={program.pk}&from=none"
    listing = text(http.get(url))
    assert "Lopez, Ann" in listing
    assert "Lopez, Bo" in listing
    ids = [str(c.enrollments.get().pk) for c in unassigned]
    done = http.post(url, {"enrollments": ids, "case_manager": cm_two.pk, "reason": "New staff"})
    assert done.status_code == 302
    assert {c.enrollments.get().primary_case_manager for c in unassigned} == {cm_two}
    assert Notification.objects.filter(recipient=cm_two).count() == 1


def test_case_managers_cannot_open_the_bulk_page(client, cm_health, programs):
    url = f"{reverse('web:reassign')}?program={programs['healthcare'].pk}&from=none"
    assert signed_in(client, cm_health).get(url).status_code == 403


def test_staff_of_another_program_get_404_from_the_bulk_page(client, sup_health, programs):
    url = f"{reverse('web:reassign')}?program={programs['mental_health'].pk}&from=none"
    assert signed_in(client, sup_health).get(url).status_code == 404


def test_intake_workers_hint_says_what_they_can_do(client, intake_health):
    body = text(signed_in(client, intake_health).get("/"))
    assert "choose yourself as case manager" not in body
    assert "supervisor chooses their case manager" in body


def test_status_form_offers_only_allowed_moves_by_label_none_preselected(
    client, cm_health, client_health
):
    enrollment = Enrollment.objects.get(client=client_health)
    url = reverse("web:enrollment_transition", args=[enrollment.pk])
    http = signed_in(client, cm_health)
    form = text(http.get(url))
    assert 'value="on_hold"' in form
    assert 'value="closed"' in form
    assert 'value="referred"' not in form
    assert 'value="waitlisted"' not in form
    assert " checked" not in form.split('name="to"', 1)[1].split("</fieldset>", 1)[0]
    refused = text(http.post(url, {"version": 1, "to": "referred"}))
    assert "An active enrollment can move to On hold or Closed." in refused
    assert "on_hold" not in refused.split("error-summary-heading", 1)[1].split("</div>", 1)[0]

"""Choosing the primary case manager when an intake ends in an enrollment (issue 10)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.accounts import services as accounts
from casework.accounts.models import Role
from casework.clients.models import Client, Enrollment
from casework.intake.models import EligibilityScreening
from casework.intake.tests.test_web import RULES, new_client_form, page, screening_form, sign_in

pytestmark = pytest.mark.django_db


def _screened(http, program):
    http.post(reverse("web:intake_new_client", args=[program.pk]), new_client_form())
    ana = Client.objects.get(given_name="Ana")
    http.post(reverse("web:intake_screen", args=[program.pk, ana.pk]), screening_form())
    return EligibilityScreening.objects.get(client=ana)


def test_intake_worker_without_caseload_leaves_the_choice_to_the_supervisor(
    client, intake_health, sup_health, health, set_rules
):
    set_rules(health, **RULES)
    http = sign_in(client, intake_health)
    screening = _screened(http, health)
    result = page(http.get(reverse("web:intake_result", args=[screening.pk])))
    assert "The supervisor of Care Transitions chooses the case manager" in result
    assert "choose yourself" not in result
    http.post(reverse("web:intake_finish", args=[screening.pk]), {"primary_case_manager": ""})
    assert Enrollment.objects.get(client=screening.client).primary_case_manager is None
    # ...and an intake worker cannot hand the client to someone by editing the form.
    forged = http.post(
        reverse("web:intake_finish", args=[screening.pk]),
        {"primary_case_manager": str(sup_health.pk)},
    )
    assert forged.status_code in (302, 422)
    assert Enrollment.objects.get(client=screening.client).primary_case_manager is None


def test_a_case_manager_doing_intake_is_the_default_case_manager(
    client, cm_health, health, set_rules
):
    accounts.membership_grant(actor=None, user=cm_health, role=Role.INTAKE_WORKER, program=health)
    set_rules(health, **RULES)
    http = sign_in(client, cm_health)
    screening = _screened(http, health)
    result = page(http.get(reverse("web:intake_result", args=[screening.pk])))
    assert f'<option value="{cm_health.pk}" selected>' in result
    http.post(
        reverse("web:intake_finish", args=[screening.pk]),
        {"primary_case_manager": str(cm_health.pk)},
    )
    enrollment = Enrollment.objects.get(client=screening.client)
    assert (enrollment.status, enrollment.primary_case_manager) == ("active", cm_health)


def test_a_supervisor_doing_intake_can_choose_a_case_manager(
    client, sup_health, cm_health, health, set_rules
):
    set_rules(health, **RULES)
    http = sign_in(client, sup_health)
    screening = _screened(http, health)
    http.post(
        reverse("web:intake_finish", args=[screening.pk]),
        {"primary_case_manager": str(cm_health.pk)},
    )
    assert Enrollment.objects.get(client=screening.client).primary_case_manager == cm_health

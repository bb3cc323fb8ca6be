"""A change to what a caller may reach takes effect on their very next API request.

The caller's access is cached across requests (``accounts.access``), keyed by a stamp read
with the user on each request: these tests warm that cache with a first read, change
access, and read again.
"""

from __future__ import annotations

from casework.accounts.models import Membership
from casework.accounts.services import membership_grant, membership_revoke, user_deactivate
from casework.api.tests.helpers import Api, assert_problem, revoke, token_for


def test_a_revoked_token_is_refused_on_the_next_request(cm_health, client_health):
    raw = token_for(cm_health)
    reader = Api(raw)
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    revoke(cm_health, raw)
    assert_problem(reader.get(f"clients/{client_health.pk}"), 401)


def test_a_removed_membership_hides_the_client_on_the_next_request(
    cm_health, org_admin, client_health
):
    reader = Api(token_for(cm_health))
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    membership_revoke(actor=org_admin, membership=Membership.objects.get(user=cm_health))
    assert_problem(reader.get(f"clients/{client_health.pk}"), 404)


def test_a_deactivated_program_hides_its_clients_on_the_next_request(
    cm_health, programs, client_health
):
    reader = Api(token_for(cm_health))
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    programs["healthcare"].is_active = False
    programs["healthcare"].save(update_fields=["is_active"])
    assert_problem(reader.get(f"clients/{client_health.pk}"), 404)


def test_a_deactivated_user_is_refused_on_the_next_request(cm_health, org_admin, client_health):
    reader = Api(token_for(cm_health))
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    user_deactivate(actor=org_admin, user=cm_health)
    assert_problem(reader.get(f"clients/{client_health.pk}"), 401)


def test_a_new_membership_opens_the_client_on_the_next_request(
    cm_mental_health, org_admin, programs, client_health
):
    reader = Api(token_for(cm_mental_health))
    assert_problem(reader.get(f"clients/{client_health.pk}"), 404)
    membership_grant(
        actor=org_admin, user=cm_mental_health, program=programs["healthcare"], role="case_manager"
    )
    assert reader.get(f"clients/{client_health.pk}").status_code == 200


def test_a_deactivated_organization_hides_its_clients_on_the_next_request(
    org_admin, agency, client_health
):
    reader = Api(token_for(org_admin))
    assert reader.get(f"clients/{client_health.pk}").status_code == 200
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    assert_problem(reader.get(f"clients/{client_health.pk}"), 404)

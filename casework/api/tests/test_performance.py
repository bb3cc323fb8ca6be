"""The benchmarked read, ``GET /api/v1/clients/{id}`` with a token, stays within a query budget."""

from __future__ import annotations

from casework.api.tests.helpers import Api, token_for

# token, memberships, client (visibility), access basis, audit insert; one spare.
CLIENT_READ_QUERY_BUDGET = 6


def test_token_client_read_uses_a_fixed_small_number_of_queries(
    cm_health, client_health, django_assert_max_num_queries
):
    reader = Api(token_for(cm_health))
    reader.get(f"clients/{client_health.pk}")  # the first use also stamps and audits the token
    with django_assert_max_num_queries(CLIENT_READ_QUERY_BUDGET):
        assert reader.get(f"clients/{client_health.pk}").status_code == 200


def test_org_admin_client_read_is_as_cheap(org_admin, client_health, django_assert_max_num_queries):
    reader = Api(token_for(org_admin))
    reader.get(f"clients/{client_health.pk}")
    with django_assert_max_num_queries(CLIENT_READ_QUERY_BUDGET):
        assert reader.get(f"clients/{client_health.pk}").status_code == 200


def test_list_queries_do_not_grow_with_the_page(
    cm_health, make_client, django_assert_max_num_queries
):
    for i in range(30):
        make_client(actor=cm_health, given_name=f"P{i}", family_name=f"F{i}")
    reader = Api(token_for(cm_health))
    reader.get("clients?page_size=5")
    with django_assert_max_num_queries(6):
        assert len(reader.get("clients?page_size=30").json()["results"]) == 30

"""The benchmarked read, ``GET /api/v1/clients/{id}`` with a token, stays within a query budget."""

from __future__ import annotations

from casework.api.tests.helpers import Api, token_for

# token with its user, client with its enrollment check, audit insert (the memberships are
# cached while the user's access stamp holds).
CLIENT_READ_QUERY_BUDGET = 3
# token, memberships, visibility pre-checks, count, page, audit insert; one spare.
LIST_QUERY_BUDGET = 8


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


def test_list_queries_do_not_grow_with_the_page(cm_health, make_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(30):
        make_client(actor=cm_health, given_name=f"P{i}", family_name=f"F{i}")
    reader = Api(token_for(cm_health))
    reader.get("clients?page_size=1")
    counts = []
    for size in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            assert len(reader.get(f"clients?page_size={size}").json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], "a list query runs per row (N+1)"
    assert counts[1] <= LIST_QUERY_BUDGET

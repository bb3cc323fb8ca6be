"""Optimistic concurrency: ETag out, If-Match in; 428 without it, 412 when stale."""

from __future__ import annotations

from casework.api.tests.helpers import assert_problem
from casework.audit.models import AuditAction, AuditEvent


def test_patch_without_if_match_gets_428_and_changes_nothing(api_as, cm_health, client_health):
    response = api_as(cm_health).patch(f"clients/{client_health.pk}", {"city": "Troy"})
    assert assert_problem(response, 428)["errors"][0]["field"] == "If-Match"
    client_health.refresh_from_db()
    assert (client_health.city, client_health.version) == ("Albany", 1)


def test_patch_with_current_if_match_succeeds_and_bumps_the_etag(api_as, cm_health, client_health):
    editor = api_as(cm_health)
    etag = editor.get(f"clients/{client_health.pk}")["ETag"]
    response = editor.patch(f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["version"] == 2


def test_stale_if_match_gets_412_and_the_row_is_unchanged(api_as, cm_health, client_health):
    editor = api_as(cm_health)
    first = editor.patch(f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    stale = editor.patch(f"clients/{client_health.pk}", {"city": "Utica"}, HTTP_IF_MATCH='"1"')
    assert_problem(stale, 412)
    assert stale["ETag"] == '"2"'
    client_health.refresh_from_db()
    assert (client_health.city, client_health.version) == ("Troy", 2)
    assert (
        AuditEvent.objects.filter(action=AuditAction.UPDATE, client_id=client_health.pk).count()
        == 1
    )


def test_stale_if_match_is_refused_even_for_a_no_op(api_as, cm_health, client_health):
    editor = api_as(cm_health)
    editor.patch(f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"')
    assert_problem(
        editor.patch(f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"'), 412
    )


def test_two_editors_with_the_same_etag_exactly_one_wins(
    api_as, cm_health, sup_health, client_health
):
    results = [
        api_as(user)
        .patch(f"clients/{client_health.pk}", {"phone": phone}, HTTP_IF_MATCH=client_health.etag)
        .status_code
        for user, phone in ((cm_health, "518-555-0101"), (sup_health, "518-555-0102"))
    ]
    assert results == [200, 412]
    client_health.refresh_from_db()
    assert client_health.phone == "(518) 555-0101"


def test_unreadable_if_match_gets_412(api_as, cm_health, client_health):
    response = api_as(cm_health).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH="*"
    )
    assert_problem(response, 412)


def test_weak_etag_gets_412(api_as, cm_health, client_health):
    """If-Match compares strongly (RFC 9110, 13.1.1): a weak ETag never matches."""
    response = api_as(cm_health).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='W/"1"'
    )
    assert_problem(response, 412)
    strong = api_as(cm_health).patch(
        f"clients/{client_health.pk}", {"city": "Troy"}, HTTP_IF_MATCH='"1"'
    )
    assert strong.status_code == 200


def test_enrollment_patch_needs_if_match_and_refuses_stale(api_as, cm_health, client_health):
    enrollment = client_health.enrollments.get()
    editor = api_as(cm_health)
    url = f"enrollments/{enrollment.pk}"
    assert_problem(editor.patch(url, {"status": "on_hold"}), 428)
    assert editor.patch(url, {"status": "on_hold"}, HTTP_IF_MATCH='"1"').status_code == 200
    assert_problem(editor.patch(url, {"status": "closed"}, HTTP_IF_MATCH='"1"'), 412)
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.version) == ("on_hold", 2)

"""Referral outcome measures, and the client page's services-and-referrals panel."""

from __future__ import annotations

import datetime

from django.test import Client as HttpClient
from django.utils import timezone

from casework.referrals.metrics import outcome_table
from casework.referrals.models import Referral, Side
from casework.referrals.services import Outcome, referral_transition


def _as(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def test_completion_rate_and_medians(referral, partner) -> None:
    referral.sides = frozenset({Side.RECEIVER})
    referral_transition(actor=partner, referral=referral, to="accepted")
    referral_transition(actor=partner, referral=referral, to="completed", outcome=Outcome(True))
    sent = timezone.now() - datetime.timedelta(hours=10)
    Referral.objects.filter(pk=referral.pk).update(
        requested_at=sent,
        accepted_at=sent + datetime.timedelta(hours=2),
        closed_at=sent + datetime.timedelta(hours=6),
    )
    (row,) = outcome_table(Referral.objects.all(), by="service")
    assert row.label == "Weekly grocery pantry"
    assert (row.sent, row.closed, row.completed, row.completion_rate) == (1, 1, 1, 100.0)
    assert (row.median_hours_to_accept, row.median_hours_to_complete) == (2.0, 6.0)
    (by_org,) = outcome_table(Referral.objects.all(), by="organization")
    assert by_org.label == "Harbor Food Bank"


def test_the_outcomes_page_shows_a_chart_and_its_table(referral, sup_health, cm_health) -> None:
    page = _as(sup_health).get("/referrals/outcomes/")
    assert page.status_code == 200
    assert b'data-bar-chart="referral-chart-data"' in page.content
    assert b"web/bar-chart.js" in page.content  # the shared chart script
    chart = page.context["chart"]
    assert [d["label"] for d in chart["datasets"]] == [
        "Completion rate (%)", "Median hours to accept", "Median hours to complete",
    ]  # fmt: skip
    assert len(chart["datasets"][0]["data"]) == len(chart["labels"]) == 1
    assert b"Weekly grocery pantry" in page.content
    assert _as(cm_health).get("/referrals/outcomes/").status_code == 403


def test_the_client_page_offers_find_services_and_lists_referrals(
    referral, cm_health, client_health
) -> None:
    page = _as(cm_health).get(f"/clients/{client_health.pk}/")
    assert b"Find services for a need" in page.content
    assert f"/referrals/{referral.pk}/".encode() in page.content


def test_my_referrals_lists_the_worker_s_sent_referrals(referral, cm_health) -> None:
    page = _as(cm_health).get("/referrals/")
    assert f"Referral {referral.pk}".encode() in page.content

"""The assessment pages: give an instrument, see the flag and the offer, trends, flags."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import User
from casework.assessments.models import Assessment, RiskFlag
from casework.clients.models import Client


def web(user: User) -> HttpClient:
    http = HttpClient()
    http.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return http


def phq9(http: HttpClient, client: Client, item9: int = 1, base: int = 1) -> Assessment:
    data = {f"q{n}": str(item9 if n == 9 else base) for n in range(1, 10)}
    response = http.post(f"/clients/{client.pk}/assessments/new/phq9/", data)
    assert response.status_code == 302, response.content[:2000]
    return Assessment.objects.latest("pk")


def test_give_phq9_see_flag_and_cssrs_offer(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    form = http.get(f"/clients/{client_health.pk}/assessments/new/phq9/")
    assert form.status_code == 200
    assert b"Little interest or pleasure" in form.content
    assessment = phq9(http, client_health)
    page = http.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Item 9 positive" in page
    assert f"/clients/{client_health.pk}/assessments/new/cssrs/" in page
    detail = http.get(f"/clients/{client_health.pk}/").content.decode()
    assert "open risk flag" in detail
    assert "Item 9 positive" in detail


def test_cssrs_skip_logic_live_and_without_js(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    url = f"/clients/{client_health.pk}/assessments/new/cssrs/"
    page = http.get(url).content.decode()
    assert 'id="item-q3" hidden' in page  # not asked until question 2 is yes
    assert "Ask only when question 2 is “Yes”" in page
    live = http.post(url, {"q1": "yes", "q2": "yes", "_preview": "1"}, HTTP_HX_REQUEST="true")
    assert 'id="item-q3" hidden' not in live.content.decode()
    # Without JavaScript an answer to a skipped item is dropped, not scored.
    saved = http.post(url, {"q1": "yes", "q2": "no", "q3": "yes", "q6": "no"})
    assert saved.status_code == 302
    result = Assessment.objects.latest("pk").result
    assert result["skipped"] == ["q3"]
    assert result["band"]["code"] == "low"


def test_bad_answer_keeps_what_was_typed(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    response = http.post(
        f"/clients/{client_health.pk}/assessments/new/lace/", {"los": "abc", "ed_visits": "2"}
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "enter a number" in text
    assert 'value="2"' in text
    assert not Assessment.objects.exists()


def test_trend_chart_and_table_after_two(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    phq9(http, client_health, item9=0, base=2)
    phq9(http, client_health, item9=0, base=1)
    page = http.get(f"/clients/{client_health.pk}/assessments/").content.decode()
    assert 'id="chart-phq9"' in page
    assert "PHQ-9 totals (the chart" in page
    assert "Change since the last one: <strong>-8</strong>" in page


def test_resolve_flag_from_the_page(client_health: Client, cm_health: User) -> None:
    http = web(cm_health)
    phq9(http, client_health)
    flag = RiskFlag.objects.get()
    http.post(f"/flags/{flag.pk}/resolve/", {"note": "no"})
    flag.refresh_from_db()
    assert flag.is_open
    http.post(f"/flags/{flag.pk}/resolve/", {"note": "C-SSRS low; safety plan made."})
    flag.refresh_from_db()
    assert not flag.is_open


@pytest.mark.parametrize("who", ["partner", "cm_mental_health"])
def test_outsiders_get_404(
    who: str, client_health: Client, cm_health: User, request: pytest.FixtureRequest
) -> None:
    assessment = phq9(web(cm_health), client_health)
    http = web(request.getfixturevalue(who))
    for url in (
        f"/assessments/{assessment.pk}/",
        f"/clients/{client_health.pk}/assessments/",
        f"/clients/{client_health.pk}/flags/",
        f"/clients/{client_health.pk}/assessments/new/phq9/",
    ):
        assert http.get(url).status_code == 404, url


def test_client_list_shows_open_risk_to_staff_only(
    client_health: Client, cm_health: User, partner: User
) -> None:
    phq9(web(cm_health), client_health)
    listing = web(cm_health).get("/clients/").content.decode()
    assert "High risk flag" in listing
    assert "High risk flag" not in web(partner).get("/clients/").content.decode()

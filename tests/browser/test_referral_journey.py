"""The closed loop in a real browser: from a client's housing need, find services open now
within 5 km, send a referral under a consent, then as the partner accept and complete it;
the client's page shows the outcome. Each page is axe-scanned."""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import BIN, _run, _server_env
from tests.browser.test_care import give_phq9
from tests.browser.test_intake_consent import new_client

CASE_MANAGER = "cm.healthcare@example.org"
PARTNER = "partner@example.org"
PARTNER_ORG = "Harbor Food Bank"


@pytest.fixture
def demo_directory(live_url) -> None:
    env = _server_env(live_url.var_dir, live_url.password)
    _run([str(BIN / "casework"), "directory-demo", "--partner", PARTNER_ORG], env, "directory")


def _record_consent(visit, client_path: str) -> None:
    page = visit.page
    visit.goto(f"{client_path}consents/new/", "consent-form")
    page.get_by_label("Recipient organization").select_option(label=PARTNER_ORG)
    page.locator("label[for]", has_text="General (identity, contact, enrollment)").click()
    page.get_by_label("Purpose of the disclosure").fill("Housing referral")
    page.locator("label[for]", has_text="Typed signature").click()
    page.get_by_label("Signed by (typed name)").fill("Consuela Client")
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{client_path}consents/"), page.locator("main").inner_text()[:800]


def _partner_completes(visit, browser, live_url, referral_id: str, client_path: str) -> None:
    """As the partner, at phone width: open the referral from the inbox, accept it and close
    it as completed with an outcome; the client's record stays out of reach (404)."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    partner_page = context.new_page()
    partner = type(visit)(
        page=partner_page, server=live_url, test_name=visit.test_name + "-partner"
    )
    partner.sign_in(PARTNER)
    partner.goto("/partner/", "inbox")
    assert_accessible(partner, "partner inbox")
    assert partner_page.evaluate("document.documentElement.scrollWidth <= 390"), "inbox too wide"
    partner_page.get_by_role("link", name=f"Referral {referral_id}").click()
    partner_page.wait_for_load_state()
    partner.shot("partner-referral")
    assert_accessible(partner, "partner referral")
    body = partner_page.locator("main").inner_text()
    assert "Housing referral" in body  # the consent's scope travels with the referral
    no_sideways = partner_page.evaluate("document.documentElement.scrollWidth <= 390")
    assert no_sideways, "the partner page scrolls sideways at 390 px"
    partner_page.get_by_label("New status").select_option("accepted")
    partner_page.get_by_role("button", name="Update status").click()
    partner_page.wait_for_load_state()
    partner_page.get_by_label("New status").select_option("completed")
    partner_page.get_by_label("Was the service delivered?").select_option("true")
    partner_page.get_by_label("Was the client enrolled?").select_option("true")
    partner_page.locator("#id_outcome_note").fill("Housed with the rapid rehousing program.")
    partner_page.get_by_role("button", name="Update status").click()
    partner_page.wait_for_load_state()
    partner.shot("partner-completed")
    assert "completed" in partner_page.locator("main").inner_text().lower()
    assert partner_page.goto(live_url.url + client_path).status == 404
    context.close()


@pytest.mark.browser
@pytest.mark.usefixtures("demo_directory")
def test_housing_referral_closes_the_loop(visit, browser, live_url, request):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)
    client_id = client_path.strip("/").split("/")[-1]
    _record_consent(visit, client_path)

    # From the client's page: find services for the housing need.
    visit.goto(client_path, "client-page")
    page.get_by_label("Find services for a need").select_option("housing-instability")
    page.get_by_role("button", name="Find services").click()
    page.wait_for_load_state()
    page.get_by_label("Near ZIP code").fill("12207")
    page.get_by_label("Within (km)").fill("5")
    page.get_by_label("Open", exact=True).select_option("now")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    visit.shot("search-results")
    assert_accessible(visit, "search results")
    results = page.locator(".cw-hit")
    assert results.count() >= 1, page.locator("main").inner_text()[:1000]
    text = page.locator("main").inner_text()
    assert "Housing crisis hotline and walk-in" in text
    assert "Troy tenant help desk" not in text  # more than 5 km away
    assert "Open now" in text
    hotline = results.filter(has_text="Housing crisis hotline and walk-in")
    hotline.get_by_role("link", name=re.compile("Refer")).click()
    page.wait_for_load_state()

    # The referral form, pre-filled with the service and the need.
    visit.shot("referral-form")
    assert_accessible(visit, "referral form")
    page.get_by_label("Reason").fill("Eviction notice received; needs emergency housing help.")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_load_state()
    visit.shot("referral-sent")
    assert re.search(r"/referrals/\d+/$", page.url), page.locator("main").inner_text()[:800]
    referral_path = re.sub(r"^https?://[^/]+", "", page.url)
    referral_id = referral_path.strip("/").split("/")[-1]
    assert "requested" in page.locator("main").inner_text().lower()
    assert_accessible(visit, "referral detail")

    # The partner: accept, then complete with an outcome; nothing else is theirs to read.
    _partner_completes(visit, browser, live_url, referral_id, client_path)

    # Back at the agency: the client's page shows the outcome.
    visit.goto(client_path, "client-outcome")
    section = page.locator("#referrals").inner_text()
    assert "completed" in section.lower()
    assert "Housed with the rapid rehousing program." in section
    assert client_id


@pytest.mark.browser
@pytest.mark.usefixtures("demo_directory")
def test_a_plan_intervention_s_referral_outcome_shows_on_the_plan(visit, browser, live_url):
    """From a service plan's intervention: find services, refer, the partner completes it,
    and the plan shows the referral's status and outcome under that intervention."""
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)
    _record_consent(visit, client_path)
    answers = dict.fromkeys(range(1, 9), "More than half the days") | {9: "Not at all"}
    give_phq9(visit, client_path, answers, "phq9-form")
    page.get_by_role("button", name="Build a service plan from these needs").click()
    page.wait_for_load_state()
    assert re.search(r"/plans/\d+/$", page.url), page.locator("main").inner_text()[:800]
    plan_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.locator("summary", has_text="Add a service or action").first.click()
    page.get_by_label("What").first.fill("Emergency housing help")
    page.get_by_role("button", name="Add", exact=True).first.click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Find services for Emergency housing help").click()
    page.wait_for_load_state()
    page.get_by_label("Need", exact=True).select_option("housing-instability")
    page.get_by_label("Near ZIP code").fill("12207")
    page.get_by_label("Within (km)").fill("5")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    hotline = page.locator(".cw-hit").filter(has_text="Housing crisis hotline and walk-in")
    hotline.get_by_role("link", name=re.compile("Refer")).click()
    page.wait_for_load_state()
    page.get_by_label("Reason").fill("Eviction notice received; needs emergency housing help.")
    page.get_by_role("button", name="Send referral").click()
    page.wait_for_load_state()
    assert re.search(r"/referrals/\d+/$", page.url), page.locator("main").inner_text()[:800]
    referral_id = page.url.rstrip("/").split("/")[-1]

    _partner_completes(visit, browser, live_url, referral_id, client_path)

    visit.goto(plan_path, "plan-with-outcome")
    assert_accessible(visit, "plan with a referral outcome")
    item = page.locator("li", has_text="Emergency housing help").first.inner_text()
    assert "completed" in item.lower(), item
    assert "Service delivered; enrolled." in item, item
    assert "Housed with the rapid rehousing program." in item, item

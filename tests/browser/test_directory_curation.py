"""Curating the directory in a real browser: an org admin corrects an organization (a bad
email is refused with the field named and the typed text kept), adds a location with its
address, links the listing to the partner that receives its referrals, and sets a program's
referral response time; the referral outcome chart draws from the shared chart script.
Each page is axe-scanned."""

from __future__ import annotations

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import BIN, _run, _server_env

ADMIN = "admin@example.org"
PARTNER_ORG = "Harbor Food Bank"


@pytest.fixture
def demo_directory(live_url) -> None:
    env = _server_env(live_url.var_dir, live_url.password)
    _run([str(BIN / "casework"), "directory-demo", "--partner", PARTNER_ORG], env, "directory")


@pytest.mark.browser
@pytest.mark.usefixtures("demo_directory")
def test_an_admin_curates_organizations_locations_and_response_times(visit):
    page = visit.page
    visit.sign_in(ADMIN)
    visit.goto("/directory/curation/", "curation")
    page.get_by_role("link", name="Organizations and locations").click()
    page.wait_for_load_state()
    visit.shot("organizations")
    assert_accessible(visit, "organization list")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    org_path = page.url
    page.get_by_label("Email").fill("not an address")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("organization-error")
    summary = page.locator(".cw-error-summary").inner_text()
    assert "Email: Enter an email address" in summary
    assert page.get_by_label("Email").input_value() == "not an address"
    assert_accessible(visit, "organization form with an error")
    page.get_by_label("Email").fill("intake@example.org")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "saved" in page.locator("main").inner_text()

    page.get_by_role("link", name="Add a location").click()
    page.wait_for_load_state()
    page.get_by_label("Kind of location").select_option("physical")
    page.locator("#id_name").fill("Downtown office")
    page.get_by_label("Street address").fill("10 North Pearl St")
    page.get_by_label("City").fill("Albany")
    page.get_by_label("State").fill("NY")
    page.get_by_label("ZIP code").fill("12207")
    page.get_by_label("Latitude").fill("42.6510")
    page.get_by_label("Longitude").fill("-73.7540")
    visit.shot("location-form")
    assert_accessible(visit, "location form")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.url == org_path
    assert "Downtown office" in page.locator("main").inner_text()

    page.get_by_role("link", name="Change the partner link").click()
    page.wait_for_load_state()
    page.get_by_label("Partner organization in Casework").select_option(label=PARTNER_ORG)
    visit.shot("partner-link")
    assert_accessible(visit, "partner link")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert f"now go to {PARTNER_ORG}" in page.locator("main").inner_text()

    visit.goto("/referrals/response-times/", "response-times")
    assert_accessible(visit, "response times")
    page.locator("main table a").first.click()
    page.wait_for_load_state()
    page.get_by_label("Business days to answer").fill("20")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Enter between 1 and 14 business days." in page.locator("main").inner_text()
    page.get_by_label("Business days to answer").fill("2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("response-times-saved")
    assert "escalate after 2 business days" in page.locator("main").inner_text()

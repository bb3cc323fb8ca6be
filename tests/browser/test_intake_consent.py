"""Consent with a drawn signature, in the real browser: draw on the pad, save, see it listed."""

from __future__ import annotations

import random
import re
import string

import pytest

CASE_MANAGER = "cm.healthcare@example.org"


def new_client(visit) -> str:
    """Create a client through the page and return its path, e.g. ``/clients/12/``."""
    page = visit.page
    family = "Sgn" + "".join(random.choices(string.ascii_lowercase, k=8))
    visit.goto("/clients/new/", "client-form")
    page.get_by_label("Legal first name").fill("Consuela")
    page.get_by_label("Legal last name").fill(family)
    program = page.get_by_label("Program", exact=True)
    if program.count() and program.evaluate("el => el.tagName") == "SELECT":
        values = [v for v in program.evaluate("el => [...el.options].map(o => o.value)") if v]
        program.select_option(values[0])
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/clients/\d+/", path), path
    return path


def draw_signature(page) -> None:
    canvas = page.locator("#signature-canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None, "the signature pad is not shown"
    x, y = box["x"], box["y"]
    page.mouse.move(x + 30, y + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, 13):
        page.mouse.move(x + 30 + step * 25, y + box["height"] * (0.7 - 0.4 * (step % 2)), steps=3)
    page.mouse.up()


@pytest.mark.browser
def test_case_manager_records_a_consent_with_a_drawn_signature(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)

    visit.goto(f"{client_path}consents/new/", "consent-form")
    page.get_by_label("Named recipient (person or class of persons)").fill("Dr. Jane Okafor")
    page.locator("label[for]", has_text="General (identity, contact, enrollment)").click()
    page.get_by_label("Purpose of the disclosure").fill("care coordination")
    # The Part 2 notice is shown only once substance use is ticked.
    notice = page.locator("#part2-notice")
    assert notice.is_hidden()
    page.locator("label[for]", has_text="Drawn signature").click()
    draw_signature(page)
    visit.shot("consent-signed")
    drawn = page.locator("input[name='signature_image']").input_value()
    assert re.fullmatch(r"M[\d. ]+( L[\d. ]+)+", drawn), drawn

    page.get_by_role("button", name="Record consent").click()
    page.wait_for_load_state()
    visit.shot("consent-listed")
    assert page.url.endswith(f"{client_path}consents/"), page.url
    row = page.get_by_role("row").filter(has_text="Dr. Jane Okafor")
    assert row.count() == 1, page.locator("main").inner_text()
    assert "Drawn signature" in row.inner_text()
    assert "in force" in row.inner_text().lower()
    assert row.locator("svg path").get_attribute("d") == drawn


@pytest.mark.browser
def test_part2_notice_appears_when_substance_use_is_ticked(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)
    visit.goto(f"{client_path}consents/new/", "consent-form")
    notice = page.locator("#part2-notice")
    assert notice.is_hidden()
    page.locator("label[for]", has_text="Substance use disorder (42 CFR Part 2)").click()
    assert notice.is_visible()
    assert "42 CFR part 2" in notice.inner_text()
    visit.shot("part2-notice")


@pytest.mark.browser
def test_intake_finds_the_existing_client_with_reasons_then_consent_is_drawn(visit):
    """The issue's journey: a returning person is found at intake, picked, and signs."""
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    family = "Fordham" + "".join(random.choices(string.ascii_lowercase, k=6))
    visit.goto("/clients/new/", "client-form")
    page.get_by_label("Legal first name").fill("Robert")
    page.get_by_label("Legal last name").fill(family)
    page.get_by_label("Month").fill("3")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Year").fill("1950")
    program = page.get_by_label("Program", exact=True)
    if program.count() and program.evaluate("el => el.tagName") == "SELECT":
        values = [v for v in program.evaluate("el => [...el.options].map(o => o.value)") if v]
        program.select_option(values[0])
    page.get_by_role("button", name="Save client").click()
    page.wait_for_load_state()
    client_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/clients/\d+/", client_path), client_path

    # A returning person gives a nickname and the same birth date.
    visit.goto("/intake/", "intake-search")
    page.get_by_label("First name", exact=True).fill("Bob")
    page.get_by_label("Last name", exact=True).fill(family)
    page.get_by_label("Month").fill("3")
    page.get_by_label("Day").fill("1")
    page.get_by_label("Year").fill("1950")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    visit.shot("intake-matches")
    match = page.get_by_role("row").filter(has_text=family)
    assert match.count() == 1, page.locator("main").inner_text()
    assert "date of birth" in match.inner_text().lower()
    match.get_by_role("link", name=re.compile("Use this client")).click()
    page.wait_for_load_state()
    visit.shot("intake-picked")
    assert client_path.strip("/").split("/")[-1] in page.url

    visit.goto(f"{client_path}consents/new/", "consent-form")
    page.get_by_label("Named recipient (person or class of persons)").fill("Mercy Clinic staff")
    page.locator("label[for]", has_text="General (identity, contact, enrollment)").click()
    page.get_by_label("Purpose of the disclosure").fill("treatment")
    page.locator("label[for]", has_text="Drawn signature").click()
    draw_signature(page)
    page.get_by_role("button", name="Record consent").click()
    page.wait_for_load_state()
    visit.shot("consent-listed")
    row = page.get_by_role("row").filter(has_text="Mercy Clinic staff")
    assert row.count() == 1
    assert row.locator("svg path").count() == 1

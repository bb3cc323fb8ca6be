"""Issue 13 in the real browser: a PHQ-9 with item 9 positive raises a flag and leads to the
C-SSRS; the plan is built from the identified needs, the client signs on the pad, and the
client's copy prints; after two administrations the trend chart and its table show."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.test_intake_consent import draw_signature, new_client

CASE_MANAGER = "cm.healthcare@example.org"
SOON = (datetime.date.today() + datetime.timedelta(days=45)).isoformat()


def give_phq9(visit, client_path: str, answers: dict[int, str], label: str) -> None:
    page = visit.page
    visit.goto(f"{client_path}assessments/new/phq9/", label)
    for item, text in answers.items():
        page.locator(f"#item-q{item}").get_by_text(text, exact=True).click()
    page.get_by_role("button", name="Save and score").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_phq9_flag_cssrs_plan_signature_print(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)
    answers = dict.fromkeys(range(1, 9), "More than half the days") | {9: "Several days"}
    visit.goto(f"{client_path}assessments/new/phq9/", "phq9-form")
    assert_accessible(visit, "PHQ-9 form")
    give_phq9(visit, client_path, answers, "phq9-form")
    visit.shot("phq9-result")
    assert "Item 9 positive" in page.locator("main").inner_text()
    assert "Moderately severe" in page.locator("main").inner_text()
    assert_accessible(visit, "PHQ-9 result")

    # The flag shows on the client page header.
    visit.goto(client_path, "client-with-flag")
    assert "open risk flag" in page.locator("main").inner_text()
    page.go_back()

    # Led to the C-SSRS; its items 3-5 appear only once question 2 is yes (htmx, live).
    page.get_by_role("link", name=re.compile("Give the C-SSRS now")).click()
    page.wait_for_load_state()
    assert page.locator("#item-q3").is_hidden()
    page.locator("#item-q1").get_by_text("Yes", exact=True).click()
    page.locator("#item-q2").get_by_text("Yes", exact=True).click()
    page.locator("#item-q3").wait_for(state="visible")
    visit.shot("cssrs-live-skip-logic")
    for item in ("q3", "q4", "q5", "q6"):
        page.locator(f"#item-{item}").get_by_text("No", exact=True).click()
    assert_accessible(visit, "C-SSRS form")
    page.get_by_role("button", name="Save and score").click()
    page.wait_for_load_state()
    visit.shot("cssrs-result")
    assert "Low risk" in page.locator("main").inner_text()

    # Back to the PHQ-9 result: build the plan from its identified needs.
    visit.goto(f"{client_path}assessments/", "assessments")
    page.get_by_role("link", name=re.compile(r"\w{3} \d+, \d{4}")).last.click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Build a service plan from these needs").click()
    page.wait_for_load_state()
    visit.shot("plan-from-needs")
    assert re.search(r"/plans/\d+/$", page.url), page.url
    assert "Mental health" in page.locator("main").inner_text()
    page.get_by_label("In the client's own words").first.fill("Feel like myself again")
    page.get_by_label("Measurable goal").first.fill("PHQ-9 below 10 at two check-ins")
    page.get_by_label("Target date").first.fill(SOON)
    page.get_by_label("Status").first.select_option("active")
    page.get_by_role("button", name="Save goal 1").click()
    page.wait_for_load_state()
    assert_accessible(visit, "plan page")

    page.get_by_role("link", name="Record the client's agreement").click()
    page.wait_for_load_state()
    page.locator("label[for='method-drawn']").click()
    draw_signature(page)
    visit.shot("plan-signature")
    drawn = page.locator("input[name='signature_image']").input_value()
    assert re.fullmatch(r"M[\d. ]+( [ML][\d. ]+)+", drawn), drawn
    assert_accessible(visit, "signature page")
    page.get_by_role("button", name="Record agreement").click()
    page.wait_for_load_state()
    assert "Agreed and signed" in page.locator("main").inner_text()

    page.get_by_role("link", name="Print the client's copy").click()
    page.wait_for_load_state()
    page.emulate_media(media="print")
    visit.shot("plan-print")
    assert page.locator("header.usa-header").is_hidden()
    text = page.locator("main").inner_text()
    assert "Feel like myself again" in text
    assert page.locator("svg.cw-signature-print path").get_attribute("d") == drawn
    page.emulate_media(media="screen")
    assert_accessible(visit, "print view")


@pytest.mark.browser
def test_trend_chart_and_table_after_two_administrations(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = new_client(visit)
    give_phq9(
        visit,
        client_path,
        dict.fromkeys(range(1, 9), "Nearly every day") | {9: "Not at all"},
        "phq9-a",
    )
    give_phq9(
        visit,
        client_path,
        dict.fromkeys(range(1, 10), "Several days") | {9: "Not at all"},
        "phq9-b",
    )
    visit.goto(f"{client_path}assessments/", "trend")
    chart = page.locator("canvas.cw-trend-chart")
    chart.wait_for(state="visible")
    assert chart.evaluate("c => !!Chart.getChart(c)")
    table = page.get_by_role("table", name=re.compile("PHQ-9 totals"))
    assert table.locator("tbody tr").count() == 2
    assert "Change since the last one: -16" in page.locator("main").inner_text()
    visit.shot("trend-chart")
    assert_accessible(visit, "assessments trend")
    page.set_viewport_size({"width": 390, "height": 844})
    # The chart redraws for the new width on its own schedule: wait up to 5 s for the layout
    # to settle (polled from here: the page's CSP forbids wait_for_function's eval).
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    for _ in range(50):
        if page.evaluate(fits):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(fits)
    visit.shot("trend-chart-390")


@pytest.mark.browser
def test_readmission_report_chart_table_and_csv(visit):
    """The supervisor's 30-day readmission report over the demo discharge plans: the chart
    draws, its table carries the same groups, and the CSV link downloads the table."""
    page = visit.page
    visit.sign_in("sup.healthcare@example.org")
    visit.goto("/reports/readmissions/?by=month", "readmissions")
    chart = page.locator("#readmission-chart")
    chart.wait_for(state="visible")
    assert chart.evaluate("c => !!Chart.getChart(c)")
    table = page.get_by_role("table", name=re.compile("Readmissions within 30 days by month"))
    labels = chart.evaluate("c => Chart.getChart(c).data.labels")
    assert table.locator("tbody tr").count() == len(labels) > 0
    assert "Readmissions to review" in page.locator("main").inner_text()
    visit.shot("readmission-report")
    assert_accessible(visit, "readmission report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the table (CSV)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("Month of discharge,Index discharges")
    page.set_viewport_size({"width": 390, "height": 844})
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    for _ in range(50):
        if page.evaluate(fits):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(fits)
    visit.shot("readmission-report-390")

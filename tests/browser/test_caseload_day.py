"""A case manager's day in the real browser: work the Today list (complete a task, record a
no-show), sign a SOAP note, report a crisis; the supervisor sees the crisis on their screen."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.a11y import assert_accessible

CASE_MANAGER = "cm.healthcare@example.org"
SUPERVISOR = "sup.healthcare@example.org"


def _local(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def _no_sideways_scroll(visit, path: str) -> None:
    page = visit.page
    page.set_viewport_size({"width": 390, "height": 844})
    visit.goto(path, f"{path}-390")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{path} scrolls sideways at 390 px ({width} px wide)"
    page.set_viewport_size({"width": 1280, "height": 900})


def _open_a_client_of_mine(visit) -> str:
    page = visit.page
    visit.goto("/", "my-clients")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Tasks, appointments and notes")).to_be_visible()
    visit.shot("client-page-with-panel")
    return re.sub(r"^https?://[^/]+", "", page.url)


def _add_overdue_task(visit, client_path: str, title: str) -> None:
    page = visit.page
    page.get_by_role("link", name="Add a task").click()
    page.get_by_label("What needs doing").fill(title)
    page.get_by_label("Due").fill(_local(datetime.now() - timedelta(days=1)))
    visit.shot("task-form")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    visit.goto(client_path, "client-page")


def _book_appointment_now(visit) -> None:
    page = visit.page
    page.get_by_role("link", name="Book an appointment").click()
    # Five minutes ago, but today: the worklist lists today's appointments, and just after
    # midnight five minutes ago is yesterday (datetime.now() is in the server's TIME_ZONE:
    # Django sets the process's TZ from it).
    now = datetime.now()
    starts = max(now - timedelta(minutes=5), now.replace(hour=0, minute=0, second=0))
    page.get_by_label("Starts").fill(_local(starts))
    page.get_by_label("Purpose").fill("Browser check-in")
    page.get_by_role("button", name=re.compile("^Book")).click()
    if page.get_by_role("button", name="Book it anyway").count():
        visit.shot("double-booking-warning")
        page.get_by_role("button", name="Book it anyway").click()
    expect(page.get_by_role("heading", name=re.compile("^Appointment"))).to_be_visible()
    visit.shot("appointment-booked")


def _write_and_sign_soap(visit, client_path: str) -> None:
    page = visit.page
    visit.goto(client_path, "client-page")
    page.get_by_role("link", name="Write a note").first.click()
    page.get_by_label("Type of note").select_option("soap")
    page.get_by_role("button", name="Start the note").click()
    page.get_by_label("Duration (minutes)").fill("23")
    page.get_by_label("Subjective").fill("Client says the new medication helps with sleep.")
    page.get_by_label("Objective").fill("Alert, on time, tidy.")
    page.get_by_label("Assessment").fill("Improving; sleep goal on track.")
    page.get_by_label("Plan", exact=True).fill("Review pharmacy refill next week.")
    expect(page.locator("#note-autosave")).to_contain_text("Draft saved", timeout=10_000)
    visit.shot("soap-note-autosaved")
    assert_accessible(visit, "note editor")
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("Electronically signed by")).to_be_visible()
    visit.shot("soap-note-signed")


@pytest.mark.browser
def test_a_case_manager_works_the_worklist_and_the_supervisor_sees_the_crisis(visit):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    client_path = _open_a_client_of_mine(visit)
    title = f"Call the pharmacy {datetime.now():%H%M%S}"
    _add_overdue_task(visit, client_path, title)
    _book_appointment_now(visit)
    _write_and_sign_soap(visit, client_path)

    # Work the worklist: complete the task and record the no-show, in place.
    visit.goto("/today/", "today")
    assert_accessible(visit, "today")
    item = page.locator(".cw-worklist-item", has_text=title)
    expect(item).to_contain_text("Overdue by")
    item.get_by_role("button", name=re.compile("^Mark done")).click()
    expect(page.get_by_text("Task marked done.")).to_be_visible()
    expect(page.locator(".cw-worklist-item", has_text=title)).to_have_count(0)
    visit.shot("today-task-done")
    appointment = page.locator(".cw-worklist-item", has_text="Browser check-in").first
    appointment.get_by_role("button", name=re.compile("^No-show")).click()
    page.wait_for_timeout(1500)
    visit.shot("after-no-show")
    expect(page.get_by_text("A follow-up task is due tomorrow.")).to_be_visible()
    visit.shot("today-no-show")
    _no_sideways_scroll(visit, "/today/")

    # Report a crisis in two clicks from the client page.
    visit.goto(client_path, "client-before-crisis")
    page.get_by_role("link", name="Report a crisis").click()
    page.locator("label", has_text="Housing loss").click()
    page.locator("label").filter(has_text=re.compile("^High$")).click()
    page.get_by_label("What happened").fill("Eviction notice for Friday.")
    visit.shot("crisis-form")
    assert_accessible(visit, "crisis form")
    page.get_by_role("button", name="Report the crisis").click()
    expect(page.get_by_text("Open crisis: Housing loss")).to_be_visible()
    visit.shot("client-crisis-banner")

    # The supervisor sees it at once.
    page.context.clear_cookies()
    visit.sign_in(SUPERVISOR)
    visit.goto("/today/", "supervisor-today")
    expect(page.locator(".cw-worklist-item", has_text="Housing loss crisis").first).to_be_visible()
    visit.goto("/notifications/", "supervisor-notifications")
    expect(page.get_by_text(re.compile("Crisis reported in")).first).to_be_visible()
    visit.goto("/team/caseloads/", "team-caseloads")
    expect(page.get_by_role("table", name="Caseload per worker")).to_be_visible()
    assert_accessible(visit, "team caseloads")
    _no_sideways_scroll(visit, "/team/caseloads/")

"""Consents that end on an event Casework cannot see, and the element sets an admin edits.

Issue 9 (42 CFR 2.31): a consent may end on an event ("when the client moves into housing");
staff record whether it happened on ``/consents/<id>/event/``. An organization admin chooses
the elements a consent must hold per category on ``/settings/consent-elements/``.
"""

from __future__ import annotations

import datetime
import random
import string
from dataclasses import dataclass

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import seed

CASE_MANAGER = "cm.healthcare@example.org"
ADMIN = "admin@example.org"
EVENT = "the client moves into permanent housing"
RECIPIENT = "Hope Street Housing Partners"

# Run in the server's environment: a client of the healthcare case manager with a consent that
# ends on a free-text event, made through the service layer as the consent form would.
SEED_CONSENT = """
import datetime, json, sys
from django.utils import timezone
from casework.accounts.models import Program, User
from casework.clients import consent, services
family, recipient, event = sys.argv[1:4]
user = User.objects.get(email="cm.healthcare@example.org")
program = Program.objects.get(practice_area="healthcare", organization__name__startswith="River")
client = services.client_create(
    actor=user, program=program, data={"given_name": "Marisol", "family_name": family},
    primary_case_manager=user,
)
review = timezone.localdate() + datetime.timedelta(days=10)
row = consent.consent_record(actor=user, client=client, data={
    "recipient_name": recipient, "categories": ["general"], "purpose": "housing search",
    "expiry_event": event, "review_date": review,
    "signature_method": "typed", "signed_by_name": "Marisol " + family,
})
print(json.dumps({"client": client.pk, "consent": row.pk, "review": review.isoformat()}))
"""


@dataclass(frozen=True)
class EventConsent:
    client_path: str
    consent_id: int
    review: datetime.date


@pytest.fixture
def event_consent(live_url) -> EventConsent:
    family = "Evt" + "".join(random.choices(string.ascii_lowercase, k=8))
    made = seed(live_url, SEED_CONSENT, family, RECIPIENT, EVENT)
    return EventConsent(
        client_path=f"/clients/{made['client']}/",
        consent_id=made["consent"],
        review=datetime.date.fromisoformat(made["review"]),
    )


def _row(page):
    row = page.get_by_role("row").filter(has_text=RECIPIENT)
    assert row.count() == 1, page.locator("main").inner_text()
    return row


@pytest.mark.browser
def test_case_manager_records_that_the_event_has_not_happened_then_that_it_has(
    visit, event_consent
):
    page = visit.page
    visit.sign_in(CASE_MANAGER)
    consents = f"{event_consent.client_path}consents/"
    visit.goto(consents, "consents-awaiting-event")
    row = _row(page)
    assert "in force" in row.inner_text().lower()
    assert f"Until {EVENT}" in row.inner_text()
    assert f"Review on {event_consent.review:%b} {event_consent.review.day}," in row.inner_text()
    row.get_by_role("link", name="Record whether the event happened").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/consents/{event_consent.consent_id}/event/"), page.url
    visit.shot("event-page")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Has the event")
    assert EVENT in page.locator("main").inner_text()
    assert_accessible(visit, "consent event page")

    # Not yet, but no later review date: refused, with the reason next to the field.
    page.locator("label[for]", has_text="Not yet: review it again later").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("event-not-yet-without-date")
    assert page.url.endswith("/event/"), page.url
    assert "Give a later date to review the event again." in page.locator("main").inner_text()
    assert_accessible(visit, "consent event page with an error")

    later = datetime.date.today() + datetime.timedelta(days=45)
    page.locator("label[for]", has_text="Not yet: review it again later").click()
    page.get_by_label("Review again on").fill(later.isoformat())
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("event-not-yet-saved")
    assert page.url.endswith(consents), page.url
    assert "Saved the next review date." in page.locator("body").inner_text()
    row = _row(page)
    assert "in force" in row.inner_text().lower()
    assert f"Review on {later:%b} {later.day}, {later.year}" in row.inner_text()

    # The client's caseworker at the housing agency phones: the event has happened.
    visit.goto(f"/consents/{event_consent.consent_id}/event/", "event-page-again")
    page.locator("label[for]", has_text="Yes: it happened, the consent ends now").click()
    page.get_by_label("Note").fill("Housing caseworker phoned: lease signed.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("event-happened")
    assert page.url.endswith(consents), page.url
    assert "The consent has ended." in page.locator("body").inner_text()
    row = _row(page)
    text = row.inner_text()
    assert "ended" in text.lower(), text
    assert "in force" not in text.lower(), text
    assert f"{EVENT} (recorded). Housing caseworker phoned: lease signed." in text
    assert row.get_by_role("link", name="Record whether the event happened").count() == 0
    assert_accessible(visit, "consents after the event")

    # Nothing left to record: the page says so instead of offering the form again.
    visit.goto(f"/consents/{event_consent.consent_id}/event/", "event-page-closed")
    closed = page.locator(".usa-alert").inner_text()
    assert closed.startswith("This consent has no open event to review: Ended "), closed
    assert closed.endswith("lease signed."), closed
    assert page.get_by_role("button", name="Save").count() == 0
    assert_accessible(visit, "consent event page once ended")


@pytest.mark.browser
def test_org_admin_requires_an_expiry_date_for_mental_health_consents(visit):
    page = visit.page
    visit.sign_in(ADMIN)
    visit.goto("/settings/consent-elements/", "consent-elements")
    assert page.get_by_role("heading", level=1).inner_text() == "Consent elements"
    assert_accessible(visit, "consent element sets")
    row = page.get_by_role("row").filter(has_text="Mental health records")
    assert row.count() == 1, page.locator("main").inner_text()
    assert "Casework's version" in row.inner_text()
    assert "An expiry date (an event alone is not enough)" not in row.inner_text()
    row.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    assert "/settings/consent-elements/mental-health-state-example/" in page.url, page.url
    visit.shot("consent-elements-edit")
    assert_accessible(visit, "consent element set form")

    name = "Mental health records (New York)"
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Applies in state").select_option("NY")
    page.get_by_label("Rule it follows").fill(
        "New York State, Mental Hygiene Law section 33.13, 2024"
    )
    page.locator("label[for]", has_text="An expiry date (an event alone is not enough)").click()
    page.locator("label[for]", has_text="In use (consents are checked against it)").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("consent-elements-saved")
    assert page.url.split("?")[0].endswith("/settings/consent-elements/"), page.url
    assert "Saved the consent elements for" in page.locator("body").inner_text()
    row = page.get_by_role("row").filter(has_text=name)
    assert row.count() == 1, page.locator("main").inner_text()
    text = row.inner_text()
    assert "Your organization's version" in text
    assert "Mental Hygiene Law section 33.13" in text
    assert "An expiry date (an event alone is not enough)" in text
    assert "NY" in text
    assert row.locator("td").nth(3).inner_text() == "Yes"
    # The federal Part 2 set is untouched, and the shared example no longer shows for this org.
    assert page.get_by_role("row").filter(has_text="Mental health records (example").count() == 0
    assert page.get_by_role("row").filter(has_text="Substance use disorder records").count() == 1
    assert_accessible(visit, "consent element sets after the save")

    # A set with no element at all is refused.
    row.get_by_role("link", name="Edit").click()
    page.wait_for_load_state()
    ticked = page.locator("input[name='elements']:checked")
    ids = ticked.evaluate_all("boxes => boxes.map(box => box.id)")
    assert len(ids) == 7, ids
    for box_id in ids:
        page.locator(f"label[for='{box_id}']").click()
    assert ticked.count() == 0
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    visit.shot("consent-elements-none")
    assert "Choose at least one element." in page.locator("main").inner_text()
    assert_accessible(visit, "consent element set form with an error")

"""What a consent recipient sees on a list of clients (issue 9, 42 CFR 2.32).

A healthcare client signs a Part 2 consent to the mental health program; that program's case
manager then finds the client in the client list, where one notice box sits above the
results with the client's Part 2 notice and the consent's scope, and the row carries a
"Shared under consent" tag linking to it. The program's own clients carry no tag.
"""

from __future__ import annotations

import random
import string

import pytest

from tests.browser.a11y import assert_accessible
from tests.browser.conftest import seed

RECIPIENT = "cm.mental_health@example.org"

# Run in the server's environment: one client of each program with the same family name, and
# a Part 2 consent from the healthcare client to the mental health program, made through the
# service layer as the consent form would.
SEED = """
import json, sys
from casework.accounts.models import Program, User
from casework.clients import consent, services
family = sys.argv[1]
def program(area):
    return Program.objects.get(practice_area=area, organization__name__startswith="River")
health = User.objects.get(email="cm.healthcare@example.org")
mental = User.objects.get(email="cm.mental_health@example.org")
shared = services.client_create(
    actor=health, program=program("healthcare"),
    data={"given_name": "Dolores", "family_name": family}, primary_case_manager=health,
)
own = services.client_create(
    actor=mental, program=program("mental_health"),
    data={"given_name": "Teddy", "family_name": family}, primary_case_manager=mental,
)
consent.consent_record(actor=health, client=shared, data={
    "recipient_program": program("mental_health"),
    "categories": ["general", "substance_use"],
    "information_description": "Diagnosis and medication for opioid use disorder",
    "revocation_right_acknowledged": True, "expiry_trigger": "treatment_ended",
    "purpose": "care coordination", "signature_method": "typed",
    "signed_by_name": "Dolores " + family,
})
print(json.dumps({"shared": shared.pk, "own": own.pk}))
"""


@pytest.mark.browser
def test_a_recipient_sees_the_part2_notice_above_a_list_of_clients(visit, live_url):
    family = "Shr" + "".join(random.choices(string.ascii_lowercase, k=8))
    made = seed(live_url, SEED, family)

    visit.sign_in(RECIPIENT)
    visit.goto(f"/clients/?q={family}", "client-list-shared")
    page = visit.page
    notice = page.get_by_test_id("disclosure-notice")
    assert notice.is_visible()
    assert notice.get_by_role("heading", name="Shared with you under the client's consent").count()
    box = notice.inner_text()
    assert f"{family}, Dolores" in box
    assert "42 CFR Part 2" in box
    assert "care coordination" in box
    assert f"{family}, Teddy" not in box  # the program's own client needs no notice

    rows = page.locator("#client-results tbody tr")
    shared_row = rows.filter(has_text="Dolores")
    own_row = rows.filter(has_text="Teddy")
    assert shared_row.get_by_role("link", name="Shared under consent").count() == 1
    assert own_row.get_by_role("link", name="Shared under consent").count() == 0
    # Which program holds the client is not shared (it may itself be Part 2 information),
    # and "No open enrollment" would say something untrue.
    assert "None in your programs" in shared_row.inner_text()
    assert "No open enrollment" not in shared_row.inner_text()
    shared_row.get_by_role("link", name="Shared under consent").click()
    assert page.url.endswith(f"#consent-notice-{made['shared']}")
    assert page.locator(f"#consent-notice-{made['shared']}").is_visible()
    visit.shot("notice-reached-from-the-row")
    assert_accessible(visit, "client list with a consent notice")

"""A seven-digit local phone number is refused, in the form and the API, naming the field:
the area code cannot be guessed, and a number without it cannot be dialled from elsewhere."""

from __future__ import annotations

import pytest

from casework.api.tests.helpers import Api, token_for
from casework.clients.models import Client
from casework.core import places
from casework.web.tests.helpers import signed_in, text

LOCAL = "Phone number: This is a local number without its area code"


@pytest.mark.parametrize("typed", ["555-0142", "5550142", "555 0142"])
def test_seven_digits_are_refused(typed: str) -> None:
    with pytest.raises(ValueError, match="local number without its area code"):
        places.clean_phone(typed)


def test_ten_digits_are_kept_formatted() -> None:
    assert places.clean_phone("518 555 0142") == "(518) 555-0142"


@pytest.mark.django_db
def test_form_names_the_field_and_keeps_what_was_typed(client, cm_health, programs) -> None:
    http = signed_in(client, cm_health)
    data = {
        "program": str(programs["healthcare"].pk),
        "primary_case_manager": str(cm_health.pk),
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth_month": "12",
        "date_of_birth_day": "10",
        "date_of_birth_year": "1985",
        "sex": "0",
        "phone": "555-0142",
        "city": "Troy",
        "state": "NY",
    }
    page = text(http.post("/clients/new/", data))
    assert LOCAL in page
    assert 'value="555-0142"' in page
    assert not Client.objects.filter(given_name="Ada").exists()


@pytest.mark.django_db
def test_api_names_the_field(cm_health, programs) -> None:
    body = {"given_name": "Ana", "family_name": "Ruiz", "program_id": programs["healthcare"].pk}
    response = Api(token_for(cm_health)).post("clients", body | {"phone": "555-0142"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "phone"
    assert error["message"].startswith("This is a local number without its area code")

"""One definition of a program's eligibility rules: the API, the admin form, the stored
JSON and the demo loader all validate with ``eligibility.Rules`` (pydantic)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from casework.api.urls import api as casework_api
from casework.intake import eligibility
from casework.intake.models import EligibilityRulesVersion
from casework.intake.tests.conftest import problem_fields
from casework.intake.tests.test_api import put_rules
from casework.intake.tests.test_web import page, rules_form, sign_in

pytestmark = pytest.mark.django_db

TERRITORY_TABLE = {
    "state": "PR",
    "year": 2026,
    "first_person": 9000,
    "per_additional_person": 3000,
    "source": "Puerto Rico Department of the Family, program income table, 2026",
}


def test_api_schema_for_rules_is_the_rules_model() -> None:
    """No parallel hand-written schema: the API documents every field of the one model."""
    schema = casework_api.get_openapi_schema()
    components = schema["components"]["schemas"]
    assert set(components["Rules"]["properties"]) == set(eligibility.Rules.model_fields)
    assert "RulesIO" not in components


def test_api_saves_and_answers_a_territory_table(api, org_admin, health) -> None:
    """A field the old API schema lacked is kept, not silently dropped."""
    rules = {"max_income_percent": 150, "territory_guidelines": [TERRITORY_TABLE]}
    response = put_rules(api(org_admin), health, rules, 0)
    assert response.status_code == 200, response.content
    assert response.json()["rules"]["territory_guidelines"] == [TERRITORY_TABLE]
    stored = EligibilityRulesVersion.objects.get().rules["territory_guidelines"]
    assert stored == [TERRITORY_TABLE]


def test_api_and_form_refuse_with_the_same_words(api, client, org_admin, health) -> None:
    response = put_rules(api(org_admin), health, {"max_age": 500, "states": ["XX"]}, 0)
    assert problem_fields(response, 422) == {"rules.max_age", "rules.states"}
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages["rules.max_age"] == "Enter a number from 0 to 130."
    http = sign_in(client, org_admin)
    url = reverse("web:intake_rules", args=[health.pk])
    body = page(http.post(url, rules_form(0, max_age="500", states="XX")))
    assert "Enter a number from 0 to 130." in body
    assert messages["rules.states"] in body
    assert not EligibilityRulesVersion.objects.exists()


def test_api_refuses_a_nul_in_rule_text(api, org_admin, health) -> None:
    response = put_rules(api(org_admin), health, {"counties": ["Albany\x00"]}, 0)
    assert problem_fields(response, 422) == {"rules.counties"}


def test_stored_rules_reload_through_the_same_model() -> None:
    rules = eligibility.Rules.from_dict(
        {"states": "ny, nj", "territory_guidelines": [TERRITORY_TABLE]}
    )
    assert rules.states == ("NY", "NJ")
    assert eligibility.Rules.from_dict(rules.to_dict()) == rules

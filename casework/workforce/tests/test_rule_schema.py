"""One schema for workforce rules: the file loader and the rule editor validate with
``workforce.rule_schema``, so a slip in either is refused with its place named."""

from __future__ import annotations

import copy

import pytest
import yaml
from django.core.exceptions import ValidationError

from casework.accounts.models import User
from casework.workforce.rule_schema import validate_file_rule
from casework.workforce.rules import current_rule, file_rules
from casework.workforce.tests.test_rules_and_pages import login, platform_admin  # noqa: F401

pytestmark = pytest.mark.django_db


def _ccm() -> dict:
    return copy.deepcopy(next(r for r in file_rules() if r["code"] == "CCM"))


def test_every_file_rule_passes_the_schema_with_its_text_whole() -> None:
    rules = {r["code"]: r for r in file_rules()}
    assert rules["RN-CA"]["name"] == "RN renewal, California"
    licence = rules["ACM-RN"]["params"]["requirements"][0]
    assert licence["label"] == "A current, unrestricted RN licence"
    for rule in rules.values():
        validate_file_rule(rule)


def test_loader_refuses_a_key_split_off_by_an_unquoted_comma() -> None:
    rule = _ccm()
    rule["params"]["requirements"][0]["unrestricted licence"] = None
    with pytest.raises(ValueError, match=r"Rule 'CCM': requirements\.0\.unrestricted licence"):
        validate_file_rule(rule)
    rule = _ccm() | {"California": None}
    with pytest.raises(ValueError, match="Unknown key 'California'"):
        validate_file_rule(rule)


def test_rule_editor_refuses_a_misspelt_requirement_key(platform_admin: User) -> None:  # noqa: F811
    params = _ccm()["params"]
    params["requirements"][1]["options"][0]["all"][0]["monts"] = 12
    response = login(platform_admin).post(
        "/credentials/rules/CCM/",
        {
            "params": yaml.safe_dump(params),
            "citation": "CCMC, Certification Guide, 2026",
            "marker": "READ",
        },
    )
    body = response.content.decode()
    assert "Unknown key &#x27;monts&#x27;" in body
    assert "requirements.1.options.0.all.0.monts" in body
    assert current_rule("CCM").version == 2  # type: ignore[union-attr]  # nothing saved


def test_rule_editor_refuses_negative_ce_hours_through_the_service(platform_admin: User) -> None:  # noqa: F811
    from casework.workforce import services

    params = _ccm()["params"]
    params["renewal"]["ce_hours"] = -1
    with pytest.raises(ValidationError, match=r"renewal\.ce_hours"):
        services.ruleset_edit(
            actor=platform_admin,
            code="CCM",
            citation="x",
            source_url="",
            marker="READ",
            params=params,
        )

"""The consent notice in the API answers a consent recipient receives (42 CFR 2.32).

A case manager of another program reaches the world's client through a consent naming their
program (every category). Each GET operation of the object inventory is called as that
reader; every one that answers 200 must carry ``disclosure_notice``, except the operations
listed in ``WITHOUT_NOTICE``: the known gap of issue 9 (lists answered as bare JSON arrays
and the FHIR resource, which have no place for the field yet). The list is exact both ways:
a new operation without the notice fails, and so does a listed one that gains it.
"""

from __future__ import annotations

from typing import Any

from tests.security.conftest import World
from tests.security.test_api_authorization import OBJECT_OPERATIONS, Api, _fill

PARTS = ("addresses", "contacts", "disabilities", "emergency_contacts", "household")
PARTS += ("identifiers", "insurance", "names")
WITHOUT_NOTICE = frozenset(
    {f"/clients/{{client_id}}/{part}" for part in PARTS}
    | {f"/clients/{{client_id}}/{part}/{{item_id}}" for part in PARTS}
    | {
        "/clients/{client_id}/notes",
        "/clients/{client_id}/plans",
        "/assessments/{assessment_id}/fhir",
    }
)


def test_api_answers_to_a_consent_recipient_carry_the_notice(world: World, recipient: Any) -> None:
    api = Api(recipient)
    answered, without = [], set()
    for method, path in OBJECT_OPERATIONS:
        if method != "get":
            continue
        response = api.get(_fill(path, world))
        if response.status_code != 200:
            continue
        answered.append(path)
        if "disclosure_notice" not in response.content.decode("utf-8", "replace"):
            without.add(path)
    assert "/clients/{client_id}" in answered, answered
    assert without == WITHOUT_NOTICE, {
        "new operations without the notice": sorted(without - WITHOUT_NOTICE),
        "listed but now carrying it (remove from the list)": sorted(WITHOUT_NOTICE - without),
    }

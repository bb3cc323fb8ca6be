"""The consent notice in the API answers a consent recipient receives (42 CFR 2.32).

A case manager of another program reaches the world's client through a consent naming their
program (every category). Each GET operation of the object inventory is called as that
reader; every one that answers 200 with client information must carry the notice: a
non-null ``disclosure_notice`` (on the answer, or on each item of a list), or, for a FHIR
resource, the Data Segmentation for Privacy labels and the notice as display extensions in
``meta``. The lists are exact both ways: ``WITHOUT_NOTICE`` (empty since issue 9 closed) and
``ANSWERED_EMPTY``, the operations that answer a consent recipient with an empty list and so
disclose nothing to carry a notice with; and no download reaches that reader. A new
operation without the notice fails, and so does a listed one that changes. The client's own
program staff read the same operations and get a null notice and no labels.

The collection operations (no id in the path: a list, a search) are called too, with the
client's name where a search needs one: every client the answer names through a consent
must sit under a non-null notice, and ``CLIENT_COLLECTIONS``, the operations that name the
client to a consent recipient, is exact both ways.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from casework.interop.fhir_security import DISPLAY
from tests.security.conftest import FAMILY, World
from tests.security.test_api_authorization import OBJECT_OPERATIONS, Api, _fill, operations

WITHOUT_NOTICE: frozenset[str] = frozenset()
# Service plans are read by the client's own programs only (``plans.permissions``): a consent
# recipient's list is always empty. Its items carry the field for the day plans are shared.
ANSWERED_EMPTY = frozenset({"/clients/{client_id}/plans"})
LABELS = {"R", "42CFRPart2", "NORDSCLCD"}
# The collection operations that name the world's client to a consent recipient, and the
# query each is called with (a search needs the person's name).
CLIENT_COLLECTIONS = {
    "/clients": "",
    "/intake/matches": f"?given_name=Dolores&family_name={FAMILY}&date_of_birth=1961-04-12",
}
COLLECTIONS = sorted(p for m, p in operations() if m == "get" and "{" not in p)


def _notices(value: Any) -> list[Any]:
    """Every ``disclosure_notice`` value anywhere in a JSON answer."""
    if isinstance(value, dict):
        found = [value["disclosure_notice"]] if "disclosure_notice" in value else []
        return found + [n for v in value.values() for n in _notices(v)]
    if isinstance(value, list):
        return [n for v in value for n in _notices(v)]
    return []


def _labels(body: Any) -> tuple[set[str], list[str]]:
    """The security label codes and the display texts of a FHIR resource's ``meta``."""
    meta = body.get("meta", {}) if isinstance(body, dict) else {}
    codes = {label["code"] for label in meta.get("security", [])}
    texts = [e["valueAnnotation"]["text"] for e in meta.get("extension", []) if e["url"] == DISPLAY]
    return codes, texts


def _empty(body: Any) -> bool:
    return body == [] or (isinstance(body, dict) and body.get("results") == [])


def _carries_notice(path: str, body: Any) -> bool:
    if path.endswith("/fhir"):
        codes, texts = _labels(body)
        return codes >= LABELS and bool(texts)
    notices = _notices(body)
    return bool(notices) and all(n is not None and n["scopes"] for n in notices)


def _get_answers(api: Api, world: World) -> dict[str, Any]:
    answers = {}
    for method, path in OBJECT_OPERATIONS:
        if method != "get":
            continue
        response = api.get(_fill(path, world))
        if response.status_code != 200:
            continue
        is_json = "json" in response.get("Content-Type", "") and not response.streaming
        # A download (a PDF, say) is no JSON answer: ``None``.
        answers[path] = json.loads(response.content) if is_json else None
    return answers


def _uncovered(value: Any, covered: bool = False) -> list[str]:
    """Every text naming the client that no non-null ``disclosure_notice`` covers (a notice
    covers the object that carries it, and everything inside that object)."""
    if isinstance(value, dict):
        covered = covered or bool(value.get("disclosure_notice"))
        return [t for v in value.values() for t in _uncovered(v, covered)]
    if isinstance(value, list):
        return [t for v in value for t in _uncovered(v, covered)]
    return [value] if isinstance(value, str) and FAMILY in value and not covered else []


def _collection_answers(api: Api) -> dict[str, Any]:
    answers = {}
    for path in COLLECTIONS:
        response = api.get(path + CLIENT_COLLECTIONS.get(path, ""))
        if response.status_code == 200 and "json" in response.get("Content-Type", ""):
            answers[path] = json.loads(response.content)
    return answers


@pytest.fixture
def shared_note(world: World) -> int:
    """A signed note of the owner in a released category (the world's own note is a draft,
    which a consent recipient never reads)."""
    from casework.casenotes.services import note_create, note_sign

    note = note_create(
        actor=world.owner,
        client=world.client,
        program=world.program,
        data={
            "note_type": "contact",
            "contact_method": "phone",
            "duration_minutes": 10,
            "sections": {"purpose": "Rent.", "summary": "Called.", "next_steps": "Monday."},
        },
    )
    return note_sign(actor=world.owner, note=note, expected_version=note.version).pk


def test_api_answers_to_a_consent_recipient_carry_the_notice(
    world: World, recipient: Any, shared_note: int
) -> None:
    answers = _get_answers(Api(recipient), world)
    assert "/clients/{client_id}" in answers, sorted(answers)
    json_answers = {p: b for p, b in answers.items() if b is not None}
    empty = {p for p, body in json_answers.items() if _empty(body)}
    without = {p for p, b in json_answers.items() if p not in empty and not _carries_notice(p, b)}
    assert without == WITHOUT_NOTICE, {
        "new operations without the notice": sorted(without - WITHOUT_NOTICE),
        "listed but now carrying it (remove from the list)": sorted(WITHOUT_NOTICE - without),
    }
    assert empty == ANSWERED_EMPTY, sorted(empty)
    # No download (a PDF, say) reaches a consent recipient: it would have no notice either.
    assert {p for p, body in answers.items() if body is None} == set()


def test_readers_inside_the_clients_program_get_no_notice(world: World, shared_note: int) -> None:
    answers = _get_answers(Api(world.owner), world)
    assert "/clients/{client_id}/names" in answers, sorted(answers)
    for path, body in answers.items():
        assert all(n is None for n in _notices(body)), path
        assert _labels(body) == (set(), []), path


def test_lists_carry_the_notice_on_every_item(
    world: World, recipient: Any, shared_note: int
) -> None:
    api = Api(recipient)
    client = world.client.pk
    contacts = api.get(f"/clients/{client}/contacts").json()
    assert isinstance(contacts, list)  # still a bare array
    assert len(contacts) > 1
    assert all(c["disclosure_notice"]["part2_notice"] for c in contacts)
    notes = api.get(f"/clients/{client}/notes").json()["results"]
    assert [n["id"] for n in notes] == [shared_note]
    assert notes[0]["disclosure_notice"]["scopes"][0]["purpose"] == "Care coordination"
    note = api.get(f"/notes/{shared_note}").json()
    assert note["disclosure_notice"] == notes[0]["disclosure_notice"]


def test_fhir_assessment_to_a_recipient_is_labelled_and_parses(
    world: World, recipient: Any
) -> None:
    from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

    assessment_id = world.extra["care"]["assessment_id"]
    body = Api(recipient).get(f"/assessments/{assessment_id}/fhir").json()
    QuestionnaireResponse.model_validate(body)
    codes, texts = _labels(body)
    assert codes == LABELS
    notice = Api(recipient).get(f"/clients/{world.client.pk}").json()["disclosure_notice"]
    assert texts[0] == notice["intro"]
    assert texts[1] == notice["part2_notice"]
    assert "Care coordination" in texts[2]
    own = Api(world.owner).get(f"/assessments/{assessment_id}/fhir").json()
    assert "meta" not in own
    assert {k: v for k, v in body.items() if k != "meta"} == own


def test_fhir_labels_without_a_part2_consent() -> None:
    """Only a Part 2 consent adds the Part 2 policy and the no-redisclosure obligation."""
    from casework.clients.disclosure import DisclosureNotice
    from casework.interop.fhir_security import with_disclosure_notice

    plain = DisclosureNotice(intro="Under consent.", part2_notice="", scopes=[])
    resource = with_disclosure_notice({"resourceType": "QuestionnaireResponse"}, plain)
    assert _labels(resource) == ({"R"}, ["Under consent."])
    assert with_disclosure_notice({"id": "x"}, None) == {"id": "x"}


def test_collections_naming_a_consent_reached_client_carry_the_notice(
    world: World, recipient: Any
) -> None:
    answers = _collection_answers(Api(recipient))
    naming = {path for path, body in answers.items() if FAMILY in json.dumps(body)}
    assert naming == set(CLIENT_COLLECTIONS), {
        "new collections naming the client (check their notice, then list them)": sorted(
            naming - set(CLIENT_COLLECTIONS)
        ),
        "listed but no longer naming it": sorted(set(CLIENT_COLLECTIONS) - naming),
    }
    for path in naming:
        assert _uncovered(answers[path]) == [], path
        notices = [n for n in _notices(answers[path]) if n is not None]
        assert notices, path
        assert all(n["scopes"] and n["part2_notice"] for n in notices), path


def test_collections_carry_no_notice_for_the_clients_own_staff(world: World) -> None:
    answers = _collection_answers(Api(world.owner))
    assert {p for p, body in answers.items() if FAMILY in json.dumps(body)} >= set(
        CLIENT_COLLECTIONS
    )
    for path, body in answers.items():
        assert all(n is None for n in _notices(body)), path

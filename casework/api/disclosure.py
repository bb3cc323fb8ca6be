"""The disclosure notice as an API field, and the accounting of disclosures.

``DisclosureNoticeOut`` is the field every operation answering client information to a
consent recipient carries (``disclosure_notice``): the 42 CFR 2.32 notice and the scope of
each consent. Other routers reuse it: ``disclosure_notice: DisclosureNoticeOut | None =
notice_field()``, filled from ``client.disclosure_notice`` (set by the client gate, so it is
built once per request) or ``clients.disclosure.disclosure_notice(user, client)``. A list
answered as a bare JSON array carries it on each item (``with_notice``): the array stays an
array, and an item passed on keeps its notice. It is null for readers inside the client's own
programs. FHIR resources carry it as security labels instead (``interop.fhir_security``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field

from casework.api.types import Id
from casework.clients.disclosure import disclosures_of
from casework.clients.permissions import access_client
from casework.core.exceptions import NotFound

router = Router(tags=["client record"])
STAFF_BASES = frozenset({"program", "organization"})
NOTICE_DESCRIPTION = (
    "When you reach the client through a consent: the 42 CFR 2.32 notice and the consent's "
    "scope, which accompany the information wherever you use it. Null when you reach the "
    "client through its own programs."
)
Row = TypeVar("Row")


def notice_field() -> Any:
    """The ``disclosure_notice`` field of an answer schema: optional, null by default."""
    return Field(None, description=NOTICE_DESCRIPTION)


def with_notice(rows: Iterable[Row], client: Any) -> list[Row]:
    """``rows`` of the gated ``client``, each carrying the notice the gate built once for
    this request (``None`` inside the client's own programs): no query per row."""
    notice = getattr(client, "disclosure_notice", None)
    answered = list(rows)
    for row in answered:
        if isinstance(row, dict):
            row["disclosure_notice"] = notice
        else:
            row.disclosure_notice = notice  # type: ignore[attr-defined]  # read by the schema
    return answered


class ConsentScopeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    consent_id: int
    recipient: str
    information: str
    categories: list[str]
    purpose: str
    until: str = Field(description="The expiry date or event, or 'until revoked'.")
    how_to_revoke: str
    redisclosure: str = Field(description="The HIPAA redisclosure statement, when it applies.")


class DisclosureNoticeOut(BaseModel):
    """What must accompany information disclosed under a consent (42 CFR 2.32)."""

    model_config = ConfigDict(from_attributes=True)

    intro: str
    part2_notice: str = Field(description="The 42 CFR 2.32 notice; empty without Part 2 data.")
    scopes: list[ConsentScopeOut]


class DisclosureOut(Schema):
    id: int
    occurred_at: datetime
    recipient_label: str = Field(description="Who received the information.")
    recipient_organization_ids: list[int]
    categories: list[str]
    basis: str = Field(description="consent or break_glass (emergency access).")
    consent_ids: list[int]
    purpose: str
    what: str
    channel: str


@router.get(
    "/clients/{client_id}/disclosures",
    response=list[DisclosureOut],
    summary="Accounting of disclosures",
)
def disclosures_list(request: HttpRequest, client_id: Id) -> Any:
    """Each time the client's information was shown or sent outside the client's own
    programs (under a consent or emergency access): who, which categories, when, on what
    basis. Staff of the client's programs and its organization's admins and auditors only;
    the read is audited. Rows are never editable."""
    client = access_client(request.user, client_id)
    if client.access_basis not in STAFF_BASES:
        raise NotFound("client")
    return disclosures_of(client.pk)

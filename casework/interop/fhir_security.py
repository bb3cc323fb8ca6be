"""The disclosure notice on a FHIR resource, as HL7 FHIR Data Segmentation for Privacy labels.

A FHIR resource has no place for the API's ``disclosure_notice`` field, so a resource answered
to a consent recipient carries the notice the FHIR way (HL7 FHIR Data Segmentation for Privacy
implementation guide 1.0.0, 2023, https://hl7.org/fhir/uv/security-label-ds4p/):

* ``meta.security``: confidentiality ``R`` (restricted, HL7 v3 Confidentiality) on anything
  disclosed under a consent; with a Part 2 consent also the ``42CFRPart2`` privacy law and
  the ``NORDSCLCD`` refrain policy (no redisclosure without consent directive), both from
  HL7 v3 ActCode (HL7 Terminology, https://terminology.hl7.org/CodeSystem-v3-ActCode.html).
* ``meta.extension``: one DS4P "display" extension (an Annotation the consumer should show
  whenever it renders the resource) per line of the notice: the introduction, the Part 2
  notice, and each consent's scope, as ``clients.disclosure.notice_lines`` writes them.

Readers inside the client's own programs get the resource unchanged (``notice`` is None).
"""

from __future__ import annotations

from typing import Any

from casework.clients.disclosure import DisclosureNotice, notice_lines

CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
DISPLAY = "http://hl7.org/fhir/uv/security-label-ds4p/StructureDefinition/extension-display"
RESTRICTED = {"system": CONFIDENTIALITY, "code": "R", "display": "restricted"}
PART2 = {"system": ACT_CODE, "code": "42CFRPart2", "display": "42 CFR Part2"}
NO_REDISCLOSURE = {
    "system": ACT_CODE,
    "code": "NORDSCLCD",
    "display": "no redisclosure without consent directive",
}


def security_labels(notice: DisclosureNotice) -> list[dict[str, str]]:
    """The ``meta.security`` codings for information disclosed under ``notice``."""
    labels = [dict(RESTRICTED)]
    if notice.part2_notice:
        labels += [dict(PART2), dict(NO_REDISCLOSURE)]
    return labels


def with_disclosure_notice(
    resource: dict[str, Any], notice: DisclosureNotice | None
) -> dict[str, Any]:
    """``resource`` labelled for a consent recipient (unchanged when ``notice`` is None)."""
    if notice is None:
        return resource
    meta = resource.setdefault("meta", {})
    meta["security"] = [*meta.get("security", []), *security_labels(notice)]
    displays = [
        {"url": DISPLAY, "valueAnnotation": {"text": line}} for line in notice_lines(notice)
    ]
    meta["extension"] = [*meta.get("extension", []), *displays]
    return resource

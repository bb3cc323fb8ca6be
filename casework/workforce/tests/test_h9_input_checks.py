"""CE dates and certificate names (issue 9, input robustness)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casework.workforce import services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**extra):
    return {
        "provider": "P",
        "course": "C",
        "completed_on": timezone.localdate(),
        "hours": 1,
        "category": "ethics",
    } | extra


def test_ce_completed_in_the_future_is_refused(cm_health):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.continuing_education_create(
            actor=cm_health, user=cm_health, data=_data(completed_on=tomorrow)
        )
    assert "completed_on" in error.value.message_dict


def test_a_certificate_takes_its_extension_from_its_content(cm_health):
    disguised = SimpleUploadedFile("evil.html", PDF, "text/html")
    entry = services.continuing_education_create(
        actor=cm_health, user=cm_health, data=_data(), certificate=disguised
    )
    assert entry.certificate.name.endswith(".pdf")
    assert "evil" not in entry.certificate.name

"""The emergency-access page states the length the organization set, not a fixed hour."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from casework.accounts.models import Organization
from casework.web.tests.helpers import signed_in, text

pytestmark = pytest.mark.django_db


def test_page_states_the_default_hour(cm_mental_health):
    page = text(signed_in(HttpClient(), cm_mental_health).get("/emergency-access/"))
    assert "Access lasts 1 hour, as your organization has set." in page


def test_page_states_the_organizations_own_length(cm_mental_health, agency):
    Organization.objects.filter(pk=agency.pk).update(emergency_access_minutes=90)
    page = text(signed_in(HttpClient(), cm_mental_health).get("/emergency-access/"))
    assert "Access lasts 90 minutes, as your organization has set." in page
    assert "one hour" not in page

"""Referral fixtures: a directory service run by the partner organization (Harbor Food Bank),
the healthcare client's consent to share with it, and a referral sent there."""

from __future__ import annotations

import datetime

import pytest

from casework.accounts.models import Organization, Program, User
from casework.clients import consent as consents
from casework.clients.models import Client, Consent, ConsentCategory
from casework.referrals.models import Referral
from casework.referrals.services import referral_create
from casework.resources import models as directory


@pytest.fixture
def partner_org(partner: User) -> Organization:
    return Organization.objects.get(name="Harbor Food Bank")


@pytest.fixture
def food_service(partner_org: Organization) -> directory.Service:
    org = directory.Organization.objects.create(
        id="0d6a2a4e-6a7e-4a55-9d2b-1f0b1f6b0a01",
        name="Harbor Food Bank",
        description="Groceries for families.",
        casework_organization=partner_org,
    )
    return directory.Service.objects.create(
        id="0d6a2a4e-6a7e-4a55-9d2b-1f0b1f6b0a02",
        organization=org,
        name="Weekly grocery pantry",
        status="active",
    )


def make_consent(client: Client, actor: User, org: Organization, categories: list[str]) -> Consent:
    return consents.consent_record(
        actor=actor,
        client=client,
        data={
            "recipient_organization_id": org.pk,
            "categories": categories,
            "purpose": "Referral for food assistance",
            "signature_method": "typed",
            "signed_by_name": "Maria Lopez",
            "effective_date": datetime.date.today(),
            "revocation_right_acknowledged": True,
            "information_description": "Contact details and substance use history",
            "expiry_date": datetime.date.today() + datetime.timedelta(days=365),
        },
    )


@pytest.fixture
def partner_consent(client_health: Client, cm_health: User, partner_org: Organization) -> Consent:
    return make_consent(client_health, cm_health, partner_org, [ConsentCategory.GENERAL])


@pytest.fixture
def referral(
    client_health: Client,
    cm_health: User,
    programs: dict[str, Program],
    food_service: directory.Service,
    partner_consent: Consent,
) -> Referral:
    return referral_create(
        actor=cm_health,
        client=client_health,
        program=programs["healthcare"],
        service=food_service,
        reason="Runs out of food at the end of each month.",
        need_category="food-insecurity",
    )

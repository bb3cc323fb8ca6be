"""``access_for``: what each persona may reach, with a deny twin for every allow."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from casework.accounts import services as accounts
from casework.accounts.access import _active_memberships, access_for, compute_access
from casework.accounts.models import Membership, Role, User


def test_case_manager_holds_a_role_only_in_their_program(cm_health, programs):
    access = access_for(cm_health)
    assert access.program_ids == {programs["healthcare"].pk}
    assert access.has_program_role(programs["healthcare"].pk, Role.CASE_MANAGER)
    assert not access.has_program_role(programs["mental_health"].pk)
    assert access.roles() == {Role.CASE_MANAGER}


def test_case_manager_writes_in_their_program_only(cm_health, programs):
    access = access_for(cm_health)
    assert access.can_write_in_program(programs["healthcare"].pk)
    assert not access.can_write_in_program(programs["mental_health"].pk)


def test_case_manager_cannot_audit(cm_health, agency):
    assert not access_for(cm_health).can_audit(agency.pk)


def test_supervisor_supervises_their_program_only(sup_health, programs):
    access = access_for(sup_health)
    assert access.supervised_program_ids == {programs["healthcare"].pk}
    assert programs["mental_health"].pk not in access.supervised_program_ids


def test_case_manager_supervises_nothing(cm_health):
    assert access_for(cm_health).supervised_program_ids == frozenset()


def test_intake_worker_writes_in_their_program(intake_health, programs):
    access = access_for(intake_health)
    assert access.can_write_in_program(programs["healthcare"].pk)
    assert not access.can_write_in_program(programs["vocational_rehab"].pk)


def test_org_admin_writes_in_every_program_of_the_organization(org_admin, programs, agency):
    access = access_for(org_admin)
    assert access.admin_org_ids == {agency.pk}
    assert access.org_wide_org_ids == {agency.pk}
    for program in programs.values():
        assert access.can_write_in_program(program.pk, program.organization_id)
    assert access.can_audit(agency.pk)


def test_other_agency_admin_cannot_write_or_audit_here(other_agency_admin, programs, agency):
    access = access_for(other_agency_admin)
    assert agency.pk not in access.org_wide_org_ids
    for program in programs.values():
        assert not access.can_write_in_program(program.pk, program.organization_id)
    assert not access.can_audit(agency.pk)


def test_auditor_reads_the_organization_and_writes_nothing(auditor, programs, agency):
    access = access_for(auditor)
    assert access.can_audit(agency.pk)
    assert access.org_wide_org_ids == {agency.pk}
    assert access.write_program_ids == frozenset()
    for program in programs.values():
        assert not access.can_write_in_program(program.pk, program.organization_id)
    assert access.roles() == {Role.AUDITOR}


def test_partner_reaches_no_agency_data(partner, agency, programs):
    access = access_for(partner)
    assert access.roles() == {Role.PARTNER}
    assert access.is_empty
    assert access.org_wide_org_ids == frozenset()
    assert access.program_ids == frozenset()
    assert not access.can_audit(agency.pk)


@pytest.mark.parametrize("user", [AnonymousUser(), None])
def test_anonymous_has_no_access(user, db):
    access = access_for(user)
    assert access.user_id is None
    assert access.is_empty


def test_inactive_user_has_no_access(cm_health):
    cm_health.is_active = False
    assert compute_access(cm_health).is_empty


def test_inactive_program_gives_no_access(cm_health, programs):
    program = programs["healthcare"]
    program.is_active = False
    program.save(update_fields=["is_active"])
    assert compute_access(cm_health).program_ids == frozenset()


def test_inactive_organization_gives_no_access(org_admin, agency):
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    assert compute_access(org_admin).is_empty


def test_access_is_computed_once_per_user_object(cm_health, django_assert_num_queries):
    access_for(cm_health)
    with django_assert_num_queries(0):
        access_for(cm_health)


def test_access_is_shared_by_later_loads_of_the_same_user(cm_health, django_assert_num_queries):
    first = access_for(User.objects.get(pk=cm_health.pk))
    again = User.objects.get(pk=cm_health.pk)
    with django_assert_num_queries(0):
        assert access_for(again) == first
    assert access_for(again).memo is not first.memo, "the per-request memo is never shared"


def test_a_membership_change_gives_the_user_a_new_stamp(cm_health, org_admin, programs):
    before = User.objects.get(pk=cm_health.pk)
    access_for(before)
    accounts.membership_grant(
        actor=org_admin,
        user=cm_health,
        program=programs["mental_health"],
        role=Role.CASE_MANAGER,
    )
    after = User.objects.get(pk=cm_health.pk)
    assert after.access_stamp != before.access_stamp
    assert programs["mental_health"].pk in access_for(after).program_ids


def test_deactivating_a_program_renews_its_staffs_stamps(cm_health, programs):
    before = User.objects.get(pk=cm_health.pk).access_stamp
    programs["healthcare"].is_active = False
    programs["healthcare"].save(update_fields=["is_active"])
    assert User.objects.get(pk=cm_health.pk).access_stamp != before


def test_renaming_a_program_keeps_the_stamps(cm_health, programs):
    before = User.objects.get(pk=cm_health.pk).access_stamp
    programs["healthcare"].name = "Care Transitions North"
    programs["healthcare"].save(update_fields=["name"])
    assert User.objects.get(pk=cm_health.pk).access_stamp == before


def test_deactivating_an_organization_renews_its_members_stamps(org_admin, cm_health, agency):
    before = {
        u.pk: u.access_stamp for u in User.objects.filter(pk__in=[org_admin.pk, cm_health.pk])
    }
    agency.is_active = False
    agency.save(update_fields=["is_active"])
    after = {u.pk: u.access_stamp for u in User.objects.filter(pk__in=[org_admin.pk, cm_health.pk])}
    assert all(after[pk] != stamp for pk, stamp in before.items())


def test_a_deferred_stamp_is_never_trusted(cm_health, django_assert_num_queries):
    access_for(User.objects.get(pk=cm_health.pk))
    partial = User.objects.only("id", "is_active").get(pk=cm_health.pk)
    with django_assert_num_queries(1):  # the memberships, not the stamp
        access_for(partial)


def test_the_membership_query_keeps_the_orm_rule(cm_health, programs, agency):
    """The hand-written per-request query grants exactly what the ORM rule grants."""
    lakeside = accounts.organization_create(actor=None, name="Lakeside Health", state="NJ")
    Membership.objects.create(user=cm_health, organization=agency, role=Role.AUDITOR)
    Membership.objects.create(user=cm_health, organization=lakeside, role=Role.ORG_ADMIN)
    Membership.objects.create(
        user=cm_health, organization=agency, program=programs["mental_health"], role=Role.SUPERVISOR
    )
    Membership.objects.create(
        user=cm_health,
        organization=agency,
        program=programs["social_services"],
        role=Role.CASE_MANAGER,
        is_active=False,
    )
    Membership.objects.create(
        user=cm_health,
        organization=agency,
        program=programs["vocational_rehab"],
        role=Role.INTAKE_WORKER,
    )
    programs["vocational_rehab"].is_active = False
    programs["vocational_rehab"].save(update_fields=["is_active"])
    lakeside.is_active = False
    lakeside.save(update_fields=["is_active"])
    by_orm = (
        Membership.objects.active()
        .filter(Q(program=None) | Q(program__is_active=True), user=cm_health)
        .values_list("organization_id", "program_id", "role")
    )
    granted = sorted(_active_memberships(cm_health.pk), key=repr)
    assert granted == sorted(by_orm, key=repr)
    assert {role for _org, _program, role in granted} == {
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.AUDITOR,
    }


def test_saving_a_user_loaded_before_an_access_change_keeps_the_new_stamp(
    cm_health, org_admin, programs
):
    stale = User.objects.get(pk=cm_health.pk)
    accounts.membership_grant(
        actor=org_admin, user=cm_health, program=programs["mental_health"], role=Role.SUPERVISOR
    )
    renewed = User.objects.get(pk=cm_health.pk).access_stamp
    stale.full_name = "Renamed Meanwhile"
    stale.save()
    saved = User.objects.get(pk=cm_health.pk)
    assert (saved.full_name, saved.access_stamp) == ("Renamed Meanwhile", renewed)
    assert programs["mental_health"].pk in access_for(saved).program_ids

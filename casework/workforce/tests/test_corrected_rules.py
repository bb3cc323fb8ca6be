"""The corrected credential rules (issue 12): each vector of the review is a test here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from casework.workforce import eligibility as engine
from casework.workforce.rules import current_rule, current_rules

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)
MSW = engine.DegreeFact("MSW", "master", "human_services", "CSWE", date(2020, 5, 1), True)
BSW = engine.DegreeFact("BSW", "bachelor", "human_services", "CSWE", date(2019, 5, 1), True)
CLINICAL = engine.ExamFact("ASWB-CLINICAL", date(2026, 2, 1), True)


def result(code: str, record: engine.StaffRecord) -> engine.CredentialResult:
    rule = current_rule(code)
    assert rule is not None
    return engine.evaluate(record, code=code, name=rule.name, params=rule.params, today=TODAY)


def job(months: int, *, end: date = date(2026, 2, 28), **extra: Any) -> engine.PositionFact:
    start = engine.add_months(end + timedelta(days=1), -months)
    extra.setdefault("setting", "hospital")
    return engine.PositionFact(started_on=start, ended_on=end, **extra)


def spread(total: float, *, start: date, months: int, kind: str = "client_contact", **extra: Any):
    per = total / months
    return [
        engine.HoursFact(engine.add_months(start, i), per, kind, **extra) for i in range(months)
    ]


def req(res: engine.CredentialResult, rid: str) -> engine.RequirementResult:
    return next(r for r in res.requirements if r.id == rid)


# --- ACM ---------------------------------------------------------------------------------


def test_acm_sw_bsw_with_13_months_hospital_case_management_and_no_licence_is_eligible() -> None:
    record = engine.StaffRecord(degrees=[BSW], positions=[job(13, supervised=True)])
    assert result("ACM-SW", record).eligible


def test_acm_sw_lmsw_with_no_degree_recorded_is_eligible() -> None:
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="NY")
    record = engine.StaffRecord(licences=[lmsw], positions=[job(13, supervised=True)])
    assert result("ACM-SW", record).eligible


def test_acm_rn_counts_2080_hours_of_supervised_paid_part_time_work() -> None:
    rn = engine.CredentialFact(kind="RN", jurisdiction="NY")
    half_time = job(24, full_time=False, hours_per_week=20, supervised=True, setting="post_acute")
    assert result("ACM-RN", engine.StaffRecord(licences=[rn], positions=[half_time])).eligible
    short = job(23, full_time=False, hours_per_week=20, supervised=True)
    assert not result("ACM-RN", engine.StaffRecord(licences=[rn], positions=[short])).eligible


def test_acm_rn_unsupervised_work_does_not_count_and_the_window_is_marked_unconfirmed() -> None:
    rn = engine.CredentialFact(kind="RN", jurisdiction="NY")
    record = engine.StaffRecord(licences=[rn], positions=[job(24)])
    assert req(result("ACM-RN", record), "experience").status == engine.NOT_MET
    rule = current_rule("ACM-RN")
    assert rule is not None
    experience = rule.params["requirements"][1]
    assert experience["within_years_marker"] == "UNVERIFIED"
    assert "not confirmed by ACMA" in rule.citation


# --- CRC ---------------------------------------------------------------------------------


def counselling(coursework: bool | None) -> engine.DegreeFact:
    return engine.DegreeFact(
        "COUNSELING", "master", "human_services", "CACREP", date(2022, 5, 1), True, coursework
    )


def test_crc_category_d_counselling_master_37_months_12_crc_supervised_is_eligible() -> None:
    positions = [
        job(12, supervisor_credentials=("CRC",), supervised=True, case_management=False),
        job(25, end=date(2025, 2, 28), case_management=False),
    ]
    res = result("CRC", engine.StaffRecord(degrees=[counselling(True)], positions=positions))
    assert res.eligible
    assert "Category D" in req(res, "route").evidence[0]


def test_crc_category_d_asks_about_the_disability_coursework() -> None:
    positions = [job(37, supervisor_credentials=("CRC",), supervised=True)]
    res = result("CRC", engine.StaffRecord(degrees=[counselling(None)], positions=positions))
    assert res.status == engine.CANNOT_TELL
    assert "disability-specific coursework" in res.cannot_tell[0]


def test_crc_a_rehabilitation_master_alone_is_not_automatically_eligible() -> None:
    mrc = engine.DegreeFact("MRC", "master", "human_services", "", date(2025, 5, 1), None)
    res = result("CRC", engine.StaffRecord(degrees=[mrc]))
    assert res.status == engine.CANNOT_TELL
    question = res.cannot_tell[0]
    assert "CACREP- or CORE-accredited" in question
    assert "supervised by a CRC" in question


# --- hours count only in the qualifying status ------------------------------------------


def test_lcsw_ny_hours_logged_before_the_msw_without_an_lmsw_do_not_count() -> None:
    msw = engine.DegreeFact("MSW", "master", "human_services", "CSWE", date(2025, 5, 1), True)
    before = spread(2000, start=date(2021, 1, 1), months=40)
    before += spread(100, start=date(2021, 1, 1), months=40, kind="individual_supervision")
    res = result("LCSW-NY", engine.StaffRecord(degrees=[msw], hours=before, exams=[CLINICAL]))
    assert res.status == engine.NOT_ELIGIBLE
    contact = req(res, "contact")
    assert contact.status == engine.NOT_MET
    assert contact.missing == (
        "2,000 more client-contact hours gained after the MSW while holding a NY LMSW or LP-SW"
    )
    assert "2,000.0 hours do not count" in contact.evidence[1]


def test_practicum_hours_never_count_toward_licensure() -> None:
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX")
    practicum = spread(3000, start=date(2023, 1, 1), months=30, practicum=True)
    supervision = spread(100, start=date(2023, 1, 1), months=30, kind="group_supervision")
    record = engine.StaffRecord(degrees=[MSW], licences=[lmsw], hours=[*practicum, *supervision])
    hours = req(result("LCSW-TX", record), "hours")
    assert hours.status == engine.NOT_MET
    assert "3,000.0 practicum hours do not count toward licensure" in hours.evidence


def test_hours_before_the_licence_was_issued_do_not_count() -> None:
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX", issued_on=date(2024, 1, 1))
    early = spread(3000, start=date(2022, 1, 1), months=24)
    record = engine.StaffRecord(degrees=[MSW], licences=[lmsw], hours=early)
    assert req(result("LCSW-TX", record), "hours").status == engine.NOT_MET


# --- LCSW Texas, New York, California ------------------------------------------------------


def test_lcsw_tx_3000_plus_100_hours_over_54_months_is_eligible() -> None:
    """The 48-month maximum was deleted in 2023."""
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX")
    logged = spread(3000, start=date(2021, 9, 1), months=54)
    logged += spread(100, start=date(2021, 9, 1), months=54, kind="individual_supervision")
    jurisprudence = engine.ExamFact("STATE-JURISPRUDENCE", date(2026, 1, 3), True, "TX")
    record = engine.StaffRecord(
        degrees=[MSW], licences=[lmsw], hours=logged, exams=[CLINICAL, jurisprudence]
    )
    assert result("LCSW-TX", record).eligible
    rule = current_rule("LCSW-TX")
    assert rule is not None
    assert "max_span_months" not in str(rule.params)


def test_lcsw_tx_supervision_hours_count_toward_the_3000() -> None:
    """22 TAC 781.401(a)(1)(C): the 100 supervision hours are "over the course of the 3000
    hours", so 2,900 client hours plus 100 supervision hours make 3,000."""
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX")
    logged = spread(2900, start=date(2023, 1, 1), months=26)
    logged += spread(100, start=date(2023, 1, 1), months=26, kind="individual_supervision")
    record = engine.StaffRecord(degrees=[MSW], licences=[lmsw], hours=logged)
    assert req(result("LCSW-TX", record), "hours").status == engine.MET
    fewer = spread(2899, start=date(2023, 1, 1), months=26) + logged[26:]
    record = engine.StaffRecord(degrees=[MSW], licences=[lmsw], hours=fewer)
    assert req(result("LCSW-TX", record), "hours").status == engine.NOT_MET


def test_lcsw_ny_needs_36_months_post_msw_as_an_lmsw_or_permit_holder() -> None:
    permit = engine.CredentialFact(kind="LP-SW", jurisdiction="NY", issued_on=date(2020, 6, 1))
    positions = [job(35, supervised=True, case_management=False)]
    res = result(
        "LCSW-NY", engine.StaffRecord(degrees=[MSW], licences=[permit], positions=positions)
    )
    post = req(res, "post-msw")
    assert post.missing == (
        "1 more month of supervised post-MSW experience gained after the MSW while holding "
        "a NY LMSW or LP-SW"
    )
    positions = [job(36, supervised=True, case_management=False)]
    res = result(
        "LCSW-NY", engine.StaffRecord(degrees=[MSW], licences=[permit], positions=positions)
    )
    assert req(res, "post-msw").status == engine.MET


def test_lcsw_ca_3000_hours_in_12_months_is_not_eligible_and_says_why() -> None:
    asw = engine.CredentialFact(kind="ASW", jurisdiction="CA")
    fast = spread(3000, start=date(2025, 3, 1), months=12)
    law = engine.ExamFact("STATE-LAW-ETHICS", date(2025, 6, 1), True, "CA")
    record = engine.StaffRecord(degrees=[MSW], licences=[asw], hours=fast, exams=[CLINICAL, law])
    res = result("LCSW-CA", record)
    assert res.status == engine.NOT_ELIGIBLE
    assert res.missing == [
        "Spread the supervised experience hours over at least 104 weeks (now 48)"
    ]


def test_lcsw_ca_needs_2000_clinical_hours_within_the_3000() -> None:
    asw = engine.CredentialFact(kind="ASW", jurisdiction="CA")
    clinical = spread(1999, start=date(2023, 1, 1), months=30)
    other = spread(1001, start=date(2023, 1, 1), months=30, kind="group_supervision")
    res = result(
        "LCSW-CA", engine.StaffRecord(degrees=[MSW], licences=[asw], hours=clinical + other)
    )
    assert req(res, "hours").status == engine.MET
    assert req(res, "clinical").missing.startswith("1 more clinical hour gained after the MSW")


# --- RN renewal ---------------------------------------------------------------------------


def renewal(code: str, ce: list[engine.CeFact], **extra: Any) -> engine.RenewalResult:
    rule = current_rule(code)
    assert rule is not None
    return engine.renewal_progress(
        ce,
        rule.params["renewal"],
        code=code,
        name=rule.name,
        cycle_start=date(2025, 3, 1),
        deadline=date(2028, 3, 1),
        today=TODAY,
        **extra,
    )


def test_rn_ny_infection_control_runs_on_its_own_four_year_clock() -> None:
    child = engine.CeFact(date(2015, 1, 1), 2, "mandated", "Child abuse identification")
    recent = engine.CeFact(date(2022, 4, 1), 4, "mandated", "Infection control and barrier")
    ok = renewal("RN-NY", [child, recent])
    assert ok.met
    course = next(c for c in ok.courses if c["id"] == "infection-control")
    # Due four years after completion, outside the 3-year registration cycle.
    assert course["due"] == "2026-04-01"
    stale = engine.CeFact(date(2021, 12, 1), 4, "mandated", "Infection Control update")
    late = renewal("RN-NY", [child, stale])
    assert late.missing == [
        "Complete the infection-control course again (it was due on 2025-12-01)"
    ]
    assert renewal("RN-NY", [recent]).missing == [
        "Complete the child-abuse identification and reporting course"
    ]


def test_rn_tx_a_current_national_certification_replaces_the_20_hours() -> None:
    assert renewal("RN-TX", []).missing == ["20 more CE hours before 2028-03-01"]
    ccm = engine.CredentialFact(kind="CCM", expires_on=date(2027, 1, 1))
    res = renewal("RN-TX", [], certifications=[ccm])
    assert res.met
    assert res.notes == [
        "CCM is current: Texas accepts a current national certification instead of the 20 hours"
    ]
    lapsed = engine.CredentialFact(kind="CCM", expires_on=date(2026, 1, 1))
    assert not renewal("RN-TX", [], certifications=[lapsed]).met


# --- citations users read -------------------------------------------------------------------


def test_no_rule_shows_a_working_note_instead_of_its_source() -> None:
    for rule in current_rules().values():
        for text in (rule.citation, str(rule.params)):
            for mark in ("DOMAIN", "§", "[READ", "UNVERIFIED]"):
                assert mark not in text, rule.code

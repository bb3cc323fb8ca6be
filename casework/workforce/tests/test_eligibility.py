"""The eligibility engine at every boundary, over the rule data in force (the YAML files)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from casework.workforce import eligibility as engine
from casework.workforce.rules import current_rule

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)
RN = engine.CredentialFact(kind="RN", jurisdiction="NY")
TX_EXAMS = [
    engine.ExamFact("ASWB-CLINICAL", date(2026, 1, 10), True),
    engine.ExamFact("STATE-JURISPRUDENCE", date(2026, 1, 12), True, "TX"),
]
MSW = engine.DegreeFact("MSW", "master", "human_services", "CSWE", date(2020, 5, 1), True)


def result(code: str, record: engine.StaffRecord, today: date = TODAY) -> engine.CredentialResult:
    rule = current_rule(code)
    assert rule is not None
    return engine.evaluate(record, code=code, name=rule.name, params=rule.params, today=today)


def months_job(months: int, *, end: date = date(2026, 2, 28), **extra: Any) -> engine.PositionFact:
    """A job of exactly ``months`` calendar months ending on ``end`` (inclusive)."""
    start = engine.add_months(end + timedelta(days=1), -months)
    return engine.PositionFact(started_on=start, ended_on=end, setting="hospital", **extra)


def requirement(res: engine.CredentialResult, rid: str) -> engine.RequirementResult:
    return next(r for r in res.requirements if r.id == rid)


def test_ccm_eleven_months_supervised_by_a_ccm_is_one_month_short() -> None:
    record = engine.StaffRecord(
        licences=[RN], positions=[months_job(11, supervisor_credentials=("CCM",))]
    )
    res = result("CCM", record)
    assert res.status == engine.NOT_ELIGIBLE
    assert requirement(res, "employment").status == engine.NOT_MET
    assert res.missing[0].startswith(
        "1 more month of full-time case management experience supervised by a CCM"
    )


def test_ccm_twelve_months_supervised_by_a_ccm_is_eligible() -> None:
    record = engine.StaffRecord(
        licences=[RN], positions=[months_job(12, supervisor_credentials=("CCM",))]
    )
    assert result("CCM", record).status == engine.ELIGIBLE


def test_ccm_five_supervised_months_says_seven_more() -> None:
    record = engine.StaffRecord(
        licences=[RN], positions=[months_job(5, supervisor_credentials=("CCM",))]
    )
    missing = result("CCM", record).missing
    assert missing == [
        "7 more months of full-time case management experience supervised by a CCM; "
        "or 19 more months of full-time case management experience"
    ]


def test_ccm_unsupervised_route_needs_24_months() -> None:
    short = engine.StaffRecord(licences=[RN], positions=[months_job(23)])
    enough = engine.StaffRecord(licences=[RN], positions=[months_job(24)])
    assert result("CCM", short).status == engine.NOT_ELIGIBLE
    assert result("CCM", enough).status == engine.ELIGIBLE


def test_ccm_supervisor_of_case_managers_route() -> None:
    boss = months_job(12, supervises_case_managers=True, case_management=False)
    assert result("CCM", engine.StaffRecord(licences=[RN], positions=[boss])).eligible


def test_ccm_part_time_counts_pro_rata_of_a_35_hour_week() -> None:
    """24 calendar months at 17.5 h/week count as 12 full-time months (rule: prorate, 35 h)."""
    half = months_job(24, full_time=False, hours_per_week=17, supervisor_credentials=("CCM",))
    exact = months_job(24, full_time=False, hours_per_week=18, supervisor_credentials=("CCM",))
    # 17/35 of 24 months = 11.66 (short); 18/35 of 24 = 12.34 (enough).
    assert result("CCM", engine.StaffRecord(licences=[RN], positions=[half])).status == (
        engine.NOT_ELIGIBLE
    )
    assert result("CCM", engine.StaffRecord(licences=[RN], positions=[exact])).eligible


def test_ccm_degree_route_needs_the_field_experience_or_cannot_tell() -> None:
    bsw = engine.DegreeFact("BSW", "bachelor", "human_services", "CSWE", date(2019, 5, 1), True)
    unknown = engine.DegreeFact("PSYCHOLOGY", "bachelor", "human_services", "", date(2019, 5, 1))
    job = [months_job(12, supervisor_credentials=("CCM",))]
    assert result("CCM", engine.StaffRecord(degrees=[bsw], positions=job)).eligible
    res = result("CCM", engine.StaffRecord(degrees=[unknown], positions=job))
    assert res.status == engine.CANNOT_TELL
    assert requirement(res, "education").status == engine.UNKNOWN


def test_ccm_expired_licence_does_not_count() -> None:
    lapsed = engine.CredentialFact(kind="RN", jurisdiction="NY", expires_on=date(2026, 2, 28))
    job = [months_job(12, supervisor_credentials=("CCM",))]
    res = result("CCM", engine.StaffRecord(licences=[lapsed], positions=job))
    assert requirement(res, "education").status == engine.NOT_MET


ACM_WHAT = (
    "supervised, paid case management in a health delivery system (part-time counted toward "
    "2,080 hours) (within the last 5 years)"
)


def test_acm_rn_experience_older_than_five_years_does_not_count() -> None:
    old = months_job(12, end=date(2020, 12, 31), supervised=True)
    # 6 of its months are in the window
    straddling = months_job(12, end=date(2021, 8, 31), supervised=True)
    recent = months_job(12, supervised=True)
    assert result("ACM-RN", engine.StaffRecord(licences=[RN], positions=[old])).missing == [
        f"12 more months of {ACM_WHAT}"
    ]
    res = result("ACM-RN", engine.StaffRecord(licences=[RN], positions=[straddling]))
    assert res.missing == [f"6 more months of {ACM_WHAT}"]
    assert result("ACM-RN", engine.StaffRecord(licences=[RN], positions=[recent])).eligible


def test_acm_rn_counts_only_health_delivery_settings() -> None:
    job = months_job(12)
    nonprofit = engine.PositionFact(
        started_on=job.started_on, ended_on=job.ended_on, setting="non_profit"
    )
    assert not result("ACM-RN", engine.StaffRecord(licences=[RN], positions=[nonprofit])).eligible


def test_acm_sw_needs_a_social_work_degree_or_licence() -> None:
    job = [months_job(12, supervised=True)]
    assert not result("ACM-SW", engine.StaffRecord(licences=[RN], positions=job)).eligible


def test_crc_category_a_accredited_master_with_internship() -> None:
    mrc = engine.DegreeFact("MRC", "master", "human_services", "CACREP", date(2025, 5, 1), True)
    assert result("CRC", engine.StaffRecord(degrees=[mrc])).eligible


def test_crc_category_b2_needs_24_months_with_12_crc_supervised() -> None:
    mrc = engine.DegreeFact("MRC", "master", "human_services", "REGIONAL", date(2020, 5, 1), False)
    supervised = months_job(12, supervisor_credentials=("CRC",))
    earlier = months_job(11, end=date(2025, 2, 28))
    short = result("CRC", engine.StaffRecord(degrees=[mrc], positions=[supervised, earlier]))
    assert short.missing == ["1 more month of acceptable employment"]
    enough = months_job(12, end=date(2025, 2, 28))
    assert result("CRC", engine.StaffRecord(degrees=[mrc], positions=[supervised, enough])).eligible


def hours(
    total: float, *, kind: str = "client_contact", start: date, months: int
) -> list[engine.HoursFact]:
    """``total`` hours spread evenly over ``months`` months from ``start``."""
    per = total / months
    return [engine.HoursFact(engine.add_months(start, i), per, kind) for i in range(months)]


def test_lcsw_tx_3000_hours_boundary_and_supervision() -> None:
    """The 100 supervision hours count toward the 3,000 (all logged kinds count)."""
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX")
    supervision = hours(100, kind="individual_supervision", start=date(2024, 1, 1), months=25)
    short = hours(2899, start=date(2024, 1, 1), months=25)
    enough = hours(2900, start=date(2024, 1, 1), months=25)
    base: dict[str, Any] = {"degrees": [MSW], "licences": [lmsw], "exams": TX_EXAMS}
    res = result("LCSW-TX", engine.StaffRecord(hours=[*short, *supervision], **base))
    assert res.missing == [
        "1 more supervised clinical experience hour gained after the MSW while holding a TX LMSW"
    ]
    assert result("LCSW-TX", engine.StaffRecord(hours=[*enough, *supervision], **base)).eligible
    no_supervision = hours(3000, start=date(2024, 1, 1), months=25)
    res = result("LCSW-TX", engine.StaffRecord(hours=no_supervision, **base))
    assert res.missing == [
        "100 more hours of supervision gained after the MSW while holding a TX LMSW"
    ]


def test_lcsw_tx_experience_must_span_24_months() -> None:
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="TX")
    fast = hours(3100, start=date(2025, 1, 1), months=14)
    res = result("LCSW-TX", engine.StaffRecord(degrees=[MSW], licences=[lmsw], hours=fast))
    assert requirement(res, "hours").status == engine.NOT_MET
    assert "at least 24 months" in requirement(res, "hours").missing


def test_lcsw_tx_licence_must_be_texan() -> None:
    ny = engine.CredentialFact(kind="LMSW", jurisdiction="NY")
    res = result("LCSW-TX", engine.StaffRecord(degrees=[MSW], licences=[ny]))
    assert requirement(res, "lmsw").status == engine.NOT_MET


def test_lcsw_ny_2000_contact_hours_over_three_years() -> None:
    contact = hours(2000, start=date(2023, 1, 1), months=38)
    supervision = hours(100, kind="group_supervision", start=date(2023, 1, 1), months=38)
    lmsw = engine.CredentialFact(kind="LMSW", jurisdiction="NY", issued_on=date(2020, 6, 1))
    job = months_job(38, supervised=True, case_management=False)
    base: dict[str, Any] = {"degrees": [MSW], "licences": [lmsw], "positions": [job]}
    base["exams"] = [engine.ExamFact("ASWB-CLINICAL", date(2026, 2, 1), True)]
    ok = result("LCSW-NY", engine.StaffRecord(hours=[*contact, *supervision], **base))
    assert ok.eligible, ok.missing
    old = hours(2000, start=date(2018, 1, 1), months=38)  # older than the 6-year window
    res = result("LCSW-NY", engine.StaffRecord(hours=[*old, *supervision], **base))
    assert requirement(res, "contact").status == engine.NOT_MET


def test_lcsw_ca_needs_the_law_and_ethics_exam_result() -> None:
    asw = engine.CredentialFact(kind="ASW", jurisdiction="CA")
    supervised = hours(3000, start=date(2023, 1, 1), months=30)
    clinical = engine.ExamFact("ASWB-CLINICAL", date(2026, 1, 5), True)
    base: dict[str, Any] = {"degrees": [MSW], "licences": [asw], "hours": supervised}
    res = result("LCSW-CA", engine.StaffRecord(exams=[clinical], **base))
    assert res.status == engine.NOT_ELIGIBLE
    assert res.missing == ["Pass the California Law and Ethics exam"]
    law = engine.ExamFact("STATE-LAW-ETHICS", date(2025, 6, 1), True, "CA")
    assert result("LCSW-CA", engine.StaffRecord(exams=[clinical, law], **base)).eligible


def ccm_renewal(ce: list[engine.CeFact]) -> engine.RenewalResult:
    rule = current_rule("CCM")
    assert rule is not None
    return engine.renewal_progress(
        ce,
        rule.params["renewal"],
        code="CCM",
        name="CCM",
        cycle_start=date(2022, 3, 1),
        deadline=date(2027, 3, 1),
    )


def test_ccm_renewal_ce_just_short_and_at_the_requirement() -> None:
    ethics = engine.CeFact(date(2025, 1, 1), 8, "ethics")
    short = ccm_renewal([ethics, engine.CeFact(date(2025, 2, 1), 71.5, "case_management")])
    assert short.missing == ["1 more CE hour before 2027-03-01"]
    met = ccm_renewal([ethics, engine.CeFact(date(2025, 2, 1), 72, "case_management")])
    assert met.met
    assert met.earned_hours == 80


def test_ccm_renewal_ethics_minimum_and_cycle_window() -> None:
    res = ccm_renewal(
        [
            engine.CeFact(date(2025, 1, 1), 80, "clinical"),
            engine.CeFact(date(2022, 2, 28), 8, "ethics"),  # before the cycle: does not count
        ]
    )
    assert res.missing == ["8 more ethics CE hours before 2027-03-01"]
    at = ccm_renewal(
        [
            engine.CeFact(date(2025, 1, 1), 72, "clinical"),
            engine.CeFact(date(2022, 3, 1), 8, "ethics"),
        ]
    )
    assert at.met


def test_acm_renewal_needs_30_case_management_hours() -> None:
    rule = current_rule("ACM-RN")
    assert rule is not None
    res = engine.renewal_progress(
        [
            engine.CeFact(date(2025, 1, 1), 29, "case_management"),
            engine.CeFact(date(2025, 1, 2), 11, "clinical"),
        ],
        rule.params["renewal"],
        code="ACM-RN",
        name="ACM-RN",
        cycle_start=date(2023, 3, 1),
        deadline=date(2027, 3, 1),
    )
    assert res.missing == ["1 more case management CE hour before 2027-03-01"]


@pytest.mark.parametrize(
    ("state", "hours_needed"), [("CA", 30), ("TX", 20), ("FL", 24), ("IL", 20), ("PA", 30)]
)
def test_rn_renewal_hours_by_state(state: str, hours_needed: int) -> None:
    rule = current_rule(f"RN-{state}")
    assert rule is not None
    renewal = rule.params["renewal"]
    start, deadline = engine.renewal_cycle(
        renewal, issued_on=date(2020, 1, 1), expires_on=date(2027, 1, 31), today=TODAY
    )
    assert (start, deadline) == (date(2025, 1, 31), date(2027, 1, 31))
    short = engine.renewal_progress(
        [engine.CeFact(date(2026, 1, 1), hours_needed - 1, "mandated")],
        renewal,
        code="x",
        name="x",
        cycle_start=start,
        deadline=deadline,
    )
    assert short.missing[0] == "1 more CE hour before 2027-01-31"
    done = engine.renewal_progress(
        [engine.CeFact(date(2026, 1, 1), hours_needed, "mandated")],
        renewal,
        code="x",
        name="x",
        cycle_start=start,
        deadline=deadline,
    )
    assert done.met


def test_months_between_counts_calendar_months() -> None:
    assert engine.months_between(date(2025, 1, 1), date(2026, 1, 1)) == 12
    assert engine.months_between(date(2025, 1, 31), date(2025, 2, 28)) == 1
    assert engine.months_between(date(2025, 1, 1), date(2025, 1, 16)) == pytest.approx(15 / 31)

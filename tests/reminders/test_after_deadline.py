"""Reminders that go on after 30 June: weekly until a home that missed it publishes (to
its IG lead, senior accountable person and admins, and in the consultant digest), and
before the 12-month republication date (60, 30 and 7 days before, and on the day)."""

import datetime as dt

import pytest

from assessments.models import Approval
from organisations.models import Role
from reminders.collect import republish_milestone
from reminders.models import Kind, Reminder
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reminders.test_sweep import of_kind, sweep

pytestmark = pytest.mark.django_db

IG, SAP, ADMIN = "ig@meadow.example", "sap@meadow.example", "admin@meadow.example"


@pytest.fixture
def home():
    ig = UserFactory(email=IG, full_name="Tom Okafor")
    sap = UserFactory(email=SAP, full_name="Margaret Ellis")
    org = OrganisationFactory(
        name="Meadowbank House", ods_code="VN4K2", ig_lead=ig, senior_accountable_person=sap
    )
    MembershipFactory(organisation=org, user=ig, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=sap, role=Role.ADMIN)
    return org


@pytest.fixture
def assessment(home):
    """The 2025-26 assessment, due 30 June 2026."""
    return assessment_for(home, catalogue_with(simple_items(6)))


@pytest.fixture
def admin(home):
    user = UserFactory(email=ADMIN, full_name="Priya Shah")
    MembershipFactory(organisation=home, user=user, role=Role.ADMIN)
    return user


def _published(home, assessment, on: str):
    return Approval.objects.create(
        organisation=home,
        assessment=assessment,
        revision=1,
        outcome_level="standards_met",
        approved_at=f"{on}T09:00:00Z",
        published_on=dt.date.fromisoformat(on),
        published_outcome="standards_met",
    )


def _missed(day: str) -> list:
    return of_kind(sweep(day), Kind.DEADLINE_MISSED)


def test_missing_30_june_starts_weekly_reminders_on_1_july(home, assessment, admin):
    assert _missed("2026-06-29") == []
    assert _missed("2026-06-30") == []  # the deadline is today: not missed yet
    first = _missed("2026-07-01")
    assert sorted(m.to[0] for m in first) == sorted([IG, SAP, ADMIN])
    assert "30 June 2026 deadline has passed (1 day ago)" in first[0].subject
    assert "We will remind you every week until it is published" in first[0].body
    assert "still in progress" in first[0].body
    assert _missed("2026-07-02") == []
    assert _missed("2026-07-07") == []
    again = _missed("2026-07-08")
    assert len(again) == 3 and "(8 days ago)" in again[0].subject
    assert len(_missed("2026-07-15")) == 3


def test_a_missed_weekly_sweep_is_caught_up_and_not_repeated(home, assessment):
    assert len(_missed("2026-07-01")) == 2
    # No sweep ran on 8 July.
    assert len(_missed("2026-07-09")) == 2
    assert _missed("2026-07-10") == []
    assert _missed("2026-07-14") == []


def test_weekly_reminders_stop_once_published(home, assessment):
    assert len(_missed("2026-07-01")) == 2
    _published(home, assessment, "2026-07-10")
    assert _missed("2026-07-15") == []
    assert not Reminder.objects.filter(kind=Kind.DEADLINE_MISSED, key__contains="week2").exists()


def test_a_home_that_published_this_year_is_not_told_it_missed(home, assessment):
    _published(home, assessment, "2026-05-01")
    assert _missed("2026-07-01") == []


def test_a_home_that_never_used_the_portal_that_year_is_not_told(home):
    assert _missed("2026-07-01") == []


def test_the_consultant_digest_puts_homes_that_missed_30_june_first(home, assessment):
    consultant = UserFactory(email="consultant@advice.example")
    MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
    published = OrganisationFactory(name="Abbey Lodge")
    MembershipFactory(organisation=published, user=consultant, role=Role.CONSULTANT)
    _published(published, assessment_for(published, assessment.catalogue), "2026-06-01")

    (digest,) = of_kind(sweep("2026-07-06"), Kind.CONSULTANT_DIGEST)

    assert "Meadowbank House (VN4K2): missed 30 June 2026, not published yet" in digest.body
    assert digest.body.index("Meadowbank House") < digest.body.index("Abbey Lodge")
    assert "Abbey Lodge" in digest.body and "Abbey Lodge (" in digest.body
    abbey = digest.body.split("Abbey Lodge")[1].splitlines()[0]
    assert "missed" not in abbey


# --- Before the 12-month republication date


def test_republication_reminders_60_30_and_7_days_before_and_on_the_day(home, assessment):
    _published(home, assessment, "2025-08-01")  # republish by 1 August 2026

    def told(day):
        return of_kind(sweep(day), Kind.OUT_OF_DATE)

    assert told("2026-06-01") == []  # 61 days before
    sixty = told("2026-06-02")
    assert len(sixty) == 2
    assert "republish by 1 August 2026 (60 days left)" in sixty[0].subject
    assert told("2026-06-03") == []
    assert told("2026-07-01") == []  # 31 days before
    assert "(30 days left)" in told("2026-07-02")[0].subject
    assert told("2026-07-24") == []
    assert "(7 days left)" in told("2026-07-25")[0].subject
    assert told("2026-07-31") == []
    expired = told("2026-08-01")
    assert len(expired) == 2 and "is out of date" in expired[0].subject
    assert told("2026-08-02") == []


def test_republishing_resets_the_date(home, assessment):
    _published(home, assessment, "2025-08-01")
    assert len(of_kind(sweep("2026-06-02"), Kind.OUT_OF_DATE)) == 2
    new_year = assessment_for(home, catalogue_with(simple_items(3), dspt_year=2027))
    _published(home, new_year, "2026-06-10")  # now republish by 10 June 2027
    assert of_kind(sweep("2026-07-02"), Kind.OUT_OF_DATE) == []


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        ("2024-12-29", None),  # 61 days before 28 February 2025
        ("2024-12-30", "60"),
        ("2025-01-29", "soon"),  # 30 days
        ("2025-02-21", "7"),
        ("2025-02-27", "7"),
        ("2025-02-28", "expired"),
    ],
)
def test_milestones_for_a_29_february_publication(day, stage):
    # Published 29 February 2024: republish by 28 February 2025.
    from dspt_portal.dates import add_years

    expires = add_years(dt.date(2024, 2, 29), 1)
    assert expires == dt.date(2025, 2, 28)
    assert republish_milestone(dt.date.fromisoformat(day), expires) == stage

"""Seen in a browser: the home page and the portfolio in the published state, and the
training register when its head count differs from the organisation's number. axe clean
at tablet and phone widths."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments.models import Approval, AssessmentStatus
from dspt_portal.dates import add_years
from dspt_portal.deadlines import dspt_deadline
from organisations.models import Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.browser.test_dashboards_portfolio import SECRET, _sign_in_with_totp
from tests.evidence.factories import StaffMemberFactory, TrainingRecordFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db(transaction=True)
# Screenshots to look at, outside the repository (SHOTS_DIR), as well as the test artifacts.
SHOTS = Path(os.environ.get("SHOTS_DIR", "")) if os.environ.get("SHOTS_DIR") else None
WIDTHS = ((768, 1024), (375, 812))


def _shoot(page, screenshot, name):
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"{name}-{width}")
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)


@pytest.fixture
def published_home():
    with scopes_disabled():
        home = OrganisationFactory(
            name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2", staff_headcount=12
        )
        admin = UserFactory(email="manager@larkspur.example", full_name="Priya Shah")
        MembershipFactory(organisation=home, user=admin, role=Role.ADMIN)
        consultant = UserFactory(full_name="Daniel Hughes")
        give_totp(consultant, SECRET)
        MembershipFactory(organisation=home, user=consultant, role=Role.CONSULTANT)
        year = dspt_deadline().year
        assessment = assessment_for(home, catalogue_with(simple_items(6), dspt_year=year))
        for r in assessment.responses.all():
            r.answer_text = "Held in the IG folder, section 2, reviewed 3 March 2026."
            r.save()
        assessment.status = AssessmentStatus.PUBLISHED
        assessment.save()
        published_on = timezone.localdate() - dt.timedelta(days=20)
        Approval.objects.create(
            organisation=home, assessment=assessment, revision=1,
            outcome_level="standards_met", approved_at=timezone.now() - dt.timedelta(days=21),
            published_on=published_on, published_outcome="standards_met",
        )  # fmt: skip
        for i in range(10):  # two fewer than the 12 the organisation states
            TrainingRecordFactory(
                staff_member=StaffMemberFactory(organisation=home, name=f"Carer {i:02d}"),
                completed_on=timezone.localdate() - dt.timedelta(days=30),
            )
    return home, admin, consultant, published_on


def test_home_page_and_training_register_read_right(
    browser_page, live_url, login, assert_accessible, screenshot, published_home
):
    home, admin, _consultant, published_on = published_home
    page = browser_page
    login(page, admin)
    page.goto(live_url(f"/o/{home.slug}/"))
    republish = add_years(published_on, 1)
    expect(page.get_by_test_id("published")).to_contain_text(
        f"Published on {published_on:%-d %B %Y} as Standards Met; "
        f"republish by {republish:%-d %B %Y}"
    )
    expect(page.get_by_text("Nothing to answer: the assessment is published")).to_be_visible()
    expect(page.get_by_role("link", name="Answer")).to_have_count(0)
    _shoot(page, screenshot, "home-published")
    assert_accessible(page)

    page.goto(live_url(f"/o/{home.slug}/evidence/training/"))
    expect(page.get_by_test_id("headcount")).to_contain_text(
        "your organisation's details say 12. 2 people are missing"
    )
    _shoot(page, screenshot, "training-headcount")
    assert_accessible(page)


def test_portfolio_shows_the_published_state(
    browser_page, live_url, login, assert_accessible, screenshot, published_home
):
    home, _admin, consultant, published_on = published_home
    page = browser_page
    _sign_in_with_totp(page, login, consultant)
    page.goto(live_url("/portfolio/"))
    expect(page.get_by_test_id("published")).to_contain_text(
        f"Published on {published_on:%-d %B %Y} as Standards Met"
    )
    expect(page.get_by_text("Answers locked")).to_be_visible()
    _shoot(page, screenshot, "portfolio-published")
    assert_accessible(page)

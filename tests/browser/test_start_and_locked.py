"""A new organisation starts its assessment from the home page by pressing the button it
is offered; an approved assessment's item page offers nothing it would refuse."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from assessments.models import Approval, AssessmentStatus, DocumentLink, Level
from dspt_portal.deadlines import dspt_deadline
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with
from tests.evidence.factories import DocumentFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/shots-states")
ITEMS = [
    {"ref": "1.1.1", "summary": "Your ICO registration number", "level": Level.APPROACHING},
    {"ref": "1.1.2", "summary": "Your information asset register", "level": Level.MET},
]


def _shoot(page, name: str) -> None:
    """Tablet and phone widths, kept outside the repository to be looked at."""
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((768, 1024), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width}px ({scroll}px wide)"
    page.set_viewport_size({"width": 1024, "height": 768})


def _editor(org):
    user = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    return user


def test_a_new_organisation_starts_its_assessment_from_the_home_page(
    browser_page, live_url, login, assert_accessible
):
    page = browser_page
    catalogue_with(ITEMS, dspt_year=dspt_deadline().year)
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    login(page, _editor(org))
    page.goto(live_url(f"/o/{org.slug}/"))
    _shoot(page, "home-new-organisation")
    assert_accessible(page)
    page.get_by_role("link", name="Start your").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Start your")
    _shoot(page, "start-page")
    page.get_by_role("button", name="Start your").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("checklist")
    expect(page.get_by_text("assessment is ready")).to_be_visible()


def test_an_approved_items_page_offers_no_change(browser_page, live_url, login, assert_accessible):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    user = _editor(org)
    assessment = assessment_for(org, catalogue_with(ITEMS, dspt_year=2026))
    with scopes_disabled():
        response = answer(assessment.responses.select_related("item").get(item__ref="1.1.1"))
    document = DocumentFactory(organisation=org, title="ICO certificate 2026")
    DocumentFactory(organisation=org, title="Asset register")
    DocumentLink.objects.create(organisation=org, document=document, response=response)
    assessment.status = AssessmentStatus.APPROVED
    assessment.save()
    Approval.objects.create(
        organisation=org,
        assessment=assessment,
        revision=1,
        snapshot={},
        outcome_level="approaching_standards",
        approved_by=user,
        approved_at=timezone.now() - dt.timedelta(days=1),
    )
    login(page, user)
    page.goto(live_url(f"/o/{org.slug}/assessment/item/{response.pk}/"))
    expect(page.get_by_text("This assessment has been approved").first).to_be_visible()
    expect(page.get_by_role("link", name="ICO certificate 2026")).to_be_visible()
    for offer in ("Link a document from your library", "Upload a new document"):
        expect(page.get_by_text(offer)).to_have_count(0)
    expect(page.get_by_role("button", name="Unlink")).to_have_count(0)
    expect(page.get_by_role("button", name="Save answer")).to_have_count(0)
    _shoot(page, "item-locked")
    assert_accessible(page)


def test_at_approaching_standards_the_home_page_offers_sending_it(browser_page, live_url, login):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R2", slug="vl4r2")
    user = _editor(org)
    org.senior_accountable_person = user
    org.save()
    assessment = assessment_for(org, catalogue_with(ITEMS, dspt_year=dspt_deadline().year))
    with scopes_disabled():
        answer(assessment.responses.select_related("item").get(item__ref="1.1.1"))
    login(page, user)
    page.goto(live_url(f"/o/{org.slug}/"))
    _shoot(page, "home-approaching")
    page.get_by_role("link", name="send the assessment for approval at Approaching").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approval and publication")
    _shoot(page, "approval-approaching")

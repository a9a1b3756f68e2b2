"""Reports pages in a real browser: accessible, copy buttons work, progress updates by itself."""

import pytest
from django.urls import reverse
from django_scopes import scope
from playwright.sync_api import expect

from organisations.models import Membership, Role
from reports.models import ReportKind
from reports.services import report_request
from reports.tasks import report_render_task
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(complete_assessment):
    user = UserFactory(full_name="Priya Shah")
    Membership.objects.create(
        organisation=complete_assessment.organisation, user=user, role=Role.ADMIN
    )
    return user


@pytest.fixture
def complete_assessment(db):
    from assessments.catalogue import bundled_catalogue_ensure
    from tests.assessments.factories import assessment_for
    from tests.factories import OrganisationFactory
    from tests.reports.conftest import complete

    organisation = OrganisationFactory(name="Meadowbank House", ods_code="VN4K2", slug="vn4k2")
    assessment = assessment_for(organisation, bundled_catalogue_ensure())
    complete(assessment)
    return assessment


def test_submission_pack_copy_buttons_and_accessibility(
    browser_page, live_url, login, manager, assert_accessible, screenshot
):
    page = browser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    login(page, manager)
    page.goto(live_url(reverse("reports:pack", kwargs={"org": "vn4k2"})))
    expect(page.get_by_role("heading", name="Submission pack: DSPT 2025-26")).to_be_visible()
    button = page.get_by_role("button", name="Copy type for 1.1.1")
    button.click()
    assert page.evaluate("navigator.clipboard.readText()").startswith("Held in the IG folder")
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, "reports-pack-375", full_page=False)


def test_reports_page_updates_when_the_report_is_ready(
    browser_page, live_url, login, manager, complete_assessment, assert_accessible, screenshot
):
    page = browser_page
    with scope(organisation=complete_assessment.organisation):  # as the reports page asks
        report = report_request(
            assessment=complete_assessment, kind=ReportKind.ASSESSMENT_DOCX, by=manager
        )
    login(page, manager)
    page.goto(live_url(reverse("reports:index", kwargs={"org": "vn4k2"})))
    row = page.locator(f"#report-{report.pk}")
    assert "Waiting to start" in row.inner_text()
    assert_accessible(page)
    report_render_task(report.pk)  # what the worker does
    page.get_by_role("link", name=f"Download {report.title}").wait_for(timeout=8000)
    assert "Ready" in page.locator(f"#report-{report.pk}").inner_text()
    screenshot(page, "reports-index-1024")


def test_a_report_that_is_taking_too_long_offers_try_again(
    browser_page, live_url, login, manager, complete_assessment, assert_accessible, screenshot
):
    import datetime as dt

    from django.utils import timezone

    from reports.models import Report

    page = browser_page
    with scope(organisation=complete_assessment.organisation):  # as the reports page asks
        report = report_request(
            assessment=complete_assessment, kind=ReportKind.ASSESSMENT_DOCX, by=manager
        )
        # Its render was lost ten minutes ago (the broker was down when it was asked for).
        Report.objects.filter(pk=report.pk).update(
            queued_at=timezone.now() - dt.timedelta(minutes=10)
        )
    login(page, manager)
    page.goto(live_url(reverse("reports:index", kwargs={"org": "vn4k2"})))
    row = page.locator(f"#report-{report.pk}")
    assert "taking longer than it should" in row.inner_text()
    assert_accessible(page)
    page.set_viewport_size({"width": 768, "height": 1024})
    screenshot(page, "reports-try-again-768")
    row.get_by_role("button", name=f"Try again to make {report.title}").click()
    page.get_by_text("we are making it again").wait_for(timeout=8000)
    assert "Try again" not in page.locator(f"#report-{report.pk}").inner_text()

"""An IG lead logs a breach from the home page's register, sees a bad date refused next to
the field, and the home page then shows the 72-hour clock; each page passes axe at tablet
and phone widths."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scopes_disabled

from organisations.models import Role
from registers.models import Breach
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.registers.factories import BreachFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _both_widths(page, assert_accessible, screenshot, name):
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        screenshot(page, f"{name}-{width}")


def test_ig_lead_logs_a_breach_and_sees_the_clock(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R5", slug="vl4r5")
    user = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    BreachFactory(
        organisation=org,
        title="Medication chart faxed to the wrong pharmacy",
        discovered_at=timezone.now() - dt.timedelta(days=40),
        risk="medium",
        reporting="toolkit",
        reported_at=timezone.now() - dt.timedelta(days=39),
        signed_off_by="Registered Manager",
        signed_off_on=timezone.localdate() - dt.timedelta(days=35),
    )
    login(page, user)

    page.goto(live_url("/o/vl4r5/registers/"))
    assert page.get_by_role("heading", name="Registers", exact=True).is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-index")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Breaches and incidents").first.click()
    assert page.get_by_role("heading", name="Breach and incident log").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-breaches")

    page.get_by_role("link", name="Log a breach or near miss").click()
    page.get_by_label("Short title").fill("Rota emailed to a former employee")
    page.get_by_label("When it was found").fill(
        (timezone.localtime() - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("High", exact=True).check()
    page.get_by_label("Not needed (the risk to them is not high)").check()
    page.get_by_role("button", name="Add to the log").click()
    error = page.locator("#id_people_told_error")
    assert "must be told" in error.inner_text()
    with scopes_disabled():
        assert not Breach.objects.filter(title__startswith="Rota").exists()
    assert page.get_by_label("Short title").input_value() == "Rota emailed to a former employee"
    _both_widths(page, assert_accessible, screenshot, "registers-breach-error")

    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_label("Not yet", exact=True).check()
    page.get_by_role("button", name="Add to the log").click()
    assert page.get_by_text("is in the breach log").is_visible()
    with scopes_disabled():
        assert Breach.objects.filter(title__startswith="Rota").exists()

    page.goto(live_url("/o/vl4r5/"))
    panel = page.locator("#breach-heading")
    assert "decide whether to report" in panel.inner_text()
    rota = page.get_by_role("link", name="Rota emailed to a former employee", exact=True)
    assert rota.is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-home-clock")


def test_subject_access_requests_are_accessible(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.registers.factories import SubjectAccessRequestFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R6", slug="vl4r6")
    user = UserFactory(email="manager@larkspur.example", full_name="Priya Shah")
    MembershipFactory(organisation=org, user=user, role=Role.ADMIN)
    today = timezone.localdate()
    SubjectAccessRequestFactory(
        organisation=org, requester="Former resident's son", received_on=today - dt.timedelta(40)
    )
    SubjectAccessRequestFactory(
        organisation=org,
        requester="Care assistant (staff file)",
        received_on=today - dt.timedelta(60),
        identity_checked_on=today - dt.timedelta(59),
        completed_on=today - dt.timedelta(45),
    )
    login(page, user)
    page.goto(live_url("/o/vl4r6/registers/subject-access/"))
    assert page.get_by_role("heading", name="Subject access requests").is_visible()
    assert page.get_by_text("Overdue since").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-sars")

    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Record a request").click()
    page.get_by_label("Who asked").fill("Mr Jones (resident)")
    page.get_by_label("Received on").fill(today.isoformat())
    page.get_by_label("Answered on").fill(today.isoformat())
    page.get_by_role("button", name="Record the request").click()
    assert "Record when you checked" in page.locator("#id_identity_checked_on_error").inner_text()
    _both_widths(page, assert_accessible, screenshot, "registers-sar-error")


def test_it_register_warns_about_unsupported_software(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.registers.factories import ITAssetFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R7", slug="vl4r7")
    user = UserFactory(email="viewer@larkspur.example", full_name="Grace Lewis")
    MembershipFactory(organisation=org, user=user, role=Role.VIEWER)
    old = ITAssetFactory(
        organisation=org,
        name="Reception PC (Windows 10)",
        supplier="Microsoft",
        supported_until=dt.date(2025, 10, 14),
        mfa="yes",
        encrypted="yes",
    )
    ITAssetFactory(organisation=org, name="Care planning app", kind="software", mfa="no")
    login(page, user)
    page.goto(live_url("/o/vl4r7/registers/it/"))
    assert page.get_by_role("heading", name="IT systems and devices").is_visible()
    assert page.get_by_text("Record the risk (8.2.1)").is_visible()
    assert page.get_by_role("link", name="Add a system or device").count() == 0  # a viewer
    _both_widths(page, assert_accessible, screenshot, "registers-assets")
    page.goto(live_url(f"/o/vl4r7/registers/it/{old.pk}/"))
    assert page.get_by_text("Its maker stopped supporting it").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-asset-viewer")


def test_the_item_page_shows_the_breach_logs_figure(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.evidence.factories import make_response

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R8", slug="vl4r8")
    user = UserFactory(email="editor@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    response = make_response(org, "6.1.2")
    BreachFactory(
        organisation=org,
        title="Rota emailed to a former employee",
        discovered_at=timezone.now() - dt.timedelta(days=20),
        reporting="not_reportable",
        reporting_notes="Incident tool: not reportable",
    )
    login(page, user)
    page.goto(live_url("/o/vl4r8/registers/breaches/"))
    page.get_by_role("link", name="6.1.2").click()
    assert page.get_by_role("heading", name="From your breach log").is_visible()
    assert page.get_by_text("1 not signed off by management").is_visible()
    assert page.url.endswith(f"/item/{response.pk}/")
    _both_widths(page, assert_accessible, screenshot, "registers-item-figure")


def test_suppliers_page_flags_a_missing_admin_agreement(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.registers.factories import SupplierFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R9", slug="vl4r9")
    user = UserFactory(email="admin@larkspur.example", full_name="Priya Shah")
    MembershipFactory(organisation=org, user=user, role=Role.ADMIN)
    SupplierFactory(organisation=org, name="Remote Fix Ltd", admin_access=True)
    SupplierFactory(organisation=org, name="Payroll Bureau", service="Payroll", contract_terms="no")
    login(page, user)
    page.goto(live_url("/o/vl4r9/registers/suppliers/"))
    assert page.get_by_text("No agreement signed (4.3.1)").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-suppliers")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Remote Fix Ltd").click()
    page.get_by_label("Higher-standard agreement signed on").fill("2099-01-01")
    page.get_by_role("button", name="Save changes").click()
    assert "in the future" in page.locator("#id_admin_agreement_signed_on_error").inner_text()
    _both_widths(page, assert_accessible, screenshot, "registers-supplier-error")


def test_information_asset_register_is_accessible(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.registers.factories import InformationAssetFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4S1", slug="vl4s1")
    user = UserFactory(email="ig@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    InformationAssetFactory(
        organisation=org,
        name="Care plans",
        shared_with="GP by NHSmail",
        reviewed_on=timezone.localdate() - dt.timedelta(days=400),
    )
    login(page, user)
    page.goto(live_url("/o/vl4s1/registers/information/"))
    assert page.get_by_text("Item 1.1.2 needs a review in the last 12 months").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-information")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Add an information asset").click()
    page.get_by_role("button", name="Add to the register").click()
    assert "This field is required" in page.locator("#id_name_error").inner_text()
    _both_widths(page, assert_accessible, screenshot, "registers-information-error")


def test_continuity_tests_page_is_accessible(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.registers.factories import ContinuityTestFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4S2", slug="vl4s2")
    user = UserFactory(email="rm@larkspur.example", full_name="Priya Shah")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    ContinuityTestFactory(organisation=org, scenario="power", lessons="Torches in every unit")
    login(page, user)
    page.goto(live_url("/o/vl4s2/registers/continuity/"))
    assert page.get_by_text("No cyber scenario tested in the last 12 months").is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-continuity")
    page.goto(live_url("/o/vl4s2/registers/"))
    _both_widths(page, assert_accessible, screenshot, "registers-index-all")


def test_a_signed_agreement_is_filed_from_the_suppliers_list(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.evidence.factories import DocumentFactory
    from tests.registers.factories import SupplierFactory

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4S3", slug="vl4s3")
    user = UserFactory(email="rm3@larkspur.example", full_name="Priya Shah")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    document = DocumentFactory(organisation=org, title="Remote Fix admin agreement", kind="other")
    DocumentFactory(organisation=org, title="Old agreement", archived_at=timezone.now())
    SupplierFactory(
        organisation=org,
        name="Remote Fix Ltd",
        admin_access=True,
        admin_agreement_signed_on=timezone.localdate() - dt.timedelta(days=10),
    )
    login(page, user)
    page.goto(live_url("/o/vl4s3/registers/suppliers/"))
    ask = page.get_by_role("link", name="Add the signed agreement for Remote Fix Ltd")
    assert ask.is_visible()
    _both_widths(page, assert_accessible, screenshot, "registers-suppliers-agreement-missing")

    page.set_viewport_size({"width": 1024, "height": 768})
    ask.click()
    choice = page.get_by_label("The signed agreement in your evidence library")
    options = choice.locator("option").all_inner_texts()
    assert options == ["Not in the library yet", "Remote Fix admin agreement"]  # not archived
    choice.select_option(label="Remote Fix admin agreement")
    _both_widths(page, assert_accessible, screenshot, "registers-supplier-agreement-form")
    page.get_by_role("button", name="Save changes").click()
    assert page.get_by_text("Remote Fix Ltd is saved.").is_visible()
    assert page.get_by_text("Add the signed agreement").count() == 0
    _both_widths(page, assert_accessible, screenshot, "registers-suppliers-agreement-linked")

    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("link", name="Remote Fix admin agreement").click()
    assert page.url == live_url(reverse("evidence:document", args=[org.slug, document.pk]))
    assert page.get_by_role("heading", name="Remote Fix admin agreement").is_visible()

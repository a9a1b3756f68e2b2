"""An IG lead adds a policy with its file, sees a bad file refused next to the field, and
checks the training register – each page accessible (axe) at tablet and phone widths."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from evidence.models import DocumentVersion
from organisations.models import Role
from tests.evidence.factories import PDF_BYTES, StaffMemberFactory, TrainingRecordFactory
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_ig_lead_uploads_a_policy_and_a_bad_file_is_refused(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R3", slug="vl4r3")
    user = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    MembershipFactory(organisation=org, user=user, role=Role.EDITOR)
    login(page, user)

    page.goto(live_url("/o/vl4r3/evidence/"))
    expect(page.get_by_role("heading", name="Evidence library")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add your first document").click()
    page.get_by_label("Title").fill("Data protection policy")
    page.get_by_label("Last reviewed on").fill("2025-04-01")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": "dp-policy.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}],
    )
    page.get_by_role("button", name="Add to library").click()
    expect(page.get_by_role("heading", name="Data protection policy")).to_be_visible()
    expect(page.get_by_text("due for review on 1 April 2028")).to_be_visible()
    assert_accessible(page)

    page.set_input_files(
        "input[type=file]",
        files=[
            {"name": "policy.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 300}
        ],
    )
    page.get_by_role("button", name="Upload a new version").click()
    error = page.locator("#id_file_error")
    assert "Windows program" in error.inner_text()
    assert page.get_by_label("New version").get_attribute("aria-invalid") == "true"
    with scopes_disabled():
        assert DocumentVersion.objects.count() == 1
    assert_accessible(page)
    screenshot(page, "evidence-upload-error")
    page.set_viewport_size({"width": 375, "height": 800})
    assert_accessible(page)


def test_training_register_is_accessible_on_a_phone(
    browser_page, live_url, login, assert_accessible, screenshot
):
    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R4", slug="vl4r4")
    user = UserFactory(email="manager@larkspur.example", full_name="Priya Shah")
    MembershipFactory(organisation=org, user=user, role=Role.ADMIN)
    TrainingRecordFactory(staff_member=StaffMemberFactory(organisation=org, name="Ann Smith"))
    StaffMemberFactory(organisation=org, name="Bob Jones", is_agency=True)
    login(page, user)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_url("/o/vl4r4/evidence/training/?on=2026-06-30"))
    expect(page.get_by_text("50.0%")).to_be_visible()
    expect(page.get_by_text("Below the 95% target")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "evidence-training-375")


def test_an_editor_archives_a_document_and_an_admin_restores_it(
    browser_page, live_url, login, assert_accessible, screenshot
):
    from tests.evidence.factories import DocumentFactory, add_version

    page = browser_page
    org = OrganisationFactory(name="Larkspur Care Home", ods_code="VL4R3", slug="vl4r3")
    editor = UserFactory(email="iglead@larkspur.example", full_name="Tom Okafor")
    admin = UserFactory(email="manager@larkspur.example", full_name="Ama Boateng")
    MembershipFactory(organisation=org, user=editor, role=Role.EDITOR)
    MembershipFactory(organisation=org, user=admin, role=Role.ADMIN)
    document = DocumentFactory(organisation=org, title="Old visitors policy")
    add_version(document)

    login(page, editor)
    page.goto(live_url(f"/o/vl4r3/evidence/{document.pk}/"))
    page.get_by_role("link", name="Archive this document").click()
    assert page.get_by_text("can restore it, with every version, until").is_visible()
    assert_accessible(page)
    screenshot(page, "evidence-archive-confirm")
    page.get_by_role("button", name="Archive the document").click()
    assert page.get_by_text("“Old visitors policy” is archived.").is_visible()
    assert page.get_by_role("link", name="Old visitors policy").count() == 0

    page.context.clear_cookies()
    login(page, admin)
    page.goto(live_url("/o/vl4r3/evidence/"))
    page.get_by_role("link", name="See archived documents").click()
    for width, height in ((768, 1024), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        screenshot(page, f"evidence-archived-{width}")
    page.get_by_role("button", name="Restore Old visitors policy").click()
    assert page.get_by_text("is back in your library").is_visible()
    assert page.get_by_role("heading", name="Old visitors policy").is_visible()

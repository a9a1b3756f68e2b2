"""The public status badge (opt-in, only after a publication) and the portfolio PDF."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from assessments.models import PublishedOutcome
from organisations.models import Membership, Role
from reports import services
from reports.models import StatusBadge
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(approved_assessment):
    approval = approved_assessment.approvals.get()
    approval.published_on = dt.date(2026, 3, 20)
    approval.published_outcome = PublishedOutcome.MET
    approval.save()
    return approval


def badge_change(*, organisation, **kwargs):
    """The service, in the organisation's scope as the reports page calls it."""
    with scope(organisation=organisation):
        return services.badge_change(organisation=organisation, **kwargs)


def _status_url(badge) -> str:
    return reverse("reports_public:status", kwargs={"token": badge.token})


def test_badge_cannot_be_turned_on_before_a_publication(complete_assessment, sap):
    with pytest.raises(ValidationError, match="Record your publication"):
        badge_change(organisation=complete_assessment.organisation, action="enable", by=sap)


def test_badge_is_off_until_turned_on(published, sap, client):
    with scopes_disabled():
        badge, _ = StatusBadge.objects.get_or_create(organisation=published.organisation)
    assert client.get(_status_url(badge)).status_code == 404


@time_machine.travel(dt.datetime(2026, 6, 1, 12, 0), tick=False)
def test_public_page_and_badge_show_only_the_allowed_facts(published, sap, client):
    organisation = published.organisation
    organisation.address = "14 Meadowbank Road"
    organisation.save()
    badge = badge_change(organisation=organisation, action="enable", by=sap)
    page = client.get(_status_url(badge)).content.decode()
    for fact in ["Meadowbank House", "VN4K2", "Standards Met", "2025-26", "20 March 2026"]:
        assert fact in page
    assert "Current" in page and "Out of date</span>" not in page
    for private in ["14 Meadowbank Road", sap.email, "Margaret Ellis", "Priya Shah"]:
        assert private not in page
    svg = client.get(reverse("reports_public:badge_svg", kwargs={"token": badge.token}))
    assert svg["Content-Type"] == "image/svg+xml"
    body = svg.content.decode()
    assert "Meadowbank House (VN4K2)" in body and "DSPT 2025-26: Standards Met" in body
    assert "Published 20 March 2026" in body and sap.email not in body


def test_badge_turns_out_of_date_12_months_after_publication(published, sap, client):
    badge = badge_change(organisation=published.organisation, action="enable", by=sap)
    with time_machine.travel(dt.datetime(2027, 3, 19, 12, 0), tick=False):
        assert "Out of date</span>" not in client.get(_status_url(badge)).content.decode()
    with time_machine.travel(dt.datetime(2027, 3, 20, 12, 0), tick=False):
        assert "Out of date</span>" in client.get(_status_url(badge)).content.decode()
        svg = client.get(reverse("reports_public:badge_svg", kwargs={"token": badge.token}))
        assert "Out of date" in svg.content.decode()


def test_revoking_gives_a_new_link_and_the_old_one_stops(published, sap, client):
    badge = badge_change(organisation=published.organisation, action="enable", by=sap)
    old_url = _status_url(badge)
    badge = badge_change(organisation=published.organisation, action="revoke", by=sap)
    assert client.get(old_url).status_code == 404
    assert client.get(_status_url(badge)).status_code == 200


def test_turning_it_off_hides_it(published, sap, client):
    badge = badge_change(organisation=published.organisation, action="enable", by=sap)
    badge_change(organisation=published.organisation, action="disable", by=sap)
    assert client.get(_status_url(badge)).status_code == 404


def test_editors_cannot_change_the_badge(published, client_as):
    client = client_as(Role.EDITOR)
    response = client.post(reverse("reports:badge", kwargs={"org": "vn4k2"}), {"action": "enable"})
    assert response.status_code == 403
    with scopes_disabled():
        assert not StatusBadge.objects.filter(enabled=True).exists()


def test_admin_turns_the_badge_on_from_the_reports_page(published, client_as):
    client = client_as(Role.ADMIN)
    client.post(reverse("reports:badge", kwargs={"org": "vn4k2"}), {"action": "enable"})
    page = client.get(reverse("reports:index", kwargs={"org": "vn4k2"})).content.decode()
    with scopes_disabled():
        badge = StatusBadge.objects.get()
    assert badge.enabled and badge.token in page


# ---------------------------------------------------------------- portfolio


def test_portfolio_lists_only_the_consultants_homes(complete_assessment, client):
    consultant = MembershipFactory(
        organisation=complete_assessment.organisation, role="consultant"
    ).user
    give_totp(consultant)
    second = OrganisationFactory(name="Oakfield Lodge", ods_code="VR8T1", slug="vr8t1")
    Membership.objects.create(organisation=second, user=consultant, role=Role.CONSULTANT)
    viewer_only = OrganisationFactory(name="Hidden Grange", ods_code="VH1D3", slug="vh1d3")
    Membership.objects.create(organisation=viewer_only, user=consultant, role=Role.VIEWER)
    OrganisationFactory(name="Stranger House", ods_code="VS7R4", slug="vs7r4")
    client.force_login(consultant)
    response = client.get(reverse("reports_public:portfolio_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "Meadowbank House" in text and "Oakfield Lodge" in text
    assert "Hidden Grange" not in text and "Stranger House" not in text
    assert "Standards Met" in text and "No assessment started yet" in text


def test_portfolio_needs_sign_in(client):
    response = client.get(reverse("reports_public:portfolio_pdf"))
    assert response.status_code == 302


def test_someone_without_a_portfolio_gets_404(client_as, organisation):
    client = client_as("admin")  # admin of a single home: no portfolio
    assert client.get(reverse("reports_public:portfolio_pdf")).status_code == 404


def test_the_status_page_says_whose_record_it_is_and_where_to_check(published, sap, client):
    badge = badge_change(organisation=published.organisation, action="enable", by=sap)
    page = client.get(_status_url(badge)).text
    assert "This is the organisation's own record" in page
    assert 'href="https://www.dsptoolkit.nhs.uk/OrganisationSearch"' in page
    assert "search for ODS code <strong>VN4K2</strong>" in page


def test_the_public_status_page_may_be_cached_but_is_not_a_tenant_page(published, sap, client):
    badge = badge_change(organisation=published.organisation, action="enable", by=sap)
    assert "no-store" not in client.get(_status_url(badge)).get("Cache-Control", "")


def test_portfolio_pdf_has_the_pages_homes_order_columns_and_counts(client):
    """Homes furthest behind first (the page's default sort), with the page's columns and
    its summary counts; the page's filters carry over to the PDF link."""
    import re

    from tests.assessments.factories import answer, assessment_for, catalogue_with, simple_items

    consultant = UserFactory()
    give_totp(consultant)
    catalogue = catalogue_with(simple_items(4, levels=("approaching_standards",)))
    for name, ods, answered in (
        ("Alder House", "VA1A1", 4),
        ("Birch Court", "VB2B2", 0),
        ("Cedar Lodge", "VC3C3", 2),
    ):
        org = OrganisationFactory(name=name, ods_code=ods, slug=ods.lower())
        Membership.objects.create(organisation=org, user=consultant, role=Role.CONSULTANT)
        assessment = assessment_for(org, catalogue)
        with scopes_disabled():
            responses = list(assessment.responses.select_related("item"))[:answered]
        for r in responses:
            answer(r)
    client.force_login(consultant)
    page = client.get(reverse("organisations:portfolio")).content.decode()
    page_order = list(dict.fromkeys(re.findall(r"Alder House|Birch Court|Cedar Lodge", page)))
    assert page_order == ["Birch Court", "Cedar Lodge", "Alder House"]
    response = client.get(reverse("reports_public:portfolio_pdf"))
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split()
    )
    first = text.split("Birch Court (VB2B2)")[0]  # the summary table, before the home pages
    positions = [first.index(name) for name in page_order]
    assert positions == sorted(positions)
    for column in (
        "Projected outcome", "Mandatory items done", "Items to next level", "Actions overdue",
        "Documents overdue", "Last activity", "Days to deadline",
    ):  # fmt: skip
        assert column in first, column
    behind = re.search(r"<strong>(\d+)</strong> <a href=\"\?behind=1\">", page).group(1)
    assert f"{behind} behind schedule" in first
    assert "homes in all" in first and "with overdue reviews or actions" in first
    # The page's filters and sort carry over: only the homes shown.
    filtered = client.get(reverse("reports_public:portfolio_pdf") + "?q=cedar")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(filtered.content)).pages)
    assert "Cedar Lodge" in text and "Alder House" not in text and "1 of 3 homes" in text
    page = client.get(reverse("organisations:portfolio") + "?q=cedar").content.decode()
    assert f'href="{reverse("reports_public:portfolio_pdf")}?q=cedar"' in page

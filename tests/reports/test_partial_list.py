"""Every output that shows an outcome says when it is projected on a partial checklist, and
links to how to load the official list (the bundled v8 list is partial: 51 of about 80)."""

import datetime as dt
import html
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from pypdf import PdfReader

from assessments.models import PublishedOutcome
from assessments.services import assessment_approve, assessment_submit
from dashboards.portfolio import ig_lead_reminders_request
from dashboards.portfolio_report import portfolio_data
from organisations.models import Membership, Role
from reminders.collect import deadline_countdown
from reports import render
from reports.content import assessment_report_data
from reports.render import assessment_report_pdf, portfolio_pdf
from reports.services import badge_change
from tests.assessments.factories import SIGNED, assessment_for, catalogue_with, simple_items
from tests.factories import UserFactory, give_totp
from tests.mail import deliver_emails

pytestmark = pytest.mark.django_db

WORDING = "projected on 51 of about 80 questions; 5 mandatory items not yet in the portal's list"
HELP = reverse("assessments_help:checklist")


def _pdf_text(pdf: bytes) -> str:
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def _page(client, user, name, **kwargs) -> str:
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _assert_on_page(page: str) -> None:
    assert WORDING in page
    assert f'{HELP}">' in page  # a link to the help page (relative or absolute)


def test_home_page_says_the_checklist_is_partial(complete_assessment, sap, client):
    _assert_on_page(_page(client, sap, "organisations:home", org="vn4k2"))


def test_checklist_says_the_checklist_is_partial(complete_assessment, sap, client):
    _assert_on_page(_page(client, sap, "assessments:index", org="vn4k2"))


def test_item_sidebar_says_the_checklist_is_partial(complete_assessment, sap, client):
    with scopes_disabled():
        response = complete_assessment.responses.get(item__ref="1.1.1")
    _assert_on_page(_page(client, sap, "assessments:item", org="vn4k2", pk=response.pk))


def test_submission_pack_says_the_checklist_is_partial(complete_assessment, sap, client):
    _assert_on_page(_page(client, sap, "reports:pack", org="vn4k2"))


def test_assessment_pdf_says_the_checklist_is_partial(complete_assessment):
    with scopes_disabled():
        text = _pdf_text(assessment_report_pdf(assessment_report_data(complete_assessment)))
    assert WORDING in text and "How to load the official list" in text


def test_assessment_word_file_says_the_checklist_is_partial(complete_assessment):
    from docx import Document

    with scopes_disabled():
        docx = render.assessment_report_docx(assessment_report_data(complete_assessment))
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert WORDING in text and HELP in text


@pytest.fixture
def consultant(complete_assessment):
    user = UserFactory(full_name="Daniel Hughes")
    give_totp(user)
    Membership.objects.create(
        organisation=complete_assessment.organisation, user=user, role=Role.CONSULTANT
    )
    return user


def test_portfolio_page_says_the_checklist_is_partial(consultant, client):
    _assert_on_page(_page(client, consultant, "organisations:portfolio"))


def test_portfolio_pdf_says_the_checklist_is_partial(consultant):
    with scopes_disabled():
        text = _pdf_text(portfolio_pdf(portfolio_data(consultant)))
    assert WORDING in text and "How to load the official list" in text


def test_submitted_and_approved_emails_say_the_checklist_is_partial(
    complete_assessment, sap, django_capture_on_commit_callbacks
):
    with scopes_disabled(), django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=complete_assessment, by=sap)
        assessment_approve(assessment=complete_assessment, by=sap, **SIGNED)
        sent = deliver_emails()
    submitted, approved = [m for m in sent if "DSPT" in m.subject][:2]
    for email in (submitted, approved):
        assert WORDING in email.body and HELP in email.body
        assert WORDING in html.unescape(email.alternatives[0][0])


def test_consultant_reminder_email_says_the_checklist_is_partial(consultant, complete_assessment):
    organisation = complete_assessment.organisation
    organisation.ig_lead = UserFactory(email="iglead@home.example")
    organisation.save()
    with scopes_disabled():
        ig_lead_reminders_request(user=consultant, organisation_ids=[organisation.pk])
    [email] = [m for m in deliver_emails() if m.to == ["iglead@home.example"]]
    assert WORDING in email.body and HELP in email.body


def test_deadline_reminder_says_the_checklist_is_partial(complete_assessment):
    day = complete_assessment.deadline - dt.timedelta(days=7)
    with scopes_disabled():
        dues = deadline_countdown(day, [complete_assessment.organisation_id])
    assert dues and all(WORDING in d.detail and HELP in d.detail for d in dues)


def test_status_badge_says_when_it_shows_the_portals_partial_projection(
    approved_assessment, sap, client
):
    with scopes_disabled():
        approval = approved_assessment.approvals.get()
        approval.published_on = dt.date.today()
        approval.save()
        badge = badge_change(organisation=approved_assessment.organisation, action="enable", by=sap)
    page = client.get(reverse("reports_public:status", kwargs={"token": badge.token}))
    _assert_on_page(html.unescape(page.content.decode()))
    svg = client.get(reverse("reports_public:badge_svg", kwargs={"token": badge.token}))
    assert f"Portal projection, {WORDING}" in html.unescape(svg.content.decode())
    # Once the toolkit's own outcome is recorded, that is what the badge shows.
    with scopes_disabled():
        approval.published_outcome = PublishedOutcome.MET
        approval.save()
    page = client.get(reverse("reports_public:status", kwargs={"token": badge.token}))
    assert WORDING not in html.unescape(page.content.decode())


def test_a_complete_list_carries_no_partial_wording(organisation, sap, client):
    with scopes_disabled():
        assessment_for(organisation, catalogue_with(simple_items(6)))
    page = _page(client, sap, "organisations:home", org=organisation.slug)
    assert "partial checklist" not in page


def test_the_help_page_opens_for_anyone_and_lists_the_inferred_items(complete_assessment, client):
    page = client.get(HELP).content.decode()
    assert "51 of about 80 questions" in page and "40 of the 45 mandatory items" in page
    assert "1.4.2" in page and "8.4.3" in page

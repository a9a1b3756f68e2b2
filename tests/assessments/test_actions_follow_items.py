"""Improvement actions follow their items: once every item an action covers counts toward
the outcome, the action says so, can be closed in one click (logged), and is no longer
overdue on the plan, the home page, the portfolio (and its PDF) or the assessment PDF."""

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from assessments.models import ActionStatus, ImprovementAction, ImprovementActionItem, Level
from dashboards.portfolio import portfolio_rows
from organisations.models import ActivityLog, Organisation, Role
from reports.content import assessment_report_data
from reports.render import assessment_report_pdf
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today():
    # The clock ticks: the outcome summaries notice a change by its save time, as in real use.
    with time_machine.travel("2026-03-10 09:00 +0000", tick=True):
        yield


ITEMS = [
    {"ref": "1.1.9", "summary": "Data security lead named", "level": Level.APPROACHING},
    {"ref": "7.3.4", "summary": "Backups test-restored", "level": Level.MET, "valid_months": 12},
]


@pytest.fixture
def plan(organisation):
    """Two overdue actions: one for 1.1.9, one for 7.3.4 (both unanswered so far)."""
    assessment = assessment_for(organisation, catalogue_with(ITEMS))
    actions = {}
    for ref in ("1.1.9", "7.3.4"):
        action = ImprovementAction.objects.create(
            organisation=organisation,
            assessment=assessment,
            title=f"Sort out {ref}",
            target_date=dt.date(2026, 2, 1),
        )
        ImprovementActionItem.objects.create(
            organisation=organisation,
            action=action,
            response=assessment.responses.get(item__ref=ref),
        )
        actions[ref] = action
    return assessment, actions


@scopes_disabled()
def _meet_1_1_9(assessment):
    answer(assessment.responses.get(item__ref="1.1.9"), answer_text="Registered Manager")


def _plan_page(client, organisation):
    return client.get(reverse("assessments:plan", args=[organisation.slug])).content.decode()


def test_the_plan_says_an_action_is_met_and_offers_to_close_it(plan, client_as, organisation):
    assessment, actions = plan
    editor = client_as(Role.EDITOR)
    assert "Items now met" not in _plan_page(editor, organisation)
    assert "2 overdue" in _plan_page(editor, organisation)
    _meet_1_1_9(assessment)
    page = _plan_page(editor, organisation)
    assert page.count("Item now met") == 1 and "1 overdue" in page
    close = reverse("assessments:action_close", args=[organisation.slug, actions["1.1.9"].pk])
    assert f'action="{close}"' in page
    # A viewer sees that it is met but gets no button.
    viewer_page = _plan_page(client_as(Role.VIEWER), organisation)
    assert "Item now met" in viewer_page and f'action="{close}"' not in viewer_page


def test_closing_a_met_action_takes_one_click_and_is_logged(plan, client_as, organisation):
    assessment, actions = plan
    _meet_1_1_9(assessment)
    action = actions["1.1.9"]
    response = client_as(Role.EDITOR).post(
        reverse("assessments:action_close", args=[organisation.slug, action.pk]), follow=True
    )
    assert "closed: its items are met" in response.content.decode()
    with scopes_disabled():
        action.refresh_from_db()
        log = ActivityLog.objects.get(action="improvement_action.closed_met")
    assert action.status == ActionStatus.DONE and action.completed_on == dt.date(2026, 3, 10)
    assert action.completion_note == "Closed because 1.1.9 now met."
    assert log.changes["status"] == ["to_do", "done"] and log.changes["items"] == ["1.1.9"]


def test_an_action_whose_item_does_not_count_cannot_be_closed_that_way(
    plan, client_as, organisation
):
    assessment, actions = plan
    # Answered, but the backup test is older than 12 months: the outcome does not count it.
    with scopes_disabled():
        answer(
            assessment.responses.get(item__ref="7.3.4"),
            answer_text="Nightly cloud backup, test restore 3 January 2025.",
        )
    page = _plan_page(client_as(Role.EDITOR), organisation)
    assert "now met" not in page and "2 overdue" in page
    action = actions["7.3.4"]
    response = client_as(Role.EDITOR).post(
        reverse("assessments:action_close", args=[organisation.slug, action.pk]), follow=True
    )
    assert "not all met yet" in response.content.decode()
    with scopes_disabled():
        action.refresh_from_db()
        assert action.status == ActionStatus.TO_DO
        assert not ActivityLog.objects.filter(action="improvement_action.closed_met").exists()


def test_the_home_page_no_longer_lists_a_met_action_as_overdue(plan, client_as, organisation):
    assessment, _ = plan
    home = reverse("organisations:home", args=[organisation.slug])
    page = client_as(Role.VIEWER).get(home).content.decode()
    assert "Sort out 1.1.9" in page and "Sort out 7.3.4" in page
    _meet_1_1_9(assessment)
    page = client_as(Role.VIEWER).get(home).content.decode()
    assert "Sort out 1.1.9" not in page and "Sort out 7.3.4" in page
    assert "1 action has its items met now" in page


def test_the_portfolio_counts_only_actions_not_met_yet(plan, organisation):
    assessment, _ = plan
    homes = Organisation.objects.filter(pk=organisation.pk)
    [row] = portfolio_rows(None, organisations=homes)
    assert row.actions_overdue == 2
    _meet_1_1_9(assessment)
    [row] = portfolio_rows(None, organisations=homes)
    assert row.actions_overdue == 1  # the portfolio PDF prints this same row


def test_the_assessment_pdf_says_met_instead_of_overdue(plan):
    with scope(organisation=plan[0].organisation):
        assessment, _ = plan
        _meet_1_1_9(assessment)
        data = assessment_report_data(assessment)
        status = {row["ref"]: row["status"] for row in data["plan"]}
        assert status == {"1.1.9": "To do, item now met", "7.3.4": "To do, overdue"}
        pdf = assessment_report_pdf(data)
        text = " ".join(
            " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split()
        )
        assert "To do, item now met" in text and "To do, overdue" in text


def test_the_portfolio_pdf_counts_only_actions_not_met_yet(plan, organisation):
    from dashboards.portfolio_report import portfolio_data
    from organisations.models import Membership
    from tests.factories import UserFactory

    assessment, _ = plan
    consultant = UserFactory()
    Membership.objects.create(organisation=organisation, user=consultant, role=Role.CONSULTANT)
    [home] = portfolio_data(consultant)["homes"]
    assert home["overdue_actions"] == 2
    _meet_1_1_9(assessment)
    [home] = portfolio_data(consultant)["homes"]
    assert home["overdue_actions"] == 1

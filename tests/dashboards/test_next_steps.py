"""The home page's way into an assessment works: starting one is a POST, never a link to a
POST-only address, and no link the page shows is refused. Wherever sending for approval is
allowed, the pages link to it, saying at which outcome it would go."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Assessment, ImprovementAction, Level
from organisations.models import Role
from tests.assessments.factories import answer, assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

ITEMS = [
    {"ref": "1.1.1", "summary": "ICO registration"},
    {"ref": "1.1.2", "summary": "Asset register", "level": Level.MET},
]


def _home(client, organisation):
    return client.get(reverse("organisations:home", args=[organisation.slug]))


def _links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'<a [^>]*href="(/[^"]*)"', html)]


def test_a_new_organisations_start_button_leads_to_a_page_that_starts_it(
    client_as, organisation, today
):
    catalogue_with(ITEMS, dspt_year=2026)
    editor = client_as(Role.EDITOR)
    home = _home(editor, organisation).text
    start = re.search(r'<a class="button" href="([^"]+)">Start your 2025-26 assessment', home)
    assert start, home
    page = editor.get(start.group(1))
    assert page.status_code == 200
    assert "Start your 2025-26 assessment" in page.text
    form = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert form and 'name="csrfmiddlewaretoken"' in page.text
    done = editor.post(form.group(1), {"previously_published": "on"}, follow=True)
    assert done.status_code == 200
    assert "Your 2025-26 assessment is ready." in done.text
    with scopes_disabled():
        assessment = Assessment.objects.get(organisation=organisation)
    assert assessment.previously_published


@pytest.mark.parametrize("role", [Role.VIEWER, Role.EDITOR, Role.ADMIN])
def test_every_link_on_a_new_organisations_home_page_opens(client_as, organisation, today, role):
    catalogue_with(ITEMS, dspt_year=2026)
    client = client_as(role)
    for url in _links(_home(client, organisation).text):
        if url.startswith(("/static/", "/accounts/logout")):
            continue
        assert client.get(url, follow=True).status_code == 200, url


def test_last_years_home_page_starts_the_new_year_with_a_button(client_as, organisation, today):
    old = catalogue_with(ITEMS, dspt_year=2025)
    assessment_for(organisation, old, dspt_year=2025, deadline=dt.date(2025, 6, 30))
    catalogue_with(ITEMS, dspt_year=2026)
    editor = client_as(Role.EDITOR)
    home = _home(editor, organisation).text
    start = reverse("assessments:start", args=[organisation.slug])
    assert f'<form method="post" action="{start}">' in home
    assert f'href="{start}"' not in home
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1)
    done = editor.post(start, {"csrfmiddlewaretoken": token}, follow=True)
    assert "Your 2025-26 assessment is ready." in done.text
    with scopes_disabled():
        assert Assessment.objects.filter(organisation=organisation, dspt_year=2026).exists()


@pytest.fixture
def approaching(organisation, member, today):
    """At Approaching Standards (the Standards Met item unanswered) with a plan for it."""
    sap = member(Role.VIEWER, full_name="Margaret Ellis")
    organisation.senior_accountable_person = sap
    organisation.save()
    assessment = assessment_for(organisation, catalogue_with(ITEMS, dspt_year=2026))
    rs = {r.item.ref: r for r in assessment.responses.select_related("item")}
    answer(rs["1.1.1"])
    action = ImprovementAction.objects.create(
        organisation=organisation, assessment=assessment, title="Write the asset register"
    )
    action.items.create(organisation=organisation, response=rs["1.1.2"])
    return assessment


def test_at_approaching_standards_the_pages_link_to_sending_it(
    client_as, organisation, approaching
):
    editor = client_as(Role.EDITOR)
    approval = reverse("assessments:approval", args=[organisation.slug])
    home = _home(editor, organisation).text
    assert "Answer 1.1.2 next" in home  # the way to Standards Met is still the first step
    assert (
        f'<a href="{approval}">send the assessment for approval at Approaching Standards</a>'
        in home
    )
    assert "with an improvement plan for the 1 item not met yet" in home
    checklist = editor.get(reverse("assessments:index", args=[organisation.slug])).text
    assert f'<a href="{approval}">send it for approval at Approaching Standards</a>' in checklist
    page = editor.get(approval)
    assert "It is ready to send." in page.text
    assert "Send for approval" in page.text


def test_nothing_offers_sending_before_approaching_standards(client_as, organisation, today):
    assessment_for(organisation, catalogue_with(ITEMS, dspt_year=2026))
    editor = client_as(Role.EDITOR)
    assert "send the assessment for approval" not in _home(editor, organisation).text
    checklist = editor.get(reverse("assessments:index", args=[organisation.slug])).text
    assert "send it for approval" not in checklist


def test_at_standards_met_without_cyber_essentials_plus_sending_is_still_offered(
    client_as, organisation, approaching
):
    with scopes_disabled():
        answer(approaching.responses.select_related("item").get(item__ref="1.1.2"))
    home = _home(client_as(Role.EDITOR), organisation).text
    assert "For Standards Exceeded, record your current Cyber Essentials Plus" in home
    approval = reverse("assessments:approval", args=[organisation.slug])
    assert f'<a href="{approval}">send the assessment for approval at Standards Met</a>' in home

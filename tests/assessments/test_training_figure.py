"""Evidence item 3.2.1 shows the training register's live figure and can take it as the answer."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import AnswerType, Level
from organisations.models import ActivityLog, Role
from tests.assessments.factories import assessment_for, catalogue_with
from tests.evidence.factories import StaffMemberFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db

ITEM = [
    {
        "ref": "3.2.1",
        "summary": "At least 95% of staff trained",
        "level": Level.MET,
        "answer_type": AnswerType.CONFIRMATION,
        "app_hint": "percentage",
    }
]


@pytest.fixture
def response(organisation):
    assessment = assessment_for(organisation, catalogue_with(ITEM, dspt_year=2027), dspt_year=2027)
    for i in range(10):
        person = StaffMemberFactory(organisation=organisation, name=f"Carer {i}")
        if i < 9:  # nine of ten trained within the year
            TrainingRecordFactory(staff_member=person, completed_on=dt.date(2026, 10, 1))
    return assessment.responses.select_related("item").get()


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_the_item_shows_the_live_figure_and_who_is_missing(client_as, organisation, response):
    client = client_as(Role.EDITOR)
    client.force_login(client.user)
    page = client.get(reverse("assessments:item", args=[organisation.slug, response.pk])).text
    assert "<strong>90.0%</strong> of the 10 people in scope" in page
    assert "below the 95% the toolkit needs" in page
    assert "Not trained: Carer 9." in page
    assert "Use 90.0% as the answer" in page


@time_machine.travel("2026-11-27 09:00 +0000", tick=False)
def test_using_the_figure_saves_it_as_the_answer_with_an_audit_entry(
    client_as, organisation, response
):
    client = client_as(Role.EDITOR)
    client.force_login(client.user)
    client.post(reverse("assessments:use_training", args=[organisation.slug, response.pk]))
    with scopes_disabled():
        response.refresh_from_db()
        entry = ActivityLog.objects.get(action="response.updated")
    assert response.answer_number == Decimal("90.00")
    assert entry.actor == client.user
    page = client.get(reverse("assessments:item", args=[organisation.slug, response.pk])).text
    assert "Use 90.0% as the answer" not in page  # already the answer

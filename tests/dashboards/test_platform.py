"""The platform view: staff only; organisations by outcome, reminders, recent sign-ups."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import ActivityLog, Role
from tests.assessments.factories import answer, assessment_for, catalogue_with, simple_items
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, give_totp

pytestmark = pytest.mark.django_db
URL = "/platform/"


def test_url_name():
    assert reverse("organisations:platform") == URL


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CONSULTANT])
def test_non_staff_get_404_whatever_their_role(client, role):
    user = UserFactory()
    give_totp(user)
    MembershipFactory(user=user, role=role)
    client.force_login(user)

    assert client.get(URL).status_code == 404


def test_staff_see_counts_by_outcome_reminders_and_sign_ups(client, today):
    staff = UserFactory(is_staff=True, full_name="Platform Person")
    give_totp(staff)
    met = assessment_for(OrganisationFactory(), catalogue_with(simple_items(2)))
    assessment_for(OrganisationFactory(), catalogue_with(simple_items(2)))
    OrganisationFactory(name="Brand New Care")
    UserFactory(full_name="Newest Signup")
    with scopes_disabled():
        for response in met.responses.all():
            answer(response)
        ActivityLog.objects.create(action="reminder.sent", organisation=met.organisation)
        ActivityLog.objects.create(action="reminder.failed", organisation=met.organisation)
    client.force_login(staff)

    page = client.get(URL)

    assert page.status_code == 200
    counts = {key: count for key, _label, count, _tag in page.context["by_outcome"]}
    assert counts == {
        "not_started": 1,
        "not_yet": 1,
        "approaching_standards": 0,
        "standards_met": 1,
        "standards_exceeded": 0,
    }
    assert "Newest Signup" in page.text and "Brand New Care" in page.text
    assert "Reminders sent from portfolios" in page.text
    assert "1 failed" in page.text

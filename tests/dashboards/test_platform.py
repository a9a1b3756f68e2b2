"""The platform view: staff only; organisations by outcome, reminders, recent sign-ups."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from organisations.models import Role
from outbox.models import Email, EmailStatus
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
    Email.objects.create(name="portfolio_reminder", to=["a@x.example"], status=EmailStatus.SENT)
    Email.objects.create(name="portfolio_reminder", to=["b@x.example"], status=EmailStatus.FAILED)
    Email.objects.create(name="invitation", to=["c@x.example"], status=EmailStatus.FAILED)
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


def test_the_overview_counts_organisations_a_chunk_at_a_time(
    client, today, monkeypatch, django_assert_max_num_queries
):
    """At national scale the overview must not load every home's answers at once (at 30,000
    homes that was 6.4 GB and a killed worker): outcomes are counted a chunk at a time, in a
    fixed number of queries per chunk."""
    from assessments import summaries
    from dashboards import read_models

    staff = UserFactory(is_staff=True)
    give_totp(staff)
    catalogue = catalogue_with(simple_items(2))
    for i in range(5):
        done = assessment_for(OrganisationFactory(), catalogue)
        if i % 2:
            with scopes_disabled():
                for response in done.responses.all():
                    answer(response)
    monkeypatch.setattr(read_models, "OUTCOME_COUNT_CHUNK", 2)
    sizes = []
    real = summaries.summaries_for

    def spy(organisations, **kwargs):
        sizes.append(len(organisations))
        return real(organisations, **kwargs)

    monkeypatch.setattr(read_models, "summaries_for", spy)
    client.force_login(staff)
    with django_assert_max_num_queries(60):  # the first look of the day computes them all
        page = client.get(URL)
    assert sizes == [2, 2, 1]
    with django_assert_max_num_queries(40):  # then stored summaries: 8 queries a chunk
        client.get(URL)
    counts = {key: count for key, _label, count, _tag in page.context["by_outcome"]}
    assert counts["standards_met"] == 2 and counts["not_yet"] == 3

"""Every change to an answer is kept (who, when, before, after); the item page shows it
and can restore an earlier answer, as an audited change."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments.models import Response
from organisations.models import ActivityLog, Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(organisation):
    assessment = assessment_for(organisation, catalogue_with(simple_items(2)))
    with scopes_disabled():
        return assessment.responses.select_related("item", "assessment").get(item__ref="1.1.1")


def _url(name, r, **kw):
    return reverse(f"assessments:{name}", kwargs={"org": r.organisation.slug, "pk": r.pk, **kw})


def _save(client, r, version, narrative, **extra):
    p = f"r{r.pk}-"
    data = {
        "source": "item",
        p + "status": "in_progress",
        p + "narrative": narrative,
        p + "version": str(version),
        **{p + k: v for k, v in extra.items()},
    }
    return client.post(_url("item", r), data, HTTP_HX_REQUEST="true")


def test_each_save_is_kept_with_who_when_before_and_after(client_as, response):
    client = client_as(Role.EDITOR)
    client.user.full_name = "Priya Shah"
    client.user.save()
    _save(client, response, 1, "We pay the ICO fee every April.")
    html = _save(client, response, 2, "We pay the ICO fee by direct debit.").content.decode()
    # The inline save also refreshes the history panel.
    assert 'id="history" aria-labelledby="history-title" hx-swap-oob="true"' in html
    page = client.get(_url("item", response)).content.decode()
    history = page[page.index('id="history"') :]
    assert history.count("Priya Shah") == 2
    assert "We pay the ICO fee every April." in history  # the before of the latest change
    assert "We pay the ICO fee by direct debit." in history
    with scopes_disabled():
        records = Response.history.filter(id=response.pk).order_by("history_id")
        assert [r.narrative for r in records] == [
            "",
            "We pay the ICO fee every April.",
            "We pay the ICO fee by direct debit.",
        ]
        assert {r.organisation_id for r in records} == {response.organisation_id}
        assert records.last().history_user == client.user


def test_an_earlier_answer_can_be_restored_and_the_restore_is_audited(client_as, response):
    client = client_as(Role.EDITOR)
    _save(client, response, 1, "The good narrative", answer_text="ICO ZA123")
    _save(client, response, 2, "Overwritten by mistake", answer_text="")
    with scopes_disabled():
        good = Response.history.filter(id=response.pk, narrative="The good narrative").get()
    page = client.get(_url("item", response)).content.decode()
    restore_url = _url("restore", response, record=good.history_id)
    assert f'action="{restore_url}"' in page
    after = client.post(restore_url, {"version": "3"}, follow=True)
    assert "The earlier answer is back" in after.content.decode()
    with scopes_disabled():
        stored = Response.objects.get(pk=response.pk)
        assert (stored.narrative, stored.answer_text, stored.version) == (
            "The good narrative",
            "ICO ZA123",
            4,
        )
        log = ActivityLog.objects.get(action="response.restored")
        assert log.actor == client.user and log.organisation_id == response.organisation_id
        assert log.changes["narrative"] == ["Overwritten by mistake", "The good narrative"]
        assert Response.history.filter(id=response.pk).count() == 4  # start, 2 saves, restore


def test_a_restore_from_an_out_of_date_page_is_refused(client_as, response):
    client = client_as(Role.EDITOR)
    _save(client, response, 1, "First")
    _save(client, response, 2, "Second")
    with scopes_disabled():
        first = Response.history.filter(id=response.pk, narrative="First").get()
    page = client.post(_url("restore", response, record=first.history_id), {"version": "2"})
    assert page.status_code == 302
    with scopes_disabled():
        assert Response.objects.get(pk=response.pk).narrative == "Second"


def test_another_organisations_history_record_cannot_be_restored(
    client_as, response, other_organisation
):
    theirs = assessment_for(other_organisation, catalogue_with(simple_items(1)))
    with scopes_disabled():
        other = theirs.responses.get()
        other.narrative = "Their secret narrative"
        other.save()
        record = Response.history.filter(id=other.pk).latest()
    client = client_as(Role.EDITOR)
    client.post(_url("restore", response, record=record.history_id), {"version": "1"})
    with scopes_disabled():
        assert Response.objects.get(pk=response.pk).narrative == ""
    page = client.get(_url("item", response)).content.decode()
    assert "Their secret narrative" not in page


def test_viewers_see_the_history_but_no_restore_button(client_as, response):
    _save(client_as(Role.EDITOR), response, 1, "Written by an editor")
    page = client_as(Role.VIEWER).get(_url("item", response)).content.decode()
    assert "Written by an editor" in page
    assert "Restore the answer" not in page

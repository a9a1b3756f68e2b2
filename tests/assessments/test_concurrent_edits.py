"""Two people editing the same answer: a save made from an out-of-date page is refused,
both versions are shown, and nothing already saved is lost."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from assessments import services
from assessments.models import Response
from organisations.models import ActivityLog, Role
from tests.assessments.factories import assessment_for, catalogue_with, simple_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(organisation):
    assessment = assessment_for(organisation, catalogue_with(simple_items(3)))
    with scopes_disabled():
        return assessment.responses.select_related("item", "assessment").get(item__ref="1.1.1")


def _item_url(r):
    return reverse("assessments:item", kwargs={"org": r.organisation.slug, "pk": r.pk})


def _form(r, *, version, narrative, source="item"):
    p = f"r{r.pk}-"
    return {
        "source": source,
        p + "status": "in_progress",
        p + "answer_text": "ICO ZA123456",
        p + "narrative": narrative,
        p + "version": str(version),
    }


def test_pages_carry_the_version_the_form_was_made_from(client_as, response):
    page = client_as(Role.EDITOR).get(_item_url(response)).content.decode()
    assert f'name="r{response.pk}-version" value="1"' in page


def test_a_stale_save_is_refused_and_shows_both_versions(client_as, response):
    anna, ben = client_as(Role.EDITOR), client_as(Role.EDITOR)
    ben.user.full_name = "Ben Carter"
    ben.user.save()
    # Both open the item at version 1; Ben saves first.
    first = ben.post(
        _item_url(response),
        _form(response, version=1, narrative="Ben's narrative about the ICO fee"),
        HTTP_HX_REQUEST="true",
    )
    assert "Saved." in first.content.decode()
    second = anna.post(
        _item_url(response),
        _form(response, version=1, narrative="Anna's narrative about the register"),
        HTTP_HX_REQUEST="true",
    )
    html = second.content.decode()
    assert second.status_code == 200  # HTMX swaps it in next to the field
    assert "Not saved: Ben Carter saved this answer after you opened it" in html
    assert "Ben&#x27;s narrative about the ICO fee" in html  # theirs, shown
    assert "Anna&#x27;s narrative about the register" in html  # hers, kept in the form
    assert f'name="r{response.pk}-version" value="2"' in html  # the merge saves from v2
    with scopes_disabled():
        stored = Response.objects.get(pk=response.pk)
        assert stored.narrative == "Ben's narrative about the ICO fee"
        assert stored.version == 2
        assert ActivityLog.objects.filter(action="response.updated").count() == 1
    # Anna merges and saves again from the version she was shown.
    merged = anna.post(
        _item_url(response),
        _form(response, version=2, narrative="Ben's and Anna's narratives, merged"),
        HTTP_HX_REQUEST="true",
    )
    assert "Saved." in merged.content.decode()
    with scopes_disabled():
        stored.refresh_from_db()
    assert stored.narrative == "Ben's and Anna's narratives, merged" and stored.version == 3


def test_a_stale_save_without_javascript_answers_409_with_both_versions(client_as, response):
    client = client_as(Role.EDITOR)
    client.post(_item_url(response), _form(response, version=1, narrative="First"))
    page = client.post(_item_url(response), _form(response, version=1, narrative="Second"))
    assert page.status_code == 409
    html = page.content.decode()
    assert "saved this answer after you opened it" in html and "First" in html
    assert "Second" in html


def test_a_stale_save_from_the_checklist_row_says_so_in_the_row(client_as, response):
    client = client_as(Role.EDITOR)
    client.post(_item_url(response), _form(response, version=1, narrative="From the item page"))
    row = client.post(
        _item_url(response),
        _form(response, version=1, narrative="From the checklist", source="checklist"),
        HTTP_HX_REQUEST="true",
    )
    html = row.content.decode()
    assert f'id="row-{response.pk}"' in html
    assert "saved this answer after you opened it" in html
    assert "From the item page" in html and "From the checklist" in html
    assert "Saved." not in html


def test_the_service_refuses_an_old_version_and_writes_nothing(response, member):
    editor = member(Role.EDITOR)
    with scopes_disabled():
        services.response_update(
            response=response, data={"narrative": "one"}, by=editor, expected_version=1
        )
        stale = Response.objects.select_related("item", "assessment").get(pk=response.pk)
        stale.version = 1  # as loaded by a page opened before the first save
        with pytest.raises(services.AnswerChanged) as refused:
            services.response_update(
                response=stale, data={"narrative": "two"}, by=editor, expected_version=1
            )
        assert refused.value.current.narrative == "one"
        assert Response.objects.get(pk=response.pk).narrative == "one"


def test_fields_only_the_other_person_changed_are_taken_into_the_form(client_as, response):
    ben, anna = client_as(Role.EDITOR), client_as(Role.EDITOR)
    p = f"r{response.pk}-"
    # Ben adds the ICO number; Anna, from the same blank page, writes only the narrative.
    ben.post(
        _item_url(response),
        {
            "source": "item",
            p + "status": "in_progress",
            p + "answer_text": "ZA999",
            p + "version": "1",
        },
    )
    page = anna.post(
        _item_url(response),
        {
            "source": "item",
            p + "status": "in_progress",
            p + "answer_text": "",
            p + "narrative": "Anna's narrative",
            p + "version": "1",
        },
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Their changes are now in the form with yours" in page
    assert "ZA999" in page and "Anna&#x27;s narrative" in page
    # Saving the merged form keeps both people's work.
    anna.post(
        _item_url(response),
        {
            "source": "item",
            p + "status": "in_progress",
            p + "answer_text": "ZA999",
            p + "narrative": "Anna's narrative",
            p + "version": "2",
        },
    )
    with scopes_disabled():
        stored = Response.objects.get(pk=response.pk)
    assert (stored.answer_text, stored.narrative) == ("ZA999", "Anna's narrative")

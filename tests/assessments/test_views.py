"""The checklist, item, warnings and start pages as a user sees them."""

import pytest
import time_machine
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from assessments.catalogue import bundled_catalogue_ensure
from assessments.models import AnswerType, Assessment, Level, Response
from assessments.services import assessment_start
from organisations.models import ActivityLog, Role
from tests.assessments.factories import answer, assessment_for, catalogue_with, simple_items

pytestmark = pytest.mark.django_db


def url(name, org, **kw):
    return reverse(f"assessments:{name}", kwargs={"org": org.slug, **kw})


@pytest.fixture
def assessment(organisation):
    return assessment_for(organisation, catalogue_with(simple_items(10)))


def test_start_page_offers_the_current_year_when_there_is_no_assessment(client_as, organisation):
    bundled_catalogue_ensure()
    client = client_as(Role.EDITOR)
    with time_machine.travel("2026-03-01 09:00 +0000", tick=False):
        client.force_login(client.user)
        page = client.get(url("index", organisation))
    assert page.status_code == 200
    assert "Start your 2025-26 assessment" in page.content.decode()
    with time_machine.travel("2026-11-27 09:00 +0000", tick=False):
        client.force_login(client.user)
        page = client.get(url("index", organisation)).content.decode()
    assert "Start your 2026-27 assessment" in page and "newest checklist loaded" in page


def test_starting_creates_a_response_per_item_and_records_it(client_as, organisation):
    bundled_catalogue_ensure()
    client = client_as(Role.EDITOR)
    page = client.post(url("start", organisation), follow=True)
    with scopes_disabled():
        assessment = Assessment.objects.get(organisation=organisation)
        assert assessment.responses.count() == 51
    assert f"Your {assessment.year_label} assessment is ready" in page.content.decode()
    with scopes_disabled():
        assert ActivityLog.objects.filter(
            action="assessment.started", organisation=organisation
        ).exists()


def test_checklist_groups_items_by_standard_and_marks_mandatory_ones(client_as, assessment):
    page = client_as(Role.VIEWER).get(url("index", assessment.organisation)).content.decode()
    assert "1. Standard 1" in page
    assert "Mandatory" in page and "Optional" in page
    assert "Approaching Standards needs 4 more items" in page


def test_viewers_see_no_answer_forms(client_as, assessment):
    page = client_as(Role.VIEWER).get(url("index", assessment.organisation)).content.decode()
    assert "Answer 1.1.1" not in page and "Save 1.1.1" not in page
    editor_page = client_as(Role.EDITOR).get(url("index", assessment.organisation)).content.decode()
    assert "Answer 1.1.1" in editor_page
    r = _first(assessment)
    form_url = url("item_form", assessment.organisation, pk=r.pk)
    viewer = client_as(Role.VIEWER).get(form_url, HTTP_HX_REQUEST="true")
    assert viewer.status_code == 403


def test_the_checklist_rows_load_their_answer_form_only_when_opened(client_as, assessment):
    """Each row is compact: an "Answer" button fetches the form into the row; without
    JavaScript the row links to the item's page, which has the same form."""
    r = _first(assessment)
    client = client_as(Role.EDITOR)
    page = client.get(url("index", assessment.organisation)).content.decode()
    assert "Save 1.1.1" not in page and "<textarea" not in page
    form_url = url("item_form", assessment.organisation, pk=r.pk)
    assert f'hx-get="{form_url}"' in page and 'aria-expanded="false"' in page
    assert f'href="{url("item", assessment.organisation, pk=r.pk)}#answer-title"' in page
    fragment = client.get(form_url, HTTP_HX_REQUEST="true").content.decode()
    assert "Save 1.1.1" in fragment and 'name="source" value="checklist"' in fragment
    assert "<html" not in fragment
    nojs = client.get(form_url)
    assert nojs.status_code == 302
    assert nojs["Location"] == url("item", assessment.organisation, pk=r.pk)


def test_a_locked_checklist_has_rows_without_forms(client_as, assessment):
    assessment.status = "approved"
    assessment.save()
    client = client_as(Role.EDITOR)
    page = client.get(url("index", assessment.organisation)).content.decode()
    assert "Answer 1.1.1" not in page and 'class="row' in page
    r = _first(assessment)
    form_url = url("item_form", assessment.organisation, pk=r.pk)
    fragment = client.get(form_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 409
    assert "Save 1.1.1" not in fragment.content.decode()


@scopes_disabled()
def _first(assessment, ref="1.1.1") -> Response:
    return assessment.responses.get(item__ref=ref)


def _post_data(response, **fields):
    data = {"source": "checklist", f"r{response.pk}-status": "in_progress"}
    data.update({f"r{response.pk}-{k}": v for k, v in fields.items()})
    return data


def test_saving_from_the_checklist_with_htmx_returns_the_row_and_the_new_outcome(
    client_as, assessment
):
    r = _first(assessment)
    client = client_as(Role.EDITOR)
    page = client.post(
        url("item", assessment.organisation, pk=r.pk),
        _post_data(r, answer_text="ICO registration ZA123456, renewed 1 April 2026"),
        HTTP_HX_REQUEST="true",
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="row-{r.pk}"' in html
    assert 'id="assessment-progress" aria-labelledby="outcome-title" hx-swap-oob="true"' in html
    assert "Approaching Standards needs 3 more items" in html
    assert "Saved." in html
    with scopes_disabled():
        r.refresh_from_db()
        assert r.answer_text.startswith("ICO registration")
        assert r.updated_by == client.user
        log = ActivityLog.objects.get(action="response.updated")
    assert log.changes["answer_text"][1].startswith("ICO registration")


def test_saving_without_javascript_redirects_back_to_the_row(client_as, assessment):
    r = _first(assessment)
    data = _post_data(r, answer_text="Yes, section 2")
    data["next"] = url("index", assessment.organisation) + f"#row-{r.pk}"
    page = client_as(Role.EDITOR).post(url("item", assessment.organisation, pk=r.pk), data)
    assert page.status_code == 302
    assert page["Location"].endswith(f"#row-{r.pk}")


def test_an_invalid_answer_keeps_what_was_typed_and_saves_nothing(client_as, organisation):
    catalogue = catalogue_with([{"ref": "5.1.1", "na_allowed": True, "level": Level.MET}])
    assessment = assessment_for(organisation, catalogue)
    r = _first(assessment, "5.1.1")
    client = client_as(Role.EDITOR)
    data = _post_data(
        r, not_applicable="on", na_reason="", narrative="My careful words about breaches"
    )
    page = client.post(url("item", organisation, pk=r.pk), data, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert "Say why this does not apply" in html
    assert "My careful words about breaches" in html
    r.refresh_from_db()
    assert not r.not_applicable and r.narrative == ""
    nojs = client.post(url("item", organisation, pk=r.pk), {**data, "source": "item"})
    assert nojs.status_code == 400
    assert "My careful words about breaches" in nojs.content.decode()


def test_a_percentage_over_100_is_refused_next_to_the_field(client_as, organisation):
    catalogue = catalogue_with(
        [{"ref": "3.2.1", "answer_type": AnswerType.CONFIRMATION, "app_hint": "percentage"}]
    )
    r = _first(assessment_for(organisation, catalogue), "3.2.1")
    page = client_as(Role.EDITOR).post(
        url("item", organisation, pk=r.pk),
        _post_data(r, answer_confirmed="yes", answer_number="120"),
        HTTP_HX_REQUEST="true",
    )
    assert "A percentage is between 0 and 100." in page.content.decode()


def test_filters_and_my_items(client_as, assessment):
    client = client_as(Role.EDITOR)
    mine = _first(assessment, "2.1.1")
    mine.owner = client.user
    mine.save()
    page = client.get(url("index", assessment.organisation), {"owner": "me"}).content.decode()
    assert f'id="row-{mine.pk}"' in page
    assert f'id="row-{_first(assessment).pk}"' not in page
    optional = client.get(
        url("index", assessment.organisation), {"level": "non_mandatory"}
    ).content.decode()
    assert f'id="row-{_first(assessment, "3.1.1").pk}"' in optional
    assert f'id="row-{_first(assessment).pk}"' not in optional
    unanswered = _first(assessment)
    answer(unanswered)
    page = client.get(
        url("index", assessment.organisation), {"status": "unanswered"}
    ).content.decode()
    assert f'id="row-{unanswered.pk}"' not in page


def test_has_warnings_filter_shows_only_flagged_items(client_as, assessment):
    flagged = _first(assessment)
    answer(flagged, answer_text="Policy attached")
    page = (
        client_as(Role.VIEWER)
        .get(url("index", assessment.organisation), {"warnings": "1"})
        .content.decode()
    )
    assert f'id="row-{flagged.pk}"' in page
    assert page.count('<li class="row') == 1


def test_item_page_shows_guidance_warnings_and_the_documents_fragment(client_as, assessment):
    r = _first(assessment)
    answer(r, answer_text="See policy")
    page = (
        client_as(Role.VIEWER).get(url("item", assessment.organisation, pk=r.pk)).content.decode()
    )
    assert "What good evidence looks like" in page
    # 1.1.1 is answered in words: the warning names what its guidance asks for.
    assert r.item.ref == "1.1.1"
    assert "The answer does not say the registration number" in page
    assert "Documents behind this answer" in page


def test_warnings_page_lists_each_warning_with_its_fix(client_as, assessment):
    answer(_first(assessment), answer_text="policy attached")
    page = client_as(Role.VIEWER).get(url("warnings", assessment.organisation)).content.decode()
    assert "How to fix it:" in page
    assert "1.1.1" in page


def test_comments_are_added_and_recorded(client_as, assessment):
    r = _first(assessment)
    client = client_as(Role.EDITOR)
    client.post(
        url("comment", assessment.organisation, pk=r.pk), {"text": "Who has the ICO certificate?"}
    )
    with scopes_disabled():
        assert r.comments.get().author == client.user
    page = client.get(url("item", assessment.organisation, pk=r.pk)).content.decode()
    assert "Who has the ICO certificate?" in page
    with scopes_disabled():
        assert ActivityLog.objects.filter(action="comment.added").exists()


def test_a_locked_assessment_refuses_edits_with_a_clear_message(client_as, assessment):
    assessment.status = "approved"
    assessment.save()
    r = _first(assessment)
    page = client_as(Role.EDITOR).post(
        url("item", assessment.organisation, pk=r.pk),
        _post_data(r, answer_text="Changed"),
        HTTP_HX_REQUEST="true",
    )
    assert "has been approved, so answers cannot be changed" in page.content.decode()
    r.refresh_from_db()
    assert r.answer_text == ""


def test_another_organisations_item_is_not_found(client_as, assessment, other_organisation):
    with scopes_disabled():
        theirs = assessment_for(other_organisation)
        r = theirs.responses.first()
    page = client_as(Role.EDITOR).get(url("item", assessment.organisation, pk=r.pk))
    assert page.status_code == 404


@pytest.mark.parametrize("n_items", [10, 49])
def test_checklist_runs_a_constant_number_of_queries(
    client_as, organisation, n_items, django_assert_max_num_queries
):
    with scopes_disabled():
        catalogue = catalogue_with(simple_items(n_items, levels=(Level.APPROACHING, Level.MET)))
        assessment = assessment_for(organisation, catalogue)
        from assessments.models import DocumentLink
        from evidence.models import Document

        doc = Document.objects.create(organisation=organisation, title="DP policy")
        for r in assessment.responses.all():
            answer(
                r,
                answer_text="Policy attached",
                narrative="The same copied narrative across lots of items here.",
            )
            DocumentLink.objects.create(organisation=organisation, document=doc, response=r)
    client = client_as(Role.EDITOR)
    # 21 (the answers' document links come with their documents), plus the five registers'
    # figures (7.1.1 is an item).
    with django_assert_max_num_queries(26):
        page = client.get(url("index", organisation))
    assert page.content.decode().count('<li class="row') == n_items
    with scopes_disabled():
        r = assessment.responses.order_by("item__sort_key").first()
    # 29 (one the outcome inputs stamp; the answers' links come with their documents), plus
    # the same five registers' figures for the outcome panel.
    with django_assert_max_num_queries(34):
        saved = client.post(
            url("item", organisation, pk=r.pk),
            _post_data(r, answer_text="Policy attached, section 4"),
            HTTP_HX_REQUEST="true",
        )
    assert "Saved." in saved.content.decode()
    # 20, plus the five registers' figures the row's warnings read.
    with django_assert_max_num_queries(25):
        opened = client.get(url("item_form", organisation, pk=r.pk), HTTP_HX_REQUEST="true")
    assert f"Save {r.item.ref}" in opened.content.decode()


def test_starting_with_bundled_catalogue_then_the_checklist_renders(client_as, organisation):
    version = bundled_catalogue_ensure()
    client = client_as(Role.EDITOR)
    with scope(organisation=organisation):
        assessment_start(organisation=organisation, catalogue=version, by=client.user)
    page = client.get(url("index", organisation))
    assert page.status_code == 200
    assert page.content.decode().count('<li class="row') == 51


def test_a_review_date_is_saved_and_shown_back_in_the_date_field(client_as, organisation):
    catalogue = catalogue_with(
        [{"ref": "1.3.1", "answer_type": AnswerType.CONFIRMATION, "app_hint": "date"}]
    )
    r = _first(assessment_for(organisation, catalogue), "1.3.1")
    client = client_as(Role.EDITOR)
    client.post(
        url("item", organisation, pk=r.pk),
        _post_data(r, answer_confirmed="yes", answer_date="2026-03-01"),
    )
    r.refresh_from_db()
    assert r.answer_date.isoformat() == "2026-03-01" and r.answer_confirmed is True
    page = client.get(url("item", organisation, pk=r.pk)).content.decode()
    assert 'value="2026-03-01"' in page


def test_non_ascii_digits_in_filters_are_ignored_not_a_server_error(client_as, organisation):
    assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
    client = client_as(Role.VIEWER)
    assert client.get(url("index", organisation), {"year": "²", "owner": "²"}).status_code == 200
    assert client.get(url("warnings", organisation), {"owner": "²"}).status_code == 200

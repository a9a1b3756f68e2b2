"""The organisation home page: outcome in words, one clear next step, getting started."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from assessments.models import Level
from dashboards.read_models import (
    core_policies_missing,
    getting_started_steps,
    next_items,
)
from organisations.activity import sentence
from organisations.models import ActivityLog, Role
from organisations.services import activity_record
from registers.changes import year_changes
from registers.services import (
    breaches_needing_report,
    home_registers,
    register_figures,
    sars_needing_attention,
)
from tests.assessments.factories import assessment_for, catalogue_with, simple_items
from tests.dashboards.conftest import answer_text
from tests.evidence.factories import DocumentFactory, add_version
from tests.factories import InvitationFactory, MembershipFactory
from tests.registers.factories import (
    BreachFactory,
    ContinuityTestFactory,
    InformationAssetFactory,
    ITAssetFactory,
    SubjectAccessRequestFactory,
    SupplierFactory,
)

pytestmark = pytest.mark.django_db


def _in_scope(organisation, read, *args, **kwargs):
    """Call a read model as the home page does: inside the organisation's scope."""
    with scope(organisation=organisation):
        return read(*args, **kwargs)


def _home(client_as, organisation, role=Role.VIEWER):
    return client_as(role).get(reverse("organisations:home", args=[organisation.slug]))


def test_no_assessment_gives_one_next_step_start_it(client_as, organisation, today):
    page = _home(client_as, organisation, Role.EDITOR)

    assert page.status_code == 200
    assert "Your next step: start your 2025-26 assessment" in page.text
    # The button opens the start page (it asks one question, then starts it with a POST).
    assert f'href="{reverse("assessments:index", args=[organisation.slug])}"' in page.text
    assert f'href="{reverse("assessments:start", args=[organisation.slug])}"' not in page.text
    assert "What to do next" not in page.text


def test_a_viewer_is_told_who_can_start_it(client_as, organisation, today):
    page = _home(client_as, organisation, Role.VIEWER)

    assert "Ask your IG lead or manager to start it" in page.text
    assert reverse("assessments:start", args=[organisation.slug]) not in page.text


def test_outcome_in_words_and_next_items_link_straight_to_each_item(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(6)))
    with scopes_disabled():
        responses = list(assessment.responses.select_related("item").order_by("item__sort_key"))
    answer_text(responses[0])  # one of the two Approaching Standards items

    page = _home(client_as, organisation)

    assert "Not yet at Approaching Standards" in page.text
    assert "Approaching Standards needs 1 more item." in page.text
    assert "1 of 4</strong> (25%)" in page.text
    assert "Behind schedule" in page.text
    as_item = responses[3]  # the other AS item (levels cycle AS, SM, optional)
    assert as_item.item.level == Level.APPROACHING
    assert reverse("assessments:item", args=[organisation.slug, as_item.pk]) in page.text
    assert f"Answer {as_item.item.ref} next" in page.text


def test_next_items_put_approaching_standards_before_standards_met(organisation):
    assessment = assessment_for(organisation, catalogue_with(simple_items(9)))
    with scopes_disabled():
        responses = list(
            assessment.responses.select_related("item", "item__standard")
            .prefetch_related("document_links")
            .order_by("item__sort_key")
        )

    levels = [r.item.level for r in next_items(responses)]

    assert levels == [Level.APPROACHING] * 3 + [Level.MET] * 2


def test_progress_bars_carry_their_numbers_as_text(client_as, organisation, today):
    assessment_for(organisation, catalogue_with(simple_items(3)))

    page = _home(client_as, organisation)

    assert "Progress by standard" in page.text and "Progress by category" in page.text
    assert "0 of 1 answered" in page.text
    assert 'class="progress" aria-hidden="true"' in page.text


def test_documents_due_and_warnings_are_listed(client_as, organisation, today):
    assessment = assessment_for(organisation, catalogue_with(simple_items(3)))
    DocumentFactory(
        organisation=organisation, title="Backup log", next_review_due=dt.date(2026, 2, 1)
    )
    DocumentFactory(organisation=organisation, title="Far off", next_review_due=dt.date(2027, 2, 1))
    with scopes_disabled():
        first = assessment.responses.order_by("item__sort_key").first()
    answer_text(first, "Policy attached")

    page = _home(client_as, organisation)

    assert "Backup log" in page.text and "since 1 Feb 2026" in page.text
    assert "Far off" not in page.text
    assert "Answers to check" in page.text


def test_recent_activity_reads_as_sentences(client_as, organisation, member, today):
    user = member(Role.EDITOR, full_name="Tom Okafor")
    activity_record(
        organisation=organisation,
        actor=user,
        action="document.created",
        target=DocumentFactory(organisation=organisation, title="DPIA register"),
    )
    activity_record(organisation=organisation, actor=user, action="user.login")

    page = _home(client_as, organisation)

    assert "Tom Okafor added the document “DPIA register”" in page.text
    assert "login" not in page.text.lower().split("recent activity")[1].split("key people")[0]


def test_unknown_actions_still_read_sensibly_on_the_home_page_and_the_activity_page(organisation):
    entry = ActivityLog(organisation=organisation, action="plan.action_closed", actor_email="")

    assert sentence(entry) == "The portal action closed plan"


def test_home_page_runs_in_constant_queries(
    client_as, organisation, today, django_assert_max_num_queries
):
    client = client_as(Role.VIEWER)
    url = reverse("organisations:home", args=[organisation.slug])
    assessment_for(organisation, catalogue_with(simple_items(4)))
    # 6 for the registers (figures, what changed, breaches and requests due, read once).
    with django_assert_max_num_queries(33) as few:
        client.get(url)
    other = assessment_for(organisation, catalogue_with(simple_items(30), dspt_year=2027))
    with scopes_disabled():
        for response in other.responses.all()[:10]:
            answer_text(response)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_registers_read_once_say_what_each_register_read_says(organisation):
    """`home_registers` (one read of each register) gives the figures, what changed, the
    breaches to decide and the requests due exactly as their own reads do."""
    now = timezone.now()
    today = timezone.localdate()
    with time_machine.travel(now - dt.timedelta(days=400), tick=False):  # last year's entries
        BreachFactory(organisation=organisation, title="Old breach", reporting="ico")
        ITAssetFactory(organisation=organisation, name="Old laptop")
        edited = SupplierFactory(organisation=organisation, name="Old supplier")
        InformationAssetFactory(organisation=organisation, name="Old records")
        ContinuityTestFactory(organisation=organisation, tested_on=today - dt.timedelta(days=390))
        SubjectAccessRequestFactory(organisation=organisation, requester="Old request")
    with scopes_disabled():
        edited.service = "Payroll"
        edited.save()  # created last year, changed now: "updated"
    BreachFactory(organisation=organisation, title="Open clock")
    BreachFactory(organisation=organisation, title="Decided", reporting="not_reportable")
    BreachFactory(
        organisation=organisation,
        title="High risk",
        risk="high",
        discovered_at=now - dt.timedelta(days=2),
    )
    ITAssetFactory(organisation=organisation, name="Rota PC")
    ITAssetFactory(organisation=organisation, name="Old phone", kind="mobile", retired_on=today)
    ITAssetFactory(
        organisation=organisation, name="XP box", supported_until=today - dt.timedelta(days=5)
    )
    SupplierFactory(organisation=organisation, name="Ended Ltd", ended_on=today)
    SupplierFactory(organisation=organisation, name="Admin Ltd", admin_access=True)
    InformationAssetFactory(organisation=organisation, name="Rota", lawful_basis="")
    ContinuityTestFactory(organisation=organisation, scenario="power")
    for days_ago in (40, 25, 2):  # overdue, due within a week, open
        SubjectAccessRequestFactory(
            organisation=organisation, received_on=today - dt.timedelta(days=days_ago)
        )
    SubjectAccessRequestFactory(
        organisation=organisation,
        received_on=today - dt.timedelta(days=40),
        completed_on=today - dt.timedelta(days=1),
    )

    with scope(organisation=organisation):
        for published in (None, today - dt.timedelta(days=200), today - dt.timedelta(days=1)):
            read = home_registers(organisation=organisation, last_published_on=published)

            assert read.figures == register_figures(organisation=organisation)
            assert read.changes == year_changes(
                organisation=organisation, last_published_on=published
            )
            assert read.breaches_open == breaches_needing_report(organisation=organisation)
            assert read.sars_due == sars_needing_attention(organisation=organisation)
        assert [b.title for b in read.breaches_open] == ["High risk", "Open clock"]
        assert len(read.sars_due) == 3  # two overdue (one from last year), one due soon
        # The retired phone and the ended supplier are left out of the figures.
        assert read.figures.assets.in_use == 3 and read.figures.suppliers.in_use == 2


# ---------------------------------------------------------------- getting started


def test_getting_started_ticks_come_from_the_data(organisation, member):
    steps = {s.label: s for s in _in_scope(organisation, getting_started_steps, organisation)}
    assert steps["Enter your ODS code"].done
    assert not steps["Name your key people"].done
    assert "IG lead" in steps["Name your key people"].detail
    assert not steps["Invite your team"].done
    assert not steps["Start your assessment"].done

    organisation.ig_lead = member(Role.EDITOR)
    organisation.senior_accountable_person = member(Role.ADMIN)
    organisation.dpo_name = "Margaret Ellis"
    organisation.save()
    steps = {
        s.label: s
        for s in _in_scope(organisation, getting_started_steps, organisation, assessment=object())
    }
    assert steps["Name your key people"].done
    assert steps["Invite your team"].done
    assert steps["Start your assessment"].done


def test_a_pending_invitation_counts_as_inviting_the_team(organisation, member):
    member(Role.ADMIN)
    InvitationFactory(organisation=organisation)

    steps = {s.label: s for s in _in_scope(organisation, getting_started_steps, organisation)}

    assert steps["Invite your team"].done


def test_core_policies_are_recognised_from_titles_with_a_file_or_location(organisation):
    assert len(_in_scope(organisation, core_policies_missing, organisation)) == 4
    DocumentFactory(
        organisation=organisation, title="Data protection impact assessment", location="IG folder"
    )
    DocumentFactory(
        organisation=organisation,
        title="Acceptable use policy",
        location="Staff handbook, section 9",
    )
    DocumentFactory(organisation=organisation, title="Confidentiality policy")  # no file

    missing = _in_scope(organisation, core_policies_missing, organisation)

    assert missing == ["Data protection and confidentiality policy", "Staff training evidence"]
    add_version(DocumentFactory(organisation=organisation, title="Confidentiality and GDPR"))
    DocumentFactory(
        organisation=organisation, title="Certificates", kind="training_record", location="Office"
    )
    assert _in_scope(organisation, core_policies_missing, organisation) == []


def test_getting_started_disappears_when_everything_is_done(client_as, organisation, today):
    client = client_as(Role.ADMIN)
    url = reverse("organisations:home", args=[organisation.slug])
    assert "Getting started" in client.get(url).text

    organisation.ig_lead = organisation.senior_accountable_person = client.user
    organisation.dpo_name = "Someone"
    organisation.save()
    MembershipFactory(organisation=organisation)
    for title in ("DPIA", "Data protection policy", "IG policy", "Training matrix"):
        DocumentFactory(organisation=organisation, title=title, location="Office")
    assessment_for(organisation, catalogue_with(simple_items(2)))

    assert "Getting started" not in client.get(url).text

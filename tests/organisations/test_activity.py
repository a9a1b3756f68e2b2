"""The activity page: every entry reads as a sentence, whatever its changes hold."""

import re

import pytest
from django.urls import reverse
from django_scopes import scope

from assessments import plans, services
from organisations.models import ActivityLog, Role
from organisations.services import activity_record
from tests.assessments.factories import assessment_for, catalogue_with

pytestmark = pytest.mark.django_db

RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b")


def test_every_entry_reads_as_a_sentence_including_improvement_actions(client_as, organisation):
    client = client_as(Role.ADMIN)
    user = client.user
    user.full_name = "Priya Shah"
    user.save()
    with scope(organisation=organisation):
        assessment = assessment_for(organisation, catalogue_with([{"ref": "1.1.1"}]))
        response = assessment.responses.select_related("item", "assessment").get()
        services.response_update(
            response=response,
            data={"answer_text": "ZA123456", "status": "in_progress"},
            by=user,
        )
        # Its changes dict has a key named "items": the page used to walk dict.items() into it.
        plans.action_create(
            assessment=assessment,
            data={"title": "Renew the ICO registration"},
            responses=[response],
            by=user,
        )
        entry = activity_record(
            organisation=organisation,
            actor=user,
            action="reminder.requested",
            target=organisation,
            changes={"to": [None, "ig@example.com"]},
        )
        activity_record(
            organisation=organisation,
            actor=None,
            action="reminder.sent",
            target=organisation,
            changes={"request": [None, entry.pk], "to": [None, "ig@example.com"]},
        )
    page = client.get(reverse("organisations:activity", args=[organisation.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Priya Shah updated the answer to 1.1.1" in html
    assert "Answer: “ZA123456”" in html and "Status: “In progress” (was “Not started”)" in html
    assert "Priya Shah added “Renew the ICO registration” to the improvement plan" in html
    assert "Items: “1.1.1”" in html
    assert "Priya Shah asked for a reminder to be emailed to the IG lead" in html
    assert "The portal emailed the IG lead a reminder" in html
    assert "Sent to: “ig@example.com”" in html
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    assert not RAW_CODE.findall(body.replace("ig@example.com", ""))  # no "reminder.sent"
    assert "request" not in body and "→" not in body
    # The filter offers kinds of entry in words, and filtering still works.
    assert '<option value="improvement_action.">The improvement plan</option>' in html
    only_plan = client.get(
        reverse("organisations:activity", args=[organisation.slug]),
        {"action": "improvement_action."},
    ).content.decode()
    assert "to the improvement plan" in only_plan and "updated the answer" not in only_plan


def test_an_entry_of_a_kind_not_listed_still_reads_as_words(client_as, organisation):
    with scope(organisation=organisation):
        ActivityLog.objects.create(
            organisation=organisation, action="badge.switched_on", changes={"enabled": True}
        )
    html = (
        client_as(Role.ADMIN)
        .get(reverse("organisations:activity", args=[organisation.slug]))
        .content.decode()
    )
    assert "The portal switched on badge" in html and "Enabled: “yes”" in html
